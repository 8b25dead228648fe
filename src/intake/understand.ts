// Parse + resolve: from one message to an intent with resolved entities and a score for each, the single
// input of the dialogue. Deterministic; the optional language-model path produces the same shape.
import type { Connector, Environment, Location } from '../tenant/tenant-admin.js';
import type { CatalogueSnapshot } from './catalogue.js';
import { canonical } from './entity-index.js';
import { type IntentKind, isRequestIntent, type ParsedMessage } from './intent.js';
import { type NotAsked, notAsked } from './not-asked.js';
import { parseMessage } from './parse.js';
import {
  type ConnectorResolution,
  indexCatalogue,
  type Resolved,
  resolveConnectors,
  resolveEnvironment,
  resolveLocation,
} from './resolve.js';
import { someoneElse } from './someone-else.js';
import { STOPWORDS, type Token } from './text.js';

export interface Understanding {
  kind: IntentKind;
  /** How sure the intent is (0..1). */
  intentScore: number;
  parsed: ParsedMessage;
  environment: Resolved<Environment>;
  connectors: ConnectorResolution;
  location: Resolved<Location>;
  /** A connector name the user typed that the catalogue does not have ("twilio"). */
  unknownConnector?: string | undefined;
  /** An environment name the language model read that the catalogue does not have (typed names: environment.unmatched). */
  unknownEnvironment?: string | undefined;
  /** Set when the message mentions a request without asking for one: nothing is filed, the bot answers. */
  notAsked?: NotAsked | undefined;
  /** With notAsked 'someone-else': the directory name of the person the access is for, when one was named. */
  forPerson?: string | undefined;
  /** Who read the wording: the deterministic parser (default) or the optional language model. */
  source?: 'parser' | 'language-model' | undefined;
}

/** Below this, the wording points nowhere: answer with help, do not guess an intent. */
export const MIN_INTENT_SCORE = 0.4;

/** Ties between intents go to the earlier one. */
const PRIORITY: IntentKind[] = [
  'answer-info',
  'decide',
  'set-channel',
  'extend',
  'audit',
  'licence-report',
  'unblock-connector',
  'maker-role',
  'new-environment',
  'cancel',
  'status',
  'list-pending',
  'list-mine',
  'help',
  'thanks',
  'greeting',
];

export function understand(
  text: string,
  snapshot: CatalogueSnapshot,
  options: { requesterId?: string | undefined; now?: Date | undefined } = {},
): Understanding {
  const parsed = parseMessage(text, options.now);
  return resolveParsed(parsed, snapshot, options.requesterId);
}

export function resolveParsed(parsed: ParsedMessage, snapshot: CatalogueSnapshot, requesterId?: string): Understanding {
  const index = indexCatalogue(snapshot);
  let connectors = resolveConnectors(parsed.tokens, index);
  if (connectors.accepted.length === 0 && !connectors.ambiguous) {
    const wider = resolveConnectors(parsed.allTokens, index);
    if (wider.accepted.some((a) => a.confidence === 'high')) connectors = wider;
  }
  // A new environment's "with/without Dataverse" is one of its options, not the Dataverse connector.
  if (parsed.newEnvironment.dataverse !== undefined && isNewEnvironmentWording(parsed))
    connectors = withoutDataverse(connectors);
  // "unblock gmail, no wait, outlook.com": what follows a correction replaces what it corrects.
  const corrected = correctionTail(parsed.tokens);
  if (corrected) {
    const fixed = resolveConnectors(corrected, index);
    if (fixed.accepted.length > 0) connectors = fixed;
  }
  const envTokens = parsed.tokens.filter((t) => !connectors.used.has(t.index));
  let environment = resolveEnvironment(envTokens, index, requesterId);
  if (corrected) {
    const fixed = resolveEnvironment(
      corrected.filter((t) => !connectors.used.has(t.index)),
      index,
      requesterId,
    );
    if (fixed.confidence === 'high' || fixed.confidence === 'medium') environment = fixed;
  }
  // Ambiguous: look further only when a later word is a word of some environment's name (cheap to know).
  const vague =
    environment.confidence === 'none' ||
    (environment.confidence === 'ambiguous' &&
      parsed.allTokens.some(
        (t) => t.index >= parsed.tokens.length && index.environments.frequency(canonical(t.norm)) > 0,
      ));
  if (vague && parsed.allTokens.length > parsed.tokens.length) {
    // The name may sit after the reason ("maker role to build the budget app in Finance Sandbox"), and a
    // vague word before it ("I'm in the finance team ... in Finance Sandbox") must not hide it.
    const wider = resolveEnvironment(
      parsed.allTokens.filter((t) => !connectors.used.has(t.index) || t.index >= parsed.tokens.length),
      index,
      requesterId,
    );
    const fits = environment.confidence === 'none' || environment.options.some((e) => e.id === wider.value?.id);
    if (wider.confidence === 'high' && fits) environment = wider;
  }
  let location = resolveLocation(parsed.tokens, snapshot.locations);
  if (location.confidence === 'none') location = resolveLocation(parsed.allTokens, snapshot.locations);

  const scores: Partial<Record<IntentKind, number>> = { ...parsed.cues };
  const connectorNamed = connectors.accepted.length > 0 || Boolean(connectors.ambiguous);
  // "I don't need Dropbox anymore", "we no longer use Salesforce": a connector named in a negation is not
  // asked for (an explicit "unblock" still is).
  const negated = NEGATED_NEED.test(parsed.text) && (scores['unblock-connector'] ?? 0) < 1;
  if (negated) delete scores['unblock-connector'];
  else if (connectorNamed) scores['unblock-connector'] = (scores['unblock-connector'] ?? 0) + 0.5;
  if (environment.confidence !== 'none' && !connectorNamed && (scores['maker-role'] ?? 0) > 0)
    scores['maker-role'] = (scores['maker-role'] ?? 0) + 0.2;
  // A request id makes status / cancel / decide concrete.
  if (parsed.requestIds.length > 0) {
    if (scores.cancel) scores.cancel += 0.5;
    if (scores.status) scores.status += 0.3;
    else if (!scores.decide && !scores.cancel && !scores.audit && !scores.extend && !scores['answer-info'])
      scores.status = 0.7;
  }
  // "status of my maker role request", "scrap my dropbox request": about a request, not asking for a new one.
  if (REQUEST_REFERENCE.test(parsed.text)) {
    if (scores.status) scores.status += 0.3;
    if (scores.cancel) scores.cancel += 0.3;
  }
  // "did anyone look at my request yet?": a question about a request already made.
  if (
    !scores.status &&
    REQUEST_REFERENCE.test(parsed.text) &&
    /\? ?$|^ ?(did|has|have|is|was|any)\b/i.test(parsed.text)
  )
    scores.status = 0.7;
  // "what is happening with my maker role request in Contoso Test?": asks about a request already made, however
  // plainly it names what was asked for; never a new one (not "… my request for X").
  if (STATUS_WORDING.test(parsed.text) && MY_REQUEST.test(parsed.text)) {
    for (const k of REQUEST_KINDS) delete scores[k];
    scores.status = Math.max(scores.status ?? 0, 0.7);
  }
  // "how do I ask for a connector?": a question about the bot, when nothing concrete is named. Not when the
  // wording names a request plainly ("how do I become a maker?"): then it is that request, asked back.
  const plainRequest = REQUEST_KINDS.some((k) => (scores[k] ?? 0) >= 1);
  if ((scores.help ?? 0) >= 0.6 && !connectorNamed && environment.confidence === 'none' && !plainRequest)
    scores.help = offTopicPlea(parsed) ? MIN_INTENT_SCORE / 2 : (scores.help ?? 0) + 0.5;
  // Pleasantries around a real message ("Hi, any update on REQ-1001?", "it would be appreciated if ...")
  // are manners, not the message.
  const substance = Object.entries(scores).some(
    ([k, v]) => !PLEASANTRIES.includes(k as IntentKind) && (v ?? 0) >= MIN_INTENT_SCORE,
  );
  if (substance) for (const k of PLEASANTRIES) if (scores[k]) scores[k] = Math.min(scores[k] ?? 0, 0.3);
  if (scores.decide) scores.decide = 2;
  // Commands about something that exists (a request, the audit trail, licences) outrank the request wording
  // they quote: "extend my maker role in Finance Sandbox", "audit of maker grants in IT Tools".
  if (parsed.answerText !== undefined && (scores['answer-info'] ?? 0) >= 0.9) scores['answer-info'] = 2.5;
  if ((scores.extend ?? 0) >= 1) scores.extend = 2;
  if ((scores.audit ?? 0) >= 1) scores.audit = 1.5;
  if ((scores['licence-report'] ?? 0) >= 1) scores['licence-report'] = 1.5;
  if (scores['set-channel']) scores['set-channel'] = 2;
  if (
    scores['new-environment'] &&
    scores['maker-role'] === 1 &&
    !/\b(new|create|provision)\b/.test(parsed.text.toLowerCase())
  )
    scores['new-environment'] = 0.5;

  let kind: IntentKind = 'unknown';
  let best = 0;
  for (const k of PRIORITY) {
    const s = scores[k] ?? 0;
    if (s > best + 1e-9) {
      best = s;
      kind = k;
    }
  }
  if (best < MIN_INTENT_SCORE) kind = 'unknown';

  const understanding: Understanding = {
    kind,
    intentScore: Math.min(1, best),
    parsed,
    environment,
    connectors,
    location,
  };
  // Never file what was not asked: a withdrawal, a hypothetical, giving access up, something off our scope.
  // A withdrawal worded as a cancel ("I don't need Dropbox anymore, cancel that") goes to the cancel flow.
  // A cancel that gives up a grant one holds ("I no longer need my Box exception") is a release, not a withdrawal.
  const reading =
    isRequestIntent(kind) ||
    ['unknown', 'help', 'greeting'].includes(kind) ||
    (kind === 'cancel' && !parsed.requestIds.length)
      ? notAsked(parsed.text)
      : undefined;
  const held = kind === 'cancel' && reading !== 'release' ? undefined : reading;
  if (held) {
    understanding.notAsked = held;
    understanding.kind = 'unknown';
    return understanding;
  }
  // Requests are filed for the sender only: one for someone else would grant the wrong person.
  const other = isRequestIntent(kind)
    ? someoneElse(parsed.text, snapshot, requesterId, kind === 'new-environment')
    : undefined;
  if (other) {
    understanding.notAsked = 'someone-else';
    understanding.forPerson = other.name;
    understanding.kind = 'unknown';
    return understanding;
  }
  if (kind === 'unblock-connector' && !connectorNamed)
    understanding.unknownConnector = unknownConnectorText(parsed.text);
  if (!isRequestIntent(kind) && kind !== 'unknown') {
    // Names in "status" or "help" messages are not requests: keep them for the log only.
  }
  return understanding;
}

const REQUEST_KINDS: IntentKind[] = ['maker-role', 'unblock-connector', 'new-environment'];
const PLEASANTRIES: IntentKind[] = ['greeting', 'thanks'];
/** "my maker role request", "the dropbox ticket", "that req". */
const MY_REQUEST = /\bmy (\w+ ){0,4}(request|ticket)\b(?! (for|to)\b)/i;
const STATUS_WORDING =
  /\b(what'?s|what is|how'?s|how is|any (news|update|progress)|status|progress|happening|happened|updates? on|news on|where is|stuck)\b/i;
const REQUEST_REFERENCE = /\b(my|the|that|this) (\w+ ){0,3}(request|ticket|ask|req)\b/i;
/** "don't need X anymore", "no longer use", "not using X any more", "stopped using". */
const NEGATED_NEED =
  /\b(don'?t|do not|doesn'?t|does not|no longer|(?<!\bcan )not|never|stopped) (\w+ )?(need|needs|needed|use|using|want|wants|require|requires)\b|\bany ?more\b/i;

/** "my laptop keeps restarting, can you help": a plea about something else, not a question about the bot. */
function offTopicPlea(parsed: ParsedMessage): boolean {
  if (ABOUT_THE_BOT.test(parsed.text)) return false;
  const content = parsed.allTokens.filter((t) => t.norm.length > 2 && t.norm !== 'help' && !STOPWORDS.has(t.norm));
  return content.length >= 3;
}
const ABOUT_THE_BOT =
  /\b((who|what) are you|bot|commands?|explain|instructions|what (can|do|does)|how (do|does|can|to)|maker|connectors?|environments?|requests?|approv\w*|licen[cs]\w*|audit)\b/i;

/** Word sequences that take back what was just written: "sorry, I meant", "no wait", "or rather". */
const CORRECTION_MARKERS = [
  ['meant'],
  ['i', 'mean'],
  ['no', 'wait'],
  ['or', 'rather'],
  ['make', 'that'],
  ['scratch', 'that'],
];

/** The words after the last correction inside a message, when something precedes it. */
function correctionTail(tokens: Token[]): Token[] | undefined {
  for (let i = tokens.length - 1; i > 0; i--) {
    const marker = CORRECTION_MARKERS.find((m) => m.every((w, k) => tokens[i + k]?.norm === w));
    if (marker) return tokens.slice(i + marker.length);
  }
  return undefined;
}

function isNewEnvironmentWording(parsed: ParsedMessage): boolean {
  return (parsed.cues['new-environment'] ?? 0) >= 0.9 && (parsed.cues['unblock-connector'] ?? 0) < 1;
}

function withoutDataverse(c: ConnectorResolution): ConnectorResolution {
  const isDataverse = (name: string) => name === 'shared_commondataserviceforapps';
  const accepted = c.accepted.filter((a) => !isDataverse(a.connector.name));
  if (accepted.length === c.accepted.length) return c;
  return { ...c, accepted };
}

const USE_VERB = /\b(?:unblock|allow|enable|whitelist|use|using|unban) (?:(?:the|a|my) )?(?=[a-z0-9])/i;
const PHRASE_END = /(?: connector)?(?: (?:in|on|for|at|so|because|to|please|pls|within|inside)\b|[,.;!?]|$)/i;

/**
 * "unblock Foo Cloud in …": up to 41 characters after the verb, to a joining word or punctuation. In code rather
 * than one regex with a lazy bounded phrase and a look-ahead (polynomial on repeated verbs, says recheck).
 */
function unknownConnectorText(text: string): string | undefined {
  const lead = USE_VERB.exec(text);
  if (!lead) return undefined;
  const window = text.slice(lead.index + lead[0].length, lead.index + lead[0].length + 60);
  const end = PHRASE_END.exec(window);
  const candidate = end && end.index >= 2 && end.index <= 41 ? window.slice(0, end.index) : undefined;
  const m = candidate && /^[\w.\- ]+$/.test(candidate) ? [candidate, candidate] : undefined;
  const phrase = m?.[1]?.trim();
  if (!phrase) return undefined;
  const words = phrase.toLowerCase().split(/\s+/);
  if (words.every((w) => STOPWORDS.has(w))) return undefined;
  return phrase;
}

/** Compact, explainable summary for the debug log (no personal data beyond ids of things). */
export function explain(u: Understanding): Record<string, unknown> {
  const env = u.environment;
  return {
    source: u.source ?? 'parser',
    intent: u.kind,
    intentScore: round(u.intentScore),
    cues: Object.fromEntries(Object.entries(u.parsed.cues).map(([k, v]) => [k, round(v ?? 0)])),
    environment: env.value
      ? {
          id: env.value.id,
          name: env.value.displayName,
          score: round(env.score),
          confidence: env.confidence,
          how: env.how,
        }
      : { confidence: env.confidence, options: env.options.map((e) => e.displayName).slice(0, 6) },
    connectors: u.connectors.accepted.map((a) => ({
      name: a.connector.name,
      score: round(a.score),
      confidence: a.confidence,
      how: a.how,
    })),
    connectorChoices: u.connectors.ambiguous?.map((c: Connector) => c.name),
    unknownEnvironment: u.unknownEnvironment,
    unknownConnector: u.unknownConnector,
    location: u.location.value?.name,
    requestIds: u.parsed.requestIds,
    newEnvironment: u.parsed.newEnvironment,
    grantEndsAt: u.parsed.grantEndsAt,
    answer: u.parsed.answer,
  };
}

const round = (n: number) => Math.round(n * 100) / 100;

export type { Token };
