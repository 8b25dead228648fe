// `npm run playground`: the bot with its embedded defaults (simulated tenant, SQLite under $DATA_DIR or ./.data,
// like npm start and govbot), or the bot already running on the port, plus two Microsoft 365 Agents Playgrounds,
// a maker's and an approver's, side by side. Prints both URLs; Ctrl+C stops what it started.
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Command, Option } from 'commander';
import { projectRoot } from '../src/project-root.js';
import { openSqliteStore } from '../src/storage/sqlite-store.js';
import {
  freePort,
  type PlaygroundRole,
  type RunningPlayground,
  startPlaygroundPair,
} from './playground/agents-playground.js';

function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(path) : statSync(path).mtimeMs);
  }
  return newest;
}

/** Builds when dist/ is missing or older than any source file, so a fresh clone works in one command. */
function buildIfNeeded(root: string): void {
  const entry = join(root, 'dist', 'src', 'index.js');
  if (existsSync(entry) && statSync(entry).mtimeMs >= newestMtime(join(root, 'src'))) return;
  console.log('Building…');
  const result = spawnSync('npm', ['run', 'build', '--silent'], { cwd: root, stdio: 'inherit' });
  if (result.status !== 0) process.exit(result.status ?? 1);
}

async function waitForBot(url: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (
      await fetch(`${url}/healthz`)
        .then((r) => r.ok)
        .catch(() => false)
    )
      return;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`The bot did not answer on ${url}/healthz within ${timeoutMs} ms`);
}

/** Whether an approver already chose the approvals channel in this data folder (only approvers may). */
async function approvalsChannelSet(dataDir: string): Promise<boolean> {
  const store = await openSqliteStore({ dataDir });
  try {
    return (await store.channels.get('approvals')) !== undefined;
  } finally {
    await store.close();
  }
}

/** What answers on the bot port: our bot (attach to it), something else (say so), or nothing (start one). */
async function probeBotPort(url: string): Promise<'bot' | 'other' | 'free'> {
  const health = await fetch(`${url}/healthz`)
    .then((r) => (r.ok ? 'bot' : 'other'))
    .catch(() => 'free' as const);
  return health;
}

async function main(): Promise<void> {
  const program = new Command()
    .name('playground')
    .description(
      'Run the bot locally in the Microsoft 365 Agents Playground: a maker window and an approver window side by side',
    )
    .addOption(
      new Option('--as <role>', 'which window --open opens first').choices(['maker', 'approver']).default('maker'),
    )
    .option('--port <n>', 'bot port (default: $PORT or 3978); a bot already running there is used as it is')
    .option('--playground-port <n>', "the maker's Playground port; the approver's is the next one", '56150')
    .option('--data-dir <dir>', 'SQLite folder (default: $DATA_DIR or ./.data, the same as npm start and govbot)')
    .option('--open', 'let the Playground open your browser')
    .parse();
  const opts = program.opts<{
    as: PlaygroundRole;
    port?: string;
    playgroundPort: string;
    dataDir?: string;
    open?: boolean;
  }>();
  const root = projectRoot();
  const botPort = Number(opts.port ?? process.env.PORT ?? 3978);
  const botUrl = `http://127.0.0.1:${botPort}`;
  const dataDirSetting = opts.dataDir ?? process.env.DATA_DIR ?? './.data';
  const dataDir = resolve(root, dataDirSetting);

  let bot: ChildProcess | undefined;
  const found = await probeBotPort(botUrl);
  if (found === 'other') {
    console.error(
      `Port ${botPort} is taken by something that is not this bot (no /healthz). Stop it, or pick another port: npm run playground -- --port 3990`,
    );
    process.exit(1);
  }
  if (found === 'free') {
    buildIfNeeded(root);
    const simulatorPort = await freePort();
    bot = spawn(process.execPath, [join(root, 'dist', 'src', 'index.js')], {
      cwd: root,
      stdio: ['ignore', 'inherit', 'inherit'],
      env: {
        ...process.env,
        APP_ENV: 'local',
        TENANT_MODE: 'simulated',
        PORT: String(botPort),
        TENANT_SIMULATOR_PORT: String(simulatorPort),
        DATA_DIR: dataDir,
        LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn',
      },
    });
    bot.once('exit', (code) => {
      console.error(`The bot stopped (${code ?? 'signal'}).`);
      process.exit(code ?? 1);
    });
    await waitForBot(botUrl);
  }
  const channelReady = await approvalsChannelSet(dataDir);
  const stopBot = () => {
    if (bot && bot.exitCode === null) bot.kill('SIGTERM');
  };

  const makerPort = Number(opts.playgroundPort);
  const pair = await startPlaygroundPair({
    botEndpoint: `${botUrl}/api/messages`,
    makerPort,
    approverPort: makerPort + 1,
    ...(opts.open ? { openBrowserAs: opts.as } : {}),
  });
  const shutdown = async () => {
    await pair.stop();
    bot?.removeAllListeners('exit');
    stopBot();
    process.exit(0);
  };
  process.once('SIGINT', () => void shutdown());
  process.once('SIGTERM', () => void shutdown());
  for (const playground of [pair.maker, pair.approver])
    playground.process.once('exit', () => {
      console.error('An Agents Playground stopped; stopping.');
      void shutdown();
    });

  const moved = [
    [pair.maker, makerPort],
    [pair.approver, makerPort + 1],
  ].filter(([p, port]) => new URL((p as RunningPlayground).url).port !== String(port));
  const lines = [
    '',
    bot
      ? `  Power Platform governance bot: ${botUrl}/api/messages (simulated Contoso tenant, data in ${dataDirSetting})`
      : `  Using the bot already running at ${botUrl}/api/messages (its own data folder and tenant; with npm start: ./.data)`,
    '',
    `      Maker (Alex Wilber):       ${pair.maker.url}`,
    `      Approver (Megan Bowen):    ${pair.approver.url}`,
    '',
    '  Both windows run at once: switch roles by switching browser tabs, and every chat and card stays.',
  ];
  if (!channelReady)
    lines.push(
      '  First, in the approver window: open the Approvals channel and post "@Governance set approvals channel"',
      '  (type @Gov and pick the bot). Until then requests wait for a channel.',
    );
  lines.push(
    '  Maker: in Personal Chat try "help", "unblock Dropbox in Contoso Dev because invoices arrive there",',
    '  or "I need the Environment Maker role in Marketing Sandbox because I build the campaign tracker".',
    '  Approver: the card appears in the Approvals channel; approve or reject it there.',
    `  The CLI reads the same data: npx govbot requests list${bot && dataDirSetting !== './.data' ? ` (with DATA_DIR=${dataDirSetting})` : ''}`,
  );
  if (moved.length > 0)
    lines.push(
      `  Note: port ${moved.map(([, port]) => port).join(' and ')} was taken, so a Playground is on another one. Messages the bot`,
      '  sends later to conversations it met on the old port will not arrive; free those ports for a stable setup.',
    );
  lines.push('  Ctrl+C stops everything this started.', '');
  console.log(lines.join('\n'));
}

main().catch((error: unknown) => {
  console.error((error as Error).message);
  process.exit(1);
});
