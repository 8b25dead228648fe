// An index of catalogue names (environments, connectors) that scores how well a message mentions each entity.
// Scoring is token coverage weighted by rarity: "finance sandbox" covers all of "Finance Sandbox" (1.0) but only
// half of "Finance Production". Typos are corrected against the index vocabulary with fuse.js and cost confidence.
import Fuse from 'fuse.js';
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

const MAX_CORRECTIONS_CACHE = 5000;

export class EntityIndex<T> {
  private readonly postings = new Map<string, Posting[]>();
  private readonly weight = new Map<string, number>();
  private readonly df = new Map<string, number>();
  /** One fuse.js index per first letter: a correction keeps the first letter, and small indexes are fast. */
  private readonly fuse = new Map<string, Fuse<string>>();
  private readonly corrections = new Map<string, string | null>();

  constructor(readonly entities: IndexedEntity<T>[]) {
    const df = new Map<string, number>();
    entities.forEach((entity, e) => {
      const seen = new Set<string>();
      entity.names.forEach((name, n) => {
        for (const word of new Set(name)) {
          const list = this.postings.get(word) ?? [];
          list.push({ entity: e, name: n });
          this.postings.set(word, list);
          seen.add(word);
        }
      });
      for (const word of seen) df.set(word, (df.get(word) ?? 0) + 1);
    });
    for (const [word, count] of df) this.weight.set(word, 1 / (1 + Math.log(count)));
    this.df = df;
    const byLetter = new Map<string, string[]>();
    for (const w of df.keys()) {
      if (w.length < 4 || /^\d+$/.test(w)) continue;
      byLetter.set(w[0] ?? '', [...(byLetter.get(w[0] ?? '') ?? []), w]);
    }
    for (const [letter, words] of byLetter)
      this.fuse.set(letter, new Fuse(words, { includeScore: true, threshold: 0.34, ignoreLocation: true }));
  }

  /** How many entities carry this word (1 = it identifies one entity). */
  frequency(word: string): number {
    return this.df.get(word) ?? 0;
  }

  /** A vocabulary word for a misspelt one, or undefined. Cached: chat vocabulary repeats. */
  correct(word: string): string | undefined {
    if (word.length < 4 || STOPWORDS.has(word) || /^\d+$/.test(word)) return undefined;
    const cached = this.corrections.get(word);
    if (cached !== undefined) return cached ?? undefined;
    const best = this.fuse.get(word[0] ?? '')?.search(word, { limit: 1 })[0];
    const fixed = best && (best.score ?? 1) <= 0.34 && Math.abs(best.item.length - word.length) <= 1 ? best.item : null;
    if (this.corrections.size > MAX_CORRECTIONS_CACHE) this.corrections.clear();
    this.corrections.set(word, fixed);
    return fixed ?? undefined;
  }

  /** Scores every entity the tokens mention, best first. */
  score(tokens: Token[], options: { fuzzy?: boolean } = {}): EntityScore<T>[] {
    // entity -> name -> word -> token indexes (canonical words), with typo corrections for unknown words
    const hits = new Map<number, { words: Map<number, Map<string, number[]>>; corrected: Set<string> }>();
    const canon = tokens.map((t) => canonical(t.norm));
    canon.forEach((word, i) => {
      let key = word;
      let corrected = false;
      if (!this.postings.has(key) && options.fuzzy !== false) {
        const fixed = this.correct(word);
        if (!fixed) return;
        key = fixed;
        corrected = true;
      }
      for (const p of this.postings.get(key) ?? []) {
        // A common word ("it", "default") only counts when typed as an acronym or next to another word of the name.
        if (
          STOPWORDS.has(key) &&
          !isAcronym(tokens[i]) &&
          !neighbourMatches(canon, i, this.entities[p.entity]?.names[p.name])
        )
          continue;
        let h = hits.get(p.entity);
        if (!h) {
          h = { words: new Map(), corrected: new Set() };
          hits.set(p.entity, h);
        }
        const words = h.words.get(p.name) ?? new Map<string, number[]>();
        words.set(key, [...(words.get(key) ?? []), i]);
        h.words.set(p.name, words);
        if (corrected) h.corrected.add(`${tokens[i]?.norm}→${key}`);
      }
    });
    const out: EntityScore<T>[] = [];
    for (const [e, h] of hits) {
      const entity = this.entities[e];
      if (!entity) continue;
      let best = 0;
      let how: EntityScore<T>['how'] = 'partial';
      let matched: number[] = [];
      for (const [n, found] of h.words) {
        const words = [...found.keys()];
        const name = entity.names[n] ?? [];
        const total = name.reduce((s, w) => s + (this.weight.get(w) ?? 1), 0);
        const got = [...words].reduce((s, w) => s + (this.weight.get(w) ?? 1), 0);
        let coverage = total > 0 ? got / total : 0;
        // Aliases and ids are phrases: all of it, or nothing ("sales" is not half of "sales force").
        if (n > 0 && coverage < 0.999) continue;
        let kind: EntityScore<T>['how'] = coverage >= 0.999 ? 'exact' : 'partial';
        // Generic words alone ("test", "production") never identify an entity by halves: ask instead.
        if (kind === 'partial' && [...words].every((w) => WEAK.has(w))) coverage = Math.min(coverage, 0.5);
        // One distinctive word of the display name that only this entity has ("marketing") identifies it nearly as well.
        else if (coverage < 0.9 && [...words].some((w) => !WEAK.has(w) && w.length >= 3 && this.frequency(w) === 1)) {
          coverage = 0.9;
          kind = 'unique';
        }
        if (coverage > best) {
          best = coverage;
          how = kind;
          matched = [...found.values()].flat();
        }
      }
      const penalty = h.corrected.size * 0.1;
      if (best > 0) out.push({ entity, score: Math.max(0, best - penalty), matched, corrected: [...h.corrected], how });
    }
    return out.sort(
      (a, b) =>
        b.score - a.score || b.matched.length - a.matched.length || a.entity.label.localeCompare(b.entity.label),
    );
  }
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
