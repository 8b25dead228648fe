// Which requests are filed only with a reason (policy file `requireReasonFor`, issue 10 part 5): anything touching a
// Production environment, a new Production environment, and an unblock that changes a policy covering all
// environments; on by default, off with [].
import assert from 'node:assert/strict';
import { PolicyFileError, parsePolicy } from '../../src/policy/load-policy.js';
import { DEFAULT_REASON_SCOPES, reasonRequired } from '../../src/policy/reason-required.js';
import { RulesPolicy } from '../../src/policy/rules-engine.js';
import type { RequestDetails } from '../../src/requests/model.js';
import { groups } from '../support/fixture-ids.js';

const env = (sku: string) => ({
  id: `id-${sku}`,
  displayName: `${sku} env`,
  sku,
  location: 'europe',
  hasDataverse: false,
  isDefault: false,
});
const unblock = (
  sku: string,
  environmentType: string,
  scope: 'exception' | 'tenant-wide' = 'exception',
): RequestDetails => ({
  type: 'connector-unblock',
  environment: env(sku),
  connector: {
    name: 'shared_dropbox',
    id: '/providers/Microsoft.PowerApps/apis/shared_dropbox',
    displayName: 'Dropbox',
    tier: 'Standard',
  },
  blockingPolicies: [{ name: 'p1', displayName: 'Baseline' }],
  classification: 'General',
  scope,
  impact: {
    policies: [
      { name: 'p1', displayName: 'Baseline', environmentType, coveredEnvironments: 3, exceptionPossible: true },
    ],
    resources: [],
    tenantWideEnvironments: 3,
  },
});
const header = `version: 1
groups:
  admins: { id: ${groups.admins}, name: Admins }
rules: []
fallback:
  description: One admin.
  stages: [{ name: Admin approval, group: admins }]
`;

describe('policy: a reason is required for Production and tenant-wide requests', () => {
  const all = DEFAULT_REASON_SCOPES;

  it('Production environments, new ones included', () => {
    assert.equal(reasonRequired({ type: 'maker-role', environment: env('Production') }, all), 'production');
    assert.equal(reasonRequired(unblock('Production', 'OnlyEnvironments'), all), 'production');
    const newEnv = (sku: 'Production' | 'Sandbox'): RequestDetails => ({
      type: 'new-environment',
      displayName: 'Payroll',
      sku,
      location: 'europe',
    });
    assert.equal(reasonRequired(newEnv('Production'), all), 'production');
    assert.equal(reasonRequired(newEnv('Sandbox'), all), undefined);
  });

  it('tenant-wide: an unblock touching a policy that covers all environments, or chosen tenant-wide', () => {
    assert.equal(reasonRequired(unblock('Sandbox', 'AllEnvironments'), all), 'tenant-wide');
    assert.equal(reasonRequired(unblock('Sandbox', 'OnlyEnvironments', 'tenant-wide'), all), 'tenant-wide');
    assert.equal(reasonRequired(unblock('Sandbox', 'OnlyEnvironments'), all), undefined);
    assert.equal(reasonRequired({ type: 'maker-role', environment: env('Developer') }, all), undefined);
  });

  it('the policy file sets it: on by default, [] turns it off, unknown scopes are refused with their line', () => {
    assert.deepEqual(new RulesPolicy(parsePolicy(header)).requireReasonFor, ['production', 'tenant-wide']);
    const off = new RulesPolicy(parsePolicy(`${header}requireReasonFor: []\n`));
    assert.deepEqual(off.requireReasonFor, []);
    assert.equal(
      reasonRequired({ type: 'maker-role', environment: env('Production') }, off.requireReasonFor),
      undefined,
    );
    const onlyProd = new RulesPolicy(parsePolicy(`${header}requireReasonFor: [production]\n`));
    assert.equal(reasonRequired(unblock('Sandbox', 'AllEnvironments'), onlyProd.requireReasonFor), undefined);
    assert.throws(
      () => parsePolicy(`${header}requireReasonFor: [everything]\n`, 'test.yaml'),
      (e: unknown) => e instanceof PolicyFileError && /line 8, field requireReasonFor\.0/.test(e.message),
    );
  });
});
