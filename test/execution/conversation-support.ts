// Shared steps for the Step 2 conversation tests: file a prepared request the way the front door does,
// show the requester a receipt card that later progress edits in place, and read the approval card.
import assert from 'node:assert/strict';
import { outboxKeys } from '../../src/outbox/messages.js';
import type { RequestDetails } from '../../src/requests/model.js';
import type { Preparation } from '../../src/requests/preparation.js';
import { AdaptiveCardComposer } from '../../src/teams/cards/composer.js';
import { approveInChannel, type Harness, type User } from '../support/bot-harness.js';
import { type ConnectorCall, cardText, firstCard } from '../support/connector-double.js';
import { team, users } from '../support/fixture-ids.js';

/**
 * Sets the approvals and audit channels without the chat parser (being rewritten elsewhere): any activity in a
 * channel stores its conversation reference, then the setting is stored as the "set … channel" command would.
 */
export async function useChannels(h: Harness): Promise<void> {
  for (const [kind, channelId] of [
    ['approvals', team.approvals],
    ['audit', team.audit],
  ] as const) {
    const res = await h.invoke(users.megan, 'why', { requestId: 'REQ-1' }, { conversationId: channelId, channelId });
    assert.equal(res.status, 200);
    await h.bot.store.channels.set({
      kind,
      conversationKey: `channel:${channelId}`,
      setBy: users.megan.id,
      setAt: new Date().toISOString(),
    });
  }
}

export function readyDetails(prep: Preparation): RequestDetails {
  assert.equal(prep.kind, 'ready', JSON.stringify(prep));
  if (prep.kind !== 'ready') throw new Error('not ready');
  return prep.details;
}

/** Any activity from the user stores their personal conversation reference (as Teams would on first contact). */
export async function meetBot(h: Harness, user: User = users.alex): Promise<void> {
  const res = await h.invoke(user, 'why', { requestId: 'REQ-1' }, { conversationId: h.personalConversationId(user) });
  assert.equal(res.status, 200);
}

/** Files the request and, like the front door, posts the requester's receipt card and remembers where it is. */
export async function fileWithReceipt(h: Harness, user: User, details: RequestDetails, justification?: string) {
  await meetBot(h, user);
  const filed = await h.bot.service.file({ requesterId: user.id, details, justification });
  assert.equal(filed.kind, 'filed', JSON.stringify(filed));
  if (filed.kind !== 'filed') throw new Error('not filed');
  const id = filed.request.id;
  await h.bot.store.outbox.enqueue({
    idempotencyKey: `receipt:${id}`,
    conversationKey: `personal:${user.id}`,
    operation: 'send',
    activity: new AdaptiveCardComposer().receiptCard(filed.request),
    requestId: id,
    createdAt: new Date().toISOString(),
  });
  await h.bot.outbox.drain();
  const receipt = h.connector
    .messages(h.personalConversationId(user))
    .find((c) => c.method === 'POST' && cardText(firstCard(c.body)).includes(id));
  assert.ok(receipt, `receipt posted: ${h.connector.describe()}`);
  await h.bot.service.attachReceipt(id, h.personalConversationId(user), receipt.id);
  return { request: filed.request, receipt };
}

export async function approvalPost(h: Harness): Promise<ConnectorCall> {
  await h.settle();
  const post = h.connector.messages(team.approvals).find((c) => c.method === 'POST');
  assert.ok(post, `approval card posted: ${h.connector.describe()}`);
  return post;
}

export function approve(h: Harness, approver: User, post: ConnectorCall, data: Record<string, unknown>) {
  return approveInChannel(h, approver, post.id, data);
}

/**
 * Approves every stage the routing policy demanded (a production environment may need a senior approver too),
 * each approver deciding on the card revision they would see.
 */
export async function approveFully(h: Harness, post: ConnectorCall, data: Record<string, unknown>) {
  const requestId = String(data.requestId);
  for (const approver of [users.megan, users.patti, users.nestor]) {
    const current = await h.bot.store.requests.get(requestId);
    if (current?.status !== 'pending') break;
    const res = await approve(h, approver, post, { ...data, revision: current.decisions.length });
    assert.equal(res.status, 200);
  }
  const decided = await h.bot.store.requests.get(requestId);
  assert.equal(decided?.status, 'approved', `${requestId} approved: ${JSON.stringify(decided?.decisions)}`);
}

/** The texts of every in-place edit of one activity, in order. */
export function updatesOf(h: Harness, activityId: string): string[] {
  return h.connector.calls
    .filter((c) => c.method === 'PUT' && c.activityId === activityId)
    .map((c) => cardText(firstCard(c.body)));
}

export { outboxKeys };
