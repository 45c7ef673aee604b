// GET /api/tasks: the caller's open tasks, most urgent first.
import { Router } from 'express';
import { z } from 'zod';
import type { Db } from '../infra/database';
import type { Actor } from '../workflows/messages';
import { route } from './openapi';

const tasksSchema = z.looseObject({
  tasks: z.array(z.looseObject({ id: z.string(), subjectType: z.string(), subjectId: z.string(), step: z.string(), role: z.string(), dueAt: z.string(), overdue: z.boolean(), escalationLevel: z.number() })),
});

function taskScope(actor: Actor) {
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

export function tasksRouter(deps: { db: Db; clock: () => Date }): Router {
  const router = Router();
  route(router, {
    method: 'get', path: '/tasks', summary: "The caller's open tasks, most urgent first", auth: 'bearer',
    roles: ['applicant', 'prefectureOfficer', 'provinceOfficer', 'expert', 'ops'],
    responses: { 200: { description: 'open tasks', schema: tasksSchema } },
  }, async (req, res) => {
    const scope = taskScope(req.actor!);
    const tasks = scope
      ? await deps.db.task.findMany({ where: { status: 'open', ...scope }, orderBy: [{ dueAt: 'asc' }], take: 500 })
      : [];
    const now = deps.clock().getTime();
    res.json({
      tasks: tasks.map((t) => ({
        id: t.id,
        subjectType: t.subjectType,
        subjectId: t.subjectId,
        step: t.step,
        role: t.role,
        prefecture: t.prefecture,
        dueAt: t.dueAt.toISOString(),
        overdue: t.dueAt.getTime() < now,
        escalationLevel: t.escalationLevel,
      })),
    });
  });
  return router;
}
