// The partial request kept between turns while the bot asks back, one per user and conversation, in
// store.kv with an expiry. Only ids and labels of catalogue entries are kept; authority is re-checked at filing.
import { randomUUID } from 'node:crypto';
import type { StoreSession } from '../requests/ports/store.js';
import type { EnvironmentSku, RequestIntent } from './intent.js';

/** reason: the policy wants a reason for this request and none was given (asked just before filing). */
export type Slot = 'environment' | 'connector' | 'name' | 'sku' | 'location' | 'dataverse' | 'confirm' | 'reason';

export interface DraftChoice {
  id: string;
  label: string;
}

export interface Draft {
  id: string;
  userId: string;
  conversationId: string;
  type: RequestIntent;
  /** sure=false: the bot matched it with medium confidence (typo, partial name): the user confirms first. */
  environment?: { id: string; displayName: string; sure: boolean } | undefined;
  connectors: { name: string; displayName: string; sure: boolean }[];
  newEnvironment: {
    name?: string | undefined;
    sku?: EnvironmentSku | undefined;
    location?: string | undefined;
    locationName?: string | undefined;
    dataverse?: boolean | undefined;
    currency?: string | undefined;
    languageLcid?: number | undefined;
  };
  justification?: string | undefined;
  grantEndsAt?: string | undefined;
  /** Why the policy wants a reason for this request (set when the bot asks for one). */
  reasonFor?: 'production' | 'tenant-wide' | undefined;
  /** The maker confirms the summary before anything is filed (their message was cut before it was understood). */
  confirmFirst?: boolean | undefined;
  /** The question the bot asked last, with the options it offered (answers are checked against these). */
  question?: { slot: Slot; options: DraftChoice[] } | undefined;
  updatedAt: string;
  expiresAt: string;
}

/** A draft nobody answered for this long is forgotten. */
export const DRAFT_TTL_MS = 30 * 60_000;

export function newDraft(userId: string, conversationId: string, type: RequestIntent, now: Date): Draft {
  return {
    id: randomUUID().slice(0, 12),
    userId,
    conversationId,
    type,
    connectors: [],
    newEnvironment: {},
    updatedAt: now.toISOString(),
    expiresAt: new Date(now.getTime() + DRAFT_TTL_MS).toISOString(),
  };
}

const key = (userId: string, conversationId: string) => `draft:${userId}:${conversationId}`;

export class DraftStore {
  constructor(
    private readonly kv: StoreSession['kv'],
    private readonly clock: () => Date,
  ) {}

  async get(userId: string, conversationId: string): Promise<Draft | undefined> {
    const draft = await this.kv.get<Draft | null>(key(userId, conversationId));
    if (!draft) return undefined;
    if (draft.expiresAt <= this.clock().toISOString()) {
      await this.clear(userId, conversationId);
      return undefined;
    }
    return draft;
  }

  async save(draft: Draft): Promise<Draft> {
    const now = this.clock();
    const saved = {
      ...draft,
      updatedAt: now.toISOString(),
      expiresAt: new Date(now.getTime() + DRAFT_TTL_MS).toISOString(),
    };
    await this.kv.set(key(draft.userId, draft.conversationId), saved);
    return saved;
  }

  async clear(userId: string, conversationId: string): Promise<void> {
    await this.kv.set(key(userId, conversationId), null);
  }

  /** True exactly once per draft: the guard that files a draft at most once, whatever is clicked or replayed. */
  claimFiling(draftId: string): Promise<boolean> {
    return this.kv.setIfAbsent(`draft-filed:${draftId}`, this.clock().toISOString());
  }
}
