// GET /api/tasks: the caller's open tasks, most urgent first.
// POST /api/tasks/:id/chase: a chase (催办) of an overdue task (domain/chase.ts),
// an Update on the workflow that holds the task, the client's chaseId its id.
import { Router } from 'express';
import type { Client } from '@temporalio/client';
import { z } from 'zod';
import { checkChase, isTaskOverdue, MAX_CHASE_MESSAGE_LENGTH } from '../domain/chase';
import { maySee, type Subject } from '../domain/scope';
import type { Db } from '../infra/database';
import { chaseTaskUpdate, type ChaseRequest } from '../workflows/chase-messages';
import type { Actor } from '../workflows/messages';
import { actGateway } from './acts';
import { attempt } from './audit-refusals';
import { notFound } from './errors';
import { tasksExportRoute } from './list-exports';
import { route } from './openapi';
import { domainRefusalToHttp } from './refusals';
import { decisionIdSchema, parseBody } from './validation';
import { provisionalDue } from './provisional-deadlines';

export const chaseSchema = z.strictObject({
  chaseId: decisionIdSchema.meta({ description: 'Chosen by the client: the same chaseId again is applied once and answers the same' }),
  message: z.string().max(MAX_CHASE_MESSAGE_LENGTH).optional(),
});

const chaseResultSchema = z.looseObject({ chaseId: z.string(), taskId: z.string(), step: z.string(), chasedAt: z.string() });

const tasksSchema = z.looseObject({
  tasks: z.array(z.looseObject({ id: z.string(), subjectType: z.string(), subjectId: z.string(), step: z.string(), role: z.string(), dueAt: z.string(), overdue: z.boolean(), dueProvisional: z.boolean(), escalationLevel: z.number() })),
});

export function taskScope(actor: Actor) {
  switch (actor.role) {
    case 'prefectureOfficer':
      return { role: 'prefectureOfficer', prefecture: actor.prefecture ?? '' };
    case 'provinceOfficer':
      // The province also sees prefecture steps escalated to it.
      return { OR: [{ role: 'provinceOfficer' }, { escalationLevel: { gte: 1 } }] };
    case 'applicant':
    case 'expert':
      return { role: actor.role, assigneeSub: actor.sub };
    default:
      return undefined;
  }
}

/** The task's subject as domain/scope.ts sees it, or null when it is gone. */
async function subjectOfTask(db: Db, task: { subjectType: string; subjectId: string }): Promise<Subject | null> {
  if (task.subjectType === 'base') {
    const base = await db.base.findUnique({ where: { id: task.subjectId }, select: { prefectures: true, applicantSub: true } });
    return base && { kind: 'base', prefectures: base.prefectures, applicantSub: base.applicantSub };
  }
  const app = await db.application.findUnique({ where: { id: task.subjectId }, select: { prefectures: true, applicantSub: true } });
  if (!app) return null;
  const reviews = await db.expertReview.findMany({ where: { applicationId: task.subjectId }, select: { expertId: true } });
  return { kind: 'application', prefectures: app.prefectures, applicantSub: app.applicantSub, assignedExpertIds: reviews.map((r) => r.expertId) };
}

export function tasksRouter(deps: { db: Db; clock: () => Date; temporal: Client }): Router {
  const router = Router();
  const acts = actGateway(deps);

  /** The caller's open tasks, most urgent first: GET /api/tasks and its Excel export. */
  async function openTasks(actor: Actor) {
    const scope = taskScope(actor);
    const tasks = scope
      ? await deps.db.task.findMany({ where: { status: 'open', ...scope }, orderBy: [{ dueAt: 'asc' }], take: 500 })
      : [];
    const now = deps.clock().getTime();
    const provisional = await provisionalDue(deps.db);
    return tasks.map((t) => ({
      id: t.id,
      subjectType: t.subjectType,
      subjectId: t.subjectId,
      step: t.step,
      role: t.role,
      prefecture: t.prefecture,
      dueAt: t.dueAt.toISOString(),
      // Escalated is overdue too: escalation moves the due date forward for whoever holds it now (domain/chase.ts).
      overdue: isTaskOverdue({ dueAt: t.dueAt.toISOString(), escalationLevel: t.escalationLevel }, now),
      // Counted on a year whose holiday schedule was not yet published (api/provisional-deadlines.ts).
      dueProvisional: provisional(t),
      escalationLevel: t.escalationLevel,
    }));
  }
  route(router, {
    method: 'get', path: '/tasks', summary: "The caller's open tasks, most urgent first", auth: 'bearer',
    roles: ['applicant', 'prefectureOfficer', 'provinceOfficer', 'expert', 'ops'],
    responses: { 200: { description: 'open tasks', schema: tasksSchema } },
  }, async (req, res) => {
    res.json({ tasks: await openTasks(req.actor!) });
  });
  // The same list as an Excel file (api/list-exports.ts).
  tasksExportRoute(router, { db: deps.db, clock: deps.clock }, openTasks);

  route(router, {
    method: 'post', path: '/tasks/:id/chase', summary: 'Chase (催办) whoever must act on an overdue task: a mail to them and an act of record', auth: 'bearer',
    roles: ['prefectureOfficer', 'provinceOfficer'], body: chaseSchema, errors: [403, 404, 409],
    responses: { 200: { description: 'chased (or the same chaseId again): the chase', schema: chaseResultSchema } },
  }, async (req, res) => {
    const actor = req.actor!;
    const taskId = String(req.params.id);
    attempt(req, { subjectType: 'route', subjectId: `task ${taskId.slice(0, 200)}`, action: 'chaseTask' });
    const body = parseBody(chaseSchema, req.body);
    attempt(req, { decisionId: body.chaseId, reason: body.message ?? null, details: { taskId: taskId.slice(0, 200) } });
    const task = await deps.db.task.findUnique({ where: { id: taskId } });
    const subject = task && (await subjectOfTask(deps.db, task));
    // A task of a subject the caller may not see does not exist for them (404, like the subject).
    if (!task || !subject || !maySee(actor, subject)) throw notFound();
    attempt(req, {
      subjectType: task.subjectType === 'base' ? 'base' : 'application', subjectId: task.subjectId,
      applicationId: task.subjectType === 'base' ? null : task.subjectId, workflowId: task.workflowId,
    });

    res.json(await acts.act({
      req, id: body.chaseId, idField: 'chaseId', action: 'chaseTask',
      // A retry of a chase already applied answers from the record, also after the task closed.
      isSame: ([applied]) => applied!.action === 'chaseTask' && (applied!.payload as { taskId?: string } | null)?.taskId === task.id,
      answerRecorded: ([applied]) => ({ chaseId: body.chaseId, taskId: task.id, step: (applied!.payload as { step?: string } | null)?.step ?? task.step, chasedAt: applied!.at.toISOString() }),
      check: async () => {
        const refused = checkChase(actor, { ...task, dueAt: task.dueAt.toISOString() }, subject.prefectures, deps.clock().getTime());
        if (refused) throw domainRefusalToHttp(refused);
      },
      via: {
        workflowId: task.workflowId, update: chaseTaskUpdate, ended: '该待办的流程已结束，无需催办',
        request: (): ChaseRequest => ({ chaseId: body.chaseId, taskId: task.id, actor, ...(body.message !== undefined ? { message: body.message } : {}) }),
        isOwnAnswer: (result) => result.taskId === task.id,
        answer: (result) => result,
      },
    }));
  });

  return router;
}
