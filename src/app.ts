// Composition root: picks the adapters for the configuration and wires the layers together.
// src/index.ts calls it for `npm start`; the conversation tests call it with a temp DATA_DIR and port 0.
// First, before any module that loads botbuilder, teams-ai or restify: what they require but seldom use loads when used.
import './teams/deferred-modules.js';
import { randomUUID } from 'node:crypto';
import type { Agent } from 'node:http';
import { join } from 'node:path';
import type pino from 'pino';
import { type Config, isLoopback } from './config/config.js';
import { unblockConnector } from './execution/connector-unblock.js';
import { Executor } from './execution/executor.js';
import { JobRunner, LeaseLost } from './execution/job-runner.js';
import { grantMakerRole } from './execution/maker-role.js';
import { createEnvironment } from './execution/new-environment.js';
import { releaseAccess } from './execution/release.js';
import { Readiness } from './health/readiness.js';
import { Catalogue } from './intake/catalogue.js';
import { deadJobReporter } from './lifecycle/dead-jobs.js';
import { lifecycleJobHandlers } from './lifecycle/handlers.js';
import {
  HOUSEKEEPING_JOB,
  housekeepingJobHandler,
  retentionSettings,
  scheduleHousekeeping,
} from './lifecycle/housekeeping.js';
import { lifecycleSettings } from './lifecycle/jobs.js';
import { LifecycleScheduler } from './lifecycle/scheduler.js';
import { createLogger } from './logging.js';
import type { ActivityFeedIntake } from './monitor/activity-feed.js';
import { registerActivityFeedRoute } from './monitor/activity-feed-route.js';
import type { GovernanceMonitor } from './monitor/monitor.js';
import { createGovernanceFeed } from './monitor/wiring.js';
import { DeferredComposer } from './outbox/messages.js';
import { OutboxWorker } from './outbox/outbox-worker.js';
import type { PacingLimits } from './outbox/rate-limiter.js';
import { ApproverDirectory } from './policy/approver-directory.js';
import { loadPolicyFile } from './policy/load-policy.js';
import { RulesPolicy } from './policy/rules-engine.js';
import { EXECUTE_JOB, GovernanceService } from './requests/governance-service.js';
import { LifecycleService } from './requests/lifecycle-service.js';
import type { GovernanceRequest } from './requests/model.js';
import type { Store } from './requests/ports/store.js';
import { createRequestPreparer } from './requests/preparers/index.js';
import { ReleaseService } from './requests/release-service.js';
import { currentStage } from './requests/state-machine.js';
import { openStore } from './storage/open-store.js';
import { createAdapter } from './teams/adapter.js';
import { createBotApplication } from './teams/bot.js';
import { AdaptiveCardComposer } from './teams/cards/composer.js';
import { refreshUsersFor } from './teams/cards/request-view.js';
import { coalescedKicks, Foreground } from './teams/foreground.js';
import { languageModelChoice } from './teams/language-model-config.js';
import { startBotServer } from './teams/server.js';
import { TeamsNotifier } from './teams/teams-notifier.js';
import { TeamsUserIds } from './teams/teams-user-ids.js';
import { refuseUnservedActivity } from './teams/tenant-guard.js';
import { recordApiCallsInto } from './tenant/live/api-call-log.js';
import { createTenantAdmin } from './tenant/live/create-live-tenant-admin.js';
import { withMembershipCache } from './tenant/membership-cache.js';
import { type RunningSimulator, startSimulator } from './tenant/simulator/server.js';
import type { TenantAdmin } from './tenant/tenant-admin.js';

export interface StartOptions {
  clock?: () => Date;
  log?: pino.Logger;
  /** Run the outbox and job workers on timers (default true). Tests may drive them by hand. */
  autoStartWorkers?: boolean;
  workerPollMs?: number;
  /** Use an already running simulated tenant instead of starting one. */
  simulatorUrl?: string;
  /** Simulator tuning when this call starts it. */
  simulator?: { retryAfterSeconds?: number; lroPollsToComplete?: number };
  sleep?: (ms: number) => Promise<void>;
  /** Run the workers right after a change instead of waiting for their next poll (default true). */
  kickWorkers?: boolean;
  /** Teams' windows for the outbox (tests pass scaled-down ones; default TEAMS_LIMITS and a 100 ms margin). */
  outboxPacing?: { limits?: PacingLimits; marginMs?: number };
  /** HTTP agent for the optional language model's endpoint (a private certificate authority, say). */
  languageModelHttpAgent?: Agent;
  /** Runs once start-up's work is done, before the server listens and the workers start (npm start: a GC). */
  beforeListening?: () => Promise<void>;
}

export interface RunningBot {
  url: string;
  store: Store;
  tenant: TenantAdmin;
  simulator?: RunningSimulator | undefined;
  simulatorUrl?: string | undefined;
  outbox: OutboxWorker;
  jobs: JobRunner;
  /** The governance feed's poller (tests call monitor.tick()). */
  monitor: GovernanceMonitor;
  /** The Management Activity webhook intake behind POST /api/activity-feed. */
  activityFeed: ActivityFeedIntake;
  service: GovernanceService;
  lifecycle: LifecycleService;
  policy: RulesPolicy;
  stop(): Promise<void>;
}

export async function startGovernanceBot(config: Config, options: StartOptions = {}): Promise<RunningBot> {
  const clock = options.clock ?? (() => new Date());
  const log = options.log ?? createLogger(config.LOG_LEVEL);

  // Without a bot registration nothing authenticates callers: refuse before anything starts (config checks it too).
  if (!config.BOT_ID && (!isLoopback(listenHost(config)) || config.TENANT_MODE === 'live'))
    throw new Error('Without BOT_ID the bot runs only on a loopback address and only with the simulated tenant.');
  if (config.TENANT_MODE === 'live' && !config.ACTIVITY_FEED_AUTH_ID)
    log.warn('activity feed webhook disabled: ACTIVITY_FEED_AUTH_ID is not set (POST /api/activity-feed answers 503)');

  // Fail fast, before anything listens: an invalid policy file names its line and field.
  const policy = new RulesPolicy(loadPolicyFile(config.POLICY_FILE, config));

  let simulator: RunningSimulator | undefined;
  let simulatorUrl = options.simulatorUrl ?? config.TENANT_SIMULATOR_URL;
  if (config.TENANT_MODE === 'simulated' && !simulatorUrl) {
    // Its tenant lives beside the database, so a restart keeps both in step.
    simulator = await startSimulator({
      port: config.TENANT_SIMULATOR_PORT,
      dataDir: join(config.DATA_DIR, 'simulator'),
      ...options.simulator,
    });
    simulatorUrl = simulator.url;
    log.info({ url: simulator.url }, 'simulated tenant listening');
  }

  // Membership checks are answered again for 10 s at most (tenant/membership-cache.ts says why that bound is safe).
  const tenant = withMembershipCache(
    createTenantAdmin(config, {
      simulatorUrl: config.TENANT_MODE === 'simulated' ? simulatorUrl : undefined,
      sleep: options.sleep,
      onApiCall: (call) => log.debug({ method: call.method, url: call.url, status: call.status }, 'admin api call'),
    }),
    clock,
  );
  const store = await openStore({ ...config, clock: options.clock });
  // This process's name on leases (outbox lanes, the monitor). Several replicas on PostgreSQL: one per process, so a
  // crashed replica's leases are taken over when they expire. SQLite is one instance: a fixed name, so a restarted
  // bot resumes its own lanes and polls at once instead of waiting for its previous life's leases to expire.
  const instanceId = config.DATABASE_URL ? randomUUID() : 'embedded';
  const approvers = new ApproverDirectory(tenant, policy.approverGroupIds(), clock);
  const teamsUsers = new TeamsUserIds(store, clock);
  await approvers.refresh().catch((error) => log.warn({ err: (error as Error).message }, 'approver groups not loaded'));
  // Per-reader views: the requester, and the approvers of the current stage (and its escalation group).
  const stageApprovers = (request: GovernanceRequest) => {
    const index = currentStage(request);
    const stage = request.status === 'pending' && index !== undefined ? request.stages[index] : undefined;
    const groups = stage ? [stage.groupId, ...(stage.escalatedTo ? [stage.escalatedTo.groupId] : [])] : [];
    const readers = refreshUsersFor(
      request,
      approvers.membersOf(groups).filter((id) => id !== request.requester.id),
    );
    return teamsUsers.idsFor(readers);
  };
  // The use cases store each card as a recipe; the outbox worker draws it when it sends (messages.ts).
  const drawer = new AdaptiveCardComposer(stageApprovers);
  const composer = new DeferredComposer(drawer);
  const settings = lifecycleSettings(config);
  const scheduler = new LifecycleScheduler(settings);
  const service = new GovernanceService({ store, tenant, composer, policy, clock, lifecycle: scheduler });
  const releases = new ReleaseService({ store, tenant, service, clock });
  const catalogue = new Catalogue(tenant);
  const preparer = createRequestPreparer(tenant, catalogue);

  const adapter = createAdapter(config);
  adapter.onTurnError = async (context, error) => {
    log.error({ err: error }, 'unhandled turn error');
    if (context.activity.type === 'message') {
      await context.sendActivity('Sorry, something went wrong on my side. Nothing was changed; please try again.');
    }
  };
  const notifier = new TeamsNotifier(adapter, config.BOT_ID ?? '');
  // Invokes are answered before the background work they start goes on (teams/foreground.ts).
  const foreground = new Foreground();
  const outbox = new OutboxWorker({
    store,
    yieldTo: () => foreground.idle(),
    notifier,
    composer: drawer,
    clock,
    pollMs: options.workerPollMs,
    laneLeaseMs: config.OUTBOX_LANE_LEASE_SECONDS * 1000,
    sender: instanceId,
    limits: options.outboxPacing?.limits,
    pacingMarginMs: options.outboxPacing?.marginMs,
    onError: (error, message) =>
      log.warn({ err: (error as Error).message, key: message.idempotencyKey }, 'outbox delivery failed'),
    onCardNotDrawn: (message, reason) =>
      log.warn(
        { key: message.idempotencyKey, reason },
        'outbox card not drawn: a line naming the request sent instead',
      ),
  });
  const executor = new Executor({
    store,
    service,
    tenant,
    clock,
    handlers: {
      'maker-role': grantMakerRole,
      'connector-unblock': unblockConnector,
      'new-environment': createEnvironment,
      release: releaseAccess(releases),
    },
    recordCalls: (fn, sink) => recordApiCallsInto(sink, fn),
    sleep: options.sleep,
  });
  const lifecycle = new LifecycleService({
    store,
    tenant,
    composer,
    policy,
    service,
    scheduler,
    settings,
    clock,
    recordCalls: (fn, sink) => recordApiCallsInto(sink, fn),
  });
  const jobs = new JobRunner({
    store,
    yieldTo: () => foreground.idle(),
    clock,
    leaseMs: config.JOB_LEASE_SECONDS * 1000,
    pollMs: options.workerPollMs,
    handlers: {
      [EXECUTE_JOB]: (job, lease) => executor.run(job, lease),
      ...lifecycleJobHandlers(lifecycle),
      [HOUSEKEEPING_JOB]: housekeepingJobHandler(store, retentionSettings(config), clock, (pruned) =>
        log.info(pruned, 'storage pruned'),
      ),
    },
    // A dead job always reaches its owner: the request fails, or a revert is raised to admins.
    onDead: deadJobReporter({ store, executor, lifecycle, clock }),
    onError: (error, job) =>
      error instanceof LeaseLost
        ? log.warn(
            { job: job?.kind, id: job?.id },
            'job lease lost: another replica took the job over; nothing written',
          )
        : log.warn({ err: (error as Error).message, job: job?.kind }, 'job failed'),
  });

  // Retention rounds: every replica asks, the fleet gets one (the round's dedupe key).
  await scheduleHousekeeping(store, clock());

  const kickWorkers = coalescedKicks(foreground, { drainOutbox: () => outbox.drain(), tickJobs: () => jobs.tick() });
  const kick = () => {
    if (options.kickWorkers === false) return;
    kickWorkers();
  };
  const app = createBotApplication(adapter, {
    config,
    store,
    tenant,
    service,
    catalogue,
    preparer,
    log,
    clock,
    kick,
    lifecycle,
    releases,
    policy,
    stageApprovers,
    teamsUsers,
    // Loaded only when a model is configured: teams-ai's AI half costs ~15 MB resident.
    languageModel: languageModelChoice(config)
      ? (await import('./teams/language-model-intake.js')).LanguageModelIntake.fromConfig(config, {
          log,
          httpAgent: options.languageModelHttpAgent,
        })
      : undefined,
  });

  const host = listenHost(config);
  const feed = createGovernanceFeed(config, {
    instanceId,
    store,
    tenant,
    clock,
    simulatorUrl: config.TENANT_MODE === 'simulated' ? simulatorUrl : undefined,
    sleep: options.sleep,
    onError: (error, where) => log.warn({ err: (error as Error).message, where }, 'governance feed failed'),
  });
  const readiness = new Readiness([
    // The store opens only after its migrations ran, so a read of a migrated table proves both.
    { name: 'database', run: async () => void (await store.kv.get('readyz.probe')) },
    // The tenant (simulated or live) through the same clients the work uses; a pass is trusted for 30 s.
    { name: 'tenant', run: async () => void (await tenant.listLocations()), cacheMs: 30_000 },
  ]);
  await options.beforeListening?.();
  const server = await startBotServer(adapter, app, {
    port: config.PORT,
    host,
    refuseActivity: (activity) => refuseUnservedActivity(activity, config, store, clock, log),
    serviceUrlAllowed: config.BOT_ID ? undefined : (url) => isLoopback(url.hostname),
    requireBearerToken: Boolean(config.BOT_ID),
    log,
    foreground,
    readiness: async () => {
      const report = await readiness.report();
      for (const check of report.checks.filter((c) => !c.ok))
        log.warn({ check: check.name, err: check.error }, 'not ready');
      return report;
    },
    extraRoutes: (s) => registerActivityFeedRoute(s, feed.activityFeed),
  });
  log.info({ url: `${server.url}/api/messages`, authenticated: Boolean(config.BOT_ID) }, 'bot listening');

  if (options.autoStartWorkers !== false) {
    outbox.start();
    jobs.start();
    feed.monitor.start();
    feed.subscribe().catch((error) => log.warn({ err: (error as Error).message }, 'activity feed subscription failed'));
  }

  return {
    url: server.url,
    store,
    tenant,
    simulator,
    simulatorUrl,
    outbox,
    jobs,
    monitor: feed.monitor,
    activityFeed: feed.activityFeed,
    service,
    lifecycle,
    policy,
    async stop() {
      await server.close();
      await feed.monitor.stop();
      await jobs.stop();
      await outbox.stop();
      await store.close();
      await simulator?.close();
    },
  };
}

/** Without a bot registration nothing authenticates callers, so only this machine may reach the bot. */
function listenHost(config: Config): string {
  return config.HOST ?? (config.BOT_ID ? '0.0.0.0' : '127.0.0.1');
}
