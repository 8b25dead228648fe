// Entry point of `govbot` (bin/govbot.js imports the compiled copy; tests run it with `node --import tsx`).
import { runCli } from './program.js';
import { exitQuietlyOnClosedPipe } from './terminal.js';

exitQuietlyOnClosedPipe(process.stdout);
exitQuietlyOnClosedPipe(process.stderr);

// `govbot audit list | head`: the reader left, so there is no one to write to; stop quietly, as Unix tools do,
// instead of dying on an unhandled EPIPE with a stack trace.
for (const stream of [process.stdout, process.stderr])
  stream.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw e;
  });

process.exitCode = await runCli(process.argv.slice(2));
