// A Bot Connector service double over HTTP: it receives what the bot sends (replies, proactive posts,
// updates) exactly as Teams' connector would, and can be told to answer 429 with Retry-After, or to fail chosen
// sends with 403/404/429/5xx and the error body Teams uses ({ error: { code, message } }).
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';

export interface ConnectorCall {
  method: string;
  path: string;
  conversationId: string;
  activityId?: string | undefined;
  body: Record<string, unknown>;
  /** The id this double assigned (posts) or the id updated (puts). */
  id: string;
  at: number;
}

export class ConnectorDouble {
  readonly calls: ConnectorCall[] = [];
  private server: Server | undefined;
  url = '';
  /** Answer the next n sends with 429 (Retry-After in seconds). */
  throttle = { remaining: 0, retryAfterSeconds: 0 };
  private waiters: (() => void)[] = [];
  private failures: PlannedFailure[] = [];
  /** Answer a PUT to an activity this double never posted with 404 ActivityNotFoundInConversation, as Teams does. */
  rejectUnknownUpdates = false;
  /**
   * Hold each conversation to Teams' windows (TEAMS_CONVERSATION_LIMITS): a send or update beyond any of them is
   * answered 429 and logged in `throttled` instead of being accepted.
   */
  enforceTeamsLimits = false;
  /** The windows enforceTeamsLimits and peakPerWindow use (tests may scale Teams' down, as they scale the bot's). */
  conversationLimits: readonly { label: string; max: number; windowMs: number }[] = TEAMS_CONVERSATION_LIMITS;
  /** Sends and updates refused because a window was full (only with enforceTeamsLimits). */
  readonly throttled: { method: string; conversationId: string; at: number; window: string }[] = [];

  /**
   * The next `times` calls that match (default: any message POST or PUT) are answered with `status` and Teams'
   * error body; e.g. 403 BotDisabledByAdmin, 404 ConversationNotFound / ActivityNotFoundInConversation.
   */
  failNext(failure: {
    status: number;
    code?: string;
    times?: number;
    retryAfterSeconds?: number;
    match?: (call: { method: string; conversationId: string; activityId?: string | undefined }) => boolean;
  }): void {
    this.failures.push({ ...failure, remaining: failure.times ?? 1 });
  }

  /** Failed answers given so far (status, code, where). */
  readonly refused: { method: string; conversationId: string; status: number; code: string }[] = [];
  /** Called on every activity received (benchmarks wait on these instead of scanning `calls`). */
  onCall: ((call: ConnectorCall) => void) | undefined;
  /** Keep every call in `calls` (benchmarks sending thousands of turns turn this off). */
  record = true;

  async start(): Promise<void> {
    this.server = createServer((req, res) => void this.handle(req, res));
    await new Promise<void>((resolve) => this.server?.listen(0, '127.0.0.1', resolve));
    const address = this.server.address();
    if (!address || typeof address === 'string') throw new Error('no address');
    this.url = `http://127.0.0.1:${address.port}`;
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => this.server?.close(() => resolve()));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const text = Buffer.concat(chunks).toString('utf8');
    const body = text ? (JSON.parse(text) as Record<string, unknown>) : {};
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    const m = /^\/v3\/conversations\/([^/]+)\/activities(?:\/([^/]+))?$/.exec(path);
    if (req.method === 'POST' && path === '/v3/conversations') {
      const id = `conv-${randomUUID()}`;
      res.writeHead(201, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ id, activityId: randomUUID() }));
      return;
    }
    if (!m) {
      res.writeHead(404);
      res.end();
      return;
    }
    if (this.throttle.remaining > 0 && req.method === 'POST' && body.type === 'message') {
      this.throttle.remaining--;
      res.writeHead(429, {
        'retry-after': String(this.throttle.retryAfterSeconds),
        'content-type': 'application/json',
      });
      res.end(JSON.stringify({ error: { code: 'TooManyRequests', message: 'throttled' } }));
      return;
    }
    const conversationId = decodeURIComponent(m[1] ?? '');
    const activityId = m[2] ? decodeURIComponent(m[2]) : undefined;
    const method = req.method ?? '';
    const full = this.enforceTeamsLimits && body.type === 'message' ? this.fullWindow(conversationId) : undefined;
    if (full) {
      this.throttled.push({ method, conversationId, at: Date.now(), window: full });
      res.writeHead(429, { 'retry-after': '1', 'content-type': 'application/json' });
      res.end(
        JSON.stringify({ error: { code: 'TooManyRequests', message: `more than ${full} in this conversation` } }),
      );
      return;
    }
    const planned = this.failures.find(
      (f) =>
        f.remaining > 0 &&
        body.type === 'message' &&
        (f.match ? f.match({ method, conversationId, activityId }) : method === 'POST' || method === 'PUT'),
    );
    if (planned) {
      planned.remaining--;
      const code = planned.code ?? defaultCode(planned.status);
      this.refused.push({ method, conversationId, status: planned.status, code });
      const headers: Record<string, string> = { 'content-type': 'application/json' };
      if (planned.retryAfterSeconds !== undefined) headers['retry-after'] = String(planned.retryAfterSeconds);
      res.writeHead(planned.status, headers);
      res.end(JSON.stringify({ error: { code, message: 'refused by the connector double' } }));
      return;
    }
    if (
      this.rejectUnknownUpdates &&
      method === 'PUT' &&
      !this.calls.some((c) => c.method === 'POST' && c.id === activityId && c.conversationId === conversationId)
    ) {
      res.writeHead(404, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: { code: 'ActivityNotFoundInConversation', message: 'unknown activity' } }));
      return;
    }
    const id =
      req.method === 'PUT' && activityId ? activityId : `act-${this.calls.length + 1}-${randomUUID().slice(0, 8)}`;
    const call = { method: req.method ?? '', path, conversationId, activityId, body, id, at: Date.now() };
    if (this.record) this.calls.push(call);
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ id }));
    this.onCall?.(call);
    for (const w of this.waiters.splice(0)) w();
  }

  /** The first of Teams' windows that one more message in this conversation would exceed, if any. */
  private fullWindow(conversationId: string): string | undefined {
    const now = Date.now();
    const mine = this.calls.filter((c) => c.conversationId === conversationId && c.body.type === 'message');
    for (const limit of this.conversationLimits) {
      if (mine.filter((c) => c.at > now - limit.windowMs).length >= limit.max) return limit.label;
    }
    return undefined;
  }

  /**
   * The most messages any conversation received inside each of Teams' windows (sliding), for asserting that a
   * fleet of senders stayed within them.
   */
  peakPerWindow(): Record<string, number> {
    const peaks: Record<string, number> = {};
    const byConversation = new Map<string, number[]>();
    for (const c of this.calls.filter((call) => call.body.type === 'message'))
      byConversation.set(c.conversationId, [...(byConversation.get(c.conversationId) ?? []), c.at]);
    for (const limit of this.conversationLimits) {
      let peak = 0;
      for (const times of byConversation.values()) {
        let start = 0;
        for (let end = 0; end < times.length; end++) {
          while (times[end]! - times[start]! >= limit.windowMs) start++;
          peak = Math.max(peak, end - start + 1);
        }
      }
      peaks[limit.label] = peak;
    }
    return peaks;
  }

  /** Messages (not typing indicators) the bot sent, optionally to one conversation. */
  messages(conversationId?: string): ConnectorCall[] {
    return this.calls.filter(
      (c) => c.body.type === 'message' && (conversationId === undefined || c.conversationId === conversationId),
    );
  }

  /** Waits until predicate holds over the calls seen so far (or fails after timeoutMs). */
  async waitFor<T>(predicate: (calls: ConnectorCall[]) => T | undefined | false, timeoutMs = 8000): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = predicate(this.calls);
      if (found) return found;
      const left = deadline - Date.now();
      if (left <= 0)
        throw new Error(`connector double: condition not met in ${timeoutMs} ms; calls: ${this.describe()}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, Math.min(left, 200));
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  describe(): string {
    return this.calls
      .map(
        (c) =>
          `${c.method} ${c.conversationId}${c.activityId ? `/${c.activityId}` : ''} ${cardTitle(c.body) ?? c.body.text ?? c.body.type}`,
      )
      .join(' | ');
  }
}

/** Teams' documented per-conversation limits for a bot (sends and updates together). */
export const TEAMS_CONVERSATION_LIMITS = [
  { label: '7 per 1 s', max: 7, windowMs: 1_000 },
  { label: '8 per 2 s', max: 8, windowMs: 2_000 },
  { label: '60 per 30 s', max: 60, windowMs: 30_000 },
] as const;

interface PlannedFailure {
  status: number;
  code?: string | undefined;
  retryAfterSeconds?: number | undefined;
  remaining: number;
  match?: ((call: { method: string; conversationId: string; activityId?: string | undefined }) => boolean) | undefined;
}

function defaultCode(status: number): string {
  if (status === 403) return 'BotDisabledByAdmin';
  if (status === 404) return 'ConversationNotFound';
  if (status === 429) return 'TooManyRequests';
  return 'ServiceError';
}

export interface CardAction {
  type: string;
  verb?: string;
  title?: string;
  data?: Record<string, unknown>;
}

/** Every Action.Execute on a card (nested ones included), or only those with this verb. */
export function actionsOf(card: unknown, verb?: string): CardAction[] {
  const found: CardAction[] = [];
  const walk = (node: unknown) => {
    if (Array.isArray(node)) node.forEach(walk);
    else if (node && typeof node === 'object') {
      const o = node as Record<string, unknown>;
      if (o.type === 'Action.Execute' && (verb === undefined || o.verb === verb)) found.push(o as never);
      for (const value of Object.values(o)) walk(value);
    }
  };
  walk(card);
  return found;
}

/** The first TextBlock of the first adaptive card in an activity (its title), if any. */
export function cardTitle(activity: Record<string, unknown>): string | undefined {
  const card = firstCard(activity);
  const body = (card?.body as { type?: string; text?: string; items?: { text?: string }[] }[] | undefined) ?? [];
  const first = body[0];
  return first?.text ?? first?.items?.[0]?.text;
}

export function firstCard(activity: Record<string, unknown>): Record<string, unknown> | undefined {
  const attachments = activity.attachments as { contentType?: string; content?: Record<string, unknown> }[] | undefined;
  return attachments?.find((a) => a.contentType === 'application/vnd.microsoft.card.adaptive')?.content;
}

/** All text on a card, flattened, for assertions on what a reader sees. */
export function cardText(card: unknown): string {
  const out: string[] = [];
  const walk = (node: unknown) => {
    if (Array.isArray(node)) node.forEach(walk);
    else if (node && typeof node === 'object') {
      const o = node as Record<string, unknown>;
      for (const key of ['text', 'title', 'value', 'label']) if (typeof o[key] === 'string') out.push(o[key] as string);
      for (const v of Object.values(o)) if (typeof v === 'object') walk(v);
    }
  };
  walk(card);
  return out.join('\n');
}
