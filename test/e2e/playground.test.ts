// What users see, in the Microsoft 365 Agents Playground driven by headless Chromium: the real bot (simulated
// tenant, SQLite in a temp folder) behind the Playground's own Bot Connector, the committed configs
// (playground/*.yml), and a person typing, posting and reading the rendered cards. The approver sets the
// approvals channel in their own Playground window; then, in the maker's window, the maker asks in personal
// chat, the card appears in the Approvals channel, an approver clicks on it (through the Playground's invoke
// path as that configured user), and both sides see the outcome. Screenshots go to test-output/e2e/.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import {
  freePort,
  type PlaygroundRole,
  type RunningPlayground,
  startAgentsPlayground,
} from '../../scripts/playground/agents-playground.js';
import type { RunningBot } from '../../src/app.js';
import { projectRoot } from '../../src/project-root.js';
import { envs, team, users } from '../support/fixture-ids.js';
import { type SimulatedBot, startSimulatedBot } from '../support/simulated-bot.js';
import { type Browser, chromiumMissing, launchChromium } from './chromium.js';
import { clickCardActionAs } from './playground-api.js';
import { PlaygroundPage } from './playground-page.js';

const SHOTS = join(projectRoot(), 'test-output', 'e2e');
const BOT_NAME = 'Governance'; // bot.name in playground/*.yml

describe('e2e: the Agents Playground in a browser', function () {
  this.timeout(120_000);
  let dataDir: string;
  let bot: RunningBot;
  let running: SimulatedBot | undefined;
  let browser: Browser;
  let port: number;
  let playground: RunningPlayground | undefined;
  let ui: PlaygroundPage;

  const startPlayground = async (role: PlaygroundRole) => {
    await playground?.stop();
    playground = await startAgentsPlayground({
      botEndpoint: `${bot.url}/api/messages`,
      role,
      port,
      logFile: join(dataDir, `playground-${role}.log`),
    });
    // The bot keeps the serviceUrl of each conversation: both windows must be the same Playground address.
    assert.equal(playground.url, `http://localhost:${port}`, 'the Playground took another port');
    return playground;
  };

  /** Clicks a button of the newest card matching `pattern` as a configured user, with card inputs merged in. */
  const clickAs = async (userId: string, pattern: RegExp, verb: string, inputs: Record<string, unknown> = {}) => {
    const found = ui.messageWithAction(pattern, verb);
    assert.ok(found, `no ${verb} button on a card matching ${pattern}`);
    assert.ok(playground);
    return clickCardActionAs(playground.url, {
      asUser: userId,
      conversationId: found.message.conversationId,
      replyToId: found.message.messageId,
      verb,
      data: { ...found.action.data, ...inputs },
    });
  };

  before(async function () {
    const missing = chromiumMissing();
    if (missing) {
      console.warn(`      skipping the Playground browser tests: ${missing}`);
      this.skip();
    }
    running = await startSimulatedBot('govbot-e2e-', { simulator: { retryAfterSeconds: 0, lroPollsToComplete: 4 } });
    ({ bot, dataDir } = running);
    browser = await launchChromium();
    port = await freePort();
  });

  after(async () => {
    await ui?.close().catch(() => undefined);
    await playground?.stop();
    await browser?.close();
    await running?.stop();
  });

  it('(1) the approver sets the approvals channel by @mentioning the bot in the Approvals channel', async () => {
    await startPlayground('approver');
    ui = await PlaygroundPage.open(browser.context, playground?.url ?? '', SHOTS);
    await ui.openConversation('Approvals');
    await ui.postMentioning(BOT_NAME, 'set approvals channel');
    await ui.page.getByText('Done: this channel is now the approvals channel.').waitFor();
    await ui.screenshot('01-approver-sets-approvals-channel');
    const setting = await bot.store.channels.get('approvals');
    assert.equal(setting?.setBy, users.megan.id);
    assert.match(setting?.conversationKey ?? '', new RegExp(team.approvals));

    await ui.close();
    await playground?.stop();
  });

  it('(2) the maker asks in personal chat and sees the receipt card', async () => {
    await startPlayground('maker');
    ui = await PlaygroundPage.open(browser.context, playground?.url ?? '', SHOTS);
    await ui.openConversation('Personal Chat');
    await ui.sendChat('I need the Environment Maker role in Marketing Sandbox because I build the campaign tracker');
    const receipt = await ui.waitForCard(/REQ-1001/);
    assert.match(await ui.textOf(receipt), /Waiting for approval/);
    assert.match(await ui.textOf(receipt), /Marketing Sandbox/);
    await ui.screenshot('02-maker-receipt');
  });

  it('(3) the approval card appears in the Approvals channel', async () => {
    await ui.openConversation('Approvals');
    const card = await ui.waitForCard(/REQ-1001/);
    const text = await ui.textOf(card);
    assert.match(text, /Alex Wilber asks for the Environment Maker role in Marketing Sandbox/);
    // Every channel member reads the posted card: no email there; approvers get it in their refreshed view.
    assert.doesNotMatch(text, /alexw@contoso\.onmicrosoft\.com/);
    assert.match(text, /campaign tracker/);
    assert.ok(await card.getByRole('button', { name: 'Approve' }).isVisible(), 'an Approve button');
    await ui.screenshot('03-approval-card-in-channel', card);
    await ui.screenshot('03-approvals-channel');
  });

  it('(4, 5) an approver approves, and the card in the channel updates to Completed', async () => {
    const answer = await clickAs(users.megan.id, /REQ-1001/, 'approve', { comment: 'ok for the campaign' });
    assert.equal(answer.type, 'application/vnd.microsoft.card.adaptive');
    assert.match(JSON.stringify(answer.value), /Approved by Megan Bowen/);
    const card = await ui.waitForCard(/REQ-1001[\s\S]*Completed/);
    assert.match(await ui.textOf(card), /Megan Bowen/);
    await ui.screenshot('04-approval-card-completed', card);
    const env = await bot.tenant.getEnvironment(envs.marketingSandbox);
    assert.ok(env);
    assert.equal(await bot.tenant.hasEnvironmentRole(env, users.alex.id, 'EnvironmentMaker'), true);
  });

  it('(6) the maker sees the outcome in personal chat', async () => {
    await ui.openConversation('Personal Chat');
    const note = ui.page.locator('.ac-adaptiveCard', { hasText: /REQ-1001[\s\S]*was done|was done[\s\S]*REQ-1001/ });
    await note.last().waitFor({ timeout: 15_000 });
    await note.last().scrollIntoViewIfNeeded();
    assert.ok(await ui.card(/REQ-1001[\s\S]*Completed/).isVisible(), 'the receipt card shows Completed too');
    await ui.screenshot('05-maker-notified');
  });

  it('a connector unblock: the approver sees the impact, picks a narrow exception, the maker is told', async () => {
    await ui.sendChat('unblock Dropbox in Contoso Dev because invoices arrive in Dropbox');
    await ui.waitForCard(/REQ-1002/);
    await ui.openConversation('Approvals');
    const card = await ui.waitForCard(/REQ-1002/);
    const text = await ui.textOf(card);
    assert.match(text, /Contoso Dev leaves “Tenant baseline”; a new policy/);
    assert.match(text, /Dropbox invoice sync in Contoso Dev/);
    assert.match(text, /only Contoso Dev gains Dropbox/);
    await ui.screenshot('06-connector-impact-card', card);

    // Non-business (General): one admin decides a narrow exception; Business would need a senior approver too.
    await clickAs(users.nestor.id, /REQ-1002/, 'approve', { classification: 'General', scope: 'exception' });
    const done = await ui.waitForCard(/REQ-1002[\s\S]*Completed/);
    assert.match(await ui.textOf(done), /exception for Contoso Dev/);
    await ui.screenshot('07-connector-completed', done);
    const policies = await bot.tenant.listDlpPolicies();
    assert.ok(policies.some((p) => p.displayName === 'Tenant baseline (exception for Contoso Dev)'));
    await ui.openConversation('Personal Chat');
    await ui.card(/REQ-1002 was done/).waitFor({ timeout: 15_000 });
  });

  it('a new environment: each creation stage shows on the card live, then a link to open it', async () => {
    await ui.openConversation('Personal Chat');
    await ui.sendChat(
      'new sandbox environment called Payroll Tools in Europe with Dataverse because the payroll team needs a place to build',
    );
    await ui.waitForCard(/REQ-1003/);
    await ui.openConversation('Approvals');
    const card = await ui.waitForCard(/REQ-1003/);
    assert.match(await ui.textOf(card), /Payroll Tools/);
    await clickAs(users.megan.id, /REQ-1003/, 'approve');
    const done = await ui.waitForCard(/REQ-1003[\s\S]*Completed/, 30_000);
    const text = await ui.textOf(done);
    assert.match(text, /Open: https:\/\/make\.powerapps\.com\/environments\//);
    await ui.screenshot('08-environment-completed', done);

    // The UI received the card mid-way (a stage running while a later one had not finished) before the end.
    const states = ui.statesOf(/REQ-1003/).map((m) => JSON.stringify(m.cards));
    assert.ok(
      states.some((s) => s.includes('◐ Creation stage') && !s.includes('● Creation stage: Finalize')),
      `no mid-way state among ${states.length} received`,
    );
    for (const stage of ['Validate', 'Prepare', 'Run', 'Finalize'])
      assert.match(text, new RegExp(`Creation stage: ${stage}`));
    await ui.openConversation('Personal Chat');
    await ui.card(/REQ-1003[\s\S]*Completed/).waitFor({ timeout: 15_000 });
    await ui.screenshot('09-maker-environment-ready');
  });
});
