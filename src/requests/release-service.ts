// Giving up one's own access, as use cases: find what the maker holds, offer it for confirmation, file the
// confirmed release (auto-approved, executed by the durable job runner exactly once), and mark the grants it
// ended. Who may confirm comes from the stored offer, never from the card that carries its id.
import { randomUUID } from 'node:crypto';
import { lifecycleKeys } from '../lifecycle/jobs.js';
import { type ExceptionEnd, endConnectorException } from '../lifecycle/revert-connector.js';
import type { TenantAdmin } from '../tenant/tenant-admin.js';
import { exceptionOutlives } from './exception-holders.js';
import { EXECUTE_JOB, type GovernanceService, personOf } from './governance-service.js';
import type { EnvironmentRef, GovernanceRequest, ReleaseDetails } from './model.js';
import type { Store, StoreSession } from './ports/store.js';
import { activeExceptions, describeRelease, makerRoleGrants, RELEASE_ROUTING } from './release.js';
import { autoApprove, endEarly } from './state-machine.js';

export interface ReleaseDeps {
  store: Store;
  tenant: TenantAdmin;
  service: GovernanceService;
  clock: () => Date;
}

/** What the maker's words narrowed it to (undefined: not said). */
export interface ReleaseQuery {
  access?: ReleaseDetails['access'] | undefined;
  environment?: EnvironmentRef | undefined;
  /** shared_xxx names of connectors named. */
  connectors: string[];
}

/** A release shown for confirmation: stored, so the confirming click is checked against its holder. */
export interface ReleaseOffer {
  id: string;
  holderId: string;
  details: ReleaseDetails;
  expiresAt: string;
  /** A connector exception someone else's active grant still relies on: it stays, only this grant ends. */
  keptForOthers?: boolean;
}

export type ConfirmResult =
  | { kind: 'filed'; request: GovernanceRequest }
  /** Confirmed before (a double click, a replayed invoke): the release filed then. */
  | { kind: 'already'; request: GovernanceRequest }
  /** The access is no longer held (removed meanwhile): nothing to do. */
  | { kind: 'nothing'; message: string }
  /** Unknown, expired, or not this user's: one neutral answer. */
  | { kind: 'not-found' };

export type WithdrawResult =
  | { kind: 'withdrawn' }
  /** Confirmed before "Keep it" came: the release it filed. */
  | { kind: 'already'; request: GovernanceRequest }
  | { kind: 'not-found' };

/** The claim a withdrawn offer leaves, so a late confirm files nothing. */
const WITHDRAWN = 'withdrawn';

/** An offer nobody confirmed within this long is forgotten. */
export const OFFER_TTL_MS = 30 * 60_000;

const offerKey = (id: string) => `release-offer:${id}`;
const filedKey = (id: string) => `release-offer-filed:${id}`;

export class ReleaseService {
  constructor(private readonly deps: ReleaseDeps) {}

  private now(): string {
    return this.deps.clock().toISOString();
  }

  /** Everything the user holds that matches the query: their stored exceptions, and maker roles the tenant shows. */
  async find(userId: string, query: ReleaseQuery): Promise<ReleaseDetails[]> {
    const mine = await this.deps.store.requests.list({ requesterId: userId, limit: 500 });
    const found: ReleaseDetails[] = [];
    if (query.access !== 'maker-role') {
      for (const r of activeExceptions(mine, userId, {
        environmentId: query.environment?.id,
        connectors: query.connectors,
      })) {
        if (r.details.type !== 'connector-unblock') continue;
        const { environment, connector } = r.details;
        found.push({ type: 'release', access: 'connector-exception', environment, connector, grants: [r.id] });
      }
    }
    if (query.access !== 'connector-exception' && query.connectors.length === 0) {
      // The role as the tenant shows it (granted by this bot or not); without an environment named, the
      // environments of the user's own grants. The default environment's role belongs to every licensed user.
      const envs = query.environment
        ? [query.environment]
        : [
            ...new Map(
              mine.flatMap((r) =>
                r.details.type === 'maker-role' && r.status === 'completed'
                  ? [[r.details.environment.id, r.details.environment] as const]
                  : [],
              ),
            ).values(),
          ];
      for (const environment of envs) {
        if (environment.isDefault) continue;
        if (!(await this.deps.tenant.hasEnvironmentRole(environment, userId, 'EnvironmentMaker'))) continue;
        const grants = makerRoleGrants(mine, userId, environment.id);
        found.push({ type: 'release', access: 'maker-role', environment, grants });
      }
    }
    return found;
  }

  /**
   * The user's completed tenant-wide unblocks matching the query: they changed a policy for every environment it
   * covers, so they are not the user's own access to give up (an admin ends them), but the user should be told.
   */
  async tenantWideUnblocks(userId: string, query: ReleaseQuery): Promise<GovernanceRequest[]> {
    if (query.access === 'maker-role') return [];
    const mine = await this.deps.store.requests.list({ requesterId: userId, type: 'connector-unblock', limit: 500 });
    return mine.filter(
      (r) =>
        r.status === 'completed' &&
        r.details.type === 'connector-unblock' &&
        r.details.scope === 'tenant-wide' &&
        (query.connectors.length === 0 || query.connectors.includes(r.details.connector.name)),
    );
  }

  /** Stores the offer the confirmation card names; only its holder can confirm it. */
  async offer(holderId: string, details: ReleaseDetails): Promise<ReleaseOffer> {
    const offer: ReleaseOffer = {
      id: randomUUID(),
      holderId,
      details,
      expiresAt: new Date(this.deps.clock().getTime() + OFFER_TTL_MS).toISOString(),
      ...((await this.keptForOthers(details)) ? { keptForOthers: true } : {}),
    };
    await this.deps.store.kv.set(offerKey(offer.id), offer);
    return offer;
  }

  /** Whether ending this connector exception leaves the connector allowed (another grant relies on it). */
  private async keptForOthers(details: ReleaseDetails): Promise<boolean> {
    if (details.access !== 'connector-exception') return false;
    for (const id of details.grants) {
      const grant = await this.deps.store.requests.get(id);
      if (grant && (await exceptionOutlives(this.deps.store, grant, this.now()))) return true;
    }
    return false;
  }

  /** The offer if it exists and is this user's; undefined otherwise (the caller answers neutrally). */
  async offerOf(offerId: string, userId: string): Promise<ReleaseOffer | undefined> {
    const offer = await this.deps.store.kv.get<ReleaseOffer | null>(offerKey(offerId));
    return offer && offer.holderId === userId ? offer : undefined;
  }

  /**
   * The holder dropped the offer ("Keep it"): it can no longer be confirmed. The offer's claim is taken as by a
   * confirm, so "Keep it" and "Yes" pressed together do one of the two; after a confirm it answers with the release.
   */
  async withdraw(offerId: string, userId: string): Promise<WithdrawResult> {
    if (!(await this.offerOf(offerId, userId))) return { kind: 'not-found' };
    const claimed = await this.deps.store.transaction(async (session) => {
      if (!(await session.kv.setIfAbsent(filedKey(offerId), WITHDRAWN))) return false;
      await session.kv.set(offerKey(offerId), null);
      return true;
    });
    if (claimed) return { kind: 'withdrawn' };
    const filedAs = await this.deps.store.kv.get<string>(filedKey(offerId));
    const request = filedAs && filedAs !== WITHDRAWN ? await this.deps.store.requests.get(filedAs) : undefined;
    return request ? { kind: 'already', request } : { kind: 'withdrawn' };
  }

  private async refused(actorId: string, offerId: string, code: string) {
    await this.deps.store.audit.append({
      at: this.now(),
      actorId,
      action: 'release.confirm.refused',
      outcome: 'refused',
      targetType: 'release-offer',
      targetId: offerId.slice(0, 64),
      details: { code },
    });
  }

  /**
   * The holder confirmed: the release is stored approved (no approval stages) with its audit records and its
   * execute job in ONE transaction, and at most once per offer whatever is clicked or replayed.
   */
  async confirm(offerId: string, actorId: string, correlationId?: string): Promise<ConfirmResult> {
    const offer = await this.deps.store.kv.get<ReleaseOffer | null>(offerKey(offerId));
    const filedAs = await this.deps.store.kv.get<string>(filedKey(offerId));
    if (!offer || offer.holderId !== actorId) {
      // Also after it was filed and withdrawn: someone else learns nothing, not even that it existed.
      await this.refused(actorId, offerId, 'NOT_FOUND_OR_NOT_YOURS');
      return { kind: 'not-found' };
    }
    const earlier = filedAs ? await this.deps.store.requests.get(filedAs) : undefined;
    if (earlier) return { kind: 'already', request: earlier };
    if (offer.expiresAt <= this.now()) {
      await this.refused(actorId, offerId, 'EXPIRED');
      return { kind: 'not-found' };
    }
    const d = offer.details;
    const gone = await this.noLongerHeld(d, actorId);
    if (gone) return { kind: 'nothing', message: gone };
    const user = await this.deps.tenant.getUser(actorId);
    if (!user) return { kind: 'not-found' };
    const at = this.now();
    const outcome = await this.deps.store.transaction(async (session): Promise<ConfirmResult> => {
      const open = await session.requests.list({ requesterId: actorId, status: ['approved', 'executing'] });
      const twin = open.find((r) => r.details.type === 'release' && sameRelease(r.details, d));
      if (twin) return { kind: 'already', request: twin };
      const id = await session.requests.nextId();
      // The claim and the request commit together: a second confirm sees the first one's request.
      if (!(await session.kv.setIfAbsent(filedKey(offerId), id))) return { kind: 'not-found' };
      const draft: GovernanceRequest = {
        id,
        version: 1,
        type: 'release',
        status: 'pending',
        requester: { ...personOf(user), hasPowerAppsLicense: user.hasPowerAppsLicense },
        details: d,
        justification: undefined,
        createdAt: at,
        updatedAt: at,
        decisions: [],
        stages: [],
        routing: RELEASE_ROUTING,
        execution: { progress: [], checkpoint: {}, apiCalls: [] },
      };
      const approved = autoApprove(draft, at);
      if (!approved.ok) throw new Error(approved.refusal.message);
      const request = approved.request;
      await session.requests.insert(request);
      const target = {
        requestId: id,
        environmentId: d.environment.id,
        targetType: d.access === 'maker-role' ? 'environment-role' : 'connector',
        targetId: d.connector?.name ?? d.environment.id,
      };
      await session.audit.append({
        at,
        actorId,
        actorUpn: user.userPrincipalName,
        action: 'request.created',
        outcome: 'success',
        correlationId,
        ...target,
        details: { type: 'release', access: d.access, ends: d.grants, routing: RELEASE_ROUTING },
      });
      await session.audit.append({
        at,
        actorId: 'system',
        action: 'request.auto-approved',
        outcome: 'success',
        ...target,
        details: { rule: RELEASE_ROUTING.ruleId },
      });
      await session.jobs.enqueue({
        kind: EXECUTE_JOB,
        payload: { requestId: id },
        runAt: at,
        dedupeKey: `execute:${id}`,
      });
      return { kind: 'filed', request };
    });
    if (outcome.kind !== 'not-found') return outcome;
    // Lost the race to a concurrent confirm of the same offer: answer with what it filed.
    const winner = await this.deps.store.kv.get<string>(filedKey(offerId));
    const request = winner ? await this.deps.store.requests.get(winner) : undefined;
    return request ? { kind: 'already', request } : { kind: 'not-found' };
  }

  /** Why there is nothing to release any more, or undefined when the access is still held. */
  private async noLongerHeld(d: ReleaseDetails, userId: string): Promise<string | undefined> {
    if (d.access === 'maker-role') {
      const held = await this.deps.tenant.hasEnvironmentRole(d.environment, userId, 'EnvironmentMaker');
      return held ? undefined : `You no longer hold the Environment Maker role in ${d.environment.displayName}.`;
    }
    const grant = d.grants[0] ? await this.deps.store.requests.get(d.grants[0]) : undefined;
    return grant?.status === 'completed' ? undefined : `${describeRelease(d)} has already ended.`;
  }

  /** Ends the connector exception of grant `grantId` through `tenant` (undefined: the grant is gone). */
  async endException(tenant: TenantAdmin, grantId: string): Promise<ExceptionEnd | undefined> {
    const grant = await this.deps.store.requests.get(grantId);
    return grant ? endConnectorException(tenant, this.deps.store, grant, this.now()) : undefined;
  }

  /**
   * After the release's change is made: each grant it ends shows that it ended early, its scheduled reminders
   * and revert are cancelled (nothing left to revert), and its requester and the audit channel are told.
   * Idempotent: a grant already ended is left as it is.
   */
  async closeGrants(release: GovernanceRequest): Promise<string[]> {
    if (release.details.type !== 'release') return [];
    const closed: string[] = [];
    for (const grantId of release.details.grants) {
      for (let attempt = 0; attempt < 5; attempt++) {
        const grant = await this.deps.store.requests.get(grantId);
        const out = grant ? endEarly(grant, release.id, this.now()) : undefined;
        if (!grant || !out?.ok) break;
        const saved = await this.deps.store.transaction(async (session) => {
          const stored = { ...out.request, version: grant.version + 1 };
          if (!(await session.requests.update(stored, grant.version))) return false;
          await this.endedEarly(session, stored, release);
          return true;
        });
        if (saved) {
          closed.push(grantId);
          break;
        }
      }
    }
    return closed;
  }

  private async endedEarly(session: StoreSession, grant: GovernanceRequest, release: GovernanceRequest) {
    await session.jobs.cancelByPrefix(lifecycleKeys.grantPrefix(grant.id));
    const env = grant.details.type === 'new-environment' ? undefined : grant.details.environment.id;
    await session.audit.append({
      at: this.now(),
      actorId: release.requester.id,
      actorUpn: release.requester.upn,
      action: 'grant.ended-early',
      outcome: 'success',
      requestId: grant.id,
      environmentId: env,
      details: { by: release.id, scheduledEnd: grant.grantEndsAt },
    });
    await this.deps.service.announce(
      session,
      grant,
      `ended early: ${release.requester.displayName} gave it up (${release.id})`,
    );
  }
}

function sameRelease(a: ReleaseDetails, b: ReleaseDetails): boolean {
  return a.access === b.access && a.environment.id === b.environment.id && a.connector?.id === b.connector?.id;
}
