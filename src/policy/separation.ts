// Separation of duties a rule can ask for on top of the state machine's own (never your own request, never
// two stages): the environment's creator and its Environment Admins may not approve access to it.
import type { GovernanceRequest } from '../requests/model.js';
import type { TenantAdmin } from '../tenant/tenant-admin.js';

/** The refusal message when the rule bars the actor, else undefined. Read from the tenant, never from the card. */
export async function environmentOwnerConflict(
  tenant: TenantAdmin,
  request: GovernanceRequest,
  actorId: string,
): Promise<string | undefined> {
  if (!request.routing?.barEnvironmentOwners || request.details.type === 'new-environment') return undefined;
  const ref = request.details.environment;
  const env = await tenant.getEnvironment(ref.id);
  const created = env?.createdBy?.toLowerCase() === actorId.toLowerCase();
  const admin = created ? false : await tenant.hasEnvironmentRole(env ?? ref, actorId, 'EnvironmentAdmin');
  if (!created && !admin) return undefined;
  return `Rule "${request.routing.ruleId}" bars the environment's ${created ? 'creator' : 'admins'} from approving access to ${ref.displayName}, so another approver must decide ${request.id}.`;
}
