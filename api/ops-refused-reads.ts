// GET /api/ops/refused-reads: the reads refused to signed-in callers, as
// counted per caller, route, status and hour (RefusedRead, written by
// api/audit-refusals.ts), newest hour first, for ops (read-only). They are
// kept out of the hash-chained audit log (docs/ARCHITECTURE.md "Refused
// reads"); refused acts stay there (GET /api/ops/audit?outcome=refused).
import { Router } from 'express';
import { z } from 'zod';
import type { Prisma } from '../generated/prisma/client';
import type { Db } from '../infra/database';
import { route } from './openapi';
import { parseBody } from './validation';

const instant = z.iso.datetime({ offset: true });

export const refusedReadsQuerySchema = z.strictObject({
  /** The caller's sub. */
  actor: z.string().min(1).max(200).optional(),
  role: z.enum(['applicant', 'prefectureOfficer', 'provinceOfficer', 'expert', 'ops']).optional(),
  /** A route pattern as in the registry, e.g. `/api/applications/:id`. */
  route: z.string().min(1).max(200).optional(),
  status: z.coerce.number().int().min(400).max(499).optional(),
  /** Hours starting at or after `from`, and before `to`. */
  from: instant.optional(),
  to: instant.optional(),
  /** The previous page's `nextBefore`. */
  before: z.string().regex(/^\d{1,15}-\d{1,18}$/, '须为上一页的 nextBefore').optional(),
  limit: z.coerce.number().int().min(1).max(500).optional(),
});

const rowSchema = z.looseObject({
  actor: z.looseObject({ sub: z.string(), role: z.string(), prefecture: z.string().nullable() }),
  route: z.string(), status: z.number(), windowStart: z.string(), count: z.number(), lastSubject: z.string().nullable(), firstAt: z.string(), lastAt: z.string(),
});
const pageSchema = z.looseObject({ refusedReads: z.array(rowSchema), nextBefore: z.string().nullable() });

export function opsRefusedReadsRouter(deps: { db: Db }): Router {
  const router = Router();
  route(router, {
    method: 'get', path: '/ops/refused-reads', summary: 'Reads refused to signed-in callers, counted per caller, route, status and hour (not in the audit chain), newest first', auth: 'bearer', roles: ['ops'],
    query: refusedReadsQuerySchema, errors: [403],
    responses: { 200: { description: 'one page, newest hour first; pass nextBefore as before for the next', schema: pageSchema } },
  }, async (req, res) => {
    const q = parseBody(refusedReadsQuerySchema, req.query);
    const limit = q.limit ?? 100;
    // Keyset paging in the order shown: (windowStart, id) descending.
    const cursor = q.before?.split('-').map((part) => BigInt(part));
    const where: Prisma.RefusedReadWhereInput = {
      ...(q.actor ? { actorSub: q.actor } : {}),
      ...(q.role ? { actorRole: q.role } : {}),
      ...(q.route ? { route: q.route } : {}),
      ...(q.status ? { status: q.status } : {}),
      ...(q.from || q.to ? { windowStart: { ...(q.from ? { gte: new Date(q.from) } : {}), ...(q.to ? { lt: new Date(q.to) } : {}) } } : {}),
      ...(cursor
        ? { OR: [{ windowStart: { lt: new Date(Number(cursor[0])) } }, { windowStart: new Date(Number(cursor[0])), id: { lt: cursor[1]! } }] }
        : {}),
    };
    const rows = await deps.db.refusedRead.findMany({ where, orderBy: [{ windowStart: 'desc' }, { id: 'desc' }], take: limit });
    const last = rows.at(-1);
    res.json({
      refusedReads: rows.map((r) => ({
        actor: { sub: r.actorSub, role: r.actorRole, prefecture: r.actorPrefecture },
        route: r.route, status: r.status, windowStart: r.windowStart.toISOString(), count: r.count, lastSubject: r.lastSubject,
        firstAt: r.firstAt.toISOString(), lastAt: r.lastAt.toISOString(),
      })),
      // A full page may have more after it; a short one is the end.
      nextBefore: rows.length === limit && last ? `${last.windowStart.getTime()}-${last.id}` : null,
    });
  });
  return router;
}
