// Card action data arrives as untrusted JSON: parse it into a typed value or a clear refusal.
// Only the request id (and the approver's own inputs) are taken from a card; authority never is.
import { z } from 'zod';

const requestId = z
  .string()
  .trim()
  .regex(/^REQ-\d{1,9}$/i, 'not a request id')
  .transform((s) => s.toUpperCase());

export const decisionData = z.object({
  requestId,
  revision: z.coerce.number().int().min(0).optional(),
  comment: z.string().max(1000).optional(),
  classification: z.enum(['General', 'Confidential']).optional(),
  scope: z.enum(['exception', 'tenant-wide']).optional(),
});
export type DecisionData = z.infer<typeof decisionData>;

export const requestRefData = z.object({ requestId, revision: z.coerce.number().int().min(0).optional() });

/** "Need more info": the approver's question arrives in the comment box. */
export const questionData = z.object({ requestId, comment: z.string().max(1000).optional() });
export const answerData = z.object({ requestId, answer: z.string().max(2000).optional() });
export const extendData = z.object({ requestId, duration: z.enum(['P7D', 'P14D', 'P30D']).optional() });

export function parseCardData<T>(schema: z.ZodType<T>, data: unknown): { ok: true; value: T } | { ok: false } {
  const result = schema.safeParse(data ?? {});
  return result.success ? { ok: true, value: result.data } : { ok: false };
}
