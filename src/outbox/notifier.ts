// The notifier port: delivers one activity to a stored conversation. The Teams implementation speaks the
// Bot Connector protocol (src/teams/teams-notifier.ts); the outbox worker is its only caller.
import type { Activity } from './messages.js';

export interface Notifier {
  /** Posts a new message; returns the id Teams gave it (needed to edit it later). */
  send(reference: Record<string, unknown>, activity: Activity): Promise<{ activityId?: string | undefined }>;
  /** Replaces an existing message in place. */
  update(reference: Record<string, unknown>, activityId: string, activity: Activity): Promise<void>;
}

/** A delivery failure with what the worker needs to decide: retry (and when) or give up. */
export class DeliveryError extends Error {
  constructor(
    message: string,
    readonly status: number | undefined,
    readonly retryAfterMs: number | undefined,
    /** The connector's error code, e.g. ConversationNotFound, ActivityNotFoundInConversation, BotDisabledByAdmin. */
    readonly code?: string | undefined,
  ) {
    super(message);
    this.name = 'DeliveryError';
  }
  get retryable(): boolean {
    return this.status === undefined || [408, 412, 429, 500, 502, 503, 504].includes(this.status);
  }
  /** 403 (bot removed, user blocked the bot) or 404 (conversation or message gone): no retry will ever succeed. */
  get final(): boolean {
    return this.status === 403 || this.status === 404;
  }
  /** The message to edit is gone but its conversation is not: posting it anew can still reach the reader. */
  get messageGone(): boolean {
    return this.status === 404 && this.code !== 'ConversationNotFound';
  }
  /** What the outbox stores as the reason: status, connector code, message. */
  get reason(): string {
    return `${this.status ?? 'network'}${this.code ? ` ${this.code}` : ''}: ${this.message}`;
  }
}

/** Reads status and Retry-After from whatever the Bot Framework connector client threw. */
export function toDeliveryError(error: unknown): DeliveryError {
  if (error instanceof DeliveryError) return error;
  const e = error as {
    statusCode?: number;
    status?: number;
    response?: { status?: number; headers?: { get?: (n: string) => string | undefined | null } };
    message?: string;
    code?: unknown;
  };
  const status = e?.statusCode ?? e?.status ?? e?.response?.status;
  const header = e?.response?.headers?.get?.('retry-after') ?? undefined;
  let retryAfterMs: number | undefined;
  if (header) {
    const seconds = Number(header);
    retryAfterMs = Number.isFinite(seconds) ? seconds * 1000 : Math.max(0, Date.parse(header) - Date.now());
  }
  const code = typeof e?.code === 'string' ? e.code : undefined;
  return new DeliveryError(e?.message ?? String(error), status, retryAfterMs, code);
}
