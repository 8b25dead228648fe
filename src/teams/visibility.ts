// Who may see a request's details: its requester and the approvers (any stage of it, its escalation groups,
// and the configured approver groups). Decided from stored state and the directory, never from a card.
import type { GovernanceRequest } from '../requests/model.js';
import type { BotContext } from './context.js';

export async function maySeeRequest(bot: BotContext, request: GovernanceRequest, userId: string | undefined) {
  if (!userId) return false;
  if (userId === request.requester.id) return true;
  const groups = new Set<string>([bot.config.APPROVER_GROUP_ID, bot.config.SENIOR_APPROVER_GROUP_ID]);
  for (const stage of request.stages) {
    groups.add(stage.groupId);
    if (stage.escalatedTo) groups.add(stage.escalatedTo.groupId);
  }
  return (await bot.tenant.memberOfGroups(userId, [...groups].slice(0, 20))).length > 0;
}
