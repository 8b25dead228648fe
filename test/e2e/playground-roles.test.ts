// Switching roles in the Agents Playground the way `npm run playground` sets it up: a maker's and an approver's
// Playground side by side in front of one bot. The maker asks in personal chat; the person switches to the
// approver's window, finds the card in the Approvals channel and presses Approve there (a real click in the
// page, as the approver); back in the maker's window the chat still holds the question and its card, now done.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { freePort, type PlaygroundPair, startPlaygroundPair } from '../../scripts/playground/agents-playground.js';
import type { RunningBot } from '../../src/app.js';
import { projectRoot } from '../../src/project-root.js';
import { envs, users } from '../support/fixture-ids.js';
import { type SimulatedBot, startSimulatedBot } from '../support/simulated-bot.js';
import { type Browser, chromiumMissing, launchChromium } from './chromium.js';
import { PlaygroundPage } from './playground-page.js';

const SHOTS = join(projectRoot(), 'test-output', 'e2e-roles');
const ASK = 'I need the Environment Maker role in Marketing Sandbox because I build the campaign tracker';

describe('e2e: switching from maker to approver in the Playground keeps every chat and card', function () {
  this.timeout(240_000);
  let dataDir: string;
  let bot: RunningBot;
  let running: SimulatedBot | undefined;
  let browser: Browser;
  let pair: PlaygroundPair | undefined;
  let maker: PlaygroundPage;
  let approver: PlaygroundPage;

  before(async function () {
    const missing = chromiumMissing();
    if (missing) {
      console.warn(`      skipping the Playground browser tests: ${missing}`);
      this.skip();
    }
    running = await startSimulatedBot('govbot-e2e-roles-');
    ({ bot, dataDir } = running);
    browser = await launchChromium();
    pair = await startPlaygroundPair({
      botEndpoint: `${bot.url}/api/messages`,
      makerPort: await freePort(),
      approverPort: await freePort(),
      logDir: dataDir,
      timeoutMs: 120_000,
    });
    approver = await PlaygroundPage.open(browser.context, pair.approver.url, SHOTS);
    maker = await PlaygroundPage.open(browser.context, pair.maker.url, SHOTS);
  });

  after(async () => {
    await maker?.close().catch(() => undefined);
    await approver?.close().catch(() => undefined);
    await pair?.stop();
    await browser?.close();
    await running?.stop();
  });

  it('listens on loopback only', async () => {
    assert.ok(pair);
    const port = new URL(pair.maker.url).port;
    assert.equal(await fetch(`http://127.0.0.1:${port}/_debug/ping`).then((r) => r.text()), 'pong');
    const { networkInterfaces } = await import('node:os');
    const external = Object.values(networkInterfaces())
      .flat()
      .find((a) => a && a.family === 'IPv4' && !a.internal)?.address;
    if (!external) return; // no other interface on this machine to try
    await assert.rejects(
      fetch(`http://${external}:${port}/_debug/ping`),
      'the Playground answers on another interface',
    );
  });

  it('the maker asks, the approver approves from the Approvals channel, and the maker chat keeps it all', async () => {
    await approver.page.bringToFront();
    await approver.openConversation('Approvals');
    await approver.postMentioning('Governance', 'set approvals channel');
    await approver.page.getByText('Done: this channel is now the approvals channel.').waitFor({ timeout: 30_000 });

    await maker.page.bringToFront();
    await maker.openConversation('Personal Chat');
    await maker.sendChat(ASK);
    const receipt = await maker.waitForCard(/REQ-1001/, 30_000);
    assert.match(await maker.textOf(receipt), /Waiting for approval/);

    // Switch roles: the approver's window, the card the maker's request produced, a real click on Approve.
    await approver.page.bringToFront();
    await approver.openConversation('Approvals');
    const card = await approver.waitForCard(/REQ-1001/, 30_000);
    assert.match(await approver.textOf(card), /Alex Wilber asks for the Environment Maker role in Marketing Sandbox/);
    await card.getByRole('button', { name: 'Approve' }).click();
    const done = await approver.waitForCard(/REQ-1001[\s\S]*Completed/, 30_000);
    assert.match(await approver.textOf(done), /Approved by Megan Bowen/);
    await approver.screenshot('approver-approved-in-channel', done);
    const env = await bot.tenant.getEnvironment(envs.marketingSandbox);
    assert.ok(env);
    assert.equal(await bot.tenant.hasEnvironmentRole(env, users.alex.id, 'EnvironmentMaker'), true);

    // Back to the maker: the question, the receipt (now completed) and the outcome note are all there.
    await maker.page.bringToFront();
    await maker.openConversation('Personal Chat');
    await maker.page.getByText(ASK).first().waitFor({ timeout: 15_000 });
    await maker.card(/REQ-1001[\s\S]*Completed/).waitFor({ timeout: 30_000 });
    await maker.page
      .locator('.ac-adaptiveCard', { hasText: /REQ-1001 was done/ })
      .last()
      .waitFor({ timeout: 30_000 });
    await maker.screenshot('maker-chat-after-approval');
  });
});
