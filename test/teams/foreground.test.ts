// Background work (jobs, outbox sends) waits while invokes are being answered, and never longer than its cap.
import assert from 'node:assert/strict';
import { afterInvokes, coalescedKicks, Foreground, type Schedule } from '../../src/teams/foreground.js';

const tick = () => new Promise((resolve) => setImmediate(resolve));
/** No quiet gap: released after the I/O already waiting. */
const immediate: Schedule = (run) => {
  const handle = setImmediate(run);
  return () => clearImmediate(handle);
};

describe('Foreground: invokes before background work', () => {
  it('lets background work through at once when no invoke is in flight', async () => {
    const foreground = new Foreground();
    let ran = false;
    await foreground.idle().then(() => {
      ran = true;
    });
    assert.equal(ran, true);
  });

  it('holds background work until every invoke in flight has been answered', async () => {
    const foreground = new Foreground(60_000, 0, immediate);
    const order: string[] = [];
    let answerFirst = () => undefined as void;
    let answerSecond = () => undefined as void;
    const first = foreground.invoke(() => new Promise<void>((r) => (answerFirst = r)).then(() => order.push('first')));
    const second = foreground.invoke(() =>
      new Promise<void>((r) => (answerSecond = r)).then(() => order.push('second')),
    );
    const background = foreground.idle().then(() => order.push('background'));
    answerFirst();
    await first;
    await tick();
    await tick();
    assert.deepEqual(order, ['first'], 'one invoke is still in flight');
    answerSecond();
    await Promise.all([second, background]);
    assert.deepEqual(order, ['first', 'second', 'background']);
  });

  it('waits for a quiet gap after the last answer: a click arriving within it holds background work again', async () => {
    // The gap's timers, run by hand: pending[i] is the i-th release scheduled, cancelled when an invoke starts.
    const pending: { run: () => void; cancelled: boolean }[] = [];
    const manual: Schedule = (run) => {
      const entry = { run, cancelled: false };
      pending.push(entry);
      return () => {
        entry.cancelled = true;
      };
    };
    const foreground = new Foreground(60_000, 100, manual);
    const order: string[] = [];
    await foreground.invoke(async () => order.push('first click'));
    const background = foreground.idle().then(() => order.push('background'));
    await tick();
    assert.deepEqual(order, ['first click'], 'answered a moment ago: background work waits for the gap');
    let answer: () => void = () => undefined;
    const second = foreground.invoke(
      () =>
        new Promise<void>((r) => {
          answer = r;
        }),
    );
    assert.equal(pending[0]?.cancelled, true, 'the next click cancels the release');
    answer();
    await second;
    assert.equal(pending.length, 2);
    await tick();
    assert.deepEqual(order, ['first click'], 'still within the gap after the second click');
    pending[1]?.run();
    await background;
    assert.deepEqual(order, ['first click', 'background']);
  });

  it('counts an invoke that failed as answered', async () => {
    const foreground = new Foreground(60_000, 0, immediate);
    await assert.rejects(foreground.invoke(() => Promise.reject(new Error('boom'))));
    let ran = false;
    await foreground.idle().then(() => {
      ran = true;
    });
    assert.equal(ran, true);
  });

  it('never holds background work longer than its cap, however many invokes keep coming', async () => {
    const foreground = new Foreground(20, 0, immediate);
    const never = foreground.invoke(() => new Promise<void>(() => undefined));
    void never;
    let ran = false;
    await foreground.idle().then(() => {
      ran = true;
    });
    assert.equal(ran, true);
  });

  it('a kick drains the outbox once the invokes in flight are answered, without waiting for a running job', async () => {
    const foreground = new Foreground(60_000, 0, immediate);
    const order: string[] = [];
    let answer: () => void = () => undefined;
    const invoke = foreground.invoke(() => new Promise<void>((r) => (answer = r)).then(() => order.push('answered')));
    afterInvokes(foreground, {
      drainOutbox: async () => order.push('outbox'),
      tickJobs: () => new Promise<number>(() => order.push('job running')), // a job that does not end
    });
    await tick();
    await tick();
    assert.deepEqual(order, [], 'nothing while the invoke is in flight');
    answer();
    await invoke;
    await tick();
    await tick();
    assert.deepEqual(order, ['answered', 'outbox', 'job running']);
  });

  it('a kick drains the outbox again after the jobs only when one ran', async () => {
    for (const ran of [0, 1]) {
      const drained: string[] = [];
      afterInvokes(new Foreground(2000, 0, immediate), {
        drainOutbox: async () => drained.push('outbox'),
        tickJobs: async () => ran,
      });
      for (let i = 0; i < 4; i++) await tick();
      assert.equal(drained.length, ran === 0 ? 1 : 2, `${ran} jobs ran`);
    }
  });

  it('kicks made while one waits for the invokes run the background work once; a kick after it was let through runs it again', async () => {
    const foreground = new Foreground(60_000, 0, immediate);
    const runs = { outbox: 0, jobs: 0 };
    const kick = coalescedKicks(foreground, {
      drainOutbox: async () => runs.outbox++,
      tickJobs: async () => {
        runs.jobs++;
        return 0;
      },
    });
    let answer: () => void = () => undefined;
    const invoke = foreground.invoke(() => new Promise<void>((r) => (answer = r)));
    for (let i = 0; i < 40; i++) kick(); // 40 clicks' commits
    for (let i = 0; i < 4; i++) await tick();
    assert.deepEqual(runs, { outbox: 0, jobs: 0 }, 'nothing while the invoke is in flight');
    answer();
    await invoke;
    for (let i = 0; i < 4; i++) await tick();
    assert.deepEqual(runs, { outbox: 1, jobs: 1 }, 'one drain and one tick for the 40 kicks');
    kick(); // a change committed after the outbox was let through
    for (let i = 0; i < 4; i++) await tick();
    assert.deepEqual(runs, { outbox: 2, jobs: 2 });
  });

  it("a change's kick starts the outbox before the I/O and immediates already waiting, when no invoke is in flight", async () => {
    const order: string[] = [];
    const kick = coalescedKicks(new Foreground(), {
      drainOutbox: async () => order.push('outbox'),
      tickJobs: async () => 0,
    });
    setImmediate(() => order.push('waiting before the kick'));
    kick();
    await tick();
    await tick();
    assert.deepEqual(order, ['outbox', 'waiting before the kick']);
  });
});
