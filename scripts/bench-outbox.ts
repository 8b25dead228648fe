// Outbox throughput against Teams' limits, over HTTP: the real worker, SQLite store, TeamsNotifier and CloudAdapter
// sending to a Bot Connector double that enforces Teams' per-conversation windows itself (answering 429 with
// Retry-After when a window is exceeded). Prints figures; asserts nothing. Real time: takes a few minutes.
//   npm run bench:outbox                 (500 events to one channel, then 5 channels × 100)
//   npm run bench:outbox -- --quick      (scaled-down limits ÷10 in time, to check the harness in seconds)
//   npm run bench:outbox -- --cpu        (the bot's CPU per send, Teams' limits left out; a connector double in a
//                                         process of its own, so only the sender's CPU is counted)
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseConfig } from '../src/config/config.js';
import { OutboxWorker } from '../src/outbox/outbox-worker.js';
import { type PacingLimits, TEAMS_LIMITS } from '../src/outbox/rate-limiter.js';
import { openSqliteStore } from '../src/storage/sqlite-store.js';
import { createAdapter } from '../src/teams/adapter.js';
import { TeamsNotifier } from '../src/teams/teams-notifier.js';

const quick = process.argv.includes('--quick');
const scale = quick ? 0.1 : 1;
const scaled = (l: PacingLimits): PacingLimits => ({
  perConversation: l.perConversation.map((w) => ({ ...w, windowMs: w.windowMs * scale })),
  perTenant: l.perTenant.map((w) => ({ ...w, windowMs: w.windowMs * scale })),
});
const limits = scaled(TEAMS_LIMITS);

/** A Bot Connector double that enforces the same windows as Teams and answers 429 + Retry-After over them. */
async function startThrottlingConnector() {
  const received = new Map<string, { text: string; at: number }[]>();
  const times = new Map<string, number[]>();
  const tenantTimes: number[] = [];
  let throttled = 0;
  const over = (log: number[], windows: PacingLimits['perConversation'], now: number) =>
    windows.some((w) => log.filter((t) => t > now - w.windowMs).length >= w.limit);
  const server = createServer(async (req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const body = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}') as { type?: string; text?: string };
    const m = /^\/v3\/conversations\/([^/]+)\/activities/.exec(req.url ?? '');
    if (!m) {
      res.writeHead(404).end();
      return;
    }
    const conv = decodeURIComponent(m[1] ?? '');
    const now = Date.now();
    const log = times.get(conv) ?? [];
    if (over(log, limits.perConversation, now) || over(tenantTimes, limits.perTenant, now)) {
      throttled++;
      res.writeHead(429, { 'retry-after': quick ? '0' : '1', 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: { code: 'TooManyRequests', message: 'throttled' } }));
      return;
    }
    log.push(now);
    times.set(conv, log);
    tenantTimes.push(now);
    const list = received.get(conv) ?? [];
    list.push({ text: body.text ?? '', at: now });
    received.set(conv, list);
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ id: randomUUID() }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  return {
    url,
    received,
    throttled: () => throttled,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

async function scenario(name: string, conversations: number, perConversation: number) {
  const dir = mkdtempSync(join(tmpdir(), 'govbot-bench-'));
  const connector = await startThrottlingConnector();
  const store = await openSqliteStore({ dataDir: dir });
  const notifier = new TeamsNotifier(createAdapter(parseConfig({})), '');
  const convIds = Array.from({ length: conversations }, (_, i) => `19:bench-${i}@thread.tacv2`);
  for (const id of convIds)
    await store.conversations.upsert({
      key: `channel:${id}`,
      reference: {
        serviceUrl: connector.url,
        channelId: 'msteams',
        bot: { id: '28:bot' },
        conversation: { id, conversationType: 'channel' },
      },
      updatedAt: new Date().toISOString(),
    });
  await store.transaction(async (s) => {
    for (let i = 1; i <= perConversation; i++)
      for (const id of convIds)
        await s.outbox.enqueue({
          idempotencyKey: `${id}:${i}`,
          conversationKey: `channel:${id}`,
          operation: 'send',
          activity: { type: 'message', text: `event ${i}` },
          createdAt: new Date().toISOString(),
        });
  });
  let failures = 0;
  const worker = new OutboxWorker({
    store,
    notifier,
    clock: () => new Date(),
    limits,
    pacingMarginMs: 100 * scale,
    pollMs: 50 * scale,
    onError: () => failures++,
  });
  const started = Date.now();
  const total = conversations * perConversation;
  worker.start();
  while ((await store.outbox.list({ status: 'sent' })).length < total) await new Promise((r) => setTimeout(r, 200));
  const seconds = (Date.now() - started) / 1000;
  await worker.stop();

  let inOrder = true;
  let complete = true;
  for (const id of convIds) {
    const texts = (connector.received.get(id) ?? []).map((r) => r.text);
    if (texts.length !== perConversation) complete = false;
    if (texts.some((t, i) => t !== `event ${i + 1}`)) inOrder = false;
  }
  // Teams' floor for one conversation: 60 per 30 s once the first window is spent (8 per 2 s before that).
  const theoreticalPerConv = Math.floor(Math.max(0, perConversation - 1) / 60) * 30 * scale;
  console.log(
    `${name}: ${total} messages to ${conversations} conversation(s) in ${seconds.toFixed(1)} s ` +
      `(${(total / seconds).toFixed(2)} msg/s overall, ${(perConversation / seconds).toFixed(2)} msg/s per conversation; ` +
      `fastest Teams allows ≈ ${theoreticalPerConv.toFixed(0)} s), ` +
      `complete=${complete}, in order=${inOrder}, 429 answers=${connector.throttled()}, failed attempts=${failures}`,
  );
  await store.close();
  await connector.close();
  rmSync(dir, { recursive: true, force: true });
}

/**
 * CPU per send of the whole sending path (worker, SQLite store, pacing bookkeeping, TeamsNotifier, CloudAdapter):
 * one conversation's queue of `perRound` messages drained with windows that never fill, several rounds (the first
 * warms the JIT and is left out). The connector double answers from a child process.
 */
async function cpuPerSend(rounds = 10, perRound = 200): Promise<void> {
  const double = spawn(
    process.execPath,
    [
      '-e',
      `const s = require('node:http').createServer((req, res) => { req.resume(); req.on('end', () => {
         res.writeHead(200, { 'content-type': 'application/json' }); res.end(JSON.stringify({ id: String(Math.random()) })); }); });
       s.listen(0, '127.0.0.1', () => console.log(s.address().port));`,
    ],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  const port = await new Promise<string>((resolve) =>
    double.stdout?.once('data', (d: Buffer) => resolve(d.toString().trim())),
  );
  const unbounded: PacingLimits = {
    perConversation: [{ limit: Number.MAX_SAFE_INTEGER, windowMs: 1 }],
    perTenant: [{ limit: Number.MAX_SAFE_INTEGER, windowMs: 1 }],
  };
  const figures: number[] = [];
  for (let round = 0; round < rounds; round++) {
    const dir = mkdtempSync(join(tmpdir(), 'govbot-bench-'));
    const store = await openSqliteStore({ dataDir: dir });
    await store.conversations.upsert({
      key: 'channel:cpu',
      reference: {
        serviceUrl: `http://127.0.0.1:${port}/`,
        channelId: 'msteams',
        bot: { id: '28:bot' },
        conversation: { id: '19:cpu@thread.tacv2', conversationType: 'channel' },
      },
      updatedAt: new Date().toISOString(),
    });
    await store.transaction(async (s) => {
      for (let i = 1; i <= perRound; i++)
        await s.outbox.enqueue({
          idempotencyKey: `cpu:${i}`,
          conversationKey: 'channel:cpu',
          operation: 'send',
          activity: { type: 'message', text: `event ${i}` },
          createdAt: new Date().toISOString(),
        });
    });
    const notifier = new TeamsNotifier(createAdapter(parseConfig({})), '');
    const worker = new OutboxWorker({ store, notifier, clock: () => new Date(), limits: unbounded, pacingMarginMs: 0 });
    const before = process.cpuUsage();
    const sent = await worker.drain();
    const used = process.cpuUsage(before);
    figures.push((used.user + used.system) / 1000 / sent);
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
  double.kill();
  const counted = figures.slice(1).sort((a, b) => a - b);
  console.log(
    `CPU per send: median ${counted[Math.floor((counted.length - 1) / 2)]?.toFixed(2)} ms over ${counted.length} rounds of ` +
      `${perRound} sends (${counted.map((f) => f.toFixed(2)).join(', ')}); load ${loadavg()
        .map((l) => l.toFixed(2))
        .join(' ')}`,
  );
}

if (process.argv.includes('--cpu')) {
  await cpuPerSend();
  process.exit(0);
}

console.log(
  quick
    ? 'quick mode: every window ÷10 in time (figures ×10 faster than Teams)'
    : 'Teams limits: 7/1 s, 8/2 s, 60/30 s, 1800/h per conversation; 30/s per tenant',
);
await scenario('burst to one channel', 1, 500);
await scenario('burst across channels', 5, 100);
