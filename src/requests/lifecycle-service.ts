// Lifecycle use cases: reminders, escalation and expiry of pending requests; "need more info" questions and
// answers; time-bound grants (reminders before the end, extension, revert). Same pattern as
// GovernanceService: each change, its audit records and its outbox messages commit in ONE transaction.
import type { LifecycleSettings } from '../lifecycle/jobs.js';
import { lifecycleMarkers, lifecycleOutboxKeys } from '../lifecycle/jobs.js';
import { endConnectorException } from '../lifecycle/revert-connector.js';
import { removeMakerRole } from '../lifecycle/revert-maker-role.js';
import { type LifecycleScheduler, stageStartedAt } from '../lifecycle/scheduler.js';
import type { CardCopyView, CardNotice, MessageComposer } from '../outbox/messages.js';
import { conversationKeys } from '../outbox/messages.js';
import { describeDuration, durationMs } from '../policy/duration.js';
import type { RoutingPolicy } from '../policy/routing.js';
import type { TenantAdmin } from '../tenant/tenant-admin.js';
import { recordCardCopy } from './card-copies.js';
import { ConcurrentUpdateError, type FileResult, type GovernanceService, personOf } from './governance-service.js';
import type { ApiCall, GovernanceRequest, Person } from './model.js';
import type { AuditRecordInput, Store, StoreSession } from './ports/store.js';
import { describeRelease } from './release.js';
import { currentStage, expire, revoke } from './state-machine.js';

export interface LifecycleDeps {
  store: Store;
  tenant: TenantAdmin;
  composer: MessageComposer;
  policy: RoutingPolicy;
  service: GovernanceService;
  scheduler: LifecycleScheduler;
  settings: LifecycleSettings;
  clock: () => Date;
  /** Runs fn and records every admin API call it makes into sink (even when fn throws). */
  recordCalls: <T>(fn: () => Promise<T>, sink: ApiCall[]) => Promise<T>;
}

export type LifecycleResult =
  | { kind: 'done'; request: GovernanceRequest; message: string }
  | { kind: 'refused'; request?: GovernanceRequest | undefined; message: string };

/** Raised by the revert job after the last attempt has failed and admins were told. */
export class RevertGaveUp extends Error {}

const GRANT_TYPES = new Set(['maker-role', 'connector-unblock']);

function hours(ms: number): string {
  const h = ms / 3_600_000;
  return h >= 48 && h % 24 === 0 ? `${h / 24} days` : `${Math.round(h)} hour${Math.round(h) === 1 ? '' : 's'}`;
}

function subject(request: GovernanceRequest): string {
  const d = request.details;
  const who = request.requester.displayName;
  if (d.type === 'maker-role') return `the Environment Maker role for ${who} in ${d.environment.displayName}`;
  if (d.type === 'connector-unblock') return `${d.connector.displayName} in ${d.environment.displayName} for ${who}`;
  if (d.type === 'release') return `${describeRelease(d)} for ${who}`;
  return `the new environment ${d.displayName} for ${who}`;
}

export class LifecycleService {
  constructor(private readonly deps: LifecycleDeps) {}

  private now(): string {
    return this.deps.clock().toISOString();
  }

  private audit(session: StoreSession, request: GovernanceRequest, input: Omit<AuditRecordInput, 'at' | 'requestId'>) {
    const env = request.details.type === 'new-environment' ? undefined : request.details.environment.id;
    return session.audit.append({ at: this.now(), requestId: request.id, environmentId: env, ...input });
  }

  private async send(
    session: StoreSession,
    conversationKey: string | undefined,
    key: string,
    activity: Record<string, unknown>,
    requestId: string,
  ) {
    if (!conversationKey) return false;
    const stored = await session.outbox.enqueue({
      idempotencyKey: key,
      conversationKey,
      operation: 'send',
      activity,
      requestId,
      createdAt: this.now(),
    });
    return stored !== undefined;
  }

  /** `copy`: the activity is a copy of the request's card, edited on every later change of state (card-copies). */
  private async toRequester(
    session: StoreSession,
    request: GovernanceRequest,
    key: string,
    activity: Record<string, unknown>,
    copy?: CardCopyView,
  ) {
    const personal = conversationKeys.personal(request.requester.id);
    const to = (await session.conversations.get(personal)) ? personal : undefined;
    return this.sendCopy(session, request, to, key, activity, copy);
  }

  private async toApprovals(
    session: StoreSession,
    request: GovernanceRequest,
    key: string,
    activity: Record<string, unknown>,
    copy?: CardCopyView,
  ) {
    const to = (await session.channels.get('approvals'))?.conversationKey;
    return this.sendCopy(session, request, to, key, activity, copy);
  }

  private async sendCopy(
    session: StoreSession,
    request: GovernanceRequest,
    to: string | undefined,
    key: string,
    activity: Record<string, unknown>,
    copy: CardCopyView | undefined,
  ) {
    const sent = await this.send(session, to, key, activity, request.id);
    if (sent && to && copy)
      await recordCardCopy(session.kv, request.id, {
        conversationKey: to,
        updateOf: key,
        view: copy,
        version: request.version,
      });
    return sent;
  }

  /**
   * Saves `change(current)` and runs `effects` in the same transaction, re-reading on a concurrent edit.
   * `change` returns a refusal message, or undefined to do nothing at all.
   */
  private async mutate(
    requestId: string,
    change: (current: GovernanceRequest) => GovernanceRequest | string | undefined,
    effects: (session: StoreSession, stored: GovernanceRequest, before: GovernanceRequest) => Promise<void>,
  ): Promise<LifecycleResult> {
    for (let attempt = 0; attempt < 5; attempt++) {
      const current = await this.deps.store.requests.get(requestId);
      if (!current) return { kind: 'refused', message: `I can't find a request called ${requestId.slice(0, 64)}.` };
      const next = change(current);
      if (next === undefined) return { kind: 'refused', request: current, message: 'Nothing to do.' };
      if (typeof next === 'string') return { kind: 'refused', request: current, message: next };
      try {
        const stored = await this.deps.store.transaction(async (session) => {
          const saved = { ...next, version: current.version + 1 };
          if (!(await session.requests.update(saved, current.version))) throw new ConcurrentUpdateError(requestId);
          await effects(session, saved, current);
          return saved;
        });
        return { kind: 'done', request: stored, message: '' };
      } catch (error) {
        if (!(error instanceof ConcurrentUpdateError)) throw error;
      }
    }
    throw new Error(`could not save ${requestId}: too many concurrent edits`);
  }

  // ---------------------------------------------------------------- pending requests

  /**
   * A reminder or escalation job of a stage that has passed: nothing to send. Jobs stored before later stages
   * had their own timers land here too, so the current stage's timers are made sure of (dedupe keys: no twins).
   */
  private async stageMoved(request: GovernanceRequest, stage: number): Promise<boolean> {
    const current = currentStage(request);
    if (current === undefined || current === stage) return false;
    if (current > stage) {
      await this.deps.store.transaction((session) => this.deps.scheduler.onStagePassed(session, request));
    }
    return true;
  }

  /** Reminder number `round` of `stage` (job handler). Runs its effects at most once per round, even after a crash. */
  async remind(requestId: string, round: number, stage = 0): Promise<void> {
    const request = await this.deps.store.requests.get(requestId);
    if (request?.status !== 'pending' || (await this.stageMoved(request, stage))) return;
    await this.deps.store.transaction(async (session) => {
      if (!(await session.kv.setIfAbsent(lifecycleMarkers.reminded(requestId, round, stage), this.now()))) return;
      const current = request.stages[stage];
      const waited = Date.parse(this.now()) - Date.parse(stageStartedAt(request, stage));
      const who = current?.escalatedTo
        ? `${current.groupName ?? 'the approvers'} or ${current.escalatedTo.groupName ?? 'the escalation group'}`
        : (current?.groupName ?? 'the approvers');
      const text = `Reminder: ${request.id} (${subject(request)}) has waited ${hours(waited)} for ${who}${current ? ` (${current.name})` : ''}. Please decide on its card.`;
      const posted = await this.toApprovals(
        session,
        request,
        lifecycleOutboxKeys.reminder(requestId, round, stage),
        this.deps.composer.text(text),
      );
      await this.audit(session, request, {
        actorId: 'system',
        action: 'request.reminder-sent',
        outcome: posted ? 'info' : 'failure',
        details: { round, stage, group: current?.groupId, posted },
      });
      await this.deps.scheduler.scheduleNextReminder(session, request, round, this.deps.clock(), stage);
    });
  }

  /** Stage `stage` waited too long: the escalation group may decide it too (job handler). */
  async escalate(requestId: string, stageIndex = 0): Promise<void> {
    const at = this.now();
    const request = await this.deps.store.requests.get(requestId);
    if (request?.status !== 'pending' || (await this.stageMoved(request, stageIndex))) return;
    let target: { groupId: string; groupName?: string | undefined } | undefined;
    const result = await this.mutate(
      requestId,
      (r) => {
        if (r.status !== 'pending') return undefined;
        const index = currentStage(r);
        const stage = index === undefined ? undefined : r.stages[index];
        if (index !== stageIndex || !stage || stage.escalatedTo) return undefined;
        target = this.deps.policy.escalationGroup?.(stage);
        const stages = r.stages.map((s, i) => (i === index && target ? { ...s, escalatedTo: { ...target, at } } : s));
        // Without an escalation group the stage stays as it is; the version bump only records the escalation.
        return { ...r, stages, updatedAt: at };
      },
      async (session, stored) => {
        const index = currentStage(stored) ?? 0;
        const stage = stored.stages[index];
        const text = target
          ? `Escalated: ${stored.id} (${subject(stored)}) is still waiting for ${stage?.groupName ?? 'approvers'}. Members of ${target.groupName ?? target.groupId} may now decide it too.`
          : `Escalated: ${stored.id} (${subject(stored)}) is still waiting for ${stage?.groupName ?? 'approvers'} and expires if nobody decides.`;
        await this.toApprovals(
          session,
          stored,
          lifecycleOutboxKeys.escalation(stored.id, stageIndex),
          this.deps.composer.text(text),
        );
        await this.deps.service.publishApprovalCard(session, stored, { text, tone: 'warning' });
        await this.audit(session, stored, {
          actorId: 'system',
          action: 'request.escalated',
          outcome: 'info',
          details: { stage: index, from: stage?.groupId, to: target?.groupId },
        });
      },
    );
    void result;
  }

  /** No decision in time (job handler): the request expires and the requester is told. */
  async expire(requestId: string): Promise<LifecycleResult> {
    return this.mutate(
      requestId,
      (r) => {
        const out = expire(r, this.now());
        return out.ok ? out.request : undefined;
      },
      async (session, stored) => {
        await this.audit(session, stored, {
          actorId: 'system',
          action: 'request.expired',
          outcome: 'info',
          details: { afterDays: this.deps.settings.expireAfterMs / 86_400_000 },
        });
        await this.deps.scheduler.onLeftPending(session, stored);
        await this.deps.service.announce(session, stored, 'expired without a decision');
      },
    );
  }

  // ---------------------------------------------------------------- need more info

  private async isStageApprover(request: GovernanceRequest, userId: string): Promise<boolean> {
    const index = currentStage(request);
    const stage = index === undefined ? undefined : request.stages[index];
    if (!stage) return false;
    const groups = [stage.groupId, ...(stage.escalatedTo ? [stage.escalatedTo.groupId] : [])];
    return (await this.deps.tenant.memberOfGroups(userId, groups)).length > 0;
  }

  /** An approver of the current stage asks the requester a question; it reaches the requester in chat. */
  async askForInfo(requestId: string, actorId: string, question: string): Promise<LifecycleResult> {
    const text = question.trim().slice(0, 1000);
    const request = await this.deps.store.requests.get(requestId);
    if (!request) return { kind: 'refused', message: `I can't find a request called ${requestId.slice(0, 64)}.` };
    const user = await this.deps.tenant.getUser(actorId);
    let refusal: string | undefined;
    if (request.status !== 'pending')
      refusal = `${request.id} is already ${request.status}; there is nothing to ask about.`;
    else if (actorId === request.requester.id) refusal = 'You asked for this yourself; questions come from approvers.';
    else if (!user || !(await this.isStageApprover(request, actorId)))
      refusal = `Only approvers of the current stage can ask questions about ${request.id}.`;
    else if (text === '') refusal = 'Type your question in the comment box first, then press "Need more info".';
    if (refusal || !user) {
      await this.deps.store.audit.append({
        at: this.now(),
        actorId,
        action: 'request.info-request.refused',
        outcome: 'refused',
        requestId: request.id,
        details: { reason: refusal },
      });
      return { kind: 'refused', request, message: refusal ?? 'Refused.' };
    }
    const asker: Person = personOf(user);
    const at = this.now();
    return this.mutate(
      requestId,
      (r) => {
        if (r.status !== 'pending') return `${r.id} is already ${r.status}.`;
        // The same question still open from the same approver is a double click or a re-sent invoke: ask once.
        const last = r.infoExchanges?.at(-1);
        if (last && last.answer === undefined && last.askedBy.id === asker.id && last.question === text)
          return `You already asked this; ${r.requester.displayName}'s answer will appear on this card.`;
        return {
          ...r,
          infoExchanges: [...(r.infoExchanges ?? []), { askedBy: asker, question: text, askedAt: at }],
          updatedAt: at,
        };
      },
      async (session, stored) => {
        const n = stored.infoExchanges?.length ?? 0;
        await this.audit(session, stored, {
          actorId,
          actorUpn: asker.upn,
          action: 'request.info-requested',
          outcome: 'success',
          details: { question: text },
        });
        const notice: CardNotice = {
          text: `${asker.displayName} asks: “${text}” Answer below; your answer is added to the request.`,
          tone: 'warning',
        };
        const told = await this.toRequester(
          session,
          stored,
          lifecycleOutboxKeys.question(stored.id, n),
          this.deps.composer.receiptCard(stored, notice),
          'requester',
        );
        if (!told) {
          await this.audit(session, stored, {
            actorId: 'system',
            action: 'request.info-request.undelivered',
            outcome: 'failure',
            details: { reason: 'no chat with the requester yet' },
          });
        }
        await this.deps.service.publishApprovalCard(session, stored);
      },
    );
  }

  /** The requester's answer to the open question: added to the request and to the approval card. */
  async answerInfo(requestId: string, actorId: string, answer: string): Promise<LifecycleResult> {
    const text = answer.trim().slice(0, 2000);
    const at = this.now();
    return this.mutate(
      requestId,
      (r) => {
        if (actorId !== r.requester.id) return `Only ${r.requester.displayName} can answer questions about ${r.id}.`;
        if (r.status !== 'pending') return `${r.id} is already ${r.status}; the answer is no longer needed.`;
        const open = (r.infoExchanges ?? []).findLastIndex((x) => x.answer === undefined);
        if (open < 0) return `Nobody is waiting for an answer on ${r.id}.`;
        if (text === '') return 'Type your answer first, then press "Send answer".';
        const exchanges = (r.infoExchanges ?? []).map((x, i) =>
          i === open ? { ...x, answer: text, answeredAt: at } : x,
        );
        return { ...r, infoExchanges: exchanges, updatedAt: at };
      },
      async (session, stored) => {
        const n = stored.infoExchanges?.length ?? 0;
        await this.audit(session, stored, {
          actorId,
          actorUpn: stored.requester.upn,
          action: 'request.info-answered',
          outcome: 'success',
          details: { answer: text },
        });
        await this.deps.service.publishApprovalCard(session, stored, {
          text: `${stored.requester.displayName} answered: “${text}”`,
          tone: 'info',
        });
        await this.toApprovals(
          session,
          stored,
          lifecycleOutboxKeys.answer(stored.id, n),
          this.deps.composer.text(`${stored.requester.displayName} answered the question on ${stored.id}: “${text}”`),
        );
      },
    );
  }

  // ---------------------------------------------------------------- time-bound grants

  /** Reminds the requester that the grant ends soon and offers an extension (job handler). */
  async grantReminder(requestId: string, endsAt: string, hoursBefore: number): Promise<void> {
    const request = await this.deps.store.requests.get(requestId);
    if (request?.status !== 'completed' || request.grantEndsAt !== endsAt) return; // ended, reverted or extended
    await this.deps.store.transaction(async (session) => {
      if (!(await session.kv.setIfAbsent(`lifecycle:grant-reminded:${requestId}:${endsAt}:${hoursBefore}`, this.now())))
        return;
      const notice: CardNotice = {
        text: `Your access ends in ${hoursBefore >= 48 && hoursBefore % 24 === 0 ? `${hoursBefore / 24} days` : `${hoursBefore} hour${hoursBefore === 1 ? '' : 's'}`} (${endsAt.slice(0, 16).replace('T', ' ')} UTC). Need it longer? Pick a duration and press "Ask to extend".`,
        tone: 'warning',
      };
      const told = await this.toRequester(
        session,
        request,
        lifecycleOutboxKeys.grantReminder(requestId, endsAt, hoursBefore),
        this.deps.composer.receiptCard(request, notice),
        'requester',
      );
      await this.audit(session, request, {
        actorId: 'system',
        action: 'grant.reminder-sent',
        outcome: told ? 'info' : 'failure',
        details: { endsAt, hoursBefore, delivered: told },
      });
    });
  }

  /**
   * Reverts a grant at its end (job handler). Throws to be retried; on the last attempt admins are told in
   * the approvals channel and the failure is audited, so a failing revert is never silently dropped.
   */
  async revertGrant(requestId: string, endsAt: string, attempt: number, maxAttempts: number): Promise<void> {
    const request = await this.deps.store.requests.get(requestId);
    if (!request || request.status === 'revoked' || request.grantEndsAt !== endsAt) return;
    if (request.status === 'approved' || request.status === 'executing') {
      throw new Error(`${requestId} is still ${request.status}; the revert waits for it to finish`);
    }
    if (request.status !== 'completed') return; // never granted: nothing to take back
    const superseding = (await this.deps.store.requests.list({ status: ['approved', 'executing', 'completed'] })).find(
      (r) => r.extensionOf === request.id && r.grantEndsAt !== undefined,
    );
    if (superseding) {
      await this.deps.store.audit.append({
        at: this.now(),
        actorId: 'system',
        action: 'grant.revert.superseded',
        outcome: 'info',
        requestId,
        details: { by: superseding.id },
      });
      return;
    }

    const calls: ApiCall[] = [];
    let steps: string[];
    try {
      steps = await this.deps.recordCalls(() => this.undo(request), calls);
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      const last = attempt >= maxAttempts;
      await this.deps.store.transaction(async (session) => {
        await this.audit(session, request, {
          actorId: 'system',
          action: last ? 'grant.revert.gave-up' : 'grant.revert.failed',
          outcome: 'failure',
          apiCalls: calls.map((c) => ({ method: c.method, url: c.url, status: c.status })),
          details: { attempt, maxAttempts, error: message },
        });
        if (last) {
          const text = `Action needed: the time-bound grant ${request.id} (${subject(request)}) ended at ${endsAt.slice(0, 16).replace('T', ' ')} UTC, but I could not revert it after ${attempt} attempts (${message}). The access is still in place: please remove it by hand.`;
          await this.raiseToAdmins(session, request, endsAt, text);
        }
      });
      if (last) throw new RevertGaveUp(message);
      throw error;
    }
    const at = this.now();
    await this.mutate(
      requestId,
      (r) => {
        const out = revoke(r, at);
        return out.ok
          ? {
              ...out.request,
              execution: { ...out.request.execution, apiCalls: [...out.request.execution.apiCalls, ...calls] },
            }
          : undefined;
      },
      async (session, stored) => {
        await this.audit(session, stored, {
          actorId: 'system',
          action: 'grant.reverted',
          outcome: 'success',
          apiCalls: calls.map((c) => ({ method: c.method, url: c.url, status: c.status })),
          details: { endsAt, steps },
        });
        await this.deps.service.announce(session, stored, 'time-bound grant ended and reverted');
      },
    );
  }

  /** Posts the "action needed" card for a grant that could not be reverted, once per grant end. */
  private async raiseToAdmins(session: StoreSession, request: GovernanceRequest, endsAt: string, text: string) {
    const posted = await this.toApprovals(
      session,
      request,
      lifecycleOutboxKeys.revertFailed(request.id, endsAt),
      this.deps.composer.approvalCard(request, { text, tone: 'error' }),
      'approval',
    );
    await this.audit(session, request, {
      actorId: 'system',
      action: 'grant.revert.raised',
      outcome: posted ? 'info' : 'failure',
      details: { posted },
    });
  }

  /**
   * The revert job died without raising the failure itself (its worker stopped on the last attempt, or it
   * kept failing before reaching the tenant): admins are told now, once, so the grant is never silently kept.
   */
  async revertDied(requestId: string, endsAt: string, attempts: number, reason: string): Promise<void> {
    const request = await this.deps.store.requests.get(requestId);
    if (!request || request.grantEndsAt !== endsAt) return; // extended, or unknown
    if (!['approved', 'executing', 'completed'].includes(request.status)) return; // reverted, or never granted
    const crashed = /lease expired/i.test(reason);
    const why = crashed ? 'the bot stopped while reverting it' : reason.slice(0, 300);
    await this.deps.store.transaction(async (session) => {
      if (await session.outbox.getByKey(lifecycleOutboxKeys.revertFailed(requestId, endsAt))) return; // raised already
      await this.audit(session, request, {
        actorId: 'system',
        action: 'grant.revert.gave-up',
        outcome: 'failure',
        details: { attempt: attempts, maxAttempts: attempts, error: reason },
      });
      const text = `Action needed: the time-bound grant ${request.id} (${subject(request)}) ended at ${endsAt.slice(0, 16).replace('T', ' ')} UTC, but the revert did not finish after ${attempts} attempt${attempts === 1 ? '' : 's'} (${why}). The access may still be in place: please check it and remove it by hand.`;
      await this.raiseToAdmins(session, request, endsAt, text);
    });
  }

  private async undo(request: GovernanceRequest): Promise<string[]> {
    const d = request.details;
    if (d.type === 'maker-role') {
      // A role the user held before the bot granted it is theirs to keep (an extension's role is the grant's own).
      if (request.extensionOf === undefined && request.execution.result?.alreadyHeld === true) {
        return ['the role was held before this grant; left in place'];
      }
      return removeMakerRole(this.deps.tenant, d.environment, request.requester.id);
    }
    if (d.type === 'connector-unblock')
      return (await endConnectorException(this.deps.tenant, this.deps.store, request, this.now())).steps;
    return [];
  }

  /**
   * The requester asks to keep a time-bound grant longer: a new request (routed by the policy like any
   * other, so a rule may auto-approve it) that, once approved, replaces the grant's end.
   */
  async requestExtension(
    requestId: string,
    actorId: string,
    duration: string,
  ): Promise<FileResult | { kind: 'refused'; message: string }> {
    const request = await this.deps.store.requests.get(requestId);
    const ms = durationMs(duration);
    let refusal: string | undefined;
    if (!request) refusal = `I can't find a request called ${requestId.slice(0, 64)}.`;
    // Nothing about someone else's request, not even whose it is.
    else if (request.requester.id !== actorId)
      refusal = `I can't find ${request.id} among the requests you can see. Nothing was changed.`;
    else if (!GRANT_TYPES.has(request.type) || !request.grantEndsAt)
      refusal = `${request.id} is not a time-bound grant.`;
    else if (request.status !== 'completed')
      refusal = `${request.id} is ${request.status}; only an active grant can be extended.`;
    else if (ms === undefined) refusal = `"${duration.slice(0, 20)}" is not a duration I understand.`;
    if (refusal || !request || !request.grantEndsAt || ms === undefined) {
      await this.deps.store.audit.append({
        at: this.now(),
        actorId,
        action: 'grant.extension.refused',
        outcome: 'refused',
        requestId: request?.id,
        details: { reason: refusal },
      });
      return { kind: 'refused', message: refusal ?? 'Refused.' };
    }
    const open = (await this.deps.store.requests.list({ status: ['pending', 'approved', 'executing'] })).find(
      (r) => r.extensionOf === request.id,
    );
    if (open) return { kind: 'duplicate', request: open };
    const from = Math.max(Date.parse(request.grantEndsAt), this.deps.clock().getTime());
    const result = await this.deps.service.file({
      requesterId: actorId,
      details: request.details,
      justification: `Extension of ${request.id} by ${describeDuration(duration)}${request.justification ? `: ${request.justification}` : ''}`,
      grantEndsAt: new Date(from + ms).toISOString(),
      extensionOf: request.id,
    });
    if (result.kind === 'filed' || result.kind === 'denied') {
      await this.deps.store.audit.append({
        at: this.now(),
        actorId,
        action: 'grant.extension-requested',
        outcome: 'info',
        requestId: request.id,
        details: { extension: result.request.id, duration },
      });
    }
    return result;
  }
}
