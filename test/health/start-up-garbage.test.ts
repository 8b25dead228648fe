// Start-up's garbage is collected once before the bot says it listens, and the announcement waits until V8 has
// handed the emptied pages back (the resident size has stopped falling), but not forever.
import assert from 'node:assert/strict';
import { releaseStartUpGarbage } from '../../src/health/start-up-garbage.js';

const MB = 2 ** 20;

/** A fake process: a GC, then the resident size read at each poll (the last value repeats). */
function fakeProcess(rssAfterGcMb: number[]) {
  const events: string[] = [];
  let reads = 0;
  return {
    events,
    options: {
      gc: async () => {
        events.push('gc');
      },
      rss: () => {
        const mb = rssAfterGcMb[Math.min(reads, rssAfterGcMb.length - 1)] ?? 0;
        reads++;
        events.push(`rss ${mb}`);
        return mb * MB;
      },
      sleep: async () => {},
      pollMs: 10,
      steadyMs: 30,
      maxMs: 200,
    },
  };
}

describe('start-up garbage', () => {
  it('collects once, then waits while the resident size falls and stops once it has held for steadyMs', async () => {
    // Just after the GC the evacuated copies are resident too (200 MB); the unmapper then frees the old pages.
    const fake = fakeProcess([200, 143, 137, 137, 131, 131, 131, 131, 131, 120]);
    await releaseStartUpGarbage(fake.options);
    assert.deepEqual(fake.events, [
      'gc',
      'rss 200',
      'rss 143',
      'rss 137',
      'rss 137',
      'rss 131',
      'rss 131',
      'rss 131',
      'rss 131',
    ]);
  });

  it('gives up waiting after maxMs', async () => {
    const falling = Array.from({ length: 100 }, (_, i) => 300 - 2 * i);
    const fake = fakeProcess(falling);
    await releaseStartUpGarbage(fake.options);
    // One read after the GC, then one per 10 ms poll up to 200 ms.
    assert.equal(fake.events.filter((e) => e.startsWith('rss')).length, 1 + 20);
  });
});
