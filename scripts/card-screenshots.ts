// `npx tsx scripts/card-screenshots.ts <label>`: the cards a newcomer meets first, as the Agents Playground shows
// them and as the Adaptive Cards renderer (test/cards) shows the very same JSON, at a narrow Teams column (320 px)
// and a normal one (560 px). Saves docs/screenshots/<label>-<card>.<playground|renderer>.<width>.png so a
// change to a card can be looked at before and after. Needs /usr/bin/chromium.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Locator } from 'playwright-core';
import { projectRoot } from '../src/project-root.js';
import { CardRenderer } from '../test/cards/card-renderer.js';
import { launchChromium } from '../test/e2e/chromium.js';
import { PlaygroundPage } from '../test/e2e/playground-page.js';
import { startSimulatedBot } from '../test/support/simulated-bot.js';
import { freePort, type PlaygroundRole, startAgentsPlayground } from './playground/agents-playground.js';

const WIDTHS = [320, 560] as const;
const label = process.argv[2] ?? 'after';
const out = join(projectRoot(), 'docs', 'screenshots');
mkdirSync(out, { recursive: true });

/** Screenshots one Playground card at each width (the card box is set to it, as a Teams column would). */
async function shootPlayground(ui: PlaygroundPage, card: Locator, name: string): Promise<void> {
  await ui.page.setViewportSize({ width: 1400, height: 2400 });
  for (const width of WIDTHS) {
    await card.evaluate((el, w) => {
      (el as HTMLElement).style.width = `${w}px`;
      (el as HTMLElement).style.maxWidth = `${w}px`;
      (el as HTMLElement).style.minWidth = '0';
    }, width);
    await card.scrollIntoViewIfNeeded();
    await card.screenshot({ path: join(out, `${label}-${name}.playground.${width}.png`) });
  }
  await ui.page.setViewportSize({ width: 1400, height: 1000 });
}

/** The first Adaptive Card inside a JSON body whose text matches. */
function adaptiveCardIn(body: unknown, pattern: RegExp): Record<string, unknown> | undefined {
  if (!body || typeof body !== 'object') return undefined;
  const o = body as Record<string, unknown>;
  if (o.type === 'AdaptiveCard' && pattern.test(JSON.stringify(o))) return o;
  for (const value of Object.values(o)) {
    const found = adaptiveCardIn(value, pattern);
    if (found) return found;
  }
  return undefined;
}

async function main(): Promise<void> {
  const running = await startSimulatedBot('govbot-shots-');
  const { bot, dataDir } = running;
  const browser = await launchChromium();
  const renderer = new CardRenderer(browser);
  const port = await freePort();
  const cards = new Map<string, Record<string, unknown>>();
  let playground: Awaited<ReturnType<typeof startAgentsPlayground>> | undefined;
  const open = async (role: PlaygroundRole) => {
    await playground?.stop();
    playground = await startAgentsPlayground({
      botEndpoint: `${bot.url}/api/messages`,
      role,
      port,
      timeoutMs: 120_000,
    });
    return PlaygroundPage.open(browser.context, playground.url, join(dataDir, 'shots'));
  };
  /** The newest card matching, screenshot in the Playground, its JSON kept for the renderer. */
  const capture = async (ui: PlaygroundPage, pattern: RegExp, name: string, jsonPattern = pattern) => {
    const card = await ui.waitForCard(pattern);
    await new Promise((r) => setTimeout(r, 500)); // let an in-place update land
    const latest = ui.received.filter((m) => m.cards.some((c) => jsonPattern.test(JSON.stringify(c)))).at(-1);
    const json = latest?.cards.find((c) => jsonPattern.test(JSON.stringify(c)));
    if (json) cards.set(name, json);
    await shootPlayground(ui, ui.card(pattern), name);
    if (process.env.PROBE_CSS)
      console.log(
        name,
        await ui.card(pattern).evaluate((el) =>
          Array.from(el.querySelectorAll('.ac-fact-value, .ac-fact-value .ac-textBlock'))
            .slice(0, 3)
            .map((v) => {
              const s = getComputedStyle(v);
              return `${v.className}: white-space ${s.whiteSpace}, overflow ${s.overflow}, text-overflow ${s.textOverflow}, wrap ${s.overflowWrap}`;
            }),
        ),
      );
    return card;
  };
  try {
    let ui = await open('approver');
    await ui.openConversation('Approvals');
    await ui.postMentioning('Governance', 'set approvals channel');
    await ui.page.getByText('Done: this channel is now the approvals channel.').waitFor();
    await ui.openConversation('Personal Chat');
    await ui.sendChat('help');
    await capture(ui, /What I can do/, 'help-approver');
    await ui.close();

    ui = await open('maker');
    await ui.openConversation('Personal Chat');
    await ui.sendChat('help');
    await capture(ui, /What I can do/, 'help-maker');
    await ui.sendChat('unblock Dropbox in Contoso Dev because invoices arrive in Dropbox');
    const receipt = await ui.waitForCard(/REQ-1001/);
    // The answer is the invoke's response (the card updated in place), not a message on the websocket: read it from
    // the HTTP response the Playground UI gets, so the renderer draws the same answer.
    const answered = ui.page.waitForResponse(async (r) => /decide/i.test(await r.text().catch(() => '')));
    await receipt.getByRole('button', { name: 'Who decides?' }).click();
    const answerCard = adaptiveCardIn(await (await answered).json(), /decide/i);
    await ui.page.waitForTimeout(1500);
    // The maker's own copy (it offers Cancel), not the approvers' copy posted at the same time.
    await capture(ui, /REQ-1001/, 'who-decides', /REQ-1001[\s\S]*"verb":"cancel"/);
    if (answerCard) cards.set('who-decides', answerCard);
    else throw new Error('no "Who decides?" answer card in the invoke response');
    await ui.sendChat('I need the Environment Maker role in Marketing Sandbox because I build the campaign tracker');
    await ui.waitForCard(/REQ-1002/);
    await ui.openConversation('Approvals');
    await capture(ui, /REQ-1001/, 'connector-unblock-card');
    await capture(ui, /REQ-1002/, 'approval-card');
    await ui.close();

    for (const [name, json] of cards)
      for (const width of WIDTHS) {
        const report = await renderer.render(json, width, join(out, `${label}-${name}.renderer.${width}.png`));
        console.log(
          `${name} renderer ${width}px: ${Math.round(report.height)} px tall, clipped ${report.clipped.length}`,
        );
      }
    console.log(`Screenshots in ${out} (${label}-*)`);
  } finally {
    await playground?.stop();
    await browser.close();
    await running.stop();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
