// The licence report from Graph users as Graph gives them: plans carry ids only, so names come from the published
// id table, and seeded (Microsoft 365) Power Apps must not read the same as a premium plan.
import assert from 'node:assert/strict';
import { describe, it } from 'mocha';
import { licenceRows, summariseLicences } from '../../src/reports/licences.js';
import type { DirectoryUser } from '../../src/tenant/tenant-admin.js';

function user(id: string, plans: DirectoryUser['plans']): DirectoryUser {
  return {
    id,
    userPrincipalName: `${id}@contoso.onmicrosoft.com`,
    displayName: id,
    accountEnabled: true,
    plans,
    hasPowerAppsLicense: plans.some((p) => p.service === 'PowerAppsService'),
  };
}

describe('licence report', () => {
  it('names plans and tells seeded from premium Power Apps', () => {
    const rows = licenceRows([
      user('a', [{ service: 'PowerAppsService', servicePlanId: 'c68f8d98-5534-41c8-bf36-22fa496fa792' }]),
      user('b', [{ service: 'PowerAppsService', servicePlanId: 'ea2cf03b-ac60-46ae-9c1d-eeaeb63cec86' }]),
      user('c', [{ service: 'PowerAppsService', servicePlanId: '0a0a0a0a-0000-4000-8000-000000000001' }]),
    ]);
    assert.deepEqual(
      rows.map((r) => [r.upn.split('@')[0], r.product, r.service_plan_name]),
      [
        ['a', 'Power Apps (with Microsoft 365)', 'POWERAPPS_O365_P2'],
        ['b', 'Power Apps Premium', 'POWERAPPS_PER_USER'],
        ['c', 'Power Apps', ''],
      ],
    );
    const summary = summariseLicences(rows);
    assert.deepEqual(summary.withoutPowerApps, [], 'every kind of Power Apps plan counts as one');
    assert.deepEqual(summary.plans.map((p) => `${p.product}: ${p.plan}`).sort(), [
      'Power Apps (with Microsoft 365): POWERAPPS_O365_P2',
      'Power Apps Premium: POWERAPPS_PER_USER',
      'Power Apps: 0a0a0a0a-0000-4000-8000-000000000001',
    ]);
  });
});
