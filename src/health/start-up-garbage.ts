// Start-up leaves old-space garbage behind (module loading, migrations, the first directory read: ~8 MB of pages
// with live objects scattered among the dead) and V8 keeps those pages until a GC that compacts. One compacting GC
// once start-up's work is done, before the bot listens, so it idles at its live heap, not at start-up's. V8
// unmaps the pages it emptied on a thread of its own just after the GC: the resident size falls over the next
// ~50–300 ms on a busy machine, so this waits until it has held for 200 ms (at most 1 s).
import { compactingMajorGc } from './v8-gc.js';

export interface StartUpGarbageOptions {
  gc?: () => Promise<void>;
  /** Resident set size in bytes. */
  rss?: () => number;
  sleep?: (ms: number) => Promise<void>;
  /** Stops waiting when the resident size has not fallen (by 1 MB) for this long. */
  steadyMs?: number;
  maxMs?: number;
  pollMs?: number;
}

export async function releaseStartUpGarbage(options: StartUpGarbageOptions = {}): Promise<void> {
  const rss = options.rss ?? (() => process.memoryUsage.rss());
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const pollMs = options.pollMs ?? 10;
  const steadyPolls = Math.ceil((options.steadyMs ?? 200) / pollMs);
  const maxPolls = Math.ceil((options.maxMs ?? 1000) / pollMs);
  await (options.gc ?? (() => compactingMajorGc()))();
  let lowest = rss();
  let steady = 0;
  for (let poll = 0; poll < maxPolls && steady < steadyPolls; poll++) {
    await sleep(pollMs);
    const now = rss();
    if (now < lowest - 2 ** 20) {
      lowest = now;
      steady = 0;
    } else steady++;
  }
}
