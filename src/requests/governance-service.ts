// Use cases: file a request, decide on it, cancel it. Each use case changes stored state, appends audit
// records and enqueues outbox messages in ONE transaction, so nothing is announced that was not stored.
// Depends only on ports (storage, tenant admin, message composer, routing policy): no SDK here.

import { LRUCache } from 'lru-cache';
import type { LifecycleHooks } from '../lifecycle/scheduler.js';
import type { Activity, CardCopyView, CardNotice, MessageComposer } from '../outbox/messages.js';
import { conversationKeys, outboxKeys } from '../outbox/messages.js';
import { capGrantEnd } from '../policy/grant-cap.js';
import { describeReroute, mergeRouting, type RerouteResult } from '../policy/reroute.js';
import type { RoutingContext, RoutingPolicy } from '../policy/routing.js';
import { environmentOwnerConflict } from '../policy/separation.js';
import type { DirectoryUser, TenantAdmin } from '../tenant/tenant-admin.js';
import { type CardCopy, cardCopies, copyId, copyViewer, recordCardCopy } from './card-copies.js';
import { answerFrom, type GroupMembership } from './group-membership.js';
import type { GovernanceRequest, Person, RequestDetails } from './model.js';
import type { AuditRecordInput, Store, StoreSession } from './ports/store.js';
import {
  autoApprove,
  autoDeny,
  cancel,
  cardRevision,
  currentStage,
  decide,
  decisionRefusal,
  isFinal,
  type Refusal,
} from './state-machine.js';

export interface ServiceDeps {
  store: Store;
  tenant: TenantAdmin;
  composer: MessageComposer;
  policy: RoutingPolicy;
  clock: () => Date;
  /** Schedules and cancels reminders, escalation, expiry and grant reverts in the use cases' transactions. */
  lifecycle?: LifecycleHooks | undefined;
}

export interface FileInput {
  requesterId: string;
  details: RequestDetails;
  justification?: string | undefined;
  grantEndsAt?: string | undefined;
  correlationId?: string | undefined;
  /** An extension of this completed time-bound grant (the role or exception is already in place). */
  extensionOf?: string | undefined;
  /**
   * What the request's preparation (src/requests/preparers) read from the tenant moments ago in the same turn: the
   * requester's directory entry, already checked not to hold what is asked (the checks of alreadySatisfied). Each
   * was a round trip to Graph or BAP that file() made a second time.
   */
  prepared?: { requester: DirectoryUser } | undefined;
}

export type FileResult =
  | { kind: 'filed'; request: GovernanceRequest; approvalsChannelMissing: boolean }
  | { kind: 'duplicate'; request: GovernanceRequest }
  | { kind: 'satisfied'; message: string }
  | { kind: 'denied'; request: GovernanceRequest; reason: string }
  | { kind: 'unknown-requester'; message: string };

export type DecisionResult =
  /** rerouted: the approver's choices needed more approvals, in words for the approver's card. */
  | { kind: 'decided'; request: GovernanceRequest; rerouted?: string | undefined }
  | { kind: 'refused'; request: GovernanceRequest; refusal: Refusal }
  | { kind: 'unknown-request'; message: string };

export const EXECUTE_JOB = 'execute-request';

export interface DecisionChoices {
  classification?: 'Confidential' | 'General' | undefined;
  scope?: 'exception' | 'tenant-wide' | undefined;
}

export function personOf(user: DirectoryUser): Person {
  return { id: user.id, upn: user.userPrincipalName, displayName: user.displayName, department: user.department };
}

function targetOf(details: RequestDetails): { targetType: string; targetId: string; environmentId?: string } {
  switch (details.type) {
    case 'maker-role':
      return {
        targetType: 'environment-role',
        targetId: details.environment.id,
        environmentId: details.environment.id,
      };
    case 'connector-unblock':
      return { targetType: 'connector', targetId: details.connector.name, environmentId: details.environment.id };
    case 'new-environment':
      return { targetType: 'environment', targetId: details.displayName };
    case 'release':
      return {
        targetType: details.access === 'maker-role' ? 'environment-role' : 'connector',
        targetId: details.connector?.name ?? details.environment.id,
        environmentId: details.environment.id,
      };
    default: {
      const never: never = details;
      return never;
    }
  }
}

export class GovernanceService {
  /**
   * Deciders' directory entries (name, sign-in name) for a minute: a burst of clicks by one approver asks Graph once,
   * also while the first answer is on its way (clicks at the same moment share one call). Whether they may decide
   * is still asked of Graph's group membership on every click. An unknown user is not kept.
   */
  private readonly deciders = new LRUCache<string, DirectoryUser>({
    max: 1000,
    ttl: 60_000,
    fetchMethod: (userId) => this.deps.tenant.getUser(userId),
  });

  /** Per transaction (a session lives for one), the conversations already looked up. */
  private readonly conversationsSeen = new WeakMap<StoreSession, Map<string, Promise<boolean>>>();

  constructor(private readonly deps: ServiceDeps) {}

  private now(): string {
    return this.deps.clock().toISOString();
  }

  private audit(session: StoreSession, request: GovernanceRequest | undefined, input: Omit<AuditRecordInput, 'at'>) {
    const target = request ? targetOf(request.details) : {};
    return session.audit.append({ at: this.now(), requestId: request?.id, ...target, ...input });
  }

  /** Enqueue an activity to a stored conversation; silently skipped when the conversation is unknown. */
  private async enqueue(
    session: StoreSession,
    conversationKey: string | undefined,
    idempotencyKey: string,
    activity: Activity,
    requestId: string | undefined,
    updateOf?: string,
  ): Promise<boolean> {
    if (!conversationKey) return false;
    await session.outbox.enqueue({
      idempotencyKey,
      conversationKey,
      operation: updateOf ? 'update' : 'send',
      updateOf,
      activity,
      requestId,
      createdAt: this.now(),
    });
    return true;
  }

  private async approvalsChannel(session: StoreSession): Promise<string | undefined> {
    return (await session.channels.get('approvals'))?.conversationKey;
  }

  /**
   * Post (or re-render) the approval card of a request; an update edits the card already in the channel. Every
   * other copy of the card (the receipt, recorded copies) is edited too: this runs on every change of state.
   */
  async publishApprovalCard(session: StoreSession, request: GovernanceRequest, notice?: CardNotice): Promise<boolean> {
    const posted = await this.postApprovalCard(session, request, notice);
    await this.updateCopies(session, request);
    return posted;
  }

  /**
   * The approval card of a request stored in this transaction. Nothing of it has been posted yet (no card to edit, no
   * receipt, no copy), so nothing is looked up: publishApprovalCard's four reads found nothing for every filing.
   */
  private async postNewApprovalCard(
    session: StoreSession,
    request: GovernanceRequest,
    card: Activity = this.deps.composer.approvalCard(request),
  ): Promise<boolean> {
    // Giving up one's own access is decided by nobody: admins read it in the audit channel, not as a card to approve.
    if (request.type === 'release') return false;
    const channel = await this.approvalsChannel(session);
    if (!channel) return false;
    return this.enqueue(session, channel, outboxKeys.approvalCard(request.id), card, request.id);
  }

  /** Records a copy of a request card posted outside the approval card and the receipt (see card-copies). */
  async recordCopy(requestId: string, copy: CardCopy): Promise<void> {
    await recordCardCopy(this.deps.store.kv, requestId, copy);
  }

  private async postApprovalCard(session: StoreSession, request: GovernanceRequest, notice?: CardNotice) {
    if (request.type === 'release') return false; // no approval card (postNewApprovalCard)
    const first = outboxKeys.approvalCard(request.id);
    const card = this.deps.composer.approvalCard(request, notice);
    // An edit goes where the card was posted (a channel once set is never unset, only moved): one statement, no
    // channel lookup. Nothing inserted: the card was never posted, or this edit was enqueued already (a retry).
    const edit = outboxKeys.approvalCardUpdate(request.id, request.version);
    const at = this.now();
    if (
      await session.outbox.enqueueEdit({
        idempotencyKey: edit,
        updateOf: first,
        activity: card,
        requestId: request.id,
        createdAt: at,
      })
    )
      return true;
    if (await session.outbox.getByKey(first)) return true;
    return this.postNewApprovalCard(session, request, card);
  }

  /** Re-renders the cards that show a request's progress: the approval card, the receipt and every other copy. */
  async publishProgressCards(session: StoreSession, request: GovernanceRequest): Promise<void> {
    await this.publishApprovalCard(session, request);
  }

  /**
   * A copy in someone's personal chat is drawn for that reader at this stage: buttons only while they may decide
   * it (the first stage's approver reads "Waiting for …" once the next stage waits; its approver gets buttons).
   */
  private async viewNow(request: GovernanceRequest, copy: CardCopy): Promise<CardCopyView> {
    const viewer = copy.view === 'approver' ? copyViewer(copy) : undefined;
    if (!viewer || viewer === request.requester.id) return copy.view;
    return (await this.mayDecideNow(request, viewer)) ? 'approver' : 'readonly';
  }

  /** Edits the receipt and every recorded copy to show the request as it is now (once per request version). */
  private async updateCopies(session: StoreSession, request: GovernanceRequest): Promise<void> {
    const copies = await cardCopies(session.kv, request.id);
    for (const [n, copy] of copies.entries()) {
      if (copy.version !== undefined && copy.version >= request.version) continue;
      await this.enqueue(
        session,
        copy.conversationKey,
        outboxKeys.copyUpdate(request.id, copyId(copy, n), request.version),
        this.deps.composer.requestCopy(request, await this.viewNow(request, copy)),
        request.id,
        copy.updateOf,
      );
    }
    const personal = conversationKeys.personal(request.requester.id);
    if (!(await this.knownConversation(session, personal))) return;
    // The receipt is edited in place: where the front door posted it, or the one sent privately by the outbox.
    const target = request.receiptCard
      ? `activity:${request.receiptCard.activityId}`
      : (await session.outbox.getByKey(outboxKeys.receipt(request.id)))
        ? outboxKeys.receipt(request.id)
        : undefined;
    if (!target) return;
    await this.enqueue(
      session,
      personal,
      outboxKeys.receiptUpdate(request.id, request.version),
      this.deps.composer.receiptCard(request),
      request.id,
      target,
    );
  }

  /**
   * The receipt card for a request asked for in a group chat or channel goes to the requester's personal chat
   * (others read the group). False when the bot has no personal conversation with them yet.
   */
  async sendReceiptPrivately(request: GovernanceRequest, notice?: CardNotice): Promise<boolean> {
    const personal = conversationKeys.personal(request.requester.id);
    return this.deps.store.transaction(async (session) => {
      if (!(await session.conversations.get(personal))) return false;
      const card = this.deps.composer.receiptCard(request, notice);
      return this.enqueue(session, personal, outboxKeys.receipt(request.id), card, request.id);
    });
  }

  /** Whether the bot holds a reference to this conversation: read once per transaction (announce asks twice). */
  private knownConversation(session: StoreSession, key: string): Promise<boolean> {
    const known = this.conversationsSeen.get(session) ?? new Map<string, Promise<boolean>>();
    this.conversationsSeen.set(session, known);
    const answer = known.get(key) ?? session.conversations.get(key).then(Boolean);
    known.set(key, answer);
    return answer;
  }

  /** Everything the requester and admins should see after a state change, enqueued in the caller's transaction. */
  async announce(session: StoreSession, request: GovernanceRequest, summary: string): Promise<void> {
    await this.publishProgressCards(session, request);
    const personal = conversationKeys.personal(request.requester.id);
    if (await this.knownConversation(session, personal)) {
      await this.enqueue(
        session,
        personal,
        outboxKeys.requesterUpdate(request.id, request.status),
        this.deps.composer.requesterUpdate(request),
        request.id,
      );
    }
    if (isFinal(request.status)) {
      const audit = (await session.channels.get('audit'))?.conversationKey;
      await this.enqueue(
        session,
        audit,
        outboxKeys.auditPost(request.id, request.status),
        this.deps.composer.auditPost(request, summary),
        request.id,
      );
    }
  }

  /** The requester's groups and plans, as the policy's conditions read them (Graph, through the tenant port). */
  private async routingContext(user: DirectoryUser): Promise<Required<RoutingContext>> {
    const groupIds = this.deps.policy.groupsOfInterest();
    return {
      requesterGroupIds: groupIds.length > 0 ? await this.deps.tenant.memberOfGroups(user.id, groupIds) : [],
      requesterPlans: user.plans.flatMap((p) => (p.servicePlanName ? [p.servicePlanName] : [])),
    };
  }

  async requesterOf(requesterId: string) {
    return this.deps.tenant.getUser(requesterId);
  }

  /** Stores a new request (or answers at once when nothing needs approving). */
  async file(input: FileInput): Promise<FileResult> {
    const prepared = input.prepared?.requester.id === input.requesterId ? input.prepared : undefined;
    const user = prepared?.requester ?? (await this.deps.tenant.getUser(input.requesterId));
    if (!user) {
      return {
        kind: 'unknown-requester',
        message: "I couldn't find your account in the organisation's directory, so I can't file this request.",
      };
    }
    const satisfied = input.extensionOf || prepared ? undefined : await this.alreadySatisfied(input.details, user);
    if (satisfied) return { kind: 'satisfied', message: satisfied };

    const pending = await this.deps.store.requests.list({
      requesterId: user.id,
      status: ['pending', 'approved', 'executing'],
    });
    const duplicate = pending.find((r) => sameTarget(r.details, input.details));
    if (duplicate) return { kind: 'duplicate', request: duplicate };

    const context = await this.routingContext(user);
    const at = this.now();

    return this.deps.store.transaction(async (session): Promise<FileResult> => {
      // Checked again inside the (serialised) transaction: two identical requests filed at the same moment
      // yield one request and one "you already asked".
      const open = await session.requests.list({ requesterId: user.id, status: ['pending', 'approved', 'executing'] });
      const twin = open.find((r) => sameTarget(r.details, input.details));
      if (twin) return { kind: 'duplicate', request: twin };
      const id = await session.requests.nextId();
      const draft = newRequest(id, user, input, at);
      const decision = this.deps.policy.route(draft, context);
      const grantEndsAt = capGrantEnd(draft, decision.maxDuration, at);
      let request: GovernanceRequest = {
        ...draft,
        stages: decision.stages,
        routing: { ...decision.routing, context },
        grantEndsAt,
      };
      await session.requests.insert(request);
      await this.audit(session, request, {
        actorId: user.id,
        actorUpn: user.userPrincipalName,
        action: 'request.created',
        outcome: 'success',
        correlationId: input.correlationId,
        details: { type: request.type, justification: request.justification, routing: request.routing },
      });

      if (decision.routing.outcome === 'auto-deny') {
        const out = autoDeny(request, at);
        if (out.ok) request = await this.save(session, out.request, request.version);
        await this.audit(session, request, {
          actorId: 'system',
          action: 'request.auto-denied',
          outcome: 'success',
          details: { rule: decision.routing.ruleId, reason: decision.denyReason },
        });
        return { kind: 'denied', request, reason: decision.denyReason ?? decision.routing.reason };
      }
      if (decision.routing.outcome === 'auto-approve') {
        const out = autoApprove(request, at);
        if (out.ok) request = await this.save(session, out.request, request.version);
        await this.audit(session, request, {
          actorId: 'system',
          action: 'request.auto-approved',
          outcome: 'success',
          details: { rule: decision.routing.ruleId },
        });
        await session.jobs.enqueue({
          kind: EXECUTE_JOB,
          payload: { requestId: id },
          runAt: at,
          dedupeKey: `execute:${id}`,
        });
        await this.deps.lifecycle?.onApproved(session, request);
        const posted = await this.postNewApprovalCard(session, request);
        return { kind: 'filed', request, approvalsChannelMissing: !posted };
      }
      const posted = await this.postNewApprovalCard(session, request);
      await this.deps.lifecycle?.onFiled(session, request);
      if (!posted) {
        await this.audit(session, request, {
          actorId: 'system',
          action: 'request.awaiting-approvals-channel',
          outcome: 'info',
          details: { message: 'No approvals channel is set; the card will be posted when one is.' },
        });
      }
      return { kind: 'filed', request, approvalsChannelMissing: !posted };
    });
  }

  /**
   * The policy's answer for a request that is not filed ("if I asked for …, who would approve?"): routed with the
   * requester's groups and plans exactly as file() routes, and stored nowhere. Undefined for an unknown user.
   */
  async dryRun(input: Pick<FileInput, 'requesterId' | 'details'>): Promise<GovernanceRequest | undefined> {
    const user = await this.deps.tenant.getUser(input.requesterId);
    if (!user) return undefined;
    const context = await this.routingContext(user);
    const draft = newRequest('DRY-RUN', user, input, this.now());
    const decision = this.deps.policy.route(draft, context);
    return { ...draft, stages: decision.stages, routing: { ...decision.routing, context } };
  }

  private async save(session: StoreSession, request: GovernanceRequest, expectedVersion: number) {
    const next = { ...request, version: expectedVersion + 1 };
    if (!(await session.requests.update(next, expectedVersion))) {
      throw new ConcurrentUpdateError(request.id);
    }
    return next;
  }

  /**
   * Whether this person may decide the stage now waiting: the decide path's own checks (stage group, not the
   * requester, not someone who already approved an earlier stage). Chooses the view of a card drawn for them.
   */
  async mayDecideNow(request: GovernanceRequest, userId: string): Promise<boolean> {
    if (decisionRefusal(request, userId, true)) return false;
    return this.isStageApprover(request, userId, true);
  }

  /**
   * Whether the actor belongs to the group (or escalation group) of the stage now waiting. A Graph check made in
   * the same turn that covered these groups (`known`) answers without asking again.
   */
  private async isStageApprover(
    request: GovernanceRequest,
    actorId: string,
    inDirectory: boolean,
    known?: GroupMembership,
  ): Promise<boolean> {
    const stage = currentStage(request);
    const current = stage === undefined ? undefined : request.stages[stage];
    // After an escalation, members of the escalation group may decide the stage too.
    const groups = current ? [current.groupId, ...(current.escalatedTo ? [current.escalatedTo.groupId] : [])] : [];
    if (!inDirectory || groups.length === 0) return false;
    const answered = known && known.userId === actorId ? answerFrom(known, groups) : undefined;
    if (answered !== undefined) return answered;
    return (await this.deps.tenant.memberOfGroups(actorId, groups)).length > 0;
  }

  private deciderEntry(userId: string): Promise<DirectoryUser | undefined> {
    return this.deciders.fetch(userId);
  }

  /** Stores the receipt card's location so later progress edits it in place. */
  async attachReceipt(requestId: string, conversationId: string, activityId: string): Promise<void> {
    for (let attempt = 0; attempt < 3; attempt++) {
      const ok = await this.deps.store.transaction(async (session) => {
        const request = await session.requests.get(requestId);
        if (!request) return true;
        return session.requests.update(
          { ...request, version: request.version + 1, receiptCard: { conversationId, activityId } },
          request.version,
        );
      });
      if (ok) return;
    }
  }

  /**
   * Why nothing needs approving, or undefined when it does. The maker-role preparer (preparers/maker-role.ts) checks
   * the same before a chat files a request (FileInput.prepared).
   */
  private async alreadySatisfied(details: RequestDetails, user: DirectoryUser): Promise<string | undefined> {
    if (details.type !== 'maker-role') return undefined;
    const env = details.environment;
    if (env.isDefault) {
      return `Every licensed user is already an Environment Maker in the default environment (${env.displayName}), so there is nothing to approve.`;
    }
    if (await this.deps.tenant.hasEnvironmentRole(env, user.id, 'EnvironmentMaker')) {
      return `You already hold the Environment Maker role in ${env.displayName}, so there is nothing to approve.`;
    }
    return undefined;
  }

  /**
   * An approver's verdict from a card or a text command. The request id is the only thing taken from the
   * caller's input; who may decide is worked out from stored state and the directory.
   */
  async decide(
    input: {
      requestId: string;
      actorId: string;
      actorName?: string | undefined;
      verdict: 'approve' | 'reject';
      comment?: string | undefined;
      /** The revision the card was rendered from (cardRevision), when the decision comes from a card. */
      cardRevision?: number | undefined;
      correlationId?: string | undefined;
      /** What the approver picked on the card (connector unblock: target group and breadth of the change). */
      choices?: DecisionChoices | undefined;
    },
    /** The request as the caller just read it to check visibility, and the Graph check it made (saves a re-read). */
    seen?: { request: GovernanceRequest; membership?: GroupMembership },
  ): Promise<DecisionResult> {
    for (let attempt = 0; attempt < 3; attempt++) {
      // A stale first read costs nothing: the save is version-checked, and a conflict re-reads.
      const request =
        attempt === 0 && seen?.request.id === input.requestId
          ? seen.request
          : await this.deps.store.requests.get(input.requestId);
      const membership = attempt === 0 ? seen?.membership : undefined;
      if (!request) {
        await this.deps.store.audit.append({
          at: this.now(),
          actorId: input.actorId,
          action: `request.${input.verdict}.refused`,
          outcome: 'refused',
          targetType: 'request',
          targetId: input.requestId.slice(0, 64),
          correlationId: input.correlationId,
          details: { code: 'UNKNOWN_REQUEST' },
        });
        return { kind: 'unknown-request', message: `I can't find a request called ${input.requestId.slice(0, 64)}.` };
      }
      const directoryUser = await this.deciderEntry(input.actorId);
      const actor: Person = directoryUser
        ? personOf(directoryUser)
        : { id: input.actorId, upn: '', displayName: input.actorName ?? 'Unknown user' };

      // Who may decide comes before whether the card was current: "decide again" is only true for someone who may
      // decide the stage now waiting (an approver of an earlier stage would get a card without buttons).
      let isApprover = await this.isStageApprover(request, actor.id, directoryUser !== undefined, membership);
      let refusal: Refusal | undefined;
      if (isApprover && request.status === 'pending' && actor.id !== request.requester.id) {
        const conflict = await environmentOwnerConflict(this.deps.tenant, request, actor.id);
        if (conflict) refusal = { code: 'OWNER_CONFLICT', message: conflict };
      }
      refusal ??= decisionRefusal(request, actor.id, isApprover);
      const stale =
        input.cardRevision !== undefined &&
        input.cardRevision !== cardRevision(request) &&
        request.status === 'pending';
      if (stale) {
        const outOfDate = `This card was out of date (${request.id} changed since it was posted).`;
        // Not an approver of the stage now waiting: the card's stage was decided meanwhile, which is the news.
        if (refusal?.code === 'NOT_AN_APPROVER')
          refusal = { ...refusal, message: `${outOfDate} ${refusal.message} Here is the current state.` };
        else if (!refusal)
          refusal = {
            code: 'STALE_CARD',
            message: `${outOfDate} Here is the current state; please check it and decide again.`,
          };
      }
      let next: GovernanceRequest | undefined;
      let reroute: RerouteResult = { kind: 'unchanged' };
      let rerouted: string | undefined;
      if (!refusal) {
        // Route on what will actually be executed: the approver's choices may need more approvals.
        let candidate = applyChoices(request, input.verdict, input.choices);
        if (!refusal && isApprover && candidate !== request && request.status === 'pending') {
          const requester = await this.deps.tenant.getUser(request.requester.id);
          // A requester gone from the directory: the groups and plans the request was filed with.
          const context = requester
            ? await this.routingContext(requester)
            : (request.routing?.context ?? { requesterGroupIds: [], requesterPlans: [] });
          reroute = mergeRouting(request, this.deps.policy.route(candidate, context));
          const choice = describeChoice(candidate);
          if (reroute.kind === 'denied') {
            refusal = {
              code: 'CHOICE_NOT_ALLOWED',
              message: `${choice} is not allowed by rule "${reroute.ruleId}": ${reroute.reason} Nothing was changed; choose a narrower change or reject.`,
            };
          } else if (reroute.kind === 'rerouted') {
            candidate = {
              ...candidate,
              stages: reroute.stages,
              routing: { ...reroute.routing, context },
              grantEndsAt: capGrantEnd(candidate, reroute.maxDuration, this.now()),
            };
            if (reroute.added.length > 0 || reroute.raised.length > 0)
              rerouted = describeReroute(choice, reroute, reroute.routing.ruleId);
            // A raised count may reopen an earlier stage: the actor must belong to the stage now being decided.
            if (currentStage(candidate) !== currentStage(request))
              isApprover = await this.isStageApprover(candidate, actor.id, directoryUser !== undefined, membership);
          }
        }
        const out = refusal
          ? undefined
          : decide(candidate, {
              actor,
              verdict: input.verdict,
              comment: input.comment,
              actorIsStageApprover: isApprover,
              at: this.now(),
            });
        if (out?.ok) next = out.request;
        else if (out) refusal = out.refusal;
      }

      if (refusal) {
        const shown = refusal;
        await this.deps.store.audit.append({
          at: this.now(),
          actorId: actor.id,
          actorUpn: actor.upn || undefined,
          action: `request.${input.verdict}.refused`,
          outcome: 'refused',
          requestId: request.id,
          ...targetOf(request.details),
          correlationId: input.correlationId,
          details: { code: shown.code, reason: shown.message, status: request.status },
        });
        return { kind: 'refused', request, refusal: shown };
      }
      if (!next) continue;
      const decided = next;
      try {
        const saved = await this.deps.store.transaction(async (session) => {
          const stored = await this.save(session, decided, request.version);
          const change = changeFacts(stored);
          if (reroute.kind === 'rerouted') {
            await this.audit(session, stored, {
              actorId: actor.id,
              actorUpn: actor.upn,
              action: 'request.rerouted',
              outcome: 'info',
              correlationId: input.correlationId,
              details: {
                ...change,
                fromRule: request.routing?.ruleId,
                toRule: reroute.routing.ruleId,
                reason: reroute.routing.reason,
                addedStages: reroute.added.map((s) => `${s.name} (${s.groupName ?? s.groupId})`),
                raisedStages: reroute.raised.map((s) => `${s.name}: ${s.approvals} approvals`),
                stages: stored.stages.map((s) => `${s.name} (${s.groupName ?? s.groupId})`),
              },
            });
          }
          await this.audit(session, stored, {
            actorId: actor.id,
            actorUpn: actor.upn,
            action: input.verdict === 'approve' ? 'request.approved' : 'request.rejected',
            outcome: 'success',
            correlationId: input.correlationId,
            details: {
              comment: input.comment,
              stage: decided.decisions.at(-1)?.stage,
              stageName: stored.stages[decided.decisions.at(-1)?.stage ?? 0]?.name,
              status: stored.status,
              ...change,
            },
          });
          if (stored.status === 'approved') {
            await session.jobs.enqueue({
              kind: EXECUTE_JOB,
              payload: { requestId: stored.id },
              runAt: this.now(),
              dedupeKey: `execute:${stored.id}`,
            });
            await this.deps.lifecycle?.onApproved(session, stored);
          } else if (stored.status !== 'pending') await this.deps.lifecycle?.onLeftPending(session, stored);
          else if (currentStage(stored) !== currentStage(request))
            await this.deps.lifecycle?.onStagePassed(session, stored);
          if (stored.status !== 'pending')
            // "approved by …" / "rejected by …: reason" (the audit post is read later, without the card).
            await this.announce(
              session,
              stored,
              `${input.verdict === 'approve' ? 'approved' : 'rejected'} by ${actor.displayName}${input.verdict === 'reject' && input.comment ? `: “${input.comment}”` : ''}`,
            );
          else await this.publishApprovalCard(session, stored, rerouted ? { text: rerouted, tone: 'info' } : undefined);
          return stored;
        });
        return { kind: 'decided', request: saved, rerouted };
      } catch (error) {
        if (error instanceof ConcurrentUpdateError) continue; // someone else decided at the same moment: re-read
        throw error;
      }
    }
    const request = await this.deps.store.requests.get(input.requestId);
    if (!request) return { kind: 'unknown-request', message: `I can't find ${input.requestId}.` };
    return {
      kind: 'refused',
      request,
      refusal: { code: 'ALREADY_DECIDED', message: `${request.id} was decided by someone else at the same moment.` },
    };
  }

  async cancel(requestId: string, actorId: string): Promise<DecisionResult> {
    // A concurrent edit (a receipt attached, an approver deciding) makes the save fail: re-read and decide again.
    for (let attempt = 0; ; attempt++) {
      const request = await this.deps.store.requests.get(requestId);
      if (!request) return { kind: 'unknown-request', message: `I can't find a request called ${requestId}.` };
      const out = cancel(request, actorId, this.now());
      if (!out.ok) {
        await this.deps.store.audit.append({
          at: this.now(),
          actorId,
          action: 'request.cancel.refused',
          outcome: 'refused',
          requestId,
          details: { code: out.refusal.code },
        });
        return { kind: 'refused', request, refusal: out.refusal };
      }
      try {
        const saved = await this.deps.store.transaction(async (session) => {
          const stored = await this.save(session, out.request, request.version);
          await this.audit(session, stored, { actorId, action: 'request.cancelled', outcome: 'success' });
          await this.deps.lifecycle?.onLeftPending(session, stored);
          await this.announce(session, stored, 'cancelled by the requester');
          return stored;
        });
        return { kind: 'decided', request: saved };
      } catch (error) {
        if (!(error instanceof ConcurrentUpdateError) || attempt >= 4) throw error;
      }
    }
  }

  /** After an approvals channel is set, post the cards of requests that were waiting for one. */
  async publishWaitingCards(): Promise<number> {
    const pending = await this.deps.store.requests.list({ status: ['pending'] });
    let posted = 0;
    for (const request of pending) {
      const done = await this.deps.store.transaction(async (session) => {
        if (await session.outbox.getByKey(outboxKeys.approvalCard(request.id))) return false;
        return this.publishApprovalCard(session, request);
      });
      if (done) posted++;
    }
    return posted;
  }
}

/** A request as filed, before the policy routes it. */
function newRequest(
  id: string,
  user: DirectoryUser,
  input: Pick<FileInput, 'details' | 'justification' | 'grantEndsAt' | 'extensionOf'>,
  at: string,
): GovernanceRequest {
  return {
    id,
    version: 1,
    type: input.details.type,
    status: 'pending',
    requester: { ...personOf(user), hasPowerAppsLicense: user.hasPowerAppsLicense },
    details: input.details,
    justification: input.justification,
    createdAt: at,
    updatedAt: at,
    decisions: [],
    stages: [],
    execution: { progress: [], checkpoint: {}, apiCalls: [] },
    grantEndsAt: input.grantEndsAt,
    extensionOf: input.extensionOf,
  };
}

export class ConcurrentUpdateError extends Error {
  constructor(readonly requestId: string) {
    super(`${requestId} was changed by someone else`);
    this.name = 'ConcurrentUpdateError';
  }
}

function sameTarget(a: RequestDetails, b: RequestDetails): boolean {
  if (a.type !== b.type) return false;
  switch (a.type) {
    case 'maker-role':
      return b.type === 'maker-role' && a.environment.id === b.environment.id;
    case 'connector-unblock':
      return (
        b.type === 'connector-unblock' && a.environment.id === b.environment.id && a.connector.id === b.connector.id
      );
    case 'new-environment':
      return b.type === 'new-environment' && a.displayName.toLowerCase() === b.displayName.toLowerCase();
    case 'release':
      return (
        b.type === 'release' &&
        a.access === b.access &&
        a.environment.id === b.environment.id &&
        a.connector?.id === b.connector?.id
      );
    default: {
      const never: never = a;
      return never;
    }
  }
}

/**
 * The request as the approver's choices would execute it (a connector unblock: group and breadth), or the
 * same object when the choices change nothing. The caller routes the result again before deciding.
 */
function applyChoices(
  request: GovernanceRequest,
  verdict: 'approve' | 'reject',
  choices: DecisionChoices | undefined,
): GovernanceRequest {
  const d = request.details;
  if (verdict !== 'approve' || !choices || d.type !== 'connector-unblock') return request;
  const classification = choices.classification ?? d.classification;
  const scope = choices.scope ?? d.scope;
  if (classification === d.classification && scope === d.scope) return request;
  return { ...request, details: { ...d, classification, scope } };
}

/** "Tenant-wide as Business": the approver's choice in words. */
function describeChoice(request: GovernanceRequest): string {
  const d = request.details;
  if (d.type !== 'connector-unblock') return 'This choice';
  const group = d.classification === 'Confidential' ? 'Business' : 'Non-business';
  return d.scope === 'tenant-wide'
    ? `Tenant-wide as ${group}`
    : `An exception for ${d.environment.displayName} as ${group}`;
}

/** Scope and classification of a connector unblock, for audit records and the export's columns. */
export function changeFacts(request: GovernanceRequest): { scope?: string; classification?: string } {
  const d = request.details;
  if (d.type !== 'connector-unblock') return {};
  return { scope: d.scope, classification: d.classification === 'Confidential' ? 'Business' : 'Non-business' };
}
