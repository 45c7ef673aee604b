// The public board (no login): notices with their windows, and filing a
// complaint while a notice runs (Art. 10, 15). Nothing here shows
// complaints or anyone's personal data, and nothing logs a complainant.
import { createHash, randomUUID } from 'node:crypto';
import { Router, type RequestHandler } from 'express';
import type { Client } from '@temporalio/client';
import { z } from 'zod';
import { formatCstInstantZh } from '../domain/dates';
import { checkComplaint, MAX_COMPLAINT_LENGTH, noticeStatus } from '../domain/notice';
import { prefectureName } from '../domain/prefectures';
import type { Db } from '../infra/database';
import { fileComplaintUpdate } from '../workflows/notice-messages';
import { actGateway } from './acts';
import { attempt } from './audit-refusals';
import { conflict, HttpError, notFound } from './errors';
import { route } from './openapi';
import { parseBody } from './validation';

export interface RateLimit {
  /** Requests allowed per client address within `windowMs`. */
  limit: number;
  windowMs: number;
}

/** [interpretation] 10 complaints a minute per address: enough for people, not for a script. */
export const DEFAULT_COMPLAINT_RATE_LIMIT: RateLimit = { limit: 10, windowMs: 60_000 };

/**
 * A fixed-window counter per client address, in this process's memory: each
 * API instance counts alone, which bounds abuse without a shared store.
 * Behind a reverse proxy, set Express's `trust proxy` so that req.ip is the
 * client's address and not the proxy's.
 */
export function rateLimit(options: RateLimit, clock: () => Date): RequestHandler {
  const windows = new Map<string, { startedAt: number; count: number }>();
  return (req, res, next) => {
    const now = clock().getTime();
    // Forget finished windows so the map does not grow with every address ever seen.
    if (windows.size > 10_000) for (const [k, w] of windows) if (now - w.startedAt >= options.windowMs) windows.delete(k);
    const key = req.ip ?? 'unknown';
    let w = windows.get(key);
    if (!w || now - w.startedAt >= options.windowMs) {
      w = { startedAt: now, count: 0 };
      windows.set(key, w);
    }
    w.count += 1;
    if (w.count > options.limit) {
      res.setHeader('retry-after', String(Math.ceil((w.startedAt + options.windowMs - now) / 1000)));
      next(new HttpError(429, 'tooManyRequests', '提交过于频繁，请稍后再试'));
      return;
    }
    next();
  };
}

const listQuerySchema = z.strictObject({ active: z.enum(['true', 'false']).optional() });

export const complaintSchema = z.strictObject({
  complainant: z.strictObject({ name: z.string().trim().min(1).max(100), contact: z.string().trim().min(1).max(200) }),
  content: z.string().trim().min(1).max(MAX_COMPLAINT_LENGTH),
});

const boardSchema = z.looseObject({
  notices: z.array(z.looseObject({
    id: z.string(), level: z.string(), workingDays: z.number(), opensAt: z.string(), closesAt: z.string(), provisional: z.boolean(), status: z.string(),
    subject: z.looseObject({ unitName: z.string().nullable(), prefectures: z.array(z.looseObject({ code: z.string(), name: z.string() })) }),
  })),
});
const filedSchema = z.looseObject({ complaintId: z.string(), receivedAt: z.string() });

const idempotencyKey = z.string().min(8).max(128).regex(/^[A-Za-z0-9._:-]+$/, '只能包含字母、数字和 ._:-');

/**
 * The complaint id: from the client's Idempotency-Key, so a retried POST
 * files one complaint, and scoped to the notice, so two notices never share
 * an id; a uuid when the client sends no key.
 */
export function complaintIdFor(noticeId: string, key: string | undefined): string {
  if (!key) return randomUUID();
  const h = createHash('sha256').update(`${noticeId}\n${key}`).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-5${h.slice(13, 16)}-${((parseInt(h.slice(16, 17), 16) & 0x3) | 0x8).toString(16)}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/** "2026年9月28日 09:00 至 2026年10月9日 24:00（北京时间）" (domain/dates.ts, as mail and the console write it). */
function windowText(opensAt: Date, closesAt: Date): string {
  return `${formatCstInstantZh(opensAt)} 至 ${formatCstInstantZh(closesAt)}（北京时间）`;
}

interface NoticeSummary {
  unitName?: string;
  unitType?: string;
  year?: number;
  prefectures?: string[];
}

export function noticesRouter(deps: { db: Db; temporal: Client; clock: () => Date; complaintRateLimit?: RateLimit }): Router {
  const router = Router();
  const acts = actGateway(deps);

  route(router, {
    method: 'get', path: '/notices', summary: 'The public board: notices with their windows', auth: 'public',
    roles: ['public', 'applicant', 'prefectureOfficer', 'provinceOfficer', 'expert', 'ops'], query: listQuerySchema,
    responses: { 200: { description: 'notices (active=true: open now)', schema: boardSchema } },
  }, async (req, res) => {
    const query = parseBody(listQuerySchema, req.query);
    const now = deps.clock();
    // Open now by the clock: the row's status may lag the workflow's timer by moments.
    // A notice scheduled for later is not public before it opens (issue 6:
    // the public sees what is published, nothing an officer has only planned).
    const where = query.active === 'true' ? { status: { not: 'closed' }, opensAt: { lte: now }, closesAt: { gt: now } } : { opensAt: { lte: now } };
    const notices = await deps.db.notice.findMany({
      where,
      orderBy: [{ closesAt: 'asc' }],
      take: 500,
      include: { application: { select: { prefectures: true } } },
    });
    res.json({
      notices: notices.map((n) => {
        const summary = (n.summary ?? {}) as NoticeSummary;
        const prefectures = summary.prefectures ?? n.application.prefectures;
        return {
          id: n.id,
          level: n.level,
          workingDays: n.workingDays,
          opensAt: n.opensAt.toISOString(),
          closesAt: n.closesAt.toISOString(),
          provisional: n.provisional,
          status: n.status === 'closed' ? 'closed' : noticeStatus({ opensAt: n.opensAt.toISOString(), closesAt: n.closesAt.toISOString() }, now),
          subject: {
            unitName: summary.unitName ?? null,
            unitType: summary.unitType ?? null,
            year: summary.year ?? null,
            prefectures: prefectures.map((code) => ({ code, name: prefectureName(code) })),
          },
        };
      }),
    });
  });

  route(router, {
    method: 'post', path: '/notices/:id/complaints', summary: 'File a complaint during an open notice (no login; optional Idempotency-Key header)', auth: 'public',
    roles: ['public', 'applicant', 'prefectureOfficer', 'provinceOfficer', 'expert', 'ops'], body: complaintSchema, errors: [409, 422, 429],
    responses: { 201: { description: 'received', schema: filedSchema } },
  }, rateLimit(deps.complaintRateLimit ?? DEFAULT_COMPLAINT_RATE_LIMIT, deps.clock), async (req, res) => {
    // Recorded if refused, without anything the complainant wrote (api/audit-refusals.ts).
    attempt(req, { subjectType: 'notice', subjectId: String(req.params.id), action: 'fileComplaint' });
    const notice = await deps.db.notice.findUnique({ where: { id: String(req.params.id) } });
    // Not yet published is as good as unknown to the public (no existence leak).
    if (!notice || notice.opensAt > deps.clock()) throw notFound('没有这个公示');
    attempt(req, { applicationId: notice.applicationId, workflowId: notice.workflowId });
    const header = req.get('idempotency-key');
    const key = header === undefined ? undefined : parseBody(idempotencyKey, header);
    const body = parseBody(complaintSchema, req.body);
    const complaintId = complaintIdFor(notice.id, key);

    // A retry whose complaint is already recorded gets the same answer, also after the workflow ended.
    const existing = key ? await deps.db.complaint.findUnique({ where: { id: complaintId }, select: { noticeId: true, receivedAt: true } }) : null;
    if (existing && existing.noticeId === notice.id) {
      res.status(201).json({ complaintId, receivedAt: existing.receivedAt.toISOString() });
      return;
    }
    // The window as the board shows it; the workflow checks again against its own clock.
    const window = { opensAt: notice.opensAt.toISOString(), closesAt: notice.closesAt.toISOString() };
    const early = notice.status === 'closed' ? { kind: 'conflict' as const, zh: '公示已结束，不再受理投诉举报' } : checkComplaint(window, body, deps.clock());
    if (early?.kind === 'conflict') throw conflict(`${early.zh}（公示期：${windowText(notice.opensAt, notice.closesAt)}）`);

    // Not yet an act of record (no audit entry): a retry is answered from the complaint's row above.
    const filed = await acts.act({
      req, id: complaintId, action: 'fileComplaint',
      via: {
        workflowId: notice.workflowId, update: fileComplaintUpdate, ended: `公示已结束，不再受理投诉举报（公示期：${windowText(notice.opensAt, notice.closesAt)}）`,
        request: () => ({ complaintId, complainant: body.complainant, content: body.content }),
        answer: (result) => result,
      },
    });
    res.status(201).json(filed);
  });

  return router;
}
