// Membership checks answered again for MEMBERSHIP_TTL_MS at most: one Graph call for the same question asked at
// once or within the bound, a fresh call after it (a removal is seen then), other tenant calls untouched.
import assert from 'node:assert/strict';
import { MEMBERSHIP_TTL_MS, withMembershipCache } from '../../src/tenant/membership-cache.js';
import type { TenantAdmin } from '../../src/tenant/tenant-admin.js';

describe('tenant: membership checks answered for a short time', () => {
  let now: number;
  let members: Map<string, Set<string>>;
  let calls: string[];
  let tenant: TenantAdmin;

  beforeEach(() => {
    now = Date.parse('2026-11-30T12:00:00Z');
    members = new Map([['approvers', new Set(['megan'])]]);
    calls = [];
    const directory = {
      async memberOfGroups(userId: string, groupIds: string[]) {
        calls.push(`${userId}: ${groupIds.join(',')}`);
        await new Promise((resolve) => setImmediate(resolve));
        return groupIds.filter((g) => members.get(g.toLowerCase())?.has(userId));
      },
      async getUser(id: string) {
        return { id } as never;
      },
    };
    tenant = withMembershipCache(directory as unknown as TenantAdmin, () => new Date(now));
  });

  it('asks once for the same question asked at once, and for a repeat within the bound', async () => {
    const answers = await Promise.all([1, 2, 3].map(() => tenant.memberOfGroups('megan', ['approvers', 'senior'])));
    assert.deepEqual(answers, [['approvers'], ['approvers'], ['approvers']]);
    now += MEMBERSHIP_TTL_MS - 1;
    assert.deepEqual(await tenant.memberOfGroups('megan', ['senior', 'APPROVERS']), ['APPROVERS'], 'caller order');
    assert.deepEqual(calls, ['megan: approvers,senior']);
  });

  it('asks again after the bound: a removed approver is no longer a member', async () => {
    assert.deepEqual(await tenant.memberOfGroups('megan', ['approvers']), ['approvers']);
    members.get('approvers')?.delete('megan');
    now += MEMBERSHIP_TTL_MS + 1;
    assert.deepEqual(await tenant.memberOfGroups('megan', ['approvers']), []);
    assert.equal(calls.length, 2);
  });

  it('keeps each user and each set of groups apart', async () => {
    assert.deepEqual(await tenant.memberOfGroups('megan', ['approvers']), ['approvers']);
    assert.deepEqual(await tenant.memberOfGroups('adele', ['approvers']), []);
    assert.deepEqual(await tenant.memberOfGroups('megan', ['approvers', 'senior']), ['approvers']);
    assert.equal(calls.length, 3);
  });

  it('does not keep a failed check, and passes every other call through', async () => {
    let fail = true;
    const directory = {
      async memberOfGroups() {
        calls.push('check');
        if (fail) throw new Error('Graph unavailable');
        return ['approvers'];
      },
      async getUser(id: string) {
        return { id, displayName: 'Megan' } as never;
      },
    };
    const cached = withMembershipCache(directory as unknown as TenantAdmin, () => new Date(now));
    await assert.rejects(cached.memberOfGroups('megan', ['approvers']), /Graph unavailable/);
    fail = false;
    assert.deepEqual(await cached.memberOfGroups('megan', ['approvers']), ['approvers']);
    assert.equal(calls.length, 2);
    assert.deepEqual(await cached.getUser('megan'), { id: 'megan', displayName: 'Megan' });
  });
});
