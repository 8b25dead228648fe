// npm start hands start-up's garbage back before the bot listens (src/index.ts): startGovernanceBot runs the
// beforeListening hook once its start-up work is done and listens only after the hook has finished.
import assert from 'node:assert/strict';
import { startSimulatedBot } from '../support/simulated-bot.js';

describe('start-up: before listening', () => {
  it('awaits the hook once, then listens', async function () {
    this.timeout(30_000);
    let calls = 0;
    let open: () => void = () => {};
    const gate = new Promise<void>((resolve) => {
      open = resolve;
    });
    let entered: () => void = () => {};
    const hookEntered = new Promise<void>((resolve) => {
      entered = resolve;
    });
    let started = false;
    const starting = startSimulatedBot('govbot-before-listening-', {
      beforeListening: async () => {
        calls++;
        entered();
        await gate;
      },
    });
    void starting.then(() => {
      started = true;
    });
    await hookEntered;
    // Whatever else start-up had queued runs now; the start must still be waiting for the hook.
    await new Promise((resolve) => setImmediate(resolve));
    assert.equal(started, false, 'started before the hook finished');
    open();
    const sim = await starting;
    try {
      assert.equal(calls, 1);
      const res = await fetch(`${sim.bot.url}/healthz`);
      assert.equal(res.status, 200);
    } finally {
      await sim.stop();
    }
  });
});
