// Malformed, odd or hostile activities on /api/messages: answered politely or refused with a 400, never a crash
// of the turn ("something went wrong") and never an internal error message echoed back to the caller.
import assert from 'node:assert/strict';
import { type Harness, startHarness } from '../support/bot-harness.js';
import { cardText, firstCard } from '../support/connector-double.js';
import { TENANT_ID, users } from '../support/fixture-ids.js';

const APOLOGY = /something went wrong/i;

describe('review: malformed activities', () => {
  let h: Harness;
  before(async () => {
    h = await startHarness({ kickWorkers: false });
  });
  after(async () => h.stop());

  const base = () => ({
    serviceUrl: h.connector.url,
    channelId: 'msteams',
    recipient: { id: '28:governance-bot', name: 'Governance' },
    channelData: { tenant: { id: TENANT_ID } },
  });
  const from = { id: '29:alex', name: 'Alex Wilber', aadObjectId: users.alex.id };
  const personal = (id: string) => ({ id, conversationType: 'personal', tenantId: TENANT_ID });
  let n = 0;
  const message = (extra: Record<string, unknown>) => ({
    ...base(),
    type: 'message',
    id: `m-${++n}`,
    from,
    conversation: personal(`a:review-${n}`),
    ...extra,
  });

  for (const [name, activity] of [
    ['no conversation', () => ({ ...message({ text: 'help' }), conversation: undefined })],
    ['a conversation without an id', () => message({ text: 'help', conversation: { conversationType: 'personal' } })],
    ['no sender', () => ({ ...message({ text: 'help' }), from: undefined })],
    ['a null sender', () => message({ text: 'help', from: null })],
    ['null entities', () => message({ text: '<at>Governance</at> help', entities: null })],
  ] as const) {
    it(`refuses an activity with ${name} with a 400 that echoes no internal error`, async () => {
      const before = h.connector.calls.length;
      const res = await h.post(activity());
      const text = await res.text();
      assert.equal(res.status, 400, text);
      assert.match(text, /BadActivity/);
      assert.doesNotMatch(text, /Cannot read|undefined|TypeError/);
      assert.equal(h.connector.calls.length, before, 'nothing was sent');
    });
  }

  // Each odd message gets the answer its words call for. The cases run in order on one bot: the first readable
  // request files REQ-1001, the next identical one is told it already exists.
  for (const [name, extra, answer] of [
    ['null text', { text: null }, /I can only help with Power Platform requests\. Type "help"/],
    [
      'a huge text',
      { text: 'request maker role in Contoso Dev '.repeat(30_000) },
      // Only a prefix was read, so the request it names is shown back to confirm, never filed straight away.
      /^Your message is long \(1,020,000 characters\), so I read only the first [\d,]+\. I won't file anything from it without your confirmation; if something after that matters, send it as a shorter message\.\n[\s\S]*Is this what you want\?[\s\S]*\*\*Environment:\*\* Contoso Dev/,
    ],
    [
      'control characters, lone surrogates and bidi marks',
      { text: '\u0000\uD800 𝕳 request maker role in \u202E Contoso Dev \uFFFF' },
      /Environment Maker role request[\s\S]*REQ-1001 · Waiting for approval/,
    ],
    [
      'a user id that is not a GUID',
      { from: { id: '29:x', aadObjectId: '../users?$select=*' }, text: 'request maker role in Contoso Dev' },
      /^I couldn't find your account in the organisation's directory, so I can't file this request\. Nothing was filed for Contoso Dev\.$/,
    ],
  ] as const) {
    it(`answers a message with ${name} without crashing the turn, with what its words call for`, async () => {
      const before = h.connector.calls.length;
      const res = await h.post(message(extra));
      assert.equal(res.status, 200);
      const replies = h.connector.calls.slice(before).filter((c) => c.body.type === 'message');
      assert.ok(replies.length >= 1, 'an answer');
      const text = replies.map((r) => `${r.body.text ?? ''}${cardText(firstCard(r.body))}`).join('\n');
      assert.doesNotMatch(text, APOLOGY);
      assert.match(text, answer);
    });
  }
});
