// WAL checkpoints run when writes pause, never inside a commit of a burst (src/storage/wal-checkpoints.ts).
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import SQLite from 'better-sqlite3';
import { openSqliteStore } from '../../src/storage/sqlite-store.js';
import { BACKSTOP_WAL_PAGES, QuietCheckpoints, type Schedule } from '../../src/storage/wal-checkpoints.js';

/** A clock and a timer queue the test moves by hand. */
function manualTime() {
  let now = 0;
  let queue: { at: number; run: () => void }[] = [];
  const schedule: Schedule = (run, ms) => {
    const entry = { at: now + ms, run };
    queue.push(entry);
    return () => {
      queue = queue.filter((e) => e !== entry);
    };
  };
  return {
    schedule,
    now: () => now,
    pending: () => queue.length,
    /** Moves the clock to `to`, running every timer due on the way. */
    advance(to: number) {
      for (;;) {
        const next = queue.filter((e) => e.at <= to).sort((a, b) => a.at - b.at)[0];
        if (!next) break;
        queue = queue.filter((e) => e !== next);
        now = next.at;
        next.run();
      }
      now = to;
    },
  };
}

/** Stands for better-sqlite3's connection: records the pragmas it is given. */
function recordingSqlite() {
  const pragmas: string[] = [];
  const sqlite = {
    open: true,
    inTransaction: false,
    pragma: (text: string) => {
      pragmas.push(text);
      return [];
    },
  };
  const checkpoints = () => pragmas.filter((p) => p.startsWith('wal_checkpoint')).length;
  return { sqlite, pragmas, checkpoints, handle: sqlite as unknown as SQLite.Database };
}

describe('WAL checkpoints', () => {
  it('leaves SQLite’s own checkpoint as a backstop only', () => {
    const { handle, pragmas } = recordingSqlite();
    new QuietCheckpoints(handle, { schedule: manualTime().schedule });
    assert.deepEqual(pragmas, [`wal_autocheckpoint = ${BACKSTOP_WAL_PAGES}`]);
  });

  it('checkpoints once writes have paused for the quiet gap, not between a burst’s commits', () => {
    const time = manualTime();
    const { handle, checkpoints } = recordingSqlite();
    const quiet = new QuietCheckpoints(handle, { quietMs: 250, maxWaitMs: 5000, ...time });
    for (let t = 0; t <= 1000; t += 5) {
      time.advance(t);
      quiet.wrote();
    }
    assert.equal(checkpoints(), 0, 'no checkpoint while commits come 5 ms apart');
    time.advance(1249);
    assert.equal(checkpoints(), 0);
    time.advance(1250);
    assert.equal(checkpoints(), 1);
    time.advance(10_000);
    assert.equal(checkpoints(), 1, 'nothing more to copy, nothing scheduled');
    assert.equal(time.pending(), 0);
  });

  it('checkpoints after maxWaitMs while writes never pause', () => {
    const time = manualTime();
    const { handle, checkpoints } = recordingSqlite();
    const quiet = new QuietCheckpoints(handle, { quietMs: 250, maxWaitMs: 2000, ...time });
    for (let t = 0; t <= 4500; t += 10) {
      time.advance(t);
      quiet.wrote();
    }
    assert.equal(checkpoints(), 2, 'at 2 s and at 4 s');
  });

  it('waits for a transaction open on the connection to end', () => {
    const time = manualTime();
    const { sqlite, handle, checkpoints } = recordingSqlite();
    const quiet = new QuietCheckpoints(handle, { quietMs: 250, maxWaitMs: 2000, ...time });
    quiet.wrote();
    sqlite.inTransaction = true;
    time.advance(3000);
    assert.equal(checkpoints(), 0);
    sqlite.inTransaction = false;
    time.advance(3250);
    assert.equal(checkpoints(), 1);
  });

  it('on a SQLite file: commits past 1,000 WAL pages copy nothing into the database until writes pause', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'govbot-wal-'));
    const time = manualTime();
    const store = await openSqliteStore({ dataDir: dir, checkpoints: { quietMs: 250, maxWaitMs: 5000, ...time } });
    try {
      time.advance(1000); // the migrations' pages copied
      const file = join(dir, 'govbot.sqlite');
      const before = statSync(file).size;
      // ~1,500 pages: SQLite's own checkpoint would have run in the commit that crossed 1,000.
      const text = 'x'.repeat(3000);
      for (let i = 0; i < 500; i++) {
        await store.transaction(async (s) => {
          await s.kv.set(`k${i}`, { text });
        });
      }
      assert.ok(statSync(`${file}-wal`).size > 1000 * 4096, 'the WAL holds them');
      assert.equal(statSync(file).size, before, 'nothing copied into the database file during the writes');
      time.advance(time.now() + 250);
      assert.ok(statSync(file).size > before + 500 * 3000, 'copied once writes paused');
      assert.deepEqual(await store.kv.get('k499'), { text });
      // And the WAL was begun again from its start while quiet (one row written), so the next click's commit does not
      // sync its header: a second connection finds only that write in it.
      const raw = new SQLite(file);
      try {
        const [wal] = raw.pragma('wal_checkpoint(PASSIVE)') as { log: number }[];
        assert.ok(wal && wal.log <= 2, `frames in the WAL: ${wal?.log}`);
      } finally {
        raw.close();
      }
    } finally {
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
