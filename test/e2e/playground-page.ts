// The Agents Playground's web UI driven like a person: open a conversation from the left tree, type, press
// Send Message or Post, mention the bot from its menu, read the rendered Adaptive Cards. It also keeps the
// activities the UI received over its websocket (create and update of each message) so a test can find a
// card's message id and button data, and see every intermediate state of a card that updates live.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { BrowserContext, Locator, Page } from 'playwright-core';
import { actionsOf, type CardAction } from '../support/connector-double.js';

/** One state of a message as the UI received it (it is created once and may be updated many times). */
export interface ReceivedMessage {
  action: 'createMessage' | 'updateMessage';
  /** Where an invoke on it must be sent: a channel post has its own conversation. */
  conversationId: string;
  messageId: string;
  text: string;
  cards: Record<string, unknown>[];
}

interface Frame {
  action?: string;
  actionConversationId?: string;
  message?: {
    messageId?: string;
    text?: string;
    postConversationId?: string;
    attachments?: { contentType?: string; content?: Record<string, unknown> }[];
  };
}

export class PlaygroundPage {
  readonly received: ReceivedMessage[] = [];

  private constructor(
    readonly page: Page,
    private readonly screenshotDir: string,
  ) {
    page.on('websocket', (ws) => {
      if (!ws.url().includes('/_ws_conversation/')) return;
      ws.on('framereceived', (frame) => this.receive(String(frame.payload)));
    });
  }

  static async open(context: BrowserContext, url: string, screenshotDir: string): Promise<PlaygroundPage> {
    mkdirSync(screenshotDir, { recursive: true });
    const page = await context.newPage();
    await page.setViewportSize({ width: 1400, height: 1000 });
    const playground = new PlaygroundPage(page, screenshotDir);
    await page.goto(url, { timeout: 90_000 }); // slow on a busy machine
    await page.getByRole('treeitem').getByText('Personal Chat', { exact: true }).waitFor({ timeout: 90_000 });
    // The activity log panel is for debugging the bot; hidden, the conversation reads like Teams.
    await page.getByTitle('Hide log panel').click();
    return playground;
  }

  private receive(payload: string): void {
    let frame: Frame;
    try {
      frame = JSON.parse(payload) as Frame;
    } catch {
      return;
    }
    const { action, message } = frame;
    if ((action !== 'createMessage' && action !== 'updateMessage') || !message?.messageId) return;
    const cards = (message.attachments ?? [])
      .filter((a) => a.contentType === 'application/vnd.microsoft.card.adaptive' && a.content)
      .map((a) => a.content as Record<string, unknown>);
    const earlier = this.received.find((m) => m.messageId === message.messageId);
    this.received.push({
      action,
      conversationId: message.postConversationId ?? earlier?.conversationId ?? frame.actionConversationId ?? '',
      messageId: message.messageId,
      text: message.text ?? '',
      cards,
    });
  }

  /** Opens a chat or channel from the left tree by its title ("Personal Chat", "Approvals", …). */
  async openConversation(title: string): Promise<void> {
    const label = this.page.getByText(title, { exact: true });
    await this.page.getByRole('treeitem').filter({ has: label }).first().click();
  }

  /** Types into the chat box and presses Send Message (personal and group chats). */
  async sendChat(text: string): Promise<void> {
    const box = this.page.getByRole('textbox').last();
    await box.click();
    await box.fill(text);
    await this.page.getByRole('button', { name: 'Send Message' }).click();
  }

  /** Starts a new channel post that @mentions the bot (picked from the mention menu), then presses Post. */
  async postMentioning(botName: string, text: string): Promise<void> {
    const newPost = this.page.getByRole('textbox').first();
    await newPost.click();
    await this.page.keyboard.type(`@${botName.slice(0, 3)}`);
    await this.page.getByRole('menuitem', { name: botName }).click();
    await this.page.keyboard.type(` ${text}`);
    await this.page.getByRole('button', { name: 'Post', exact: true }).click();
  }

  /** The last rendered Adaptive Card whose text matches. */
  card(text: RegExp): Locator {
    return this.page.locator('.ac-adaptiveCard', { hasText: text }).last();
  }

  async waitForCard(text: RegExp, timeout = 15_000): Promise<Locator> {
    const card = this.card(text);
    await card.waitFor({ state: 'visible', timeout });
    await card.scrollIntoViewIfNeeded();
    return card;
  }

  /** The text as rendered for the reader (line breaks where the layout puts them). */
  textOf(element: Locator): Promise<string> {
    // biome-ignore lint/performance/useDomNodeTextContent: a Playwright locator; the rendered text is what users read
    return element.innerText();
  }

  /** Every state received of the messages whose card JSON matches, oldest first. */
  statesOf(pattern: RegExp): ReceivedMessage[] {
    const ids = new Set(
      this.received.filter((m) => m.cards.some((c) => pattern.test(JSON.stringify(c)))).map((m) => m.messageId),
    );
    return this.received.filter((m) => ids.has(m.messageId));
  }

  /** The current state of the newest message whose card matches and offers the verb. */
  messageWithAction(pattern: RegExp, verb: string): { message: ReceivedMessage; action: CardAction } | undefined {
    for (const message of [...this.received].reverse()) {
      if (!message.cards.some((c) => pattern.test(JSON.stringify(c)))) continue;
      const latest = this.received.filter((m) => m.messageId === message.messageId).at(-1) ?? message;
      const action = actionsOf(latest.cards, verb)[0];
      if (action) return { message: latest, action };
    }
    return undefined;
  }

  /** Saves a screenshot of the whole window, or of one element, and returns its path. */
  async screenshot(name: string, element?: Locator): Promise<string> {
    const path = join(this.screenshotDir, `${name}.png`);
    if (!element) {
      await this.page.screenshot({ path });
      return path;
    }
    // The conversation pane scrolls: a card taller than it would be cut, so give the window room first.
    const size = this.page.viewportSize();
    await this.page.setViewportSize({ width: size?.width ?? 1400, height: 2400 });
    await element.scrollIntoViewIfNeeded();
    await element.screenshot({ path });
    if (size) await this.page.setViewportSize(size);
    return path;
  }

  async close(): Promise<void> {
    await this.page.close();
  }
}
