// Every SQL statement better-sqlite3 runs in this process while recording (kysely's driver calls all() for readers
// and run() otherwise), with the time each took: for tests and benchmarks that count what a use case asks of SQLite.
import { performance } from 'node:perf_hooks';
import SQLite from 'better-sqlite3';

export interface StatementLog {
  readonly statements: { sql: string; us: number }[];
  /** The statements between the first BEGIN and its COMMIT (both left out). */
  inFirstTransaction(): string[];
  stop(): void;
}

export function recordStatements(): StatementLog {
  const probe = new SQLite(':memory:');
  const proto = Object.getPrototypeOf(probe.prepare('select 1')) as Record<string, unknown>;
  probe.close();
  const statements: { sql: string; us: number }[] = [];
  const originals = new Map<string, unknown>();
  for (const method of ['run', 'all', 'get', 'iterate']) {
    const original = proto[method] as (...args: unknown[]) => unknown;
    originals.set(method, original);
    proto[method] = function (this: { source: string }, ...args: unknown[]) {
      const start = performance.now();
      try {
        return original.apply(this, args);
      } finally {
        statements.push({ sql: this.source, us: (performance.now() - start) * 1000 });
      }
    };
  }
  return {
    statements,
    inFirstTransaction() {
      const sqls = statements.map((s) => s.sql);
      const begin = sqls.findIndex((s) => s.startsWith('begin'));
      return begin < 0 ? [] : sqls.slice(begin + 1, sqls.indexOf('commit', begin));
    },
    stop() {
      for (const [method, original] of originals) proto[method] = original;
    },
  };
}
