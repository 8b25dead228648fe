// "If I asked for Dropbox in Contoso Dev, who would approve?": the request inside the question is read with the
// normal intake, prepared against the tenant as if it were asked, and routed by the policy as a dry run: the
// same evaluation as a filing and as `govbot policy explain`, but nothing is stored.
import type { TurnContext } from 'botbuilder';
import { hypotheticalRequest } from '../intake/hypothetical.js';
import { type Understanding, understand } from '../intake/understand.js';
import type { RequestDetails } from '../requests/model.js';
import type { Preparation } from '../requests/preparation.js';
import type { BotContext } from './context.js';
import { textReply } from './replies.js';
import { whoDecidesFor } from './who-decides-answer.js';

const TENANT_WIDE = /\b(tenant[- ]wide|everywhere|all environments|every environment|for everyone)\b/i;
const BUSINESS = /\bbusiness\b/i;
const NON_BUSINESS = /\bnon[- ]?business\b/i;
const NOTHING_FILED = 'I have not filed anything; ask for it when you need it.';
const GENERAL = `That sounds like a question, not a request, so I have not filed anything. Who decides depends on what is asked and where: Production environments and tenant-wide changes need a senior approver too, a sandbox needs one admin. Name it and I'll tell you, for example "if I asked for the maker role in Contoso Dev, who would approve?".`;

export class DryRunChat {
  constructor(private readonly bot: BotContext) {}

  async answer(context: TurnContext, userId: string, u: Understanding): Promise<void> {
    const part = hypotheticalRequest(u.parsed.text);
    const snapshot = await this.bot.catalogue.get();
    const asked = part ? understand(part, snapshot, { requesterId: userId, now: this.bot.clock() }) : undefined;
    const prepared = asked ? await this.prepare(asked, userId) : undefined;
    if (prepared?.kind === 'answer')
      return void (await context.sendActivity(textReply(`${prepared.message} I have not filed anything.`)));
    if (prepared?.kind !== 'ready') return void (await context.sendActivity(textReply(GENERAL)));
    const request = await this.bot.service.dryRun({ requesterId: userId, details: prepared.details });
    if (!request) return void (await context.sendActivity(textReply(GENERAL)));
    const sentence = await whoDecidesFor(this.bot, request, 'hypothetical');
    // Group names lead the sentence as they are; "Nobody …" and "The policy …" continue the clause.
    const clause = /^(Nobody|The policy)\b/.test(sentence) ? sentence[0]?.toLowerCase() + sentence.slice(1) : sentence;
    await context.sendActivity(textReply(`If you asked for ${subject(prepared.details)}, ${clause} ${NOTHING_FILED}`));
  }

  /** The request as the intake reads it, checked against the tenant like a real one; undefined when too vague. */
  private async prepare(asked: Understanding, userId: string): Promise<Preparation | undefined> {
    const preparer = this.bot.preparer;
    const env = asked.environment;
    const environmentId = env.value && env.confidence !== 'ambiguous' && env.confidence !== 'none' ? env.value.id : '';
    if (asked.kind === 'maker-role' && environmentId && preparer)
      return preparer.makerRole({ requesterId: userId, environmentId });
    const connector = asked.connectors.accepted[0]?.connector.name;
    if (asked.kind === 'unblock-connector' && environmentId && connector && preparer) {
      const prepared = await preparer.connectorUnblock({ requesterId: userId, environmentId, connectorId: connector });
      // The choices an approver could make, when the question names them: they change who decides.
      const text = asked.parsed.text;
      if (prepared.kind !== 'ready' || prepared.details.type !== 'connector-unblock') return prepared;
      const scope = TENANT_WIDE.test(text) ? 'tenant-wide' : prepared.details.scope;
      const classification =
        BUSINESS.test(text) && !NON_BUSINESS.test(text) ? 'Confidential' : prepared.details.classification;
      return { ...prepared, details: { ...prepared.details, scope, classification } };
    }
    if (asked.kind === 'new-environment') {
      // Routing reads the type (and Dataverse); the name and region do not change who decides.
      const ne = asked.parsed.newEnvironment;
      return {
        kind: 'ready',
        details: {
          type: 'new-environment',
          displayName: ne.name ?? 'New environment',
          sku: ne.sku ?? 'Sandbox',
          location: asked.location.value?.name ?? 'unitedstates',
          dataverse: ne.dataverse ? { domainName: 'hypothetical', currency: 'USD', languageLcid: 1033 } : undefined,
        },
      };
    }
    return undefined;
  }
}

/** "the Environment Maker role in IT Tools (a Production environment)". */
function subject(d: RequestDetails): string {
  switch (d.type) {
    case 'maker-role':
      return `the Environment Maker role in ${d.environment.displayName} (a ${d.environment.sku} environment)`;
    case 'connector-unblock': {
      const how = [
        d.scope === 'tenant-wide' ? 'tenant-wide' : undefined,
        d.classification === 'Confidential' ? 'as Business' : undefined,
      ].filter(Boolean);
      return `${d.connector.displayName} in ${d.environment.displayName} (a ${d.environment.sku} environment)${how.length > 0 ? `, ${how.join(' ')}` : ''}`;
    }
    case 'new-environment':
      return `a new ${d.sku} environment`;
    default:
      return 'this';
  }
}
