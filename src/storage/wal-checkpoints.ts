// WAL checkpoints when writes pause, not inside a commit. SQLite's own checkpoint runs in the commit that takes the
// WAL past 1,000 pages: it copies every page into the database file and syncs both files, 5–9 ms with the event loop
// blocked (better-sqlite3 is synchronous), and an approval's commit writes ~20 pages, so most bursts of 40 clicks had
// one click wait for it, and every click queued behind that one. Here a checkpoint runs once no write has come for a
// quiet gap (a burst's commits come milliseconds apart), or after maxWaitMs of steady writing at most; SQLite's own
// stays as a backstop at a larger WAL. A checkpoint that runs later copies a page written twice once.
import type SQLite from 'better-sqlite3';

/** Runs `run` after `ms` (tests pass their own); the returned function cancels it. */
export type Schedule = (run: () => void, ms: number) => () => void;

const timer: Schedule = (run, ms) => {
  const handle = setTimeout(run, ms);
  // A pending checkpoint never keeps a process (the ops CLI) alive: closing the last connection checkpoints anyway.
  handle.unref();
  return () => clearTimeout(handle);
};

/** What `PRAGMA wal_checkpoint` answers: frames in the WAL and how many of them were copied. */
interface CheckpointResult {
  busy: number;
  log: number;
  checkpointed: number;
}

/** SQLite's own checkpoint, kept only as a backstop: 10,000 pages is a 40 MB WAL. */
export const BACKSTOP_WAL_PAGES = 10_000;

export interface CheckpointTiming {
  /** How long no write must come before the checkpoint runs. */
  quietMs?: number;
  /** The longest a written page waits for a checkpoint while writes keep coming. */
  maxWaitMs?: number;
  schedule?: Schedule;
  now?: () => number;
}

export class QuietCheckpoints {
  private readonly quietMs: number;
  private readonly maxWaitMs: number;
  private readonly schedule: Schedule;
  private readonly now: () => number;
  /** When the first write not yet checkpointed came, and the last write; undefined while nothing waits. */
  private firstWrite: number | undefined;
  private lastWrite = 0;
  private cancel: (() => void) | undefined;

  constructor(
    private readonly sqlite: SQLite.Database,
    { quietMs = 250, maxWaitMs = 5000, schedule = timer, now = Date.now }: CheckpointTiming = {},
  ) {
    this.quietMs = quietMs;
    this.maxWaitMs = maxWaitMs;
    this.schedule = schedule;
    this.now = now;
    sqlite.pragma(`wal_autocheckpoint = ${BACKSTOP_WAL_PAGES}`);
  }

  /** A statement that may have written ran: the checkpoint waits for the next quiet gap. */
  wrote(): void {
    this.lastWrite = this.now();
    if (this.firstWrite !== undefined) return;
    this.firstWrite = this.lastWrite;
    this.cancel = this.schedule(() => this.due(), this.quietMs);
  }

  private due(): void {
    this.cancel = undefined;
    if (this.firstWrite === undefined) return;
    const now = this.now();
    const quietFor = now - this.lastWrite;
    const waited = now - this.firstWrite;
    // A transaction still open on this connection (awaiting between its statements) cannot be checkpointed past.
    if ((quietFor < this.quietMs && waited < this.maxWaitMs) || this.sqlite.inTransaction) {
      const wait = Math.max(1, Math.min(this.quietMs - quietFor, this.maxWaitMs - waited));
      this.cancel = this.schedule(() => this.due(), this.sqlite.inTransaction ? this.quietMs : wait);
      return;
    }
    this.firstWrite = undefined;
    if (!this.sqlite.open) return;
    try {
      // PASSIVE: copies what no reader (the ops CLI) still needs, and waits for nobody.
      const [result] = this.sqlite.pragma('wal_checkpoint(PASSIVE)') as CheckpointResult[];
      // Everything copied: the next commit writes the WAL from its start again, and first syncs the WAL's header
      // (synchronous=NORMAL does at that moment only): 0.2–1.5 ms, paid by a burst's first click. A write of one
      // row now, while quiet, pays it instead: one lock row nothing else writes on SQLite.
      if (result && result.busy === 0 && result.log > 0 && result.checkpointed === result.log)
        this.sqlite.prepare('UPDATE outbox_send_lock SET id = id WHERE id = 1').run();
    } catch {
      // Nothing is lost (the pages stay in the WAL): the next quiet gap, or SQLite's backstop, copies them.
    }
  }

  stop(): void {
    this.cancel?.();
    this.cancel = undefined;
    this.firstWrite = undefined;
  }
}
