// The storage port, owned by the domain: use cases and workers depend on this interface, and the adapters in
// src/storage implement it (SQLite for one process, PostgreSQL for several). Every implementation passes the same
// contract suite (test/storage/store.contract.ts).
import type { GovernanceRequest, RequestStatus, RequestType } from '../model.js';

export interface AuditRecordInput {
  at: string;
  /** Entra object id of whoever caused it ('system' for the bot itself). */
  actorId: string;
  actorUpn?: string | undefined;
  /** e.g. request.created, request.approved, request.refused, execution.completed, channel.set */
  action: string;
  outcome: 'success' | 'failure' | 'refused' | 'info';
  requestId?: string | undefined;
  targetType?: string | undefined;
  targetId?: string | undefined;
  environmentId?: string | undefined;
  correlationId?: string | undefined;
  /** Admin API calls made for this step: method, url, status. */
  apiCalls?: { method: string; url: string; status: number }[] | undefined;
  details?: Record<string, unknown> | undefined;
}

export interface AuditRecord extends AuditRecordInput {
  seq: number;
  /** Hash of the previous record ('' for the first). */
  prevHash: string;
  /** sha256 over prevHash + canonical JSON of this record's content. */
  hash: string;
}

export interface AuditFilter {
  requestId?: string;
  actorId?: string;
  environmentId?: string;
  action?: string;
  outcome?: string;
  since?: string;
  until?: string;
  limit?: number;
}

export interface ConversationReferenceRecord {
  /** personal:<aadObjectId> | channel:<channelId> | group:<conversationId> */
  key: string;
  /** The Bot Framework ConversationReference, as JSON. */
  reference: Record<string, unknown>;
  updatedAt: string;
}

export type ChannelKind = 'approvals' | 'audit' | 'notifications';

export interface ChannelSetting {
  kind: ChannelKind;
  /** Conversation reference key of the channel. */
  conversationKey: string;
  setBy: string;
  setAt: string;
}

export interface JobInput {
  kind: string;
  payload: Record<string, unknown>;
  runAt: string;
  /** A second enqueue with the same key while one is pending/running is ignored (never two reminders). */
  dedupeKey?: string | undefined;
  maxAttempts?: number;
}

export interface Job extends Required<Omit<JobInput, 'dedupeKey'>> {
  id: number;
  dedupeKey?: string | undefined;
  status: 'pending' | 'running' | 'done' | 'failed' | 'dead';
  attempts: number;
  leaseUntil?: string | undefined;
  lastError?: string | undefined;
}

export interface OutboxMessageInput {
  /** Unique: a second enqueue with the same key is ignored, so a retried step never posts twice. */
  idempotencyKey: string;
  /** Conversation reference key to send to. */
  conversationKey: string;
  /** 'send' posts a new message; 'update' edits the message named by updateOf (an outbox key or an activity id). */
  operation: 'send' | 'update';
  /** For 'update': the idempotency key of the message to edit (its activity id is looked up when sending). */
  updateOf?: string | undefined;
  /** The Bot Framework activity to send (JSON). */
  activity: Record<string, unknown>;
  requestId?: string | undefined;
  createdAt: string;
}

/** An edit of a message already enqueued: it goes where that message went. */
export type OutboxEditInput = Omit<OutboxMessageInput, 'conversationKey' | 'operation' | 'updateOf'> & {
  updateOf: string;
};

export interface OutboxMessage extends OutboxMessageInput {
  id: number;
  status: 'pending' | 'sent' | 'dead';
  attempts: number;
  nextAttemptAt: string;
  /** The Teams activity id, once sent. */
  activityId?: string | undefined;
  lastError?: string | undefined;
  /** Set when a sender started the connector call and has not stored its outcome yet (cleared by markSent/Failed). */
  inFlightAt?: string | undefined;
  /** Which sender (OutboxWorker instance) marked it in flight. */
  inFlightBy?: string | undefined;
}

/**
 * A fenced job write came from a worker that no longer holds the job: its lease was taken over (a newer attempt
 * runs it), or the job ended meanwhile. The write is refused and its transaction rolls back.
 */
export class LeaseLostError extends Error {
  constructor(
    /** What was leased: "job 12", "lease monitor". */
    readonly resource: string,
    /** The fencing token the refused writer held. */
    readonly token: number,
  ) {
    super(`${resource} is no longer held by attempt ${token}`);
    this.name = 'LeaseLostError';
  }
}

export interface RequestFilter {
  requesterId?: string;
  status?: RequestStatus[];
  type?: RequestType;
  limit?: number;
}

/** Repositories bound to one transaction (or to autocommit outside one). */
export interface StoreSession {
  requests: {
    nextId(): Promise<string>;
    insert(request: GovernanceRequest): Promise<void>;
    get(id: string): Promise<GovernanceRequest | undefined>;
    list(filter?: RequestFilter): Promise<GovernanceRequest[]>;
    /**
     * Writes only if the stored version equals expectedVersion; returns false on a conflict. Bumps version. The id,
     * type, requester and createdAt are those it was inserted with (a request's identity never changes).
     */
    update(request: GovernanceRequest, expectedVersion: number): Promise<boolean>;
  };
  audit: {
    append(record: AuditRecordInput): Promise<AuditRecord>;
    list(filter?: AuditFilter): Promise<AuditRecord[]>;
  };
  conversations: {
    upsert(record: ConversationReferenceRecord): Promise<void>;
    get(key: string): Promise<ConversationReferenceRecord | undefined>;
    /**
     * Deletes references not refreshed since `before` that nothing still needs: never a channel chosen for approvals,
     * audit or notifications, never one with a pending outbox message, and never a personal chat whose user has an
     * open request (pending, approved, executing) or a time-bound grant not yet reverted. Returns how many went.
     */
    pruneUnused(before: string): Promise<number>;
  };
  channels: {
    set(setting: ChannelSetting): Promise<void>;
    get(kind: ChannelKind): Promise<ChannelSetting | undefined>;
  };
  jobs: {
    /** Returns undefined when a pending/running job with the same dedupeKey already exists. */
    enqueue(job: JobInput): Promise<Job | undefined>;
    /** Atomically takes up to `limit` due jobs (pending and runAt <= now, or running with an expired lease). */
    claimDue(now: string, leaseUntil: string, limit: number): Promise<Job[]>;
    /*
     * Fenced writes: `attempt` is the job's attempt number when it was claimed (its fencing token). Each refuses
     * with LeaseLostError, rolling back its transaction, unless the job is still running under that attempt, so a
     * worker paused past its lease can no longer write once another one has claimed the job.
     */
    complete(id: number, attempt: number): Promise<void>;
    /** Puts the job back for a later attempt, or marks it dead when attempts reached maxAttempts. */
    fail(id: number, attempt: number, error: string, retryAt: string): Promise<Job>;
    list(filter?: { status?: Job['status']; kind?: string }): Promise<Job[]>;
    /**
     * Cancels pending jobs whose dedupeKey starts with one of the prefixes (e.g. all reminders of a decided request),
     * in one statement. Returns how many.
     */
    cancelByPrefix(...prefixes: [string, ...string[]]): Promise<number>;
    /** Moves a running job's lease to leaseUntil (never backwards), so a long job is not taken over while it works. */
    extendLease(id: number, attempt: number, leaseUntil: string): Promise<void>;
    /**
     * Checks, inside the caller's transaction, that the job is still held by this attempt, and keeps it so until
     * the transaction ends (the row is locked): an execution checkpoint written with it is fenced too.
     */
    assertHeld(id: number, attempt: number): Promise<void>;
    /** Dead jobs whose owner has not been told yet (markDeadReported), oldest first. */
    unreportedDead(limit: number): Promise<Job[]>;
    /** Records that the owner of a dead job was told, so it is reported once. */
    markDeadReported(id: number, at: string): Promise<void>;
    /**
     * Deletes done jobs (run or cancelled) due before `before`; never a pending, running or dead one (a dead job is
     * kept for the admin to retry or read). A dedupe key is only unique among live jobs, so nothing else relies on
     * them. Returns how many went.
     */
    pruneFinished(before: string): Promise<number>;
  };
  outbox: {
    /** Returns undefined when the idempotency key was already enqueued. */
    enqueue(message: OutboxMessageInput): Promise<OutboxMessage | undefined>;
    /**
     * Enqueues an edit of the message enqueued under `updateOf`, in that message's conversation: one statement, the
     * original is not read. False when nothing was inserted: no message has that key, or the edit's key was taken.
     */
    enqueueEdit(edit: OutboxEditInput): Promise<boolean>;
    /** Pending messages due at `now`, oldest first (by id). */
    due(now: string, limit: number): Promise<OutboxMessage[]>;
    getByKey(idempotencyKey: string): Promise<OutboxMessage | undefined>;
    markSent(id: number, activityId: string | undefined): Promise<void>;
    markFailed(id: number, error: string, nextAttemptAt: string, dead: boolean): Promise<void>;
    /** By id (oldest first). */
    list(filter?: { status?: OutboxMessage['status']; conversationKey?: string }): Promise<OutboxMessage[]>;
    /** The oldest pending message of each conversation (key and due time only: no activity is read or parsed). */
    pendingHeads(): Promise<{ conversationKey: string; nextAttemptAt: string }[]>;
    /** Puts dead messages back to pending; returns how many. */
    retryDead(ids?: number[]): Promise<number>;
    /** Marks a message in flight (its row, not a shared value): the connector call is about to start. */
    markInFlight(id: number, sender: string, at: string): Promise<void>;
    /*
     * The fleet-wide send log, for pacing to Teams' windows across replicas. Call these inside one transaction that
     * starts with lockSendLog(), so that checking the windows and recording a send is one step for the whole fleet.
     */
    /** Takes the send log's lock until the transaction ends; returns the fleet's real time (ms since epoch). */
    lockSendLog(): Promise<number>;
    /**
     * Send times (ms since epoch, oldest first) after `since`: of one conversation, or of all when undefined. A send
     * still in flight shows the latest time it could reach Teams (in the future).
     */
    sendTimes(conversationKey: string | undefined, since: number): Promise<number[]>;
    /** Records a send at `at` (for one in flight: the latest time it could arrive); returns its id in the log. */
    recordSend(conversationKey: string, at: number): Promise<number>;
    /**
     * The connector answered: the send's time becomes the database's clock now, which is no earlier than the moment
     * Teams received it (so the next send is paced from when Teams counted this one, not from when it was reserved).
     * Returns that time.
     */
    completeSend(id: number): Promise<number>;
    /** Forgets sends before `before` (older than every window). */
    pruneSends(before: number): Promise<number>;
  };
  /**
   * Named leases with fencing tokens, for work exactly one replica may do at a time (the monitor's poll, one
   * conversation's outbox lane). Times are the fleet's (Store.now).
   */
  leases: {
    /**
     * Takes the lease, or renews it when `holder` already holds it, until now + ttlMs. Returns the fencing token
     * (incremented on every change of holder), or undefined while another holder's lease has not expired.
     */
    acquire(name: string, holder: string, ttlMs: number): Promise<number | undefined>;
    /** Throws LeaseLostError unless holder still holds the lease under this token and it has not expired. */
    assertHeld(name: string, holder: string, token: number): Promise<void>;
    /** Gives the lease up (expires it now) if holder holds it, so another replica need not wait for the TTL. */
    release(name: string, holder: string): Promise<void>;
  };
  /** Small key-value state (monitor snapshots, processed activity ids). */
  kv: {
    get<T>(key: string): Promise<T | undefined>;
    set<T>(key: string, value: T): Promise<void>;
    /** Sets only if absent; returns true when this call set it (replay detection). */
    setIfAbsent<T>(key: string, value: T): Promise<boolean>;
    /** Deletes the rows whose key starts with one of `prefixes` and that were last written before `before`. */
    pruneWrittenBefore(prefixes: string[], before: string): Promise<number>;
  };
}

export interface Store extends StoreSession {
  /**
   * The fleet's shared time (ISO): the database's clock, so replicas whose clocks drift still agree on leases and
   * send windows. A store opened with an injected clock (tests) answers with that clock instead.
   */
  now(): Promise<string>;
  /** Runs fn in one transaction: everything it writes commits together or not at all. */
  transaction<T>(fn: (session: StoreSession) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}
