// govbot requests list|show
import type { Command } from 'commander';
import { REQUEST_STATUSES, type RequestStatus } from '../requests/model.js';
import { type CliContext, CliFailure, printJson } from './context.js';
import { fieldSafe } from './terminal.js';

export function registerRequestCommands(program: Command, ctx: CliContext): void {
  const requests = program.command('requests').description('governance requests stored by the bot');

  requests
    .command('list')
    .description('list requests, newest first')
    .option('--status <status...>', `only these statuses (${REQUEST_STATUSES.join(', ')})`)
    .option('--requester <objectId>', "only this requester's")
    .option('--limit <n>', 'at most n', (v) => Number.parseInt(v, 10))
    .option('--json', 'machine-readable output')
    .action(async (opts: { status?: string[]; requester?: string; limit?: number; json?: boolean }) => {
      const unknown = (opts.status ?? []).filter((s) => !(REQUEST_STATUSES as readonly string[]).includes(s));
      if (unknown.length > 0) throw new CliFailure(`unknown status: ${unknown.join(', ')}`, 2);
      const list = await ctx.withStore((store) =>
        store.requests.list({
          ...(opts.status ? { status: opts.status as RequestStatus[] } : {}),
          ...(opts.requester ? { requesterId: opts.requester } : {}),
          ...(opts.limit ? { limit: opts.limit } : {}),
        }),
      );
      if (opts.json) return printJson(ctx.io, list);
      if (list.length === 0) {
        ctx.io.out('no requests\n');
        // An empty answer from the wrong database looks like a bug: say which one was read.
        return ctx.io.err(`(read ${ctx.storeLocation()}; set DATA_DIR or --data-dir for another data folder)\n`);
      }
      for (const r of list)
        ctx.io.out(`${r.id}\t${r.status}\t${r.type}\t${fieldSafe(r.requester.upn)}\t${r.createdAt}\n`);
    });

  requests
    .command('show <id>')
    .description('one request with its full audit trail')
    .option('--json', 'machine-readable output')
    .action(async (id: string, opts: { json?: boolean }) => {
      const found = await ctx.withStore(async (store) => {
        const request = await store.requests.get(id);
        return request ? { request, audit: await store.audit.list({ requestId: id }) } : undefined;
      });
      if (!found) throw new CliFailure(`no request ${id}`);
      if (opts.json) return printJson(ctx.io, found);
      const { request, audit } = found;
      ctx.io.out(`${request.id} (${request.type}) — ${request.status}, version ${request.version}\n`);
      ctx.io.out(`requester: ${fieldSafe(request.requester.displayName)} <${fieldSafe(request.requester.upn)}>\n`);
      if (request.justification) ctx.io.out(`justification: ${fieldSafe(request.justification)}\n`);
      for (const d of request.decisions)
        ctx.io.out(
          `decision: ${d.verdict} by ${fieldSafe(d.approver.upn)} at ${d.at}${d.comment ? `: ${fieldSafe(d.comment)}` : ''}\n`,
        );
      ctx.io.out('audit trail:\n');
      for (const a of audit)
        ctx.io.out(
          `  #${a.seq} ${a.at} ${fieldSafe(a.action)} ${a.outcome} by ${fieldSafe(a.actorUpn ?? a.actorId)}\n`,
        );
    });
}
