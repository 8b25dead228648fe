// `npm run package -- --env dev`: fills manifest/manifest.json from env/.env.dev (+ .user), validates the
// whole package, and writes manifest/build/appPackage.dev.zip. Any problem: lists them all, writes nothing.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { Command } from 'commander';
import { readEnvFiles } from '../src/config/load-env.js';
import { projectRoot } from '../src/project-root.js';
import { botCommands } from './app-package/bot-commands.js';
import { buildAppPackage, withCommandLists, zipFiles } from './app-package/build.js';

async function main(): Promise<void> {
  const program = new Command()
    .name('package')
    .description('Build and validate the Teams app package for one environment')
    .requiredOption('--env <name>', 'environment name: reads env/.env.<name> and env/.env.<name>.user')
    .option('--out <file>', 'zip to write (default manifest/build/appPackage.<env>.zip)')
    .parse();
  const { env, out } = program.opts<{ env: string; out?: string }>();
  const root = projectRoot();
  const manifestDir = join(root, 'manifest');
  const templatePath = join(manifestDir, 'manifest.json');
  const commands = botCommands();
  const template = readFileSync(templatePath, 'utf8');

  // The committed manifest carries the generated commandLists too (for the Agents Toolkit); keep it in step.
  const regenerated = withCommandLists(template, commands);
  if (regenerated !== template) {
    writeFileSync(templatePath, regenerated);
    console.log('Updated manifest/manifest.json commandLists from src/intake/commands.ts');
  }

  const vars = { ...readEnvFiles(env, join(root, 'env')), ...process.env };
  const result = buildAppPackage({ template: regenerated, manifestDir, vars, commands });
  if (result.problems.length > 0) {
    console.error(`The app package for "${env}" is not valid (${result.problems.length} problems):`);
    for (const p of result.problems) console.error(`  - ${p}`);
    process.exitCode = 1;
    return;
  }
  const target = out ?? join(manifestDir, 'build', `appPackage.${env}.zip`);
  mkdirSync(join(target, '..'), { recursive: true });
  writeFileSync(target, await zipFiles(result.files));
  console.log(
    `Wrote ${relative(process.cwd(), target)} (${[...result.files.keys()].join(', ')}); manifest ${String(result.manifest?.manifestVersion)} validated.`,
  );
}

main().catch((error: unknown) => {
  console.error((error as Error).message);
  process.exitCode = 1;
});
