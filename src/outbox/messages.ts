// The message-composer port: turns domain state into Bot Framework activities (JSON); src/teams/cards implements it.
// The use cases call it inside their transaction, so the outbox stores what will be sent: the activity itself, or a
// card's recipe (DeferredComposer, below) that the outbox worker draws when it sends.
import type { GovernanceRequest } from '../requests/model.js';

export type Activity = Record<string, unknown>;

export interface CardNotice {
  /** A one-line banner on top of the card, e.g. a refusal or "this card was out of date". */
  text: string;
  tone: 'info' | 'warning' | 'error' | 'good';
}

/**
 * How a copy of a request card reads where it was posted: the approvals channel's card, the requester's own view,
 * someone else's read-only view; "shared" when others read the conversation (no email, department or licence).
 */
export type CardCopyView =
  | 'approval'
  | 'requester'
  | 'requester-shared'
  /** An approver's own copy in their personal chat (opened from "pending requests"). */
  | 'approver'
  | 'readonly'
  | 'readonly-shared';

export interface MessageComposer {
  /** The card in the approvals channel; also the invoke response after a decision. */
  approvalCard(request: GovernanceRequest, notice?: CardNotice): Activity;
  /** The requester's receipt/status card in personal chat. */
  receiptCard(request: GovernanceRequest, notice?: CardNotice): Activity;
  /** A copy of the request's card as it reads now (every copy is edited on each change of state). */
  requestCopy(request: GovernanceRequest, view: CardCopyView): Activity;
  /** A plain update to the requester (decision, completion, failure). */
  requesterUpdate(request: GovernanceRequest): Activity;
  /** One compact card per completed (or failed/refused) action for the audit channel. */
  auditPost(request: GovernanceRequest, summary: string): Activity;
  text(message: string): Activity;
}

/** Conversation keys under which references are stored (see storage conversations). */
export const conversationKeys = {
  personal: (aadObjectId: string) => `personal:${aadObjectId}`,
  channel: (channelId: string) => `channel:${channelId}`,
  group: (conversationId: string) => `group:${conversationId}`,
};

/** Outbox idempotency keys: one approval card per request, one update per request version. */
export const outboxKeys = {
  approvalCard: (requestId: string) => `approval:${requestId}`,
  approvalCardUpdate: (requestId: string, version: number) => `approval:${requestId}:v${version}`,
  /** The receipt sent to the requester's personal chat when they asked in a group chat or channel. */
  receipt: (requestId: string) => `receipt:${requestId}`,
  receiptUpdate: (requestId: string, version: number) => `receipt:${requestId}:v${version}`,
  requesterUpdate: (requestId: string, status: string) => `requester:${requestId}:${status}`,
  auditPost: (requestId: string, status: string) => `audit:${requestId}:${status}`,
  /** The edit of recorded copy n (see requests/card-copies) for one request version. */
  copyUpdate: (requestId: string, copy: string, version: number) => `copy:${requestId}:${copy}:v${version}`,
};

/**
 * A card the outbox draws when it sends, from the request as it was stored in the use case's transaction. Drawing
 * an Adaptive Card is most of a card's cost; drawn in the transaction, the three or four cards a decision enqueues
 * (channel card, receipt, requester's news, audit entry) were drawn while the approver's click waited, and an edit
 * that a newer edit of the same card replaces in a busy channel was drawn and never sent. The snapshot fixes what
 * the card says: a card drawn later reads exactly as it would have then.
 */
export type CardRecipe =
  | { card: 'approval'; request: GovernanceRequest; notice?: CardNotice | undefined }
  | { card: 'receipt'; request: GovernanceRequest; notice?: CardNotice | undefined }
  | { card: 'copy'; request: GovernanceRequest; view: CardCopyView }
  | { card: 'requester-update'; request: GovernanceRequest }
  | { card: 'audit-post'; request: GovernanceRequest; summary: string };

/** The stored form of a card drawn at send time (an Activity to the store; see drawActivity). */
export type DeferredCard = {
  type: 'message';
  drawAtSend: CardRecipe;
};

export function isDeferredCard(activity: Activity): activity is Activity & DeferredCard {
  return typeof activity.drawAtSend === 'object' && activity.drawAtSend !== null;
}

/**
 * The composer the use cases hold when an outbox worker draws cards at send time: each card is stored as its
 * recipe. Text needs no drawing and is stored as it is sent.
 */
export class DeferredComposer implements MessageComposer {
  constructor(private readonly drawer: MessageComposer) {}

  private defer(recipe: CardRecipe): Activity {
    return { type: 'message', drawAtSend: recipe } satisfies DeferredCard;
  }
  approvalCard(request: GovernanceRequest, notice?: CardNotice): Activity {
    return this.defer({ card: 'approval', request, notice });
  }
  receiptCard(request: GovernanceRequest, notice?: CardNotice): Activity {
    return this.defer({ card: 'receipt', request, notice });
  }
  requestCopy(request: GovernanceRequest, view: CardCopyView): Activity {
    return this.defer({ card: 'copy', request, view });
  }
  requesterUpdate(request: GovernanceRequest): Activity {
    return this.defer({ card: 'requester-update', request });
  }
  auditPost(request: GovernanceRequest, summary: string): Activity {
    return this.defer({ card: 'audit-post', request, summary });
  }
  text(message: string): Activity {
    return this.drawer.text(message);
  }
}

/**
 * The views this version draws. A stored copy recipe naming another (a row written by another version) is not
 * drawn: requestCopy reads any view it does not know as a private one, with the requester's email and department.
 */
const COPY_VIEWS: Record<CardCopyView, true> = {
  approval: true,
  requester: true,
  'requester-shared': true,
  approver: true,
  readonly: true,
  'readonly-shared': true,
};

/** The activity to send: a deferred card drawn by `composer`; anything else as it was stored. */
export function drawActivity(activity: Activity, composer: MessageComposer | undefined): Activity {
  if (!isDeferredCard(activity)) return activity;
  if (!composer) throw new Error('a card stored to be drawn at send time, and no composer to draw it');
  const recipe = activity.drawAtSend;
  switch (recipe.card) {
    case 'approval':
      return composer.approvalCard(recipe.request, recipe.notice);
    case 'receipt':
      return composer.receiptCard(recipe.request, recipe.notice);
    case 'copy':
      if (!Object.hasOwn(COPY_VIEWS, recipe.view))
        throw new Error(`unknown copy view ${String(recipe.view).slice(0, 40)}`);
      return composer.requestCopy(recipe.request, recipe.view);
    case 'requester-update':
      return composer.requesterUpdate(recipe.request);
    case 'audit-post':
      return composer.auditPost(recipe.request, recipe.summary);
    default: {
      const never: never = recipe;
      // Its name only: the rest of a recipe is the request, and this message is logged and stored.
      throw new Error(`unknown card recipe ${String((never as { card?: unknown }).card).slice(0, 40)}`);
    }
  }
}
