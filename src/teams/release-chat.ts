// "Remove my maker role in Contoso Dev", "end my Dropbox exception early": what the maker holds is looked up,
// shown on a confirmation card, and released only when its holder confirms. The card carries an offer id only;
// who may confirm, and what is released, come from the stored offer.
import type { TurnContext } from 'botbuilder';
import { z } from 'zod';
import type { Understanding } from '../intake/understand.js';
import type { GovernanceRequest, ReleaseDetails } from '../requests/model.js';
import { environmentRef } from '../requests/preparers/lookup.js';
import { describeRelease } from '../requests/release.js';
import type { ReleaseQuery } from '../requests/release-service.js';
import { parseCardData } from './card-actions.js';
import { recordSentCopy } from './card-copy-recorder.js';
import { requestCard } from './cards/composer.js';
import type { AdaptiveCard } from './cards/template.js';
import type { BotContext } from './context.js';
import { cardReply, doneCard, releaseConfirmCard, textReply } from './replies.js';
import { isSharedConversation, notFoundCard } from './visibility.js';

const offerRef = z.object({ offerId: z.string().uuid() });
const CONNECTOR_WORDING = /\b(exception|connector)s?\b/i;
const ROLE_WORDING = /\b(maker|role)\b/i;
const NOTHING_CHANGED = 'I have not changed anything.';

export class ReleaseChat {
  constructor(private readonly bot: BotContext) {}

  /** What the words narrow the release to: which access, where, which connectors. */
  private query(u: Understanding): ReleaseQuery {
    const text = u.parsed.text;
    const connectors = u.connectors.accepted.map((a) => a.connector.name);
    const env = u.environment;
    const sure = env.value && (env.confidence === 'high' || env.confidence === 'medium');
    return {
      access:
        connectors.length > 0 || CONNECTOR_WORDING.test(text)
          ? 'connector-exception'
          : ROLE_WORDING.test(text)
            ? 'maker-role'
            : undefined,
      environment: sure && env.value ? environmentRef(env.value) : undefined,
      connectors,
    };
  }

  /** A message asking to give access up: ask which, say there is nothing, or show the confirmation card. */
  async ask(context: TurnContext, userId: string, u: Understanding): Promise<void> {
    const releases = this.bot.releases;
    if (!releases)
      return void (await context.sendActivity(
        textReply(`I can't remove access from chat right now; please ask a Power Platform admin. ${NOTHING_CHANGED}`),
      ));
    const env = u.environment;
    if (env.confidence === 'ambiguous' && env.options.length > 0) {
      const names = env.options.slice(0, 6).map((e) => e.displayName);
      return void (await context.sendActivity(
        textReply(`Which environment: ${names.join(', ')}? Say for example "remove my maker role in ${names[0]}".`),
      ));
    }
    const query = this.query(u);
    const found = await releases.find(userId, query);
    if (found.length === 0) {
      const wide = await releases.tenantWideUnblocks(userId, query);
      return void (await context.sendActivity(textReply(wide.length > 0 ? tenantWide(wide) : nothingHeld(query, u))));
    }
    if (found.length > 1) {
      const list = found.map((d, i) => `${i + 1}. ${describeRelease(d)}`).join('\n');
      return void (await context.sendActivity(
        textReply(
          `You hold more than one of these:\n\n${list}\n\nWhich one should I end? Say for example "${example(found[0])}". ${NOTHING_CHANGED}`,
        ),
      ));
    }
    const only = found[0] as ReleaseDetails;
    const offer = await releases.offer(userId, only);
    await context.sendActivity(cardReply(releaseConfirmCard(offer), `Give up ${describeRelease(only)}?`));
  }

  /** "Yes, give it up": only the offer's holder files the release, once, however often it is pressed. */
  async confirm(context: TurnContext, data: unknown): Promise<AdaptiveCard> {
    const userId = context.activity.from?.aadObjectId;
    const parsed = parseCardData(offerRef, data);
    const releases = this.bot.releases;
    if (!parsed.ok || !userId || !releases) return notFoundCard('');
    const result = await releases.confirm(parsed.value.offerId, userId, context.activity.id);
    const shared = isSharedConversation(context.activity);
    switch (result.kind) {
      case 'not-found':
        return notFoundCard('');
      case 'nothing':
        return doneCard('Nothing to give up', `${result.message} ${NOTHING_CHANGED}`);
      case 'already':
        return requestCard(
          result.request,
          'requester',
          { text: `You already confirmed this: ${result.request.id} is ${result.request.status}.`, tone: 'info' },
          [],
          shared,
        );
      case 'filed': {
        this.bot.kick();
        // This card becomes the release's card: progress and the result edit it in place.
        // A group chat's card is a shared copy edited in that chat (the receipt is edited in the personal chat).
        const cardId = context.activity.replyToId;
        if (shared) await recordSentCopy(this.bot, context, result.request, cardId, 'requester');
        else if (cardId)
          await this.bot.service.attachReceipt(result.request.id, context.activity.conversation.id, cardId);
        return requestCard(
          result.request,
          'requester',
          { text: 'Confirmed. I am removing it now and will update this card when it is done.', tone: 'good' },
          [],
          shared,
        );
      }
      default: {
        const never: never = result;
        return never;
      }
    }
  }

  /** "Keep it": the offer is dropped, so the card cannot release anything later. */
  async keep(context: TurnContext, data: unknown): Promise<AdaptiveCard> {
    const userId = context.activity.from?.aadObjectId;
    const parsed = parseCardData(offerRef, data);
    const result = parsed.ok && userId ? await this.bot.releases?.withdraw(parsed.value.offerId, userId) : undefined;
    if (!result || result.kind === 'not-found') return notFoundCard('');
    if (result.kind === 'already')
      return requestCard(
        result.request,
        'requester',
        { text: `You already confirmed this: ${result.request.id} is ${result.request.status}.`, tone: 'info' },
        [],
        isSharedConversation(context.activity),
      );
    return doneCard('Kept', `You keep your access. ${NOTHING_CHANGED}`);
  }
}

/** Said plainly when nothing matches: what was looked for, and that nothing changed. */
function nothingHeld(query: ReleaseQuery, u: Understanding): string {
  const where = query.environment ? ` in ${query.environment.displayName}` : '';
  const named = u.connectors.accepted.map((a) => a.connector.displayName).join(', ');
  if (query.access !== 'connector-exception' && query.environment?.isDefault)
    return `Every licensed user is an Environment Maker in the default environment (${query.environment.displayName}); that role comes with the licence and can't be given up here. ${NOTHING_CHANGED}`;
  if (query.access === 'maker-role')
    return query.environment
      ? `You don't hold the Environment Maker role in ${query.environment.displayName}, so there is nothing to remove. ${NOTHING_CHANGED}`
      : `I found no Environment Maker role of yours that I granted. In which environment should I remove it? Say for example "remove my maker role in Contoso Dev". ${NOTHING_CHANGED}`;
  if (query.access === 'connector-exception')
    return `You have no connector exception${named ? ` for ${named}` : ''}${where} in force that I can end. "my requests" lists what you asked for. ${NOTHING_CHANGED}`;
  return `I found no maker role or connector exception of yours${where} to give up. ${NOTHING_CHANGED}`;
}

/** Tenant-wide unblocks changed a policy for everyone it covers: not the maker's own access to give up. */
function tenantWide(requests: GovernanceRequest[]): string {
  const list = requests
    .map((r) =>
      r.details.type === 'connector-unblock' ? `${r.id} unblocked ${r.details.connector.displayName}` : r.id,
    )
    .join('; ');
  return `${list} tenant-wide: the policy changed for every environment it covers, not only for you, so I can't end it from chat. Ask a Power Platform admin if it should be blocked again. ${NOTHING_CHANGED}`;
}

function example(d: ReleaseDetails | undefined): string {
  if (!d) return 'end my Dropbox exception in Contoso Dev';
  return d.access === 'maker-role'
    ? `remove my maker role in ${d.environment.displayName}`
    : `end my ${d.connector?.displayName ?? 'connector'} exception in ${d.environment.displayName}`;
}
