// The message-composer port: turns domain state into Bot Framework activities (JSON). The use cases call it
// inside their transaction so the outbox stores exactly what will be sent; src/teams/cards implements it.
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
