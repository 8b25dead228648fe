// Giving memory back when the load stops: the policy releases once after a quiet spell that follows heap growth,
// never during load, and not again until the heap grows again; the spell begins with a young-generation GC, more
// than V8's 5 s allocation window before the release; gc() is had without --expose-gc, and the release GC compacts
// (a plain one leaves the pages half-empty).
import assert from 'node:assert/strict';
import { getHeapSpaceStatistics } from 'node:v8';
import {
  type HeapWindow,
  IDLE_RELEASE_DEFAULTS,
  IdleReleasePolicy,
  type IdleReleaseSettings,
  startIdleHeapRelease,
} from '../../src/health/idle-heap-release.js';
import { compactingMajorGc, type GcOptions, v8Gc, youngGenerationGc } from '../../src/health/v8-gc.js';

const settings: IdleReleaseSettings = { quietBelow: 0.05, quietWindows: 3, minGrowthMb: 16 };
const busy = (heapMb: number): HeapWindow => ({ busy: 0.6, heapMb });
const quiet = (heapMb: number): HeapWindow => ({ busy: 0.002, heapMb });

/** The windows (by index) on which the policy said to release. */
function releasesOn(policy: IdleReleasePolicy, windows: HeapWindow[]): number[] {
  return windows.flatMap((w, i) => (policy.step(w) === 'release' ? [i] : []));
}

/** The windows (by index) on which the policy asked for something, and what. */
function stepsOn(policy: IdleReleasePolicy, windows: HeapWindow[]): [number, string][] {
  return windows.flatMap((w, i): [number, string][] => {
    const step = policy.step(w);
    return step === 'none' ? [] : [[i, step]];
  });
}

describe('idle heap release', () => {
  it('empties the young generation as the quiet spell after growth begins, and releases at its end', () => {
    const policy = new IdleReleasePolicy(settings);
    const windows = [quiet(60), busy(90), busy(140), busy(150), quiet(150), quiet(150), quiet(150), quiet(150)];
    assert.deepEqual(stepsOn(policy, windows), [
      [4, 'young-gc'],
      [6, 'release'],
    ]);
  });

  it('a spell cut short by load begins again with another young-generation GC; no growth, no GC at all', () => {
    const policy = new IdleReleasePolicy(settings);
    const windows = [quiet(60), busy(120), quiet(120), quiet(120), busy(120), quiet(120), quiet(120), quiet(120)];
    assert.deepEqual(stepsOn(policy, windows), [
      [2, 'young-gc'],
      [5, 'young-gc'],
      [7, 'release'],
    ]);
    const idle = new IdleReleasePolicy(settings);
    assert.deepEqual(
      stepsOn(
        idle,
        Array.from({ length: 30 }, () => quiet(60)),
      ),
      [],
    );
  });

  it("by default the release comes more than 5 s (V8's allocation window) after the young-generation GC", () => {
    // Windows are 1 s; the young GC runs on the first quiet window, the release on the last.
    assert.ok((IDLE_RELEASE_DEFAULTS.quietWindows - 1) * 1000 > 5000);
  });

  it('runs the young-generation GC, then the release', async () => {
    const calls: string[] = [];
    let release: ReturnType<typeof startIdleHeapRelease> | undefined;
    await new Promise<void>((resolve) => {
      release = startIdleHeapRelease({
        windowMs: 5,
        settings: { quietBelow: 2, quietWindows: 3, minGrowthMb: Number.NEGATIVE_INFINITY },
        youngGc: async () => {
          calls.push('young-gc');
        },
        release: async () => {
          calls.push('release');
        },
        onRelease: () => resolve(),
      });
    });
    release?.stop();
    assert.deepEqual(calls, ['young-gc', 'release']);
  });

  it('the young-generation GC is one async minor GC', async () => {
    const calls: GcOptions[] = [];
    await youngGenerationGc((options) => {
      calls.push(options);
      return Promise.resolve();
    });
    assert.deepEqual(calls, [{ type: 'minor', execution: 'async' }]);
  });

  it('releases once the bot has been quiet for the set number of windows after its heap grew', () => {
    const policy = new IdleReleasePolicy(settings);
    const windows = [quiet(60), busy(90), busy(140), busy(150), quiet(150), quiet(150), quiet(150), quiet(150)];
    assert.deepEqual(releasesOn(policy, windows), [6]);
  });

  it('never releases during load, however much the heap grows', () => {
    const policy = new IdleReleasePolicy(settings);
    const windows = [quiet(60), ...Array.from({ length: 50 }, (_, i) => busy(60 + 5 * i))];
    assert.deepEqual(releasesOn(policy, windows), []);
  });

  it('a busy window starts the quiet spell over', () => {
    const policy = new IdleReleasePolicy(settings);
    const windows = [quiet(60), busy(120), quiet(120), quiet(120), busy(120), quiet(120), quiet(120), quiet(120)];
    assert.deepEqual(releasesOn(policy, windows), [7]);
  });

  it('an idle bot whose heap did not grow is left alone', () => {
    const policy = new IdleReleasePolicy(settings);
    const windows = Array.from({ length: 30 }, (_, i) => quiet(60 + (i % 2) * 10));
    assert.deepEqual(releasesOn(policy, windows), []);
  });

  it('after a release, growth counts from what the release left, and none starts while one runs', () => {
    const policy = new IdleReleasePolicy(settings);
    assert.deepEqual(releasesOn(policy, [quiet(60), busy(150), quiet(150), quiet(150), quiet(150)]), [4]);
    // Still releasing: more quiet windows do not ask again.
    assert.deepEqual(releasesOn(policy, [quiet(150), quiet(150), quiet(150), quiet(150)]), []);
    policy.released(100);
    // Live data the release could not free is not growth: quiet at 110 MB asks for nothing.
    assert.deepEqual(releasesOn(policy, [quiet(110), quiet(110), quiet(110), quiet(110)]), []);
    assert.deepEqual(releasesOn(policy, [busy(130), quiet(130), quiet(130), quiet(130)]), [3]);
  });

  it('releases with the given release and reports the heap before and after', async () => {
    let releases = 0;
    let release: ReturnType<typeof startIdleHeapRelease> | undefined;
    const figures = await new Promise<{ beforeMb: number; afterMb: number }>((resolve) => {
      release = startIdleHeapRelease({
        windowMs: 5,
        // Every window quiet, no growth needed: the first window releases.
        settings: { quietBelow: 2, quietWindows: 1, minGrowthMb: Number.NEGATIVE_INFINITY },
        release: async () => {
          releases++;
        },
        onRelease: resolve,
      });
    });
    release?.stop();
    assert.ok(releases >= 1);
    assert.ok(figures.beforeMb > 0 && figures.afterMb > 0);
  });

  it('a gc() that throws is reported, not thrown out of the timer', async () => {
    let release: ReturnType<typeof startIdleHeapRelease> | undefined;
    const error = await new Promise<unknown>((resolve) => {
      release = startIdleHeapRelease({
        windowMs: 5,
        settings: { quietBelow: 2, quietWindows: 1, minGrowthMb: Number.NEGATIVE_INFINITY },
        release: () => {
          throw new Error('no gc here');
        },
        onError: resolve,
      });
    });
    release?.stop();
    assert.equal((error as Error).message, 'no gc here');
  });

  it('gets V8 gc() without --expose-gc, leaves the global object without it, and it collects', async () => {
    const hadGlobal = 'gc' in globalThis;
    const gc = v8Gc();
    assert.equal(typeof gc, 'function');
    if (!hadGlobal) assert.equal('gc' in globalThis, false);
    let garbage: object | undefined = { payload: new Array(1000).fill('x') };
    const ref = new WeakRef(garbage);
    garbage = undefined;
    await gc({ type: 'major', execution: 'async', flavor: 'last-resort' });
    assert.equal(ref.deref(), undefined);
  });

  it('the compacting GC is one async major GC, and gives back the pages that garbage left half-empty', async () => {
    const calls: GcOptions[] = [];
    await compactingMajorGc((options) => {
      calls.push(options);
      return Promise.resolve();
    });
    assert.deepEqual(calls, [{ type: 'major', execution: 'async' }]);

    const oldSpace = () => {
      const s = getHeapSpaceStatistics().find((space) => space.space_name === 'old_space');
      return { committed: s?.space_size ?? 0, used: s?.space_used_size ?? 0 };
    };
    const gc = v8Gc();
    // ~40 MB of small objects promoted to old space, then four in five dropped: every page keeps some live ones.
    let objects = Array.from({ length: 400_000 }, (_, i) => ({ i, text: `item ${i}` }));
    await gc({ type: 'major', execution: 'async' });
    objects = objects.filter((_, i) => i % 5 === 0);
    await gc({ type: 'major', execution: 'async' });
    const plain = oldSpace();
    await compactingMajorGc();
    const compacted = oldSpace();
    assert.equal(objects.length, 80_000);
    // A plain full GC leaves the pages half-empty; the compacting one gives most of that slack back.
    const slack = (s: { committed: number; used: number }) => s.committed - s.used;
    assert.ok(
      slack(compacted) < slack(plain) / 2,
      `old space slack ${(slack(plain) / 2 ** 20).toFixed(1)} MB after a plain GC, ${(slack(compacted) / 2 ** 20).toFixed(1)} MB compacted`,
    );
  });
});
