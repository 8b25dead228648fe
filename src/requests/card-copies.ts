// Every copy of a request's card the bot posted beyond the approval card and the receipt (a status answer, a
// copy shown again in a group chat, an approver's question to the requester, a grant reminder, a second card in
// the approvals channel), so that each one is edited on every change of state and no old copy keeps "Waiting for
// approval" and a Cancel button. Kept in the store's kv under one key per copy (n = 0, 1, …): setIfAbsent makes
// two writers that record at once take different slots, on SQLite and PostgreSQL alike.
import type { CardCopyView } from '../outbox/messages.js';
import type { StoreSession } from './ports/store.js';

export interface CardCopy {
  /** Conversation reference key of the conversation the copy is in. */
  conversationKey: string;
  /** What the outbox edits: the outbox key it was sent under, or "activity:<id>" for a reply the front door sent. */
  updateOf: string;
  /** How the copy shows the request (who reads it there). */
  view: CardCopyView;
  /** The request version the copy was posted with: it is edited only for later versions (its notice stays). */
  version?: number | undefined;
}

/** A request with more copies than this is not tracked further (a copy per status question, bounded anyway). */
export const MAX_CARD_COPIES = 40;

const slot = (requestId: string, n: number) => `card-copy:${requestId}:${n}`;

export async function cardCopies(kv: StoreSession['kv'], requestId: string): Promise<CardCopy[]> {
  const copies: CardCopy[] = [];
  for (let n = 0; n < MAX_CARD_COPIES; n++) {
    const copy = await kv.get<CardCopy>(slot(requestId, n));
    if (!copy) break;
    copies.push(copy);
  }
  return copies;
}

/** Records a copy once (the same updateOf again is ignored); false when the request has too many copies. */
export async function recordCardCopy(kv: StoreSession['kv'], requestId: string, copy: CardCopy): Promise<boolean> {
  for (let n = 0; n < MAX_CARD_COPIES; n++) {
    const existing = await kv.get<CardCopy>(slot(requestId, n));
    if (existing?.updateOf === copy.updateOf) return true;
    if (!existing && (await kv.setIfAbsent(slot(requestId, n), copy))) return true;
  }
  return false;
}
