// Durable simulated tenant: the tenant's data (not the test knobs, not the request log) lives in one JSON file
// under the simulator's data folder, rewritten after every request that changed it. Without this the tenant
// reset on every restart while the bot's database kept its memory of it, and the governance feed announced
// deleted environments and DLP changes that never happened.
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { FeedContent, FeedSubscription } from './activity-feed.js';
import type { LifecycleOperation, SimulatorState } from './state.js';

export const SIMULATOR_STATE_FILENAME = 'tenant.json';
const FORMAT_VERSION = 1;

/** The tenant data fields of SimulatorState that a restart must keep. */
const TENANT_FIELDS = [
  'users',
  'groups',
  'environments',
  'connectors',
  'dlpPolicies',
  'resources',
  'teams',
  'locations',
  'currencies',
  'languages',
] as const;

type TenantField = (typeof TENANT_FIELDS)[number];

export interface PersistedTenant extends Partial<Pick<SimulatorState, TenantField>> {
  version: number;
  tenantId: string;
  operations: LifecycleOperation[];
  activityFeed: { subscriptions: FeedSubscription[]; contents: FeedContent[] };
}

/** A plain, JSON-ready copy of everything in the tenant that a restart must keep. */
export function snapshotOf(state: SimulatorState): PersistedTenant {
  const snapshot: PersistedTenant = {
    version: FORMAT_VERSION,
    tenantId: state.tenant.id,
    operations: [...state.operations.values()],
    activityFeed: {
      subscriptions: [...state.activityFeed.subscriptions.values()],
      contents: state.activityFeed.contents,
    },
  };
  for (const field of TENANT_FIELDS) Object.assign(snapshot, { [field]: state[field] });
  return snapshot;
}

/** Puts a snapshot back into a freshly built state (the fixture fills anything the snapshot lacks). */
export function restoreInto(state: SimulatorState, snapshot: PersistedTenant): void {
  if (snapshot.version !== FORMAT_VERSION) {
    throw new Error(`Simulated tenant state has format ${snapshot.version}; this simulator reads ${FORMAT_VERSION}.`);
  }
  if (snapshot.tenantId.toLowerCase() !== state.tenant.id.toLowerCase()) {
    throw new Error(
      `Simulated tenant state belongs to tenant ${snapshot.tenantId}, not ${state.tenant.id}: use another data folder.`,
    );
  }
  for (const field of TENANT_FIELDS) {
    const value = snapshot[field];
    if (value !== undefined) Object.assign(state, { [field]: value });
  }
  state.operations.clear();
  for (const op of snapshot.operations) state.operations.set(op.id, op);
  state.activityFeed.subscriptions.clear();
  for (const sub of snapshot.activityFeed.subscriptions) state.activityFeed.subscriptions.set(sub.contentType, sub);
  state.activityFeed.contents.splice(0, state.activityFeed.contents.length, ...snapshot.activityFeed.contents);
}

/**
 * The state file of one simulator. save() writes only when the tenant changed since the last write, and
 * replaces the file atomically (write beside, then rename), so a kill mid-write leaves the previous state.
 */
export class SimulatorStateFile {
  private lastWritten = '';

  constructor(readonly path: string) {}

  static inFolder(dataDir: string): SimulatorStateFile {
    return new SimulatorStateFile(join(dataDir, SIMULATOR_STATE_FILENAME));
  }

  /** Restores the saved tenant into state; returns false when there is no saved tenant yet. */
  loadInto(state: SimulatorState): boolean {
    if (!existsSync(this.path)) return false;
    const text = readFileSync(this.path, 'utf8');
    restoreInto(state, JSON.parse(text) as PersistedTenant);
    this.lastWritten = JSON.stringify(snapshotOf(state));
    return true;
  }

  save(state: SimulatorState): void {
    const text = JSON.stringify(snapshotOf(state));
    if (text === this.lastWritten) return;
    mkdirSync(dirname(this.path), { recursive: true });
    const temporary = `${this.path}.${process.pid}.tmp`;
    writeFileSync(temporary, text);
    renameSync(temporary, this.path);
    this.lastWritten = text;
  }
}
