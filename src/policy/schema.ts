// The shape of the approval policy file. Every field is checked at start; the loader turns a zod issue
// path into the line and column of the offending YAML node.
import { z } from 'zod';
import { ROUTED_REQUEST_TYPES } from '../requests/model.js';
import { durationMs } from './duration.js';
import { DEFAULT_REASON_SCOPES, REASON_SCOPES } from './reason-required.js';

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const SKUS = ['Production', 'Sandbox', 'Trial', 'Developer', 'Default'] as const;

/** One value or a list of values: `type: maker-role` and `type: [maker-role, connector-unblock]` both work. */
const oneOrMany = <T extends z.ZodTypeAny>(item: T) =>
  z.preprocess((v) => (v === undefined || Array.isArray(v) ? v : [v]), z.array(item).min(1)) as unknown as z.ZodType<
    z.infer<T>[],
    z.ZodTypeDef,
    z.input<T> | z.input<T>[]
  >;

const text = z.string().trim().min(1);
const duration = z
  .string()
  .refine(
    (v) => durationMs(v) !== undefined,
    'must be an ISO 8601 duration in weeks, days, hours or minutes, e.g. P14D or PT12H',
  );

const groupRef = text; // an alias from `groups:` or a group id (GUID)

const stage = z
  .object({
    name: text,
    group: groupRef,
    approvals: z.number().int().min(1).max(10).default(1),
  })
  .strict();

const match = z
  .object({
    type: oneOrMany(z.enum(ROUTED_REQUEST_TYPES)).optional(),
    environment: z
      .object({
        sku: oneOrMany(z.enum(SKUS)).optional(),
        /** Display-name patterns; `*` matches any text, case-insensitive. */
        name: oneOrMany(text).optional(),
        /** Tags given to environments under `environmentTags:` (any of them matches). */
        tags: oneOrMany(text).optional(),
        hasDataverse: z.boolean().optional(),
      })
      .strict()
      .optional(),
    connector: z
      .object({
        tier: oneOrMany(z.enum(['Standard', 'Premium'])).optional(),
        /** Connector names (shared_xxx) or full ids. */
        id: oneOrMany(text).optional(),
        /** The group the connector moves to, as finally chosen by the approver (Business shares data with Office). */
        classification: oneOrMany(z.enum(['Business', 'Non-business'])).optional(),
      })
      .strict()
      .optional(),
    dlp: z
      .object({
        /** The change touches a policy that covers all environments (or is a tenant-wide reclassification). */
        touchesAllEnvironments: z.boolean().optional(),
      })
      .strict()
      .optional(),
    requester: z
      .object({
        /** Group aliases or ids; the requester must (transitively) belong to at least one. */
        groups: oneOrMany(groupRef).optional(),
        departments: oneOrMany(text).optional(),
        /** Holds any Power Apps plan. */
        licensed: z.boolean().optional(),
        /** Holds one of the plans listed under `premiumPlans:`. */
        premiumLicence: z.boolean().optional(),
      })
      .strict()
      .optional(),
    /** True: only extensions of an existing time-bound grant; false: only new requests. */
    extension: z.boolean().optional(),
  })
  .strict();

const outcome = z
  .object({
    outcome: z.enum(['auto-approve', 'auto-deny', 'require-approval']),
    stages: z.array(stage).min(1).max(5).optional(),
    barEnvironmentOwners: z.boolean().default(false),
    maxDuration: duration.optional(),
  })
  .strict();

const rule = z
  .object({
    id: z.string().regex(/^[a-z0-9][a-z0-9-]{0,62}$/, 'must be lower-case letters, digits and dashes (at most 63)'),
    description: text,
    when: match.default({}),
    route: outcome,
  })
  .strict()
  .superRefine((r, ctx) => {
    if (r.route.outcome === 'require-approval' && !r.route.stages) {
      ctx.addIssue({ code: 'custom', path: ['route', 'stages'], message: 'require-approval needs at least one stage' });
    }
    if (r.route.outcome !== 'require-approval' && r.route.stages) {
      ctx.addIssue({ code: 'custom', path: ['route', 'stages'], message: `${r.route.outcome} takes no stages` });
    }
  });

export const policyFileSchema = z
  .object({
    version: z.literal(1),
    groups: z.record(
      z.string().regex(/^[a-z][a-z0-9-]*$/, 'group aliases are lower-case words'),
      z.object({ id: z.string().regex(GUID, 'must be an Entra group id (GUID)'), name: text }).strict(),
    ),
    premiumPlans: z
      .array(text)
      .default(['POWERAPPS_PER_USER', 'POWERAPPS_P2', 'FLOW_PER_USER', 'FLOW_P2', 'POWERAPPS_PER_APP']),
    environmentTags: z.record(text, z.array(text)).default({}),
    /** Which group a waiting stage escalates to: alias → alias. */
    escalation: z.record(groupRef, groupRef).default({}),
    /** Requests the bot files only with a reason (it asks when none was given); [] turns it off. */
    requireReasonFor: z.array(z.enum(REASON_SCOPES)).default([...DEFAULT_REASON_SCOPES]),
    rules: z.array(rule).max(200),
    fallback: z
      .object({
        description: text,
        stages: z.array(stage).min(1).max(5),
      })
      .strict(),
  })
  .strict()
  .superRefine((file, ctx) => {
    const known = (ref: string) => ref in file.groups || GUID.test(ref);
    const checkGroup = (ref: string, path: (string | number)[]) => {
      if (!known(ref))
        ctx.addIssue({ code: 'custom', path, message: `unknown group "${ref}" (not under groups: and not a GUID)` });
    };
    const seen = new Set<string>();
    file.rules.forEach((r, i) => {
      if (seen.has(r.id))
        ctx.addIssue({ code: 'custom', path: ['rules', i, 'id'], message: `duplicate rule id "${r.id}"` });
      seen.add(r.id);
      r.route.stages?.forEach((s, j) => {
        checkGroup(s.group, ['rules', i, 'route', 'stages', j, 'group']);
      });
      r.when.requester?.groups?.forEach((g, j) => {
        checkGroup(g, ['rules', i, 'when', 'requester', 'groups', j]);
      });
    });
    file.fallback.stages.forEach((s, j) => {
      checkGroup(s.group, ['fallback', 'stages', j, 'group']);
    });
    for (const [from, to] of Object.entries(file.escalation)) {
      checkGroup(from, ['escalation', from]);
      checkGroup(to, ['escalation', from]);
    }
  });

export type PolicyFile = z.infer<typeof policyFileSchema>;
export type PolicyRule = PolicyFile['rules'][number];
export type PolicyStage = z.infer<typeof stage>;
