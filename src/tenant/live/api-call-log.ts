// Attributes admin API calls to whatever async work is running (e.g. one governance request being executed).
import { AsyncLocalStorage } from 'node:async_hooks';
import type { ApiCall } from '../../requests/model.js';

const sinks = new AsyncLocalStorage<readonly ApiCall[][]>();

/** Runs fn and collects every admin API call it makes (including calls from nested recorders). */
export async function recordApiCalls<T>(fn: () => Promise<T>): Promise<{ result: T; calls: ApiCall[] }> {
  const calls: ApiCall[] = [];
  const result = await recordApiCallsInto(calls, fn);
  return { result, calls };
}

/** Like recordApiCalls, but pushes into the caller's array, so the calls survive when fn throws. */
export function recordApiCallsInto<T>(calls: ApiCall[], fn: () => Promise<T>): Promise<T> {
  const outer = sinks.getStore() ?? [];
  return sinks.run([...outer, calls], fn);
}

/** Called by the HTTP client for every request it sends. */
export function reportApiCall(call: ApiCall): void {
  for (const sink of sinks.getStore() ?? []) sink.push({ ...call });
}
