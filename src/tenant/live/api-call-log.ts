// Attributes admin API calls to whatever async work is running (e.g. one governance request being executed).
import { AsyncLocalStorage } from 'node:async_hooks';
import type { ApiCall } from '../../requests/model.js';

const sinks = new AsyncLocalStorage<readonly ApiCall[][]>();
/**
 * Recordings in flight. On Node 20 an AsyncLocalStorage, once run, keeps a promise hook on every promise of the
 * process until it is disabled: after the first approval had been executed, each await of every turn cost about twice
 * as much (promiseInitHook, trackPromise: ~8 % of an approval burst's CPU). Disabled again when the last recording
 * ends; run() enables it for the next one.
 */
let recording = 0;

/** Runs fn and collects every admin API call it makes (including calls from nested recorders). */
export async function recordApiCalls<T>(fn: () => Promise<T>): Promise<{ result: T; calls: ApiCall[] }> {
  const calls: ApiCall[] = [];
  const result = await recordApiCallsInto(calls, fn);
  return { result, calls };
}

/** Like recordApiCalls, but pushes into the caller's array, so the calls survive when fn throws. */
export async function recordApiCallsInto<T>(calls: ApiCall[], fn: () => Promise<T>): Promise<T> {
  const outer = sinks.getStore() ?? [];
  recording++;
  try {
    return await sinks.run([...outer, calls], fn);
  } finally {
    if (--recording === 0) sinks.disable();
  }
}

/** Called by the HTTP client for every request it sends. */
export function reportApiCall(call: ApiCall): void {
  for (const sink of sinks.getStore() ?? []) sink.push({ ...call });
}
