// The simulator's own control surface under /_simulator (not part of any Microsoft API): a health probe for
// the bot's /readyz, and, for tests that run the simulator as a separate process, the request log, a snapshot
// of the tenant and fault injection. In-process tests reach the same things through RunningSimulator.state.
import type { ServerResponse } from 'node:http';
import { snapshotOf } from './persistence.js';
import type { FaultRule, SimulatorState } from './state.js';

export const CONTROL_PREFIX = '/_simulator/';

function json(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'Content-Type': 'application/json; charset=utf-8',
    'Content-Length': Buffer.byteLength(text),
  });
  res.end(text);
}

function isFaultRule(value: unknown): value is FaultRule {
  if (!value || typeof value !== 'object') return false;
  const rule = value as Record<string, unknown>;
  return (
    typeof rule['status'] === 'number' &&
    (rule['method'] === undefined || typeof rule['method'] === 'string') &&
    (rule['pathIncludes'] === undefined || typeof rule['pathIncludes'] === 'string') &&
    (rule['times'] === undefined || typeof rule['times'] === 'number')
  );
}

/** Answers a /_simulator/ request. `rawBody` is the request body already read. */
export function handleControl(
  state: SimulatorState,
  options: { faultInjection: boolean },
  method: string,
  url: URL,
  rawBody: string,
  res: ServerResponse,
): void {
  const answer = controlAnswer(state, options, `${method} ${url.pathname.slice(CONTROL_PREFIX.length)}`, url, rawBody);
  json(res, answer.status, answer.body);
}

function controlAnswer(
  state: SimulatorState,
  options: { faultInjection: boolean },
  what: string,
  url: URL,
  rawBody: string,
): { status: number; body: unknown } {
  switch (what) {
    case 'GET health':
      return { status: 200, body: { status: 'ok', tenantId: state.tenant.id } };
    case 'GET requests': {
      // ?since=N returns the log from entry N on, so a poller need not fetch the whole log each time.
      const since = Number(url.searchParams.get('since') ?? 0) || 0;
      const total = state.requestsForgotten + state.requests.length;
      return {
        status: 200,
        body: { total, requests: state.requests.slice(Math.max(0, since - state.requestsForgotten)) },
      };
    }
    case 'GET state':
      return { status: 200, body: snapshotOf(state) };
    case 'POST faults': {
      if (!options.faultInjection) return { status: 403, body: { error: 'Fault injection is switched off.' } };
      let rule: unknown;
      try {
        rule = JSON.parse(rawBody);
      } catch {
        return { status: 400, body: { error: 'The body must be a JSON fault rule.' } };
      }
      if (!isFaultRule(rule)) return { status: 400, body: { error: 'A fault rule needs a numeric status.' } };
      state.failNext(rule);
      return { status: 201, body: { queued: state.faults.length } };
    }
    default:
      return { status: 404, body: { error: `No simulator control at ${what}.` } };
  }
}
