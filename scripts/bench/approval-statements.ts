// What one approve invoke asks of the store and the card renderer: every SQL statement it runs (in order, with the
// time better-sqlite3 took), how many ran in the write transaction, the cards it renders, the WAL pages its COMMIT
// wrote and its CPU. The real bot in this process (test harness: SQLite file, simulated tenant, Bot Connector double):
// a few maker-role requests filed and their cards posted, then an approver's Action.Execute on a one-stage request
// (the approval decides it) and on a two-stage one (it passes stage 1); then the other requests approved one at a
// time, for the CPU of a warm invoke. Prints figures; asserts nothing.
//   node --import tsx scripts/bench/approval-statements.ts [--pending 40] [--quiet]
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as ACData from 'adaptivecards-templating';
import Database from 'better-sqlite3';
import { projectRoot } from '../../src/project-root.js';
import { DATABASE_FILENAME } from '../../src/storage/sqlite-store.js';
import { approveInChannel, setUpChannels, startHarness } from '../../test/support/bot-harness.js';
import { firstCard } from '../../test/support/connector-double.js';
import { team, users } from '../../test/support/fixture-ids.js';
import { recordStatements } from '../../test/support/statement-log.js';
import { walPagesByTree } from '../../test/support/wal-pages.js';

const arg = (name: string) => {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
};
const pendingCount = Number(arg('--pending') ?? 40);
const quiet = process.argv.includes('--quiet');

let renders = 0;
let counting = false;

const templateProto = ACData.Template.prototype as unknown as { expand: (...args: unknown[]) => unknown };
const expand = templateProto.expand;
templateProto.expand = function (this: unknown, ...args: unknown[]) {
  if (counting) renders++;
  return expand.apply(this, args);
};

const h = await startHarness();
try {
  await setUpChannels(h);
  const environments = ['Marketing Sandbox', 'Finance Sandbox', 'Contoso Test', 'Contoso Dev', 'IT Tools'];
  let filed = 0;
  const fixture = JSON.parse(readFileSync(`${projectRoot()}/fixtures/contoso-tenant.json`, 'utf8')) as {
    users: { id: string; displayName: string }[];
  };
  const approvers = [users.megan.id, users.nestor.id, users.patti.id];
  const makers = [
    users.alex,
    users.adele,
    users.johanna,
    ...fixture.users.filter((u) => !approvers.includes(u.id)).map((u) => ({ id: u.id, name: u.displayName })),
  ];
  for (const maker of makers) {
    for (const env of environments) {
      if (filed >= pendingCount) break;
      await h.say(maker, `I need the Environment Maker role in ${env} because I build apps there`);
      filed++;
    }
  }
  await h.settle();
  const pending = await h.bot.store.requests.list({ status: ['pending'] });
  const kinds = [
    { name: 'deciding', request: pending.find((r) => r.stages.length === 1) },
    { name: 'stage-passing', request: pending.find((r) => r.stages.length > 1) },
  ];
  // A second connection, as the ops CLI would open: it checkpoints the WAL before each invoke (RESTART: the next
  // commit writes from the start of the file again, as after the bot's own checkpoints), so the frames it finds after
  // are that invoke's.
  const wal = new Database(join(h.dataDir, DATABASE_FILENAME));
  for (const { name, request } of kinds) {
    if (!request) {
      console.log(`${name}: no such request pending`);
      continue;
    }
    const card = h.connector
      .messages(team.approvals)
      .find((c) => c.method === 'POST' && JSON.stringify(firstCard(c.body)).includes(`"requestId":"${request.id}"`));
    if (!card) throw new Error(`no approval card for ${request.id}`);
    wal.pragma('wal_checkpoint(RESTART)');
    renders = 0;
    counting = true;
    const log = recordStatements();
    const cpu = process.cpuUsage();
    const res = await approveInChannel(h, users.megan, card.id ?? '', { requestId: request.id, revision: 0 });
    const used = process.cpuUsage(cpu);
    log.stop();
    counting = false;
    const { statements } = log;
    const [frames] = wal.pragma('wal_checkpoint(PASSIVE)') as { log: number }[];
    const written = walPagesByTree(join(h.dataDir, `${DATABASE_FILENAME}-wal`), wal, frames?.log);
    if (res.status !== 200) throw new Error(`approve answered ${res.status}`);

    const inTransaction = log.inFirstTransaction();
    if (!quiet) {
      statements.forEach((s, i) => {
        const text = s.sql.replace(/\s+/g, ' ').slice(0, 130);
        console.log(`${String(i + 1).padStart(3)} ${s.us.toFixed(0).padStart(5)} µs  ${text}`);
      });
    }
    if (!quiet) console.log(`WAL pages by table or index: ${[...written].map(([t, n]) => `${t} ${n}`).join(', ')}`);
    const sqlUs = statements.reduce((sum, s) => sum + s.us, 0);
    console.log(
      `${name} approval of ${request.id} (${pending.length} pending): ${statements.length} statements ` +
        `(${sqlUs.toFixed(0)} µs in better-sqlite3), ${inTransaction.length} in the write transaction ` +
        `(begin/commit apart), ${renders} card renders, COMMIT wrote ${frames?.log ?? '?'} WAL pages, ` +
        `CPU ${((used.user + used.system) / 1000).toFixed(1)} ms (one invoke, cold, tenant in this process)`,
    );
  }
  wal.close();

  // The rest, one click at a time (warm): CPU per invoke in this process (the bot with the tenant and connector doubles).
  const rest = (await h.bot.store.requests.list({ status: ['pending'] })).filter((r) => r.decisions.length === 0);
  const cpuMs: number[] = [];
  for (const request of rest) {
    const card = h.connector
      .messages(team.approvals)
      .find((c) => c.method === 'POST' && JSON.stringify(firstCard(c.body)).includes(`"requestId":"${request.id}"`));
    if (!card?.id) continue;
    const cpu = process.cpuUsage();
    const res = await approveInChannel(h, users.megan, card.id, { requestId: request.id, revision: 0 });
    const used = process.cpuUsage(cpu);
    if (res.status === 200) cpuMs.push((used.user + used.system) / 1000);
  }
  cpuMs.sort((a, b) => a - b);
  if (cpuMs.length > 0)
    console.log(
      `then ${cpuMs.length} approvals one at a time: CPU per invoke median ${cpuMs[Math.floor(cpuMs.length / 2)]?.toFixed(2)} ms, ` +
        `mean ${(cpuMs.reduce((a, b) => a + b, 0) / cpuMs.length).toFixed(2)} ms (bot, tenant and connector doubles in this process)`,
    );
} finally {
  await h.stop();
}
