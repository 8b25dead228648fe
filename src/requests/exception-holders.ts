// A DLP connector exception is per environment, not per user: a later request for the same connector and
// environment completes as `notNeeded` and relies on the exception an earlier grant made. So before an
// exception is reverted, the grants still relying on it are looked for; if one is active, the exception stays
// and the revert is handed over to it (`revertsExceptionOf` on its chain's first request), so the exception
// is removed when the last holder's grant ends.
import { sameConnector } from '../dlp/classification.js';
import { sameEnvId } from '../dlp/scope.js';
import type { GovernanceRequest } from './model.js';
import type { Store } from './ports/store.js';

const MAX_HOPS = 50;

/** The first request of an extension chain (following `extensionOf`). */
export async function chainRoot(store: Store, request: GovernanceRequest): Promise<GovernanceRequest> {
  let root = request;
  for (let i = 0; i < MAX_HOPS && root.extensionOf; i++) {
    const previous = await store.requests.get(root.extensionOf);
    if (!previous) break;
    root = previous;
  }
  return root;
}

/**
 * The request whose execution checkpoint a revert of `request` must undo: its chain's first request, or the
 * request whose exception was handed over to that chain.
 */
export async function exceptionSource(store: Store, request: GovernanceRequest): Promise<GovernanceRequest> {
  let source = await chainRoot(store, request);
  for (let i = 0; i < MAX_HOPS && source.revertsExceptionOf && source.revertsExceptionOf !== source.id; i++) {
    const previous = await store.requests.get(source.revertsExceptionOf);
    if (!previous) break;
    source = await chainRoot(store, previous);
  }
  return source;
}

/** Whether the checkpoint changed any policy (a `notNeeded` run relied on someone else's exception). */
function changedPolicies(source: GovernanceRequest): boolean {
  const dlp = source.execution.checkpoint.dlp;
  if (!dlp || typeof dlp !== 'object') return false;
  return Object.values(dlp as Record<string, { notNeeded?: boolean }>).some((p) => p && !p.notNeeded);
}

/**
 * Another active grant for the same connector and environment, outside `ending`'s own chain, that relies on
 * the exception `source` made; the one that lasts longest (no end first). Undefined: nobody else needs it.
 */
export async function otherHolder(
  store: Store,
  ending: GovernanceRequest,
  source: GovernanceRequest,
  now: string,
): Promise<GovernanceRequest | undefined> {
  const d = ending.details;
  if (d.type !== 'connector-unblock' || !changedPolicies(source)) return undefined;
  const own = (await chainRoot(store, ending)).id;
  const end = (r: GovernanceRequest) => (r.grantEndsAt ? Date.parse(r.grantEndsAt) : Number.POSITIVE_INFINITY);
  const holders: GovernanceRequest[] = [];
  for (const r of await store.requests.list({ type: 'connector-unblock', status: ['completed'] })) {
    const rd = r.details;
    if (r.id === ending.id || r.endedEarly || rd.type !== 'connector-unblock') continue;
    if (!sameConnector(rd.connector.id, d.connector.id) || !sameEnvId(rd.environment.id, d.environment.id)) continue;
    if (r.grantEndsAt !== undefined && r.grantEndsAt <= now) continue;
    if ((await chainRoot(store, r)).id === own) continue;
    holders.push(r);
  }
  return holders.sort((a, b) => end(b) - end(a))[0];
}

/**
 * Whether the connector stays allowed after `ending`'s grant ends: its run changed no policy (it relied on an
 * exception someone else's grant made), or another active grant still relies on the exception it made.
 */
export async function exceptionOutlives(store: Store, ending: GovernanceRequest, now: string): Promise<boolean> {
  if (ending.details.type !== 'connector-unblock') return false;
  const source = await exceptionSource(store, ending);
  if (!changedPolicies(source)) return true;
  return (await otherHolder(store, ending, source, now)) !== undefined;
}

/** Hands the revert of `sourceId`'s exception over to `holder`'s chain. Idempotent; retried on a concurrent edit. */
export async function handOverException(store: Store, holder: GovernanceRequest, sourceId: string): Promise<void> {
  for (let attempt = 0; attempt < 5; attempt++) {
    const root = await chainRoot(store, holder);
    if (root.id === sourceId || root.revertsExceptionOf === sourceId) return;
    const saved = { ...root, revertsExceptionOf: sourceId, version: root.version + 1 };
    if (await store.transaction((session) => session.requests.update(saved, root.version))) return;
  }
  throw new Error(`could not hand the exception of ${sourceId} over to ${holder.id}: too many concurrent edits`);
}
