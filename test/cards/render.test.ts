// Every card template, rendered as users see it: the Adaptive Cards JS renderer in headless Chromium at a
// narrow Teams column and at a normal width. Fails on template or renderer warnings, unresolved ${…},
// cards over 80 KB, and clipped text. PNGs go to test-output/cards/ (git-ignored) for a human to look at.
import assert from 'node:assert/strict';
import { mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { projectRoot } from '../../src/project-root.js';
import { CARD_TEMPLATES, MAX_CARD_BYTES } from '../../src/teams/cards/template.js';
import { type Browser, chromiumMissing, launchChromium } from '../e2e/chromium.js';
import { CardRenderer } from './card-renderer.js';
import { SCENARIOS } from './scenarios.js';

const OUT = join(projectRoot(), 'test-output', 'cards');
const WIDTHS = { narrow: 320, wide: 560 } as const;

describe('cards: rendered with the Adaptive Cards renderer', function () {
  this.timeout(120_000);
  let browser: Browser | undefined;
  let renderer: CardRenderer;

  before(async function () {
    const missing = chromiumMissing();
    if (missing) {
      console.warn(`      skipping card rendering: ${missing}`);
      this.skip();
    }
    mkdirSync(OUT, { recursive: true });
    browser = await launchChromium();
    renderer = new CardRenderer(browser);
  });
  after(async () => {
    await browser?.close();
  });

  it('has a scenario for every template in cards/ and CARD_TEMPLATES', () => {
    const files = readdirSync(join(projectRoot(), 'cards'))
      .filter((f) => f.endsWith('.json'))
      .map((f) => f.replace(/\.json$/, ''));
    for (const file of files)
      assert.ok((CARD_TEMPLATES as readonly string[]).includes(file), `cards/${file}.json is not in CARD_TEMPLATES`);
    for (const name of CARD_TEMPLATES) {
      assert.ok(
        SCENARIOS.some((s) => s.template === name),
        `no rendering scenario for ${name}: add one to test/cards/scenarios.ts`,
      );
    }
  });

  for (const scenario of SCENARIOS) {
    it(`renders ${scenario.name} (${scenario.template}) cleanly, narrow and wide`, async () => {
      const card = scenario.card(); // renderCard throws on expansion warnings, holes and size
      const json = JSON.stringify(card);
      assert.doesNotMatch(json, /\$\{[^}]*\}/, 'unresolved ${…}');
      assert.ok(Buffer.byteLength(json) <= MAX_CARD_BYTES, `${Buffer.byteLength(json)} bytes`);
      for (const [label, width] of Object.entries(WIDTHS)) {
        const report = await renderer.render(card, width, join(OUT, `${scenario.name}.${label}.png`));
        assert.deepEqual(report.problems, [], `${scenario.name} at ${width}px`);
        assert.deepEqual(report.clipped, [], `${scenario.name} at ${width}px: text cut off`);
        assert.deepEqual(report.lowContrast, [], `${scenario.name} at ${width}px: text hard to read on its background`);
        assert.ok(report.height > 40, 'the card has a body');
        for (const b of report.buttons) assert.ok(b.trim().length >= 2, `a button without a label in ${scenario.name}`);
      }
    });
  }
});
