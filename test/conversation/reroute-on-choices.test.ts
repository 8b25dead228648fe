// Issue 10.1: an approver's choices never widen a change past its routing. A connector unblock filed as a
// narrow exception (one admin) that an admin approves as tenant-wide goes on to a senior approver before
// anything changes; Business instead of Non-business does the same; the audit trail, the export, the audit
// channel and the requester's update name the change made; `policy explain` agrees with the stored routing.
import assert from 'node:assert/strict';
import { runCli } from '../../src/cli/program.js';
import { createRequestPreparer } from '../../src/requests/preparers/index.js';
import {
  approvalPost,
  approve,
  fileWithReceipt,
  meetBot,
  readyDetails,
  useChannels,
} from '../execution/conversation-support.js';
import { type Harness, startHarness } from '../support/bot-harness.js';
import { cardText, firstCard } from '../support/connector-double.js';
import { envs, team, users } from '../support/fixture-ids.js';

const BASELINE = 'eb375b69-c7f9-5e8d-af20-9079b9807eec';

async function cli(dataDir: string, ...args: string[]): Promise<string> {
  let out = '';
  const code = await runCli(['--data-dir', dataDir, ...args], {
    out: (s) => {
      out += s;
    },
    err: (s) => {
      out += s;
    },
  });
  assert.equal(code, 0, out);
  return out;
}

describe('conversation: approver choices are routed again (issue 10.1)', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness({ kickWorkers: false });
    await useChannels(h);
  });
  afterEach(async () => {
    await h.stop();
  });

  const sim = () => {
    assert.ok(h.bot.simulator);
    return h.bot.simulator.state;
  };
  const dlpWrites = () =>
    sim().requests.filter((r) => ['PATCH', 'POST', 'PUT'].includes(r.method) && /policies/.test(r.path));

  async function fileDropbox() {
    const prep = await createRequestPreparer(h.bot.tenant).connectorUnblock({
      requesterId: users.alex.id,
      environmentId: envs.contosoDev,
      connectorId: 'shared_dropbox',
    });
    const { request } = await fileWithReceipt(h, users.alex, readyDetails(prep), 'invoices arrive in Dropbox');
    assert.equal(request.stages.length, 1, 'filed as a narrow exception: one admin');
    return request;
  }

  it('tenant-wide chosen by one admin goes on to a senior approver before anything changes', async () => {
    await fileDropbox();
    const post = await approvalPost(h);
    const res = await approve(h, users.megan, post, { requestId: 'REQ-1001', revision: 0, scope: 'tenant-wide' });
    assert.equal(res.status, 200);
    const answer = cardText(res.body.value);
    assert.match(
      answer,
      /Tenant-wide as Non-business needs Senior approval too \(rule "all-environments-policy-two-person"\); sent to Power Platform Senior Approvers/,
    );

    let stored = await h.bot.store.requests.get('REQ-1001');
    assert.equal(stored?.status, 'pending', 'one admin is not enough for a tenant-wide change');
    assert.deepEqual(
      stored?.stages.map((s) => s.name),
      ['Admin approval', 'Senior approval'],
    );
    assert.equal(stored?.routing?.ruleId, 'all-environments-policy-two-person');
    assert.equal(stored?.routing?.filedAs?.ruleId, 'connector-non-business-exception');
    await h.settle();
    assert.deepEqual(dlpWrites(), [], 'no DLP policy was written after the first approval');
    // The channel card says so too, for the senior approvers.
    const edits = h.connector.calls.filter((c) => c.method === 'PUT' && c.activityId === post.id);
    assert.match(cardText(firstCard(edits.at(-1)?.body ?? {})), /needs Senior approval too/);

    // An admin who is not a senior approver cannot fill the second stage; neither can the first approver.
    const nestor = await approve(h, users.nestor, post, { requestId: 'REQ-1001', revision: 1 });
    assert.match(cardText(nestor.body.value), /Power Platform Senior Approvers/);
    assert.equal((await h.bot.store.requests.get('REQ-1001'))?.status, 'pending');

    const patti = await approve(h, users.patti, post, { requestId: 'REQ-1001', revision: 1, scope: 'tenant-wide' });
    assert.equal(patti.status, 200);
    await h.settle();
    stored = await h.bot.store.requests.get('REQ-1001');
    assert.equal(stored?.status, 'completed', JSON.stringify(stored?.execution.error));
    assert.deepEqual(
      stored?.decisions.map((d) => [d.approver.displayName, d.stage]),
      [
        ['Megan Bowen', 0],
        ['Patti Fernandez', 1],
      ],
    );
    assert.ok(
      dlpWrites().some((r) => r.path.endsWith(BASELINE)),
      'the baseline was reclassified',
    );

    // The audit trail names both stages and the change made.
    const trail = await h.bot.store.audit.list({ requestId: 'REQ-1001' });
    const actions = trail.map((r) => r.action);
    assert.ok(actions.indexOf('request.rerouted') < actions.indexOf('request.approved'));
    const approvals = trail.filter((r) => r.action === 'request.approved');
    assert.deepEqual(
      approvals.map((r) => [r.actorUpn?.split('@')[0], r.details?.stageName, r.details?.scope]),
      [
        ['meganb', 'Admin approval', 'tenant-wide'],
        ['pattif', 'Senior approval', 'tenant-wide'],
      ],
    );
    const done = trail.find((r) => r.action === 'execution.completed');
    assert.deepEqual(done?.details?.changedPolicies, ['Tenant baseline']);
    const gained = (done?.details?.environmentsGained as string[]) ?? [];
    assert.ok(gained.includes('Contoso Dev') && gained.includes('Marketing Sandbox'), gained.join(', '));

    // Export: scope and classification columns.
    const csv = await cli(h.dataDir, 'audit', 'export', '--format', 'csv', '--request', 'REQ-1001');
    const header = csv.split('\r\n')[0] ?? '';
    assert.ok(header.endsWith(',scope,classification,change'), header);
    assert.match(csv, /execution\.completed,.*,tenant-wide,Non-business,changed policies: Tenant baseline/);
    if (process.env.PRINT_AUDIT) {
      console.log(await cli(h.dataDir, 'audit', 'list', '--request', 'REQ-1001'));
      console.log(csv);
    }

    // The requester's update and the audit-channel post name the change made.
    const update = h.connector
      .messages(h.personalConversationId(users.alex))
      .map((c) => cardText(firstCard(c.body)))
      .find((t) => /was done/.test(t));
    assert.match(
      update ?? '',
      /Tenant-wide, as Non-business; changed "Tenant baseline"; \d+ environments gained Dropbox/,
    );
    const auditPost = cardText(firstCard(h.connector.messages(team.audit).at(-1)?.body ?? {}));
    assert.match(auditPost, /Megan Bowen \(Admin approval\), Patti Fernandez \(Senior approval\)/);
    assert.match(auditPost, /Tenant-wide/);
    assert.doesNotMatch(auditPost, /[0-9a-f]{8}-[0-9a-f]{4}-/, 'no bare GUIDs');

    // `policy explain` shows the routing in force and agrees with today's evaluation.
    const explained = await cli(h.dataDir, 'policy', 'explain', '--request', 'REQ-1001');
    assert.match(explained, /routed by rule "all-environments-policy-two-person"/);
    assert.match(explained, /filed under rule "connector-non-business-exception"/);
    assert.match(explained, /Stage 2, Senior approval .*approved by Patti Fernandez/);
    assert.doesNotMatch(explained, /stored routing still applies/);
  });

  it('Business instead of Non-business needs a senior approver too; the exception names its new policy', async () => {
    await fileDropbox();
    const post = await approvalPost(h);
    const res = await approve(h, users.megan, post, {
      requestId: 'REQ-1001',
      revision: 0,
      classification: 'Confidential',
      scope: 'exception',
    });
    assert.match(
      cardText(res.body.value),
      /as Business needs Senior approval too \(rule "connector-business-two-person"\)/,
    );
    assert.equal((await h.bot.store.requests.get('REQ-1001'))?.status, 'pending');
    await approve(h, users.patti, post, { requestId: 'REQ-1001', revision: 1 });
    await h.settle();
    const stored = await h.bot.store.requests.get('REQ-1001');
    assert.equal(stored?.status, 'completed', JSON.stringify(stored?.execution.error));
    const done = (await h.bot.store.audit.list({ requestId: 'REQ-1001' })).find(
      (r) => r.action === 'execution.completed',
    );
    assert.deepEqual(done?.details?.exceptionPolicies, ['Tenant baseline (exception for Contoso Dev)']);
    assert.deepEqual(done?.details?.environmentsGained, ['Contoso Dev']);
  });

  it('a choice that needs nothing more is approved by one admin as before', async () => {
    await meetBot(h);
    await fileDropbox();
    const post = await approvalPost(h);
    await approve(h, users.megan, post, { requestId: 'REQ-1001', revision: 0, scope: 'exception' });
    assert.equal((await h.bot.store.requests.get('REQ-1001'))?.status, 'approved');
  });
});
