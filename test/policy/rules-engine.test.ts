// The approval policy as code: the default file routes each kind of request as the issue asks, and a broken
// file is refused with the line and field of every problem.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { durationMs } from '../../src/policy/duration.js';
import { capGrantEnd } from '../../src/policy/grant-cap.js';
import { loadPolicyFile, PolicyFileError, parsePolicy } from '../../src/policy/load-policy.js';
import { formatExplanation, RulesPolicy } from '../../src/policy/rules-engine.js';
import type { GovernanceRequest, RequestDetails } from '../../src/requests/model.js';
import { groups, users } from '../support/fixture-ids.js';

const policy = new RulesPolicy(loadPolicyFile('./policy/approval-policy.yaml'));

const env = (sku: string, displayName = `${sku} env`) => ({
  id: `id-${displayName}`,
  displayName,
  sku,
  location: 'europe',
  hasDataverse: false,
  isDefault: false,
});
const connector = (tier: string) => ({
  name: tier === 'Premium' ? 'shared_sql' : 'shared_rss',
  id: `/providers/Microsoft.PowerApps/apis/${tier === 'Premium' ? 'shared_sql' : 'shared_rss'}`,
  displayName: tier === 'Premium' ? 'SQL Server' : 'RSS',
  tier,
});
const unblock = (sku: string, tier: string, allEnvironments = false): RequestDetails => ({
  type: 'connector-unblock',
  environment: env(sku),
  connector: connector(tier),
  blockingPolicies: [{ name: 'p1', displayName: 'Baseline' }],
  classification: 'General',
  scope: 'exception',
  impact: {
    policies: [
      {
        name: 'p1',
        displayName: 'Baseline',
        environmentType: allEnvironments ? 'AllEnvironments' : 'OnlyEnvironments',
        coveredEnvironments: allEnvironments ? 12 : 2,
        exceptionPossible: true,
      },
    ],
    resources: [],
    tenantWideEnvironments: allEnvironments ? 12 : 2,
  },
});

function request(details: RequestDetails, overrides: Partial<GovernanceRequest> = {}): GovernanceRequest {
  return {
    id: 'REQ-1',
    version: 1,
    type: details.type,
    status: 'pending',
    requester: {
      id: users.alex.id,
      upn: 'alexw@contoso.onmicrosoft.com',
      displayName: 'Alex Wilber',
      department: 'Marketing',
      hasPowerAppsLicense: true,
    },
    details,
    createdAt: '2026-11-28T09:00:00.000Z',
    updatedAt: '2026-11-28T09:00:00.000Z',
    decisions: [],
    stages: [],
    execution: { progress: [], checkpoint: {}, apiCalls: [] },
    ...overrides,
  };
}

const standardPlans = { requesterGroupIds: [], requesterPlans: ['POWERAPPS_O365_P2'] };
const premiumPlans = { requesterGroupIds: [], requesterPlans: ['POWERAPPS_PER_USER'] };

describe('policy: default approval policy', () => {
  it('auto-approves a Developer environment for oneself', () => {
    const d = policy.route(
      request({ type: 'new-environment', displayName: 'Alex dev', sku: 'Developer', location: 'europe' }),
      standardPlans,
    );
    assert.equal(d.routing.outcome, 'auto-approve');
    assert.equal(d.routing.ruleId, 'developer-environment-for-self');
    assert.deepEqual(d.stages, []);
  });

  it('asks one admin for the maker role in a Sandbox or Developer environment for a licensed user', () => {
    for (const sku of ['Sandbox', 'Developer']) {
      const d = policy.route(request({ type: 'maker-role', environment: env(sku) }), standardPlans);
      assert.equal(d.routing.ruleId, 'maker-sandbox-developer', sku);
      assert.deepEqual(d.stages, [
        { name: 'Admin approval', groupId: groups.admins, groupName: 'Power Platform Admins', approvals: 1 },
      ]);
    }
  });

  it('needs two distinct approvers, the second a senior approver, for anything touching Production', () => {
    const requests = [
      request({ type: 'maker-role', environment: env('Production') }),
      request(unblock('Production', 'Standard')),
      request({ type: 'new-environment', displayName: 'Payroll', sku: 'Production', location: 'europe' }),
    ];
    for (const r of requests) {
      const d = policy.route(r, premiumPlans);
      assert.equal(d.routing.ruleId, 'production-two-person', r.type);
      assert.deepEqual(
        d.stages.map((s) => [s.groupId, s.approvals]),
        [
          [groups.admins, 1],
          [groups.senior, 1],
        ],
      );
    }
  });

  it('needs two approvers for a change to a policy that covers all environments, even in a Sandbox', () => {
    const d = policy.route(request(unblock('Sandbox', 'Standard', true)), standardPlans);
    assert.equal(d.routing.ruleId, 'all-environments-policy-two-person');
    assert.equal(d.stages[1]?.groupName, 'Power Platform Senior Approvers');
    const tenantWide = request({
      ...(unblock('Sandbox', 'Standard') as object),
      scope: 'tenant-wide',
    } as RequestDetails);
    assert.equal(policy.route(tenantWide, standardPlans).routing.ruleId, 'all-environments-policy-two-person');
  });

  it('denies a Premium connector without a premium licence, with a reason for the requester', () => {
    const d = policy.route(request(unblock('Sandbox', 'Premium')), standardPlans);
    assert.equal(d.routing.outcome, 'auto-deny');
    assert.match(d.denyReason ?? '', /premium licence/);
  });

  it('asks one admin for a Premium connector when the licence is there, and caps the exception at 90 days', () => {
    const d = policy.route(request(unblock('Sandbox', 'Premium')), premiumPlans);
    assert.equal(d.routing.ruleId, 'premium-connector');
    assert.equal(d.stages.length, 1);
    assert.equal(d.maxDuration, 'P90D');
  });

  it('falls back to one admin approval when no rule matches (maker role for an unlicensed user)', () => {
    const r = request({ type: 'maker-role', environment: env('Sandbox') });
    r.requester.hasPowerAppsLicense = false;
    const d = policy.route(r, { requesterGroupIds: [], requesterPlans: [] });
    assert.equal(d.routing.ruleId, 'fallback');
    assert.equal(d.stages[0]?.groupId, groups.admins);
  });

  it('explains which rule matched and why the earlier ones did not', () => {
    const x = policy.explain(
      request({ type: 'maker-role', environment: env('Production', 'IT Tools') }),
      standardPlans,
    );
    assert.equal(x.ruleId, 'production-two-person');
    assert.deepEqual(
      x.considered.map((c) => [c.ruleId, c.matched]),
      [
        ['developer-environment-for-self', false],
        ['premium-connector-needs-licence', false],
        ['production-two-person', true],
      ],
    );
    assert.match(x.considered[0]?.because.join() ?? '', /type is maker-role \(rule wants new-environment\)/);
    const text = formatExplanation('REQ-1', x);
    assert.match(text, /rule "production-two-person"/);
    assert.match(text, /2\. Senior approval: 1 distinct approver from Power Platform Senior Approvers/);
  });

  it('escalates the admins stage to the senior approvers', () => {
    assert.equal(policy.escalationGroup({ name: 'x', groupId: groups.admins, approvals: 1 })?.groupId, groups.senior);
    assert.equal(policy.escalationGroup({ name: 'x', groupId: groups.senior, approvals: 1 }), undefined);
  });
});

const header = `version: 1
groups:
  admins: { id: ${groups.admins}, name: Admins }
  senior: { id: ${groups.senior}, name: Seniors }
fallback:
  description: One admin.
  stages: [{ name: Admin approval, group: admins }]
`;

describe('policy: rule conditions', () => {
  const custom = new RulesPolicy(
    parsePolicy(`${header}environmentTags:
  Payroll: [business-critical]
rules:
  - id: tagged
    description: Tagged environments need seniors.
    when: { environment: { tags: business-critical } }
    route: { outcome: require-approval, stages: [{ name: Senior, group: senior, approvals: 2 }], barEnvironmentOwners: true }
  - id: finance-people
    description: Finance makers are trusted in Finance environments.
    when: { requester: { groups: [${groups.admins}], departments: Finance }, environment: { name: "Finance*" } }
    route: { outcome: auto-approve, maxDuration: P14D }
  - id: named-connector
    description: RSS is never allowed.
    when: { connector: { id: shared_rss } }
    route: { outcome: auto-deny }
  - id: extensions
    description: Extensions in Sandboxes are approved by rule.
    when: { extension: true, environment: { sku: Sandbox, hasDataverse: false } }
    route: { outcome: auto-approve }
`),
  );

  it('matches environment tags, requester group and department, environment name, connector id and extensions', () => {
    const tagged = custom.route(request({ type: 'maker-role', environment: env('Sandbox', 'Payroll') }), standardPlans);
    assert.equal(tagged.routing.ruleId, 'tagged');
    assert.equal(tagged.stages[0]?.approvals, 2);
    assert.equal(tagged.barEnvironmentOwners, true);

    const finance = request({ type: 'maker-role', environment: env('Sandbox', 'Finance Sandbox') });
    finance.requester.department = 'Finance';
    assert.equal(custom.route(finance, { requesterGroupIds: [groups.admins] }).routing.ruleId, 'finance-people');
    assert.equal(custom.route(finance, { requesterGroupIds: [] }).routing.ruleId, 'fallback', 'not in the group');
    assert.deepEqual(custom.groupsOfInterest(), [groups.admins]);

    const rss = custom.route(request(unblock('Sandbox', 'Standard')), standardPlans);
    assert.equal(rss.routing.outcome, 'auto-deny');
    assert.equal(rss.denyReason, 'RSS is never allowed.');

    const ext = request({ type: 'maker-role', environment: env('Sandbox') }, { extensionOf: 'REQ-0' });
    assert.equal(custom.route(ext, standardPlans).routing.ruleId, 'extensions');
    assert.equal(custom.route({ ...ext, extensionOf: undefined }, standardPlans).routing.ruleId, 'fallback');
  });

  it('caps a grant at the rule maximum, and gives an end to a grant asked without one', () => {
    const now = '2026-11-28T09:00:00.000Z';
    const r = request({ type: 'maker-role', environment: env('Sandbox') }, { grantEndsAt: '2027-06-01T00:00:00.000Z' });
    assert.equal(capGrantEnd(r, 'P14D', now), '2026-12-12T09:00:00.000Z');
    assert.equal(capGrantEnd({ ...r, grantEndsAt: undefined }, 'P14D', now), '2026-12-12T09:00:00.000Z');
    assert.equal(
      capGrantEnd({ ...r, grantEndsAt: '2026-12-01T00:00:00.000Z' }, 'P14D', now),
      '2026-12-01T00:00:00.000Z',
    );
    assert.equal(capGrantEnd(r, undefined, now), '2027-06-01T00:00:00.000Z');
    assert.equal(durationMs('P1DT12H'), 36 * 3_600_000);
    assert.equal(durationMs('P1M'), undefined, 'months are refused: their length varies');
  });
});

describe('policy: file validation', () => {
  function problems(text: string): string[] {
    try {
      parsePolicy(text, 'test.yaml');
    } catch (error) {
      assert.ok(error instanceof PolicyFileError);
      return error.problems;
    }
    assert.fail('the policy was accepted');
  }

  it('accepts the default file in the repository', () => {
    assert.ok(parsePolicy(readFileSync('policy/approval-policy.yaml', 'utf8')).rules.length >= 6);
  });

  it('names the line and field of every problem at once', () => {
    const found = problems(`${header}rules:
  - id: prod
    description: Production.
    when: { environment: { sku: Prod } }
    route: { outcome: require-approval }
  - id: Bad Id
    description: x
    route: { outcome: auto-deny, stages: [{ name: s, group: nobody }], maxDuration: 2 weeks }
`);
    const text = found.join('\n');
    assert.match(
      text,
      /line 11, field rules\.0\.when\.environment\.sku\.0: Invalid enum value\. Expected 'Production' \| 'Sandbox'/,
    );
    assert.match(text, /line 13, field rules\.1\.id: must be lower-case letters/);
    assert.match(text, /line 15, field rules\.1\.route\.maxDuration: must be an ISO 8601 duration/);
    assert.match(text, /line 15, field rules\.1\.route\.stages: auto-deny takes no stages/);
    assert.equal(found.length, 4);
  });

  it('checks the rules against each other once every field is well-formed', () => {
    const text = problems(`${header}rules:
  - id: prod
    description: Production.
    when: { environment: { sku: Production } }
    route: { outcome: require-approval }
  - id: deny
    description: x
    route: { outcome: auto-deny, stages: [{ name: s, group: nobody }] }
`).join('\n');
    assert.match(text, /line 12, field rules\.0\.route\.stages: require-approval needs at least one stage/);
    assert.match(text, /line 15, field rules\.1\.route\.stages: auto-deny takes no stages/);
  });

  it('reports missing fields at their parent, unknown fields, and YAML syntax errors with a line', () => {
    assert.match(problems('version: 1\ngroups: {}\nrules: []\n').join('\n'), /line 1, field fallback: is required/);
    assert.match(
      problems(`${header}rules: []\nfavourite: 3\n`).join('\n'),
      /Unrecognized key\(s\) in object: 'favourite'/,
    );
    assert.match(problems('version: 1\nrules: [\n  - id: x\n').join('\n'), /^line \d+, column \d+: /);
    assert.match(
      problems(
        `${header}rules:\n  - id: a\n    description: a\n    route: { outcome: auto-approve }\n  - id: a\n    description: b\n    route: { outcome: auto-approve }\n`,
      ).join('\n'),
      /line 12, field rules\.1\.id: duplicate rule id "a"/,
    );
  });

  it('refuses to start the bot with an unreadable policy path', () => {
    assert.throws(() => loadPolicyFile('./policy/does-not-exist.yaml'), /cannot read the file: ENOENT/);
  });
});

describe('policy: variables in the policy file', () => {
  it('fills group ids from the configuration, with the defaults after :- when unset', () => {
    const text = readFileSync('policy/approval-policy.yaml', 'utf8');
    const custom = parsePolicy(text, 'p.yaml', { APPROVER_GROUP_ID: '11111111-2222-3333-4444-555555555555' });
    assert.equal(custom.groups.admins?.id, '11111111-2222-3333-4444-555555555555');
    assert.equal(custom.groups.senior?.id, 'ba8fda5a-0602-56fe-a628-5f7d19e4933e');
  });

  it('names the line of a variable that is neither set nor defaulted', () => {
    assert.throws(
      () => parsePolicy('version: 1\ngroups:\n  admins:\n    id: ${NOT_SET_ANYWHERE}\n', 'p.yaml', {}),
      (error: unknown) =>
        error instanceof PolicyFileError && /line 4: \$\{NOT_SET_ANYWHERE\} is not set/.test(error.message),
    );
  });
});
