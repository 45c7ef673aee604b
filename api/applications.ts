// Applications: submission starts the workflow; decisions are Updates.
import { createHash } from 'node:crypto';
import { Router } from 'express';
import { WorkflowExecutionAlreadyStartedError, type Client } from '@temporalio/client';
import { z } from 'zod';
import { checkAcceptanceWindow, currentOrNextAcceptanceWindow } from '../domain/deadlines';
import { PLAN_CHAPTERS, PLAN_ISSUERS, validateSubmission, type PlanChapter } from '../domain/materials';
import { problem } from '../domain/problems';
import { listPrefectureFilter, maySee, type Subject } from '../domain/scope';
import { initialApplicationStage } from '../domain/stages';
import { SUBMIT_VIA_PROVINCE, submissionPath, viaPrefectureOf } from '../domain/submission-path';
import { availableApplicationActions, blockedApplicationActions, checkApplicationDecision, type ApplicationFacts } from '../domain/transitions';
import { applicationDecision } from '../domain/decision-payloads';
import type { Db } from '../infra/database';
import { applicationWorkflow, type ApplicationInput } from '../workflows/application';
import { applicationSummary } from '../workflows/metadata';
import { decideUpdate, type Actor, type DecisionResult } from '../workflows/messages';
import { actGateway } from './acts';
import { attempt } from './audit-refusals';
import { conflict, forbidden, notFound, unprocessable } from './errors';
import { route } from './openapi';
import { domainRefusalToHttp } from './refusals';
import { checkGraveActFiles } from './grave-acts';
import { materialsWithFileNames } from './files';
import { applicationsExportRoute } from './list-exports';
import { decisionBodySchema, parseBody } from './validation';
import { provisionalDue } from './provisional-deadlines';

const prefectureCode = z.string().regex(/^52\d{4}$/, '须为贵州省市（州）行政区划代码，如 520300');

// The shapes of the submission body (POST /api/applications in the OpenAPI
// document, GET /api/openapi.json). Fields whose absence is a
// missing material (a file, an explanation, the plan's issuer or chapters) are
// optional here, so domain/materials.ts reports them all at once as a 422
// listing what is missing, rather than a 400 naming only a path. Strict, as
// every request schema: a field not named here is a 400 naming it.
type PlanIssuer = (typeof PLAN_ISSUERS)[number]['issuedBy'];
const fileId = z.string().trim().min(1).max(100);
const materialSchema = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('applicationLetter'), fileId: fileId.optional() }),
  z.strictObject({
    kind: z.literal('conditionEvidence'),
    condition: z.number().int().min(1).max(4),
    fileId: fileId.optional(),
    explanation: z.string().max(20_000).optional(),
  }),
  z.strictObject({
    kind: z.literal('implementationPlan'),
    fileId: fileId.optional(),
    issuedBy: z.enum(PLAN_ISSUERS.map((i) => i.issuedBy) as [PlanIssuer, ...PlanIssuer[]]).optional(),
    chapters: z.array(z.enum(PLAN_CHAPTERS.map((c) => c.key) as [PlanChapter, ...PlanChapter[]])).max(20).optional(),
  }),
]);

export const submissionSchema = z.strictObject({
  year: z.number().int().min(2020).max(2100),
  unit: z.strictObject({
    name: z.string().trim().min(1).max(200),
    type: z.enum(['county', 'watershed', 'park', 'town', 'village']),
    prefectures: z.array(prefectureCode).min(1).max(9),
    terrain: z.enum(['mountain', 'hill', 'plain', 'arid']).optional(),
  }),
  applicant: z.strictObject({ name: z.string().trim().min(1).max(200), contactEmail: z.email().max(254) }),
  materials: z.array(materialSchema).max(200),
  // Whether it is required and which codes are allowed depends on the unit:
  // domain/submission-path.ts submitViaProblems, a 422 naming `submitVia`.
  submitVia: z.union([z.literal(SUBMIT_VIA_PROVINCE), prefectureCode]).optional().meta({
    description:
      'Art. 11: the path of a cross-prefecture unit (two or more prefectures), required for it: "province" applies directly to 省生态环境厅 ' +
      '(the province review follows, no prefecture pre-review, notice or recommendation), or the code of ONE of the unit\'s own prefectures, ' +
      'which then pre-reviews it, runs its notice and recommends it (Art. 9-11). Refused (422) for a single-prefecture unit, whose prefecture ' +
      'pre-reviews it, and for a prefecture not among the unit\'s.',
  }),
});

// `{ decisionId, action, reason?, ...payload }`: documented as one schema per
// action of APPLICATION_TRANSITIONS; the payload is checked by the workflow.
export const decisionSchema = decisionBodySchema('application');

// Response bodies as the OpenAPI document states them (api/openapi.ts);
// loose: fields may be added (docs/ARCHITECTURE.md "The API's contract").
const iso = z.string();
const submitViaView = z.string().meta({ description: 'Art. 11: the path taken, "province" (directly) or the code of the prefecture that pre-reviews, notices and recommends it' });
const submittedSchema = z.looseObject({ id: z.string(), workflowId: z.string(), stage: z.string(), submitVia: submitViaView, duplicate: z.boolean().optional() });
const unitView = z.looseObject({ name: z.string(), type: z.string(), prefectures: z.array(z.string()) });
const listSchema = z.looseObject({
  applications: z.array(z.looseObject({ id: z.string(), workflowId: z.string(), year: z.number(), stage: z.string(), unit: unitView, submitVia: submitViaView, submittedAt: iso })),
});
const detailSchema = z.looseObject({
  id: z.string(), workflowId: z.string(), year: z.number(), stage: z.string(), unit: unitView, submitVia: submitViaView, submittedAt: iso,
  openTasks: z.array(z.looseObject({ id: z.string(), step: z.string(), role: z.string(), dueAt: iso, dueProvisional: z.boolean() })),
  notices: z.array(z.looseObject({ id: z.string(), level: z.string(), opensAt: iso, closesAt: iso, complaints: z.array(z.looseObject({ id: z.string() })) })),
  expertReviews: z.array(z.looseObject({ expertId: z.string() })),
  timeline: z.array(z.looseObject({ decisionId: z.string(), action: z.string(), at: iso })),
  actions: z.array(z.string()).meta({ description: 'The decisions the caller may take in the current stage (domain/transitions.ts), for clients such as the console' }),
  actionsBlocked: z.array(z.looseObject({ action: z.string(), zh: z.string() })).meta({ description: 'Of `actions`, those the state does not allow now (this stage’s notice already opened, your opinion already given), each with the reason a decision would be refused with' }),
});
export const decisionResultSchema = z.looseObject({ decisionId: z.string(), action: z.string(), stage: z.string() });

/** A business id from what identifies an application: a resubmission finds the same workflow. */
export function applicationIdFor(s: z.infer<typeof submissionSchema>): string {
  const key = [s.year, s.unit.type, s.unit.name, [...s.unit.prefectures].sort().join(',')].join('|');
  return createHash('sha256').update(key).digest('hex').slice(0, 20);
}

export const workflowIdFor = (applicationId: string) => `application-${applicationId}`;

const parse = parseBody;

const listQuerySchema = z.strictObject({
  stage: z.string().max(64).optional(),
  prefecture: prefectureCode.optional(),
  year: z.coerce.number().int().min(2020).max(2100).optional(),
});

/** The application as domain/scope.ts sees it: who may read and decide on it. */
async function subjectOf(db: Db, app: { id: string; prefectures: string[]; applicantSub: string; submitVia: string | null }): Promise<Subject> {
  const reviews = await db.expertReview.findMany({ where: { applicationId: app.id }, select: { expertId: true } });
  return {
    kind: 'application', prefectures: app.prefectures, applicantSub: app.applicantSub, assignedExpertIds: reviews.map((r) => r.expertId),
    viaPrefecture: viaPrefectureOf(app.prefectures, app.submitVia),
  };
}

/** `2027-01-01` → `2027年1月1日`, how a notice to applicants writes a date. */
const zhDate = (date: string) => {
  const [y, m, d] = date.split('-').map(Number);
  return `${y}年${m}月${d}日`;
};

/** Art. 11: outside the year's window → 409 naming the next window. */
function checkWindow(year: number, now: Date): void {
  const refusal = checkAcceptanceWindow(year, now);
  if (!refusal) return;
  const next = currentOrNextAcceptanceWindow(now);
  // The domain's text names the window by ISO dates; applicants read 年月日.
  const message = refusal.zh.replace(/(\d{4}-\d{2}-\d{2})/g, (d) => zhDate(d));
  throw conflict(message, {
    code: refusal.code,
    article: refusal.article,
    nextWindow: { year: next.year, opensOn: next.opensOn, closesOn: next.closesOn, opensAt: next.opensAt, closesAt: next.closesAt },
  });
}

/**
 * Every file a material names was uploaded (POST /api/files) by this
 * applicant: another applicant's file id, even a valid one, is refused as if
 * unknown, so ids reveal nothing about other applicants' uploads.
 */
async function checkMaterialFiles(db: Db, materials: Array<z.infer<typeof materialSchema>>, sub: string): Promise<void> {
  const named = materials.flatMap((m, index) => (m.fileId ? [{ index, kind: m.kind, fileId: m.fileId }] : []));
  const ids = [...new Set(named.map((m) => m.fileId))];
  const own = new Set((await db.file.findMany({ where: { id: { in: ids }, uploadedBy: sub }, select: { id: true } })).map((f) => f.id));
  const unknown = named.filter((m) => !own.has(m.fileId));
  if (unknown.length === 0) return;
  throw unprocessable(
    `申报材料引用的文件不存在或不是您上传的：${unknown.map((m) => m.fileId).join('、')}（请先通过 POST /api/files 上传）`,
    unknown.map((m) => problem(`materials.${m.index}.fileId`, 'unknownFile', `${m.kind} 引用的文件 ${m.fileId} 不存在或不是您上传的`, `${m.kind}: file ${m.fileId} is unknown or not uploaded by you`)),
  );
}

/**
 * The workflow writes the application's row as its first step. Waiting a
 * moment for it lets a client read what it just submitted (GET right after
 * 201). Without a worker the row comes later; the submission stands anyway.
 */
async function untilRecorded(db: Db, id: string, timeoutMs = 3000): Promise<void> {
  for (const end = Date.now() + timeoutMs; Date.now() < end; await new Promise((r) => setTimeout(r, 50))) {
    if (await db.application.findUnique({ where: { id }, select: { id: true } })) return;
  }
}

/** Complainants' names and contacts are for the officers who investigate. */
const seesComplainants = (actor: Actor) => actor.role === 'prefectureOfficer' || actor.role === 'provinceOfficer';

export function applicationsRouter(deps: { db: Db; temporal: Client; taskQueue: string; clock: () => Date; acceptanceClock: () => Date }): Router {
  const router = Router();
  const acts = actGateway(deps);

  /** The applications the caller may see, filtered by the list's query: GET /api/applications and its Excel export. */
  async function listApplications(actor: Actor, query: z.infer<typeof listQuerySchema>) {
    const regions = listPrefectureFilter(actor);
    const where = {
      ...(query.stage ? { stage: query.stage } : {}),
      ...(query.year ? { year: query.year } : {}),
      ...(query.prefecture ? { prefectures: { has: query.prefecture } } : {}),
      ...(actor.role === 'applicant' ? { applicantSub: actor.sub } : {}),
      ...(actor.role === 'expert' ? { expertReviews: { some: { expertId: actor.sub } } } : {}),
      ...(regions && actor.role === 'prefectureOfficer' ? { prefectures: { hasSome: regions } } : {}),
    };
    const apps = await deps.db.application.findMany({ where, orderBy: { submittedAt: 'desc' }, take: 500 });
    return apps.map((a) => ({
      id: a.id, workflowId: a.workflowId, year: a.year, stage: a.stage, unit: { name: a.unitName, type: a.unitType, prefectures: a.prefectures },
      submitVia: submissionPath(a.prefectures, a.submitVia), applicantName: a.applicantName, submittedAt: a.submittedAt.toISOString(), namedOn: a.namedOn, titleEndsOn: a.titleEndsOn,
    }));
  }

  route(router, {
    method: 'post', path: '/applications', summary: 'Submit an application (申报)', auth: 'bearer', roles: ['applicant'],
    body: submissionSchema, errors: [403, 409, 422],
    responses: { 201: { description: 'submitted: the workflow started', schema: submittedSchema }, 200: { description: 'the same submission again', schema: submittedSchema } },
  }, async (req, res) => {
    const actor = req.actor!;
    attempt(req, { subjectType: 'application', subjectId: 'new', action: 'submit' });
    if (actor.role !== 'applicant') throw forbidden('只有建设主体可以提交申报');
    const submission = parse(submissionSchema, req.body);
    attempt(req, { subjectId: applicationIdFor(submission), details: { year: submission.year, unit: submission.unit, ...(submission.submitVia ? { submitVia: submission.submitVia } : {}) } });
    if (!submission.unit.prefectures.includes(actor.prefecture!)) {
      throw forbidden('申报的建设单元须位于您所在的市（州）');
    }
    checkWindow(submission.year, deps.acceptanceClock());
    const problems = validateSubmission(submission);
    if (problems.length > 0) {
      throw unprocessable(`申报材料不齐全或有误，共 ${problems.length} 项：${problems.map((p) => p.zh).join('；')}`, problems);
    }
    await checkMaterialFiles(deps.db, submission.materials, actor.sub);
    // Registered applicants receive the acceptance-window reminders (Art. 11,
    // workflows/acceptance-window.ts); the latest submission's contact wins.
    const registration = { name: submission.applicant.name, email: submission.applicant.contactEmail, prefecture: actor.prefecture! };
    await deps.db.registeredApplicant.upsert({ where: { sub: actor.sub }, create: { sub: actor.sub, ...registration }, update: registration });
    const id = applicationIdFor(submission);
    const workflowId = workflowIdFor(id);
    const input: ApplicationInput = {
      applicationId: id,
      year: submission.year,
      unit: submission.unit,
      applicant: { ...submission.applicant, sub: actor.sub },
      materials: submission.materials,
      submittedAt: deps.clock().toISOString(),
      // Art. 11: only a cross-prefecture unit has it (validateSubmission refuses it otherwise).
      ...(submission.submitVia ? { submitVia: submission.submitVia } : {}),
    };
    try {
      await deps.temporal.workflow.start(applicationWorkflow, {
        workflowId,
        taskQueue: deps.taskQueue,
        args: [input],
        // What ops staff read in the Temporal UI instead of the id (workflows/metadata.ts).
        staticSummary: applicationSummary(input.unit, input.year),
        workflowIdReusePolicy: 'REJECT_DUPLICATE',
      });
      await untilRecorded(deps.db, id);
      res.status(201).json({ id, workflowId, stage: initialApplicationStage(submission.unit.prefectures, submission.submitVia), submitVia: submissionPath(submission.unit.prefectures, submission.submitVia) });
    } catch (error) {
      if (!(error instanceof WorkflowExecutionAlreadyStartedError)) throw error;
      // A retried submission: the same application, never a second workflow.
      const existing = await deps.db.application.findUnique({ where: { id } });
      if (existing && existing.applicantSub !== actor.sub) throw conflict('该建设单元本年度已有申报');
      // The path is the first submission's: a retry with another one answers the existing application.
      const path = existing ? submissionPath(existing.prefectures, existing.submitVia) : submissionPath(submission.unit.prefectures, submission.submitVia);
      res.status(200).json({ id, workflowId, stage: existing?.stage ?? initialApplicationStage(submission.unit.prefectures, submission.submitVia), submitVia: path, duplicate: true });
    }
  });

  route(router, {
    method: 'get', path: '/applications', summary: 'Applications the caller may see', auth: 'bearer',
    roles: ['applicant', 'prefectureOfficer', 'provinceOfficer', 'expert', 'ops'], query: listQuerySchema,
    responses: { 200: { description: 'the list, scoped to the caller', schema: listSchema } },
  }, async (req, res) => {
    res.json({ applications: await listApplications(req.actor!, parse(listQuerySchema, req.query)) });
  });
  // The same list, same filters and scope, as an Excel file (api/list-exports.ts); before /applications/:id, which would take its path.
  applicationsExportRoute(router, listQuerySchema, listApplications);

  route(router, {
    method: 'get', path: '/applications/:id', summary: 'One application: state, tasks, notices, complaints, timeline', auth: 'bearer',
    roles: ['applicant', 'prefectureOfficer', 'provinceOfficer', 'expert', 'ops'],
    responses: { 200: { description: 'the application', schema: detailSchema } },
  }, async (req, res) => {
    const actor = req.actor!;
    attempt(req, { subjectType: 'application', subjectId: String(req.params.id), action: 'read' });
    const app = await deps.db.application.findUnique({
      where: { id: String(req.params.id) },
      include: {
        tasks: { where: { status: 'open' }, orderBy: { dueAt: 'asc' } },
        decisions: { where: { outcome: 'applied' }, orderBy: { seq: 'asc' } },
        notices: { orderBy: { opensAt: 'asc' }, include: { complaints: { orderBy: { receivedAt: 'asc' } } } },
        expertReviews: { orderBy: { assignedAt: 'asc' }, include: { expert: { select: { name: true } } } },
      },
    });
    if (app) attempt(req, { applicationId: app.id, workflowId: app.workflowId });
    if (!app || !maySee(actor, await subjectOf(deps.db, app))) throw notFound();
    const officer = actor.role === 'provinceOfficer' || actor.role === 'prefectureOfficer' || actor.role === 'ops';
    // What the caller may decide now, by the same table the workflow checks
    // with, and the state its conditions read (a notice already opened in this
    // stage, the opinions already given) from the read model.
    const noticeLevel = app.stage === 'prefectureNotice' ? 'prefecture' : app.stage === 'provinceNotice' ? 'province' : null;
    const facts: ApplicationFacts = {
      stage: app.stage as ApplicationFacts['stage'], prefectures: app.prefectures, applicantSub: app.applicantSub,
      assignedExpertIds: app.expertReviews.map((r) => r.expertId), viaPrefecture: viaPrefectureOf(app.prefectures, app.submitVia),
      noticeOpened: app.notices.some((n) => n.level === noticeLevel),
      opinionsFrom: app.expertReviews.filter((r) => r.submittedAt).map((r) => r.expertId),
    };
    const provisional = await provisionalDue(deps.db);
    res.json({
      id: app.id,
      workflowId: app.workflowId,
      year: app.year,
      stage: app.stage,
      endReason: app.endReason,
      namedOn: app.namedOn,
      titleEndsOn: app.titleEndsOn,
      unit: { name: app.unitName, type: app.unitType, prefectures: app.prefectures, terrain: app.terrain },
      submitVia: submissionPath(app.prefectures, app.submitVia),
      applicant: { name: app.applicantName, contactEmail: app.contactEmail },
      submittedAt: app.submittedAt.toISOString(),
      // Each file with its name (GET /api/files/:id serves it).
      materials: await materialsWithFileNames(deps.db, app.materials),
      openTasks: app.tasks.map((t) => ({
        id: t.id, step: t.step, role: t.role, prefecture: t.prefecture, assigneeSub: t.assigneeSub, dueAt: t.dueAt.toISOString(), dueProvisional: provisional(t), escalationLevel: t.escalationLevel,
      })),
      notices: app.notices.map((n) => ({
        id: n.id, level: n.level, prefecture: n.prefecture, workingDays: n.workingDays, opensAt: n.opensAt.toISOString(), closesAt: n.closesAt.toISOString(),
        provisional: n.provisional, status: n.status, outcome: n.outcome,
        complaints: n.complaints.map((c) => ({
          id: c.id, receivedAt: c.receivedAt.toISOString(), status: c.status, outcome: c.outcome, findings: c.findings, delegatedTo: c.delegatedTo,
          content: c.content,
          ...(seesComplainants(actor) ? { complainant: { name: c.complainantName, contact: c.complainantContact } } : {}),
        })),
      })),
      // Experts see their own review; officers see the panel.
      expertReviews: app.expertReviews
        .filter((r) => officer || (actor.role === 'expert' && r.expertId === actor.sub))
        // By name: a person reads who reviews, never an expert's id.
        .map((r) => ({ expertId: r.expertId, expertName: r.expert.name, mine: actor.role === 'expert' && r.expertId === actor.sub, assignedAt: r.assignedAt.toISOString(), submittedAt: r.submittedAt?.toISOString() ?? null, criteria: r.criteria, onSite: r.onSite, opinion: r.opinion })),
      timeline: app.decisions.map((d) => ({
        decisionId: d.decisionId, action: d.action, actor: { sub: d.actorSub, role: d.actorRole, prefecture: d.actorPrefecture }, reason: d.reason, resultStage: d.resultStage, at: d.at.toISOString(),
      })),
      actions: availableApplicationActions(facts, actor),
      // Of those, the ones the application's state does not allow, with the reason the API would give (the console shows them disabled).
      actionsBlocked: blockedApplicationActions(facts, actor),
    });
  });

  route(router, {
    method: 'post', path: '/applications/:id/decisions', summary: 'A decision on an application (a Workflow Update)', auth: 'bearer',
    roles: ['applicant', 'prefectureOfficer', 'provinceOfficer', 'expert'], body: decisionSchema, errors: [403, 409, 422],
    responses: { 200: { description: 'applied (or the same decisionId again): the new stage', schema: decisionResultSchema } },
  }, async (req, res) => {
    const actor = req.actor!;
    attempt(req, { subjectType: 'application', subjectId: String(req.params.id), action: 'decision' });
    const body = parse(decisionSchema, req.body);
    attempt(req, { action: body.action, decisionId: body.decisionId, reason: body.reason ?? null });
    const app = await deps.db.application.findUnique({ where: { id: String(req.params.id) } });
    if (app) attempt(req, { applicationId: app.id, workflowId: app.workflowId });
    const subject = app && (await subjectOf(deps.db, app));
    if (!app || !subject || !maySee(actor, subject)) throw notFound();
    const { decisionId, action, reason, ...payload } = body;
    // What the workflow cannot check without I/O: the expert pool (Art. 25,
    // 26) for an assignment, and an expert's own prefecture.
    let decider: Actor = actor;
    const check = async () => {
      if (actor.role === 'expert') {
        const expert = await deps.db.expert.findUnique({ where: { id: actor.sub } });
        decider = { ...actor, ...(expert?.region ? { region: expert.region } : {}) };
      }
      if (action === 'assignExperts' && Array.isArray(payload.expertIds)) {
        const ids = payload.expertIds.filter((id): id is string => typeof id === 'string');
        const pool = await deps.db.expert.findMany({ where: { id: { in: ids } } });
        const checked = checkApplicationDecision(
          { stage: app.stage as Parameters<typeof checkApplicationDecision>[0]['stage'], prefectures: app.prefectures, applicantSub: app.applicantSub, assignedExpertIds: subject.assignedExpertIds ?? [], viaPrefecture: subject.viaPrefecture ?? null },
          { action, actor: decider, reason: reason ?? null, payload },
          { at: deps.clock(), expertPool: Object.fromEntries(pool.map((e) => [e.id, { name: e.name, region: e.region, active: e.active }])) },
        );
        if (!checked.ok) throw domainRefusalToHttp(checked.refusal);
      }
      await checkGraveActFiles(deps.db, action, payload, reason, decider, deps.clock());
    };
    res.json(await acts.act({
      req, id: decisionId, action, subjectId: app.id,
      // A retry of a decision already applied answers the same result, also after the workflow has moved on or ended.
      answerRecorded: ([applied]) => ({ decisionId, action, stage: applied!.resultStage ?? app.stage }),
      check,
      via: {
        workflowId: app.workflowId, update: decideUpdate, ended: '该申报的流程已结束',
        request: () => ({ decisionId, actor: decider, ...(reason !== undefined ? { reason } : {}), ...applicationDecision(action, payload) }),
        isOwnAnswer: (result: DecisionResult) => result.action === action,
        answer: (result: DecisionResult) => result,
      },
    }));
  });

  return router;
}
