// govbot outbox list|retry
import { userInfo } from 'node:os';
import type { Command } from 'commander';
import type { OutboxMessage } from '../requests/ports/store.js';
import { type CliContext, CliFailure, printJson } from './context.js';

const STATUSES = ['pending', 'sent', 'dead'] as const;

export function registerOutboxCommands(program: Command, ctx: CliContext): void {
  const outbox = program.command('outbox').description('proactive messages waiting, sent or dead');

  outbox
    .command('list')
    .description('messages in the outbox (default: pending and dead)')
    .option('--status <status>', 'pending | sent | dead')
    .option('--json', 'machine-readable output (without the card bodies)')
    .action(async (opts: { status?: string; json?: boolean }) => {
      if (opts.status && !(STATUSES as readonly string[]).includes(opts.status))
        throw new CliFailure(`--status must be one of ${STATUSES.join(', ')}`, 2);
      const status = opts.status as OutboxMessage['status'] | undefined;
      const messages = await ctx.withStore(async (store) =>
        status
          ? store.outbox.list({ status })
          : [...(await store.outbox.list({ status: 'pending' })), ...(await store.outbox.list({ status: 'dead' }))],
      );
      const rows = messages.map(({ activity: _activity, ...rest }) => rest);
      if (opts.json) return printJson(ctx.io, rows);
      if (rows.length === 0) return ctx.io.out('outbox empty\n');
      for (const m of rows)
        ctx.io.out(
          `${m.id}\t${m.status}\t${m.operation}\t${m.idempotencyKey}\t${m.conversationKey}\tattempts=${m.attempts}\t${m.lastError ?? ''}\n`,
        );
    });

  outbox
    .command('retry [ids...]')
    .description('put dead messages (all, or these ids) back in the queue; the running bot sends them')
    .action(async (ids: string[]) => {
      const numeric = ids.map((id) => Number.parseInt(id, 10));
      if (numeric.some((n) => !Number.isInteger(n) || n <= 0)) throw new CliFailure('ids must be positive integers', 2);
      const count = await ctx.withStore((store) =>
        store.transaction(async (s) => {
          const revived = await s.outbox.retryDead(numeric.length > 0 ? numeric : undefined);
          if (revived > 0)
            await s.audit.append({
              at: ctx.now().toISOString(),
              actorId: `cli:${safeUser()}`,
              action: 'outbox.retried',
              outcome: 'info',
              targetType: 'outbox',
              targetId: numeric.length > 0 ? numeric.join(',') : 'all-dead',
              details: { count: revived },
            });
          return revived;
        }),
      );
      ctx.io.out(`${count} message(s) queued again\n`);
    });
}

function safeUser(): string {
  try {
    return userInfo().username;
  } catch {
    return 'unknown';
  }
}
