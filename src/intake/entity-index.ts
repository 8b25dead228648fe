// An index of catalogue names (environments, connectors) that scores how well a message mentions each entity.
// Scoring is token coverage weighted by rarity: "finance sandbox" covers all of "Finance Sandbox" (1.0) but only
// half of "Finance Production". Typos are corrected against the index vocabulary with fuse.js and cost confidence.
import Fuse from 'fuse.js';
import { COMMON_WORDS } from './common-words.js';
import { STOPWORDS, type Token, tokenize } from './text.js';
import { countLetters, LETTER_KINDS, mayBeWithin, typoBudget, withinTypoBudget } from './typos.js';

/** Abbreviations and synonyms people use for words in names, mapped to one canonical word. */
const CANONICAL: Record<string, string> = {
  prod: 'production',
  prd: 'production',
  live: 'production',
  dev: 'dev',
  devs: 'dev',
  development: 'dev',
  developer: 'dev',
  developers: 'dev',
  devel: 'dev',
  sbx: 'sandbox',
  sandbox: 'sandbox',
  sandboxes: 'sandbox',
  sandpit: 'sandbox',
  tst: 'test',
  testing: 'test',
  uat: 'test',
  fin: 'finance',
  financial: 'finance',
  mktg: 'marketing',
  mkt: 'marketing',
  ops: 'operations',
  operation: 'operations',
  human: 'hr',
};

/** As a Map: a lookup with a word never seen before (every typo) is a hash lookup, not a new property key. */
const CANONICAL_WORDS = new Map(Object.entries(CANONICAL));

export function canonical(word: string): string {
  return CANONICAL_WORDS.get(word) ?? word;
}

/** Words too common in chat to identify an entity alone, even if only one entity has them. */
const WEAK = new Set([
  ...STOPWORDS,
  'users',
  'user',
  'business',
  'online',
  'microsoft',
  'office',
  '365',
  'groups',
  'group',
  'approvals',
  'notifications',
  'storage',
  'server',
  'service',
  'drive',
  'mail',
  'web',
  'contents',
  'formerly',
  'preauthorized',
  'default',
  'tools',
  'production',
  'sandbox',
  'dev',
  'test',
  'trial',
  'open',
  'ai',
  'com',
]);

export interface IndexedEntity<T> {
  id: string;
  label: string;
  value: T;
  /** Each name is a list of canonical words; the first is the display name. Aliases and ids are further names. */
  names: string[][];
}

export interface EntityScore<T> {
  entity: IndexedEntity<T>;
  score: number;
  /** Message token indexes that matched this entity. */
  matched: number[];
  /** Words that only matched after a typo correction. */
  corrected: string[];
  /** How it matched, for the debug log: exact, unique word, partial. */
  how: 'exact' | 'unique' | 'partial';
}

/** A vocabulary word a message mentions, at one token. */
interface MentionedWord {
  token: number;
  key: string;
  info: WordInfo;
  /** "finanse→finance" when the word was a typo. */
  fix: string | undefined;
  /** One half of a glued word ("hrdev"). */
  glued: boolean;
}

/** What the scorer needs about one vocabulary word, computed once per index. */
interface WordInfo {
  /** The names that contain it, as slot numbers (one slot per name of each entity). */
  slots: number[];
  /** In step with slots: the bit of its (first) position in that name, so scoring looks nothing up per name. */
  bits: number[];
  /** How many entities have it. */
  entities: number;
  weight: number;
  weak: boolean;
  /** Only one entity has it and it is distinctive: it identifies that entity nearly alone. */
  unique: boolean;
  stop: boolean;
}

const MAX_CORRECTIONS_CACHE = 5000;

/** Fuse.js settings for typo correction; its score is roughly errors per letter of the typed word. */
const FUSE_THRESHOLD = 0.34;

export class EntityIndex<T> {
  private readonly words = new Map<string, WordInfo>();
  /** Each name of each entity is a slot: its entity, its number among the entity's names, its total weight. */
  private readonly slotEntity: number[] = [];
  private readonly slotName: number[] = [];
  /** Sum of word weights of the name (the denominator of coverage). */
  private readonly slotTotal: number[] = [];
  /** Scratch state of one score() call, reused (score is synchronous) so a message allocates little. */
  private readonly scratch: ScoreScratch;
  /** Position of each entity in label order (ties share a rank): the last tie-breaker of a ranking. */
  private readonly rank: Int32Array;
  /**
   * Correction candidates by first letter and length: a correction keeps the first letter and the length
   * within one, so the bucket of (letter, n) holds the vocabulary words of length n-1 to n+1 starting with
   * that letter, in catalogue order. Built with the index, with its letter counts and fuse.js index: built on the
   * first typo that needed them, they were the slowest messages after a start or a catalogue refresh.
   */
  private readonly buckets = new Map<string, CorrectionBucket>();
  private readonly corrections = new Map<string, string | null>();
  private readonly splits = new Map<string, [string, string] | null>();
  /** The last ranking and what it was made from (see score). */
  private lastScored: { signature: string; scores: EntityScore<T>[] } | undefined;
  /** The longest word a half of a glued word can be (vocabulary or abbreviation): bounds split's work. */
  private longestPiece = Math.max(...Object.keys(CANONICAL).map((k) => k.length));

  constructor(readonly entities: IndexedEntity<T>[]) {
    const postings = new Map<string, number[]>();
    const df = new Map<string, number>();
    entities.forEach((entity, e) => {
      const seen = new Set<string>();
      entity.names.forEach((name, n) => {
        const slot = this.slotEntity.length;
        this.slotEntity.push(e);
        this.slotName.push(n);
        for (const word of new Set(name)) {
          const list = postings.get(word) ?? [];
          list.push(slot);
          postings.set(word, list);
          seen.add(word);
        }
      });
      for (const word of seen) df.set(word, (df.get(word) ?? 0) + 1);
    });
    for (const [word, slots] of postings) {
      const count = df.get(word) ?? 1;
      const weak = WEAK.has(word);
      this.longestPiece = Math.max(this.longestPiece, word.length);
      this.words.set(word, {
        slots,
        bits: slots.map((slot) => {
          const name = entities[this.slotEntity[slot] ?? 0]?.names[this.slotName[slot] ?? 0] ?? [];
          return 1 << Math.min(30, name.indexOf(word));
        }),
        entities: count,
        weight: 1 / (1 + Math.log(count)),
        weak,
        unique: !weak && word.length >= 3 && count === 1,
        stop: STOPWORDS.has(word),
      });
    }
    for (let slot = 0; slot < this.slotEntity.length; slot++) {
      const name = entities[this.slotEntity[slot] ?? 0]?.names[this.slotName[slot] ?? 0] ?? [];
      this.slotTotal.push(name.reduce((sum, w) => sum + (this.words.get(w)?.weight ?? 1), 0));
    }
    this.scratch = newScratch(this.slotEntity.length, entities.length);
    this.rank = rankByLabel(entities);
    const bucketWords = new Map<string, string[]>();
    for (const w of df.keys()) {
      if (w.length < 4 || !/^[a-z0-9]+$/.test(w) || /^\d+$/.test(w)) continue;
      for (const n of [w.length - 1, w.length, w.length + 1]) {
        const key = bucketKey(w[0] ?? '', n);
        const list = bucketWords.get(key);
        if (list) list.push(w);
        else bucketWords.set(key, [w]);
      }
    }
    for (const [key, words] of bucketWords) this.buckets.set(key, correctionBucket(words));
  }

  /** How many entities carry this word (1 = it identifies one entity). */
  frequency(word: string): number {
    return this.words.get(word)?.entities ?? 0;
  }

  /** A vocabulary word for a misspelt one, or undefined. Cached: chat vocabulary repeats. */
  correct(word: string): string | undefined {
    // Identifiers (shared_twilio, 1234) are copied, not misspelt: a near one is another thing, not a typo.
    if (word.length < 4 || /^\d+$|_/.test(word)) return undefined;
    const cached = this.corrections.get(word);
    if (cached !== undefined) return cached ?? undefined;
    const fixed = COMMON_WORDS.has(word) ? this.inflection(word) : this.nearest(word);
    if (this.corrections.size > MAX_CORRECTIONS_CACHE) this.corrections.clear();
    this.corrections.set(word, fixed);
    return fixed ?? undefined;
  }

  /**
   * A common word is meant as typed; a plural only stands for the catalogue word that is its singular. Not the
   * other way: a product named in the plural ("Teams", "Shifts") is not what "team" or "shift" mean in chat.
   */
  private inflection(word: string): string | null {
    for (const form of [word.replace(/e?s$/, ''), word.replace(/s$/, '')]) {
      const info = form !== word ? this.words.get(form) : undefined;
      if (info && !info.weak) return form;
    }
    return null;
  }

  /** The closest vocabulary word by fuse.js, among the words a correction may be (one small bucket). */
  private nearest(word: string): string | null {
    const bucket = this.buckets.get(bucketKey(word[0] ?? '', word.length));
    if (!bucket) return null;
    // Most unknown words (made-up ones, two slips in a short word) are near no word of their bucket: then fuse.js's
    // hit could not pass the typo budget below either, so it is not asked (counts first: cheaper than a distance).
    const typed = countLetters(word, TYPED_COUNTS);
    const budget = typoBudget(word);
    const { words, counts } = bucket;
    let near = false;
    for (let k = 0; k < words.length && !near; k++)
      near = mayBeWithin(typed, counts, k * LETTER_KINDS, budget) && withinTypoBudget(word, words[k]!);
    if (!near) return null;
    // Best score first; on a tie fuse.js keeps list order, i.e. the word met first in the catalogue.
    const hit = bucket.fuse.search(word, { limit: 1 })[0];
    return hit && (hit.score ?? 1) <= FUSE_THRESHOLD && withinTypoBudget(word, hit.item) ? hit.item : null;
  }

  /**
   * Two words of one name typed without the space ("hrdev", "ittools", "marketingsandbox"), or undefined.
   * Both halves must be vocabulary words (after abbreviations) of the same name, so an ordinary word is not
   * cut into accidental pieces.
   */
  split(word: string): [string, string] | undefined {
    if (word.length < 4) return undefined;
    const cached = this.splits.get(word);
    if (cached !== undefined) return cached ?? undefined;
    // Both halves are known words, so neither is longer than the longest one: a long word is never cut in every
    // place (that was quadratic on one long "word" of 28 KB).
    if (word.length > 2 * this.longestPiece) return undefined;
    let found: [string, string] | null = null;
    const first = Math.max(2, word.length - this.longestPiece);
    const last = Math.min(word.length - 2, this.longestPiece);
    for (let i = first; i <= last && !found; i++) {
      const left = canonical(word.slice(0, i));
      const right = canonical(word.slice(i));
      const a = this.words.get(left);
      const b = left === right ? undefined : this.words.get(right);
      if (a && b && a.slots.some((slot) => b.slots.includes(slot))) found = [left, right];
    }
    if (this.splits.size > MAX_CORRECTIONS_CACHE) this.splits.clear();
    this.splits.set(word, found);
    return found ?? undefined;
  }

  /**
   * Scores the entities the tokens mention, best first. Left out, as no decision reads them: those far below
   * the best, and on a big tenant the ones ranked past the first few that are not "high".
   */
  score(tokens: Token[], options: { fuzzy?: boolean } = {}): EntityScore<T>[] {
    const canon = tokens.map((t) => canonical(t.norm));
    const words = this.wordsOf(tokens, canon, options.fuzzy !== false);
    // The ranking depends only on the words found and where: a wider reading of the same message ("…for the
    // budget team" after the reason) often adds none, and is then answered from the call before.
    const signature = this.signature(words, tokens, canon);
    if (signature === this.lastScored?.signature) return [...this.lastScored.scores];
    const scores = this.ranking(words, tokens, canon);
    this.lastScored = { signature, scores };
    return [...scores];
  }

  /** The vocabulary words the tokens mention: canonical words, halves of glued ones, typo corrections. */
  private wordsOf(tokens: Token[], canon: string[], fuzzy: boolean): MentionedWord[] {
    const found: MentionedWord[] = [];
    for (let i = 0; i < canon.length; i++) {
      const word = canon[i] ?? '';
      const direct = this.words.get(word);
      const glued = direct ? undefined : this.split(word);
      const keys = glued ?? [word];
      for (const k of keys) {
        let key = k;
        let info = glued ? this.words.get(k) : direct;
        let fix: string | undefined;
        if (!info) {
          if (!fuzzy) continue;
          const fixed = this.correct(word);
          info = fixed ? this.words.get(fixed) : undefined;
          if (!fixed || !info) continue;
          key = fixed;
          fix = `${tokens[i]?.norm}→${key}`;
        }
        found.push({ token: i, key, info, fix, glued: glued !== undefined });
      }
    }
    return found;
  }

  /**
   * Everything rank() reads, as text: each word with its token and correction, and for a common word the
   * neighbours and case that decide whether it counts.
   */
  private signature(words: MentionedWord[], tokens: Token[], canon: string[]): string {
    let out = '';
    for (const w of words) {
      out += `${w.token} ${w.key} ${w.fix ?? ''} ${w.glued ? 1 : 0}`;
      if (w.info.stop && !w.glued)
        out += ` ${isAcronym(tokens[w.token]) ? 1 : 0} ${canon[w.token - 1] ?? ''} ${canon[w.token + 1] ?? ''}`;
      out += '\n';
    }
    return out;
  }

  private ranking(words: MentionedWord[], tokens: Token[], canon: string[]): EntityScore<T>[] {
    const x = this.scratch;
    const epoch = nextEpoch(x);
    // Which words of which names the tokens mention (canonical words, typo corrections for unknown ones).
    // The slots and entities touched, in first-touch order, in the scratch lists (each is added once per call).
    const { touchedSlots, touchedEntities } = x;
    let slotCount = 0;
    let entityCount = 0;
    for (let w = 0; w < words.length; w++) {
      const { token: i, info, fix, glued } = words[w]!;
      const { slots, bits } = info;
      for (let p = 0; p < slots.length; p++) {
        const slot = slots[p]!;
        const e = this.slotEntity[slot]!;
        // A common word ("it", "default") only counts when typed as an acronym or next to another word of the
        // name (its other half, when the two were typed as one word).
        if (
          info.stop &&
          !glued &&
          !isAcronym(tokens[i]) &&
          !neighbourMatches(canon, i, this.entities[e]?.names[this.slotName[slot]!])
        )
          continue;
        if (x.entityEpoch[e] !== epoch) {
          x.entityEpoch[e] = epoch;
          x.entityFixCount[e] = 0;
          touchedEntities[entityCount++] = e;
        }
        if (x.slotEpoch[slot] !== epoch) {
          x.slotEpoch[slot] = epoch;
          x.slotWords[slot] = 0;
          x.slotGot[slot] = 0;
          x.slotAllWeak[slot] = 1;
          x.slotAnyUnique[slot] = 0;
          x.slotTokenCount[slot] = 0;
          touchedSlots[slotCount++] = slot;
        }
        if (x.slotTokenCount[slot] === 0 || x.slotLastToken[slot] !== i) appendToken(x, slot, i);
        // Each word of a name counts once, however often it is typed (a bit per word position in the name).
        const bit = bits[p]!;
        if ((x.slotWords[slot]! & bit) === 0) {
          x.slotWords[slot] = x.slotWords[slot]! | bit;
          x.slotGot[slot] = x.slotGot[slot]! + info.weight;
          if (!info.weak) x.slotAllWeak[slot] = 0;
          if (info.unique) x.slotAnyUnique[slot] = 1;
        }
        // The corrections the entity's match needed ("finanse→finance"), each once, with the token corrected.
        if (fix && !hasFix(x, e, words, fix)) appendFix(x, e, w);
      }
    }
    // Each entity's best name, in the order its names were first mentioned (the first wins a tie).
    for (let k = 0; k < entityCount; k++) {
      const e = touchedEntities[k]!;
      x.entityBest[e] = 0;
      x.entitySlot[e] = -1;
    }
    for (let k = 0; k < slotCount; k++) {
      const slot = touchedSlots[k]!;
      const e = this.slotEntity[slot]!;
      const total = this.slotTotal[slot]!;
      let coverage = total > 0 ? x.slotGot[slot]! / total : 0;
      // Aliases and ids are phrases: all of it, or nothing ("sales" is not half of "sales force").
      if (this.slotName[slot]! > 0 && coverage < 0.999) continue;
      let how = coverage >= 0.999 ? EXACT : PARTIAL;
      // Generic words alone ("test", "production") never identify an entity by halves: ask instead.
      if (how === PARTIAL && x.slotAllWeak[slot]) coverage = Math.min(coverage, 0.5);
      // One distinctive word of the display name that only this entity has ("marketing") identifies it nearly as well.
      else if (coverage < 0.9 && x.slotAnyUnique[slot]) {
        coverage = 0.9;
        how = UNIQUE;
      }
      if (coverage > x.entityBest[e]!) {
        x.entityBest[e] = coverage;
        x.entityHow[e] = how;
        x.entitySlot[e] = slot;
      }
    }
    let top = 0;
    for (let k = 0; k < entityCount; k++) {
      const e = touchedEntities[k]!;
      const best = x.entityBest[e]!;
      if (best <= 0) continue;
      const count = x.entityFixCount[e] ? correctedCount(x, e, words) : 0;
      const final = Math.max(0, best - count * 0.1);
      x.entityBest[e] = final;
      if (final > top) top = final;
    }
    const floor = relevanceFloor(top);
    // Rank entity numbers over flat arrays (cheap to compare), then build only the entries that are kept.
    const kept = x.kept;
    let keptCount = 0;
    let highs = 0;
    for (let k = 0; k < entityCount; k++) {
      const e = touchedEntities[k]!;
      const slot = x.entitySlot[e]!;
      if (slot < 0 || x.entityBest[e]! < floor || !this.entities[e]) continue;
      x.entityMatched[e] = x.slotTokenCount[slot]!;
      kept[keptCount++] = e;
      if (x.entityBest[e]! >= HIGH_SCORE - 1e-9) highs++;
    }
    return topRanked(x, this.rank, keptCount, highs).map((e) => ({
      entity: this.entities[e]!,
      score: x.entityBest[e]!,
      matched: slotTokens(x, x.entitySlot[e]!),
      corrected: x.entityFixCount[e] ? correctedFor(x, e, words) : [],
      how: HOW[x.entityHow[e]!] ?? 'partial',
    }));
  }
}

/** The vocabulary words a typo may be corrected to, by first letter and length (see EntityIndex.buckets). */
interface CorrectionBucket {
  words: string[];
  /** Each word's letter counts, LETTER_KINDS apiece: a cheap bound before the edit distance. */
  counts: Uint16Array;
  fuse: Fuse<string>;
}

function correctionBucket(words: string[]): CorrectionBucket {
  const counts = new Uint16Array(words.length * LETTER_KINDS);
  for (let k = 0; k < words.length; k++) countLetters(words[k]!, counts, k * LETTER_KINDS);
  const fuse = new Fuse(words, { includeScore: true, threshold: FUSE_THRESHOLD, ignoreLocation: true });
  return { words, counts, fuse };
}

/** The letter counts of the word being corrected (correction is synchronous). */
const TYPED_COUNTS = new Uint16Array(LETTER_KINDS);

const HOW: EntityScore<unknown>['how'][] = ['exact', 'unique', 'partial'];
const [EXACT, UNIQUE, PARTIAL] = [0, 1, 2];

/** Runners-up within this distance of the best are worth offering as choices. */
export const OFFER_WINDOW = 0.3;
/** A partial match from this score up is worth asking about. */
export const PARTIAL_FLOOR = 0.3;

/** From this score up an entity counts as named; every such entity is kept in a ranking. */
export const HIGH_SCORE = 0.9;
/** Below HIGH_SCORE only the first ranks matter (at most 6 are offered as choices): the rest is not ranked. */
const MAX_RANKED = 12;

/**
 * The entities in order, best first: all of them when few, else every "high" one and the best MAX_RANKED of
 * the rest. A generic word on a big tenant matches hundreds of names; ranking them all would cost more than
 * the rest of the message, for places no decision reads.
 */
function topRanked(x: ScoreScratch, rank: Int32Array, count: number, highs: number): number[] {
  const items = x.kept;
  if (count <= MAX_RANKED * 2 || highs >= MAX_RANKED) {
    const all: number[] = [];
    for (let k = 0; k < count; k++) all.push(items[k]!);
    return all.sort((a, b) => compareRanked(x, rank, a, b));
  }
  // One pass keeping a short sorted list; most items are rejected by one comparison with its last.
  const limit = Math.max(MAX_RANKED, highs);
  const top: number[] = [];
  for (let k = 0; k < count; k++) {
    const item = items[k]!;
    if (top.length === limit && compareRanked(x, rank, item, top[limit - 1]!) >= 0) continue;
    // Shift the worse ones down one place (the last falls off when full) and put the item in the gap.
    let at = top.length;
    if (at < limit) top.push(item);
    else at = limit - 1;
    while (at > 0 && compareRanked(x, rank, item, top[at - 1]!) < 0) {
      top[at] = top[at - 1]!;
      at--;
    }
    top[at] = item;
  }
  return top;
}

/**
 * Sort order of two kept entities (negative: a first): best score, then most tokens matched, then label. Only the
 * sign is returned, so a comparison never boxes a fractional difference of scores (the ranking of a generic word
 * compares hundreds of entities, and every boxed number was garbage).
 */
function compareRanked(x: ScoreScratch, rank: Int32Array, a: number, b: number): number {
  const scoreA = x.entityBest[a]!;
  const scoreB = x.entityBest[b]!;
  if (scoreA !== scoreB) return scoreA > scoreB ? -1 : 1;
  return x.entityMatched[b]! - x.entityMatched[a]! || rank[a]! - rank[b]!;
}

/**
 * Entities below both floors are left out of a ranking: no decision reads them, and on a big tenant a
 * generic word ("sandbox") matches hundreds of names that would otherwise all be built and sorted.
 */
function relevanceFloor(top: number): number {
  return Math.min(PARTIAL_FLOOR, top - OFFER_WINDOW);
}

/** Per-call state in flat arrays, valid where its epoch is the current call's (so nothing is cleared). */
interface ScoreScratch {
  epoch: number;
  slotEpoch: Uint32Array;
  slotWords: Uint32Array;
  slotGot: Float64Array;
  slotAllWeak: Uint8Array;
  slotAnyUnique: Uint8Array;
  /**
   * The message tokens that matched each slot, as linked lists in flat arrays (a slot's first and last node, each
   * node's token and next node): a generic word touches hundreds of slots, and an array per slot per call was
   * most of the time of a message (allocation and garbage collection).
   */
  slotTokenCount: Uint16Array;
  slotLastToken: Int32Array;
  slotFirstNode: Int32Array;
  slotLastNode: Int32Array;
  nodeToken: Int32Array;
  nodeNext: Int32Array;
  nodes: number;
  /** The corrected words (indexes into the call's words) each entity's match used, as linked lists likewise. */
  entityFixCount: Uint16Array;
  entityFixFirst: Int32Array;
  entityFixLast: Int32Array;
  fixNodeWord: Int32Array;
  fixNodeNext: Int32Array;
  fixNodes: number;
  entityEpoch: Uint32Array;
  entityBest: Float64Array;
  entityHow: Uint8Array;
  entitySlot: Int32Array;
  entityMatched: Uint16Array;
  /**
   * The slots and entities one call touched and the entities it kept, in order: a generic word ("sandbox") touches
   * hundreds, and growing fresh arrays for them was most of what a message allocated (so of its garbage collections).
   */
  touchedSlots: Int32Array;
  touchedEntities: Int32Array;
  kept: Int32Array;
}

function newScratch(slots: number, entities: number): ScoreScratch {
  return {
    epoch: 0,
    slotEpoch: new Uint32Array(slots),
    slotWords: new Uint32Array(slots),
    slotGot: new Float64Array(slots),
    slotAllWeak: new Uint8Array(slots),
    slotAnyUnique: new Uint8Array(slots),
    slotTokenCount: new Uint16Array(slots),
    slotLastToken: new Int32Array(slots),
    slotFirstNode: new Int32Array(slots),
    slotLastNode: new Int32Array(slots),
    nodeToken: new Int32Array(256),
    nodeNext: new Int32Array(256),
    nodes: 0,
    entityFixCount: new Uint16Array(entities),
    entityFixFirst: new Int32Array(entities),
    entityFixLast: new Int32Array(entities),
    fixNodeWord: new Int32Array(64),
    fixNodeNext: new Int32Array(64),
    fixNodes: 0,
    entityEpoch: new Uint32Array(entities),
    entityBest: new Float64Array(entities),
    entityHow: new Uint8Array(entities),
    entitySlot: new Int32Array(entities),
    entityMatched: new Uint16Array(entities),
    touchedSlots: new Int32Array(slots),
    touchedEntities: new Int32Array(entities),
    kept: new Int32Array(entities),
  };
}

function nextEpoch(x: ScoreScratch): number {
  if (x.epoch >= 0xfffffffe) {
    x.epoch = 0;
    x.slotEpoch.fill(0);
    x.entityEpoch.fill(0);
  }
  x.epoch += 1;
  x.nodes = 0;
  x.fixNodes = 0;
  return x.epoch;
}

function grown(a: Int32Array): Int32Array {
  const b = new Int32Array(a.length * 2);
  b.set(a);
  return b;
}

/** Whether an entity's corrections already hold this one (the same typo typed twice counts once). */
function hasFix(x: ScoreScratch, e: number, words: MentionedWord[], fix: string): boolean {
  const count = x.entityFixCount[e] ?? 0;
  for (let k = 0, node = x.entityFixFirst[e] ?? -1; k < count; k++, node = x.fixNodeNext[node] ?? -1)
    if (words[x.fixNodeWord[node] ?? 0]?.fix === fix) return true;
  return false;
}

function appendFix(x: ScoreScratch, e: number, word: number): void {
  if (x.fixNodes === x.fixNodeWord.length) {
    x.fixNodeWord = grown(x.fixNodeWord);
    x.fixNodeNext = grown(x.fixNodeNext);
  }
  const node = x.fixNodes++;
  x.fixNodeWord[node] = word;
  x.fixNodeNext[node] = -1;
  if (x.entityFixCount[e] === 0) x.entityFixFirst[e] = node;
  else x.fixNodeNext[x.entityFixLast[e] ?? 0] = node;
  x.entityFixLast[e] = node;
  x.entityFixCount[e] = (x.entityFixCount[e] ?? 0) + 1;
}

/** The corrections an entity's best name needed (one made for another of its names costs nothing). */
function correctedFor(x: ScoreScratch, e: number, words: MentionedWord[]): string[] {
  const used: string[] = [];
  const slot = x.entitySlot[e] ?? -1;
  if (slot < 0) return used;
  const count = x.entityFixCount[e] ?? 0;
  for (let k = 0, node = x.entityFixFirst[e] ?? -1; k < count; k++, node = x.fixNodeNext[node] ?? -1) {
    const word = words[x.fixNodeWord[node] ?? 0];
    if (word?.fix && slotHasToken(x, slot, word.token)) used.push(word.fix);
  }
  return used;
}

/** How many corrections correctedFor would list, without listing them (a corrected generic word touches hundreds). */
function correctedCount(x: ScoreScratch, e: number, words: MentionedWord[]): number {
  const slot = x.entitySlot[e]!;
  if (slot < 0) return 0;
  let used = 0;
  const count = x.entityFixCount[e]!;
  for (let k = 0, node = x.entityFixFirst[e]!; k < count; k++, node = x.fixNodeNext[node]!) {
    const word = words[x.fixNodeWord[node]!];
    if (word?.fix && slotHasToken(x, slot, word.token)) used++;
  }
  return used;
}

function slotHasToken(x: ScoreScratch, slot: number, token: number): boolean {
  const count = x.slotTokenCount[slot] ?? 0;
  for (let k = 0, node = x.slotFirstNode[slot] ?? -1; k < count; k++, node = x.nodeNext[node] ?? -1)
    if (x.nodeToken[node] === token) return true;
  return false;
}

/** Records that token i matched a slot (tokens arrive in increasing order, each once per slot). */
function appendToken(x: ScoreScratch, slot: number, token: number): void {
  if (x.nodes === x.nodeToken.length) {
    x.nodeToken = grown(x.nodeToken);
    x.nodeNext = grown(x.nodeNext);
  }
  const node = x.nodes++;
  x.nodeToken[node] = token;
  x.nodeNext[node] = -1;
  if (x.slotTokenCount[slot] === 0) x.slotFirstNode[slot] = node;
  else x.nodeNext[x.slotLastNode[slot] ?? 0] = node;
  x.slotLastNode[slot] = node;
  x.slotLastToken[slot] = token;
  x.slotTokenCount[slot] = (x.slotTokenCount[slot] ?? 0) + 1;
}

/** The tokens that matched a slot in this call, in message order (sized once: most rankings build a dozen). */
function slotTokens(x: ScoreScratch, slot: number): number[] {
  const count = x.slotTokenCount[slot]!;
  const out = new Array<number>(count);
  for (let k = 0, node = x.slotFirstNode[slot]!; k < count; k++, node = x.nodeNext[node]!) out[k] = x.nodeToken[node]!;
  return out;
}

function bucketKey(first: string, length: number): string {
  return `${first}${length}`;
}

/** The order String.localeCompare gives, without building a collator on every comparison. */
const collator = new Intl.Collator();

/** Rank of each entity when sorted by label; equal labels share a rank so ties keep their order. */
function rankByLabel(entities: { label: string }[]): Int32Array {
  const order = entities.map((_e, i) => i).sort((a, b) => collator.compare(entities[a]!.label, entities[b]!.label));
  const rank = new Int32Array(entities.length);
  order.forEach((e, k) => {
    const prev = order[k - 1];
    rank[e] = prev !== undefined && collator.compare(entities[prev]!.label, entities[e]!.label) === 0 ? rank[prev]! : k;
  });
  return rank;
}

function isAcronym(token: Token | undefined): boolean {
  return Boolean(token && token.raw.length >= 2 && token.raw === token.raw.toUpperCase() && /[A-Z]/.test(token.raw));
}

function neighbourMatches(canon: string[], i: number, name: string[] | undefined): boolean {
  if (!name || name.length < 2) return false;
  const prev = canon[i - 1];
  const next = canon[i + 1];
  return (
    (prev !== undefined && prev !== canon[i] && name.includes(prev)) ||
    (next !== undefined && next !== canon[i] && name.includes(next))
  );
}

/** Canonical words of a name: tokenised, abbreviations mapped, noise words ("environment") dropped. */
export function nameWords(text: string): string[] {
  return tokenize(text)
    .map((t) => canonical(t.norm))
    .filter((w) => !['environment', 'env', 'the', 'connector', 'shared'].includes(w));
}
