// Every card the bot sends, built through the real builders with representative and extreme data: long
// names and justifications, 50 affected apps, empty optional fields, Japanese, Arabic and Cyrillic text.

import type { Draft } from '../../src/intake/draft.js';
import type { CardNotice } from '../../src/outbox/messages.js';
import { describeReroute } from '../../src/policy/reroute.js';
import type { ConnectorUnblockDetails, GovernanceRequest, RequestDetails } from '../../src/requests/model.js';
import type { ReleaseOffer } from '../../src/requests/release-service.js';
import { AdaptiveCardComposer, noticeCard, requestCard } from '../../src/teams/cards/composer.js';
import type { AdaptiveCard, CardTemplateName } from '../../src/teams/cards/template.js';
import {
  cancelConfirmCard,
  changeCard,
  choiceCard,
  confirmCard,
  doneCard,
  helpCard,
  licenceReportCard,
  releaseConfirmCard,
  requestListCard,
} from '../../src/teams/replies.js';

export interface CardScenario {
  name: string;
  template: CardTemplateName;
  card: () => AdaptiveCard;
}

const AT = '2026-11-02T09:15:00.000Z';
const LONG_NAME = 'Maximiliane Alexandra Featherstonehaugh-Worthington-Smythe von Hohenzollern-Sigmaringen';
const LONG_JUSTIFICATION =
  'Our regional field-service team needs to rebuild the inspection checklist app before the winter audit season, ' +
  'because the old InfoPath forms stop working in January and the auditors require signed, time-stamped records ' +
  'for every inspection; the app reads the asset register from SharePoint, writes results to Dataverse, and sends ' +
  'a summary to the site manager. Without the maker role we have to ask IT for every small change, which took ' +
  'three weeks last time and delayed two audits. '.repeat(2);

const megan = {
  id: 'd17b9743-c9fd-59a8-adc7-4023de8a4719',
  upn: 'meganb@contoso.onmicrosoft.com',
  displayName: 'Megan Bowen',
  department: 'IT',
};

const environments = {
  marketing: {
    id: 'f91ab5a8-0394-5ba2-bed5-57d89cdce93a',
    displayName: 'Marketing Sandbox',
    sku: 'Sandbox',
    location: 'europe',
    azureRegion: 'westeurope',
    hasDataverse: false,
    isDefault: false,
  },
  finance: {
    id: '54a675c4-fce1-5360-a97a-d9790d9b8e5c',
    displayName: 'Finance Sandbox',
    sku: 'Sandbox',
    location: 'unitedstates',
    azureRegion: 'eastus',
    hasDataverse: true,
    isDefault: false,
  },
  contosoDev: {
    id: '7c4ff43f-9f0d-5892-9f4a-69dd7e3fbcb6',
    displayName: 'Contoso Dev',
    sku: 'Sandbox',
    location: 'unitedstates',
    azureRegion: 'westus',
    hasDataverse: false,
    isDefault: false,
  },
};

export function request(details: RequestDetails, over: Partial<GovernanceRequest> = {}): GovernanceRequest {
  return {
    id: 'REQ-1001',
    version: 1,
    type: details.type,
    status: 'pending',
    requester: {
      id: '1205d490-732f-537a-acd3-a0aa663f609f',
      upn: 'alexw@contoso.onmicrosoft.com',
      displayName: 'Alex Wilber',
      department: 'Marketing',
      hasPowerAppsLicense: true,
    },
    details,
    justification: 'I build the campaign tracker for the spring launch',
    createdAt: AT,
    updatedAt: AT,
    decisions: [],
    stages: [
      {
        name: 'Power Platform admins',
        groupId: 'ed47e9ca-3c8d-5ba5-959b-7689aba891a8',
        groupName: 'Power Platform Admins',
        approvals: 1,
      },
    ],
    routing: {
      ruleId: 'default',
      reason: 'Maker roles in sandboxes need one admin approval.',
      outcome: 'require-approval',
      context: {
        requesterGroupIds: [],
        requesterPlans: ['POWERAPPS_O365_P2', 'FLOW_O365_P2', 'EXCHANGE_S_ENTERPRISE'],
      },
    },
    execution: { progress: [], checkpoint: {}, apiCalls: [] },
    ...over,
  };
}

const makerRole: RequestDetails = { type: 'maker-role', environment: environments.marketing };

/** An offer to give up a connector exception in Contoso Dev (the release confirmation's data). */
function exceptionRelease(id: string): ReleaseOffer {
  return {
    id,
    holderId: 'x',
    expiresAt: AT,
    details: {
      type: 'release',
      access: 'connector-exception',
      environment: environments.contosoDev,
      connector: connectorUnblock(0).connector,
      grants: ['REQ-1003'],
    },
  };
}

export function connectorUnblock(apps: number, over: Partial<ConnectorUnblockDetails> = {}): ConnectorUnblockDetails {
  return {
    type: 'connector-unblock',
    environment: environments.contosoDev,
    connector: {
      name: 'shared_dropbox',
      id: '/providers/Microsoft.PowerApps/apis/shared_dropbox',
      displayName: 'Dropbox',
      tier: 'Standard',
    },
    blockingPolicies: [{ name: 'eb375b69-c7f9-5e8d-af20-9079b9807eec', displayName: 'Tenant baseline' }],
    classification: 'General',
    scope: 'exception',
    impact: {
      policies: [
        {
          name: 'eb375b69',
          displayName: 'Tenant baseline',
          environmentType: 'ExceptEnvironments',
          coveredEnvironments: 11,
          exceptionPossible: true,
        },
        {
          name: 'a1b2c3d4',
          displayName: 'Sandbox guardrails',
          environmentType: 'OnlyEnvironments',
          coveredEnvironments: 4,
          exceptionPossible: true,
        },
      ],
      resources: Array.from({ length: apps }, (_, i) => ({
        kind: i % 3 === 2 ? ('flow' as const) : ('app' as const),
        displayName: i % 3 === 2 ? `Sync invoices to Dropbox #${i + 1}` : `Field inspection checklist ${i + 1}`,
        environment: i % 2 === 0 ? 'Contoso Dev' : 'Marketing Sandbox',
        environmentId: i % 2 === 0 ? environments.contosoDev.id : environments.marketing.id,
        state: i % 7 === 3 ? 'Suspended' : 'Started',
      })),
      tenantWideEnvironments: 12,
      keptBlocked: {
        environments: ['Finance Production', 'HR Production', 'Operations Production'],
        policies: ['Production lockdown'],
      },
    },
    ...over,
  };
}

const newEnvironment: RequestDetails = {
  type: 'new-environment',
  displayName: 'Payroll Tools',
  sku: 'Sandbox',
  location: 'europe',
  azureRegion: 'northeurope',
  dataverse: { domainName: 'contoso-payroll-tools', currency: 'EUR', languageLcid: 1033 },
  description: 'A place to build the payroll exception tracker with HR, away from production data.',
};

const approved = {
  approver: megan,
  verdict: 'approve' as const,
  comment: 'Fine for the campaign, thanks for the detail.',
  at: '2026-11-02T10:02:00.000Z',
  stage: 0,
};

const composer = new AdaptiveCardComposer();
const content = (activity: Record<string, unknown>) =>
  ((activity.attachments as { content: AdaptiveCard }[] | undefined)?.[0]?.content ?? {}) as AdaptiveCard;

const draft: Draft = {
  id: 'draft-1',
  userId: '1205d490-732f-537a-acd3-a0aa663f609f',
  conversationId: 'a:personal',
  type: 'maker-role',
  environment: undefined,
  connectors: [],
  newEnvironment: {},
  justification: 'I build the campaign tracker',
  updatedAt: AT,
  expiresAt: AT,
};

const warn: CardNotice = { text: 'This card was out of date; here is the current state.', tone: 'warning' };

export const SCENARIOS: CardScenario[] = [
  // request-card: maker role
  { name: 'maker-role-approver', template: 'request-card', card: () => requestCard(request(makerRole), 'approver') },
  { name: 'maker-role-receipt', template: 'request-card', card: () => requestCard(request(makerRole), 'requester') },
  {
    name: 'maker-role-completed',
    template: 'request-card',
    card: () =>
      requestCard(
        request(makerRole, {
          status: 'completed',
          decisions: [approved],
          execution: {
            progress: [
              { step: 'Checked Alex Wilber has no role there yet', state: 'done', at: AT },
              { step: 'Assigned Environment Maker in Marketing Sandbox', state: 'done', at: AT },
            ],
            checkpoint: {},
            apiCalls: [],
          },
        }),
        'approver',
        { text: 'You approved REQ-1001.', tone: 'good' },
      ),
  },
  {
    name: 'maker-role-no-licence-dataverse',
    template: 'request-card',
    card: () =>
      requestCard(
        request(
          { type: 'maker-role', environment: environments.finance },
          {
            requester: {
              id: 'dba1b024-f658-57bb-b502-359ca799ca41',
              upn: 'lidiah@contoso.onmicrosoft.com',
              displayName: 'Lidia Holloway',
              hasPowerAppsLicense: false,
            },
            justification: undefined,
          },
        ),
        'approver',
      ),
  },
  {
    name: 'maker-role-long-text',
    template: 'request-card',
    card: () =>
      requestCard(
        request(
          {
            type: 'maker-role',
            environment: {
              ...environments.finance,
              displayName:
                'Finance, Procurement and Accounts Payable Automation Sandbox (EMEA) — do not use for production data',
            },
          },
          {
            requester: {
              id: 'x',
              upn: 'maximiliane.featherstonehaugh-worthington-smythe@contoso-international-holdings.onmicrosoft.com',
              displayName: LONG_NAME,
              department: 'Regional Field Service Operations and Compliance',
              hasPowerAppsLicense: true,
            },
            justification: LONG_JUSTIFICATION,
          },
        ),
        'approver',
        warn,
      ),
  },
  {
    // A link in the justification is stored as "label (address)" (src/intake/links.ts): shown as text, not a link,
    // and a long address must wrap on a narrow card.
    name: 'maker-role-link-justification',
    template: 'request-card',
    card: () =>
      requestCard(
        request(
          { type: 'maker-role', environment: environments.marketing },
          {
            justification:
              'the spec (https://contoso.sharepoint.com/sites/Marketing/Shared%20Documents/campaign-tracker-spec.docx?web=1) needs a prototype',
          },
        ),
        'approver',
      ),
  },
  {
    name: 'maker-role-non-latin',
    template: 'request-card',
    card: () =>
      requestCard(
        request(
          { type: 'maker-role', environment: { ...environments.marketing, displayName: 'マーケティング検証環境' } },
          {
            requester: {
              id: 'y',
              upn: 'yuki.tanaka@contoso.onmicrosoft.com',
              displayName: '田中 由紀 (Юлия Смирнова)',
              department: 'التسويق',
              hasPowerAppsLicense: true,
            },
            justification:
              'キャンペーン管理アプリを作成するため。Нужно для отчётов по кампании. أحتاج إلى إنشاء تطبيق لتتبع الحملات',
            decisions: [],
          },
        ),
        'approver',
      ),
  },
  {
    name: 'maker-role-rejected',
    template: 'request-card',
    card: () =>
      requestCard(
        request(makerRole, {
          status: 'rejected',
          decisions: [
            {
              ...approved,
              verdict: 'reject',
              comment: 'Please use Contoso Dev for experiments; Marketing Sandbox is for the agency.',
            },
          ],
        }),
        'requester',
      ),
  },
  // request-card: connector unblock with its impact
  {
    name: 'connector-unblock-approver',
    template: 'request-card',
    card: () =>
      requestCard(
        request(connectorUnblock(6), {
          id: 'REQ-1002',
          justification: 'Our agency shares campaign assets in Dropbox.',
        }),
        'approver',
      ),
  },
  {
    name: 'connector-unblock-50-apps',
    template: 'request-card',
    card: () => requestCard(request(connectorUnblock(50), { id: 'REQ-1003' }), 'approver'),
  },
  {
    name: 'connector-unblock-tenant-wide-approver',
    template: 'request-card',
    card: () => requestCard(request(connectorUnblock(4, { scope: 'tenant-wide' }), { id: 'REQ-1006' }), 'approver'),
  },
  {
    name: 'connector-unblock-no-impact-tenant-wide',
    template: 'request-card',
    card: () =>
      requestCard(
        request(connectorUnblock(0, { impact: undefined, scope: 'tenant-wide', classification: 'Confidential' }), {
          id: 'REQ-1004',
          justification: undefined,
        }),
        'requester',
      ),
  },
  // request-card: what the first approver sees after choosing Tenant-wide, which the policy sends to a second stage
  {
    name: 'connector-unblock-rerouted',
    template: 'request-card',
    card: () => {
      const senior = {
        name: 'Senior approval',
        groupId: '3a4f9c4e-2b1d-5f0e-9c8a-7d6b5a4f3e2d',
        groupName: 'Power Platform Senior Approvers',
        approvals: 1,
      };
      const rerouted = request(connectorUnblock(6, { scope: 'tenant-wide' }), {
        id: 'REQ-1006',
        decisions: [approved],
        stages: [...request(makerRole).stages, senior],
        routing: {
          ruleId: 'all-environments-policy-two-person',
          reason: 'A change to a policy covering every environment needs an admin and a senior approver.',
          outcome: 'require-approval',
        },
      });
      const notice = describeReroute(
        'Tenant-wide',
        { kind: 'rerouted', stages: rerouted.stages, routing: rerouted.routing!, added: [senior], raised: [] },
        'all-environments-policy-two-person',
      );
      return requestCard(rerouted, 'readonly', { text: `Your approval is recorded. ${notice}`, tone: 'info' });
    },
  },
  // request-card: new environment, with progress and failure
  {
    name: 'new-environment-approver',
    template: 'request-card',
    card: () => requestCard(request(newEnvironment, { id: 'REQ-1005' }), 'approver'),
  },
  {
    name: 'new-environment-progress',
    template: 'request-card',
    card: () =>
      requestCard(
        request(newEnvironment, {
          id: 'REQ-1005',
          status: 'executing',
          decisions: [approved],
          execution: {
            progress: [
              { step: 'Environment Payroll Tools requested', state: 'done', at: AT },
              { step: 'Provisioning the Dataverse database (can take 10 minutes)', state: 'running', at: AT },
              { step: 'Make Alex Wilber Environment Admin', state: 'pending', at: AT },
            ],
            checkpoint: {},
            apiCalls: [],
          },
        }),
        'readonly',
      ),
  },
  {
    name: 'new-environment-failed',
    template: 'request-card',
    card: () =>
      requestCard(
        request(
          { ...newEnvironment, dataverse: undefined, description: undefined },
          {
            id: 'REQ-1006',
            status: 'failed',
            decisions: [approved],
            execution: {
              progress: [{ step: 'Environment Payroll Tools requested', state: 'failed', at: AT }],
              error: {
                code: 'InsufficientCapacity',
                message: 'The tenant has no Sandbox capacity left (0 GB free); free some up or buy more.',
              },
              checkpoint: {},
              apiCalls: [],
            },
          },
        ),
        'requester',
      ),
  },
  // notice-card: updates, help, lists, bare notices
  {
    name: 'requester-update-done',
    template: 'notice-card',
    card: () => content(composer.requesterUpdate(request(makerRole, { status: 'completed', decisions: [approved] }))),
  },
  {
    name: 'requester-update-rejected-long',
    template: 'notice-card',
    card: () =>
      content(
        composer.requesterUpdate(
          request(makerRole, {
            status: 'rejected',
            decisions: [{ ...approved, verdict: 'reject', comment: LONG_JUSTIFICATION }],
          }),
        ),
      ),
  },
  { name: 'help-maker', template: 'help-card', card: () => helpCard('maker') },
  { name: 'help-approver', template: 'help-card', card: () => helpCard('approver') },
  {
    name: 'licence-report',
    template: 'notice-card',
    card: () =>
      licenceReportCard(
        {
          users: 57,
          plans: [
            { product: 'Power Apps (with Microsoft 365)', plan: 'POWERAPPS_O365_P2', holders: 41 },
            { product: 'Power Automate (with Microsoft 365)', plan: 'FLOW_O365_P2', holders: 41 },
            { product: 'Power Apps Premium', plan: 'POWERAPPS_PER_USER', holders: 3 },
            { product: 'Power Automate', plan: '0a0a0a0a-0000-4000-8000-000000000001', holders: 1 },
          ],
          withoutPowerApps: [
            { displayName: LONG_NAME, upn: 'maximiliane.featherstonehaugh-worthington@contoso.onmicrosoft.com' },
            ...Array.from({ length: 14 }, (_, i) => ({
              displayName: `Guest User ${i + 1}`,
              upn: `guest${i + 1}@contoso.onmicrosoft.com`,
            })),
          ],
        },
        'npx govbot report licenses --format csv',
      ),
  },
  {
    name: 'request-list',
    template: 'request-list-card',
    card: () =>
      requestListCard({
        title: 'Your requests',
        requests: [
          request(makerRole),
          request(connectorUnblock(3), { id: 'REQ-1002', status: 'completed', decisions: [approved] }),
          request(newEnvironment, { id: 'REQ-1005', status: 'executing' }),
          ...Array.from({ length: 4 }, (_, i) => request(makerRole, { id: `REQ-10${10 + i}`, status: 'rejected' })),
        ],
        empty: 'You have no requests yet.',
        page: 0,
        verb: 'listMine',
        viewerId: '1205d490-732f-537a-acd3-a0aa663f609f',
      }),
  },
  {
    name: 'request-list-empty',
    template: 'request-list-card',
    card: () =>
      requestListCard({
        title: 'Pending requests',
        requests: [],
        empty: 'Nothing is waiting for approval.',
        page: 0,
        verb: 'listPending',
        viewerId: 'x',
      }),
  },
  {
    name: 'choice-buttons',
    template: 'choice-card',
    card: () =>
      choiceCard(draft, {
        kind: 'ask',
        slot: 'environment',
        question: 'In which environment do you need the Environment Maker role?',
        options: [
          { id: 'a', label: 'Contoso Dev' },
          { id: 'b', label: 'Finance Sandbox' },
          { id: 'c', label: 'Marketing Sandbox' },
        ],
        hint: 'You can also type the name.',
      }),
  },
  {
    name: 'choice-list',
    template: 'choice-card',
    card: () =>
      choiceCard(
        draft,
        {
          kind: 'ask',
          slot: 'location',
          question: 'Where should the new environment live?',
          options: ['United States', 'Europe', 'Asia', 'United Kingdom', 'Japan', 'Canada', 'France', 'Germany'].map(
            (l) => ({ id: l, label: l }),
          ),
        },
        'Payroll Tools, a Sandbox environment.',
      ),
  },
  {
    // A name that matches no environment (issue 10 part 5): said so, the closest three offered with their type.
    name: 'choice-look-alike-environment',
    template: 'choice-card',
    card: () =>
      choiceCard(
        draft,
        {
          kind: 'ask',
          slot: 'environment',
          question: 'Which environment do you mean for the Environment Maker role?',
          options: [
            { id: 'a', label: 'Marketing Sandbox' },
            { id: 'b', label: 'Finance Production' },
            { id: 'c', label: 'IT Tools (Production)' },
          ],
          hint: 'Pick one, or type its name (or "the second one").',
        },
        'I couldn\'t find an environment called "Marketing Production" in this tenant. These are the closest ones. Nothing is filed until you choose.',
      ),
  },
  { name: 'change-draft', template: 'choice-card', card: () => changeCard(draft) },
  {
    name: 'confirm-draft',
    template: 'confirm-card',
    card: () => confirmCard({ ...draft, environment: { id: 'e', displayName: 'Finanse Sandbox', sure: false } }),
  },
  { name: 'cancel-confirm', template: 'confirm-card', card: () => cancelConfirmCard(request(makerRole)) },
  {
    name: 'release-maker-role-confirm',
    template: 'confirm-card',
    card: () =>
      releaseConfirmCard({
        id: '6b1f0c1e-4f1e-4d55-9d7c-0a4f2d1c9e11',
        holderId: 'x',
        expiresAt: AT,
        details: { type: 'release', access: 'maker-role', environment: environments.marketing, grants: [] },
      }),
  },
  {
    name: 'release-exception-confirm',
    template: 'confirm-card',
    card: () => releaseConfirmCard(exceptionRelease('6b1f0c1e-4f1e-4d55-9d7c-0a4f2d1c9e12')),
  },
  {
    name: 'release-exception-kept-confirm',
    template: 'confirm-card',
    card: () =>
      releaseConfirmCard({ ...exceptionRelease('6b1f0c1e-4f1e-4d55-9d7c-0a4f2d1c9e13'), keptForOthers: true }),
  },
  {
    name: 'connector-unblock-completed-requester',
    template: 'request-card',
    card: () => requestCard(request(connectorUnblock(2), { id: 'REQ-1002', status: 'completed' }), 'requester'),
  },
  {
    name: 'release-completed',
    template: 'request-card',
    card: () =>
      requestCard(
        request(
          {
            type: 'release',
            access: 'connector-exception',
            environment: environments.contosoDev,
            connector: connectorUnblock(0).connector,
            grants: ['REQ-1003'],
          },
          {
            status: 'completed',
            routing: {
              ruleId: 'self-release',
              outcome: 'auto-approve',
              reason: 'Giving up your own access needs no approval.',
            },
          },
        ),
        'requester',
        { text: 'Confirmed. I am removing it now and will update this card when it is done.', tone: 'good' },
      ),
  },
  {
    name: 'grant-ended-early',
    template: 'request-card',
    card: () =>
      requestCard(
        request(connectorUnblock(3), { status: 'revoked', endedEarly: { by: 'REQ-1004', at: AT }, grantEndsAt: AT }),
        'requester',
      ),
  },
  { name: 'done', template: 'confirm-card', card: () => doneCard('Cancelled. Nothing was filed.') },
  { name: 'notice-minimal', template: 'notice-card', card: () => noticeCard({ title: 'Approvals channel set' }) },
  // audit-entry-card
  {
    name: 'audit-entry-completed',
    template: 'audit-entry-card',
    card: () =>
      content(
        composer.auditPost(
          request(makerRole, { status: 'completed', decisions: [approved] }),
          'Environment Maker granted to Alex Wilber in Marketing Sandbox',
        ),
      ),
  },
  {
    name: 'audit-entry-failed-long',
    template: 'audit-entry-card',
    card: () =>
      content(
        composer.auditPost(
          request(connectorUnblock(50), {
            id: 'REQ-1003',
            status: 'failed',
            decisions: [approved],
            requester: {
              id: 'x',
              upn: 'maximiliane.featherstonehaugh@contoso.onmicrosoft.com',
              displayName: LONG_NAME,
              hasPowerAppsLicense: true,
            },
            execution: {
              progress: [],
              checkpoint: {},
              apiCalls: [
                { method: 'PATCH', url: 'api.bap.microsoft.com/providers/…/apiPolicies/eb375b69', status: 412, at: AT },
              ],
            },
          }),
          'DLP policy changed by someone else meanwhile (etag mismatch); nothing was changed',
        ),
      ),
  },
];
