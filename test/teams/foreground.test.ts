// Background work (jobs, outbox sends) waits while invokes are being answered, and never longer than its cap.
import assert from 'node:assert/strict';
import { Foreground } from '../../src/teams/foreground.js';

const tick = () => new Promise((resolve) => setImmediate(resolve));

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
    const foreground = new Foreground(60_000);
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

  it('counts an invoke that failed as answered', async () => {
    const foreground = new Foreground(60_000);
    await assert.rejects(foreground.invoke(() => Promise.reject(new Error('boom'))));
    let ran = false;
    await foreground.idle().then(() => {
      ran = true;
    });
    assert.equal(ran, true);
  });

  it('never holds background work longer than its cap, however many invokes keep coming', async () => {
    const foreground = new Foreground(20);
    const never = foreground.invoke(() => new Promise<void>(() => undefined));
    void never;
    let ran = false;
    await foreground.idle().then(() => {
      ran = true;
    });
    assert.equal(ran, true);
  });
});
