// Builds the governance feed (poller + webhook intake) from config; src/app.ts calls it.
import type { Config } from '../config/config.js';
import type { Store } from '../requests/ports/store.js';
import {
  type ActivitySubscription,
  createManagementActivityClient,
} from '../tenant/live/management-activity-client.js';
import type { TenantAdmin } from '../tenant/tenant-admin.js';
import { ActivityFeedIntake } from './activity-feed.js';
import type { EventFilter, EventKind } from './events.js';
import { GovernanceMonitor } from './monitor.js';

export function monitorFilter(config: Pick<Config, 'MONITOR_EVENT_KINDS' | 'MONITOR_ENVIRONMENTS'>): EventFilter {
  return { kinds: config.MONITOR_EVENT_KINDS as EventKind[], environments: config.MONITOR_ENVIRONMENTS };
}

export interface GovernanceFeed {
  monitor: GovernanceMonitor;
  activityFeed: ActivityFeedIntake;
  /** Registers (or re-registers) the webhook with the Management Activity API, when an address is configured. */
  subscribe(address?: string): Promise<boolean>;
}

export function createGovernanceFeed(
  config: Config,
  deps: {
    store: Store;
    tenant: TenantAdmin;
    clock: () => Date;
    simulatorUrl?: string | undefined;
    sleep?: ((ms: number) => Promise<void>) | undefined;
    onError?: (error: unknown, where: string) => void;
    /** This replica's name on the monitor lease. */
    instanceId?: string;
  },
): GovernanceFeed {
  const filter = monitorFilter(config);
  const monitor = new GovernanceMonitor({
    store: deps.store,
    tenant: deps.tenant,
    clock: deps.clock,
    intervalSeconds: config.MONITOR_INTERVAL_SECONDS,
    filter,
    onError: (e) => deps.onError?.(e, 'monitor'),
    ...(deps.instanceId ? { holder: deps.instanceId } : {}),
  });
  const client = createManagementActivityClient(config, { simulatorUrl: deps.simulatorUrl, sleep: deps.sleep });
  const activityFeed = new ActivityFeedIntake({
    store: deps.store,
    client,
    authId: config.ACTIVITY_FEED_AUTH_ID,
    clock: deps.clock,
    filter,
    onError: (e) => deps.onError?.(e, 'activity-feed'),
  });
  return {
    monitor,
    activityFeed,
    async subscribe(address = config.ACTIVITY_FEED_WEBHOOK_URL) {
      if (!address || !config.ACTIVITY_FEED_AUTH_ID) return false;
      // Every boot would otherwise start it again, and a start within 15 minutes of another may get AF429.
      const current = (await client.listSubscriptions()).find((s) => s.contentType === 'Audit.General');
      if (isSubscribed(current, address, config.ACTIVITY_FEED_AUTH_ID)) return true;
      await client.startSubscription('Audit.General', { address, authId: config.ACTIVITY_FEED_AUTH_ID });
      return true;
    },
  };
}

/** Already enabled with this webhook (the list may leave authId out; then the address decides). */
function isSubscribed(s: ActivitySubscription | undefined, address: string, authId: string): boolean {
  const hook = s?.webhook;
  if (s?.status !== 'enabled' || !hook || hook.status === 'disabled' || hook.status === 'expired') return false;
  return hook.address === address && (hook.authId === undefined || hook.authId === authId);
}
