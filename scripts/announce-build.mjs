// npm start's prestart, before `tsc -b`: a first start (no dist/) or one after a pull compiles for about 30 s of CPU
// (over a minute on a busy machine) with nothing on screen but "> tsc -b". Say so first. tsc -b itself decides what
// to rebuild; this only compares file times (a few ms), so a start with nothing changed stays quiet and quick.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

const root = process.cwd();
// What tsconfig.build.json compiles, and the build's record of its last run (its time is the build's).
const INPUTS = ['src', 'scripts'];
const CONFIGS = ['tsconfig.json', 'tsconfig.build.json'];
const BUILD_INFO = join(root, 'dist', 'tsconfig.build.tsbuildinfo');
const ENTRY = join(root, 'dist', 'src', 'index.js');

/** Whether any .ts file under dir was written after the given time. */
function changedSince(dir, time) {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory() ? changedSince(path, time) : entry.name.endsWith('.ts') && statSync(path).mtimeMs > time)
      return true;
  }
  return false;
}

function buildNeeded() {
  if (!existsSync(BUILD_INFO) || !existsSync(ENTRY)) return true;
  const built = statSync(BUILD_INFO).mtimeMs;
  return (
    CONFIGS.some((file) => existsSync(join(root, file)) && statSync(join(root, file)).mtimeMs > built) ||
    INPUTS.some((dir) => existsSync(join(root, dir)) && changedSince(join(root, dir), built))
  );
}

if (buildNeeded()) console.log('Building the bot (first start compiles TypeScript, about 30 s)…');
