// What people type is shown as they typed it and never becomes a link or markup: every card the bot sends is built
// with hostile text in each field a person can fill (justification, names, comments and rejection reasons, questions
// and answers, draft values), rendered by the Adaptive Cards renderer with markdown-it autolinking bare URLs as Teams
// does, and checked for links and markup that came from that text. The bot's text replies are checked the same way.
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import MarkdownIt from 'markdown-it';
import type { Draft } from '../../src/intake/draft.js';
import { projectRoot } from '../../src/project-root.js';
import type { GovernanceRequest, RequestDetails } from '../../src/requests/model.js';
import { AdaptiveCardComposer, noticeCard, requestCard } from '../../src/teams/cards/composer.js';
import { type AdaptiveCard, codeSpan } from '../../src/teams/cards/template.js';
import { userText } from '../../src/teams/cards/user-text.js';
import {
  cancelConfirmCard,
  choiceCard,
  confirmCard,
  doneCard,
  releaseConfirmCard,
  requestListCard,
  textReply,
} from '../../src/teams/replies.js';
import { type Browser, chromiumMissing, launchChromium } from '../e2e/chromium.js';
import { makeRequest } from '../storage/store.contract.js';
import { CardRenderer } from './card-renderer.js';

/** Each construct carries its own marker word, so markup made of it can be told from the bot's own. */
const HOSTILE =
  '[click](http://evil.example/x) **pwn** _ital_ ~~gone~~ https://evil.example/y www.evil.com evil.com ' +
  'mail@evil.com <at>Megan Bowen</at> <b>html</b> `tick` | t | t |\n# head\n1. lst\n- dash\n> quo\n---';
const MARKERS = /^(pwn|ital|gone|head|lst|dash|quo|tick|html|click)$/;

const person = (name: string) => ({ id: 'u-1', upn: 'ada@contoso.com', displayName: name });
const environment = {
  id: 'env-1',
  displayName: `Sales ${HOSTILE}`,
  sku: 'Sandbox',
  location: 'europe',
  hasDataverse: false,
  isDefault: false,
};
const asked = { approver: person(`Megan ${HOSTILE}`), stage: 0 };

function hostileRequest(details: RequestDetails, over: Partial<GovernanceRequest> = {}): GovernanceRequest {
  return makeRequest('REQ-1001', {
    type: details.type,
    details,
    requester: { ...person(`Ada ${HOSTILE}`), department: HOSTILE, hasPowerAppsLicense: false },
    justification: HOSTILE,
    stages: [{ name: 'Admin approval', groupId: 'g', groupName: 'Power Platform Admins', approvals: 1 }],
    routing: { ruleId: 'default', reason: 'One admin.', outcome: 'require-approval' },
    infoExchanges: [
      { askedBy: person(`Megan ${HOSTILE}`), question: HOSTILE, askedAt: makeRequest('x').createdAt, answer: HOSTILE },
    ],
    ...over,
  });
}

const makerRole: RequestDetails = { type: 'maker-role', environment };
const connector: RequestDetails = {
  type: 'connector-unblock',
  environment,
  connector: { name: 'shared_x', id: '/apis/shared_x', displayName: `Box ${HOSTILE}`, tier: 'Standard' },
  blockingPolicies: [{ name: 'p1', displayName: `Baseline ${HOSTILE}` }],
  classification: 'General',
  scope: 'exception',
};
const newEnvironment: RequestDetails = {
  type: 'new-environment',
  displayName: `Payroll ${HOSTILE}`,
  sku: 'Sandbox',
  location: 'europe',
  description: `Purpose ${HOSTILE}`,
};
const rejected = hostileRequest(makerRole, {
  status: 'rejected',
  decisions: [{ ...asked, verdict: 'reject', comment: HOSTILE, at: makeRequest('x').createdAt }],
});
const failed = hostileRequest(connector, {
  status: 'failed',
  decisions: [{ ...asked, verdict: 'approve', comment: HOSTILE, at: makeRequest('x').createdAt }],
  execution: {
    progress: [{ step: HOSTILE, state: 'failed', at: makeRequest('x').createdAt }],
    checkpoint: {},
    apiCalls: [],
    error: { code: 'X', message: HOSTILE },
  },
});
const draft: Draft = {
  id: 'draft-1',
  userId: 'u-1',
  conversationId: 'a:personal',
  type: 'maker-role',
  environment: { id: 'env-1', displayName: HOSTILE, sure: false },
  connectors: [],
  newEnvironment: {},
  justification: HOSTILE,
  updatedAt: makeRequest('x').createdAt,
  expiresAt: makeRequest('x').createdAt,
};
const composer = new AdaptiveCardComposer(() => ['u-1']);
const content = (activity: Record<string, unknown>) =>
  ((activity.attachments as { content: AdaptiveCard }[])[0]?.content ?? {}) as AdaptiveCard;

const CARDS: { name: string; card: () => AdaptiveCard }[] = [
  { name: 'approval card (channel)', card: () => content(composer.approvalCard(hostileRequest(makerRole))) },
  {
    name: 'approver view',
    card: () => requestCard(hostileRequest(connector), 'approver', { text: HOSTILE, tone: 'info' }),
  },
  { name: 'receipt', card: () => content(composer.receiptCard(hostileRequest(newEnvironment))) },
  { name: 'read-only, rejected', card: () => requestCard(rejected, 'readonly') },
  { name: 'read-only, failed', card: () => requestCard(failed, 'readonly') },
  { name: 'requester update, rejected', card: () => content(composer.requesterUpdate(rejected)) },
  { name: 'requester update, failed', card: () => content(composer.requesterUpdate(failed)) },
  { name: 'audit post', card: () => content(composer.auditPost(failed, HOSTILE)) },
  {
    name: 'request list',
    card: () =>
      requestListCard({
        title: 'Pending requests',
        requests: [hostileRequest(connector), rejected],
        empty: '',
        page: 0,
        verb: 'listPending',
        viewerId: 'someone else',
      }),
  },
  {
    name: 'choice',
    card: () =>
      choiceCard(
        draft,
        {
          kind: 'ask',
          slot: 'environment',
          question: `Which environment do you mean for ${HOSTILE}?`,
          options: [
            { id: 'a', label: HOSTILE },
            { id: 'b', label: 'Finance Sandbox' },
          ],
        },
        `I could not find ${HOSTILE}.`,
      ),
  },
  { name: 'confirm draft', card: () => confirmCard(draft) },
  { name: 'notice', card: () => noticeCard({ title: `Audit: ${HOSTILE}`, text: userText(HOSTILE) }) },
  { name: 'done', card: () => doneCard(`You chose ${HOSTILE}`, `Nothing was filed for ${HOSTILE}.`) },
  { name: 'cancel confirm', card: () => cancelConfirmCard(hostileRequest(connector)) },
  {
    name: 'release confirm',
    card: () =>
      releaseConfirmCard({
        id: 'offer-1',
        holderId: 'u-1',
        expiresAt: makeRequest('x').createdAt,
        details: {
          type: 'release',
          access: 'connector-exception',
          environment,
          connector: connector.connector,
          grants: [],
        },
      }),
  },
];

describe('user text on cards and in replies: shown as typed, never a link or markup', function () {
  this.timeout(120_000);
  let browser: Browser | undefined;
  let renderer: CardRenderer;
  const out = join(projectRoot(), 'test-output', 'cards');

  before(async function () {
    const missing = chromiumMissing();
    if (missing) {
      console.warn(`      skipping card rendering: ${missing}`);
      this.skip();
    }
    mkdirSync(out, { recursive: true });
    browser = await launchChromium();
    renderer = new CardRenderer(browser);
  });
  after(async () => {
    await browser?.close();
  });

  for (const { name, card } of CARDS) {
    it(`${name}: no link, bold, italics, heading, list, code, quote or table made of it`, async () => {
      const report = await renderer.render(card(), 560, join(out, `user-text.${name.replace(/\W+/g, '-')}.png`));
      assert.deepEqual(report.problems, []);
      // The requester's address from the directory may show as a mail link (the bot's meaning); nothing else may.
      assert.deepEqual(
        report.links.filter((l) => l !== 'mailto:ada@contoso.com'),
        [],
      );
      // The bot may bold a whole name it quotes; markup made of the typed text holds just one construct's word.
      const fromUser = report.markup.filter((m) => MARKERS.test(m.text.trim()) || m.tag === 'hr');
      assert.deepEqual(fromUser, []);
      // Shown, not dropped: the reader sees the characters that were typed.
      assert.match(report.text, /\*\*pwn\*\*/);
      assert.match(report.text, /<at>Megan Bowen<\/at>/);
    });
  }

  it('a typed {{DATE(…)}} or {{TIME(…)}} is shown as typed, not as a date the renderer formatted', async () => {
    const typed = 'I need it {{DATE(2026-01-01T00:00:00Z, LONG)}} at {{TIME(2026-01-01T09:30:00Z)}}';
    const request = hostileRequest(makerRole, { justification: typed });
    const cards = [
      content(composer.approvalCard(request)),
      requestCard(request, 'readonly'),
      noticeCard({ title: 'Export', text: `Run ${codeSpan(`govbot audit export --reason "${typed}"`)}` }),
    ];
    for (const [i, card] of cards.entries()) {
      const report = await renderer.render(card, 560, join(out, `user-text.date-function-${i}.png`));
      const shown = report.text.replace(/[\u200b\u2060]/g, '');
      assert.ok(shown.includes(typed), `card ${i} shows the typed text: ${shown}`);
      assert.doesNotMatch(shown, /January|Thursday|1\/1\/2026|09:30 AM|9:30 AM/);
    }
  });

  it('text replies: the same text gives no link or markup in a message', () => {
    const md = new MarkdownIt({ html: false, linkify: true, breaks: true });
    const reply = textReply(`I can't find an environment called “${HOSTILE}”. Nothing was filed.`);
    const html = md.render(String(reply.text));
    // The bot's own lists stay lists in a message; nothing else becomes markup.
    assert.doesNotMatch(html, /<a |<strong>|<em>|<s>|<h\d>|<code>|<blockquote>|<table>|<hr>/, html);
    assert.match(html, /\*\*pwn\*\*/);
    assert.match(html, /&lt;at&gt;Megan Bowen&lt;\/at&gt;/);
  });
});
