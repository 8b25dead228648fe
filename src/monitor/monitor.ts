// The governance feed's poller: every MONITOR_INTERVAL_SECONDS (± jitter) it snapshots the tenant, compares with
// the last stored snapshot, and posts what changed to the notifications channel through the outbox. The new
// snapshot and the posts commit in one transaction: a crash re-detects and posts once, a restart re-announces
// nothing, and the first run only records a baseline.
//
// One poller in the fleet: every replica runs a GovernanceMonitor, and the one holding the 'monitor' lease polls.
// A lease row with a fencing token rather than a PostgreSQL advisory lock, because it works the same on SQLite and
// PostgreSQL, survives pooled connections being recycled (an advisory lock lives and dies with one connection), and
// fences: the poll's commit checks the token, so a holder paused past its lease cannot post after another replica
// took over. The lease lasts half an interval and a running holder renews it every sixth of an interval between polls
// (a heartbeat); standby replicas look at it every quarter interval, and one that takes it polls at once. So when the
// holder dies, another replica polls within about three quarters of an interval: within one poll interval.
import { randomUUID } from 'node:crypto';
import { failpoint } from '../failpoints.js';
import type { RequestStatus } from '../requests/model.js';
import { LeaseLostError, type Store, type StoreSession } from '../requests/ports/store.js';
import type { TenantAdmin } from '../tenant/tenant-admin.js';
import { diffSnapshots } from './diff.js';
import { type EventFilter, type GovernanceEvent, keepEvent, watchesEnvironment } from './events.js';
import { notificationCards } from './notifications.js';
import { type GovernanceSnapshot, takeSnapshot } from './snapshot.js';

export const SNAPSHOT_KEY = 'monitor:snapshot';
/** The lease whose holder is the fleet's one poller. */
export const MONITOR_LEASE = 'monitor';

export interface MonitorOptions {
  store: Store;
  tenant: TenantAdmin;
  clock: () => Date;
  intervalSeconds: number;
  filter: EventFilter;
  /** Fraction of the interval added or taken at random (default 0.1). */
  jitter?: number;
  random?: () => number;
  onError?: (error: unknown) => void;
  /** This replica's name on the monitor lease (default: random per instance). */
  holder?: string;
}

export interface TickResult {
  baseline: boolean;
  /** Every change found, before filtering. */
  detected: GovernanceEvent[];
  /** What was posted (after the filter and without the bot's own changes). */
  posted: GovernanceEvent[];
  /** False when there was no notifications channel to post to. */
  delivered: boolean;
  /** True when another replica holds the monitor lease: this one did not poll. */
  standby?: boolean;
}

/** Requests whose execution changes role assignments, by outcome status. */
const BOT_GRANTED: RequestStatus[] = ['executing', 'completed'];
const BOT_REVOKED: RequestStatus[] = ['revoked'];
/** The maker role as BAP (EnvironmentMaker) and Dataverse (Environment Maker) spell it. */
const MAKER_ROLE = /^environment ?maker$/i;

export class GovernanceMonitor {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<TickResult | undefined> | undefined;
  private stopped = true;
  private standby = false;
  /** The token of the lease this replica holds (started monitors only: the heartbeat renews under it). */
  private token: number | undefined;
  private heartbeat: NodeJS.Timeout | undefined;
  private readonly holder: string;

  constructor(private readonly options: MonitorOptions) {
    this.holder = options.holder ?? randomUUID();
  }

  /** Half an interval: a started holder renews it between polls (heartbeat), so a dead one is replaced quickly. */
  private get leaseMs(): number {
    return (this.options.intervalSeconds * 1000) / 2;
  }

  /** One poll, if this replica holds (or takes) the monitor lease. Tests call it directly; start() on the interval. */
  async tick(): Promise<TickResult> {
    const { store } = this.options;
    const token = await store.leases.acquire(MONITOR_LEASE, this.holder, this.leaseMs);
    this.standby = token === undefined;
    this.token = token;
    if (token === undefined) return { baseline: false, detected: [], posted: [], delivered: true, standby: true };
    // The fence at commit: still this holder under the same token (renewed if it ran out while nobody took over).
    return this.poll(async (s) => {
      const now = await s.leases.acquire(MONITOR_LEASE, this.holder, this.leaseMs);
      if (now !== token) throw new LeaseLostError(`lease ${MONITOR_LEASE}`, token);
    });
  }

  private async poll(fence: (s: StoreSession) => Promise<void>): Promise<TickResult> {
    const { store, tenant, clock } = this.options;
    const { filter } = this.options;
    const wantRoles = filter.kinds.includes('roles');
    const previous = await store.kv.get<GovernanceSnapshot>(SNAPSHOT_KEY);
    const snapshot = await takeSnapshot(tenant, clock(), {
      roles: wantRoles,
      // Only the environments the feed reports on cost a Dataverse read each poll.
      watchDataverse: (e) => watchesEnvironment(filter, e.id, e.displayName),
      previous,
      onUnreadable: (_env, error) => this.options.onError?.(error),
    });
    if (!previous) {
      failpoint('monitor.before-baseline-commit');
      await store.transaction(async (s) => {
        await fence(s);
        await s.kv.set(SNAPSHOT_KEY, snapshot);
      });
      return { baseline: true, detected: [], posted: [], delivered: true };
    }
    if (!wantRoles) {
      snapshot.roleAssignments = previous.roleAssignments;
      snapshot.dataverseRoles = previous.dataverseRoles ?? {};
    }
    const detected = diffSnapshots(previous, snapshot);
    const nameOf = (id: string) => snapshot.environments[id]?.displayName ?? previous.environments[id]?.displayName;
    const outsideBot = await this.withoutBotChanges(detected);
    const posted = outsideBot.filter((e) => keepEvent(e, this.options.filter, nameOf));
    return store.transaction(async (s) => {
      // Fenced: a poller that lost the lease while it read the tenant posts nothing (all of this rolls back).
      await fence(s);
      await s.kv.set(SNAPSHOT_KEY, snapshot);
      const delivered = await postEvents(s, posted, `monitor:${snapshot.takenAt}`, clock(), (id) => nameOf(id) ?? id);
      failpoint('monitor.before-commit');
      return { baseline: false, detected, posted, delivered };
    });
  }

  /**
   * Role changes the bot made itself are announced by its own audit posts; drop them here. The bot only grants
   * (and, for a time-bound grant, takes back) the maker role: a BAP EnvironmentMaker assignment, or the Dataverse
   * Environment Maker security role, to a maker-role request's requester in its environment. A maker who gives
   * the role up removes it through a release request.
   */
  private async withoutBotChanges(events: GovernanceEvent[]): Promise<GovernanceEvent[]> {
    if (!events.some((e) => e.type === 'role.added' || e.type === 'role.removed')) return events;
    const released = await this.options.store.requests.list({ type: 'release', status: ['executing', 'completed'] });
    const requests = [
      ...(await this.options.store.requests.list({ type: 'maker-role' })),
      // A release removes: it counts as a revoke of the role it names.
      ...released.flatMap((r) =>
        r.details.type === 'release' && r.details.access === 'maker-role' ? [{ ...r, status: 'revoked' as const }] : [],
      ),
    ];
    const byBot = (envId: string, principalId: string, statuses: RequestStatus[]) =>
      requests.some(
        (r) =>
          statuses.includes(r.status) &&
          'environment' in r.details &&
          r.details.environment.id.toLowerCase() === envId.toLowerCase() &&
          r.requester.id.toLowerCase() === principalId.toLowerCase(),
      );
    return events.filter((e) => {
      if (e.type !== 'role.added' && e.type !== 'role.removed') return true;
      if (!MAKER_ROLE.test(e.role)) return true;
      return !byBot(e.environmentId, e.principalId, e.type === 'role.added' ? BOT_GRANTED : BOT_REVOKED);
    });
  }

  /**
   * Polls once right away, then every interval: a first start records its baseline at once (a change made in the
   * first interval is not folded into it), and a restart reports what changed while the bot was down.
   */
  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.schedule(0);
    // The heartbeat: while this replica holds the lease, keep it from running out between polls.
    this.heartbeat = setInterval(() => void this.renew(), this.leaseMs / 3);
    this.heartbeat.unref?.();
  }

  /** Renews the lease this replica holds (same token); a lost lease makes it a standby until it takes one again. */
  private async renew(): Promise<void> {
    if (this.token === undefined || this.stopped) return;
    const token = this.token;
    try {
      const now = await this.options.store.leases.acquire(MONITOR_LEASE, this.holder, this.leaseMs);
      if (now !== token && this.token === token) {
        this.token = undefined;
        this.standby = true;
      }
    } catch (error) {
      this.options.onError?.(error); // the next beat or poll tries again
    }
  }

  private schedule(firstDelayMs?: number): void {
    const { intervalSeconds, jitter = 0.1, random = Math.random } = this.options;
    // A standby replica looks at the lease every quarter interval, to take over soon after the holder dies.
    const interval = intervalSeconds * 1000 * (this.standby ? 0.25 : 1);
    const delay = firstDelayMs ?? interval * (1 + jitter * (2 * random() - 1));
    this.timer = setTimeout(() => {
      this.running = this.tick().catch((e) => {
        this.options.onError?.(e);
        return undefined;
      });
      void this.running.finally(() => {
        if (!this.stopped) this.schedule();
      });
    }, delay);
    this.timer.unref?.();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    if (this.heartbeat) clearInterval(this.heartbeat);
    await this.running;
    // Handing over on a clean stop: another replica need not wait for the lease to run out.
    await this.options.store.leases.release(MONITOR_LEASE, this.holder).catch(() => undefined);
  }
}

/** Enqueues one card per event type for the notifications channel; false when no channel is set. */
export async function postEvents(
  s: StoreSession,
  events: GovernanceEvent[],
  keyPrefix: string,
  now: Date,
  envName: (id: string) => string,
): Promise<boolean> {
  if (events.length === 0) return true;
  const channel = await s.channels.get('notifications');
  if (!channel) return false;
  for (const card of notificationCards(events, envName)) {
    await s.outbox.enqueue({
      idempotencyKey: `${keyPrefix}:${card.type}`,
      conversationKey: channel.conversationKey,
      operation: 'send',
      activity: card.activity,
      createdAt: now.toISOString(),
    });
  }
  return true;
}
