// Which Office 365 audit records concern the Power Platform, and which of those deserve a notification.
// Record types from the Management Activity schema: 30 MicrosoftFlow, 45 PowerAppsApp, 46 PowerAppsPlan,
// 79 PowerPlatformAdminDlp, 80 PowerPlatformAdminEnvironment, 256 PowerPlatformAdministratorActivity (the newer
// home of DLP and environment events, details in PropertyCollection name/value pairs).
import type { ActivityRecord } from '../tenant/live/management-activity-client.js';
import type { GovernanceEvent } from './events.js';

export const POWER_PLATFORM_RECORD_TYPES: ReadonlySet<number> = new Set([30, 45, 46, 79, 80, 256]);
const POWER_PLATFORM_WORKLOADS = new Set(['powerapps', 'microsoftflow', 'powerplatform', 'powerplatformadmincenter']);

/** Maker activity worth an admin's attention (the rest — launching an app, running a flow — is noise). */
const INTERESTING_MAKER_OPERATION = /delete|permission|share|consent|quarantine/i;

export function isPowerPlatformRecord(r: ActivityRecord): boolean {
  return (
    (typeof r.RecordType === 'number' && POWER_PLATFORM_RECORD_TYPES.has(r.RecordType)) ||
    (typeof r.Workload === 'string' && POWER_PLATFORM_WORKLOADS.has(r.Workload.toLowerCase()))
  );
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
  if (recordType === 79 || /policy|dlp/i.test(operation)) {
    const policy = text(r, 'PolicyDisplayName', 'PolicyName', 'powerplatform.analytics.resource.name');
    summary = `DLP policy ${policy ? `"${policy}" ` : ''}${activity} by ${actor} in the admin center`;
  } else if (recordType === 80 || recordType === 256) {
    const env = text(r, 'EnvironmentDisplayName') ?? environmentId;
    summary = `${activity}${env ? ` (${env})` : ''} by ${actor}`;
  } else {
    if (!INTERESTING_MAKER_OPERATION.test(operation)) return undefined;
    const item = text(r, 'AppName', 'FlowDisplayName', 'ItemName');
    const product = recordType === 30 ? 'Power Automate' : 'Power Apps';
    summary = `${product}: ${activity}${item ? ` "${item}"` : ''} by ${actor}`;
  }
  return { type: 'activity', recordType, operation, actor, at, summary, environmentId };
}
