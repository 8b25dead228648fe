// govbot report licenses: who holds which Power Apps / Power Automate plans (rows from src/reports/licences.ts,
// shared with the chat card). Needs the tenant: the live APIs, or the running simulated tenant.
import type { Command } from 'commander';
import { LICENCE_COLUMNS, licenceCsv, licenceRows } from '../reports/licences.js';
import { createTenantAdmin } from '../tenant/live/create-live-tenant-admin.js';
import { type CliContext, CliFailure, printJson } from './context.js';

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
      // The same simulated tenant the bot uses: a shared one (TENANT_SIMULATOR_URL) or the one inside `npm start`.
      const simulatorUrl =
        config.TENANT_MODE === 'simulated'
          ? (opts.simulatorUrl ?? config.TENANT_SIMULATOR_URL ?? `http://127.0.0.1:${config.TENANT_SIMULATOR_PORT}`)
          : undefined;
      const tenant = createTenantAdmin(config, { simulatorUrl });
      const users = await tenant.listUsers().catch((e: Error) => {
        if (!simulatorUrl) throw e;
        throw new CliFailure(
          `could not read the simulated tenant at ${simulatorUrl} (${e.message}). It runs inside the bot: start it ` +
            'with `npm start` (or `npm run simulator`), or pass --simulator-url.',
        );
      });
      const rows = licenceRows(users);
      if (opts.format === 'json') printJson(ctx.io, rows);
      else ctx.io.out(licenceCsv(rows));
    });
}
