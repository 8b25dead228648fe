// The govbot command (commander). Each group lives in its own file; later steps add theirs the same way.
import { Command, CommanderError } from 'commander';
import { registerAuditCommands } from './audit.js';
import { type CliContext, CliFailure, type CliIo, createCliContext } from './context.js';
import { registerOutboxCommands } from './outbox.js';
import { registerPolicyCommands } from './policy-command.js';
import { registerReportCommands } from './report.js';
import { registerRequestCommands } from './requests.js';
import { terminalSafe } from './terminal.js';

/** A command group another module contributes (e.g. `policy explain --request <id>` from the policy engineer). */
export type CommandModule = (program: Command, ctx: CliContext) => void;

export const extraCommands: CommandModule[] = [];

export function buildProgram(ctx: CliContext): Command {
  const program = new Command('govbot')
    .description('Ops CLI of the Power Platform governance bot; reads DATA_DIR (safe while the bot runs)')
    .option('--data-dir <dir>', 'storage directory (default: DATA_DIR from env/.env.<APP_ENV>)')
    .exitOverride()
    .configureOutput({ writeOut: (s) => ctx.io.out(s), writeErr: (s) => ctx.io.err(s) });
  registerRequestCommands(program, ctx);
  registerAuditCommands(program, ctx);
  registerOutboxCommands(program, ctx);
  registerReportCommands(program, ctx);
  const policy = program.command('policy').description('approval policy');
  policy
    .command('explain')
    .description('why a request was routed as it was (provided by the policy module when installed)')
    .requiredOption('--request <id>', 'request id')
    .action(async () => {
      throw new CliFailure('policy explain is not available in this build yet', 2);
    });
  registerPolicyCommands(program, ctx);
  for (const add of extraCommands) add(program, ctx);
  return program;
}

/** Runs one command line; returns the exit status instead of exiting (tests and bin/govbot.js share it). */
export async function runCli(argv: string[], io: CliIo = defaultIo): Promise<number> {
  let program: Command | undefined;
  const ctx = createCliContext(io, () => program?.opts<{ dataDir?: string }>().dataDir);
  program = buildProgram(ctx);
  try {
    await program.parseAsync(argv, { from: 'user' });
    return 0;
  } catch (e) {
    if (e instanceof CommanderError) return e.exitCode;
    if (e instanceof CliFailure) {
      if (e.message) io.err(`govbot: ${e.message}\n`);
      return e.exitCode;
    }
    io.err(`govbot: ${(e as Error).message ?? String(e)}\n`);
    return 1;
  }
}

const defaultIo: CliIo = {
  out: (s) => void process.stdout.write(terminalSafe(s)),
  err: (s) => void process.stderr.write(terminalSafe(s)),
};
