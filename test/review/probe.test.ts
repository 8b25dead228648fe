import { type Harness, startHarness } from '../support/bot-harness.js';
import { TENANT_ID, users } from '../support/fixture-ids.js';

describe('PROBE robustness', () => {
  let h: Harness;
  before(async () => { h = await startHarness({ log: (await import('../../src/logging.js')).createLogger('error') }); });
  after(async () => { await h.stop(); });
  const base = () => ({ serviceUrl: h.connector.url, channelId: 'msteams', recipient: { id: '28:bot', name: 'Gov' } });
  const cases: [string, () => Record<string, unknown>][] = [
    ['no from', () => ({ ...base(), type: 'message', id: 'a1', conversation: { id: 'c1', conversationType: 'personal' }, text: 'help' })],
    ['no conversation', () => ({ ...base(), type: 'message', id: 'a2', from: { id: '29:x', aadObjectId: users.alex.id }, text: 'help' })],
    ['null text', () => ({ ...base(), type: 'message', id: 'a3', from: { id: '29:x', aadObjectId: users.alex.id }, conversation: { id: 'c3', conversationType: 'personal' }, text: null })],
    ['huge text', () => ({ ...base(), type: 'message', id: 'a4', from: { id: '29:x', aadObjectId: users.alex.id }, conversation: { id: 'c4', conversationType: 'personal' }, text: 'request maker role in '.repeat(40000) })],
    ['unicode', () => ({ ...base(), type: 'message', id: 'a5', from: { id: '29:x', aadObjectId: users.alex.id }, conversation: { id: 'c5', conversationType: 'personal' }, text: '\u0000\uD800 𝕳 request maker role in ￿ Contoso Dev ‮' })],
    ['unknown user', () => ({ ...base(), type: 'message', id: 'a6', from: { id: '29:x', aadObjectId: '00000000-0000-0000-0000-00000000dead' }, conversation: { id: 'c6', conversationType: 'personal' }, text: 'request maker role in Contoso Dev' })],
    ['non-guid user', () => ({ ...base(), type: 'message', id: 'a7', from: { id: '29:x', aadObjectId: 'not/a guid?x=1' }, conversation: { id: 'c7', conversationType: 'personal' }, text: 'request maker role in Contoso Dev' })],
    ['invoke null value', () => ({ ...base(), type: 'invoke', name: 'adaptiveCard/action', id: 'a8', from: { id: '29:x', aadObjectId: users.alex.id }, conversation: { id: 'c8', conversationType: 'personal' }, value: null })],
    ['invoke no from', () => ({ ...base(), type: 'invoke', name: 'adaptiveCard/action', id: 'a9', conversation: { id: 'c9', conversationType: 'personal' }, value: { action: { type: 'Action.Execute', verb: 'approve', data: { requestId: 'REQ-1' } } } })],
    ['invoke no conversation confirmDraft', () => ({ ...base(), type: 'invoke', name: 'adaptiveCard/action', id: 'a10', from: { id: '29:x', aadObjectId: users.alex.id }, value: { action: { type: 'Action.Execute', verb: 'confirmDraft', data: { draftId: 'x' } } } })],
    ['invoke data null', () => ({ ...base(), type: 'invoke', name: 'adaptiveCard/action', id: 'a11', from: { id: '29:x', aadObjectId: users.alex.id }, conversation: { id: 'c11', conversationType: 'personal' }, value: { action: { type: 'Action.Execute', verb: 'approve', data: null } } })],
    ['invoke data string', () => ({ ...base(), type: 'invoke', name: 'adaptiveCard/action', id: 'a12', from: { id: '29:x', aadObjectId: users.alex.id }, conversation: { id: 'c12', conversationType: 'personal' }, value: { action: { type: 'Action.Execute', verb: 'refresh', data: 'REQ-1' } } })],
    ['invoke unknown-user approve', () => ({ ...base(), type: 'invoke', name: 'adaptiveCard/action', id: 'a13', from: { id: '29:x', aadObjectId: 'zzz' }, conversation: { id: 'c13', conversationType: 'personal' }, value: { action: { type: 'Action.Execute', verb: 'approve', data: { requestId: 'REQ-1001' } } } })],
    ['conversationUpdate no from', () => ({ ...base(), type: 'conversationUpdate', id: 'a14', conversation: { id: 'c14', conversationType: 'personal' }, membersAdded: [{ id: '28:bot' }] })],
    ['message from non-guid in channel set', () => ({ ...base(), type: 'message', id: 'a15', from: { id: '29:x', aadObjectId: '../../x' }, conversation: { id: '19:abc;messageid=1', conversationType: 'channel' }, channelData: { channel: { id: '19:abc' }, team: { id: 't' } }, text: 'set approvals channel' })],
    ['message with channelData null', () => ({ ...base(), type: 'message', id: 'a16', from: { id: '29:x', aadObjectId: users.alex.id }, conversation: { id: 'c16', conversationType: 'personal' }, channelData: null, text: 'status' })],
    ['mention only', () => ({ ...base(), type: 'message', id: 'a17', from: { id: '29:x', aadObjectId: users.alex.id }, conversation: { id: 'c17', conversationType: 'personal' }, text: '<at>Gov</at>' , entities: null})],
  ];
  for (const [name, make] of cases) {
    it(name, async () => {
      const before = h.connector.calls.length;
      const res = await h.post(make());
      const body = await res.text();
      console.log(`${name}: HTTP ${res.status} ${body.slice(0, 300)}`);
      for (const c of h.connector.calls.slice(before)) console.log('   ->', JSON.stringify(c.body).slice(0, 300));
    });
  }
});
