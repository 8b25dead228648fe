// Issue 10.6: a malformed activity (unusable serviceUrl, a channelId that is not a string, and similar) gets
// 400, never 500. Fuzzed: valid message, invoke and install activities with one to three fields replaced by
// values of the wrong type, from a fixed seed so a failure can be replayed.
import assert from 'node:assert/strict';
import { type Harness, startHarness } from '../support/bot-harness.js';
import { TENANT_ID, users } from '../support/fixture-ids.js';

/** mulberry32: small, deterministic. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const PATHS = [
  'type',
  'serviceUrl',
  'channelId',
  'id',
  'replyToId',
  'name',
  'text',
  'locale',
  'timestamp',
  'from',
  'from.id',
  'from.name',
  'from.aadObjectId',
  'recipient',
  'recipient.id',
  'conversation',
  'conversation.id',
  'conversation.conversationType',
  'conversation.tenantId',
  'conversation.isGroup',
  'channelData',
  'channelData.tenant',
  'channelData.tenant.id',
  'channelData.team',
  'channelData.channel',
  'entities',
  'attachments',
  'membersAdded',
  'value',
  'value.action',
  'value.action.verb',
  'value.action.data',
  'value.action.data.requestId',
];

const VALUES: unknown[] = [
  42,
  -1,
  true,
  null,
  {},
  [],
  '',
  'not a url',
  'javascript:alert(1)',
  'ftp://example.org/',
  'http://',
  'x'.repeat(5000),
  { id: 5 },
  [{}],
  [1, 'two'],
  [null],
  '\u0000\uD800',
  { toString: 'nope' },
];

function set(target: Record<string, unknown>, path: string, value: unknown): void {
  const keys = path.split('.');
  let node: Record<string, unknown> = target;
  for (const key of keys.slice(0, -1)) {
    const next = node[key];
    if (typeof next !== 'object' || next === null || Array.isArray(next)) node[key] = {};
    node = node[key] as Record<string, unknown>;
  }
  node[keys.at(-1) ?? ''] = value;
}

describe('teams: hostile activities get 400, never 500 (issue 10.6)', () => {
  let h: Harness;
  before(async () => {
    h = await startHarness({ kickWorkers: false });
  });
  after(async () => h.stop());

  const valid = (kind: number, n: number): Record<string, unknown> => {
    const base = {
      serviceUrl: h.connector.url,
      channelId: 'msteams',
      id: `fuzz-${n}`,
      timestamp: new Date().toISOString(),
      recipient: { id: '28:governance-bot', name: 'Governance' },
      from: { id: '29:alex', name: 'Alex Wilber', aadObjectId: users.alex.id },
      conversation: { id: `a:fuzz-${n}`, conversationType: 'personal', tenantId: TENANT_ID },
      channelData: { tenant: { id: TENANT_ID } },
    };
    if (kind === 0) return { ...base, type: 'message', text: 'status' };
    if (kind === 1)
      return {
        ...base,
        type: 'invoke',
        name: 'adaptiveCard/action',
        value: { action: { type: 'Action.Execute', verb: 'showRequest', data: { requestId: 'REQ-1001' } } },
      };
    return { ...base, type: 'conversationUpdate', membersAdded: [{ id: '28:governance-bot' }] };
  };

  it('answers 300 mutated activities without a single 5xx', async () => {
    const next = random(20261130);
    const pick = <T>(list: readonly T[]): T => list[Math.floor(next() * list.length)] as T;
    const statuses = new Map<number, number>();
    const failures: string[] = [];
    for (let n = 0; n < 300; n++) {
      const activity = valid(n % 3, n);
      const changes: string[] = [];
      const count = 1 + Math.floor(next() * 3);
      for (let i = 0; i < count; i++) {
        const path = pick(PATHS);
        const value = pick(VALUES);
        set(activity, path, value);
        changes.push(`${path}=${JSON.stringify(value)?.slice(0, 30)}`);
      }
      const res = await h.post(activity);
      const body = await res.text();
      statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
      if (res.status >= 500) failures.push(`#${n} ${activity.type}: ${changes.join(', ')} → ${res.status} ${body}`);
      if (res.status === 400) assert.doesNotMatch(body, /TypeError|Cannot read|at .*\.js/);
    }
    assert.deepEqual(failures, []);
    assert.ok((statuses.get(400) ?? 0) > 100, `mostly refused: ${JSON.stringify([...statuses])}`);
  });

  for (const [name, patch] of [
    ['a serviceUrl that is not a URL', { serviceUrl: 'not a url' }],
    ['a non-http serviceUrl', { serviceUrl: 'file:///etc/passwd' }],
    ['a channelId that is a number', { channelId: 7 }],
    ['a from.aadObjectId that is an object', { from: { id: '29:x', aadObjectId: { $ne: null } } }],
    ['channelData that is a string', { channelData: 'tenant' }],
  ] as const) {
    it(`refuses ${name} with 400`, async () => {
      const res = await h.post({ ...valid(0, 9999), ...patch });
      assert.equal(res.status, 400, await res.text());
    });
  }

  it('unauthenticated, refuses a serviceUrl off this machine with 403 before the bot reads the activity', async () => {
    const res = await h.post({ ...valid(0, 9998), serviceUrl: 'http://169.254.169.254/latest/' });
    assert.equal(res.status, 403);
    assert.match(await res.text(), /ServiceUrlNotAllowed/);
  });
});
