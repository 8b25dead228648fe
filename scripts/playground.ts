// `npm run playground [-- --as approver]`: the bot with its embedded defaults (simulated tenant, SQLite) plus
// the Microsoft 365 Agents Playground, a local Teams-like window. Prints the URL to open; Ctrl+C stops both.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Command, Option } from 'commander';
import { projectRoot } from '../src/project-root.js';
import { openSqliteStore } from '../src/storage/sqlite-store.js';
import {
  freePort,
  type PlaygroundRole,
  playgroundConfigPath,
  startAgentsPlayground,
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

async function main(): Promise<void> {
  const program = new Command()
    .name('playground')
    .description('Run the bot locally in the Microsoft 365 Agents Playground')
    .addOption(
      new Option('--as <role>', 'who you are in the Playground').choices(['maker', 'approver']).default('maker'),
    )
    .option('--port <n>', 'bot port', '3978')
    .option('--playground-port <n>', 'Playground port (another is picked if taken)', '56150')
    .option('--data-dir <dir>', 'SQLite folder for this playground', './.data/playground')
    .option('--open', 'let the Playground open your browser')
    .parse();
  const opts = program.opts<{
    as: PlaygroundRole;
    port: string;
    playgroundPort: string;
    dataDir: string;
    open?: boolean;
  }>();
  const root = projectRoot();
  buildIfNeeded(root);
  const dataDir = resolve(root, opts.dataDir);
  const channelReady = await approvalsChannelSet(dataDir);

  const botPort = Number(opts.port) || (await freePort());
  const simulatorPort = await freePort();
  // restify 11 trips a Node deprecation warning on every start; it says nothing to a person trying the bot.
  const bot = spawn(process.execPath, ['--no-deprecation', join(root, 'dist', 'src', 'index.js')], {
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
  const botUrl = `http://127.0.0.1:${botPort}`;
  const stopBot = () => {
    if (bot.exitCode === null) bot.kill('SIGTERM');
  };
  bot.once('exit', (code) => {
    console.error(`The bot stopped (${code ?? 'signal'}).`);
    process.exit(code ?? 1);
  });
  await waitForBot(botUrl);

  const playground = await startAgentsPlayground({
    botEndpoint: `${botUrl}/api/messages`,
    role: opts.as,
    port: Number(opts.playgroundPort),
    openBrowser: Boolean(opts.open),
  });
  const shutdown = async () => {
    await playground.stop();
    bot.removeAllListeners('exit');
    stopBot();
    process.exit(0);
  };
  process.once('SIGINT', () => void shutdown());
  process.once('SIGTERM', () => void shutdown());
  playground.process.once('exit', () => {
    console.error('The Agents Playground stopped.');
    stopBot();
  });

  const requestedPort = Number(opts.playgroundPort);
  const portMoved = new URL(playground.url).port !== String(requestedPort);
  const other = opts.as === 'maker' ? 'approver' : 'maker';
  const lines = [
    '',
    `  Power Platform governance bot: ${botUrl}/api/messages (simulated Contoso tenant, data in ${opts.dataDir})`,
    `  Agents Playground as the ${opts.as} (config ${playgroundConfigPath(opts.as).replace(`${root}/`, '')}):`,
    '',
    `      Open ${playground.url}`,
    '',
  ];
  if (!channelReady && opts.as === 'maker') {
    lines.push(
      '  No approvals channel is set yet, and only an approver may set it: requests wait until one is.',
      '  Run "npm run playground -- --as approver" once, open the Approvals channel and post',
      '  "@Governance set approvals channel" (type @Gov and pick the bot), then come back as the maker.',
      '',
    );
  }
  if (opts.as === 'approver') {
    lines.push(
      channelReady
        ? '  Approval cards appear in the Approvals channel; approve or reject them there.'
        : '  First open the Approvals channel and post "@Governance set approvals channel" (type @Gov, pick the bot).',
      '  Try "help" in Personal Chat; approvers can ask for things too.',
    );
  } else {
    lines.push(
      '  In Personal Chat try "help", then "I need the Environment Maker role in Marketing Sandbox because I build',
      '  the campaign tracker", "unblock Dropbox in Contoso Dev", or "new sandbox environment called Payroll Tools".',
    );
  }
  lines.push(`  To play the other side, stop this and run: npm run playground -- --as ${other}   (same data folder)`);
  if (portMoved) {
    lines.push(
      `  Note: port ${requestedPort} was taken, so the Playground is on another one. Messages the bot sends later to`,
      `  conversations it met on port ${requestedPort} will not arrive; free that port for a stable setup.`,
    );
  }
  lines.push('  Ctrl+C stops both.', '');
  console.log(lines.join('\n'));
}

main().catch((error: unknown) => {
  console.error((error as Error).message);
  process.exit(1);
});
