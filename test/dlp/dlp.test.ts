// The pure DLP rules: which policies cover an environment, the most restrictive group, the impact, and the
// two changes (narrow exception, tenant-wide move) built from a policy the executor has just read.
import assert from 'node:assert/strict';
import { exceptionPolicy, exceptionPossible, reclassify, withoutEnvironment } from '../../src/dlp/changes.js';
import { blockingPolicies, classificationIn, effectiveClassification } from '../../src/dlp/classification.js';
import { computeImpact } from '../../src/dlp/impact.js';
import { appliesTo, coveredEnvironments, policiesApplyingTo } from '../../src/dlp/scope.js';
import type { ConnectorRef, DlpClassification, EnvironmentRef } from '../../src/requests/model.js';
import type { DlpPolicy, Environment, InventoryItem } from '../../src/tenant/tenant-admin.js';

const api = (name: string) => `/providers/Microsoft.PowerApps/apis/${name}`;
const entry = (name: string) => ({ id: api(name), name, type: 'Microsoft.PowerApps/apis' });

function policy(
  name: string,
  environmentType: DlpPolicy['environmentType'],
  environments: string[],
  groups: Partial<Record<DlpClassification, string[]>>,
  defaultConnectorsClassification: DlpClassification = 'General',
): DlpPolicy {
  return {
    name,
    displayName: name.toUpperCase(),
    etag: `etag-${name}`,
    environmentType,
    environments,
    defaultConnectorsClassification,
    connectorGroups: (['Confidential', 'General', 'Blocked'] as const).map((c) => ({
      classification: c,
      connectors: (groups[c] ?? []).map(entry),
    })),
    raw: { customConnectorUrlPatternsDefinition: { rules: [{ order: 1, pattern: '*' }] }, marker: name },
  };
}

const env = (id: string): Environment => ({
  id,
  displayName: `Env ${id}`,
  sku: 'Sandbox',
  location: 'unitedstates',
  hasDataverse: false,
  isDefault: false,
  state: 'Ready',
  managed: false,
});
const dropbox: ConnectorRef = {
  name: 'shared_dropbox',
  id: api('shared_dropbox'),
  displayName: 'Dropbox',
  tier: 'Standard',
};
const envA: EnvironmentRef = env('a');

const baseline = policy('baseline', 'ExceptEnvironments', ['it'], {
  Confidential: ['shared_sql'],
  Blocked: ['shared_dropbox'],
});
const lockdown = policy(
  'lockdown',
  'OnlyEnvironments',
  ['prod1', 'prod2'],
  { Confidential: ['shared_sql'] },
  'Blocked',
);
const itOnly = policy('itonly', 'OnlyEnvironments', ['it'], {
  General: ['shared_dropbox'],
  Blocked: ['shared_twitter'],
});
const all = policy('all', 'AllEnvironments', [], { Blocked: ['shared_gmail'] });
const single = policy('single', 'SingleEnvironment', ['a'], { Blocked: ['shared_box'] });

describe('dlp: scope', () => {
  it('applies AllEnvironments everywhere, ExceptEnvironments outside its list, Only/Single inside it', () => {
    assert.equal(appliesTo(all, 'x'), true);
    assert.equal(appliesTo(baseline, 'a'), true);
    assert.equal(appliesTo(baseline, 'IT'), false, 'ids compare case-insensitively');
    assert.equal(appliesTo(lockdown, 'prod1'), true);
    assert.equal(appliesTo(lockdown, 'a'), false);
    assert.equal(appliesTo(single, 'a'), true);
    assert.equal(appliesTo(single, 'b'), false);
    assert.deepEqual(
      policiesApplyingTo([baseline, lockdown, itOnly, all], 'it').map((p) => p.name),
      ['itonly', 'all'],
    );
    assert.deepEqual(coveredEnvironments(baseline, ['a', 'it', 'prod1']), ['a', 'prod1']);
  });
});

describe('dlp: classification', () => {
  it('reads the listed group, else the default group; ids as shared_x or full path', () => {
    assert.equal(classificationIn(baseline, 'shared_dropbox'), 'Blocked');
    assert.equal(classificationIn(baseline, api('SHARED_SQL')), 'Confidential');
    assert.equal(classificationIn(baseline, 'shared_rss'), 'General');
    assert.equal(classificationIn(lockdown, 'shared_rss'), 'Blocked', 'unlisted takes the default group');
  });

  it('lets the most restrictive policy win and names every blocking policy', () => {
    const inProd = effectiveClassification([baseline, lockdown, itOnly], 'prod1', 'shared_dropbox');
    assert.equal(inProd.classification, 'Blocked');
    assert.deepEqual(
      inProd.blocking.map((p) => p.name),
      ['baseline', 'lockdown'],
    );
    const inIt = effectiveClassification([baseline, lockdown, itOnly], 'it', 'shared_dropbox');
    assert.equal(inIt.classification, 'General');
    assert.deepEqual(inIt.blocking, []);
    // Business outranks Non-business when no policy blocks.
    assert.equal(effectiveClassification([baseline, itOnly, all], 'it', 'shared_sql').classification, 'General');
    assert.equal(effectiveClassification([baseline, all], 'a', 'shared_sql').classification, 'Confidential');
    assert.equal(effectiveClassification([lockdown], 'a', 'shared_dropbox').classification, undefined);
    assert.deepEqual(
      blockingPolicies([baseline, all], 'a', 'shared_gmail').map((p) => p.name),
      ['all'],
    );
  });
});

describe('dlp: changes', () => {
  it('moves the connector into exactly one group, keeping every other entry', () => {
    const moved = reclassify(baseline, dropbox, 'Confidential');
    assert.equal(classificationIn(moved, 'shared_dropbox'), 'Confidential');
    const all = moved.connectorGroups.flatMap((g) => g.connectors.map((c) => c.id));
    assert.equal(all.filter((id) => id === dropbox.id).length, 1);
    assert.ok(all.includes(api('shared_sql')));
    assert.equal(classificationIn(baseline, 'shared_dropbox'), 'Blocked', 'the input is not mutated');
    // A connector the policy did not list (blocked by default) is added to the target group.
    const lock = reclassify(lockdown, dropbox, 'General');
    assert.equal(classificationIn(lock, 'shared_dropbox'), 'General');
    assert.equal(classificationIn(lock, 'shared_rss'), 'Blocked');
  });

  it('carves the environment out of each kind of scope, or says it cannot', () => {
    assert.deepEqual(withoutEnvironment(all, 'a'), {
      ...all,
      environmentType: 'ExceptEnvironments',
      environments: ['a'],
    });
    assert.deepEqual(withoutEnvironment(baseline, 'a')?.environments, ['it', 'a']);
    assert.deepEqual(withoutEnvironment(lockdown, 'prod1')?.environments, ['prod2']);
    assert.equal(withoutEnvironment(itOnly, 'it'), undefined, 'the only environment of an Only policy');
    assert.equal(withoutEnvironment(single, 'a'), undefined);
    assert.equal(exceptionPossible(baseline, 'it'), false, 'a policy that does not cover the environment');
    assert.equal(exceptionPossible(itOnly, 'it'), false);
    assert.equal(exceptionPossible(all, 'a'), true);
  });

  it('builds an environment-scoped copy that keeps every other rule of the original', () => {
    const copy = exceptionPolicy(lockdown, env('prod1'), dropbox, 'General');
    assert.equal(copy.environmentType, 'OnlyEnvironments');
    assert.deepEqual(copy.environments, ['prod1']);
    assert.match(copy.displayName, /LOCKDOWN \(exception for Env prod1\)/);
    assert.equal(copy.defaultConnectorsClassification, 'Blocked', 'default group kept');
    const asPolicy = { ...copy, name: 'copy', etag: '', raw: copy.raw ?? {} };
    assert.equal(classificationIn(asPolicy, 'shared_dropbox'), 'General');
    // Every other connector keeps its group.
    for (const id of ['shared_sql', 'shared_rss', 'shared_twitter']) {
      assert.equal(classificationIn(asPolicy, id), classificationIn(lockdown, id), id);
    }
    assert.deepEqual(
      copy.raw,
      lockdown.raw,
      'rules the bot does not model (connector configurations, URL patterns) kept',
    );
    assert.notEqual(copy.raw, lockdown.raw, 'a copy, not the same object');
  });
});

describe('dlp: impact', () => {
  it('counts covered environments, the tenant-wide reach and the apps and flows using the connector', () => {
    const environments = ['a', 'b', 'it', 'prod1', 'prod2'].map(env);
    const inventory: InventoryItem[] = [
      {
        kind: 'flow',
        name: 'f1',
        displayName: 'Zeta sync',
        environmentId: 'b',
        state: 'Suspended',
        connectorIds: [api('shared_dropbox').toLowerCase()],
      },
      {
        kind: 'app',
        name: 'a1',
        displayName: 'Uploader',
        environmentId: 'a',
        connectorIds: [api('shared_dropbox').toLowerCase()],
      },
      {
        kind: 'app',
        name: 'a2',
        displayName: 'Other',
        environmentId: 'a',
        connectorIds: [api('shared_sql').toLowerCase()],
      },
    ];
    const impact = computeImpact({
      policies: [baseline, lockdown, itOnly],
      blocking: [baseline],
      environments,
      environment: envA,
      connector: dropbox,
      inventory,
    });
    assert.deepEqual(impact.policies, [
      {
        name: 'baseline',
        displayName: 'BASELINE',
        environmentType: 'ExceptEnvironments',
        coveredEnvironments: 4,
        exceptionPossible: true,
      },
    ]);
    // prod1/prod2 stay blocked by the lockdown policy, so only a and b gain Dropbox tenant-wide.
    assert.equal(impact.tenantWideEnvironments, 2);
    assert.deepEqual(
      impact.resources.map((r) => `${r.kind}:${r.displayName}@${r.environment}`),
      ['app:Uploader@Env a', 'flow:Zeta sync@Env b'],
      'only items using the connector, the requested environment first',
    );
  });
});
