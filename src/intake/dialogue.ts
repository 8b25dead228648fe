// The dialogue rules, without any Teams types: fold what the user said into the draft, pick the next
// question, decide between asking, confirming and filing. Nothing here files; the handler does, once.
import type { Environment } from '../tenant/tenant-admin.js';
import type { CatalogueSnapshot } from './catalogue.js';
import { type Draft, type DraftChoice, newDraft, type Slot } from './draft.js';
import { EntityIndex, nameWords } from './entity-index.js';
import type { EnvironmentSku, RequestIntent } from './intent.js';
import { offerableTo } from './resolve.js';
import type { Understanding } from './understand.js';

export type NextAction =
  | { kind: 'ask'; slot: Slot; question: string; options: DraftChoice[]; hint?: string | undefined }
  | { kind: 'confirm' }
  | { kind: 'ready' };

export const SKUS: EnvironmentSku[] = ['Sandbox', 'Production', 'Developer', 'Trial'];
const DATAVERSE_CHOICES: DraftChoice[] = [
  { id: 'yes', label: 'Yes, with Dataverse' },
  { id: 'no', label: 'No Dataverse' },
];
/** How many choices fit on one card as buttons; longer lists become a drop-down. */
export const MAX_BUTTONS = 6;

export function startDraft(
  u: Understanding,
  type: RequestIntent,
  userId: string,
  conversationId: string,
  now: Date,
): Draft {
  const draft = newDraft(userId, conversationId, type, now);
  applyUnderstanding(draft, u, false);
  return draft;
}

/** Copies what the message named into the draft. Returns true when anything changed. */
export function applyUnderstanding(draft: Draft, u: Understanding, correction: boolean): boolean {
  let changed = false;
  const p = u.parsed;
  if (draft.type !== 'new-environment') {
    const env = u.environment;
    if (env.value && (env.confidence === 'high' || env.confidence === 'medium')) {
      draft.environment = { id: env.value.id, displayName: env.value.displayName, sure: env.confidence === 'high' };
      if (draft.question?.slot === 'environment') draft.question = undefined;
      changed = true;
    } else if (env.confidence === 'ambiguous' && env.options.length > 0) {
      draft.environment = undefined;
      draft.question = { slot: 'environment', options: env.options.map(envChoice) };
      changed = true;
    }
  }
  if (draft.type === 'unblock-connector') {
    const found = u.connectors.accepted.map((a) => ({
      name: a.connector.name,
      displayName: a.connector.displayName,
      sure: a.confidence === 'high',
    }));
    if (found.length > 0) {
      const kept = correction ? [] : draft.connectors.filter((c) => !found.some((f) => f.name === c.name));
      draft.connectors = [...kept, ...found];
      if (draft.question?.slot === 'connector') draft.question = undefined;
      changed = true;
    } else if (u.connectors.ambiguous && u.connectors.ambiguous.length > 0) {
      draft.question = {
        slot: 'connector',
        options: u.connectors.ambiguous.map((c) => ({ id: c.name, label: c.displayName })),
      };
      changed = true;
    }
  }
  if (draft.type === 'new-environment') {
    const ne = draft.newEnvironment;
    const given = p.newEnvironment;
    if (given.name) ne.name = given.name;
    if (given.sku) ne.sku = given.sku;
    if (given.dataverse !== undefined) ne.dataverse = given.dataverse;
    if (given.currency) ne.currency = given.currency;
    if (given.languageLcid) ne.languageLcid = given.languageLcid;
    if (u.location.value) {
      ne.location = u.location.value.name;
      ne.locationName = u.location.value.displayName;
    }
    changed ||= Boolean(
      given.name ||
        given.sku ||
        given.dataverse !== undefined ||
        given.currency ||
        given.languageLcid ||
        u.location.value,
    );
    if (draft.question && draft.question.slot !== 'confirm' && slotFilled(draft, draft.question.slot))
      draft.question = undefined;
  }
  if (p.justification) {
    draft.justification = p.justification;
    changed = true;
  }
  if (p.grantEndsAt) {
    draft.grantEndsAt = p.grantEndsAt;
    changed = true;
  }
  return changed;
}

function slotFilled(draft: Draft, slot: Slot): boolean {
  const ne = draft.newEnvironment;
  if (slot === 'name') return Boolean(ne.name);
  if (slot === 'sku') return Boolean(ne.sku);
  if (slot === 'location') return Boolean(ne.location);
  if (slot === 'dataverse') return ne.dataverse !== undefined;
  if (slot === 'environment') return Boolean(draft.environment);
  if (slot === 'connector') return draft.connectors.length > 0;
  if (slot === 'reason') return Boolean(draft.justification);
  return false;
}

/**
 * A text answer to the question the bot asked: "2", "the sandbox one", "Finance Sandbox". Only the offered
 * options are considered here; anything else falls back to applyUnderstanding over the whole catalogue.
 */
export function answerFromOptions(draft: Draft, u: Understanding, snapshot: CatalogueSnapshot): boolean {
  const q = draft.question;
  if (!q || q.slot === 'confirm' || q.options.length === 0) return false;
  const ordinal = u.parsed.answer.ordinal;
  if (ordinal !== undefined) {
    const option = ordinal === -1 ? q.options.at(-1) : q.options[ordinal - 1];
    return option ? chooseOption(draft, q.slot, option.id, snapshot) : false;
  }
  const index = new EntityIndex(
    q.options.map((o) => ({ id: o.id, label: o.label, value: o, names: [nameWords(o.label), [o.id.toLowerCase()]] })),
  );
  const scores = index.score(u.parsed.allTokens).filter((s) => s.score > 0);
  const best = scores[0];
  if (!best) return false;
  const second = scores[1];
  // Among the options offered, one that alone matches the words (or clearly leads) is the answer.
  if (!second || best.score - second.score >= 0.2)
    return chooseOption(draft, q.slot, best.entity.id, snapshot, best.corrected.length === 0);
  return false;
}

/** Picks an option (from a card button or a text answer); the id must be one of the options offered. */
export function chooseOption(
  draft: Draft,
  slot: Slot,
  optionId: string,
  snapshot: CatalogueSnapshot,
  sure = true,
): boolean {
  const offered = draft.question?.slot === slot ? draft.question.options : undefined;
  if (!offered?.some((o) => o.id === optionId)) return false;
  switch (slot) {
    case 'environment': {
      const env = snapshot.environments.find((e) => e.id === optionId);
      if (!env) return false;
      draft.environment = { id: env.id, displayName: env.displayName, sure };
      break;
    }
    case 'connector': {
      const c = snapshot.connectors.find((x) => x.name === optionId);
      if (!c) return false;
      draft.connectors = [
        ...draft.connectors.filter((x) => x.name !== c.name),
        { name: c.name, displayName: c.displayName, sure },
      ];
      break;
    }
    case 'sku':
      draft.newEnvironment.sku = SKUS.find((s) => s === optionId);
      break;
    case 'location': {
      const l = snapshot.locations.find((x) => x.name === optionId);
      if (!l) return false;
      draft.newEnvironment.location = l.name;
      draft.newEnvironment.locationName = l.displayName;
      break;
    }
    case 'dataverse':
      draft.newEnvironment.dataverse = optionId === 'yes';
      break;
    default:
      return false;
  }
  draft.question = undefined;
  return true;
}

/** Offers every value of a slot again ("Change" → environment), so the user can pick anew. */
export function reopen(draft: Draft, slot: Slot, snapshot: CatalogueSnapshot): void {
  if (slot === 'environment') draft.environment = undefined;
  if (slot === 'connector') draft.connectors = [];
  if (slot === 'name') draft.newEnvironment.name = undefined;
  if (slot === 'sku') draft.newEnvironment.sku = undefined;
  if (slot === 'location') draft.newEnvironment.location = undefined;
  if (slot === 'dataverse') draft.newEnvironment.dataverse = undefined;
  draft.question = undefined;
  const next = nextAction(draft, snapshot);
  if (next.kind === 'ask') draft.question = { slot: next.slot, options: next.options };
}

export function nextAction(draft: Draft, snapshot: CatalogueSnapshot): NextAction {
  const q = draft.question;
  if (q && q.slot !== 'confirm' && !slotFilled(draft, q.slot)) return ask(q.slot, draft, q.options);
  if (draft.type === 'unblock-connector' && draft.connectors.length === 0) return ask('connector', draft, []);
  if (draft.type !== 'new-environment' && !draft.environment) {
    const all = snapshot.environments.filter(
      (e) => (!e.isDefault || draft.type === 'unblock-connector') && offerableTo(e, draft.userId),
    );
    return ask('environment', draft, all.sort(byName).map(envChoice));
  }
  if (draft.type === 'new-environment') {
    const ne = draft.newEnvironment;
    if (!ne.name) return ask('name', draft, []);
    if (!ne.sku)
      return ask(
        'sku',
        draft,
        SKUS.map((s) => ({ id: s, label: s })),
      );
    if (!ne.location)
      return ask(
        'location',
        draft,
        snapshot.locations.map((l) => ({ id: l.name, label: l.displayName })),
      );
    // Asked, not defaulted: a database cannot be added cheaply later. (A Developer environment is for trying
    // things alone; it keeps the old default.)
    if (ne.dataverse === undefined && ne.sku !== 'Developer') return ask('dataverse', draft, DATAVERSE_CHOICES);
  }
  const unsure =
    draft.confirmFirst || (draft.environment && !draft.environment.sure) || draft.connectors.some((c) => !c.sure);
  return unsure ? { kind: 'confirm' } : { kind: 'ready' };
}

function ask(slot: Slot, draft: Draft, options: DraftChoice[]): NextAction {
  const what =
    draft.type === 'maker-role'
      ? 'the Environment Maker role'
      : draft.type === 'unblock-connector'
        ? 'the connector'
        : 'the new environment';
  switch (slot) {
    case 'environment':
      return {
        kind: 'ask',
        slot,
        options,
        question:
          options.length > 0 && options.length <= MAX_BUTTONS
            ? `Which environment do you mean for ${what}?`
            : `In which environment do you need ${what}?`,
        hint: 'Pick one, or type its name (or "the second one").',
      };
    case 'connector':
      return {
        kind: 'ask',
        slot,
        options,
        question: options.length > 0 ? 'Which connector do you mean?' : 'Which connector should I unblock?',
        hint:
          options.length > 0 ? 'Pick one, or type its name.' : 'Type its name, for example "Dropbox" or "SQL Server".',
      };
    case 'name':
      return {
        kind: 'ask',
        slot,
        options,
        question: 'What should the new environment be called?',
        hint: 'Type the name, for example "Payroll Tools".',
      };
    case 'sku':
      return {
        kind: 'ask',
        slot,
        options,
        question: 'Which type of environment?',
        hint: 'Sandbox suits building and testing; Production is for live apps.',
      };
    case 'location':
      return {
        kind: 'ask',
        slot,
        options,
        question: 'In which region?',
        hint: 'Pick one, or type it ("Europe", "US").',
      };
    case 'dataverse':
      return {
        kind: 'ask',
        slot,
        options,
        question: 'Does the new environment need a Dataverse database?',
        hint: 'Dataverse stores tables for model-driven apps and many flows; it cannot be added cheaply later, and it uses at least 1 GB of the tenant’s database capacity.',
      };
    case 'reason':
      return { kind: 'ask', slot, options, ...reasonQuestion(draft.reasonFor ?? 'production') };
    default:
      return { kind: 'ask', slot, options, question: 'Is this right?' };
  }
}

/**
 * Asked before filing a request the policy files only with a reason (requireReasonFor), when none was given: the
 * approvers of a Production or tenant-wide change should never decide without knowing why.
 */
export function reasonQuestion(scope: 'production' | 'tenant-wide'): { question: string; hint: string } {
  const why =
    scope === 'production'
      ? 'It touches a Production environment, so the approvers need a reason to decide.'
      : 'It changes a policy that covers every environment, so the approvers need a reason to decide.';
  return {
    question: `One more thing before I file it: why do you need it? ${why}`,
    hint: 'Reply with a sentence, for example "to automate the month-end invoice approvals". Nothing is filed until then.',
  };
}

const byName = (a: Environment, b: Environment) => a.displayName.localeCompare(b.displayName);

/** The word of a name that already says its type ("Finance Sandbox", "HR Dev"): no need to add the type then. */
const TYPE_IN_NAME: Record<string, string> = {
  Production: 'production',
  Sandbox: 'sandbox',
  Developer: 'dev',
  Trial: 'trial',
  Default: 'default',
};

/** An environment as a choice, labelled with its type unless its name says it ("IT Tools (Production)"). */
function envChoice(e: Environment): DraftChoice {
  const word = TYPE_IN_NAME[e.sku];
  const shown = !e.sku || (word !== undefined && nameWords(e.displayName).includes(word));
  return { id: e.id, label: shown ? e.displayName : `${e.displayName} (${e.sku})` };
}

/** The summary lines of a draft, for the confirm card and the log. */
export function describeDraft(draft: Draft): { title: string; value: string }[] {
  const facts: { title: string; value: string }[] = [];
  const mark = (sure: boolean) => (sure ? '' : ' (my best guess)');
  if (draft.type === 'maker-role') facts.push({ title: 'Request', value: 'Environment Maker role' });
  if (draft.type === 'unblock-connector') facts.push({ title: 'Request', value: 'Unblock a connector' });
  if (draft.type === 'new-environment') facts.push({ title: 'Request', value: 'New environment' });
  if (draft.environment)
    facts.push({ title: 'Environment', value: `${draft.environment.displayName}${mark(draft.environment.sure)}` });
  if (draft.connectors.length > 0)
    facts.push({
      title: draft.connectors.length > 1 ? 'Connectors' : 'Connector',
      value: draft.connectors.map((c) => `${c.displayName}${mark(c.sure)}`).join(', '),
    });
  const ne = draft.newEnvironment;
  if (draft.type === 'new-environment') {
    if (ne.name) facts.push({ title: 'Name', value: ne.name });
    if (ne.sku) facts.push({ title: 'Type', value: ne.sku });
    if (ne.locationName) facts.push({ title: 'Region', value: ne.locationName });
    if (ne.dataverse !== undefined)
      facts.push({ title: 'Dataverse', value: ne.dataverse ? `Yes${ne.currency ? `, ${ne.currency}` : ''}` : 'No' });
  }
  if (draft.grantEndsAt) facts.push({ title: 'Until', value: draft.grantEndsAt.slice(0, 10) });
  if (draft.justification) facts.push({ title: 'Why', value: draft.justification });
  return facts;
}
