// PUT /api/ops/calendar/:year: ops add or correct a year's working-day
// schedule (the State Council publishes it each November or December). The
// year replaces the packaged default (domain/calendar.ts); running notices
// whose window was computed without a schedule are told to recompute it.
import { Router } from 'express';
import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import { z } from 'zod';
import { validateYearSchedule } from '../domain/calendar';
import { recordAct } from '../activities/record-act';
import type { Db } from '../infra/database';
import { calendarChangedSignal } from '../workflows/notice-messages';
import { appliedByApi } from './acts';
import { attempt } from './audit-refusals';
import { badRequest, forbidden, unprocessable } from './errors';
import { route } from './openapi';
import { parseBody } from './validation';

// The shape; what the dates mean (valid, in that year, not twice) is the
// domain's check (422 listing each problem).
export const calendarSchema = z.strictObject({
  holidays: z.array(z.string().max(32)).max(400),
  workdays: z.array(z.string().max(32)).max(400),
  /** Why (the audit entry's reason), e.g. the State Council's notice it follows. */
  reason: z.string().trim().min(1).max(5000).optional(),
});
const storedSchema = z.looseObject({
  year: z.number(), holidays: z.array(z.string()), workdays: z.array(z.string()), updatedBy: z.string(), updatedAt: z.string(), noticesSignalled: z.number(),
});

export function opsCalendarRouter(deps: { db: Db; temporal: Client }): Router {
  const router = Router();

  route(router, {
    method: 'put', path: '/ops/calendar/:year', summary: "A year's working-day schedule (holidays and make-up workdays)", auth: 'bearer', roles: ['ops'],
    body: calendarSchema, errors: [403, 422],
    responses: { 200: { description: 'stored; running provisional notices recompute', schema: storedSchema } },
  }, async (req, res) => {
    const actor = req.actor!;
    attempt(req, { subjectType: 'calendar', subjectId: String(req.params.year), action: 'setCalendar' });
    if (actor.role !== 'ops') throw forbidden('只有运维人员可以维护工作日日历');
    const raw = String(req.params.year);
    if (!/^\d{4}$/.test(raw)) throw badRequest('年份须为四位数字，如 2027');
    const year = Number(raw);
    const body = parseBody(calendarSchema, req.body);
    const problems = validateYearSchedule(year, body);
    if (problems.length) throw unprocessable(`日历有误：${problems.map((p) => p.zh).join('；')}`, problems);
    const holidays = [...body.holidays].sort();
    const workdays = [...body.workdays].sort();
    await recordAct(deps.db, {
      audit: appliedByApi(actor, { subjectType: 'calendar', subjectId: String(year), action: 'calendarOverride', payload: { year, holidays, workdays }, reason: body.reason }),
      changes: [{ kind: 'calendarYear', year, holidays, workdays, updatedBy: actor.sub }],
    });
    const stored = await deps.db.calendarYear.findUniqueOrThrow({ where: { year } });

    // Every provisional notice still running recomputes (the workflow ignores
    // the signal when its window is final); one that has just ended is skipped.
    const notices = await deps.db.notice.findMany({ where: { provisional: true, status: { not: 'closed' } }, select: { workflowId: true } });
    let signalled = 0;
    for (const n of notices) {
      try {
        await deps.temporal.workflow.getHandle(n.workflowId).signal(calendarChangedSignal);
        signalled += 1;
      } catch (error) {
        if (!(error instanceof WorkflowNotFoundError)) throw error;
      }
    }
    res.json({
      year: stored.year,
      holidays: stored.holidays,
      workdays: stored.workdays,
      updatedBy: stored.updatedBy,
      updatedAt: stored.updatedAt.toISOString(),
      noticesSignalled: signalled,
    });
  });

  return router;
}
