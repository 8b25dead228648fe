// Renders Adaptive Cards with the official JS renderer (adaptivecards) in headless Chromium, styled like the
// Teams light theme, and reports what a reader would trip over: parse warnings, validation failures, text
// clipped by its box. Saves a PNG of each card.
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { Page } from 'playwright-core';
import type { Browser } from '../e2e/chromium.js';

const require = createRequire(import.meta.url);

/** Close to the Teams light theme: Segoe-like font, its type ramp and spacing, emphasis and accent colours. */
export const TEAMS_HOST_CONFIG = {
  fontFamily: "'Segoe UI', 'Noto Sans', 'Noto Sans CJK JP', 'Noto Sans Arabic', system-ui, sans-serif",
  supportsInteractivity: true,
  spacing: { small: 4, default: 8, medium: 16, large: 20, extraLarge: 24, padding: 16 },
  separator: { lineThickness: 1, lineColor: '#E1DFDD' },
  fontSizes: { small: 12, default: 14, medium: 16, large: 18, extraLarge: 24 },
  fontWeights: { lighter: 300, default: 400, bolder: 600 },
  containerStyles: {
    default: {
      backgroundColor: '#FFFFFF',
      foregroundColors: {
        default: { default: '#242424', subtle: '#616161' },
        accent: { default: '#5B5FC7', subtle: '#5B5FC7' },
        good: { default: '#0E700E', subtle: '#0E700E' },
        warning: { default: '#835B00', subtle: '#835B00' },
        attention: { default: '#C4314B', subtle: '#C4314B' },
        dark: { default: '#242424', subtle: '#424242' },
        light: { default: '#FFFFFF', subtle: '#F5F5F5' },
      },
    },
    emphasis: {
      backgroundColor: '#F5F5F5',
      foregroundColors: {
        default: { default: '#242424', subtle: '#616161' },
        accent: { default: '#4F52B2', subtle: '#4F52B2' },
        good: { default: '#0E700E', subtle: '#0E700E' },
        warning: { default: '#835B00', subtle: '#835B00' },
        attention: { default: '#C4314B', subtle: '#C4314B' },
      },
    },
    accent: { backgroundColor: '#E8EBFA', foregroundColors: { default: { default: '#242424', subtle: '#424242' } } },
    good: { backgroundColor: '#E7F2DA', foregroundColors: { default: { default: '#242424', subtle: '#424242' } } },
    warning: { backgroundColor: '#FBF6D9', foregroundColors: { default: { default: '#242424', subtle: '#424242' } } },
    attention: { backgroundColor: '#FCF4F6', foregroundColors: { default: { default: '#242424', subtle: '#424242' } } },
  },
  actions: {
    maxActions: 6,
    spacing: 'default',
    buttonSpacing: 8,
    showCard: { actionMode: 'inline', inlineTopMargin: 16 },
    actionsOrientation: 'horizontal',
    actionAlignment: 'left',
  },
  factSet: {
    title: { weight: 'bolder', size: 'default', color: 'default', wrap: true, maxWidth: 150 },
    value: { weight: 'default', size: 'default', color: 'default', wrap: true },
    spacing: 8,
  },
  inputs: { label: { requiredInputs: { weight: 'bolder' }, optionalInputs: { weight: 'bolder' } } },
};

const PAGE_CSS = `
  body { margin: 0; padding: 12px; background: #EBEBEB; font-family: ${TEAMS_HOST_CONFIG.fontFamily}; }
  #card { background: #FFFFFF; border-radius: 6px; box-shadow: 0 1px 2px rgba(0,0,0,.14); overflow: hidden; }
  .ac-pushButton { font-family: inherit; font-size: 14px; font-weight: 600; padding: 5px 12px; min-height: 32px;
    border-radius: 4px; border: 1px solid #D1D1D1; background: #FFFFFF; color: #242424; white-space: normal;
    overflow: hidden; text-overflow: ellipsis; }
  .ac-pushButton.style-positive { background: #5B5FC7; border-color: #5B5FC7; color: #FFFFFF; }
  .ac-pushButton.style-destructive { color: #C4314B; border-color: #C4314B; }
  .ac-input { font-family: inherit; font-size: 14px; }
  /* Teams breaks over-long words (addresses, ids) instead of letting them run out of the card. */
  .ac-textBlock { overflow-wrap: anywhere !important; }
  .ac-fact-title .ac-textBlock { overflow-wrap: break-word !important; }
  .ac-textBlock p { margin: 0; }
  .ac-textBlock ul, .ac-textBlock ol { margin: 2px 0; padding-left: 20px; box-sizing: border-box; } /* the renderer sets width: 100% on lists */
  .ac-textInput, .ac-multichoiceInput { border: 1px solid #D1D1D1; border-radius: 4px; padding: 6px; }
`;

export interface RenderReport {
  /** Parse warnings and validation failures from the renderer. */
  problems: string[];
  /** Text that does not fit its box (cut off or ellipsed). */
  clipped: string[];
  /** Labels of the buttons, in order. */
  buttons: string[];
  height: number;
}

export class CardRenderer {
  private page?: Page;

  constructor(private readonly browser: Browser) {}

  private async open(): Promise<Page> {
    if (this.page) return this.page;
    const page = await this.browser.context.newPage();
    await page.setContent(
      `<!doctype html><html><head><meta charset="utf-8"><style>${PAGE_CSS}</style></head><body><div id="card"></div></body></html>`,
    );
    // markdown-it's exports map hides its browser bundle; find it next to its package.json.
    const markdownIt = join(
      dirname(require.resolve('markdown-it/package.json')),
      'dist',
      'browser',
      'markdown-it.umd.min.js',
    );
    await page.addScriptTag({ path: markdownIt });
    await page.addScriptTag({ path: require.resolve('adaptivecards/dist/adaptivecards.min.js') });
    this.page = page;
    return page;
  }

  /** Renders one card at a width (CSS px) and saves a PNG of it to `pngPath`. */
  async render(card: object, width: number, pngPath: string): Promise<RenderReport> {
    const page = await this.open();
    await page.setViewportSize({ width: width + 24, height: 800 });
    const report = await page.evaluate(
      ({ card, width, hostConfig }) => {
        const w = window as unknown as { AdaptiveCards: any; markdownit: any };
        const AC = w.AdaptiveCards;
        const md = w.markdownit({ html: false, linkify: false, breaks: true });
        AC.AdaptiveCard.onProcessMarkdown = (text: string, result: { outputHtml: string; didProcess: boolean }) => {
          result.outputHtml = md.render(text);
          result.didProcess = true;
        };
        const ac = new AC.AdaptiveCard();
        ac.hostConfig = new AC.HostConfig(hostConfig);
        const context = new AC.SerializationContext();
        ac.parse(card, context);
        const problems: string[] = [];
        for (let i = 0; i < context.eventCount; i++) {
          const e = context.getEventAt(i);
          problems.push(`parse: ${e.message}`);
        }
        const validation = ac.validateProperties();
        for (const failure of validation.failures ?? []) {
          for (const error of failure.errors ?? []) problems.push(`validate: ${error.message}`);
        }
        const host = document.getElementById('card')!;
        host.style.width = `${width}px`;
        host.innerHTML = '';
        const element = ac.render();
        if (!element) problems.push('render: the renderer returned nothing');
        else host.appendChild(element);
        const clipped: string[] = [];
        for (const el of Array.from(
          host.querySelectorAll<HTMLElement>('.ac-textBlock, .ac-pushButton, .ac-fact-title, .ac-fact-value'),
        )) {
          if (el.scrollWidth > el.clientWidth + 1 || el.scrollHeight > el.clientHeight + 2)
            clipped.push((el.textContent ?? '').slice(0, 80));
        }
        for (const b of Array.from(host.querySelectorAll<HTMLElement>('.ac-pushButton *'))) {
          if (b.children.length === 0 && b.scrollWidth > b.clientWidth + 1)
            clipped.push(`button: ${b.textContent ?? ''}`);
        }
        const buttons = Array.from(host.querySelectorAll<HTMLElement>('.ac-pushButton')).map(
          (b) => b.textContent ?? '',
        );
        return { problems, clipped, buttons, height: host.getBoundingClientRect().height };
      },
      { card, width, hostConfig: TEAMS_HOST_CONFIG },
    );
    await page.locator('#card').screenshot({ path: pngPath });
    return report;
  }
}
