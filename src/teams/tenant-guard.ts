// The bot serves one tenant (TENANT_ID) in one channel (Microsoft Teams). An activity from any other tenant or
// channel is refused before any handler runs: it could otherwise read or file requests with ids of users the
// directory happens to share, or, from another channel, name an approver as its sender. Bot Framework keeps ids
// apart per channel, not across them: a Web Chat or Direct Line client writes its own `from` (aadObjectId too)
// and still arrives with a valid token, so only Teams' word (channelId msteams) is taken for who someone is.
import type { Activity } from 'botbuilder';
import type pino from 'pino';
import type { Config } from '../config/config.js';
import type { Store } from '../requests/ports/store.js';

/** The one channel served (the Agents Playground sends it too). */
export const TEAMS_CHANNEL = 'msteams';

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

/** Undefined for an activity from Teams; else why it is refused. */
export function otherChannel(activity: Partial<Activity>): string | undefined {
  if (activity.channelId === TEAMS_CHANNEL) return undefined;
  return `channel ${String(activity.channelId ?? '(none)').slice(0, 40)} is not Microsoft Teams`;
}

/**
 * The server's refuseActivity hook: refuses, logs and audits an activity from another channel or tenant.
 * Answers the sentence the caller may read (an invoke's 403), or undefined when the activity may be handled.
 */
export async function refuseUnservedActivity(
  activity: Partial<Activity>,
  config: Config,
  store: Store,
  clock: () => Date,
  log: pino.Logger,
): Promise<string | undefined> {
  const channel = otherChannel(activity);
  const tenant = channel ? undefined : foreignTenant(activity, config.TENANT_ID);
  const refusal = channel
    ? { code: 'OTHER_CHANNEL', reason: channel, answer: 'This bot works in Microsoft Teams only.' }
    : tenant
      ? { code: 'FOREIGN_TENANT', reason: tenant, answer: 'This bot does not serve your organisation.' }
      : undefined;
  if (!refusal) return undefined;
  log.warn(
    { tenant: activityTenant(activity), channel: String(activity.channelId).slice(0, 40), type: activity.type },
    `activity refused: ${refusal.reason}`,
  );
  await store.audit.append({
    at: clock().toISOString(),
    actorId: typeof activity.from?.aadObjectId === 'string' ? activity.from.aadObjectId.slice(0, 64) : 'unknown',
    action: 'activity.refused',
    outcome: 'refused',
    targetType: channel ? 'channel' : 'tenant',
    targetId: channel ? String(activity.channelId ?? '').slice(0, 40) : activityTenant(activity)?.slice(0, 64),
    details: { code: refusal.code, type: String(activity.type).slice(0, 40) },
  });
  return refusal.answer;
}
