// The optional language-model reading of a message: the model names the intent and copies the names the
// user typed; it never supplies ids. Everything it returns goes through the same catalogue resolution
// (scores, asking back, confirmation) as the deterministic parser, whose reading of the same message is the
// base: request ids, verdicts, durations and short answers always come from the parser.
import { z } from 'zod';
import type { CatalogueSnapshot } from './catalogue.js';
import { INTENT_KINDS, isRequestIntent } from './intent.js';
import {
  type ConnectorResolution,
  indexCatalogue,
  type Resolved,
  resolveConnectors,
  resolveEnvironment,
  resolveLocation,
} from './resolve.js';
import { tokenize } from './text.js';
import { MIN_INTENT_SCORE, type Understanding } from './understand.js';

const SKUS = ['Production', 'Sandbox', 'Trial', 'Developer'] as const;
const name = z.string().trim().min(1).max(120);

/** What the model may say about one message (anything else is dropped; a bad shape means "no answer"). */
export const ExtractionSchema = z.object({
  intent: z.enum(INTENT_KINDS),
  environment: name.optional(),
  connectors: z.array(name).max(10).optional(),
  newEnvironment: z
    .object({
      name: name.optional(),
      type: z.enum(SKUS).optional(),
      region: name.optional(),
      dataverse: z.boolean().optional(),
    })
    .optional(),
  justification: z.string().trim().max(500).optional(),
});
export type Extraction = z.infer<typeof ExtractionSchema>;

/** The same shape as JSON Schema, for the model's response validator. */
export const EXTRACTION_JSON_SCHEMA = {
  type: 'object',
  properties: {
    intent: { type: 'string', enum: [...INTENT_KINDS] },
    environment: { type: 'string' },
    connectors: { type: 'array', items: { type: 'string' } },
    newEnvironment: {
      type: 'object',
      properties: {
        name: { type: 'string' },
        type: { type: 'string', enum: [...SKUS] },
        region: { type: 'string' },
        dataverse: { type: 'boolean' },
      },
    },
    justification: { type: 'string' },
  },
  required: ['intent'],
} as const;

/** The instructions sent with every message. No tenant data: the catalogue stays on our side. */
export const EXTRACTION_INSTRUCTIONS = `You read one chat message sent to a Microsoft Power Platform governance bot.
Reply with ONE JSON object and nothing else:
{"intent": "...", "environment": "...", "connectors": ["..."], "newEnvironment": {"name": "...", "type": "...", "region": "...", "dataverse": true}, "justification": "..."}
Only "intent" is required; leave out what the message does not say.
intent is one of:
- "maker-role": the Environment Maker role (rights to build apps or flows) in an existing environment
- "unblock-connector": allow or unblock one or more connectors in an environment
- "new-environment": create a new environment
- "status": how one of the user's requests is going
- "list-mine": list the user's own requests
- "cancel": cancel a request
- "list-pending": an approver asks what waits for approval
- "decide": an approver approves or rejects a request by its id
- "set-channel": choose the approvals, audit or notifications channel
- "audit": an approver asks what happened (the audit trail) for an environment, a request, a person or a time
- "licence-report": an approver asks who holds Power Apps / Power Automate licences
- "answer-info": the user answers a question an approver asked about their request
- "extend": the user asks to keep a time-bound grant (maker role, connector) longer
- "help": what the bot can do
- "greeting", "thanks", or "unknown" for anything else
environment: the name of the existing environment exactly as the user wrote it.
connectors: the connector names exactly as the user wrote them.
newEnvironment: for a new environment, its name, its type (Production, Sandbox, Trial or Developer), region and whether it needs Dataverse.
justification: the reason the user gives, in their words.
Copy names from the message; never invent, translate or complete them. Never output ids.`;

/**
 * Commands with structured arguments ("approve REQ-12 looks fine", "set approvals channel") are read by the
 * parser alone: the model could only add doubt to them, so it is not asked.
 */
export function parserSuffices(base: Understanding): boolean {
  // A request for someone else is never filed, whatever the model reads in it.
  if (base.notAsked === 'someone-else') return true;
  return ['decide', 'set-channel', 'answer-info', 'extend', 'audit', 'licence-report'].includes(base.kind);
}

/**
 * Resolves the model's reading against the catalogue exactly like typed names, on top of the parser's
 * reading of the same text (\`base\`, from understand()). When the parser did not see the model's request
 * intent itself, every entity is at most "medium": the user confirms what the bot understood before
 * anything is filed.
 */
export function resolveExtraction(
  base: Understanding,
  extraction: Extraction,
  snapshot: CatalogueSnapshot,
  requesterId?: string,
): Understanding {
  // The model adds understanding, it does not remove it: "unknown" from it leaves the parser's reading.
  if (parserSuffices(base) || (extraction.intent === 'unknown' && base.kind !== 'unknown'))
    return { ...base, source: 'parser' };
  const parsed = { ...base.parsed, newEnvironment: { ...base.parsed.newEnvironment } };
  const index = indexCatalogue(snapshot);
  const kind = extraction.intent;
  const corroborated = base.kind === kind;

  let environment = base.environment;
  let unknownEnvironment: string | undefined;
  if (extraction.environment && kind !== 'new-environment') {
    environment = resolveEnvironment(tokenize(extraction.environment), index, requesterId);
    unknownEnvironment =
      environment.unmatched ?? (environment.confidence === 'none' ? extraction.environment : undefined);
  }

  let connectors = base.connectors;
  let unknownConnector = base.unknownConnector;
  if (extraction.connectors && extraction.connectors.length > 0) {
    ({ connectors, unknownConnector } = resolveConnectorNames(extraction.connectors, index));
  }

  const ne = extraction.newEnvironment;
  let location = base.location;
  if (ne?.region && !location.value) {
    const named = resolveLocation(tokenize(ne.region), snapshot.locations);
    if (named.value) location = named;
  }
  // The parser's findings win; the model fills what it missed.
  const given = parsed.newEnvironment;
  if (ne?.name && !given.name) given.name = ne.name;
  if (ne?.type && !given.sku) given.sku = ne.type;
  if (ne?.dataverse !== undefined && given.dataverse === undefined) given.dataverse = ne.dataverse;
  if (extraction.justification && !parsed.justification) parsed.justification = extraction.justification;

  if (!corroborated && isRequestIntent(kind)) {
    environment = atMostMedium(environment);
    connectors = {
      ...connectors,
      accepted: connectors.accepted.map((a) => ({ ...a, confidence: 'medium' as const })),
    };
  }
  return {
    kind,
    intentScore: corroborated ? base.intentScore : MIN_INTENT_SCORE,
    parsed,
    environment,
    connectors,
    location,
    unknownConnector: kind === 'unblock-connector' && connectors.accepted.length === 0 ? unknownConnector : undefined,
    unknownEnvironment,
    source: 'language-model',
  };
}

function resolveConnectorNames(
  names: string[],
  index: ReturnType<typeof indexCatalogue>,
): { connectors: ConnectorResolution; unknownConnector?: string | undefined } {
  const accepted: ConnectorResolution['accepted'] = [];
  let ambiguous: ConnectorResolution['ambiguous'];
  let unknownConnector: string | undefined;
  for (const typed of names) {
    const r = resolveConnectors(tokenize(typed), index);
    for (const a of r.accepted)
      if (!accepted.some((x) => x.connector.name === a.connector.name)) accepted.push({ ...a, how: `model:${a.how}` });
    if (r.accepted.length === 0 && r.ambiguous) ambiguous ??= r.ambiguous;
    if (r.accepted.length === 0 && !r.ambiguous) unknownConnector ??= typed;
  }
  return {
    connectors: { accepted, ambiguous: accepted.length > 0 ? undefined : ambiguous, used: new Set() },
    unknownConnector,
  };
}

function atMostMedium<T>(r: Resolved<T>): Resolved<T> {
  return r.confidence === 'high' ? { ...r, confidence: 'medium' } : r;
}
