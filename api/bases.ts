// Named bases (Art. 16-24, Art. 6): the list and detail read the read model;
// decisions, annual summaries and rectification reports are Updates of the
// base workflow (workflows/base.ts); indicator data is validated here by
// domain/ls-index and recorded by the base workflow with its 两山指数
// evaluation. Out of scope → 404.
import { Router } from 'express';
import type { Client } from '@temporalio/client';
import { z } from 'zod';
import { checkIndicatorDataYear, checkOwnBase, checkSummaryCorrection, checkSummaryYear } from '../domain/base-submissions';
import { annualSummaryDue, postEvaluationSchedule } from '../domain/deadlines';
import { addDays, yearOf } from '../domain/dates';
import { evaluateLsIndex, type YearData } from '../domain/ls-index/evaluate';
import { TERRAINS_ZH } from '../domain/ls-index/catalogue';
import type { Terrain } from '../domain/materials';
import { validateIndicatorData } from '../domain/ls-index/values';
import { problem } from '../domain/problems';
import { listPrefectureFilter, maySee, type Subject } from '../domain/scope';
import { isBaseStatus, isTerminalStatus, type BaseStatus } from '../domain/stages';
import { availableBaseActions, blockedBaseActions } from '../domain/transitions';
import type { Db } from '../infra/database';
import { reportRectificationUpdate, submitIndicatorDataUpdate, submitSummaryUpdate, type IndicatorDataSubmission } from '../workflows/base-messages';
import { decideBaseUpdate, type Actor } from '../workflows/messages';
import { baseDecision } from '../domain/decision-payloads';
import { actGateway } from './acts';
import { checkGraveActFiles, graveActsOf } from './grave-acts';
import { fileNamesOf, MISSING_FILE_NAME } from './files';
import { indicatorSheetRoutes } from './indicator-sheet';
import { basesExportRoute, evaluationExportRoute } from './list-exports';
import { attempt } from './audit-refusals';
import { decisionResultSchema } from './applications';
import { conflict, forbidden, notFound, unprocessable } from './errors';
import { route } from './openapi';
import { decisionBodySchema, parseBody } from './validation';
import { provisionalDue } from './provisional-deadlines';

type BaseRow = NonNullable<Awaited<ReturnType<Db['base']['findUnique']>>>;

const subjectOf = (b: Pick<BaseRow, 'prefectures' | 'applicantSub'>): Subject => ({ kind: 'base', prefectures: b.prefectures, applicantSub: b.applicantSub });

/** A client-chosen id of an act, as for decisions: the same id again is answered from the record, not applied twice. */
const actId = z.string().trim().min(1).max(100);
const summarySchema = z.strictObject({
  submissionId: actId.meta({ description: 'The client’s id of this version: the same id again is answered from the record; a new id for a year already in is a correction (until 31 January 24:00 CST of the next year)' }),
  year: z.number().int().min(2000).max(2100),
  fileId: z.string().trim().min(1).max(100),
  summary: z.string().trim().min(1).max(20_000),
});
const reportSchema = z.strictObject({ reportId: actId, report: z.string().trim().min(1).max(20_000), fileId: z.string().trim().min(1).max(100).optional() });
// The values are checked per indicator by domain/ls-index (422 listing each problem).
const indicatorDataSchema = z.strictObject({
  submissionId: actId, year: z.unknown(), values: z.unknown(), provincialAverages: z.unknown().optional(),
  terrain: z.enum(Object.keys(TERRAINS_ZH) as [Terrain, ...Terrain[]]).optional()
    .meta({ description: 'The unit’s terrain when none is on record (indicator 7’s target depends on it, Art. 22): recorded with the data; one on record is not changed this way (409 when it differs)' }),
});
// `{ decisionId, action, reason?, ...payload }`: documented as one schema per
// action of BASE_TRANSITIONS; the payload is checked by the workflow.
const decisionSchema = decisionBodySchema('base');
const listQuerySchema = z.strictObject({ status: z.string().max(64).optional(), prefecture: z.string().regex(/^52\d{4}$/).optional() });

const iso = z.string();
const baseView = z.looseObject({ id: z.string(), workflowId: z.string(), status: z.string(), namedOn: z.string(), termEndsOn: z.string() });
const listSchema = z.looseObject({ bases: z.array(baseView) });
const summaryVersionView = z.looseObject({ version: z.number(), fileId: z.string(), name: z.string().meta({ description: 'The file’s name as uploaded' }), summary: z.string(), late: z.boolean(), submittedAt: iso });
const detailSchema = baseView.extend({
  unit: z.looseObject({
    name: z.string(), type: z.string(), prefectures: z.array(z.string()),
    terrain: z.string().nullable().meta({ description: 'The unit’s terrain as applied for (mountain, hill, plain, arid), which sets the target of indicator 7 (Art. 22); null when not given' }),
  }),
  summaries: z.array(summaryVersionView.extend({
    year: z.number(),
    corrected: z.boolean(),
    dueAt: iso.meta({ description: 'The summary’s due date (31 January 24:00 CST of the next year): corrections are taken until then' }),
    versions: z.array(summaryVersionView).meta({ description: 'Every version of the year, first to current' }),
  })).meta({ description: 'Per year, the current (latest) version of the annual summary, with every version' }),
  openTasks: z.array(z.looseObject({ id: z.string(), step: z.string(), role: z.string(), dueAt: iso, dueProvisional: z.boolean() })),
  timeline: z.array(z.looseObject({ decisionId: z.string(), action: z.string(), at: iso })),
  graveActs: z.array(z.looseObject({
    action: z.string(), actionZh: z.string(), at: iso, ground: z.number().nullable(), groundZh: z.string().nullable(),
    deliberation: z.looseObject({ body: z.string(), date: z.string() }).nullable(),
    evidence: z.looseObject({ title: z.string().nullable(), date: z.string().nullable(), files: z.array(z.looseObject({ fileId: z.string(), name: z.string() })) }).nullable(),
  })).meta({ description: 'The naming and each warning or revocation with what it rests on: the deliberation (Art. 16, 24), the Art. 24 ground and its evidence' }),
  actions: z.array(z.string()).meta({ description: 'The decisions the caller may take in the current status (domain/transitions.ts), for clients such as the console' }),
});
const evaluationSchema = z.looseObject({ baseId: z.string(), years: z.array(z.number()), evaluation: z.looseObject({ indicators: z.array(z.looseObject({ id: z.string(), reasonZh: z.string() })) }).nullable() });

type SummaryRow = Awaited<ReturnType<Db['baseSummary']['findMany']>>[number];

/** Per year, the current (highest) version of the annual summary, with every version first to last (rows ordered by year, version). */
function summaryViews(rows: SummaryRow[], fileNames: ReadonlyMap<string, string>) {
  const years = new Map<number, SummaryRow[]>();
  for (const r of rows) years.set(r.year, [...(years.get(r.year) ?? []), r]);
  const view = (r: SummaryRow) => ({ version: r.version, fileId: r.fileId, name: fileNames.get(r.fileId) ?? MISSING_FILE_NAME, summary: r.summary, late: r.late, submittedBy: r.submittedBy, submittedAt: r.submittedAt.toISOString() });
  return [...years].map(([year, versions]) => {
    const current = versions.at(-1)!;
    return { year, ...view(current), corrected: current.version > 1, dueAt: annualSummaryDue(year).dueAt, versions: versions.map(view) };
  });
}

/** The 两山指数 of the current term from the yearly data submitted so far. */
export function termEvaluation(base: BaseRow, rows: Array<{ year: number; values: unknown }>, terrain: string | null) {
  const from = yearOf(base.termStartsOn);
  const to = yearOf(base.termEndsOn);
  const inTerm = rows.filter((r) => r.year >= from && r.year <= to).sort((a, b) => a.year - b.year);
  const years = inTerm.map((r) => r.year);
  if (years.length === 0) return { years, evaluation: null };
  const data = Object.fromEntries(inTerm.map((r) => [String(r.year), r.values as YearData]));
  const evaluation = evaluateLsIndex({
    baselineYear: from,
    years,
    data,
    terrain: (terrain ?? null) as Parameters<typeof evaluateLsIndex>[0]['terrain'],
  });
  return { years, evaluation };
}

export function basesRouter(deps: { db: Db; temporal: Client; clock: () => Date }): Router {
  const router = Router();
  const acts = actGateway(deps);

  async function load(req: Parameters<Parameters<typeof route>[2]>[0], actor: Actor): Promise<BaseRow> {
    const base = await deps.db.base.findUnique({ where: { id: String(req.params.id) } });
    if (base) attempt(req, { workflowId: base.workflowId });
    if (!base || !maySee(actor, subjectOf(base))) throw notFound();
    return base;
  }

  /** The current term's 两山指数 evaluation from the indicator data stored so far. */
  async function evaluationOf(base: BaseRow) {
    const [rows, application] = await Promise.all([
      deps.db.baseIndicatorData.findMany({ where: { baseId: base.id } }),
      deps.db.application.findUnique({ where: { id: base.id }, select: { terrain: true } }),
    ]);
    return termEvaluation(base, rows, application?.terrain ?? null);
  }

  /** The term's evaluation as it stands: the years with data, the overall attainment, the indicators not met. */
  async function evaluationBasis(base: BaseRow) {
    const { years, evaluation } = await evaluationOf(base);
    return {
      years,
      overall: evaluation ? { score: evaluation.overall.score, met: evaluation.overall.met, notMet: evaluation.overall.notMet, noData: evaluation.overall.noData } : null,
      notMet: evaluation ? evaluation.indicators.filter((i) => i.result === 'notMet').map((i) => i.id) : [],
    };
  }

  /** A base's workflow ends with its title: an act on a base that no longer holds it is refused before any Update. */
  const holdsTitle = async (base: BaseRow) => {
    if (isTerminalStatus(base.status as Parameters<typeof isTerminalStatus>[0])) throw conflict('该基地已不再持有称号');
  };
  const ENDED = '该基地的流程已结束';

  const ownBase = (actor: Actor, base: BaseRow, whatZh: string) => {
    const notOwn = checkOwnBase(actor, base.applicantSub, whatZh);
    if (notOwn) throw forbidden(notOwn.zh);
  };

  /** The bases the caller may see, filtered by the list's query: GET /api/bases and its Excel export. */
  async function listBases(actor: Actor, query: z.infer<typeof listQuerySchema>) {
    if (actor.role === 'expert') throw forbidden('专家不能查看基地');
    const regions = listPrefectureFilter(actor);
    const bases = await deps.db.base.findMany({
      where: {
        ...(query.status && isBaseStatus(query.status) ? { status: query.status } : {}),
        ...(query.prefecture ? { prefectures: { has: query.prefecture } } : {}),
        ...(actor.role === 'applicant' ? { applicantSub: actor.sub } : {}),
        ...(regions && actor.role === 'prefectureOfficer' ? { prefectures: { hasSome: regions } } : {}),
      },
      orderBy: { namedOn: 'desc' },
      take: 500,
    });
    return bases.map((b) => ({
      id: b.id, workflowId: b.workflowId, status: b.status, unit: { name: b.unitName, type: b.unitType, prefectures: b.prefectures },
      namedOn: b.namedOn, termStartsOn: b.termStartsOn, termEndsOn: b.termEndsOn, termNo: b.termNo, nationalRecommended: b.nationalRecommended,
    }));
  }

  /**
   * A year of indicator data through the base workflow's Update (Art. 22), once per submissionId: checked by the
   * rules of domain/ls-index and domain/base-submissions, recorded with the term's evaluation as it stood with it.
   * Typed data (POST …/indicator-data) and an uploaded template (api/indicator-sheet.ts) both come this way.
   */
  async function submitIndicatorYear(base: BaseRow, actor: Actor, body: { submissionId: string; year: unknown; values: unknown; provincialAverages?: unknown; terrain?: Terrain }): Promise<void> {
    const year = body.year as number;
    let request: IndicatorDataSubmission | undefined;
    await acts.act({
      actor, id: body.submissionId, idField: 'submissionId', action: 'submitIndicatorData', subjectId: base.id,
      answerRecorded: () => undefined,
      check: async () => {
        await holdsTitle(base);
        const problems = validateIndicatorData(body);
        if (problems.length > 0) throw unprocessable(`指标数据有误，共 ${problems.length} 项：${problems.map((p) => p.zh).join('；')}`, problems);
        const wrongYear = checkIndicatorDataYear(body.year, base.namedOn, deps.clock());
        if (wrongYear) throw unprocessable(wrongYear.zh, wrongYear.problems ?? []);
        const values = { values: body.values, ...(body.provincialAverages ? { provincialAverages: body.provincialAverages } : {}) };
        const application = await deps.db.application.findUnique({ where: { id: base.id }, select: { terrain: true } });
        // The unit's terrain is given here only when none is on record (it was not asked when the unit applied).
        const onRecord = (application?.terrain ?? null) as Terrain | null;
        if (body.terrain && onRecord && body.terrain !== onRecord) {
          throw conflict(`建设单元的地形已登记为${TERRAINS_ZH[onRecord]}，不能随指标数据更改`, [problem('terrain', 'alreadyOnRecord', `地形已登记为${TERRAINS_ZH[onRecord]}`, 'the terrain is already on record')]);
        }
        const newTerrain = onRecord ? undefined : body.terrain;
        const rows = [...(await deps.db.baseIndicatorData.findMany({ where: { baseId: base.id, year: { not: year } } })), { year, values }];
        // Stored beside the values: the term's evaluation as it stood with this year.
        const { evaluation } = termEvaluation(base, rows, onRecord ?? newTerrain ?? null);
        // Checked above by validateIndicatorData, and parsed from JSON: plain JSON values.
        const json = <T>(v: T) => JSON.parse(JSON.stringify(v)) as T;
        request = {
          submissionId: body.submissionId,
          year,
          values: json(body.values as Record<string, unknown>),
          ...(body.provincialAverages ? { provincialAverages: json(body.provincialAverages as Record<string, unknown>) } : {}),
          ...(newTerrain ? { terrain: newTerrain } : {}),
          evaluation: json(evaluation ?? {}),
          actor,
        };
      },
      via: { workflowId: base.workflowId, update: submitIndicatorDataUpdate, ended: ENDED, request: () => request!, isOwnAnswer: (r) => r.year === year, answer: () => undefined },
    });
  }

  route(router, {
    method: 'get', path: '/bases', summary: 'Named bases the caller may see', auth: 'bearer',
    roles: ['applicant', 'prefectureOfficer', 'provinceOfficer', 'ops'], query: listQuerySchema,
    responses: { 200: { description: 'the list, scoped to the caller', schema: listSchema } },
  }, async (req, res) => {
    res.json({ bases: await listBases(req.actor!, parseBody(listQuerySchema, req.query)) });
  });
  // The same list, same filters and scope, as an Excel file (api/list-exports.ts); before /bases/:id, which would take its path.
  basesExportRoute(router, listQuerySchema, listBases);

  route(router, {
    method: 'get', path: '/bases/:id', summary: 'One base: title dates, status, summaries, tasks, decisions (evaluations, rectifications, sanctions)', auth: 'bearer',
    roles: ['applicant', 'prefectureOfficer', 'provinceOfficer', 'ops'],
    responses: { 200: { description: 'the base', schema: detailSchema } },
  }, async (req, res) => {
    const actor = req.actor!;
    attempt(req, { subjectType: 'base', subjectId: String(req.params.id), action: 'read' });
    const base = await load(req, actor);
    const [summaries, tasks, decisions, graveActs, application] = await Promise.all([
      deps.db.baseSummary.findMany({ where: { baseId: base.id }, orderBy: [{ year: 'asc' }, { version: 'asc' }] }),
      deps.db.task.findMany({ where: { subjectType: 'base', subjectId: base.id, status: 'open' }, orderBy: { dueAt: 'asc' } }),
      deps.db.decision.findMany({ where: { subjectType: 'base', subjectId: base.id, outcome: 'applied' }, orderBy: { seq: 'asc' } }),
      graveActsOf(deps.db, base.id),
      // The unit's terrain, as applied for: the target of indicator 7 (Art. 22) depends on it.
      deps.db.application.findUnique({ where: { id: base.id }, select: { terrain: true } }),
    ]);
    // The state the rules' conditions read, from the read model: the post-evaluation opens 90 days before the
    // term's third anniversary (the day after termEndsOn); the latest conclusion since the last renewal.
    const provisional = await provisionalDue(deps.db);
    const sinceRenewal = decisions.slice(decisions.findLastIndex((d) => d.action === 'renew') + 1);
    const conclusion = sinceRenewal.findLast((d) => d.action === 'concludeEvaluation')?.payload as { outcome?: 'pass' | 'rectify' | 'sanction' } | undefined;
    const facts = {
      status: base.status as BaseStatus, prefectures: base.prefectures, applicantSub: base.applicantSub,
      postEvaluationOpen: deps.clock().getTime() >= Date.parse(postEvaluationSchedule({ anniversary: addDays(base.termEndsOn, 1) }).opensAt),
      lastEvaluationOutcome: conclusion?.outcome ?? null,
    };
    res.json({
      id: base.id, workflowId: base.workflowId, status: base.status, endReason: base.endReason,
      unit: { name: base.unitName, type: base.unitType, prefectures: base.prefectures, terrain: application?.terrain ?? null },
      namedOn: base.namedOn, termStartsOn: base.termStartsOn, termEndsOn: base.termEndsOn, termNo: base.termNo, nationalRecommended: base.nationalRecommended,
      summaries: summaryViews(summaries, await fileNamesOf(deps.db, summaries.map((s) => s.fileId))),
      openTasks: tasks.map((t) => ({ id: t.id, step: t.step, role: t.role, prefecture: t.prefecture, dueAt: t.dueAt.toISOString(), dueProvisional: provisional(t), escalationLevel: t.escalationLevel })),
      timeline: decisions.map((d) => ({
        decisionId: d.decisionId, action: d.action, actor: { sub: d.actorSub, role: d.actorRole, prefecture: d.actorPrefecture }, reason: d.reason, payload: d.payload, resultStage: d.resultStage, at: d.at.toISOString(),
      })),
      // The naming, warnings and revocations with what they rest on (deliberation, ground, evidence).
      graveActs,
      // What the caller may decide in this status (domain/transitions.ts); conditions the workflow alone knows are checked when sent.
      actions: availableBaseActions(facts, actor),
      // Of those, the ones the base's state does not allow yet, with the reason the API would give (the console shows them disabled).
      actionsBlocked: blockedBaseActions(facts, actor),
    });
  });

  route(router, {
    method: 'post', path: '/bases/:id/decisions', summary: 'A decision on a base (a Workflow Update)', auth: 'bearer',
    roles: ['provinceOfficer'], body: decisionSchema, errors: [409, 422],
    responses: { 200: { description: 'applied (or the same decisionId again): the new status', schema: decisionResultSchema } },
  }, async (req, res) => {
    const actor = req.actor!;
    attempt(req, { subjectType: 'base', subjectId: String(req.params.id), action: 'decision' });
    const body = parseBody(decisionSchema, req.body);
    attempt(req, { action: body.action, decisionId: body.decisionId, reason: body.reason ?? null });
    const base = await load(req, actor);
    const { decisionId, action, reason, ...payload } = body;
    res.json(await acts.act({
      req, id: decisionId, action, subjectId: base.id,
      answerRecorded: ([applied]) => ({ decisionId, action, stage: applied!.resultStage ?? base.status }),
      check: async () => {
        await holdsTitle(base);
        // A post-evaluation's conclusion records the 两山指数 evaluation it was
        // taken on (Art. 22): the audit log then shows what the province saw.
        if (action === 'concludeEvaluation') (payload as Record<string, unknown>).evaluationBasis = await evaluationBasis(base);
        await checkGraveActFiles(deps.db, action, payload, reason, actor, deps.clock());
      },
      via: {
        workflowId: base.workflowId, update: decideBaseUpdate, ended: ENDED,
        request: () => ({ decisionId, actor, ...(reason !== undefined ? { reason } : {}), ...baseDecision(action, payload) }),
        isOwnAnswer: (result) => result.action === action,
        answer: (result) => result,
      },
    }));
  });

  route(router, {
    method: 'post', path: '/bases/:id/annual-summaries', summary: 'The base submits its annual summary, or a correction of it before its due date (Art. 18)', auth: 'bearer',
    roles: ['applicant'], body: summarySchema, errors: [409, 422],
    responses: {
      200: {
        description: 'recorded as the year’s next version (or the same submissionId again); late when after 31 January of the next year',
        schema: z.looseObject({ year: z.number(), late: z.boolean(), version: z.number() }),
      },
    },
  }, async (req, res) => {
    const actor = req.actor!;
    attempt(req, { subjectType: 'base', subjectId: String(req.params.id), action: 'annualSummary' });
    const body = parseBody(summarySchema, req.body);
    attempt(req, { decisionId: body.submissionId });
    const base = await load(req, actor);
    ownBase(actor, base, '年度工作总结');
    res.json(await acts.act({
      req, id: body.submissionId, idField: 'submissionId', action: 'submitSummary', subjectId: base.id,
      answerRecorded: ([again]) => {
        const p = again!.payload as { year?: number; late?: boolean; version?: number };
        return { year: p.year, late: p.late ?? false, version: p.version ?? 1 };
      },
      check: async () => {
        await holdsTitle(base);
        const file = await deps.db.file.findFirst({ where: { id: body.fileId, uploadedBy: actor.sub }, select: { id: true } });
        if (!file) throw unprocessable('总结材料文件不存在或不是您上传的，请重新上传', [problem('fileId', 'unknownFile', '总结材料文件不存在或不是您上传的', `file ${body.fileId} is unknown`)]);
        const wrongYear = checkSummaryYear(body.year, base.namedOn, deps.clock());
        if (wrongYear) throw unprocessable(wrongYear.zh, wrongYear.problems ?? []);
        // A year already in is corrected until its due date (the workflow checks the same).
        const alreadyIn = (await deps.db.baseSummary.count({ where: { baseId: base.id, year: body.year } })) > 0;
        const closed = checkSummaryCorrection(body.year, alreadyIn, deps.clock());
        if (closed) throw conflict(closed.zh);
      },
      via: {
        workflowId: base.workflowId, update: submitSummaryUpdate, ended: ENDED, request: () => ({ ...body, actor }),
        isOwnAnswer: (result) => result.year === body.year,
        answer: (result) => result,
      },
    }));
  });

  route(router, {
    method: 'post', path: '/bases/:id/rectification-report', summary: 'The base reports its rectification (Art. 23)', auth: 'bearer',
    roles: ['applicant'], body: reportSchema, errors: [409, 422],
    responses: { 200: { description: 'recorded; the province verifies', schema: z.looseObject({ reportedAt: z.string() }) } },
  }, async (req, res) => {
    const actor = req.actor!;
    attempt(req, { subjectType: 'base', subjectId: String(req.params.id), action: 'reportRectification' });
    const body = parseBody(reportSchema, req.body);
    const base = await load(req, actor);
    ownBase(actor, base, '整改报告');
    res.json(await acts.act({
      req, id: body.reportId, idField: 'reportId', action: 'reportRectification', subjectId: base.id,
      answerRecorded: ([again]) => ({ reportedAt: again!.at.toISOString() }),
      check: async () => {
        await holdsTitle(base);
        // An attached file must be one the county uploaded itself, as for the summary.
        if (body.fileId && !(await deps.db.file.findFirst({ where: { id: body.fileId, uploadedBy: actor.sub }, select: { id: true } }))) {
          throw unprocessable('整改报告的附件不存在或不是您上传的，请重新上传', [problem('fileId', 'unknownFile', '整改报告的附件不存在或不是您上传的', `file ${body.fileId} is unknown`)]);
        }
      },
      via: { workflowId: base.workflowId, update: reportRectificationUpdate, ended: ENDED, request: () => ({ ...body, actor }), answer: (result) => result },
    }));
  });

  route(router, {
    method: 'post', path: '/bases/:id/indicator-data', summary: 'The base submits a year of 两山指数 indicator data (Art. 22), recorded by its workflow', auth: 'bearer',
    roles: ['applicant'], body: indicatorDataSchema, errors: [409, 422],
    responses: { 200: { description: 'recorded (or the same submissionId again); the evaluation of the term so far', schema: evaluationSchema } },
  }, async (req, res) => {
    const actor = req.actor!;
    attempt(req, { subjectType: 'base', subjectId: String(req.params.id), action: 'submitIndicatorData' });
    const body = parseBody(indicatorDataSchema, req.body);
    attempt(req, { decisionId: body.submissionId });
    const base = await load(req, actor);
    ownBase(actor, base, '“两山指数”指标数据');
    await submitIndicatorYear(base, actor, body);
    res.json({ baseId: base.id, ...(await evaluationOf(base)) });
  });

  route(router, {
    method: 'get', path: '/bases/:id/evaluation', summary: '两山指数 evaluation of the current term, with a reason per indicator', auth: 'bearer',
    roles: ['applicant', 'prefectureOfficer', 'provinceOfficer', 'ops'],
    responses: { 200: { description: 'per indicator, task, goal and overall', schema: evaluationSchema } },
  }, async (req, res) => {
    const actor = req.actor!;
    attempt(req, { subjectType: 'base', subjectId: String(req.params.id), action: 'readEvaluation' });
    const base = await load(req, actor);
    res.json({ baseId: base.id, ...(await evaluationOf(base)) });
  });

  // The same data by Excel template, both ways (issue 17): api/indicator-sheet.ts.
  indicatorSheetRoutes(router, { db: deps.db, clock: deps.clock, load, ownBase, submitYear: submitIndicatorYear, evaluationOf, recorded: (id) => acts.recorded(id) });
  // The evaluation as an Excel file (api/list-exports.ts).
  evaluationExportRoute(router, { load, evaluationOf });

  return router;
}
