// Entry point of `govbot` (bin/govbot.js imports the compiled copy; tests run it with `node --import tsx`).
import { runCli } from './program.js';
import { exitQuietlyOnClosedPipe } from './terminal.js';

exitQuietlyOnClosedPipe(process.stdout);
exitQuietlyOnClosedPipe(process.stderr);

process.exitCode = await runCli(process.argv.slice(2));
