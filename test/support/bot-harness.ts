// Runs the real bot (restify + CloudAdapter + teams-ai + SQLite + simulated tenant over HTTP) and talks to
// it the way Teams does: Bot Framework activities POSTed to /api/messages, replies received by a Bot
// Connector double. Nothing in between is mocked.
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type RunningBot, type StartOptions, startGovernanceBot } from '../../src/app.js';
import { parseConfig } from '../../src/config/config.js';
import { createLogger } from '../../src/logging.js';
import { type ConnectorCall, ConnectorDouble } from './connector-double.js';
import { TENANT_ID, team, users } from './fixture-ids.js';

export type User = { id: string; name: string };

/** The body of an invoke response: an Adaptive Card (type application/vnd.microsoft.card.adaptive) or a message. */
export interface InvokeResponseBody {
  statusCode?: number;
  type?: string;
  value?: Record<string, unknown>;
}

/** Speaks to a bot's /api/messages the way Teams does; its replies reach the connector double. */
export interface TeamsClient {
  personal(user: User, text: string): Promise<Response>;
  channel(user: User, channelId: string, text: string): Promise<Response>;
  /** A message in a group chat, mentioning the bot (as Teams sends it there). */
  group(user: User, conversationId: string, text: string): Promise<Response>;
  /** An Action.Execute: in a personal chat, a channel (channelId) or a group chat (groupChat). */
  invoke(
    user: User,
    verb: string,
    data: unknown,
    where: { conversationId: string; replyToId?: string; channelId?: string; groupChat?: boolean },
  ): Promise<{ status: number; body: InvokeResponseBody }>;
  post(activity: Record<string, unknown>): Promise<Response>;
  personalConversationId(user: User): string;
  /** Sends a personal message and returns the bot's replies to it (every message posted after it). */
  say(user: User, text: string, expected?: number): Promise<Record<string, unknown>[]>;
}

export interface Harness extends TeamsClient {
  bot: RunningBot;
  connector: ConnectorDouble;
  dataDir: string;
  /** Runs the job and outbox workers until nothing is left to do. */
  settle(): Promise<void>;
  stop(): Promise<void>;
}

export interface HarnessOptions extends StartOptions {
  env?: Record<string, string>;
  dataDir?: string;
  keepData?: boolean;
  /** Reuse a Bot Connector double (e.g. across a restart, as Teams' serviceUrl outlives the bot). */
  connector?: ConnectorDouble;
}

export async function startHarness(options: HarnessOptions = {}): Promise<Harness> {
  const ownConnector = options.connector === undefined;
  const connector = options.connector ?? new ConnectorDouble();
  if (ownConnector) await connector.start();
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'govbot-test-'));
  const config = parseConfig({
    TENANT_MODE: 'simulated',
    PORT: '0',
    TENANT_SIMULATOR_PORT: '0',
    DATA_DIR: dataDir,
    LOG_LEVEL: 'silent',
    ...options.env,
  });
  const bot = await startGovernanceBot(config, {
    autoStartWorkers: false,
    simulator: { retryAfterSeconds: 0, lroPollsToComplete: 3 },
    sleep: async () => undefined,
    log: createLogger('silent'),
    ...options,
  });
  const client = teamsClient(bot.url, connector);
  const harness: Harness = {
    bot,
    connector,
    dataDir,
    ...client,
    async settle() {
      for (let i = 0; i < 20; i++) {
        const jobs = await bot.jobs.tick();
        const sent = await bot.outbox.drain();
        if (jobs === 0 && sent === 0) return;
      }
    },
    async stop() {
      await bot.stop();
      if (ownConnector) await connector.stop();
      if (!options.keepData) rmSync(dataDir, { recursive: true, force: true });
    },
  };
  return harness;
}

/** Sets the approvals (and audit) channels the way an admin would, in the team's channels. */
export async function setUpChannels(
  h: TeamsClient,
  kinds: ('approvals' | 'audit' | 'notifications')[] = ['approvals', 'audit'],
) {
  const channelOf = { approvals: team.approvals, audit: team.audit, notifications: team.news };
  for (const kind of kinds) {
    const res = await h.channel(users.megan, channelOf[kind], `set ${kind} channel`);
    if (res.status !== 200) throw new Error(`set ${kind} channel: HTTP ${res.status}`);
  }
}

/** An approver's Action.Execute on the approval card posted in the approvals channel. */
export function approveInChannel(
  h: TeamsClient,
  approver: User,
  cardActivityId: string,
  data: Record<string, unknown>,
) {
  return h.invoke(approver, 'approve', data, {
    conversationId: team.approvals,
    channelId: team.approvals,
    replyToId: cardActivityId,
  });
}

/** Activities as Teams sends them, POSTed to a bot at botUrl (in this process or a child process). */
export function teamsClient(botUrl: string, connector: ConnectorDouble): TeamsClient {
  const base = {
    serviceUrl: connector.url,
    channelId: 'msteams',
    recipient: { id: '28:governance-bot', name: 'Governance' },
  };
  const post = (activity: Record<string, unknown>) =>
    fetch(`${botUrl}/api/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(activity),
    });
  const personalConversationId = (user: User) => `a:personal-${user.id}`;
  const from = (user: User) => ({ id: `29:${user.id}`, name: user.name, aadObjectId: user.id });
  const channelActivity = (user: User, channelId: string) => ({
    ...base,
    from: from(user),
    conversation: {
      id: `${channelId};messageid=${Date.now()}`,
      conversationType: 'channel',
      isGroup: true,
      tenantId: TENANT_ID,
    },
    channelData: { team: { id: team.id, name: team.name }, channel: { id: channelId }, tenant: { id: TENANT_ID } },
  });
  const groupActivity = (user: User, conversationId: string) => ({
    ...base,
    from: from(user),
    conversation: { id: conversationId, conversationType: 'groupChat', isGroup: true, tenantId: TENANT_ID },
    channelData: { tenant: { id: TENANT_ID } },
  });
  const mentioned = (text: string) => ({
    text: `<at>Governance</at> ${text}`,
    entities: [{ type: 'mention', text: '<at>Governance</at>', mentioned: base.recipient }],
  });
  const client: TeamsClient = {
    post,
    personalConversationId,
    async say(user, text, expected = 1) {
      const conversationId = personalConversationId(user);
      // Replies are new messages (POST); edits of cards already in the chat (PUT) are not replies.
      const posts = (calls: ConnectorCall[]) =>
        calls.filter((c) => c.conversationId === conversationId && c.body.type === 'message' && c.method === 'POST');
      const before = posts(connector.calls).length;
      const res = await client.personal(user, text);
      if (res.status !== 200) throw new Error(`POST /api/messages answered ${res.status}`);
      await connector.waitFor((calls) => {
        const mine = posts(calls);
        return mine.length >= before + expected ? mine : undefined;
      });
      return posts(connector.calls)
        .slice(before)
        .map((c) => c.body);
    },
    personal: (user, text) =>
      post({
        ...base,
        type: 'message',
        id: randomUUID(),
        timestamp: new Date().toISOString(),
        from: from(user),
        conversation: { id: personalConversationId(user), conversationType: 'personal', tenantId: TENANT_ID },
        channelData: { tenant: { id: TENANT_ID } },
        text,
      }),
    channel: (user, channelId, text) =>
      post({
        ...channelActivity(user, channelId),
        type: 'message',
        id: randomUUID(),
        timestamp: new Date().toISOString(),
        ...mentioned(text),
      }),
    group: (user, conversationId, text) =>
      post({
        ...groupActivity(user, conversationId),
        type: 'message',
        id: randomUUID(),
        timestamp: new Date().toISOString(),
        ...mentioned(text),
      }),
    async invoke(user, verb, data, where) {
      const inChannel = where.channelId !== undefined;
      const activity = {
        ...(inChannel
          ? channelActivity(user, where.channelId ?? '')
          : where.groupChat
            ? groupActivity(user, where.conversationId)
            : {
                ...base,
                from: from(user),
                conversation: { id: where.conversationId, conversationType: 'personal', tenantId: TENANT_ID },
                channelData: { tenant: { id: TENANT_ID } },
              }),
        type: 'invoke',
        name: 'adaptiveCard/action',
        id: randomUUID(),
        replyToId: where.replyToId,
        value: { action: { type: 'Action.Execute', verb, data }, trigger: 'manual' },
      };
      if (inChannel) (activity.conversation as { id: string }).id = where.conversationId;
      const res = await post(activity);
      const text = await res.text();
      return { status: res.status, body: text ? JSON.parse(text) : undefined };
    },
  };
  return client;
}
