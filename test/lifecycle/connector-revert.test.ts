// A time-bound connector unblock ("for 2 weeks") end to end over the Bot Framework protocol: approved on the
// card as a narrow exception or as a tenant-wide change, then reverted at the end through the DLP API of the
// simulated tenant, which is read back to check that every policy is as it was before the grant.
import assert from 'node:assert/strict';
import { classificationIn, effectiveClassification } from '../../src/dlp/classification.js';
import { appliesTo } from '../../src/dlp/scope.js';
import { durationMs } from '../../src/policy/duration.js';
import { createRequestPreparer } from '../../src/requests/preparers/index.js';
import type { DlpPolicy } from '../../src/tenant/tenant-admin.js';
import { approvalPost, approveFully, meetBot, readyDetails, useChannels } from '../execution/conversation-support.js';
import { type Harness, startHarness } from '../support/bot-harness.js';
import { cardText, firstCard } from '../support/connector-double.js';
import { envs, team, users } from '../support/fixture-ids.js';

const BASELINE = 'eb375b69-c7f9-5e8d-af20-9079b9807eec';
const LOCKDOWN = '3bdff53b-b5b9-5fc0-86d6-3e88988fb2dc';
const FINANCE_PRODUCTION = '6f553ca4-d0b2-5977-8aac-e7825409a59e';
const T0 = Date.parse('2026-12-01T09:00:00Z');

/** What matters of a policy for "is it as before": scope and connector groups (not the etag or timestamps). */
function shape(p: DlpPolicy | undefined) {
  assert.ok(p);
  return {
    displayName: p.displayName,
    environmentType: p.environmentType,
    environments: [...p.environments].sort(),
    defaultConnectorsClassification: p.defaultConnectorsClassification,
    groups: p.connectorGroups
      .map((g) => ({
        classification: g.classification,
        connectors: g.connectors.map((c) => c.id.toLowerCase()).sort(),
      }))
      .filter((g) => g.connectors.length > 0)
      .sort((a, b) => a.classification.localeCompare(b.classification)),
  };
}

describe('lifecycle: a time-bound connector unblock is reverted at its end', () => {
  let h: Harness;
  let now: number;
  const clock = () => new Date(now);
  beforeEach(async () => {
    now = T0;
    h = await startHarness({ clock, kickWorkers: false });
    await useChannels(h);
  });
  afterEach(async () => {
    await h.stop();
  });

  /** Alex asks for Dropbox in Contoso Dev for 2 weeks; an admin approves with the scope chosen on the card. */
  async function grant(
    scope: 'exception' | 'tenant-wide',
    environmentId = envs.contosoDev,
    connectorId = 'shared_dropbox',
  ) {
    await meetBot(h);
    const details = readyDetails(
      await createRequestPreparer(h.bot.tenant).connectorUnblock({
        requesterId: users.alex.id,
        environmentId,
        connectorId,
      }),
    );
    const endsAt = new Date(T0 + (durationMs('P2W') ?? 0)).toISOString();
    const filed = await h.bot.service.file({
      requesterId: users.alex.id,
      details,
      justification: 'invoices arrive in Dropbox',
      grantEndsAt: endsAt,
    });
    assert.equal(filed.kind, 'filed', JSON.stringify(filed));
    const id = filed.kind === 'filed' ? filed.request.id : '';
    const post = await approvalPost(h);
    await approveFully(h, post, { requestId: id, revision: 0, classification: 'Confidential', scope });
    await h.settle();
    const done = await h.bot.store.requests.get(id);
    assert.equal(done?.status, 'completed', JSON.stringify(done?.execution.error));
    return { id, endsAt };
  }

  async function atEnd(endsAt: string) {
    now = Date.parse(endsAt) - 60_000;
    await h.settle();
    now = Date.parse(endsAt);
    await h.settle();
  }

  const allowedIn = async (environmentId: string) =>
    effectiveClassification(await h.bot.tenant.listDlpPolicies(), environmentId, 'shared_dropbox').classification;

  const toldRequester = () =>
    h.connector
      .messages(h.personalConversationId(users.alex))
      .filter((c) => /ended and reverted/.test(String(c.body.text ?? cardText(firstCard(c.body)))));

  it('removes the narrow exception and puts the environment back in the original policy', async () => {
    const before = await h.bot.tenant.listDlpPolicies();
    const original = shape(before.find((p) => p.name === BASELINE));
    const { id, endsAt } = await grant('exception');

    const during = await h.bot.tenant.listDlpPolicies();
    const exception = during.find((p) => p.displayName === 'Tenant baseline (exception for Contoso Dev)');
    assert.ok(exception, 'the exception policy exists during the grant');
    assert.equal(appliesTo(during.find((p) => p.name === BASELINE)!, envs.contosoDev), false);
    assert.equal(await allowedIn(envs.contosoDev), 'Confidential');

    await atEnd(endsAt);
    const ended = await h.bot.store.requests.get(id);
    assert.equal(ended?.status, 'revoked');
    const after = await h.bot.tenant.listDlpPolicies();
    assert.equal(await h.bot.tenant.getDlpPolicy(exception.name), undefined, 'the exception policy is deleted');
    assert.deepEqual(
      after.map((p) => p.name).sort(),
      before.map((p) => p.name).sort(),
      'the same policies as before the grant',
    );
    const baseline = await h.bot.tenant.getDlpPolicy(BASELINE);
    assert.ok(baseline && appliesTo(baseline, envs.contosoDev), 'Contoso Dev is in the baseline again');
    assert.deepEqual(shape(baseline), original, 'the baseline is as it was');
    assert.equal(await allowedIn(envs.contosoDev), 'Blocked');

    const trail = await h.bot.store.audit.list({ requestId: id });
    const reverted = trail.find((r) => r.action === 'grant.reverted');
    assert.deepEqual(reverted?.details?.steps, [
      '"Tenant baseline" covers Contoso Dev again',
      'exception policy for Contoso Dev removed',
    ]);
    assert.ok(reverted?.apiCalls?.some((c) => c.method === 'DELETE'));
    assert.equal(toldRequester().length, 1, h.connector.describe());
  });

  it('moves the connector back to Blocked after a tenant-wide change', async () => {
    const before = await h.bot.tenant.listDlpPolicies();
    const original = shape(before.find((p) => p.name === BASELINE));
    const { id, endsAt } = await grant('tenant-wide');
    assert.equal(classificationIn((await h.bot.tenant.getDlpPolicy(BASELINE))!, 'shared_dropbox'), 'Confidential');
    assert.equal(await allowedIn(envs.marketingSandbox), 'Confidential', 'tenant-wide: other environments too');

    await atEnd(endsAt);
    assert.equal((await h.bot.store.requests.get(id))?.status, 'revoked');
    const baseline = await h.bot.tenant.getDlpPolicy(BASELINE);
    assert.equal(classificationIn(baseline!, 'shared_dropbox'), 'Blocked');
    assert.deepEqual(shape(baseline), original, 'the baseline is as it was');
    assert.equal(await allowedIn(envs.contosoDev), 'Blocked');
    assert.equal(await allowedIn(envs.marketingSandbox), 'Blocked');
    assert.equal((await h.bot.tenant.listDlpPolicies()).length, before.length);
    const reverted = (await h.bot.store.audit.list({ requestId: id })).find((r) => r.action === 'grant.reverted');
    assert.deepEqual(reverted?.details?.steps, ['"Tenant baseline": Dropbox moved back to Blocked']);
    assert.equal(toldRequester().length, 1);
  });

  it('undoes exceptions in two blocking policies (a production environment), leaving both as they were', async () => {
    const before = await h.bot.tenant.listDlpPolicies();
    const { id, endsAt } = await grant('exception', FINANCE_PRODUCTION, 'shared_gmail');
    const during = await h.bot.tenant.listDlpPolicies();
    assert.equal(during.length, before.length + 2, 'one exception per blocking policy');
    assert.equal(effectiveClassification(during, FINANCE_PRODUCTION, 'shared_gmail').classification, 'Confidential');

    await atEnd(endsAt);
    assert.equal((await h.bot.store.requests.get(id))?.status, 'revoked');
    const after = await h.bot.tenant.listDlpPolicies();
    for (const name of [BASELINE, LOCKDOWN]) {
      assert.deepEqual(shape(after.find((p) => p.name === name)), shape(before.find((p) => p.name === name)), name);
    }
    assert.equal(after.length, before.length);
    assert.equal(effectiveClassification(after, FINANCE_PRODUCTION, 'shared_gmail').classification, 'Blocked');
  });

  it('gives a policy over all environments its original scope back', async () => {
    const everywhere = await h.bot.tenant.createDlpPolicy({
      displayName: 'No Dropbox anywhere',
      environmentType: 'AllEnvironments',
      environments: [],
      defaultConnectorsClassification: 'General',
      connectorGroups: [
        { classification: 'Confidential', connectors: [] },
        { classification: 'General', connectors: [] },
        {
          classification: 'Blocked',
          connectors: [
            {
              id: '/providers/Microsoft.PowerApps/apis/shared_dropbox',
              name: 'Dropbox',
              type: 'Microsoft.PowerApps/apis',
            },
          ],
        },
      ],
    });
    const original = shape(await h.bot.tenant.getDlpPolicy(everywhere.name));
    const { endsAt } = await grant('exception', envs.itTools);
    const during = await h.bot.tenant.getDlpPolicy(everywhere.name);
    assert.equal(during?.environmentType, 'ExceptEnvironments');
    assert.equal(await allowedIn(envs.itTools), 'Confidential');

    await atEnd(endsAt);
    assert.deepEqual(shape(await h.bot.tenant.getDlpPolicy(everywhere.name)), original);
    assert.equal(await allowedIn(envs.itTools), 'Blocked');
  });

  it('keeps an extended exception past the first end and reverts it at the extended end', async () => {
    const before = await h.bot.tenant.listDlpPolicies();
    const { id, endsAt } = await grant('exception');
    now = Date.parse(endsAt) - 48 * 3_600_000;
    await h.settle();
    const res = await h.invoke(
      users.alex,
      'extend',
      { requestId: id, duration: 'P7D' },
      { conversationId: h.personalConversationId(users.alex) },
    );
    assert.equal(res.status, 200);
    await h.settle();
    const extension = (await h.bot.store.requests.list({})).find((r) => r.extensionOf === id);
    assert.ok(extension?.grantEndsAt);
    const post = h.connector
      .messages(team.approvals)
      .find((c) => c.method === 'POST' && cardText(firstCard(c.body)).includes(extension.id));
    assert.ok(post);
    await approveFully(h, post, { requestId: extension.id, revision: 0 });
    await h.settle();
    assert.equal((await h.bot.store.requests.get(extension.id))?.status, 'completed');

    await atEnd(endsAt);
    assert.equal(await allowedIn(envs.contosoDev), 'Confidential', 'still allowed after the first end');
    await atEnd(extension.grantEndsAt);
    assert.equal((await h.bot.store.requests.get(extension.id))?.status, 'revoked');
    assert.equal(await allowedIn(envs.contosoDev), 'Blocked');
    assert.deepEqual(
      (await h.bot.tenant.listDlpPolicies()).map((p) => shape(p)),
      before.map((p) => shape(p)),
    );
  });

  /** Files `details` for `requester` ending at `endsAt` and approves it as a narrow exception. */
  async function fileAndApprove(
    requester: (typeof users)[keyof typeof users],
    details: Awaited<ReturnType<typeof readyDetails>>,
    endsAt: string,
  ) {
    await meetBot(h, requester);
    const filed = await h.bot.service.file({ requesterId: requester.id, details, grantEndsAt: endsAt });
    assert.equal(filed.kind, 'filed', JSON.stringify(filed));
    const id = filed.kind === 'filed' ? filed.request.id : '';
    await h.settle();
    const post = h.connector
      .messages(team.approvals)
      .find((c) => c.method === 'POST' && cardText(firstCard(c.body)).includes(id));
    assert.ok(post, h.connector.describe());
    await approveFully(h, post, { requestId: id, revision: 0, classification: 'Confidential', scope: 'exception' });
    await h.settle();
    const done = await h.bot.store.requests.get(id);
    assert.equal(done?.status, 'completed', JSON.stringify(done?.execution.error));
    return id;
  }

  const dlpWrites = () =>
    h.bot.simulator?.state.requests.filter((r) => r.method !== 'GET' && r.path.includes('/policies')).length ?? 0;

  it('leaves the exception in place while another grant relies on it, and removes it when the last one ends', async () => {
    const before = await h.bot.tenant.listDlpPolicies();
    const ask = async (requesterId: string) =>
      readyDetails(
        await createRequestPreparer(h.bot.tenant).connectorUnblock({
          requesterId,
          environmentId: envs.contosoDev,
          connectorId: 'shared_dropbox',
        }),
      );
    // Both asked while Dropbox was still blocked; Adele's is decided after Alex's exception exists.
    const alexAsks = await ask(users.alex.id);
    const adeleAsks = await ask(users.adele.id);
    const aEnds = new Date(T0 + (durationMs('P2W') ?? 0)).toISOString();
    const bEnds = new Date(T0 + (durationMs('P4W') ?? 0)).toISOString();
    const a = await fileAndApprove(users.alex, alexAsks, aEnds);
    const b = await fileAndApprove(users.adele, adeleAsks, bEnds);
    const bDone = await h.bot.store.requests.get(b);
    assert.ok(
      Object.values(bDone?.execution.checkpoint.dlp as Record<string, { notNeeded?: boolean }>).every(
        (p) => p.notNeeded,
      ),
      'the second request relied on the first one’s exception',
    );

    const writes = dlpWrites();
    await atEnd(aEnds);
    assert.equal((await h.bot.store.requests.get(a))?.status, 'revoked');
    assert.equal(dlpWrites(), writes, 'no DLP write while the second grant is active');
    assert.equal(await allowedIn(envs.contosoDev), 'Confidential', 'Dropbox stays allowed for the second grant');
    const reverted = (await h.bot.store.audit.list({ requestId: a })).find((r) => r.action === 'grant.reverted');
    assert.deepEqual(reverted?.details?.steps, [
      `left in place: ${b} still holds Dropbox in Contoso Dev until ${bEnds.slice(0, 10)}`,
    ]);

    await atEnd(bEnds);
    assert.equal((await h.bot.store.requests.get(b))?.status, 'revoked');
    assert.equal(await allowedIn(envs.contosoDev), 'Blocked', 'the exception is removed with the last holder');
    assert.deepEqual(
      (await h.bot.tenant.listDlpPolicies()).map((p) => shape(p)),
      before.map((p) => shape(p)),
    );
    const last = (await h.bot.store.audit.list({ requestId: b })).find((r) => r.action === 'grant.reverted');
    assert.deepEqual(last?.details?.steps, [
      '"Tenant baseline" covers Contoso Dev again',
      'exception policy for Contoso Dev removed',
    ]);
  });
});
