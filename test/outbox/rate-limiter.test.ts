// The pacer on a fake clock: grants recorded at the moment they are given, checked by count against each window.
import assert from 'node:assert/strict';
import { Pacer, TEAMS_LIMITS } from '../../src/outbox/rate-limiter.js';
import { busiestWindows, FakeClock } from './support.js';

describe('outbox pacer', () => {
  it('paces one conversation to every Teams window at once', async () => {
    const time = new FakeClock();
    const pacer = new Pacer({ now: () => time.now, sleep: time.sleep });
    const grants: number[] = [];
    for (let i = 0; i < 200; i++) {
      await pacer.acquire('c');
      grants.push(time.now);
    }
    for (const w of busiestWindows(grants, TEAMS_LIMITS.perConversation))
      assert.ok(w.max <= w.limit, JSON.stringify(w));
    assert.equal(busiestWindows(grants, [{ limit: 7, windowMs: 1000 }])[0]?.max, 7, 'bursts up to 7 at once');
  });

  it('caps the tenant across conversations while each conversation keeps its own budget', async () => {
    const time = new FakeClock();
    const pacer = new Pacer({ now: () => time.now, sleep: time.sleep });
    const grants: { key: string; at: number }[] = [];
    await Promise.all(
      Array.from({ length: 10 }, (_, c) =>
        (async () => {
          for (let i = 0; i < 20; i++) {
            await pacer.acquire(`c${c}`);
            grants.push({ key: `c${c}`, at: time.now });
          }
        })(),
      ),
    );
    assert.equal(grants.length, 200);
    const tenant = busiestWindows(
      grants.map((g) => g.at),
      TEAMS_LIMITS.perTenant,
    );
    assert.ok((tenant[0]?.max ?? 0) <= 30, `tenant: ${tenant[0]?.max} in 1 s`);
    for (let c = 0; c < 10; c++) {
      const mine = grants.filter((g) => g.key === `c${c}`).map((g) => g.at);
      for (const w of busiestWindows(mine, TEAMS_LIMITS.perConversation))
        assert.ok(w.max <= w.limit, `c${c} ${JSON.stringify(w)}`);
    }
  });

  it('follows limits given in configuration', async () => {
    const time = new FakeClock();
    const limits = { perConversation: [{ limit: 2, windowMs: 100 }], perTenant: [{ limit: 3, windowMs: 100 }] };
    const pacer = new Pacer({ now: () => time.now, sleep: time.sleep, limits });
    const grants: number[] = [];
    for (let i = 0; i < 9; i++) {
      await pacer.acquire('c');
      grants.push(time.now);
    }
    assert.equal(busiestWindows(grants, limits.perConversation)[0]?.max, 2);
  });
});
