// govbot audit list|verify|export
import { createWriteStream } from 'node:fs';
import type { Command } from 'commander';
import { EXPORT_COLUMNS, type ExportFormat, exportLines } from '../audit/export.js';
import { type AuditQuery, AuditQueryError, queryAudit } from '../audit/query.js';
import { describeReport, verifyChain } from '../audit/verify.js';
import type { Store } from '../requests/ports/store.js';
import { type CliContext, CliFailure, printJson } from './context.js';
import { fieldSafe } from './terminal.js';

interface FilterOptions {
  since?: string;
  until?: string;
  request?: string;
  user?: string;
  environment?: string;
  action?: string;
  outcome?: string;
  limit?: number;
}

function withFilters(command: Command): Command {
  return command
    .option('--since <time>', 'from this time (ISO-8601, or a span back from now: 30m, 12h, 7d, 2w)')
    .option('--until <time>', 'before this time (same forms)')
    .option('--request <id>', 'one request (REQ-1001)')
    .option('--user <idOrUpn>', 'who acted (Entra object id or UPN)')
    .option('--environment <idOrName>', 'environment id or display name')
    .option('--action <action>', 'e.g. request.approved, execution.completed')
    .option('--outcome <outcome>', 'success | failure | refused | info');
}

function toQuery(o: FilterOptions): AuditQuery {
  return {
    since: o.since,
    until: o.until,
    requestId: o.request,
    user: o.user,
    environmentId: o.environment,
    action: o.action,
    outcome: o.outcome,
    limit: o.limit,
  };
}

/**
 * The audit keeps environment ids; people know display names. A name is looked up among the environments of
 * stored requests (case-insensitive); an id, or a name nothing was ever asked about, passes through unchanged
 * (`known` then lists the names that would have matched, for the "no records" hint).
 */
async function environmentIdOf(
  store: Store,
  idOrName: string | undefined,
): Promise<{ id: string | undefined; known?: string[] }> {
  if (!idOrName) return { id: undefined };
  const wanted = idOrName.trim().toLowerCase();
  const names = new Set<string>();
  for (const request of await store.requests.list()) {
    const env = request.details.type === 'new-environment' ? undefined : request.details.environment;
    if (env && (env.id.toLowerCase() === wanted || env.displayName.toLowerCase() === wanted)) return { id: env.id };
    if (env) names.add(env.displayName);
  }
  return { id: idOrName, known: [...names].sort() };
}

/** Why a filter by environment found nothing, when the name matched no environment any request named. */
function unknownEnvironmentHint(name: string | undefined, known: string[] | undefined): string {
  if (!name || !known) return '';
  const names = known.slice(0, 10).map(fieldSafe).join(', ') + (known.length > 10 ? ', …' : '');
  return `; no request names an environment "${fieldSafe(name)}" (environments named in requests: ${names || 'none yet'})`;
}

async function run<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (e) {
    if (e instanceof AuditQueryError) throw new CliFailure(e.message, 2);
    throw e;
  }
}

/** The structured facts the bot writes (never free text from chat): stage, scope, group, rule, change made. */
function factsOf(details: Record<string, unknown> | undefined): string {
  if (!details) return '';
  const text = (k: string) => (typeof details[k] === 'string' ? (details[k] as string) : undefined);
  const list = (k: string) =>
    Array.isArray(details[k]) ? (details[k] as unknown[]).filter((x) => typeof x === 'string').join('; ') : '';
  const facts = [
    text('stageName') && `stage=${text('stageName')}`,
    text('scope') && `scope=${text('scope')}`,
    text('classification') && `classification=${text('classification')}`,
    text('toRule') && `rule=${text('fromRule')}→${text('toRule')}`,
    list('addedStages') && `added=${list('addedStages')}`,
    text('code') && `code=${text('code')}`,
    list('changedPolicies') && `changed=${list('changedPolicies')}`,
    list('exceptionPolicies') && `new=${list('exceptionPolicies')}`,
    list('environmentsGained') && `gained=${list('environmentsGained')}`,
  ];
  return facts.filter(Boolean).join(' ');
}

export function registerAuditCommands(program: Command, ctx: CliContext): void {
  const audit = program.command('audit').description('the append-only, hash-chained audit trail');
  // list and export take the same filters (an environment by display name or id) and read the same records.
  const matching = (opts: FilterOptions) =>
    run(() =>
      ctx.withStore(async (store) => {
        const environment = await environmentIdOf(store, opts.environment);
        const records = await queryAudit(store, { ...toQuery(opts), environmentId: environment.id }, ctx.now());
        return { records, hint: unknownEnvironmentHint(opts.environment, environment.known) };
      }),
    );

  withFilters(audit.command('list').description('audit records, oldest first'))
    .option('--limit <n>', 'only the latest n', (v) => Number.parseInt(v, 10))
    .option('--json', 'machine-readable output')
    .action(async (opts: FilterOptions & { json?: boolean }) => {
      const { records, hint } = await matching(opts);
      if (opts.json) return printJson(ctx.io, records);
      if (records.length === 0) ctx.io.err(`no audit records match (read ${ctx.storeLocation()})${hint}\n`);
      for (const r of records)
        ctx.io.out(
          `#${r.seq}\t${r.at}\t${fieldSafe(r.action)}\t${r.outcome}\t${fieldSafe(r.actorUpn ?? r.actorId)}\t${fieldSafe(r.requestId)}\t${fieldSafe(r.environmentId)}\t${fieldSafe(factsOf(r.details))}\n`,
        );
    });

  audit
    .command('verify')
    .description('re-walk the hash chain; exit 1 and name the first broken record if any')
    .option('--json', 'machine-readable output')
    .action(async (opts: { json?: boolean }) => {
      const report = await ctx.withStore(async (store) => verifyChain(await store.audit.list()));
      if (opts.json) printJson(ctx.io, report);
      else ctx.io.out(`${describeReport(report)}\n`);
      if (!report.ok) throw new CliFailure('', 1);
    });

  withFilters(audit.command('export').description(`SIEM export; columns: ${EXPORT_COLUMNS.join(', ')}`))
    .requiredOption('--format <format>', 'csv | jsonl')
    .option('--output <file>', 'write to a file instead of stdout')
    .action(async (opts: FilterOptions & { format: string; output?: string }) => {
      if (opts.format !== 'csv' && opts.format !== 'jsonl') throw new CliFailure('--format must be csv or jsonl', 2);
      const format: ExportFormat = opts.format;
      const { records } = await matching(opts);
      if (!opts.output) {
        for (const line of exportLines(records, format)) ctx.io.out(line);
        return;
      }
      const file = createWriteStream(opts.output, { encoding: 'utf8' });
      for (const line of exportLines(records, format)) file.write(line);
      await new Promise<void>((resolve, reject) => file.end((e?: Error | null) => (e ? reject(e) : resolve())));
      ctx.io.err(`${records.length} record(s) written to ${opts.output}\n`);
    });
}
