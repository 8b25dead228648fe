// "Who decides?" in one sentence for a maker, with how long similar requests usually took: the same words on a
// request's card and in the answer to a hypothetical ("if I asked for …, who would approve?").
import type { GovernanceRequest } from '../requests/model.js';
import { usualDecisionMs, whoDecidesSentence } from '../requests/who-decides.js';
import type { BotContext } from './context.js';

export async function whoDecidesFor(
  bot: BotContext,
  request: GovernanceRequest,
  mood: 'actual' | 'hypothetical' = 'actual',
): Promise<string> {
  const similar = await bot.store.requests.list({
    type: request.type,
    status: ['approved', 'executing', 'completed', 'failed', 'rejected', 'revoked'],
    limit: 50,
  });
  return whoDecidesSentence(
    request,
    usualDecisionMs(similar),
    { remindAfterHours: bot.config.REMINDER_AFTER_HOURS, expireAfterDays: bot.config.EXPIRE_AFTER_DAYS },
    mood,
  );
}
