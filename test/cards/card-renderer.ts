// Renders Adaptive Cards with the official JS renderer (adaptivecards) in headless Chromium, styled like the
// Teams light theme, and reports what a reader would trip over: parse warnings, validation failures, text
// clipped by its box. Saves a PNG of each card.
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { Page } from 'playwright-core';
import type { Browser } from '../e2e/chromium.js';

const require = createRequire(import.meta.url);

// The host config Teams uses (light theme): Microsoft's microsoft-teams-light.json from the AdaptiveCards
// repository (samples/HostConfig), which is also what the Agents Playground bundles. Its factSet says "warp"
// (sic) for "wrap", so the renderer's default applies: titles and values wrap, at spaces only; a long word such
// as an e-mail address widens the fact column and the card cuts it. This renderer adds no CSS that would
// forgive that, so it flags what Teams and the Playground would cut. Note its text colours: "good" (#92c353)
// and "warning" (#f8d22a) are unreadable on white, which the contrast check below catches.
const TEAMS_COLORS = {
  default: { default: '#252424', subtle: '#bf252424' },
  dark: { default: '#252424', subtle: '#bf252424' },
  light: { default: '#ffffff', subtle: '#fff3f2f1' },
  accent: { default: '#6264a7', subtle: '#8b8cc7' },
  good: { default: '#92c353', subtle: '#e592c353' },
  warning: { default: '#f8d22a', subtle: '#e5f8d22a' },
  attention: { default: '#c4314b', subtle: '#e5c4314b' },
};

export const TEAMS_HOST_CONFIG = {
  fontFamily: "'Segoe UI', 'Noto Sans', 'Noto Sans CJK JP', 'Noto Sans Arabic', system-ui, sans-serif",
  supportsInteractivity: true,
  spacing: { small: 8, default: 12, medium: 16, large: 20, extraLarge: 24, padding: 16 },
  separator: { lineThickness: 1, lineColor: '#EEEEEE' },
  fontSizes: { small: 12, default: 14, medium: 14, large: 18, extraLarge: 24 },
  fontWeights: { lighter: 200, default: 400, bolder: 600 },
  containerStyles: {
    default: { backgroundColor: '#ffffff', foregroundColors: TEAMS_COLORS },
    emphasis: { backgroundColor: '#fff9f8f7', foregroundColors: TEAMS_COLORS },
    accent: { backgroundColor: '#C7DEF9', foregroundColors: TEAMS_COLORS },
    good: { backgroundColor: '#CCFFCC', foregroundColors: TEAMS_COLORS },
    attention: { backgroundColor: '#FFC5B2', foregroundColors: TEAMS_COLORS },
    warning: { backgroundColor: '#FFE2B2', foregroundColors: TEAMS_COLORS },
  },
  actions: {
    maxActions: 6,
    spacing: 'default',
    buttonSpacing: 8,
    showCard: { actionMode: 'inline', inlineTopMargin: 16, style: 'emphasis' },
    actionsOrientation: 'horizontal',
    actionAlignment: 'left',
  },
  adaptiveCard: { allowCustomStyle: false },
  imageSet: { imageSize: 'medium', maxImageHeight: 100 },
  factSet: {
    title: { weight: 'bolder', size: 'default', color: 'default', isSubtle: false, wrap: true, maxWidth: 150 },
    value: { weight: 'default', size: 'default', color: 'default', isSubtle: false, wrap: true },
    spacing: 16,
  },
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
  .ac-textBlock p { margin: 0; }
  .ac-textBlock ul, .ac-textBlock ol { margin: 2px 0; padding-left: 20px; box-sizing: border-box; } /* the renderer sets width: 100% on lists */
  .ac-textInput, .ac-multichoiceInput { border: 1px solid #D1D1D1; border-radius: 4px; padding: 6px; }
`;

export interface RenderReport {
  /** Parse warnings and validation failures from the renderer. */
  problems: string[];
  /** Text that does not fit its box (cut off or ellipsed). */
  clipped: string[];
  /** Text whose colour on its background is below WCAG AA (4.5:1), with the ratio. */
  lowContrast: string[];
  /** Labels of the buttons, in order. */
  buttons: string[];
  /** Every link in the rendered card (href), e.g. from markdown or Teams-style autolinking. */
  links: string[];
  /** Text that markdown turned into markup (bold, italics, headings, lists, code, quotes, tables, strikethrough). */
  markup: { tag: string; text: string }[];
  /** All text of the card as a reader sees it. */
  text: string;
  height: number;
}

export class CardRenderer {
  private page?: Page;

  constructor(private readonly browser: Browser) {}

  private async open(): Promise<Page> {
    if (this.page) return this.page;
    const page = await this.browser.context.newPage();
    await page.setContent(
      // tsx names the functions passed to page.evaluate through a helper the page must have.
      `<!doctype html><html><head><meta charset="utf-8"><script>window.__name = (f) => f;</script><style>${PAGE_CSS}</style></head><body><div id="card"></div></body></html>`,
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
        // linkify: Teams turns bare URLs in TextBlocks into links too.
        const md = w.markdownit({ html: false, linkify: true, breaks: true });
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
        // A table (FactSet) sized by its longest word runs past the card, which cuts it without a scrollbar.
        const right = host.getBoundingClientRect().right;
        for (const el of Array.from(host.querySelectorAll<HTMLElement>('.ac-textBlock'))) {
          if (el.getBoundingClientRect().right > right + 1)
            clipped.push(`past the edge: ${(el.textContent ?? '').slice(0, 80)}`);
        }
        const rgba = (css: string) => (css.match(/[\d.]+/g) ?? []).map(Number) as number[];
        const luminance = ([r, g, b]: number[]) => {
          const lin = (c: number) => {
            const v = c / 255;
            return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4;
          };
          return 0.2126 * lin(r ?? 0) + 0.7152 * lin(g ?? 0) + 0.0722 * lin(b ?? 0);
        };
        const backgroundOf = (el: HTMLElement | null): number[] => {
          for (let node = el; node; node = node.parentElement) {
            const [r, g, b, a = 1] = rgba(getComputedStyle(node).backgroundColor);
            if (a > 0) return [r ?? 255, g ?? 255, b ?? 255];
          }
          return [255, 255, 255];
        };
        const lowContrast: string[] = [];
        for (const el of Array.from(host.querySelectorAll<HTMLElement>('.ac-textBlock'))) {
          if (!(el.textContent ?? '').trim()) continue;
          const bg = backgroundOf(el);
          const [r = 0, g = 0, b = 0, a = 1] = rgba(getComputedStyle(el).color);
          const fg = [
            r * a + (bg[0] ?? 255) * (1 - a),
            g * a + (bg[1] ?? 255) * (1 - a),
            b * a + (bg[2] ?? 255) * (1 - a),
          ];
          const [hi, lo] = [luminance(fg), luminance(bg)].sort((x, y) => y - x) as [number, number];
          const ratio = (hi + 0.05) / (lo + 0.05);
          if (ratio < 4.5) lowContrast.push(`${ratio.toFixed(1)}:1 ${(el.textContent ?? '').slice(0, 60)}`);
        }
        for (const b of Array.from(host.querySelectorAll<HTMLElement>('.ac-pushButton *'))) {
          if (b.children.length === 0 && b.scrollWidth > b.clientWidth + 1)
            clipped.push(`button: ${b.textContent ?? ''}`);
        }
        const buttons = Array.from(host.querySelectorAll<HTMLElement>('.ac-pushButton')).map(
          (b) => b.textContent ?? '',
        );
        const links = Array.from(host.querySelectorAll<HTMLAnchorElement>('a')).map((a) => a.href);
        const markup = Array.from(
          host.querySelectorAll<HTMLElement>(
            '.ac-textBlock :is(strong, b, em, i, del, s, h1, h2, h3, h4, h5, h6, li, code, pre, blockquote, table, hr)',
          ),
        ).map((el) => ({ tag: el.tagName.toLowerCase(), text: el.textContent ?? '' }));
        const text = host.textContent ?? '';
        return {
          problems,
          clipped,
          lowContrast,
          buttons,
          links,
          markup,
          text,
          height: host.getBoundingClientRect().height,
        };
      },
      { card, width, hostConfig: TEAMS_HOST_CONFIG },
    );
    await page.locator('#card').screenshot({ path: pngPath });
    return report;
  }
}
