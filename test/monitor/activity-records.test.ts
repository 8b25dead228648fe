// Record types as the Management Activity API schema documents them: 187 DLP, 256 admin activity, 79 connectors
// (PowerAppsResource), 21 Dataverse; no 80. Workload names vary, so these records carry none to be judged on type.
import assert from 'node:assert/strict';
import { describe, it } from 'mocha';
import { activityEvent as eventOf, isPowerPlatformRecord } from '../../src/monitor/activity-records.js';
import type { ActivityRecord } from '../../src/tenant/live/management-activity-client.js';

/** The activity event of a record (or undefined when it is ignored). */
function activityEvent(r: ActivityRecord): { summary: string } | undefined {
  const event = eventOf(r);
  if (event && event.type !== 'activity') throw new Error(`unexpected event type ${event.type}`);
  return event;
}

const base = { CreationTime: '2026-11-30T08:00:00', UserId: 'pattif@contoso.onmicrosoft.com' };

describe('activity records: documented record types', () => {
  it('reads a type 187 record as a DLP change', () => {
    const event = activityEvent({
      ...base,
      RecordType: 187,
      Operation: 'GovernanceApiPolicyOperation',
      PolicyDisplayName: 'Tenant baseline',
    });
    assert.match(event?.summary ?? '', /^DLP policy "Tenant baseline" governance api policy operation by pattif@/);
  });

  it('reads a type 79 record as a connector event, never as a DLP change', () => {
    const event = activityEvent({
      ...base,
      RecordType: 79,
      Operation: 'DeleteConnector',
      ConnectorDisplayName: 'Contoso Invoicing',
    });
    assert.equal(event?.summary, 'Connector: delete connector "Contoso Invoicing" by pattif@contoso.onmicrosoft.com');
    assert.equal(activityEvent({ ...base, RecordType: 79, Operation: 'GetConnector' }), undefined, 'reads are noise');
  });

  it('reads a type 256 record as administrator activity', () => {
    const event = activityEvent({
      ...base,
      RecordType: 256,
      Operation: 'NewEnvironment',
      EnvironmentDisplayName: 'Finance Prod',
    });
    assert.equal(event?.summary, 'new environment (Finance Prod) by pattif@contoso.onmicrosoft.com');
  });

  it('keeps Dataverse (type 21) security-role changes made outside the bot, and only those', () => {
    const associate = {
      ...base,
      RecordType: 21,
      Operation: 'Associate',
      Message: 'Associate',
      EntityName: 'systemuser',
      CrmOrganizationUniqueName: 'unqcontosotest',
      InstanceUrl: 'https://contosotest.crm.dynamics.com',
    };
    assert.equal(isPowerPlatformRecord(associate), true);
    assert.equal(
      activityEvent(associate)?.summary,
      'Dataverse security roles: associate on systemuser in unqcontosotest by pattif@contoso.onmicrosoft.com',
    );
    assert.ok(activityEvent({ ...associate, Operation: 'Update', Message: 'Update', EntityName: 'role' }));
    const contactEdit = { ...associate, Operation: 'Update', Message: 'Update', EntityName: 'contact' };
    assert.equal(isPowerPlatformRecord(contactEdit), false);
    assert.equal(activityEvent(contactEdit), undefined);
  });

  it('gives no meaning to the undocumented type 80', () => {
    assert.equal(isPowerPlatformRecord({ ...base, RecordType: 80, Operation: 'NewEnvironment' }), false);
  });
});
