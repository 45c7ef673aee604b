// Applications: submission starts the workflow; decisions are Updates.
import { createHash } from 'node:crypto';
import { Router } from 'express';
import { WorkflowExecutionAlreadyStartedError, WorkflowNotFoundError, WorkflowUpdateFailedError, type Client } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { z } from 'zod';
import { isCrossPrefecture } from '../domain/prefectures';
import type { Db } from '../infra/database';
import { applicationWorkflow, type ApplicationInput } from '../workflows/application';
import { decideUpdate, RefusalType, type Actor } from '../workflows/messages';
import { badRequest, conflict, forbidden, notFound, unprocessable, type HttpError } from './errors';

const prefectureCode = z.string().regex(/^52\d{4}$/, '须为贵州省市（州）行政区划代码，如 520300');

export const submissionSchema = z.object({
  year: z.number().int().min(2020).max(2100),
  unit: z.object({
    name: z.string().trim().min(1).max(200),
    type: z.enum(['county', 'watershed', 'park', 'town', 'village']),
    prefectures: z.array(prefectureCode).min(1).max(9),
    terrain: z.enum(['mountain', 'hill', 'plain', 'arid']).optional(),
  }),
  applicant: z.object({ name: z.string().trim().min(1).max(200), contactEmail: z.email() }),
  materials: z.array(z.object({ kind: z.string().min(1).max(64) }).loose()).max(200),
});

export const decisionSchema = z
  .object({
    decisionId: z.string().min(8).max(128).regex(/^[A-Za-z0-9._:-]+$/, '只能包含字母、数字和 ._:-'),
    action: z.string().min(1).max(64),
    reason: z.string().max(5000).optional(),
  })
  .loose();

/** A business id from what identifies an application: a resubmission finds the same workflow. */
export function applicationIdFor(s: z.infer<typeof submissionSchema>): string {
  const key = [s.year, s.unit.type, s.unit.name, [...s.unit.prefectures].sort().join(',')].join('|');
  return createHash('sha256').update(key).digest('hex').slice(0, 20);
}

export const workflowIdFor = (applicationId: string) => `application-${applicationId}`;

function parse<T>(schema: z.ZodType<T>, body: unknown): T {
  const result = schema.safeParse(body);
  if (!result.success) {
    throw badRequest('请求内容不符合格式', result.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })));
  }
  return result.data;
}

function mayRead(actor: Actor, app: { prefectures: string[]; applicantSub: string }): boolean {
  switch (actor.role) {
    case 'provinceOfficer':
    case 'ops':
      return true;
    case 'prefectureOfficer':
      return !!actor.prefecture && app.prefectures.includes(actor.prefecture);
    case 'applicant':
      return app.applicantSub === actor.sub;
    default:
      return false;
  }
}

/** Maps a refused Update to the HTTP status of ../shared/API.md. */
function refusalToHttp(error: unknown): HttpError | undefined {
  const cause = error instanceof WorkflowUpdateFailedError ? error.cause : undefined;
  if (!(cause instanceof ApplicationFailure)) return undefined;
  switch (cause.type) {
    case RefusalType.forbidden:
      return forbidden(cause.message);
    case RefusalType.conflict:
      return conflict(cause.message);
    case RefusalType.invalid:
      return unprocessable(cause.message);
    default:
      return undefined;
  }
}

export function applicationsRouter(deps: { db: Db; temporal: Client; taskQueue: string; clock: () => Date }): Router {
  const router = Router();

  router.post('/applications', async (req, res) => {
    const actor = req.actor!;
    if (actor.role !== 'applicant') throw forbidden('只有建设主体可以提交申报');
    const submission = parse(submissionSchema, req.body);
    if (!submission.unit.prefectures.includes(actor.prefecture!)) {
      throw forbidden('申报的建设单元须位于您所在的市（州）');
    }
    if (isCrossPrefecture(submission.unit.prefectures)) {
      // Their path goes straight to the province (Art. 11), which this
      // version of the workflow does not run yet: refuse rather than
      // start a workflow that would wait on the wrong office.
      throw conflict('跨市（州）建设单元直接向省生态环境厅申报的流程尚未开通');
    }
    const id = applicationIdFor(submission);
    const workflowId = workflowIdFor(id);
    const input: ApplicationInput = {
      applicationId: id,
      year: submission.year,
      unit: submission.unit,
      applicant: { ...submission.applicant, sub: actor.sub },
      materials: submission.materials,
      submittedAt: deps.clock().toISOString(),
    };
    try {
      await deps.temporal.workflow.start(applicationWorkflow, {
        workflowId,
        taskQueue: deps.taskQueue,
        args: [input],
        workflowIdReusePolicy: 'REJECT_DUPLICATE',
      });
      res.status(201).json({ id, workflowId, stage: 'prefectureReview' });
    } catch (error) {
      if (!(error instanceof WorkflowExecutionAlreadyStartedError)) throw error;
      // A retried submission: the same application, never a second workflow.
      const existing = await deps.db.application.findUnique({ where: { id } });
      if (existing && existing.applicantSub !== actor.sub) throw conflict('该建设单元本年度已有申报');
      res.status(200).json({ id, workflowId, stage: existing?.stage ?? 'prefectureReview', duplicate: true });
    }
  });

  router.get('/applications/:id', async (req, res) => {
    const app = await deps.db.application.findUnique({
      where: { id: String(req.params.id) },
      include: { tasks: { where: { status: 'open' } }, decisions: { where: { outcome: 'applied' }, orderBy: { seq: 'asc' } } },
    });
    if (!app || !mayRead(req.actor!, app)) throw notFound();
    res.json({
      id: app.id,
      workflowId: app.workflowId,
      year: app.year,
      stage: app.stage,
      endReason: app.endReason,
      unit: { name: app.unitName, type: app.unitType, prefectures: app.prefectures, terrain: app.terrain },
      applicant: { name: app.applicantName, contactEmail: app.contactEmail },
      submittedAt: app.submittedAt.toISOString(),
      openTasks: app.tasks.map((t) => ({
        id: t.id, step: t.step, role: t.role, prefecture: t.prefecture, dueAt: t.dueAt.toISOString(), escalationLevel: t.escalationLevel,
      })),
      timeline: app.decisions.map((d) => ({
        decisionId: d.decisionId, action: d.action, actor: { sub: d.actorSub, role: d.actorRole }, reason: d.reason, at: d.at.toISOString(),
      })),
    });
  });

  router.post('/applications/:id/decisions', async (req, res) => {
    const actor = req.actor!;
    const body = parse(decisionSchema, req.body);
    const app = await deps.db.application.findUnique({ where: { id: String(req.params.id) } });
    if (!app || !mayRead(actor, app)) throw notFound();
    const { decisionId, action, reason, ...payload } = body;
    // A retry of a decision already applied answers the same result, also
    // after the workflow has moved on or ended.
    const applied = await deps.db.decision.findUnique({ where: { decisionId_outcome: { decisionId, outcome: 'applied' } } });
    if (applied) {
      if (applied.subjectId !== app.id || applied.action !== action) throw conflict('该 decisionId 已用于另一项决定');
      res.json({ decisionId, action, stage: applied.resultStage ?? app.stage });
      return;
    }
    try {
      const result = await deps.temporal.workflow.getHandle(app.workflowId).executeUpdate(decideUpdate, {
        updateId: decisionId,
        args: [{ decisionId, action, actor, ...(reason !== undefined ? { reason } : {}), payload }],
      });
      res.json(result);
    } catch (error) {
      if (error instanceof WorkflowNotFoundError) throw conflict('该申报的流程已结束');
      const refusal = refusalToHttp(error);
      if (refusal) throw refusal;
      throw error;
    }
  });

  return router;
}
