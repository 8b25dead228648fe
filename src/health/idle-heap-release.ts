// Gives memory back when the load stops. Under load V8 lets old-space garbage pile up to its own limit and keeps
// the pages it freed, so RSS stays at the high-water mark of the busiest minute (+70 % over idle after 10,000 fast
// turns) although the live heap is back near its idle size. A bot is idle most of the day: once it has been quiet
// for a few seconds after its heap grew, one memory-reducing full GC hands the freed pages back. During load it
// never runs, so it costs no CPU per turn (flags that cap the heap instead cost 23 % more per turn: README).
// The GC compacts (v8-gc.ts): without that, freed pages stay scattered among live objects and nothing goes back.
// The young generation (32 MB after any load) shrinks only at a GC that V8 sees follow 5 s of little allocation,
// so the quiet spell starts with a young-generation GC and the release comes more than 5 s later: the load's last
// allocations are then outside V8's window (a release 5 s after the load alone left it at 32 MB, RSS ~30 MB up).
import { performance } from 'node:perf_hooks';
import { getHeapStatistics } from 'node:v8';
import { compactingMajorGc, youngGenerationGc } from './v8-gc.js';

export interface HeapWindow {
  /** Event-loop utilisation over the window, 0 to 1: how much of it the bot spent running anything at all. */
  busy: number;
  /** V8's committed heap at the end of the window (MB). */
  heapMb: number;
}

export interface IdleReleaseSettings {
  /**
   * A window is quiet below this utilisation. An idle bot's timers use ~0.5 %, a health probe every 250 ms ~2 % on
   * a loaded machine; under load the loop is busy 100 % of the time (20 chats at once, measured each second).
   */
  quietBelow: number;
  /** Consecutive quiet windows before releasing; the young-generation GC runs on the first. */
  quietWindows: number;
  /** Only when the committed heap grew this much since the last release (or start): nothing to give back else. */
  minGrowthMb: number;
}

/** 7 windows of 1 s: the release comes 6 s after the young-generation GC, clear of V8's 5 s allocation window. */
export const IDLE_RELEASE_DEFAULTS: IdleReleaseSettings = { quietBelow: 0.1, quietWindows: 7, minGrowthMb: 16 };

/** What to do after a window: nothing, empty the young generation (a quiet spell began), or release. */
export type IdleStep = 'none' | 'young-gc' | 'release';

/** The decision, apart from timers and V8: fed one window at a time, says when to collect and when to release. */
export class IdleReleasePolicy {
  private quiet = 0;
  private baselineMb: number | undefined;
  private releasing = false;

  constructor(private readonly settings: IdleReleaseSettings = IDLE_RELEASE_DEFAULTS) {}

  /** 'release' when this window completes a quiet spell after the heap grew; 'young-gc' when it begins one. */
  step(window: HeapWindow): IdleStep {
    this.baselineMb ??= window.heapMb;
    this.quiet = window.busy < this.settings.quietBelow ? this.quiet + 1 : 0;
    if (this.releasing || this.quiet === 0) return 'none';
    if (window.heapMb - this.baselineMb < this.settings.minGrowthMb) return 'none';
    if (this.quiet >= this.settings.quietWindows) {
      this.releasing = true;
      return 'release';
    }
    return this.quiet === 1 ? 'young-gc' : 'none';
  }

  /** The release ended with this committed heap: growth is measured from here (what is live stays live). */
  released(heapMb: number): void {
    this.releasing = false;
    this.quiet = 0;
    this.baselineMb = heapMb;
  }
}

export interface IdleHeapRelease {
  stop(): void;
}

const committedHeapMb = () => getHeapStatistics().total_heap_size / (1024 * 1024);

/**
 * Every windowMs, measures the window and asks the policy. The GC is V8's 'async' one: it runs in a task of its own,
 * not inside the timer's callback, and only after a quiet spell, so a turn arriving then waits one GC at most.
 */
export function startIdleHeapRelease(
  options: {
    windowMs?: number;
    settings?: IdleReleaseSettings;
    /** Gives the memory back (default: one compacting full GC). */
    release?: () => Promise<void>;
    /** Empties the young generation as a quiet spell begins (default: V8's young-generation GC). */
    youngGc?: () => Promise<void>;
    onRelease?: (figures: { beforeMb: number; afterMb: number; ms: number }) => void;
    onError?: (error: unknown) => void;
  } = {},
): IdleHeapRelease {
  const policy = new IdleReleasePolicy(options.settings);
  const release = options.release ?? (() => compactingMajorGc());
  const youngGc = options.youngGc ?? (() => youngGenerationGc());
  // Memory is not worth a failing bot: stop trying, say why.
  const fail = (error: unknown) => {
    clearInterval(timer);
    options.onError?.(error);
  };
  let last = performance.eventLoopUtilization();
  const timer = setInterval(() => {
    const now = performance.eventLoopUtilization();
    const heapMb = committedHeapMb();
    const busy = performance.eventLoopUtilization(now, last).utilization;
    last = now;
    const step = policy.step({ busy, heapMb });
    if (step === 'young-gc') new Promise<void>((resolve) => resolve(youngGc())).catch(fail);
    if (step !== 'release') return;
    const started = performance.now();
    new Promise<void>((resolve) => resolve(release())).then(() => {
      const afterMb = committedHeapMb();
      policy.released(afterMb);
      options.onRelease?.({ beforeMb: heapMb, afterMb, ms: performance.now() - started });
    }, fail);
  }, options.windowMs ?? 1000);
  // Never what keeps the process alive.
  timer.unref();
  return { stop: () => clearInterval(timer) };
}
