// An index of catalogue names (environments, connectors) that scores how well a message mentions each entity.
// Scoring is token coverage weighted by rarity: "finance sandbox" covers all of "Finance Sandbox" (1.0) but only
// half of "Finance Production". Typos are corrected against the index vocabulary with fuse.js and cost confidence.
import Fuse from 'fuse.js';
import { COMMON_WORDS } from './common-words.js';
import { STOPWORDS, type Token, tokenize } from './text.js';

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

export function canonical(word: string): string {
  return CANONICAL[word] ?? word;
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

interface Posting {
  entity: number;
  name: number;
}

/** What the scorer needs about one vocabulary word, computed once per index. */
interface WordInfo {
  postings: Posting[];
  /** How many entities have it. */
  entities: number;
  weight: number;
  weak: boolean;
  /** Only one entity has it and it is distinctive: it identifies that entity nearly alone. */
  unique: boolean;
  stop: boolean;
}

/** The words of one entity's name that a message mentioned so far. */
interface NameHit {
  found: Map<string, number[]>;
  got: number;
  allWeak: boolean;
  anyUnique: boolean;
}

const MAX_CORRECTIONS_CACHE = 5000;

/** Fuse.js settings for typo correction; its score is roughly errors per letter of the typed word. */
const FUSE_THRESHOLD = 0.34;

export class EntityIndex<T> {
  private readonly words = new Map<string, WordInfo>();
  /** Sum of word weights per entity per name (the denominator of coverage). */
  private readonly totals: number[][];
  /** Position of each entity in label order (ties share a rank): the last tie-breaker of a ranking. */
  private readonly rank: number[];
  /**
   * Correction candidates by first letter and length: a correction keeps the first letter and the length
   * within one, so a misspelt word is only compared with the few words of three small buckets.
   */
  private readonly buckets = new Map<string, { fuse: Fuse<string>; order: number[] }>();
  private readonly corrections = new Map<string, string | null>();

  constructor(readonly entities: IndexedEntity<T>[]) {
    const postings = new Map<string, Posting[]>();
    const df = new Map<string, number>();
    entities.forEach((entity, e) => {
      const seen = new Set<string>();
      entity.names.forEach((name, n) => {
        for (const word of new Set(name)) {
          const list = postings.get(word) ?? [];
          list.push({ entity: e, name: n });
          postings.set(word, list);
          seen.add(word);
        }
      });
      for (const word of seen) df.set(word, (df.get(word) ?? 0) + 1);
    });
    for (const [word, list] of postings) {
      const count = df.get(word) ?? 1;
      const weak = WEAK.has(word);
      this.words.set(word, {
        postings: list,
        entities: count,
        weight: 1 / (1 + Math.log(count)),
        weak,
        unique: !weak && word.length >= 3 && count === 1,
        stop: STOPWORDS.has(word),
      });
    }
    this.totals = entities.map((entity) =>
      entity.names.map((name) => name.reduce((sum, w) => sum + (this.words.get(w)?.weight ?? 1), 0)),
    );
    this.rank = rankByLabel(entities);
    const byBucket = new Map<string, { words: string[]; order: number[] }>();
    let order = 0;
    for (const w of df.keys()) {
      order++;
      if (w.length < 4 || /^\d+$/.test(w) || !/^[a-z0-9_]+$/.test(w)) continue;
      const key = bucketKey(w[0] ?? '', w.length);
      const bucket = byBucket.get(key) ?? { words: [], order: [] };
      bucket.words.push(w);
      bucket.order.push(order);
      byBucket.set(key, bucket);
    }
    for (const [key, { words, order: rankInVocabulary }] of byBucket)
      this.buckets.set(key, {
        fuse: new Fuse(words, { includeScore: true, threshold: FUSE_THRESHOLD, ignoreLocation: true }),
        order: rankInVocabulary,
      });
  }

  /** How many entities carry this word (1 = it identifies one entity). */
  frequency(word: string): number {
    return this.words.get(word)?.entities ?? 0;
  }

  /** A vocabulary word for a misspelt one, or undefined. Cached: chat vocabulary repeats. */
  correct(word: string): string | undefined {
    if (word.length < 4 || COMMON_WORDS.has(word) || /^\d+$/.test(word)) return undefined;
    const cached = this.corrections.get(word);
    if (cached !== undefined) return cached ?? undefined;
    let fixed: string | null = null;
    let bestScore = Number.POSITIVE_INFINITY;
    let bestOrder = Number.POSITIVE_INFINITY;
    for (const length of [word.length - 1, word.length, word.length + 1]) {
      const bucket = this.buckets.get(bucketKey(word[0] ?? '', length));
      const hit = bucket?.fuse.search(word, { limit: 1 })[0];
      if (!bucket || !hit) continue;
      const score = hit.score ?? 1;
      const order = bucket.order[hit.refIndex] ?? 0;
      // Best score wins; on a tie, the word met first in the catalogue (as one fuse index over all would pick).
      if (score <= FUSE_THRESHOLD && (score < bestScore || (score === bestScore && order < bestOrder))) {
        fixed = hit.item;
        bestScore = score;
        bestOrder = order;
      }
    }
    if (this.corrections.size > MAX_CORRECTIONS_CACHE) this.corrections.clear();
    this.corrections.set(word, fixed);
    return fixed ?? undefined;
  }

  /** Scores every entity the tokens mention, best first. */
  score(tokens: Token[], options: { fuzzy?: boolean } = {}): EntityScore<T>[] {
    // entity -> name -> words found (canonical), with typo corrections for unknown words
    const hits = new Map<number, { names: Map<number, NameHit>; corrected: Set<string> }>();
    const canon = tokens.map((t) => canonical(t.norm));
    for (let i = 0; i < canon.length; i++) {
      const word = canon[i] ?? '';
      let key = word;
      let info = this.words.get(key);
      let corrected = false;
      if (!info) {
        if (options.fuzzy === false) continue;
        const fixed = this.correct(word);
        info = fixed ? this.words.get(fixed) : undefined;
        if (!fixed || !info) continue;
        key = fixed;
        corrected = true;
      }
      for (const p of info.postings) {
        // A common word ("it", "default") only counts when typed as an acronym or next to another word of the name.
        if (info.stop && !isAcronym(tokens[i]) && !neighbourMatches(canon, i, this.entities[p.entity]?.names[p.name]))
          continue;
        let h = hits.get(p.entity);
        if (!h) {
          h = { names: new Map(), corrected: new Set() };
          hits.set(p.entity, h);
        }
        let name = h.names.get(p.name);
        if (!name) {
          name = { found: new Map(), got: 0, allWeak: true, anyUnique: false };
          h.names.set(p.name, name);
        }
        const at = name.found.get(key);
        if (at) at.push(i);
        else {
          name.found.set(key, [i]);
          name.got += info.weight;
          name.allWeak &&= info.weak;
          name.anyUnique ||= info.unique;
        }
        if (corrected) h.corrected.add(`${tokens[i]?.norm}→${key}`);
      }
    }
    const out: { s: EntityScore<T>; rank: number }[] = [];
    for (const [e, h] of hits) {
      const entity = this.entities[e];
      if (!entity) continue;
      let best = 0;
      let how: EntityScore<T>['how'] = 'partial';
      let bestName: NameHit | undefined;
      for (const [n, name] of h.names) {
        const total = this.totals[e]?.[n] ?? 0;
        let coverage = total > 0 ? name.got / total : 0;
        // Aliases and ids are phrases: all of it, or nothing ("sales" is not half of "sales force").
        if (n > 0 && coverage < 0.999) continue;
        let kind: EntityScore<T>['how'] = coverage >= 0.999 ? 'exact' : 'partial';
        // Generic words alone ("test", "production") never identify an entity by halves: ask instead.
        if (kind === 'partial' && name.allWeak) coverage = Math.min(coverage, 0.5);
        // One distinctive word of the display name that only this entity has ("marketing") identifies it nearly as well.
        else if (coverage < 0.9 && name.anyUnique) {
          coverage = 0.9;
          kind = 'unique';
        }
        if (coverage > best) {
          best = coverage;
          how = kind;
          bestName = name;
        }
      }
      const penalty = h.corrected.size * 0.1;
      if (best > 0 && bestName)
        out.push({
          s: {
            entity,
            score: Math.max(0, best - penalty),
            matched: [...bestName.found.values()].flat(),
            corrected: [...h.corrected],
            how,
          },
          rank: this.rank[e] ?? 0,
        });
    }
    return out
      .sort((a, b) => b.s.score - a.s.score || b.s.matched.length - a.s.matched.length || a.rank - b.rank)
      .map((x) => x.s);
  }
}

function bucketKey(first: string, length: number): string {
  return `${first}${length}`;
}

/** Rank of each entity when sorted by label; equal labels share a rank so ties keep their order. */
function rankByLabel(entities: { label: string }[]): number[] {
  const order = entities.map((_e, i) => i).sort((a, b) => entities[a]!.label.localeCompare(entities[b]!.label));
  const rank = new Array<number>(entities.length).fill(0);
  order.forEach((e, k) => {
    const prev = order[k - 1];
    rank[e] = prev !== undefined && entities[prev]!.label.localeCompare(entities[e]!.label) === 0 ? rank[prev]! : k;
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
