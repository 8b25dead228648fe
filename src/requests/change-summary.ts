// The change a completed request actually made, in one sentence for people (requester update, audit post,
// audit record): for a connector unblock, its breadth and group, the policies changed, the exception
// policies created (by display name) and the environments that gained the connector.
import type { GovernanceRequest } from './model.js';

const MAX_NAMES = 8;

function names(list: string[]): string {
  const shown = list.slice(0, MAX_NAMES).map((n) => `"${n}"`);
  return list.length > MAX_NAMES ? `${shown.join(', ')} and ${list.length - MAX_NAMES} more` : shown.join(', ');
}

function strings(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
}

/** Undefined when the request made no change worth describing beyond its title (not completed, not an unblock). */
export function changeSummary(request: GovernanceRequest): string | undefined {
  const d = request.details;
  const result = request.execution.result;
  if (d.type !== 'connector-unblock' || request.status !== 'completed' || !result) return undefined;
  const group = d.classification === 'Confidential' ? 'Business' : 'Non-business';
  const breadth = d.scope === 'tenant-wide' ? 'Tenant-wide' : `Exception for ${d.environment.displayName}`;
  const changed = strings(result.changedPolicies);
  const created = strings(result.exceptionPolicies);
  const gained = strings(result.environmentsGained);
  const parts = [`${breadth}, as ${group}`];
  if (created.length > 0) parts.push(`new policy ${names(created)}`);
  if (changed.length > 0)
    parts.push(
      d.scope === 'tenant-wide' || created.length === 0
        ? `changed ${names(changed)}`
        : `${d.environment.displayName} taken out of ${names(changed)}`,
    );
  if (gained.length > 0)
    parts.push(
      `${gained.length} environment${gained.length === 1 ? '' : 's'} gained ${d.connector.displayName}: ${gained.slice(0, MAX_NAMES).join(', ')}${gained.length > MAX_NAMES ? ` and ${gained.length - MAX_NAMES} more` : ''}`,
    );
  return `${parts.join('; ')}.`;
}
