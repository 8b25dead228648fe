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
  /** Who reads an approver's copy (their personal chat): its buttons depend on whether they may decide now. */
  viewerId?: string | undefined;
  /** Order of recording (higher is newer); set by recordCardCopy. Copies recorded before it existed read as n. */
  seq?: number | undefined;
}

/**
 * A request tracks at most this many copies. When all are taken, a new copy replaces the oldest of the largest
 * crowd of replies in one conversation with one view (a requester's status answers in their chat), keeping that
 * crowd's newest KEEP_PER_CONVERSATION: so asking "status" over and over never crowds out the cards the bot posted
 * itself (an approver's question, a card in the approvals channel), nor an approver's own copy.
 */
export const MAX_CARD_COPIES = 40;
export const KEEP_PER_CONVERSATION = 2;

/**
 * Only replies to someone's message or click ("activity:…": status answers, opened lists) come in crowds; the
 * approvers' copies are never replaced (a stale one would keep live Approve/Reject buttons).
 */
function replaceable(copy: CardCopy): boolean {
  return copy.updateOf.startsWith('activity:') && copy.view !== 'approval' && copy.view !== 'approver';
}

const PERSONAL = 'personal:';
/** The reader of a copy in someone's personal chat (copies recorded before viewerId read it from the chat's key). */
export function copyViewer(copy: CardCopy): string | undefined {
  if (copy.viewerId) return copy.viewerId;
  return copy.conversationKey.startsWith(PERSONAL) ? copy.conversationKey.slice(PERSONAL.length) : undefined;
}

const slot = (requestId: string, n: number) => `card-copy:${requestId}:${n}`;
/** Claimed by the one writer that replaces slot n's copy of that seq (two writers never replace into one slot). */
export const REPLACED_PREFIX = 'card-copy-replaced:';
const replaced = (requestId: string, n: number, seq: number) => `${REPLACED_PREFIX}${requestId}:${n}:${seq}`;

const seqOf = (copy: CardCopy, n: number) => copy.seq ?? n;

/** Names the copy in slot n for its outbox edit keys: a replacing copy gets its own, never its predecessor's. */
export function copyId(copy: CardCopy, n: number): string {
  return seqOf(copy, n) === n ? String(n) : `${n}.${seqOf(copy, n)}`;
}

export async function cardCopies(kv: StoreSession['kv'], requestId: string): Promise<CardCopy[]> {
  const copies: CardCopy[] = [];
  for (let n = 0; n < MAX_CARD_COPIES; n++) {
    const copy = await kv.get<CardCopy>(slot(requestId, n));
    if (!copy) break;
    copies.push(copy);
  }
  return copies;
}

/**
 * Records a copy once (the same updateOf again is ignored), replacing an old crowded copy when all slots are taken
 * (see MAX_CARD_COPIES); false only when no copy may be replaced.
 */
export async function recordCardCopy(kv: StoreSession['kv'], requestId: string, copy: CardCopy): Promise<boolean> {
  for (let attempt = 0; attempt < 5; attempt++) {
    const taken: CardCopy[] = [];
    let newest = -1;
    for (let n = 0; n < MAX_CARD_COPIES; n++) {
      const existing = await kv.get<CardCopy>(slot(requestId, n));
      if (existing?.updateOf === copy.updateOf) return true;
      if (!existing) {
        if (await kv.setIfAbsent(slot(requestId, n), { ...copy, seq: newest + 1 })) return true;
        break; // another writer took it: read again
      }
      taken.push(existing);
      newest = Math.max(newest, seqOf(existing, n));
    }
    if (taken.length < MAX_CARD_COPIES) continue;
    const n = oldestCrowded(taken);
    const old = n === undefined ? undefined : taken[n];
    if (n === undefined || !old) return false;
    if (!(await kv.setIfAbsent(replaced(requestId, n, seqOf(old, n)), copy.updateOf))) continue;
    await kv.set(slot(requestId, n), { ...copy, seq: newest + 1 });
    return true;
  }
  return false;
}

/** The slot of the oldest reply in the largest group (one conversation, one view) above KEEP_PER_CONVERSATION. */
function oldestCrowded(copies: CardCopy[]): number | undefined {
  const groups = new Map<string, number[]>();
  for (const [n, c] of copies.entries()) {
    if (!replaceable(c)) continue;
    const key = `${c.view} ${c.conversationKey}`;
    groups.set(key, [...(groups.get(key) ?? []), n]);
  }
  let crowd: number[] = [];
  for (const slots of groups.values()) if (slots.length > crowd.length) crowd = slots;
  if (crowd.length <= KEEP_PER_CONVERSATION) return undefined;
  const seqs = crowd.map((n) => seqOf(copies[n] as CardCopy, n));
  return crowd[seqs.indexOf(Math.min(...seqs))];
}
