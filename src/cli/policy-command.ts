// govbot policy explain --request <id> | govbot policy check: which rule routed a request and why, and
// whether the policy file is valid. Read-only; works while the bot runs.
import type { Command } from 'commander';
import { describeStoredRouting } from '../policy/explain-request.js';
import { loadPolicyFile } from '../policy/load-policy.js';
import { formatExplanation, RulesPolicy } from '../policy/rules-engine.js';
import { type CliContext, CliFailure, printJson } from './context.js';

/** Adds the `policy` commands, replacing a placeholder `policy explain` if the program has one. */
export function registerPolicyCommands(program: Command, ctx: CliContext): void {
  const group =
    program.commands.find((c) => c.name() === 'policy') ?? program.command('policy').description('approval policy');
  const commands = (group as unknown as { commands: Command[] }).commands;
  for (let i = commands.length - 1; i >= 0; i--) if (commands[i]?.name() === 'explain') commands.splice(i, 1);

  group
    .command('explain')
    .description('which rule routed a request, and why the rules before it did not match')
    .requiredOption('--request <id>', 'request id, e.g. REQ-1001')
    .option('--json', 'machine-readable output')
    .action(async (opts: { request: string; json?: boolean }) => {
      const policy = new RulesPolicy(loadPolicyFile(ctx.config().POLICY_FILE, ctx.config()));
      const id = opts.request.trim().toUpperCase();
      const request = await ctx.withStore((store) => store.requests.get(id));
      if (!request) throw new CliFailure(`no request ${id}`, 1);
      // The requester's groups and plans as the routing used them (stored with the routing); an old request
      // without them is read as "not a member / no premium plan", since the CLI does not call Graph.
      const context = request.routing?.context ?? { requesterGroupIds: [], requesterPlans: [] };
      const explanation = policy.explain(request, context);
      const stored = request.routing;
      if (opts.json) return printJson(ctx.io, { requestId: id, stored, stages: request.stages, now: explanation });
      ctx.io.out(`${describeStoredRouting(request)}\n\n`);
      ctx.io.out(`${formatExplanation(id, explanation)}\n`);
      if (stored && stored.ruleId !== explanation.ruleId) {
        ctx.io.out(
          `\nNote: with today's policy file${request.routing?.context ? '' : ' (requester groups and premium plans unknown offline)'} it matches "${explanation.ruleId}", not "${stored.ruleId}". The request keeps the approvals listed above; an approver's change of scope or group is routed again when they decide.\n`,
        );
      }
    });

  group
    .command('check')
    .description('validate the policy file (POLICY_FILE) and list its rules')
    .action(() => {
      const path = ctx.config().POLICY_FILE;
      const policy = new RulesPolicy(loadPolicyFile(path, ctx.config()));
      ctx.io.out(`${path}: valid, ${policy.rules.length} rules\n`);
      for (const r of policy.rules) ctx.io.out(`  ${r.id}\t${r.route.outcome}\t${r.description}\n`);
    });
}
