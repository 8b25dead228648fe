// The bot governs one tenant (TENANT_ID). An activity from any other tenant is refused before any handler
// runs: it could otherwise read or file requests with ids of users the directory happens to share.
import type { Activity } from 'botbuilder';
import type pino from 'pino';
import type { Config } from '../config/config.js';
import type { Store } from '../requests/ports/store.js';

/** The tenant an activity comes from: channelData.tenant.id (Teams), else conversation.tenantId. */
export function activityTenant(activity: Partial<Activity>): string | undefined {
  const fromChannelData = (activity.channelData as { tenant?: { id?: unknown } } | undefined)?.tenant?.id;
  if (typeof fromChannelData === 'string' && fromChannelData !== '') return fromChannelData;
  const fromConversation = activity.conversation?.tenantId;
  return typeof fromConversation === 'string' && fromConversation !== '' ? fromConversation : undefined;
}

/** Undefined when the activity may be handled; else why it is refused. */
export function foreignTenant(activity: Partial<Activity>, tenantId: string): string | undefined {
  const tenant = activityTenant(activity);
  if (tenant === undefined || tenant.toLowerCase() === tenantId.toLowerCase()) return undefined;
  return `tenant ${tenant.slice(0, 64)} is not the tenant this bot serves`;
}

/** The server's refuseActivity hook: refuses, logs and audits an activity from another tenant. */
export async function refuseForeignTenant(
  activity: Partial<Activity>,
  config: Config,
  store: Store,
  clock: () => Date,
  log: pino.Logger,
): Promise<string | undefined> {
  const reason = foreignTenant(activity, config.TENANT_ID);
  if (!reason) return undefined;
  log.warn({ tenant: activityTenant(activity), type: activity.type }, 'activity from another tenant refused');
  await store.audit.append({
    at: clock().toISOString(),
    actorId: typeof activity.from?.aadObjectId === 'string' ? activity.from.aadObjectId.slice(0, 64) : 'unknown',
    action: 'activity.refused',
    outcome: 'refused',
    targetType: 'tenant',
    targetId: activityTenant(activity)?.slice(0, 64),
    details: { code: 'FOREIGN_TENANT', type: String(activity.type).slice(0, 40) },
  });
  return reason;
}
