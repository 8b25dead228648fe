// Who may see a request's details: its requester and the approvers (any stage of it, its escalation groups,
// and the configured approver groups). Decided from stored state and the directory, never from a card.
// Everyone else gets the same answer as for an id that does not exist: nothing about whether it exists or
// whose it is.
import type { Activity } from 'botbuilder';
import type { GroupMembership } from '../requests/group-membership.js';
import type { GovernanceRequest } from '../requests/model.js';
import { noticeCard } from './cards/composer.js';
import type { BotContext } from './context.js';
import { referenceFor } from './conversation-references.js';

export async function maySeeRequest(bot: BotContext, request: GovernanceRequest, userId: string | undefined) {
  return (await seeing(bot, request, userId)).visible;
}

/** Whether the user may see the request, and the directory check that told (none for its requester). */
async function seeing(
  bot: BotContext,
  request: GovernanceRequest,
  userId: string | undefined,
): Promise<{ visible: boolean; membership?: GroupMembership }> {
  if (!userId) return { visible: false };
  if (userId === request.requester.id) return { visible: true };
  const groups = new Set<string>([bot.config.APPROVER_GROUP_ID, bot.config.SENIOR_APPROVER_GROUP_ID]);
  for (const stage of request.stages) {
    groups.add(stage.groupId);
    if (stage.escalatedTo) groups.add(stage.escalatedTo.groupId);
  }
  const checked = [...groups].slice(0, 20);
  const memberOf = await bot.tenant.memberOfGroups(userId, checked);
  return { visible: memberOf.length > 0, membership: { userId, checked, memberOf } };
}

/** The request if this user may see it; undefined both when it does not exist and when it is not theirs. */
export async function visibleRequest(
  bot: BotContext,
  requestId: string,
  userId: string | undefined,
): Promise<GovernanceRequest | undefined> {
  return (await seenRequest(bot, requestId, userId))?.request;
}

/** visibleRequest, with the directory check made on the way (the decide path reuses it for the stage check). */
export async function seenRequest(
  bot: BotContext,
  requestId: string,
  userId: string | undefined,
): Promise<{ request: GovernanceRequest; membership?: GroupMembership } | undefined> {
  const request = await bot.store.requests.get(requestId);
  if (!request) return undefined;
  const { visible, membership } = await seeing(bot, request, userId);
  return visible ? { request, ...(membership ? { membership } : {}) } : undefined;
}

/** Only the id as the user typed it (already REQ-digits when parsed), cut short. */
function shownId(requestId: string): string {
  return /^REQ-\d{1,9}$/i.test(requestId) ? requestId.toUpperCase() : 'that request';
}

/** The one answer for a request that does not exist or that this user may not see. */
export function notFoundOrNotYours(requestId: string): string {
  return `I can't find ${shownId(requestId)} among the requests you can see. Nothing was changed.`;
}

export function notFoundCard(requestId: string) {
  return noticeCard({ title: 'Request not found', color: 'Attention', text: notFoundOrNotYours(requestId) });
}

/** Audits a refused look or action on a request the user may not see (or that does not exist), alike. */
export async function auditUnseen(bot: BotContext, userId: string | undefined, action: string, requestId: string) {
  await bot.store.audit.append({
    at: bot.clock().toISOString(),
    actorId: userId ?? 'unknown',
    action,
    outcome: 'refused',
    requestId: /^REQ-\d{1,9}$/i.test(requestId) ? requestId.toUpperCase() : undefined,
    targetType: 'request',
    targetId: requestId.slice(0, 64),
    details: { code: 'NOT_FOUND_OR_NOT_YOURS' },
  });
}

/** A group chat or channel: others read what the bot posts there. */
export function isSharedConversation(activity: Partial<Activity>): boolean {
  const type = activity.conversation?.conversationType;
  return type === 'channel' || type === 'groupChat' || activity.conversation?.isGroup === true;
}

/**
 * Whether an approver-only answer (the audit trail, the licence report, the pending requests) may be posted here:
 * in a personal chat, or in a channel chosen for governance (approvals, audit, notifications). Not in any other
 * group chat or channel, whose other members may be anyone.
 */
export async function approversReadHere(bot: BotContext, activity: Activity): Promise<boolean> {
  if (!isSharedConversation(activity)) return true;
  const key = referenceFor(activity)?.key;
  if (!key) return false;
  const kinds = ['approvals', 'audit', 'notifications'] as const;
  const channels = await Promise.all(kinds.map((kind) => bot.store.channels.get(kind)));
  return channels.some((channel) => channel?.conversationKey === key);
}

/** The answer instead of an approver-only one in a chat others read. */
export function notForThisChat(what: string): string {
  return `${what} is for approvers only, and everyone in this chat would see it. Ask me in our personal chat, or in the approvals or audit channel.`;
}
