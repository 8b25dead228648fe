// A chat-completions endpoint on a local port, speaking the OpenAI wire format (POST /v1/chat/completions)
// and the Azure OpenAI one (POST /openai/deployments/{deployment}/chat/completions?api-version=…), over
// HTTP or, for Azure (which the client only reaches over https), TLS. Tests decide each answer from the
// user's message; every call is recorded as received.
import { randomUUID } from 'node:crypto';
import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';

export interface ChatCall {
  method: string;
  /** Path and query as received. */
  url: string;
  headers: IncomingMessage['headers'];
  body: {
    model?: string;
    messages?: { role: string; content: string }[];
    response_format?: { type: string };
    temperature?: number;
  };
  /** The deployment named in an Azure path. */
  deployment?: string | undefined;
}

/**
 * What to answer: the assistant's content (any text, usually JSON) or an HTTP failure, at once or, with `until`,
 * only once the test settles that promise (a late answer, with no real wait).
 */
export type ChatReply =
  | { content: string; until?: Promise<unknown> }
  | { status: number; error?: string; until?: Promise<unknown> };

export class ChatCompletionsDouble {
  readonly calls: ChatCall[] = [];
  /** Answers written back so far (a held answer counts once it has been sent). */
  answered = 0;
  private server: Server | undefined;
  private reply: (userText: string, call: ChatCall) => ChatReply = () => ({ content: '{"intent":"unknown"}' });
  url = '';

  constructor(private readonly tls?: { key: string; cert: string }) {}

  /** Answers with JSON content for the message (an object is serialised). */
  answer(fn: (userText: string, call: ChatCall) => ChatReply | Record<string, unknown>): void {
    this.reply = (text, call) => {
      const r = fn(text, call);
      return 'content' in r || 'status' in r ? (r as ChatReply) : { content: JSON.stringify(r) };
    };
  }

  async start(): Promise<void> {
    const handler = (req: IncomingMessage, res: ServerResponse) => void this.handle(req, res);
    this.server = this.tls ? createHttpsServer(this.tls, handler) : createHttpServer(handler);
    await new Promise<void>((resolve) => this.server?.listen(0, '127.0.0.1', resolve));
    const { port } = this.server.address() as AddressInfo;
    this.url = `${this.tls ? 'https' : 'http'}://127.0.0.1:${port}`;
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections?.();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    const azure = /^\/openai\/deployments\/([^/]+)\/chat\/completions$/.exec(path);
    if (req.method !== 'POST' || (path !== '/v1/chat/completions' && !azure))
      return send(res, 404, { error: { message: `no route ${req.method} ${path}`, type: 'invalid_request_error' } });
    let body: ChatCall['body'];
    try {
      body = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}');
    } catch {
      return send(res, 400, { error: { message: 'body is not JSON', type: 'invalid_request_error' } });
    }
    const call: ChatCall = {
      method: req.method,
      url: req.url ?? '',
      headers: req.headers,
      body,
      deployment: azure?.[1],
    };
    this.calls.push(call);
    const userText = [...(body.messages ?? [])].reverse().find((m) => m.role === 'user')?.content ?? '';
    const reply = this.reply(userText, call);
    if (reply.until) await reply.until;
    this.answered++;
    if ('status' in reply)
      return send(res, reply.status, { error: { message: reply.error ?? 'double failure', type: 'server_error' } });
    send(res, 200, {
      id: `chatcmpl-${randomUUID()}`,
      object: 'chat.completion',
      created: Math.floor(Date.now() / 1000),
      model: body.model ?? call.deployment ?? 'double',
      choices: [{ index: 0, message: { role: 'assistant', content: reply.content }, finish_reason: 'stop' }],
      usage: { prompt_tokens: 100, completion_tokens: 20, total_tokens: 120 },
    });
  }
}

function send(res: ServerResponse, status: number, body: unknown): void {
  if (res.destroyed) return;
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}
