// Connector unblock end to end over the Bot Framework protocol: the prepared request is filed, the approval
// card shows the impact and the two choices, the approver picks on the card, the bot rewrites the DLP
// policies of the simulated tenant (re-reading each before writing), and failures name what changed.
import assert from 'node:assert/strict';
import { classificationIn, effectiveClassification } from '../../src/dlp/classification.js';
import { createRequestPreparer } from '../../src/requests/preparers/index.js';
import {
  approvalPost,
  approveFully,
  fileWithReceipt,
  readyDetails,
  updatesOf,
  useChannels,
} from '../execution/conversation-support.js';
import { type Harness, startHarness } from '../support/bot-harness.js';
import { cardText, firstCard } from '../support/connector-double.js';
import { envs, team, users } from '../support/fixture-ids.js';

const BASELINE = 'eb375b69-c7f9-5e8d-af20-9079b9807eec';
const LOCKDOWN = '3bdff53b-b5b9-5fc0-86d6-3e88988fb2dc';
const FINANCE_PRODUCTION = '6f553ca4-d0b2-5977-8aac-e7825409a59e';

describe('conversation: connector unblock', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness({ kickWorkers: false });
    await useChannels(h);
  });
  afterEach(async () => {
    await h.stop();
  });

  const prepare = (environmentId: string, connectorId: string) =>
    createRequestPreparer(h.bot.tenant).connectorUnblock({ requesterId: users.alex.id, environmentId, connectorId });
  const sim = () => {
    assert.ok(h.bot.simulator);
    return h.bot.simulator.state;
  };
  const patches = (policy: string) => sim().requests.filter((r) => r.method === 'PATCH' && r.path.endsWith(policy));

  it('files the request when flows cannot be listed (403), saying so on the card and keeping the apps', async () => {
    sim().flowListForbidden = true;
    const details = readyDetails(await prepare(envs.contosoDev, 'shared_dropbox'));
    assert.equal(details.type, 'connector-unblock');
    await fileWithReceipt(h, users.alex, details, 'invoices arrive in Dropbox');
    const text = cardText(firstCard((await approvalPost(h)).body));
    assert.match(text, /Flows could not be listed in Contoso Dev, Contoso \(default\)/);
    assert.doesNotMatch(text, /Flow: Dropbox invoice sync/);
    assert.match(text, /Contoso Dev leaves “Tenant baseline”/);
  });

  it('shows the impact and choices, then adds a narrow Business exception for Contoso Dev only', async () => {
    const details = readyDetails(await prepare(envs.contosoDev, 'shared_dropbox'));
    await fileWithReceipt(h, users.alex, details, 'invoices arrive in Dropbox');
    const post = await approvalPost(h);
    const card = firstCard(post.body);
    const text = cardText(card);
    // What happens: the environment leaves the baseline and a new policy allows the connector there; the
    // baseline itself is not reclassified.
    assert.match(
      text,
      /Contoso Dev leaves “Tenant baseline”; a new policy “Tenant baseline \(exception for Contoso Dev\)”, a copy of it, allows Dropbox there \(Non-business\)/,
    );
    assert.match(text, /The other 10 environments keep Dropbox blocked/);
    assert.doesNotMatch(text, /Blocked → /);
    // Affected (in Contoso Dev) apart from elsewhere (Contoso (default) keeps Dropbox blocked).
    assert.match(
      text,
      /affected by this change\nFlow: Dropbox invoice sync in Contoso Dev \(suspended by DLP\)\nElsewhere \(not affected[^\n]*\)\nFlow: Dropbox backup of team files in Contoso \(default\)/,
    );
    // 11 covered, 8 reached: why, from the DLP data.
    assert.match(
      text,
      /only Contoso Dev gains Dropbox\. A tenant-wide change would unblock it in 8 environments\. “Tenant baseline” covers 11; in 3 of them \(Finance Production, HR Production and Operations Production\) “Production lockdown” blocks Dropbox too/,
    );
    assert.match(text, /Tenant-wide \(8 environments gain it\)/);
    const inputs = JSON.stringify(card).match(/"id":"(classification|scope)"/g);
    assert.deepEqual(inputs, ['"id":"classification"', '"id":"scope"']);

    const before = sim().dlpPolicies.length;
    // Teams merges the card's inputs into the action data.
    await approveFully(h, post, {
      requestId: 'REQ-1001',
      revision: 0,
      classification: 'Confidential',
      scope: 'exception',
    });
    await h.settle();

    const done = await h.bot.store.requests.get('REQ-1001');
    assert.equal(done?.status, 'completed', JSON.stringify(done?.execution.error));
    assert.equal(done?.details.type === 'connector-unblock' ? done.details.classification : '', 'Confidential');
    const policies = await h.bot.tenant.listDlpPolicies();
    assert.equal(policies.length, before + 1);
    const baseline = policies.find((p) => p.name === BASELINE);
    const original = sim().dlpPolicies.find((p) => p.name === BASELINE);
    assert.ok(baseline && original);
    assert.ok(baseline.environments.includes(envs.contosoDev), 'Contoso Dev taken out of the baseline');
    assert.equal(
      classificationIn(baseline, 'shared_dropbox'),
      'Blocked',
      'the baseline still blocks Dropbox elsewhere',
    );
    const copy = policies.find((p) => p.displayName === 'Tenant baseline (exception for Contoso Dev)');
    assert.ok(copy);
    assert.equal(copy.environmentType, 'OnlyEnvironments');
    assert.deepEqual(copy.environments, [envs.contosoDev]);
    assert.equal(classificationIn(copy, 'shared_dropbox'), 'Confidential');
    // Every other rule of the original is kept in the copy.
    assert.equal(copy.defaultConnectorsClassification, baseline.defaultConnectorsClassification);
    for (const group of baseline.connectorGroups) {
      for (const c of group.connectors) {
        if (c.id.endsWith('shared_dropbox')) continue;
        assert.equal(classificationIn(copy, c.id), group.classification, c.id);
      }
    }
    assert.equal(effectiveClassification(policies, envs.contosoDev, 'shared_dropbox').classification, 'Confidential');
    assert.equal(effectiveClassification(policies, envs.marketingSandbox, 'shared_dropbox').classification, 'Blocked');

    // Progress on the channel card and the requester's receipt, ending in Completed.
    const channelUpdates = updatesOf(h, post.id);
    assert.ok(channelUpdates.some((t) => /"Tenant baseline": exception for Contoso Dev/.test(t)));
    assert.match(channelUpdates.at(-1) ?? '', /Completed/);
    const receiptId = done?.receiptCard?.activityId ?? '';
    assert.ok(updatesOf(h, receiptId).some((t) => /● "Tenant baseline": exception for Contoso Dev/.test(t)));

    const trail = await h.bot.store.audit.list({ requestId: 'REQ-1001' });
    assert.ok(trail.some((r) => r.action === 'execution.completed'));
    assert.ok(trail.some((r) => r.apiCalls?.some((c) => c.method === 'POST' && c.url.endsWith('/v2/policies'))));
    if (process.env['PRINT_AUDIT']) console.log(JSON.stringify(trail, null, 2));
  });

  it('moves the connector tenant-wide when the approver chooses it', async () => {
    const details = readyDetails(await prepare(envs.contosoDev, 'shared_dropbox'));
    await h.bot.service.file({ requesterId: users.alex.id, details });
    const post = await approvalPost(h);
    const before = sim().dlpPolicies.length;
    await approveFully(h, post, { requestId: 'REQ-1001', revision: 0, scope: 'tenant-wide' });
    await h.settle();
    const done = await h.bot.store.requests.get('REQ-1001');
    assert.equal(done?.status, 'completed', JSON.stringify(done?.execution.error));
    const policies = await h.bot.tenant.listDlpPolicies();
    assert.equal(policies.length, before, 'no exception policy');
    const baseline = policies.find((p) => p.name === BASELINE);
    assert.ok(baseline);
    assert.equal(classificationIn(baseline, 'shared_dropbox'), 'General');
    assert.equal(effectiveClassification(policies, envs.marketingSandbox, 'shared_dropbox').classification, 'General');
    assert.equal(patches(BASELINE).length, 1);
  });

  it('re-reads and retries after a stale etag, and fails clearly when the policy keeps changing', async () => {
    const details = readyDetails(await prepare(envs.contosoDev, 'shared_dropbox'));
    await h.bot.service.file({ requesterId: users.alex.id, details });
    let post = await approvalPost(h);
    const stale = { error: { code: 'PreconditionFailed', message: 'The policy has been modified since it was read.' } };
    sim().failNext({ method: 'PATCH', pathIncludes: BASELINE, status: 412, body: stale });
    await approveFully(h, post, { requestId: 'REQ-1001', revision: 0, scope: 'tenant-wide' });
    await h.settle();
    let done = await h.bot.store.requests.get('REQ-1001');
    assert.equal(done?.status, 'completed', JSON.stringify(done?.execution.error));
    assert.deepEqual(
      patches(BASELINE).map((r) => r.status),
      [412, 200],
    );
    const reads = sim().requests.filter((r) => r.method === 'GET' && r.path.endsWith(BASELINE));
    assert.ok(reads.length >= 3, 'read before each write and once to verify');

    // Second request (Gmail): someone else changes the policy before every write.
    const gmail = readyDetails(await prepare(envs.contosoDev, 'shared_gmail'));
    await h.bot.service.file({ requesterId: users.alex.id, details: gmail });
    await h.settle();
    post = h.connector
      .messages(team.approvals)
      .filter((c) => c.method === 'POST')
      .at(-1)!;
    sim().failNext({ method: 'PATCH', pathIncludes: BASELINE, status: 409, body: stale, times: 3 });
    await approveFully(h, post, { requestId: 'REQ-1002', revision: 0, scope: 'tenant-wide' });
    await h.settle();
    done = await h.bot.store.requests.get('REQ-1002');
    assert.equal(done?.status, 'failed');
    assert.equal(done?.execution.error?.code, 'PolicyKeptChanging');
    assert.match(done?.execution.error?.message ?? '', /3 attempts/);
    assert.match(done?.execution.error?.message ?? '', /Changed: none\. Not changed: "Tenant baseline"/);
    assert.equal(classificationIn((await h.bot.tenant.getDlpPolicy(BASELINE))!, 'shared_gmail'), 'Blocked');
  });

  it('fails half-way across two policies and says exactly which changed, on the card and in the audit', async () => {
    const details = readyDetails(await prepare(FINANCE_PRODUCTION, 'shared_gmail'));
    assert.equal(details.type === 'connector-unblock' ? details.blockingPolicies.length : 0, 2);
    await fileWithReceipt(h, users.alex, details);
    const post = await approvalPost(h);
    sim().failNext({
      method: 'PATCH',
      pathIncludes: LOCKDOWN,
      status: 403,
      body: { error: { code: 'Forbidden', message: 'The caller may not change this policy.' } },
    });
    await approveFully(h, post, { requestId: 'REQ-1001', revision: 0, scope: 'tenant-wide' });
    await h.settle();

    const failed = await h.bot.store.requests.get('REQ-1001');
    assert.equal(failed?.status, 'failed');
    const message = failed?.execution.error?.message ?? '';
    assert.match(message, /Updating "Production lockdown" failed: The caller may not change this policy\./);
    assert.match(message, /Changed: "Tenant baseline"\. Not changed: "Production lockdown"\./);
    assert.match(message, /HTTP 403 from PATCH/);
    assert.match(message, /tenant admin should check/);
    // The tenant agrees.
    assert.equal(classificationIn((await h.bot.tenant.getDlpPolicy(BASELINE))!, 'shared_gmail'), 'General');
    assert.equal(classificationIn((await h.bot.tenant.getDlpPolicy(LOCKDOWN))!, 'shared_gmail'), 'Blocked');

    const last = updatesOf(h, post.id).at(-1) ?? '';
    assert.match(last, /● "Tenant baseline": Gmail Blocked → Non-business/);
    assert.match(last, /✕ "Production lockdown": Gmail Blocked → Non-business/);
    assert.match(last, /Not changed: "Production lockdown"/);
    assert.match(
      updatesOf(h, failed?.receiptCard?.activityId ?? '').at(-1) ?? '',
      /Not changed: "Production lockdown"/,
    );

    const trail = await h.bot.store.audit.list({ requestId: 'REQ-1001' });
    const steps = trail
      .filter((r) => r.action === 'execution.step')
      .map((r) => `${r.details?.step}:${r.details?.state}`);
    assert.ok(steps.includes('"Tenant baseline": Gmail Blocked → Non-business:done'), steps.join('\n'));
    assert.ok(steps.includes('"Production lockdown": Gmail Blocked → Non-business:failed'), steps.join('\n'));
    const end = trail.find((r) => r.action === 'execution.failed');
    assert.match(String(end?.details?.message), /Not changed: "Production lockdown"/);
  });

  it('answers at once, filing nothing, when nothing blocks the connector', async () => {
    const r = await prepare(envs.itTools, 'shared_dropbox');
    assert.deepEqual(r, { kind: 'answer', message: 'Dropbox is already allowed in IT Tools, as Non-business.' });
    assert.deepEqual(await h.bot.store.requests.list({}), []);
  });
});
