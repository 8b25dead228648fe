// Who holds which Power Apps / Power Automate plans (Graph assignedPlans), the data Get-AdminPowerAppLicenses
// gives admins. One place for the rows, shared by `govbot report licenses` (CSV/JSON) and the chat summary card.
import { csvCell } from '../audit/export.js';
import { PLAN_SERVICES, planName, planProduct } from '../tenant/licence-plans.js';
import type { DirectoryUser } from '../tenant/tenant-admin.js';

/** Graph service names of the plans the report covers. */
export const LICENCE_SERVICES = PLAN_SERVICES;

export const LICENCE_COLUMNS = [
  'user_id',
  'upn',
  'display_name',
  'department',
  'account_enabled',
  'product',
  'service_plan_name',
  'service_plan_id',
] as const;

export type LicenceRow = Record<(typeof LICENCE_COLUMNS)[number], string>;

/** The command that exports the full report (what the chat card points to). */
export const LICENCE_EXPORT_COMMAND = 'npx govbot report licenses --format csv';

/** One row per Power Apps / Power Automate plan held; a user with none gets one row with empty plan columns. */
export function licenceRows(users: DirectoryUser[]): LicenceRow[] {
  const rows: LicenceRow[] = [];
  for (const u of [...users].sort((a, b) => a.userPrincipalName.localeCompare(b.userPrincipalName))) {
    const base = {
      user_id: u.id,
      upn: u.userPrincipalName,
      display_name: u.displayName,
      department: u.department ?? '',
      account_enabled: String(u.accountEnabled),
    };
    const plans = u.plans.filter((p) => LICENCE_SERVICES[p.service]);
    if (plans.length === 0) rows.push({ ...base, product: '', service_plan_name: '', service_plan_id: '' });
    for (const p of plans)
      rows.push({
        ...base,
        // Seeded (with Microsoft 365), Premium and Developer plans of the same service read differently.
        product: planProduct(p),
        service_plan_name: p.servicePlanName ?? planName(p.servicePlanId) ?? '',
        service_plan_id: p.servicePlanId,
      });
  }
  return rows;
}

export function licenceCsv(rows: LicenceRow[]): string {
  const lines = [LICENCE_COLUMNS.join(',')];
  for (const r of rows) lines.push(LICENCE_COLUMNS.map((c) => csvCell(r[c])).join(','));
  return `${lines.join('\r\n')}\r\n`;
}

export interface LicenceSummary {
  users: number;
  /** Holders per plan, most held first. */
  plans: { product: string; plan: string; holders: number }[];
  /** Users without any Power Apps plan, by name. */
  withoutPowerApps: { displayName: string; upn: string }[];
}

/** The report's rows counted per plan, for a summary people read in chat. */
export function summariseLicences(rows: LicenceRow[]): LicenceSummary {
  const holders = new Map<string, { product: string; plan: string; users: Set<string> }>();
  const byUser = new Map<string, { displayName: string; upn: string; powerApps: boolean }>();
  for (const r of rows) {
    const user = byUser.get(r.user_id) ?? { displayName: r.display_name, upn: r.upn, powerApps: false };
    if (r.product.startsWith(PLAN_SERVICES.PowerAppsService ?? 'Power Apps')) user.powerApps = true;
    byUser.set(r.user_id, user);
    if (!r.product) continue;
    const plan = r.service_plan_name || r.service_plan_id;
    const key = `${r.product}\u0000${plan}`;
    const entry = holders.get(key) ?? { product: r.product, plan, users: new Set() };
    entry.users.add(r.user_id);
    holders.set(key, entry);
  }
  return {
    users: byUser.size,
    plans: [...holders.values()]
      .map((h) => ({ product: h.product, plan: h.plan, holders: h.users.size }))
      .sort((a, b) => b.holders - a.holders || a.product.localeCompare(b.product) || a.plan.localeCompare(b.plan)),
    withoutPowerApps: [...byUser.values()]
      .filter((u) => !u.powerApps)
      .map(({ displayName, upn }) => ({ displayName, upn }))
      .sort((a, b) => a.displayName.localeCompare(b.displayName)),
  };
}
