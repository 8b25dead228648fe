// Scores the understanding of one corpus row: intent, entities, and "asked back instead of guessing".

import { parseConfig } from '../../src/config/config.js';
import type { CatalogueSnapshot } from '../../src/intake/catalogue.js';
import { Catalogue } from '../../src/intake/catalogue.js';
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
  problems: string[];
  understanding: Understanding;
}

export async function fixtureSnapshot(): Promise<{ snapshot: CatalogueSnapshot; close: () => Promise<void> }> {
  const sim = await startSimulator({ port: 0, retryAfterSeconds: 0 });
  const tenant = createTenantAdmin(parseConfig({ LOG_LEVEL: 'silent' }), { simulatorUrl: sim.url });
  const snapshot = await new Catalogue(tenant).get();
  return { snapshot, close: () => sim.close() };
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
  if (e.ends) check(Boolean(u.parsed.grantEndsAt), 'no end date');

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
    problems,
    understanding: u,
  };
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
    allCorrect: pct(
      results.filter((r) => r.intentOk && r.entitiesOk !== false && r.askedOk !== false).length,
      results.length,
    ),
  };
}
