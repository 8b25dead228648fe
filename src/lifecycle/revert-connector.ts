// Undoes a time-bound connector unblock from the checkpoint its execution stored (src/execution/connector-unblock.ts,
// `checkpoint.dlp`: per policy name, what was changed). Each step re-reads the policy and does nothing when it
// is already back, so a retried revert never undoes twice. The safe order: the original policy covers the
// environment again (and blocks) before its exception copy is deleted.
import { sameConnector } from '../dlp/classification.js';
import { appliesTo, sameEnvId } from '../dlp/scope.js';
import { exceptionSource, handOverException, otherHolder } from '../requests/exception-holders.js';
import type { ConnectorUnblockDetails, GovernanceRequest } from '../requests/model.js';
import type { Store } from '../requests/ports/store.js';
import { AdminApiError, type DlpPolicy, type TenantAdmin } from '../tenant/tenant-admin.js';

/** The per-policy facts connector-unblock.ts checkpoints under `dlp`. */
export interface UnblockPolicyProgress {
  exceptionPolicy?: string;
  carvedOut?: boolean;
  reclassified?: boolean;
  notNeeded?: boolean;
}

export function unblockCheckpoint(request: GovernanceRequest): Record<string, UnblockPolicyProgress> {
  const dlp = request.execution.checkpoint.dlp;
  return dlp && typeof dlp === 'object' ? (dlp as Record<string, UnblockPolicyProgress>) : {};
}

const WRITE_ATTEMPTS = 3;

/** The policy with the connector in Blocked (and nowhere else). */
function blocked(policy: DlpPolicy, connector: ConnectorUnblockDetails['connector']): DlpPolicy {
  const entry = policy.connectorGroups.flatMap((g) => g.connectors).find((c) => sameConnector(c.id, connector.id)) ?? {
    id: connector.id,
    name: connector.displayName,
    type: 'Microsoft.PowerApps/apis',
  };
  const groups = policy.connectorGroups.map((g) => ({
    classification: g.classification,
    connectors: g.connectors.filter((c) => !sameConnector(c.id, connector.id)),
  }));
  const target = groups.find((g) => g.classification === 'Blocked');
  if (target) target.connectors.push(entry);
  else groups.push({ classification: 'Blocked', connectors: [entry] });
  return { ...policy, connectorGroups: groups };
}

/** The policy covering the environment again (the inverse of taking it out for an exception). */
function withEnvironment(policy: DlpPolicy, environmentId: string): DlpPolicy | undefined {
  if (appliesTo(policy, environmentId)) return undefined;
  if (policy.environmentType === 'ExceptEnvironments') {
    const rest = policy.environments.filter((e) => !sameEnvId(e, environmentId));
    // An exception carved out of a policy over all environments left it "all except this one": give it back
    // its own scope (an empty except-list means the same, but is not what the admin wrote).
    return rest.length === 0
      ? { ...policy, environmentType: 'AllEnvironments', environments: [] }
      : { ...policy, environments: rest };
  }
  if (policy.environmentType === 'OnlyEnvironments')
    return { ...policy, environments: [...policy.environments, environmentId] };
  return undefined;
}

async function rewrite(
  tenant: TenantAdmin,
  name: string,
  edit: (fresh: DlpPolicy) => DlpPolicy | undefined,
): Promise<boolean> {
  for (let attempt = 1; ; attempt++) {
    const fresh = await tenant.getDlpPolicy(name);
    if (!fresh) return false;
    const next = edit(fresh);
    if (!next) return false;
    try {
      await tenant.updateDlpPolicy(next);
      return true;
    } catch (error) {
      const stale = error instanceof AdminApiError && (error.status === 412 || error.status === 409);
      if (!stale || attempt >= WRITE_ATTEMPTS) throw error;
    }
  }
}

/**
 * Reverts the unblock recorded in `source` (the request whose execution changed the policies: for an
 * extension, the original grant). Returns what was done, in words for the audit and the requester.
 */
export async function revertConnectorUnblock(tenant: TenantAdmin, source: GovernanceRequest): Promise<string[]> {
  const d = source.details;
  if (d.type !== 'connector-unblock') throw new Error(`${source.id} is not a connector unblock`);
  const done: string[] = [];
  for (const [policyName, progress] of Object.entries(unblockCheckpoint(source))) {
    const label = d.blockingPolicies.find((p) => p.name === policyName)?.displayName ?? policyName;
    if (progress.notNeeded) continue;
    if (progress.reclassified) {
      const changed = await rewrite(tenant, policyName, (fresh) => {
        const already = fresh.connectorGroups.some(
          (g) => g.classification === 'Blocked' && g.connectors.some((c) => sameConnector(c.id, d.connector.id)),
        );
        return already ? undefined : blocked(fresh, d.connector);
      });
      if (changed) done.push(`"${label}": ${d.connector.displayName} moved back to Blocked`);
    }
    if (progress.exceptionPolicy) {
      if (progress.carvedOut) {
        const changed = await rewrite(tenant, policyName, (fresh) => withEnvironment(fresh, d.environment.id));
        if (changed) done.push(`"${label}" covers ${d.environment.displayName} again`);
      }
      if (await tenant.getDlpPolicy(progress.exceptionPolicy)) {
        await tenant.deleteDlpPolicy(progress.exceptionPolicy);
        done.push(`exception policy for ${d.environment.displayName} removed`);
      }
    }
  }
  return done;
}

/** A grant's exception ended, and whether another active grant still holds it (then the tenant was not touched). */
export interface ExceptionEnd {
  steps: string[];
  keptFor?: GovernanceRequest | undefined;
}

/**
 * Ends the connector exception `ending` relied on, at its expiry or its early release (both come here). The
 * exception is per environment: while another active grant still relies on it, it is left in place and its
 * revert handed over to that grant; otherwise the checkpoint that made it is reverted.
 */
export async function endConnectorException(
  tenant: TenantAdmin,
  store: Store,
  ending: GovernanceRequest,
  now: string,
): Promise<ExceptionEnd> {
  const d = ending.details;
  if (d.type !== 'connector-unblock') throw new Error(`${ending.id} is not a connector unblock`);
  const source = await exceptionSource(store, ending);
  const holder = await otherHolder(store, ending, source, now);
  if (!holder) return { steps: await revertConnectorUnblock(tenant, source) };
  await handOverException(store, holder, source.id);
  const until = holder.grantEndsAt ? ` until ${holder.grantEndsAt.slice(0, 10)}` : '';
  return {
    steps: [
      `left in place: ${holder.id} still holds ${d.connector.displayName} in ${d.environment.displayName}${until}`,
    ],
    keptFor: holder,
  };
}
