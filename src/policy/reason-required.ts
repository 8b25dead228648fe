// Which requests need a reason before they are filed (policy file `requireReasonFor`): anything touching a
// Production environment, and changes that reach every environment. Approvers of such changes should never have to
// decide without knowing why; the bot asks the maker instead of filing without one. Pure.
import type { RequestDetails } from '../requests/model.js';

export const REASON_SCOPES = ['production', 'tenant-wide'] as const;
export type ReasonScope = (typeof REASON_SCOPES)[number];

/** On unless the policy file says otherwise. */
export const DEFAULT_REASON_SCOPES: readonly ReasonScope[] = REASON_SCOPES;

/** The scope that makes a reason required for these details, or undefined when none does. */
export function reasonRequired(details: RequestDetails, scopes: readonly ReasonScope[]): ReasonScope | undefined {
  const sku = details.type === 'new-environment' ? details.sku : details.environment.sku;
  if (scopes.includes('production') && sku === 'Production') return 'production';
  const tenantWide =
    details.type === 'connector-unblock' &&
    (details.scope === 'tenant-wide' ||
      (details.impact?.policies ?? []).some((p) => p.environmentType === 'AllEnvironments'));
  if (scopes.includes('tenant-wide') && tenantWide) return 'tenant-wide';
  return undefined;
}
