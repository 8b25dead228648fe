// An approver's directory entry (name, sign-in name) is read once for a burst of their clicks: also when the clicks
// arrive together, before the first answer is back (40 clicks at once by three approvers asked Graph 40 times).
// Whether they may decide is not cached by this: every click still checks the stage's group.
import assert from 'node:assert/strict';
import { GovernanceService } from '../../src/requests/governance-service.js';
import { AdaptiveCardComposer } from '../../src/teams/cards/composer.js';
import type { TenantAdmin } from '../../src/tenant/tenant-admin.js';
import { type Harness, setUpChannels, startHarness } from '../support/bot-harness.js';
import { users } from '../support/fixture-ids.js';

describe('requests: directory reads of deciders', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness({ kickWorkers: false });
  });
  afterEach(async () => {
    await h.stop();
  });

  it('reads an approver once for three decisions clicked at the same moment, each still checked and stored', async () => {
    await setUpChannels(h);
    const envs = (await h.bot.tenant.listEnvironments()).filter((e) =>
      ['Marketing Sandbox', 'Contoso Test', 'Sales Trial'].includes(e.displayName),
    );
    assert.equal(envs.length, 3);
    const lookups: string[] = [];
    const tenant = new Proxy(h.bot.tenant, {
      get(target, property) {
        if (property === 'getUser')
          return (id: string) => {
            lookups.push(id);
            return target.getUser(id);
          };
        const value = Reflect.get(target, property, target);
        return typeof value === 'function' ? value.bind(target) : value;
      },
    }) as TenantAdmin;
    const service = new GovernanceService({
      store: h.bot.store,
      tenant,
      composer: new AdaptiveCardComposer(),
      policy: h.bot.policy,
      clock: () => new Date(),
    });
    const ids: string[] = [];
    for (const env of envs) {
      const filed = await service.file({
        requesterId: users.alex.id,
        details: { type: 'maker-role', environment: env },
      });
      assert.equal(filed.kind, 'filed');
      if (filed.kind === 'filed') ids.push(filed.request.id);
    }
    lookups.length = 0;
    const results = await Promise.all(
      ids.map((requestId) => service.decide({ requestId, actorId: users.megan.id, verdict: 'approve' })),
    );
    assert.deepEqual(
      results.map((r) => r.kind === 'decided' && r.request.decisions.at(-1)?.approver.displayName),
      ['Megan Bowen', 'Megan Bowen', 'Megan Bowen'],
    );
    assert.deepEqual(
      lookups.filter((id) => id === users.megan.id),
      [users.megan.id],
      'one directory read for Megan',
    );
  });
});
