// GET /api/ops/audit: the audit log for ops (read-only): every decision
// applied and every attempt refused, oldest first, in pages by seq. Filters:
// subject (id, optionally its type), actor (sub), outcome, time range.
// `npm run audit:verify` checks the chain itself.
import { Router } from 'express';
import { z } from 'zod';
import type { Db } from '../infra/database';
import { route } from './openapi';
import { parseBody } from './validation';

const instant = z.iso.datetime({ offset: true });

export const auditQuerySchema = z.strictObject({
  subject: z.string().min(1).max(200).optional(),
  subjectType: z.string().min(1).max(32).optional(),
  actor: z.string().min(1).max(200).optional(),
  outcome: z.enum(['applied', 'refused']).optional(),
  from: instant.optional(),
  to: instant.optional(),
  /** The last seq of the previous page (its `nextAfter`). */
  after: z.string().regex(/^\d{1,18}$/, '须为上一页的 nextAfter').optional(),
  limit: z.coerce.number().int().min(1).max(500).optional(),
});

const entrySchema = z.looseObject({
  seq: z.string(), decisionId: z.string(), subjectType: z.string(), subjectId: z.string(), action: z.string(),
  actor: z.looseObject({ sub: z.string(), role: z.string(), prefecture: z.string().nullable() }),
  reason: z.string().nullable(), outcome: z.enum(['applied', 'refused']), refusal: z.string().nullable(), resultStage: z.string().nullable(),
  at: z.string(), payload: z.unknown(), prevHash: z.string(), hash: z.string(),
});
const pageSchema = z.looseObject({ entries: z.array(entrySchema), nextAfter: z.string().nullable() });

export function opsAuditRouter(deps: { db: Db }): Router {
  const router = Router();
  route(router, {
    method: 'get', path: '/ops/audit', summary: 'The audit log: decisions applied and attempts refused, by seq', auth: 'bearer', roles: ['ops'],
    query: auditQuerySchema, errors: [403],
    responses: { 200: { description: 'one page; pass nextAfter as after for the next', schema: pageSchema } },
  }, async (req, res) => {
    const q = parseBody(auditQuerySchema, req.query);
    const limit = q.limit ?? 100;
    const rows = await deps.db.decision.findMany({
      where: {
        ...(q.after ? { seq: { gt: BigInt(q.after) } } : {}),
        ...(q.subject ? { subjectId: q.subject } : {}),
        ...(q.subjectType ? { subjectType: q.subjectType } : {}),
        ...(q.actor ? { actorSub: q.actor } : {}),
        ...(q.outcome ? { outcome: q.outcome } : {}),
        ...(q.from || q.to ? { at: { ...(q.from ? { gte: new Date(q.from) } : {}), ...(q.to ? { lt: new Date(q.to) } : {}) } } : {}),
      },
      orderBy: { seq: 'asc' },
      take: limit,
    });
    res.json({
      entries: rows.map((r) => ({
        seq: String(r.seq), decisionId: r.decisionId, subjectType: r.subjectType, subjectId: r.subjectId, applicationId: r.applicationId, workflowId: r.workflowId,
        action: r.action, actor: { sub: r.actorSub, role: r.actorRole, prefecture: r.actorPrefecture }, reason: r.reason,
        outcome: r.outcome, refusal: r.refusal, resultStage: r.resultStage, at: r.at.toISOString(), payload: r.payload, prevHash: r.prevHash, hash: r.hash,
      })),
      // A full page may have more after it; a short one is the end.
      nextAfter: rows.length === limit ? String(rows.at(-1)!.seq) : null,
    });
  });
  return router;
}
