// govbot report licenses: who holds which Power Apps / Power Automate plans (Graph assignedPlans), the data
// Get-AdminPowerAppLicenses gives admins. Needs the tenant: the live APIs, or the running simulated tenant.
import type { Command } from 'commander';
import { csvCell } from '../audit/export.js';
import { createTenantAdmin } from '../tenant/live/create-live-tenant-admin.js';
import type { DirectoryUser } from '../tenant/tenant-admin.js';
import { type CliContext, CliFailure, printJson } from './context.js';

/** Graph service names of the plans the report covers. */
export const LICENCE_SERVICES: Record<string, string> = {
  PowerAppsService: 'Power Apps',
  ProcessSimple: 'Power Automate',
};

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
        product: LICENCE_SERVICES[p.service] ?? p.service,
        service_plan_name: p.servicePlanName ?? '',
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

export function registerReportCommands(program: Command, ctx: CliContext): void {
  const report = program.command('report').description('reports read from the tenant');
  report
    .command('licenses')
    .description(`Power Apps / Power Automate plans per user; columns: ${LICENCE_COLUMNS.join(', ')}`)
    .option('--format <format>', 'csv | json', 'csv')
    .option('--simulator-url <url>', 'simulated tenant to read (default http://127.0.0.1:TENANT_SIMULATOR_PORT)')
    .action(async (opts: { format: string; simulatorUrl?: string }) => {
      if (opts.format !== 'csv' && opts.format !== 'json') throw new CliFailure('--format must be csv or json', 2);
      const config = ctx.config();
      const simulatorUrl =
        config.TENANT_MODE === 'simulated'
          ? (opts.simulatorUrl ?? `http://127.0.0.1:${config.TENANT_SIMULATOR_PORT}`)
          : undefined;
      const tenant = createTenantAdmin(config, { simulatorUrl });
      const rows = licenceRows(await tenant.listUsers());
      if (opts.format === 'json') printJson(ctx.io, rows);
      else ctx.io.out(licenceCsv(rows));
    });
}
