// PUT /api/ops/calendar/:year: ops add or correct a year's working-day
// schedule (the State Council publishes it each November or December). The
// year replaces the packaged default (domain/calendar.ts); running notices
// whose window was computed without a schedule are told to recompute it.
import { Router } from 'express';
import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import { validateYearSchedule } from '../domain/calendar';
import type { Db } from '../infra/database';
import { calendarChangedSignal } from '../workflows/notice-messages';
import { badRequest, forbidden, unprocessable } from './errors';

export function opsCalendarRouter(deps: { db: Db; temporal: Client }): Router {
  const router = Router();

  router.put('/ops/calendar/:year', async (req, res) => {
    const actor = req.actor!;
    if (actor.role !== 'ops') throw forbidden('只有运维人员可以维护工作日日历');
    const raw = String(req.params.year);
    if (!/^\d{4}$/.test(raw)) throw badRequest('年份须为四位数字，如 2027');
    const year = Number(raw);
    const problems = validateYearSchedule(year, req.body);
    if (problems.length) throw unprocessable(`日历有误：${problems.map((p) => p.zh).join('；')}`, problems);
    const body = req.body as { holidays: string[]; workdays: string[] };
    const holidays = [...body.holidays].sort();
    const workdays = [...body.workdays].sort();
    const stored = await deps.db.calendarYear.upsert({
      where: { year },
      create: { year, holidays, workdays, updatedBy: actor.sub },
      update: { holidays, workdays, updatedBy: actor.sub },
    });

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
