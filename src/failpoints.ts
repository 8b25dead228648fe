// Named crash points for the crash tests. GOVBOT_FAILPOINTS=name[,name@N] makes this process kill itself with
// SIGKILL (no cleanup, no flush, no pending write: a real crash, not a thrown error) the Nth time (default: the
// first) it reaches that point. Every time an armed point is reached, a line with its name is appended to the
// file named by GOVBOT_FAILPOINT_LOG, before dying: a test reads it to tell a crash at the point it armed from a
// crash elsewhere, and fails when the point was never reached. Unarmed (always, in production) a call is one
// lookup in an empty map. Dependency-free on purpose, so any layer may call it.
// `name:stop` freezes the process with SIGSTOP instead (a replica paused past its lease), until SIGCONT.
// GOVBOT_FAILPOINTS_FILE names a file holding the same spec, read again whenever it changes: a test re-arms running
// processes (one fleet for several crash scenarios) instead of restarting them.
import { appendFileSync, readFileSync, statSync } from 'node:fs';

/** Every point in the code, with where it sits. A crash test arms one of these names. */
export const FAILPOINTS = {
  'intake.after-filed-before-receipt':
    'the request and its approval card are committed; the reply to the requester has not been sent',
  'execution.before-checkpoint-commit':
    'a progress step (with its checkpoint facts) is written but its transaction has not committed',
  'execution.after-grant': 'the admin API accepted the role grant; nothing about it is stored yet',
  'execution.after-environment-post':
    'the tenant accepted the environment creation POST; its operation URL is not stored yet',
  'execution.before-completion-commit':
    'the change is done and verified; the transaction marking the request completed has not committed',
  'outbox.before-send': 'the message is marked in flight; the Bot Connector has not been called',
  'outbox.after-send-before-sent': 'the Bot Connector accepted the send or update; "sent" is not stored yet',
  'monitor.before-baseline-commit': 'the first snapshot is taken; it has not been stored',
  'monitor.before-commit': 'changes are detected and their posts written; the transaction has not committed',
} as const;

export type FailpointName = keyof typeof FAILPOINTS;

/** What an armed point does: die (SIGKILL), or freeze (SIGSTOP, as a long pause would) until sent SIGCONT. */
type FailpointAction = 'kill' | 'stop';

let armed: Map<string, { dieAt: number; hits: number; action: FailpointAction }> | undefined;

function parse(spec: string | undefined): Map<string, { dieAt: number; hits: number; action: FailpointAction }> {
  const map = new Map<string, { dieAt: number; hits: number; action: FailpointAction }>();
  for (const part of (spec ?? '').split(',')) {
    // name[@N][:stop]
    const [point, action = 'kill'] = part.trim().split(':');
    if (action !== 'kill' && action !== 'stop')
      throw new Error(`GOVBOT_FAILPOINTS: "${part}": the action is kill or stop`);
    const [name, nth] = (point ?? '').split('@');
    if (!name) continue;
    if (!(name in FAILPOINTS)) throw new Error(`GOVBOT_FAILPOINTS: unknown failpoint "${name}"`);
    const dieAt = nth === undefined ? 1 : Number(nth);
    if (!Number.isInteger(dieAt) || dieAt < 1) throw new Error(`GOVBOT_FAILPOINTS: "${part}" needs @<n> with n >= 1`);
    map.set(name, { dieAt, hits: 0, action });
  }
  return map;
}

/** Reads GOVBOT_FAILPOINTS now (tests in one process call it after changing the variable). */
export function armFailpoints(spec = process.env.GOVBOT_FAILPOINTS): void {
  armed = parse(spec);
}

/** The control file's last change seen (ms), so it is parsed again only when it changes. */
let controlSeen = -1;

/** Re-arms from GOVBOT_FAILPOINTS_FILE when that file changed since it was last read (tests only). */
function rearmFromFile(file: string): void {
  let changed: number;
  try {
    changed = statSync(file).mtimeMs;
  } catch {
    return; // no file yet: nothing armed by it
  }
  if (changed === controlSeen) return;
  controlSeen = changed;
  armFailpoints(readFileSync(file, 'utf8').trim());
}

/** A crash point: does nothing unless armed; when armed, records the hit and dies on the chosen hit. */
export function failpoint(name: FailpointName): void {
  const control = process.env.GOVBOT_FAILPOINTS_FILE;
  if (control) rearmFromFile(control);
  if (!armed) armFailpoints();
  const point = armed?.get(name);
  if (!point) return;
  point.hits++;
  const log = process.env.GOVBOT_FAILPOINT_LOG;
  if (log) appendFileSync(log, `${name}\n`);
  if (point.hits !== point.dieAt) return; // a stopped process that carries on stops only once
  if (point.action === 'stop') {
    // The whole process freezes here, every thread and timer, and carries on from this line after SIGCONT.
    process.kill(process.pid, 'SIGSTOP');
    return;
  }
  process.kill(process.pid, 'SIGKILL');
  // The signal may land a moment after kill() returns: block this thread so not one more line of JS runs.
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 10_000);
}
