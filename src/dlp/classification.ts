// The group a connector falls into under one policy, and under every policy that covers an environment.
// A connector a policy does not list takes the policy's default group.
import type { DlpClassification } from '../requests/model.js';
import type { DlpPolicy } from '../tenant/tenant-admin.js';
import { policiesApplyingTo } from './scope.js';

/** Compares connector ids whether written as shared_x or /providers/Microsoft.PowerApps/apis/shared_x. */
export function sameConnector(a: string, b: string): boolean {
  const norm = (s: string) => (s.split('/').filter(Boolean).pop() ?? s).toLowerCase();
  return norm(a) === norm(b);
}

export function classificationIn(policy: DlpPolicy, connectorId: string): DlpClassification {
  for (const group of policy.connectorGroups) {
    if (group.connectors.some((c) => sameConnector(c.id, connectorId))) return group.classification;
  }
  return policy.defaultConnectorsClassification;
}

/**
 * The bot's single label for several policies: Blocked if any blocks (the most restrictive wins); otherwise
 * Business ranks above Non-business, so the label never promises a looser pairing than some policy allows.
 */
const RANK: Record<DlpClassification, number> = { General: 0, Confidential: 1, Blocked: 2 };

export interface EffectiveClassification {
  /** Undefined when no policy covers the environment (nothing restricts the connector). */
  classification: DlpClassification | undefined;
  byPolicy: { policy: DlpPolicy; classification: DlpClassification }[];
  blocking: DlpPolicy[];
}

export function effectiveClassification(
  policies: DlpPolicy[],
  environmentId: string,
  connectorId: string,
): EffectiveClassification {
  const byPolicy = policiesApplyingTo(policies, environmentId).map((policy) => ({
    policy,
    classification: classificationIn(policy, connectorId),
  }));
  let classification: DlpClassification | undefined;
  for (const entry of byPolicy) {
    if (classification === undefined || RANK[entry.classification] > RANK[classification]) {
      classification = entry.classification;
    }
  }
  return {
    classification,
    byPolicy,
    blocking: byPolicy.filter((e) => e.classification === 'Blocked').map((e) => e.policy),
  };
}

export function blockingPolicies(policies: DlpPolicy[], environmentId: string, connectorId: string): DlpPolicy[] {
  return effectiveClassification(policies, environmentId, connectorId).blocking;
}

export const CLASSIFICATION_LABEL: Record<DlpClassification, string> = {
  Confidential: 'Business',
  General: 'Non-business',
  Blocked: 'Blocked',
};
