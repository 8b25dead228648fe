// Resolves what people typed against the live catalogue: environments, connectors, locations. Every result
// carries a score and a confidence level, so the dialogue can file, confirm or ask back, never guess.

import type { Connector, Environment, Location } from '../tenant/tenant-admin.js';
import type { CatalogueSnapshot } from './catalogue.js';
import {
  canonical,
  EntityIndex,
  type EntityScore,
  HIGH_SCORE,
  type IndexedEntity,
  nameWords,
  OFFER_WINDOW,
  PARTIAL_FLOOR,
} from './entity-index.js';
import type { Token } from './text.js';

/**
 * high: file without asking; medium: show a summary with Confirm / Change first; ambiguous: ask which one;
 * none: nothing matched.
 */
export type Confidence = 'high' | 'medium' | 'ambiguous' | 'none';

/** Thresholds, in one place so the corpus and the docs quote the same numbers. */
export const THRESHOLDS = {
  /** At or above: the entity is taken as named (when no typo was corrected). */
  high: HIGH_SCORE,
  /** At or above (and clearly ahead): taken, but the user confirms before anything is filed. */
  medium: 0.6,
  /** The best must lead the runner-up by this much, or the bot asks which one. */
  lead: 0.25,
  /** Runners-up within this distance of the best are offered as choices. */
  offer: OFFER_WINDOW,
} as const;

export interface Resolved<T> {
  confidence: Confidence;
  value?: T | undefined;
  score: number;
  /** Candidates to offer when ambiguous (or suggestions when none). */
  options: T[];
  /** Why, for the debug log. */
  how?: string | undefined;
  corrected?: string[] | undefined;
  /**
   * The name as typed when it matches no entity but resembles one of another type ("Marketing Production" in a
   * tenant with only Marketing Sandbox): the bot says so and asks back with the closest candidates.
   */
  unmatched?: string | undefined;
}

/** Kept for the one old caller: a Resolution over environments. */
export function decide<T>(
  scores: EntityScore<T>[],
  fallback: T[] = [],
  offerable: (value: T) => boolean = () => true,
): Resolved<T> {
  const best = scores[0];
  if (!best) return { confidence: 'none', score: 0, options: fallback };
  const second = scores[1];
  const lead = best.score - (second?.score ?? 0);
  const offered = scores
    .filter((s) => s.score >= best.score - THRESHOLDS.offer && offerable(s.entity.value))
    .slice(0, 6)
    .map((s) => s.entity.value);
  const how = `${best.how}${best.corrected.length ? ` typo:${best.corrected.join(',')}` : ''}`;
  if (lead < THRESHOLDS.lead || best.score < THRESHOLDS.medium) {
    // Nothing left to offer (only look-alikes nobody may be shown): no reading, the bot asks which environment.
    if (offered.length === 0) return { confidence: 'none', score: best.score, options: [], how };
    return { confidence: 'ambiguous', score: best.score, options: offered, how, corrected: best.corrected };
  }
  const confidence = best.score >= THRESHOLDS.high && best.corrected.length === 0 ? 'high' : 'medium';
  return { confidence, value: best.entity.value, score: best.score, options: offered, how, corrected: best.corrected };
}

// ---- the indexes, built once per catalogue snapshot ----

export interface CatalogueIndex {
  snapshot: CatalogueSnapshot;
  environments: EntityIndex<Environment>;
  connectors: EntityIndex<Connector>;
}

const indexes = new WeakMap<CatalogueSnapshot, CatalogueIndex>();

export function indexCatalogue(snapshot: CatalogueSnapshot): CatalogueIndex {
  let index = indexes.get(snapshot);
  if (!index) {
    index = {
      snapshot,
      environments: new EntityIndex(snapshot.environments.map(environmentEntry)),
      connectors: new EntityIndex(snapshot.connectors.map(connectorEntry)),
    };
    indexes.set(snapshot, index);
  }
  return index;
}

function environmentEntry(env: Environment): IndexedEntity<Environment> {
  const names = [nameWords(env.displayName), [env.id.toLowerCase()]];
  if (env.domainName) names.push([env.domainName.toLowerCase()]);
  if (env.isDefault) names.push(['default']);
  return { id: env.id, label: env.displayName, value: env, names: names.filter((n) => n.length > 0) };
}

/** What people call connectors, by the connector's name (shared_xxx). Only used when the tenant has it. */
const CONNECTOR_ALIASES: Record<string, string[]> = {
  shared_twitter: ['twitter', 'tweet', 'tweets'],
  shared_sql: ['sql', 'sql server', 'sqlserver', 'mssql', 'azure sql', 'sql db', 'sql database'],
  shared_salesforce: ['salesforce', 'sfdc', 'sales force', 'sf'],
  shared_office365: ['outlook', 'office 365 outlook', 'o365 outlook', 'exchange', 'office 365 mail', 'outlook 365'],
  shared_outlook: ['outlook com', 'hotmail', 'outlookcom'],
  shared_teams: ['teams', 'ms teams', 'msteams', 'microsoft teams'],
  shared_sharepointonline: ['sharepoint', 'sharepoint online', 'spo', 'share point'],
  shared_excelonlinebusiness: ['excel', 'excel online', 'excel business'],
  shared_onedriveforbusiness: ['onedrive', 'one drive', 'onedrive for business', 'odfb'],
  shared_commondataserviceforapps: ['dataverse', 'cds', 'common data service'],
  shared_googledrive: ['google drive', 'gdrive', 'googledrive'],
  shared_gmail: ['gmail', 'google mail'],
  shared_github: ['github', 'git hub'],
  shared_servicenow: ['servicenow', 'service now', 'snow'],
  shared_azureblob: ['blob', 'azure blob', 'blob storage', 'azure storage'],
  shared_keyvault: ['key vault', 'keyvault', 'akv', 'azure key vault'],
  shared_azureopenai: ['openai', 'azure openai', 'aoai', 'gpt', 'chatgpt'],
  shared_azuread: ['entra', 'entra id', 'azure ad', 'aad', 'azure active directory'],
  shared_webcontents: ['http', 'http with entra id', 'http with azure ad'],
  shared_powerbi: ['power bi', 'powerbi', 'pbi'],
  shared_yammer: ['yammer', 'viva engage'],
  shared_todo: ['todo', 'to do', 'microsoft todo'],
  shared_sftpwithssh: ['sftp', 'ssh'],
  shared_flowpush: ['notifications', 'push notifications'],
  shared_office365users: ['office 365 users', 'o365 users'],
  shared_office365groups: ['office 365 groups', 'o365 groups'],
  shared_onenote: ['onenote', 'one note'],
  shared_docusign: ['docusign', 'docu sign'],
  shared_mailchimp: ['mailchimp', 'mail chimp'],
  shared_sendgrid: ['sendgrid', 'send grid'],
  shared_wordpress: ['wordpress', 'word press'],
  shared_youtube: ['youtube', 'you tube'],
};

function connectorEntry(c: Connector): IndexedEntity<Connector> {
  const display = c.displayName.replace(/\([^()]*\)/g, ' ');
  const names = [nameWords(display), [c.name.toLowerCase()], [c.name.toLowerCase().replace(/^shared_/, '')]];
  for (const alias of CONNECTOR_ALIASES[c.name.toLowerCase()] ?? []) names.push(nameWords(alias));
  return { id: c.name, label: c.displayName, value: c, names: names.filter((n) => n.length > 0) };
}

// ---- environments ----

const OWN = new Set(['my', 'mine', 'own', 'personal']);
const SKU_WORDS: Record<string, Environment['sku']> = {
  dev: 'Developer',
  sandbox: 'Sandbox',
  production: 'Production',
  trial: 'Trial',
  test: 'Sandbox',
  default: 'Default',
};

export function resolveEnvironment(
  tokens: Token[],
  index: CatalogueIndex,
  requesterId?: string,
): Resolved<Environment> {
  const envs = index.snapshot.environments;
  const byId = tokens.some((t) => t.norm.length === 8 && /^[0-9a-f]{8}$/.test(t.norm))
    ? envs.find((e) => tokensContainId(tokens, e.id))
    : undefined;
  if (byId) return { confidence: 'high', value: byId, score: 1, options: [byId], how: 'id' };
  // "my dev environment": the requester's own environment, of that type when one is named.
  const own = possessive(tokens);
  if (own && requesterId) {
    const mine = envs.filter((e) => e.createdBy === requesterId && !e.isDefault);
    const typed = own.sku ? mine.filter((e) => e.sku === own.sku) : mine;
    if (typed.length === 1 && typed[0])
      return { confidence: 'high', value: typed[0], score: 1, options: typed, how: 'possessive' };
    if (typed.length > 1) return { confidence: 'ambiguous', score: 0.5, options: typed, how: 'possessive' };
    if (mine.length > 0 && !own.sku) return { confidence: 'ambiguous', score: 0.5, options: mine, how: 'possessive' };
  }
  const scores = index.environments.score(tokens);
  const offerable = (env: Environment) => offerableTo(env, requesterId);
  const decided = decide(scores, [], offerable);
  const best = scores[0];
  if (!best || !decided.value || (decided.confidence !== 'high' && decided.confidence !== 'medium')) return decided;
  const clash = typeClash(tokens, best, (w) => index.environments.correct(w));
  if (!clash) return decided;
  // "Marketing Production" is never Marketing Sandbox, nor "Sales Sandbox" Sales Trial: a type word the name does not
  // have means a name that does not exist. Ask, offering the closest few (the look-alike first).
  return {
    confidence: 'ambiguous',
    score: decided.score,
    options: scores
      .map((s) => s.entity.value)
      .filter(offerable)
      .slice(0, MAX_STRETCH_OPTIONS),
    how: `${decided.how} other-type:${clash.word}`,
    unmatched: clash.typed,
  };
}

/**
 * Whether an environment may be offered as a candidate: a Developer environment is its creator's own, so another
 * maker is never shown it (nor its owner's name) among the closest ones.
 */
export function offerableTo(env: Environment, requesterId: string | undefined): boolean {
  return env.sku !== 'Developer' || (requesterId !== undefined && env.createdBy === requesterId);
}

/** How many candidates the bot offers for a name that matches no environment. */
const MAX_STRETCH_OPTIONS = 3;

/** Words that say which type of environment is meant (canonical forms: "prod", "uat" and the like map here). */
const TYPE_WORDS = new Set(['production', 'sandbox', 'dev', 'test', 'trial']);
/** The type word that an environment of each type answers to even when its name lacks it ("IT Tools production"). */
const SKU_WORD: Record<string, string> = {
  Production: 'production',
  Sandbox: 'sandbox',
  Developer: 'dev',
  Trial: 'trial',
};
/** Words that may sit between a name and its type word: "Marketing environment (prod)", "the prod env". */
const NAME_FILLER = new Set(['environment', 'environments', 'env', 'envs', 'instance', 'the', 'our', 'one']);

/**
 * A type word typed inside or right beside the words that matched the best environment, that is neither a word of its
 * name nor its own type: "Marketing Production" matched Marketing Sandbox by "marketing" alone. Returns the word and
 * the name as typed. Only the neighbours are read, so "maker role in marketing to test a flow" is fine.
 */
function typeClash(
  tokens: Token[],
  best: EntityScore<Environment>,
  correct: (word: string) => string | undefined,
): { word: string; typed: string } | undefined {
  if (best.matched.length === 0) return undefined;
  const own = new Set(best.entity.names.flat());
  const first = Math.min(...best.matched);
  const last = Math.max(...best.matched);
  const ownType = SKU_WORD[best.entity.value.sku];
  const clashes = (i: number): boolean => {
    const typed = canonical(tokens[i]?.norm ?? '');
    // A misspelt type word ("prodution", "sanbox") says the type all the same.
    const w = TYPE_WORDS.has(typed) || typed.length < 4 ? typed : (correct(typed) ?? typed);
    return TYPE_WORDS.has(w) && !own.has(w) && w !== ownType;
  };
  const candidates: number[] = [];
  for (let i = first + 1; i < last; i++) if (!best.matched.includes(i)) candidates.push(i);
  let left = first - 1;
  while (left >= 0 && NAME_FILLER.has(tokens[left]?.norm ?? '')) left--;
  let right = last + 1;
  while (right < tokens.length && NAME_FILLER.has(tokens[right]?.norm ?? '')) right++;
  candidates.push(left, right);
  const at = candidates.find((i) => i >= 0 && i < tokens.length && clashes(i));
  if (at === undefined) return undefined;
  const from = Math.min(first, at);
  const to = Math.max(last, at);
  const typed = tokens
    .slice(from, to + 1)
    .map((t) => t.raw)
    .join(' ');
  return { word: tokens[at]?.norm ?? '', typed };
}

/** "my dev env", "my own sandbox", "my environment": the words after my/own up to an environment word. */
function possessive(tokens: Token[]): { sku?: Environment['sku'] | undefined } | undefined {
  for (let i = 0; i < tokens.length; i++) {
    if (!OWN.has(tokens[i]?.norm ?? '')) continue;
    let sku: Environment['sku'] | undefined;
    for (let j = i + 1; j <= i + 3 && j < tokens.length; j++) {
      const w = canonical(tokens[j]?.norm ?? '');
      if (SKU_WORDS[w] && w !== 'test' && w !== 'default') sku = SKU_WORDS[w];
      if (
        ['environment', 'env', 'environments', 'envs', 'instance'].includes(w) ||
        (sku && j === i + 1 && tokens[j + 1] === undefined)
      )
        return { sku };
      if (sku && ['one', 'box'].includes(canonical(tokens[j + 1]?.norm ?? ''))) return { sku };
    }
  }
  return undefined;
}

function tokensContainId(tokens: Token[], id: string): boolean {
  const parts = id.toLowerCase().split('-');
  if (parts.length < 2) return false;
  return tokens.some((_t, i) => parts.every((p, k) => tokens[i + k]?.norm === p));
}

// ---- connectors: several may be named in one message ----

export interface ConnectorResolution {
  /** Connectors named clearly (one request each). */
  accepted: { connector: Connector; confidence: 'high' | 'medium'; score: number; how: string }[];
  /** A mention that fits several connectors: ask which. */
  ambiguous?: Connector[] | undefined;
  /** Token indexes used by connector mentions (so they are not read as environment words). */
  used: Set<number>;
}

export function resolveConnectors(tokens: Token[], index: CatalogueIndex): ConnectorResolution {
  const scores = index.connectors.score(withoutProductNames(tokens));
  const accepted: ConnectorResolution['accepted'] = [];
  const used = new Set<number>();
  /** Where each accepted connector was named (its first token), in step with accepted. */
  const named: number[] = [];
  for (const s of scores) {
    if (s.score < THRESHOLDS.high - 1e-9) continue;
    // Skip a connector whose words are all inside an already accepted, longer mention (Office 365 Users in "office 365 outlook").
    const subsumed = accepted.some((a) => {
      const prior = scores.find((x) => x.entity.value === a.connector);
      return prior && s.matched.every((m) => prior.matched.includes(m)) && prior.score >= s.score;
    });
    if (subsumed) continue;
    // Two connectors matched exactly by the same words ("outlook"?) is a tie, not two requests.
    const tie = scores.filter((x) => x !== s && x.score === s.score && sameSet(x.matched, s.matched));
    if (tie.length > 0 && s.how !== 'exact') continue;
    accepted.push({
      connector: s.entity.value,
      confidence: s.corrected.length === 0 ? 'high' : 'medium',
      score: s.score,
      how: `${s.how}${s.corrected.length ? ` typo:${s.corrected.join(',')}` : ''}`,
    });
    named.push(Math.min(...s.matched));
    for (const m of s.matched) used.add(m);
  }
  // "Not Dropbox — Box": a connector named right after "not"/"no" is the one not meant, when another is named.
  const meant = accepted.filter((_a, i) => !NEGATION.has(tokens[(named[i] ?? 0) - 1]?.norm ?? ''));
  if (meant.length > 0 && meant.length < accepted.length) return { accepted: meant, used };
  if (accepted.length > 0) return { accepted, used };
  const partial = scores.filter((s) => s.score >= PARTIAL_FLOOR);
  const best = partial[0];
  if (!best) return { accepted, used };
  const offered = partial.filter((s) => s.score >= best.score - THRESHOLDS.offer).slice(0, 6);
  if (offered.length === 1 && best.score >= THRESHOLDS.medium) {
    for (const m of best.matched) used.add(m);
    return {
      accepted: [{ connector: best.entity.value, confidence: 'medium', score: best.score, how: best.how }],
      used,
    };
  }
  for (const s of offered) for (const m of s.matched) used.add(m);
  return { accepted, ambiguous: offered.map((s) => s.entity.value), used };
}

const NEGATION = new Set(['not', 'no']);

/** The second words of Power Platform product names: "Power Apps" is where makers build, not the Power BI connector. */
const POWER_PRODUCTS = new Set(['apps', 'app', 'automate', 'platform', 'pages', 'fx', 'virtual']);

/** The tokens with the words of product names blanked (kept in place: token positions are read by the callers). */
function withoutProductNames(tokens: Token[]): Token[] {
  if (!tokens.some((t, i) => t.norm === 'power' && POWER_PRODUCTS.has(tokens[i + 1]?.norm ?? ''))) return tokens;
  return tokens.map((t, i) =>
    (t.norm === 'power' && POWER_PRODUCTS.has(tokens[i + 1]?.norm ?? '')) ||
    (POWER_PRODUCTS.has(t.norm) && tokens[i - 1]?.norm === 'power')
      ? { ...t, norm: '' }
      : t,
  );
}

function sameSet(a: number[], b: number[]): boolean {
  return a.length === b.length && a.every((x) => b.includes(x));
}

// ---- locations, types and other new-environment fields ----

const LOCATION_ALIASES: Record<string, string[]> = {
  unitedstates: ['us', 'usa', 'united states', 'america', 'american', 'north america', 'na', 'states', 'u s'],
  europe: ['eu', 'europe', 'european', 'emea', 'westeurope', 'northeurope', 'west europe', 'north europe'],
  unitedkingdom: ['uk', 'united kingdom', 'britain', 'great britain', 'gb', 'england', 'uksouth', 'ukwest'],
  asia: ['asia', 'apac', 'asia pacific', 'southeastasia', 'eastasia', 'singapore', 'hong kong'],
  canada: ['canada', 'ca', 'canadian'],
  australia: ['australia', 'au', 'aus', 'oz', 'australian'],
  japan: ['japan', 'jp'],
  india: ['india', 'in'],
  france: ['france', 'fr'],
  germany: ['germany', 'de'],
};
/** Short aliases that are also common words: only when typed in capitals ("US", not "us"). */
const CASE_SENSITIVE = new Set(['us', 'na', 'ca', 'au', 'in', 'de', 'fr', 'gb', 'states', 'oz', 'u s']);

/** Every alias by its first word, in the order above (the first alias that fits wins), built once. */
const ALIASES_BY_FIRST_WORD = (() => {
  const map = new Map<string, { name: string; alias: string; parts: string[] }[]>();
  for (const [name, aliases] of Object.entries(LOCATION_ALIASES))
    for (const alias of aliases) {
      const parts = alias.split(' ');
      const first = parts[0] ?? '';
      map.set(first, [...(map.get(first) ?? []), { name, alias, parts }]);
    }
  return map;
})();

/**
 * Where each name and normalised display name first occurs in a locations list (one per catalogue snapshot), so a
 * word is looked up instead of compared with every location.
 */
const locationIndexes = new WeakMap<Location[], { byName: Map<string, number>; byDisplayName: Map<string, number> }>();

function locationIndex(locations: Location[]) {
  let index = locationIndexes.get(locations);
  if (!index) {
    const byName = new Map<string, number>();
    const byDisplayName = new Map<string, number>();
    locations.forEach((l, k) => {
      if (!byName.has(l.name)) byName.set(l.name, k);
      const display = normaliseWords(l.displayName);
      if (!byDisplayName.has(display)) byDisplayName.set(display, k);
    });
    index = { byName, byDisplayName };
    locationIndexes.set(locations, index);
  }
  return index;
}

export function resolveLocation(tokens: Token[], locations: Location[]): Resolved<Location> {
  const words = tokens.map((t) => t.norm);
  const { byName, byDisplayName } = locationIndex(locations);
  for (let i = 0; i < words.length; i++) {
    for (const { name, alias, parts } of ALIASES_BY_FIRST_WORD.get(words[i] ?? '') ?? []) {
      if (!parts.every((p, k) => words[i + k] === p)) continue;
      if (CASE_SENSITIVE.has(alias) && tokens[i]?.raw !== tokens[i]?.raw.toUpperCase()) continue;
      const location = locations[byName.get(name) ?? -1];
      if (location) return { confidence: 'high', value: location, score: 1, options: [location], how: alias };
    }
    // The first location, in catalogue order, named by this word or by it and the next one.
    const word = words[i] ?? '';
    const pair = i + 1 < words.length ? `${word} ${words[i + 1]}` : word;
    const first = Math.min(
      byName.get(word) ?? Number.POSITIVE_INFINITY,
      byDisplayName.get(pair) ?? Number.POSITIVE_INFINITY,
      byDisplayName.get(word) ?? Number.POSITIVE_INFINITY,
    );
    const named = locations[first];
    if (named) return { confidence: 'high', value: named, score: 1, options: [named], how: 'name' };
  }
  return { confidence: 'none', score: 0, options: locations };
}

function normaliseWords(s: string): string {
  return s
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, ' ')
    .trim();
}

export const AZURE_REGION_OF: Record<string, string> = {
  westeurope: 'westeurope',
  northeurope: 'northeurope',
  uksouth: 'uksouth',
  ukwest: 'ukwest',
  southeastasia: 'southeastasia',
  eastasia: 'eastasia',
};
