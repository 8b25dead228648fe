// Power Apps / Power Automate service plans by id. Graph's assignedPlans carry only service and servicePlanId
// (no name), so names and kinds come from Microsoft's published table ("Product names and service plan identifiers
// for licensing"). Only ids checked against that table are listed; an unknown id keeps an empty name and reads as
// its service alone.

export type PlanKind = 'seeded' | 'premium' | 'per-app' | 'developer';

export interface KnownPlan {
  name: string;
  kind: PlanKind;
}

export const KNOWN_PLANS: Readonly<Record<string, KnownPlan>> = {
  // Included with Microsoft 365 / Office 365 (standard connectors only).
  'c68f8d98-5534-41c8-bf36-22fa496fa792': { name: 'POWERAPPS_O365_P2', kind: 'seeded' },
  '9c0dab89-a30c-4117-86e7-97bda240acd2': { name: 'POWERAPPS_O365_P3', kind: 'seeded' },
  '76846ad7-7776-4c40-a281-a386362dd1b9': { name: 'FLOW_O365_P2', kind: 'seeded' },
  '07699545-9485-468e-95b6-2fca3738be01': { name: 'FLOW_O365_P3', kind: 'seeded' },
  // Standalone premium plans.
  'ea2cf03b-ac60-46ae-9c1d-eeaeb63cec86': { name: 'POWERAPPS_PER_USER', kind: 'premium' },
  'c5002c70-f725-4367-b409-f0eff4fee6c0': { name: 'FLOW_PER_USER', kind: 'premium' },
  // Developer plan (own environment only).
  'a2729df7-25f8-4e63-984b-8a8484121554': { name: 'POWERAPPS_DEV_VIRAL', kind: 'developer' },
};

/** Graph service names of the plans the bot cares about, in words. */
export const PLAN_SERVICES: Readonly<Record<string, string>> = {
  PowerAppsService: 'Power Apps',
  ProcessSimple: 'Power Automate',
};

/**
 * Statuses of an assigned plan that still give the service (Graph assignedPlan): Enabled, and Warning (the grace
 * period: "available for normal use"). Suspended, LockedOut and Deleted do not.
 */
export const USABLE_PLAN_STATUSES: ReadonlySet<string> = new Set(['Enabled', 'Warning']);

export function planName(servicePlanId: string): string | undefined {
  return KNOWN_PLANS[servicePlanId.toLowerCase()]?.name;
}

/** The kind of a plan: from the id table, else from its name (O365/M365 plans are the seeded ones). */
export function planKind(plan: { servicePlanId: string; servicePlanName?: string | undefined }): PlanKind | undefined {
  const known = KNOWN_PLANS[plan.servicePlanId.toLowerCase()];
  if (known) return known.kind;
  const name = plan.servicePlanName ?? '';
  if (/_(O365|M365)_/i.test(name)) return 'seeded';
  if (/_DEV/i.test(name)) return 'developer';
  if (/PER_APP/i.test(name)) return 'per-app';
  // Per user, and the older standalone Plan 1 / Plan 2, include premium connectors.
  if (/PER_USER|PREMIUM|^(POWERAPPS|FLOW)_P[12]$/i.test(name)) return 'premium';
  return undefined;
}

const KIND_LABEL: Record<PlanKind, string> = {
  seeded: 'with Microsoft 365',
  premium: 'Premium',
  'per-app': 'per app',
  developer: 'Developer',
};

/** "Power Apps Premium", "Power Apps (with Microsoft 365)", "Power Automate Developer", or the service alone. */
export function planProduct(plan: {
  service: string;
  servicePlanId: string;
  servicePlanName?: string | undefined;
}): string {
  const service = PLAN_SERVICES[plan.service] ?? plan.service;
  const kind = planKind(plan);
  if (!kind) return service;
  return kind === 'seeded' ? `${service} (${KIND_LABEL[kind]})` : `${service} ${KIND_LABEL[kind]}`;
}

/** The Graph service of a plan from its name (POWERAPPS_…, FLOW_…), for plans known only by name. */
function serviceOfName(name: string): string | undefined {
  if (/^POWERAPPS_/i.test(name)) return 'PowerAppsService';
  if (/^FLOW_/i.test(name)) return 'ProcessSimple';
  return undefined;
}

/** Whether a kind of plan includes premium connectors (per user and per app do; seeded and developer do not). */
export function includesPremium(kind: PlanKind | undefined): boolean {
  return kind === 'premium' || kind === 'per-app';
}

/**
 * A requester's Power Apps / Power Automate plans (service plan names, as routing stored them) in words:
 * "Power Apps (with Microsoft 365), Power Automate (with Microsoft 365): standard connectors only".
 */
export function describeLicence(planNames: string[]): { text: string; premium: boolean } {
  const plans = planNames.flatMap((name) => {
    const service = serviceOfName(name);
    return service ? [{ service, servicePlanId: '', servicePlanName: name }] : [];
  });
  if (plans.length === 0) return { text: 'No Power Apps or Power Automate plan', premium: false };
  const premium = plans.some((p) => includesPremium(planKind(p)));
  const products = [...new Set(plans.map(planProduct))];
  return { text: `${products.join(', ')}${premium ? '' : ': standard connectors only'}`, premium };
}
