// Runs the Notifier contract against the Teams implementation over HTTP and against the in-memory one.
import { parseConfig } from '../../src/config/config.js';
import { MemoryNotifier } from '../../src/outbox/memory-notifier.js';
import { createAdapter } from '../../src/teams/adapter.js';
import { TeamsNotifier } from '../../src/teams/teams-notifier.js';
import { ConnectorDouble } from '../support/connector-double.js';
import { notifierContract } from './notifier.contract.js';

notifierContract('TeamsNotifier over the Bot Connector protocol', async () => {
  const connector = new ConnectorDouble();
  connector.rejectUnknownUpdates = true;
  await connector.start();
  const adapter = createAdapter(parseConfig({}));
  // As in the app: an error handler that logs and returns. It must not hide a refused send from the notifier.
  adapter.onTurnError = async () => undefined;
  const notifier = new TeamsNotifier(adapter, '');
  return {
    notifier,
    reference: (conversationId) => ({
      serviceUrl: connector.url,
      channelId: 'msteams',
      bot: { id: '28:governance-bot', name: 'Governance' },
      conversation: { id: conversationId, conversationType: 'channel', isGroup: true },
    }),
    throttleNext: (n, retryAfterSeconds) => {
      connector.throttle = { remaining: n, retryAfterSeconds };
    },
    refuseNext: (status, code) => connector.failNext({ status, code }),
    visible: (conversationId) => {
      const posts = connector.calls.filter((c) => c.conversationId === conversationId && c.method === 'POST');
      return posts.map((p) => {
        const last = connector.calls.filter((c) => c.conversationId === conversationId && c.id === p.id).at(-1) ?? p;
        return { activityId: p.id, text: String(last.body.text ?? '') };
      });
    },
    stop: () => connector.stop(),
  };
});

notifierContract('MemoryNotifier', async () => {
  const notifier = new MemoryNotifier();
  return {
    notifier,
    reference: (conversationId) => ({ conversation: { id: conversationId } }),
    throttleNext: (n, retryAfterSeconds) => notifier.failNext(429, n, retryAfterSeconds * 1000),
    refuseNext: (status, code) => notifier.failNext(status, 1, undefined, code),
    visible: (conversationId) =>
      notifier.postsTo(conversationId).map((p) => ({ activityId: p.activityId, text: String(p.activity.text ?? '') })),
    stop: async () => undefined,
  };
});
