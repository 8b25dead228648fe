// Which Office 365 audit records concern the Power Platform, and which of those deserve a notification.
// Record types as the Management Activity API schema documents them (docs/admin-api-sources.md): 30 MicrosoftFlow,
// 45 PowerAppsApp, 46 PowerAppsPlan, 79 PowerAppsResource (connectors), 187 PowerPlatformAdminDlp,
// 256 PowerPlatformAdministratorActivity (environments and other admin actions, details in PropertyCollection
// name/value pairs), and 21 CRM (Dataverse), of which only security-role changes are kept. There is no type 80.
import type { ActivityRecord } from '../tenant/live/management-activity-client.js';
import type { GovernanceEvent } from './events.js';

export const RECORD_TYPES = {
  crm: 21,
  flow: 30,
  powerAppsApp: 45,
  powerAppsPlan: 46,
  connectors: 79,
  dlp: 187,
  adminActivity: 256,
} as const;

export const POWER_PLATFORM_RECORD_TYPES: ReadonlySet<number> = new Set([
  RECORD_TYPES.flow,
  RECORD_TYPES.powerAppsApp,
  RECORD_TYPES.powerAppsPlan,
  RECORD_TYPES.connectors,
  RECORD_TYPES.dlp,
  RECORD_TYPES.adminActivity,
]);
const POWER_PLATFORM_WORKLOADS = new Set(['powerapps', 'microsoftflow', 'powerplatform', 'powerplatformadmincenter']);

/** Maker activity worth an admin's attention (the rest — launching an app, running a flow — is noise). */
const INTERESTING_MAKER_OPERATION = /delete|permission|share|consent|quarantine/i;

/** Dataverse entities whose changes are security-role changes (the role, or a user's or team's roles). */
const ROLE_ENTITIES = new Set(['role', 'systemuserroles', 'teamroles']);

export function isPowerPlatformRecord(r: ActivityRecord): boolean {
  return (
    (typeof r.RecordType === 'number' && POWER_PLATFORM_RECORD_TYPES.has(r.RecordType)) ||
    (typeof r.Workload === 'string' && POWER_PLATFORM_WORKLOADS.has(r.Workload.toLowerCase())) ||
    isRoleChange(r)
  );
}

/**
 * A Dataverse (CRM, type 21) record of a security-role change: a role associated with or removed from a user or
 * team, or a role itself created, changed or deleted. Every other Dataverse record (reads, record edits) is noise.
 */
function isRoleChange(r: ActivityRecord): boolean {
  if (r.RecordType !== RECORD_TYPES.crm) return false;
  const entity = text(r, 'EntityName')?.toLowerCase() ?? '';
  const message = text(r, 'Message', 'Operation')?.toLowerCase() ?? '';
  if (/^(associate|disassociate)$/.test(message))
    return entity === 'systemuser' || entity === 'team' || ROLE_ENTITIES.has(entity);
  return ROLE_ENTITIES.has(entity) && /^(create|update|delete)$/.test(message);
}

function property(r: ActivityRecord, name: string): string | undefined {
  const bag = r.PropertyCollection;
  if (!Array.isArray(bag)) return undefined;
  const hit = bag.find((p) => (p as { Name?: unknown }).Name === name) as { Value?: unknown } | undefined;
  return typeof hit?.Value === 'string' ? hit.Value : undefined;
}

function text(r: ActivityRecord, ...keys: string[]): string | undefined {
  for (const k of keys) {
    const v = r[k] ?? property(r, k);
    if (typeof v === 'string' && v.trim()) return v.trim();
  }
  return undefined;
}

/** "GovernanceApiPolicyOperation" → "governance api policy operation" */
function words(op: string): string {
  return op.replace(/([a-z])([A-Z])/g, '$1 $2').toLowerCase();
}

/** A notification for an interesting Power Platform record, or undefined to ignore it. */
export function activityEvent(r: ActivityRecord): GovernanceEvent | undefined {
  if (!isPowerPlatformRecord(r)) return undefined;
  const recordType = typeof r.RecordType === 'number' ? r.RecordType : 0;
  const operation = text(r, 'Operation') ?? 'unknown operation';
  const actor = text(r, 'UserId') ?? 'someone';
  const at = text(r, 'CreationTime') ?? '';
  const environmentId = text(r, 'EnvironmentName', 'EnvironmentId', 'powerplatform.analytics.resource.environment.id');
  const activity = text(r, 'powerplatform.analytics.activity.name') ?? words(operation);
  let summary: string;
  if (r.RecordType === RECORD_TYPES.crm) {
    const org = text(r, 'CrmOrganizationUniqueName', 'InstanceUrl') ?? 'a Dataverse environment';
    const entity = text(r, 'EntityName') ?? 'role';
    summary = `Dataverse security roles: ${words(text(r, 'Message') ?? operation)} on ${entity} in ${org} by ${actor}`;
  } else if (
    recordType === RECORD_TYPES.dlp ||
    (recordType !== RECORD_TYPES.connectors && /policy|dlp/i.test(operation))
  ) {
    const policy = text(r, 'PolicyDisplayName', 'PolicyName', 'powerplatform.analytics.resource.name');
    summary = `DLP policy ${policy ? `"${policy}" ` : ''}${activity} by ${actor} in the admin center`;
  } else if (recordType === RECORD_TYPES.adminActivity) {
    const env = text(r, 'EnvironmentDisplayName') ?? environmentId;
    summary = `${activity}${env ? ` (${env})` : ''} by ${actor}`;
  } else if (recordType === RECORD_TYPES.connectors) {
    if (!INTERESTING_MAKER_OPERATION.test(operation)) return undefined;
    const item = text(r, 'ConnectorDisplayName', 'ConnectorName', 'ItemName', 'powerplatform.analytics.resource.name');
    summary = `Connector: ${activity}${item ? ` "${item}"` : ''} by ${actor}`;
  } else {
    if (!INTERESTING_MAKER_OPERATION.test(operation)) return undefined;
    const item = text(r, 'AppName', 'FlowDisplayName', 'ItemName');
    const product = recordType === RECORD_TYPES.flow ? 'Power Automate' : 'Power Apps';
    summary = `${product}: ${activity}${item ? ` "${item}"` : ''} by ${actor}`;
  }
  return { type: 'activity', recordType, operation, actor, at, summary, environmentId };
}
