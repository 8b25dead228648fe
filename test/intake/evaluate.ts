// Scores the understanding of one corpus row: intent, entities, and "asked back instead of guessing".

import { parseConfig } from '../../src/config/config.js';
import type { CatalogueSnapshot } from '../../src/intake/catalogue.js';
import { Catalogue } from '../../src/intake/catalogue.js';
import { isRequestIntent } from '../../src/intake/intent.js';
import { type Understanding, understand } from '../../src/intake/understand.js';
import { createTenantAdmin } from '../../src/tenant/live/create-live-tenant-admin.js';
import { startSimulator } from '../../src/tenant/simulator/server.js';
import type { CorpusRow } from './corpus.js';

export const REQUESTER = '260c90d6-34d9-5c1d-9e59-79b58950a8cb'; // Adele Vance
export const NOW = new Date('2026-06-01T10:00:00Z');

export interface RowResult {
  intentOk: boolean;
  /** undefined when the row expects no entity */
  entitiesOk?: boolean | undefined;
  /** undefined when the row expects no asking back */
  askedOk?: boolean | undefined;
  /** False when it took something the row does not ask for (an end date, a connector on a request). */
  negativesOk: boolean;
  /** Set when this reading would start a request the row does not ask for (see wrongAction). */
  wrongAction?: string | undefined;
  problems: string[];
  understanding: Understanding;
}

export async function fixtureSnapshot(): Promise<{ snapshot: CatalogueSnapshot; close: () => Promise<void> }> {
  const sim = await startSimulator({ port: 0, retryAfterSeconds: 0 });
  const tenant = createTenantAdmin(parseConfig({ LOG_LEVEL: 'silent' }), { simulatorUrl: sim.url });
  const snapshot = await new Catalogue(tenant).get();
  return { snapshot, close: () => sim.close() };
}

/** Requests that take no connector: one picked up by mistake there is wrong even if nothing uses it yet. */
const NO_CONNECTOR = new Set(['maker-role', 'new-environment']);

/** True when the end instant falls on the given UTC day, or is the midnight that closes it. */
function endsOn(end: string | undefined, day: string): boolean {
  if (!end) return false;
  const t = Date.parse(end);
  const start = Date.parse(`${day}T00:00:00Z`);
  return t >= start && t <= start + 86_400_000;
}

export function evaluate(row: CorpusRow, snapshot: CatalogueSnapshot): RowResult {
  const [text, intent, e = {}] = row;
  const u = understand(text, snapshot, { requesterId: REQUESTER, now: NOW });
  const problems: string[] = [];
  const intentOk = u.kind === intent;
  if (!intentOk) problems.push(`intent ${u.kind} (expected ${intent})`);

  const checks: boolean[] = [];
  const taken = (c: string) => c === 'high' || c === 'medium';
  if (e.env) {
    const ok = taken(u.environment.confidence) && u.environment.value?.displayName === e.env;
    if (!ok)
      problems.push(`environment ${u.environment.value?.displayName ?? u.environment.confidence} (expected ${e.env})`);
    checks.push(ok);
  }
  if (e.connectors) {
    const got = u.connectors.accepted.map((a) => a.connector.name).sort();
    const ok = JSON.stringify(got) === JSON.stringify([...e.connectors].sort());
    if (!ok) problems.push(`connectors ${got.join(',') || 'none'} (expected ${e.connectors.join(',')})`);
    checks.push(ok);
  }
  if (e.id) {
    const ok = u.parsed.requestIds[0] === e.id;
    if (!ok) problems.push(`request id ${u.parsed.requestIds[0]} (expected ${e.id})`);
    checks.push(ok);
  }
  const check = (ok: boolean, problem: string) => {
    checks.push(ok);
    if (!ok) problems.push(problem);
  };
  const ne = u.parsed.newEnvironment;
  if (e.verdict) check(u.parsed.verdict === e.verdict, `verdict ${u.parsed.verdict}`);
  if (e.sku) check(ne.sku === e.sku, `sku ${ne.sku}`);
  if (e.name) check(ne.name === e.name, `name ${ne.name}`);
  if (e.location) check(u.location.value?.name === e.location, `location ${u.location.value?.name}`);
  if (e.dataverse !== undefined) check(ne.dataverse === e.dataverse, `dataverse ${ne.dataverse}`);
  // A time-bound request must end on the day asked for (any time that day, UTC: "until 30 June" may end at its
  // last second or at midnight after it), and a request nobody bounded in time must not get an end.
  const end = u.parsed.grantEndsAt;
  if (e.ends) check(endsOn(end, e.ends), `ends ${end ?? 'never'} (expected ${e.ends})`);
  // Negatives, scored on their own: something taken that the row does not ask for would change the action.
  const negatives: boolean[] = [];
  const refute = (ok: boolean, problem: string) => {
    negatives.push(ok);
    if (!ok) problems.push(problem);
  };
  // An extension always carries an end; its rows name the day only where the words fix it ("until Friday").
  if (!e.ends && intent !== 'extend') refute(end === undefined, `a time-bound grant nobody asked for (ends ${end})`);
  if (NO_CONNECTOR.has(intent)) {
    const extra = u.connectors.accepted.map((a) => a.connector.name);
    refute(extra.length === 0, `picked up connector ${extra.join(',')} nobody asked for`);
  }

  let askedOk: boolean | undefined;
  if (e.ask === 'environment') {
    askedOk = !taken(u.environment.confidence);
    if (!askedOk) problems.push(`guessed environment ${u.environment.value?.displayName} instead of asking`);
  } else if (e.ask === 'connector') {
    askedOk = u.connectors.accepted.length === 0;
    if (!askedOk)
      problems.push(`guessed connector ${u.connectors.accepted.map((a) => a.connector.name)} instead of asking`);
  }
  return {
    intentOk,
    entitiesOk: checks.length > 0 ? checks.every(Boolean) : undefined,
    askedOk,
    negativesOk: negatives.every(Boolean),
    wrongAction: wrongAction(row, u),
    problems,
    understanding: u,
  };
}

/**
 * A wrong action is worse than a question: a reading that would start a request the row does not ask for. Either a
 * request intent other than the row's (or any, for a row that asks for nothing), or the right kind of request aimed
 * at something else without asking first: an environment taken for sure that is not the one named (or where the row
 * expects the bot to ask back), a connector taken for sure that the row does not name. A "medium" reading is shown
 * back to confirm before anything is filed, so it is a question, not an action.
 */
export function wrongAction(row: CorpusRow, u: Understanding): string | undefined {
  const [, intent, e = {}] = row;
  if (!isRequestIntent(u.kind)) return undefined;
  if (u.kind !== intent) return `files ${u.kind} (asked: ${intent})`;
  const env = u.environment;
  if (u.kind !== 'new-environment' && env.confidence === 'high') {
    if (e.ask === 'environment') return `files in ${env.value?.displayName} instead of asking which environment`;
    if (e.env && env.value?.displayName !== e.env) return `files in ${env.value?.displayName} (asked: ${e.env})`;
  }
  if (u.kind === 'unblock-connector') {
    const extra = u.connectors.accepted.filter(
      (a) =>
        a.confidence === 'high' &&
        (e.ask === 'connector' || (e.connectors && !e.connectors.includes(a.connector.name))),
    );
    if (extra.length > 0)
      return `unblocks ${extra.map((a) => a.connector.name).join(', ')} (asked: ${e.connectors ?? 'which one'})`;
  }
  return undefined;
}

export function summarise(results: RowResult[]) {
  const pct = (ok: number, n: number) => (n === 0 ? 'n/a' : `${((100 * ok) / n).toFixed(1)}% (${ok}/${n})`);
  const ent = results.filter((r) => r.entitiesOk !== undefined);
  const ask = results.filter((r) => r.askedOk !== undefined);
  return {
    utterances: results.length,
    intent: pct(results.filter((r) => r.intentOk).length, results.length),
    entities: pct(ent.filter((r) => r.entitiesOk).length, ent.length),
    askedBackInsteadOfGuessing: pct(ask.filter((r) => r.askedOk).length, ask.length),
    nothingUnasked: pct(results.filter((r) => r.negativesOk).length, results.length),
    allCorrect: pct(
      results.filter((r) => r.intentOk && r.entitiesOk !== false && r.askedOk !== false && r.negativesOk).length,
      results.length,
    ),
    wrongActions: `${results.filter((r) => r.wrongAction).length}/${results.length}`,
  };
}
