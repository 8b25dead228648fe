// Matches names typed by people against the catalogue, with tolerance for typos (fuse.js).
import Fuse from 'fuse.js';
import type { Environment } from '../tenant/tenant-admin.js';

export type Resolution<T> =
  | { kind: 'match'; value: T; score: number }
  | { kind: 'ambiguous'; candidates: T[] }
  | { kind: 'none'; suggestions: T[] };

const normalise = (s: string) =>
  s
    .toLowerCase()
    .replace(/['’]s\b/g, '')
    .replace(/\benvironment\b/g, '')
    .replace(/[^a-z0-9 ]/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();

export function resolveEnvironment(query: string, environments: Environment[]): Resolution<Environment> {
  const q = normalise(query);
  if (!q) return { kind: 'none', suggestions: environments.slice(0, 5) };
  const exact = environments.filter((e) => normalise(e.displayName) === q || e.id.toLowerCase() === q);
  if (exact.length === 1 && exact[0]) return { kind: 'match', value: exact[0], score: 0 };
  const fuse = new Fuse(environments, {
    keys: [{ name: 'displayName', getFn: (e) => normalise(e.displayName) }],
    includeScore: true,
    threshold: 0.4,
    ignoreLocation: true,
  });
  const hits = fuse.search(q);
  const best = hits[0];
  if (!best || best.score === undefined) {
    const loose = new Fuse(environments, { keys: ['displayName'], threshold: 0.7, ignoreLocation: true });
    return {
      kind: 'none',
      suggestions: loose
        .search(q)
        .slice(0, 5)
        .map((h) => h.item),
    };
  }
  const close = hits.filter((h) => (h.score ?? 1) - (best.score ?? 0) < 0.1);
  if (close.length > 1) return { kind: 'ambiguous', candidates: close.slice(0, 5).map((h) => h.item) };
  return { kind: 'match', value: best.item, score: best.score };
}
