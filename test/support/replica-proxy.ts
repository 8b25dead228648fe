// A small round-robin load balancer in front of several bot replicas, as Azure's front end is: each request goes
// to the next replica; one that refuses the connection (dead) is skipped, as a health-checked balancer would.
// For the duplicate-delivery scenarios it can also hand ONE request to two replicas at the same moment
// (fanOutNext), the way a retried invoke can reach two instances.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';

export interface ProxiedAnswer {
  target: string;
  status: number;
  body: string;
}

export class ReplicaProxy {
  private server: Server | undefined;
  private next = 0;
  private fanOut = 0;
  url = '';
  /** Every answer a replica gave through the proxy (both answers of a fanned-out request). */
  readonly answers: ProxiedAnswer[] = [];

  constructor(private targets: string[]) {}

  setTargets(targets: string[]): void {
    this.targets = [...targets];
  }

  /** The next `count` requests each go to two different replicas at once; the caller gets the first answer. */
  fanOutNext(count: number): void {
    this.fanOut += count;
  }

  async start(): Promise<void> {
    this.server = createServer((req, res) => void this.handle(req, res));
    // Many makers at once: do not let Node's default keep-alive/backlog be the bottleneck of the test.
    this.server.maxConnections = 2000;
    await new Promise<void>((resolve) => this.server?.listen(0, '127.0.0.1', 1024, resolve));
    const address = this.server.address();
    if (!address || typeof address === 'string') throw new Error('no address');
    this.url = `http://127.0.0.1:${address.port}`;
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => this.server?.close(() => resolve()));
  }

  private pick(): string {
    const target = this.targets[this.next % this.targets.length]!;
    this.next++;
    return target;
  }

  private async forward(target: string, req: IncomingMessage, body: Buffer): Promise<Response> {
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(req.headers)) {
      if (typeof value === 'string' && !['host', 'connection', 'content-length'].includes(name)) headers[name] = value;
    }
    return fetch(`${target}${req.url ?? '/'}`, {
      method: req.method ?? 'GET',
      headers,
      ...(body.length > 0 ? { body: new Uint8Array(body) } : {}),
      signal: AbortSignal.timeout(60_000),
    });
  }

  /** Sends to the next replica that accepts the connection (each replica tried at most once). */
  private async forwardToLive(req: IncomingMessage, body: Buffer): Promise<[string, Response]> {
    let lastError: unknown;
    for (let tried = 0; tried < this.targets.length; tried++) {
      const target = this.pick();
      try {
        return [target, await this.forward(target, req, body)];
      } catch (error) {
        // Only a refused connection is safe to retry elsewhere (nothing reached the replica), as a balancer does;
        // a reset after the request was sent may have been acted on, so it is the caller's to retry.
        if ((error as { cause?: { code?: string } }).cause?.code !== 'ECONNREFUSED') throw error;
        lastError = error;
      }
    }
    throw lastError;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks);
    try {
      const record = async ([target, response]: [string, Response]) => {
        const text = await response.text();
        this.answers.push({ target, status: response.status, body: text });
        return { status: response.status, type: response.headers.get('content-type'), text };
      };
      let answer: { status: number; type: string | null; text: string };
      if (this.fanOut > 0 && this.targets.length > 1) {
        this.fanOut--;
        const first = this.pick();
        const second = this.pick();
        const both = await Promise.all([
          this.forward(first, req, body).then((r) => record([first, r])),
          this.forward(second, req, body).then((r) => record([second, r])),
        ]);
        answer = both[0];
      } else {
        answer = await record(await this.forwardToLive(req, body));
      }
      res.writeHead(answer.status, answer.type ? { 'content-type': answer.type } : {});
      res.end(answer.text);
    } catch (error) {
      const cause = (error as { cause?: { code?: string; message?: string } }).cause;
      this.answers.push({ target: '', status: 502, body: `${String(error)} (${cause?.code ?? cause?.message ?? ''})` });
      res.writeHead(502, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: `no replica answered: ${String(error)}` }));
    }
  }
}
