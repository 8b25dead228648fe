// The approval policy as code: the first rule whose every condition holds routes the request; when none
// does, the fallback asks for approval. Pure (no I/O): the caller supplies the requester's group
// memberships and plans, so the same request and context always give the same decision and explanation.
import { CLASSIFICATION_LABEL } from '../dlp/classification.js';
import type { ApprovalStage, GovernanceRequest } from '../requests/model.js';
import type { ReasonScope } from './reason-required.js';
import type { RoutingContext, RoutingDecision, RoutingExplanation, RoutingPolicy } from './routing.js';
import type { PolicyFile, PolicyRule, PolicyStage } from './schema.js';

type Check = { ok: boolean; because: string };

interface Target {
  sku?: string | undefined;
  name?: string | undefined;
  id?: string | undefined;
  hasDataverse?: boolean | undefined;
}

function targetEnvironment(request: GovernanceRequest): Target {
  const d = request.details;
  if (d.type === 'new-environment') return { sku: d.sku, name: d.displayName, hasDataverse: d.dataverse !== undefined };
  return {
    sku: d.environment.sku,
    name: d.environment.displayName,
    id: d.environment.id,
    hasDataverse: d.environment.hasDataverse,
  };
}

/** `*` matches any text; everything else literally, ignoring case. */
function globMatches(pattern: string, value: string): boolean {
  const escaped = pattern
    .split('*')
    .map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
    .join('.*');
  return new RegExp(`^${escaped}$`, 'i').test(value);
}

const lower = (s: string) => s.toLowerCase();

export class RulesPolicy implements RoutingPolicy {
  constructor(private readonly file: PolicyFile) {}

  get rules(): readonly PolicyRule[] {
    return this.file.rules;
  }

  get requireReasonFor(): readonly ReasonScope[] {
    return this.file.requireReasonFor;
  }

  private groupOf(ref: string): { groupId: string; groupName?: string | undefined } {
    const alias = this.file.groups[ref];
    if (alias) return { groupId: alias.id, groupName: alias.name };
    const named = Object.values(this.file.groups).find((g) => lower(g.id) === lower(ref));
    return { groupId: ref, groupName: named?.name };
  }

  private stagesOf(stages: PolicyStage[]): ApprovalStage[] {
    return stages.map((s) => {
      const group = this.groupOf(s.group);
      return { name: s.name, groupId: group.groupId, groupName: group.groupName, approvals: s.approvals };
    });
  }

  private tagsOf(env: Target): string[] {
    const tags: string[] = [];
    for (const [key, values] of Object.entries(this.file.environmentTags)) {
      if ((env.id && lower(key) === lower(env.id)) || (env.name && lower(key) === lower(env.name)))
        tags.push(...values);
    }
    return tags;
  }

  private hasPremium(context: RoutingContext): boolean {
    const premium = new Set(this.file.premiumPlans.map(lower));
    return (context.requesterPlans ?? []).some((p) => premium.has(lower(p)));
  }

  /** Every condition of a rule, each with a plain reason; the rule matches when all hold. */
  private checks(rule: PolicyRule, request: GovernanceRequest, context: RoutingContext): Check[] {
    const w = rule.when;
    const out: Check[] = [];
    const env = targetEnvironment(request);
    const d = request.details;
    if (w.type)
      out.push({
        ok: (w.type as readonly string[]).includes(request.type),
        because: `type is ${request.type} (rule wants ${w.type.join(' or ')})`,
      });
    if (w.environment?.sku)
      out.push({
        ok: env.sku !== undefined && w.environment.sku.includes(env.sku as never),
        because: `environment type is ${env.sku ?? 'unknown'} (rule wants ${w.environment.sku.join(' or ')})`,
      });
    if (w.environment?.name) {
      const names = w.environment.name;
      out.push({
        ok: env.name !== undefined && names.some((p) => globMatches(p, env.name ?? '')),
        because: `environment "${env.name ?? ''}" against ${names.map((n) => `"${n}"`).join(', ')}`,
      });
    }
    if (w.environment?.tags) {
      const tags = this.tagsOf(env);
      const wanted = w.environment.tags;
      out.push({
        ok: wanted.some((t) => tags.map(lower).includes(lower(t))),
        because: `environment tags [${tags.join(', ')}] (rule wants any of ${wanted.join(', ')})`,
      });
    }
    if (w.environment?.hasDataverse !== undefined)
      out.push({
        ok: env.hasDataverse === w.environment.hasDataverse,
        because: `environment ${env.hasDataverse ? 'has' : 'has no'} Dataverse`,
      });
    if (w.connector) {
      const connector = d.type === 'connector-unblock' ? d.connector : undefined;
      if (w.connector.tier)
        out.push({
          ok: connector !== undefined && w.connector.tier.includes(connector.tier as never),
          because: connector
            ? `connector tier is ${connector.tier} (rule wants ${w.connector.tier.join(' or ')})`
            : 'no connector in this request',
        });
      if (w.connector.id) {
        const ids = w.connector.id.map(lower);
        out.push({
          ok: connector !== undefined && (ids.includes(lower(connector.name)) || ids.includes(lower(connector.id))),
          because: connector ? `connector is ${connector.name}` : 'no connector in this request',
        });
      }
      if (w.connector.classification) {
        const group = d.type === 'connector-unblock' ? CLASSIFICATION_LABEL[d.classification] : undefined;
        out.push({
          ok: group !== undefined && w.connector.classification.includes(group as never),
          because: group
            ? `the connector would become ${group} (rule wants ${w.connector.classification.join(' or ')})`
            : 'no connector in this request',
        });
      }
    }
    if (w.dlp?.touchesAllEnvironments !== undefined) {
      const tenantWide = d.type === 'connector-unblock' && d.scope === 'tenant-wide';
      const touches =
        d.type === 'connector-unblock' &&
        (tenantWide || (d.impact?.policies ?? []).some((p) => p.environmentType === 'AllEnvironments'));
      out.push({
        ok: touches === w.dlp.touchesAllEnvironments,
        because: tenantWide
          ? 'the change is tenant-wide: every environment the blocking policies cover gains the connector'
          : touches
            ? 'the change touches a DLP policy that covers all environments'
            : 'the change is an exception for one environment; no policy covering all environments is touched',
      });
    }
    const r = w.requester;
    if (r?.groups) {
      const ids = r.groups.map((g) => lower(this.groupOf(g).groupId));
      const member = context.requesterGroupIds.some((g) => ids.includes(lower(g)));
      out.push({ ok: member, because: `requester ${member ? 'is' : 'is not'} in ${r.groups.join(' or ')}` });
    }
    if (r?.departments) {
      const dep = request.requester.department ?? '';
      out.push({
        ok: r.departments.map(lower).includes(lower(dep)),
        because: `requester department is "${dep || 'unknown'}"`,
      });
    }
    if (r?.licensed !== undefined) {
      const has = request.requester.hasPowerAppsLicense;
      out.push({ ok: has === r.licensed, because: `requester ${has ? 'holds' : 'holds no'} Power Apps licence` });
    }
    if (r?.premiumLicence !== undefined) {
      const has = this.hasPremium(context);
      out.push({
        ok: has === r.premiumLicence,
        because: `requester ${has ? 'holds' : 'holds no'} premium (per-user or per-app) plan`,
      });
    }
    if (w.extension !== undefined) {
      const ext = request.extensionOf !== undefined;
      out.push({
        ok: ext === w.extension,
        because: ext ? `extends ${request.extensionOf}` : 'is a new request, not an extension',
      });
    }
    if (out.length === 0) out.push({ ok: true, because: 'the rule has no conditions' });
    return out;
  }

  explain(request: GovernanceRequest, context: RoutingContext): RoutingExplanation {
    const considered: RoutingExplanation['considered'] = [];
    for (const rule of this.file.rules) {
      const checks = this.checks(rule, request, context);
      const matched = checks.every((c) => c.ok);
      // For a rule that did not match, the failing conditions are the interesting part.
      considered.push({
        ruleId: rule.id,
        matched,
        because: (matched ? checks : checks.filter((c) => !c.ok)).map((c) => c.because),
      });
      if (matched) {
        const stages = rule.route.stages ? this.stagesOf(rule.route.stages) : [];
        return {
          ruleId: rule.id,
          outcome: rule.route.outcome,
          reason: rule.description,
          considered,
          stages,
          maxDuration: rule.route.maxDuration,
          barEnvironmentOwners: rule.route.barEnvironmentOwners || undefined,
        };
      }
    }
    return {
      ruleId: 'fallback',
      outcome: 'require-approval',
      reason: this.file.fallback.description,
      considered,
      stages: this.stagesOf(this.file.fallback.stages),
    };
  }

  route(request: GovernanceRequest, context: RoutingContext): RoutingDecision {
    const x = this.explain(request, context);
    return {
      routing: {
        ruleId: x.ruleId,
        reason: x.reason,
        outcome: x.outcome,
        barEnvironmentOwners: x.barEnvironmentOwners,
        maxDuration: x.maxDuration,
      },
      stages: x.stages,
      denyReason: x.outcome === 'auto-deny' ? x.reason : undefined,
      maxDuration: x.maxDuration,
      barEnvironmentOwners: x.barEnvironmentOwners,
    };
  }

  /** Every group that approves a stage or is escalated to (for the per-reader card views). */
  approverGroupIds(): string[] {
    const ids = new Set<string>();
    const stages = [...this.file.rules.flatMap((r) => r.route.stages ?? []), ...this.file.fallback.stages];
    for (const s of stages) ids.add(this.groupOf(s.group).groupId);
    for (const [from, to] of Object.entries(this.file.escalation)) {
      ids.add(this.groupOf(from).groupId);
      ids.add(this.groupOf(to).groupId);
    }
    return [...ids];
  }

  groupsOfInterest(): string[] {
    const ids = new Set<string>();
    for (const rule of this.file.rules)
      for (const g of rule.when.requester?.groups ?? []) ids.add(this.groupOf(g).groupId);
    return [...ids];
  }

  escalationGroup(stage: ApprovalStage): { groupId: string; groupName?: string | undefined } | undefined {
    for (const [from, to] of Object.entries(this.file.escalation)) {
      if (lower(this.groupOf(from).groupId) !== lower(stage.groupId)) continue;
      const target = this.groupOf(to);
      return lower(target.groupId) === lower(stage.groupId) ? undefined : target;
    }
    return undefined;
  }
}

/** Plain-words explanation for the CLI and the "why?" button. */
export function formatExplanation(requestId: string, x: RoutingExplanation): string {
  const lines = [`${requestId} was routed by rule "${x.ruleId}" (${x.outcome}): ${x.reason}`];
  if (x.stages.length > 0) {
    lines.push('Approvals needed:');
    x.stages.forEach((s, i) => {
      lines.push(
        `  ${i + 1}. ${s.name}: ${s.approvals} distinct approver${s.approvals === 1 ? '' : 's'} from ${s.groupName ?? s.groupId}`,
      );
    });
  }
  if (x.maxDuration) lines.push(`Grants under this rule last at most ${x.maxDuration}.`);
  if (x.barEnvironmentOwners) lines.push("The environment's creator and admins may not approve.");
  lines.push('Rules considered, in order:');
  for (const c of x.considered) lines.push(`  ${c.matched ? '✔' : '✘'} ${c.ruleId}: ${c.because.join('; ')}`);
  if (x.ruleId === 'fallback') lines.push('  → no rule matched, so the fallback applies.');
  return lines.join('\n');
}
