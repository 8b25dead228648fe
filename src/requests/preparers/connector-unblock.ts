// Connector unblock: answered at once when the connector can never be blocked or nothing blocks it in the
// environment; otherwise filed with the blocking policies and the impact an approver needs to decide.
import { CLASSIFICATION_LABEL, effectiveClassification, sameConnector } from '../../dlp/classification.js';
import { computeImpact, tenantWideReach } from '../../dlp/impact.js';
import type { Environment, InventoryItem } from '../../tenant/tenant-admin.js';
import type { ConnectorRef } from '../model.js';
import type { Preparation } from '../preparation.js';
import { environmentRef, type Lookup, othersDeveloperEnvironment } from './lookup.js';

/** Inventory reads per preparation: the card cuts long lists anyway, and a chat turn must stay quick. */
const MAX_INVENTORY_ENVIRONMENTS = 25;

export async function prepareConnectorUnblock(
  lookup: Lookup,
  input: { requesterId: string; environmentId: string; connectorId: string },
): Promise<Preparation> {
  const env = await lookup.environment(input.environmentId);
  if (!env)
    return {
      kind: 'invalid',
      field: 'environment',
      message: `I can't find an environment with id ${input.environmentId}.`,
    };
  if (othersDeveloperEnvironment(env, input.requesterId)) {
    return {
      kind: 'answer',
      message:
        `${env.displayName} is a Developer environment: it is for its owner's individual use, so connectors are unblocked there only when its owner asks. ` +
        'To use the connector yourself, ask for it in an environment where you build apps, or for a new sandbox environment.',
    };
  }
  const connector = (await lookup.connectors()).find((c) => sameConnector(c.id, input.connectorId));
  if (!connector) {
    return {
      kind: 'invalid',
      field: 'connector',
      message: `I can't find a connector called ${input.connectorId} in the catalogue.`,
    };
  }
  if (connector.unblockable) {
    return {
      kind: 'answer',
      message: `${connector.displayName} is one of Microsoft's core connectors: it can never be blocked, so it is available in ${env.displayName} and there is nothing to unblock.`,
    };
  }
  const policies = await lookup.tenant.listDlpPolicies();
  const effective = effectiveClassification(policies, env.id, connector.id);
  if (effective.classification === undefined) {
    return {
      kind: 'answer',
      message: `No DLP policy covers ${env.displayName}, so ${connector.displayName} is already allowed there.`,
    };
  }
  if (effective.classification !== 'Blocked') {
    const groups = [...new Set(effective.byPolicy.map((e) => CLASSIFICATION_LABEL[e.classification]))];
    return {
      kind: 'answer',
      message: `${connector.displayName} is already allowed in ${env.displayName}, as ${groups.join(' and ')}${groups.length > 1 ? ' (depending on the policy)' : ''}.`,
    };
  }

  const environments = await lookup.tenant.listEnvironments();
  const ref: ConnectorRef = {
    name: connector.name,
    id: connector.id,
    displayName: connector.displayName,
    tier: connector.tier,
  };
  const reach = tenantWideReach(policies, effective.blocking, environments, ref);
  const { inventory, unread, flowsNotListed } = await readInventory(lookup, env, reach);
  const computed = computeImpact({
    policies,
    blocking: effective.blocking,
    environments,
    environment: env,
    connector: ref,
    inventory,
  });
  const impact = flowsNotListed.length > 0 ? { ...computed, flowsNotListed } : computed;
  const notes =
    unread.length > 0
      ? [`The apps and flows of ${unread.join(', ')} could not be read, so the impact list may be incomplete.`]
      : [];
  return {
    kind: 'ready',
    details: {
      type: 'connector-unblock',
      environment: environmentRef(env),
      connector: ref,
      blockingPolicies: effective.blocking.map((p) => ({ name: p.name, displayName: p.displayName })),
      classification: 'General',
      scope: 'exception',
      impact,
    },
    notes,
  };
}

/** Apps and flows of the requested environment and of every environment a tenant-wide change would reach. */
async function readInventory(
  lookup: Lookup,
  env: Environment,
  reach: Environment[],
): Promise<{ inventory: InventoryItem[]; unread: string[]; flowsNotListed: string[] }> {
  const targets = [env, ...reach.filter((e) => e.id !== env.id)].slice(0, MAX_INVENTORY_ENVIRONMENTS);
  const results = await Promise.allSettled(targets.map((e) => lookup.tenant.listInventory(e.id)));
  const inventory: InventoryItem[] = [];
  const unread: string[] = [];
  const flowsNotListed: string[] = [];
  results.forEach((r, i) => {
    const name = targets[i]?.displayName ?? '';
    if (r.status === 'rejected') {
      unread.push(name);
      return;
    }
    inventory.push(...r.value.items);
    if (r.value.flowsNotListed) flowsNotListed.push(name);
  });
  return { inventory, unread, flowsNotListed };
}
