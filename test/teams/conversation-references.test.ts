// A channel's stored reference is the channel's, whoever wrote there: approvers clicking in turn in the approvals
// channel do not rewrite it on every click. A personal chat's reference keeps its user (proactive messages go to them).
import assert from 'node:assert/strict';
import type { Activity } from 'botbuilder';
import { referenceFor } from '../../src/teams/conversation-references.js';
import { TENANT_ID, team, users } from '../support/fixture-ids.js';

const inChannel = (user: { id: string; name: string }, messageId: string) =>
  ({
    type: 'invoke',
    id: `act-${messageId}`,
    serviceUrl: 'http://connector.test',
    channelId: 'msteams',
    from: { id: `29:${user.id}`, name: user.name, aadObjectId: user.id },
    recipient: { id: '28:bot', name: 'Governance' },
    conversation: {
      id: `${team.approvals};messageid=${messageId}`,
      conversationType: 'channel',
      isGroup: true,
      tenantId: TENANT_ID,
    },
    channelData: { team: { id: team.id }, channel: { id: team.approvals }, tenant: { id: TENANT_ID } },
  }) as unknown as Activity;

describe('teams: conversation references', () => {
  it("a channel's reference is the same whoever acts in it, and names no user", () => {
    const megan = referenceFor(inChannel(users.megan, '1'));
    const nestor = referenceFor(inChannel(users.nestor, '2'));
    assert.equal(megan?.key, `channel:${team.approvals}`);
    assert.equal(JSON.stringify(megan?.reference), JSON.stringify(nestor?.reference));
    assert.equal(megan?.reference.user, undefined);
    assert.equal(megan?.reference.conversation?.id, team.approvals);
  });

  it("a personal chat's reference keeps its user", () => {
    const activity = {
      ...inChannel(users.alex, '3'),
      conversation: { id: `a:personal-${users.alex.id}`, conversationType: 'personal', tenantId: TENANT_ID },
      channelData: { tenant: { id: TENANT_ID } },
    } as unknown as Activity;
    const personal = referenceFor(activity);
    assert.equal(personal?.key, `personal:${users.alex.id}`);
    assert.equal(personal?.reference.user?.aadObjectId, users.alex.id);
  });
});
