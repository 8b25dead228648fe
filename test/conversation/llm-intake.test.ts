// The optional language-model intake over the Bot Framework protocol, against a local server that speaks
// the chat-completions wire format. The model only names the intent and the words typed: every name is
// resolved against the catalogue, the bot still asks back and confirms, and any failure falls back to the
// deterministic parser. Without the settings no model is called at all.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { Agent } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Harness, type HarnessOptions, setUpChannels, startHarness } from '../support/bot-harness.js';
import { ChatCompletionsDouble } from '../support/chat-completions-double.js';
import { actionsOf, cardText, firstCard } from '../support/connector-double.js';
import { envs, users } from '../support/fixture-ids.js';

type Action = { title?: string; verb?: string; data?: Record<string, unknown> };
type User = { id: string; name: string };

const OPENAI_KEY = 'sk-test-not-a-real-key';

describe('conversation: language-model intake', () => {
  let h: Harness;
  let model: ChatCompletionsDouble;

  async function start(env: Record<string, string>, options: HarnessOptions = {}) {
    h = await startHarness({ ...options, env });
    await setUpChannels(h);
  }
  afterEach(async () => {
    await h?.stop();
    await model?.stop();
  });

  const conv = (u: User) => h.personalConversationId(u);
  const textOf = (body: Record<string, unknown>) => `${body.text ?? ''} ${cardText(firstCard(body))}`;

  const say = (user: User, text: string, expected = 1) => h.say(user, text, expected);

  async function click(user: User, action: Action | undefined) {
    assert.ok(action?.verb, 'a button to click');
    const res = await h.invoke(user, action.verb, action.data, { conversationId: conv(user) });
    assert.equal(res.status, 200);
    return res.body;
  }

  describe('OpenAI wire format', () => {
    beforeEach(async () => {
      model = new ChatCompletionsDouble();
      await model.start();
    });
    const openAiEnv = () => ({
      OPENAI_API_KEY: OPENAI_KEY,
      OPENAI_BASE_URL: `${model.url}/v1`,
      OPENAI_MODEL: 'intake-test-model',
    });

    it('understands what the parser cannot, then asks back through the normal resolution', async () => {
      model.answer((text) =>
        /money team/.test(text) ? { intent: 'maker-role', environment: 'finance' } : { intent: 'unknown' },
      );
      await start(openAiEnv());
      const text = "could you sort me out so I can tinker in the money team's playground (finance)";
      const [question] = await say(users.adele, text);
      assert.ok(question);

      // One call, in the wire format, with the key as a bearer token and only the message as user content.
      assert.equal(model.calls.length, 1);
      const call = model.calls[0];
      assert.equal(call?.url, '/v1/chat/completions');
      assert.equal(call?.headers.authorization, `Bearer ${OPENAI_KEY}`);
      assert.equal(call?.body.model, 'intake-test-model');
      assert.equal(call?.body.response_format?.type, 'json_object');
      assert.equal(call?.body.messages?.at(-1)?.content, text);
      assert.equal(call?.body.messages?.[0]?.role, 'system');

      // "finance" fits two environments: the bot asks which, it does not guess.
      const card = firstCard(question);
      assert.match(cardText(card), /Which environment do you mean for the Environment Maker role\?/);
      const options = actionsOf(card).filter((a) => a.verb === 'chooseOption');
      assert.deepEqual(options.map((o) => o.title).sort(), ['1. Finance Production', '2. Finance Sandbox']);
      assert.equal(await h.bot.store.requests.get('REQ-1001'), undefined, 'nothing filed on a guess');

      await click(
        users.adele,
        options.find((o) => /Finance Sandbox/.test(o.title ?? '')),
      );
      const stored = await h.bot.store.requests.get('REQ-1001');
      assert.equal(stored?.details.type, 'maker-role');
      assert.equal(stored?.details.type === 'maker-role' && stored.details.environment.id, envs.financeSandbox);
      assert.equal(model.calls.length, 1, 'the card click needs no model');
    });

    it('confirms before filing when only the model saw the intent, even for an exact name', async () => {
      model.answer(() => ({
        intent: 'maker-role',
        environment: 'Finance Sandbox',
        justification: 'prototype the budget app',
      }));
      await start(openAiEnv());
      const [summary] = await say(users.adele, "I'd love to tinker in Finance Sandbox this week");
      assert.ok(summary);
      const card = firstCard(summary);
      assert.match(cardText(card), /Is this what you want\?/);
      assert.match(cardText(card), /Finance Sandbox/);
      assert.match(cardText(card), /prototype the budget app/);
      assert.equal(await h.bot.store.requests.get('REQ-1001'), undefined, 'not filed before the user confirms');

      const confirmed = await click(
        users.adele,
        actionsOf(card).find((a) => a.verb === 'confirmDraft'),
      );
      assert.match(cardText(confirmed.value), /Filed: REQ-1001/);
      const stored = await h.bot.store.requests.get('REQ-1001');
      assert.equal(stored?.details.type === 'maker-role' && stored.details.environment.id, envs.financeSandbox);
      assert.equal(stored?.justification, 'prototype the budget app');
    });

    it('says so when the model names an environment the tenant does not have, and files nothing', async () => {
      model.answer(() => ({ intent: 'maker-role', environment: 'Narnia Lab' }));
      await start(openAiEnv());
      const [reply] = await say(users.adele, 'maker role in Narnia Lab please');
      assert.ok(reply);
      const text = textOf(reply);
      assert.match(text, /couldn't find an environment called "Narnia Lab"/);
      assert.match(text, /environment/);
      assert.equal(await h.bot.store.requests.get('REQ-1001'), undefined);
      assert.deepEqual(await h.bot.store.requests.list({ limit: 10 }), []);
    });

    it('never takes an id from the model: a connector it names is resolved against the catalogue', async () => {
      model.answer(() => ({
        intent: 'unblock-connector',
        environment: 'Contoso Dev',
        connectors: ['shared_notarealconnector', 'dropbx'],
      }));
      await start(openAiEnv());
      const [summary] = await say(users.adele, 'pls unblock dropbx for contoso dev');
      const card = firstCard(summary ?? {});
      // The typo is resolved to the catalogue's Dropbox with medium confidence: the bot confirms first.
      assert.match(cardText(card), /Is this what you want\?/);
      assert.match(cardText(card), /Dropbox/);
      assert.doesNotMatch(cardText(card), /notarealconnector/);
      assert.deepEqual(await h.bot.store.requests.list({ limit: 10 }), []);
    });

    it('falls back to the parser when the model answers 500', async () => {
      model.answer(() => ({ status: 500, error: 'overloaded' }));
      await start(openAiEnv());
      const replies = await say(users.adele, 'maker role in Finance Sandbox because I build the budget app');
      assert.equal(model.calls.length, 1, 'one attempt, no retries holding the reply');
      assert.match(textOf(replies[0] ?? {}), /REQ-1001/);
      const stored = await h.bot.store.requests.get('REQ-1001');
      assert.equal(stored?.details.type === 'maker-role' && stored.details.environment.id, envs.financeSandbox);
    });

    it('falls back to the parser when the model answers too late or not in JSON', async () => {
      let release = () => {};
      const held = new Promise<void>((resolve) => {
        release = resolve;
      });
      // The model's answer to the first message is held until the test lets it go: it arrives after the timeout.
      model.answer((text) =>
        /late/.test(text) ? { content: '{"intent":"help"}', until: held } : { content: 'Sure!' },
      );
      await start({ ...openAiEnv(), INTAKE_LLM_TIMEOUT_MS: '300' });
      const late = await say(users.adele, 'status please, sorry if this is late');
      assert.equal(model.answered, 0, 'the bot answered while the model had not');
      const answer = textOf(late[0] ?? {});
      assert.match(answer, /You have no requests yet/, `the parser should have read "status"; the bot said: ${answer}`);
      release();
      await h.connector.waitFor(() => model.answered === 1);
      const prose = await say(users.adele, 'maker role in Finance Sandbox');
      assert.match(textOf(prose[0] ?? {}), /REQ-1001/, 'prose instead of JSON: the parser filed it');
      assert.equal(model.calls.length, 2);
      // The late "help" answer, delivered in between, was never used: two messages, two replies, no help card.
      const replies = h.connector.messages(conv(users.adele)).map((c) => textOf(c.body));
      assert.equal(replies.length, 2, replies.join(' | '));
      assert.ok(!replies.some((r) => /What I can do/.test(r)), replies.join(' | '));
    });

    it('without a key the parser alone reads messages and nothing is sent anywhere', async () => {
      model.answer(() => ({ intent: 'help' }));
      // A base URL alone does not turn the model on.
      await start({ OPENAI_BASE_URL: `${model.url}/v1` });
      const replies = await say(users.adele, 'maker role in Finance Sandbox');
      assert.match(textOf(replies[0] ?? {}), /REQ-1001/);
      const [unknown] = await say(users.adele, "could you sort me out so I can tinker in the money team's playground");
      assert.match(textOf(unknown ?? {}), /I can only help with Power Platform requests/);
      assert.equal(model.calls.length, 0);
    });

    it('leaves answers to an open question to the parser', async () => {
      model.answer(() => ({ intent: 'maker-role', environment: 'finance' }));
      await start(openAiEnv());
      await say(users.adele, 'I need to tinker with the finance numbers');
      assert.equal(model.calls.length, 1);
      await say(users.adele, 'the sandbox one');
      assert.equal(model.calls.length, 1, 'the answer "the sandbox one" is read by the parser');
      const stored = await h.bot.store.requests.get('REQ-1001');
      assert.equal(stored?.details.type === 'maker-role' && stored.details.environment.id, envs.financeSandbox);
    });
  });

  describe('Azure OpenAI wire format', () => {
    let certDir: string;
    before(() => {
      // The teams-ai client reaches Azure only over https: a throwaway certificate for 127.0.0.1.
      certDir = mkdtempSync(join(tmpdir(), 'govbot-tls-'));
      execFileSync(
        'openssl',
        [
          'req',
          '-x509',
          '-newkey',
          'rsa:2048',
          '-nodes',
          '-keyout',
          join(certDir, 'key.pem'),
          '-out',
          join(certDir, 'cert.pem'),
          '-days',
          '1',
          '-subj',
          '/CN=127.0.0.1',
          '-addext',
          'subjectAltName=IP:127.0.0.1',
        ],
        { stdio: 'ignore' },
      );
    });
    after(() => rmSync(certDir, { recursive: true, force: true }));

    it('calls the deployment with the api-key header and resolves its reading the same way', async () => {
      const cert = readFileSync(join(certDir, 'cert.pem'), 'utf8');
      model = new ChatCompletionsDouble({ key: readFileSync(join(certDir, 'key.pem'), 'utf8'), cert });
      await model.start();
      model.answer(() => ({ intent: 'maker-role', environment: 'finance' }));
      await start(
        {
          AZURE_OPENAI_API_KEY: 'azure-test-key',
          AZURE_OPENAI_ENDPOINT: model.url,
          AZURE_OPENAI_DEPLOYMENT: 'intake-gpt',
          AZURE_OPENAI_API_VERSION: '2024-06-01',
        },
        { languageModelHttpAgent: new Agent({ ca: cert }) },
      );
      const [question] = await say(users.adele, "sort me out for the money team's playground");
      assert.equal(model.calls.length, 1);
      const call = model.calls[0];
      assert.equal(call?.deployment, 'intake-gpt');
      assert.equal(call?.url, '/openai/deployments/intake-gpt/chat/completions?api-version=2024-06-01');
      assert.equal(call?.headers['api-key'], 'azure-test-key');
      assert.match(cardText(firstCard(question ?? {})), /Which environment do you mean/);
      assert.deepEqual(await h.bot.store.requests.list({ limit: 10 }), []);
    });
  });
});
