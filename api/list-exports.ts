// Lists out as Excel (issue 17): GET /api/applications/export.xlsx,
// /api/bases/export.xlsx, /api/tasks/export.xlsx and /api/bases/:id/evaluation.xlsx.
// Each takes the query of its JSON list and gets its rows from the very
// function that answers the list (scope and filters included), so the file
// holds what the page shows; columns are headed in Chinese as the pages head
// them, names come from domain/names.ts, instants are 北京时间.
import type { Request, Router } from 'express';
import type { z } from 'zod';
import { formatCstDateZh, formatCstInstantZh } from '../domain/dates';
import type { Evaluation } from '../domain/ls-index/evaluate';
import { goalZh, taskZh } from '../domain/ls-index/catalogue';
import { UNIT_TYPES } from '../domain/materials';
import { baseStatusZh, escalationZh, indicatorResultZh, officeZh, stageZh, stepZh } from '../domain/names';
import { prefectureName } from '../domain/prefectures';
import type { Role } from '../domain/roles';
import { submissionPathZh } from '../domain/submission-path';
import type { Db } from '../infra/database';
import type { Actor } from '../workflows/messages';
import { attempt } from './audit-refusals';
import { route } from './openapi';
import { parseBody } from './validation';
import { addListSheet, newWorkbook, sendXlsx, XLSX_TYPE, type XlsxColumn } from './xlsx';

const unitTypeZh = (type: string) => UNIT_TYPES.find((t) => t.type === type)?.zh ?? '其他';
const prefecturesZh = (codes: readonly string[]) => codes.map(prefectureName).join('、');
const exportedAt = () => `导出时间：${formatCstInstantZh(Date.now())}（北京时间）`;
/** The filters as words, for the sheet's title: what the page was showing. */
const filtersZh = (parts: Array<string | null>) => {
  const set = parts.filter((p): p is string => !!p);
  return set.length ? `筛选：${set.join('，')}` : '全部';
};

const xlsxResponse = (what: string) => ({ 200: { description: `${what} as an Excel file (.xlsx), Chinese headings, instants in 北京时间`, mediaTypes: [XLSX_TYPE] } });

interface ApplicationRow {
  year: number;
  stage: string;
  unit: { name: string; type: string; prefectures: string[] };
  submitVia: string;
  submittedAt: string;
}

const APPLICATION_COLUMNS: readonly XlsxColumn<ApplicationRow>[] = [
  { heading: '建设单元', value: (a) => a.unit.name, width: 24 },
  { heading: '类型', value: (a) => unitTypeZh(a.unit.type) },
  { heading: '所在市（州）', value: (a) => prefecturesZh(a.unit.prefectures), width: 24 },
  { heading: '申报途径', value: (a) => submissionPathZh(a.submitVia), width: 30 },
  { heading: '年度', value: (a) => a.year },
  { heading: '阶段', value: (a) => stageZh(a.stage), width: 20 },
  { heading: '提交时间（北京时间）', value: (a) => formatCstInstantZh(a.submittedAt), width: 24 },
];

export function applicationsExportRoute<Q extends z.ZodObject>(router: Router, query: Q, list: (actor: Actor, query: z.infer<Q>) => Promise<ApplicationRow[]>): void {
  route(router, {
    method: 'get', path: '/applications/export.xlsx', summary: 'The applications the caller may see, filtered as GET /api/applications, as an Excel file', auth: 'bearer',
    roles: ['applicant', 'prefectureOfficer', 'provinceOfficer', 'expert', 'ops'], query,
    responses: xlsxResponse('the list'),
  }, async (req, res) => {
    const q = parseBody(query, req.query) as { stage?: string; prefecture?: string; year?: number };
    const rows = await list(req.actor!, q as z.infer<Q>);
    const workbook = newWorkbook();
    const title = `申报列表（${filtersZh([q.stage ? `阶段：${stageZh(q.stage)}` : null, q.prefecture ? `市（州）：${prefectureName(q.prefecture)}` : null, q.year ? `年度：${q.year}年` : null])}；共 ${rows.length} 件；${exportedAt()}）`;
    addListSheet(workbook, '申报', title, APPLICATION_COLUMNS, rows);
    await sendXlsx(res, workbook, '申报列表.xlsx');
  });
}

interface BaseRowView {
  status: string;
  unit: { name: string; type: string; prefectures: string[] };
  namedOn: string;
  termStartsOn: string;
  termEndsOn: string;
  termNo: number;
  nationalRecommended: boolean;
}

const BASE_COLUMNS: readonly XlsxColumn<BaseRowView>[] = [
  { heading: '基地', value: (b) => b.unit.name, width: 24 },
  { heading: '类型', value: (b) => unitTypeZh(b.unit.type) },
  { heading: '所在市（州）', value: (b) => prefecturesZh(b.unit.prefectures), width: 24 },
  { heading: '状态', value: (b) => baseStatusZh(b.status), width: 16 },
  { heading: '命名日期', value: (b) => formatCstDateZh(b.namedOn), width: 18 },
  { heading: '有效期', value: (b) => `第${b.termNo}期：${formatCstDateZh(b.termStartsOn)} 至 ${formatCstDateZh(b.termEndsOn)}`, width: 40 },
  { heading: '向国家推荐', value: (b) => (b.nationalRecommended ? '已推荐' : '未推荐') },
];

export function basesExportRoute<Q extends z.ZodObject>(router: Router, query: Q, list: (actor: Actor, query: z.infer<Q>) => Promise<BaseRowView[]>): void {
  route(router, {
    method: 'get', path: '/bases/export.xlsx', summary: 'The bases the caller may see, filtered as GET /api/bases, as an Excel file', auth: 'bearer',
    roles: ['applicant', 'prefectureOfficer', 'provinceOfficer', 'ops'], query,
    responses: xlsxResponse('the list'),
  }, async (req, res) => {
    const q = parseBody(query, req.query) as { status?: string; prefecture?: string };
    const rows = await list(req.actor!, q as z.infer<Q>);
    const workbook = newWorkbook();
    const title = `“两山”基地列表（${filtersZh([q.status ? `状态：${baseStatusZh(q.status)}` : null, q.prefecture ? `市（州）：${prefectureName(q.prefecture)}` : null])}；共 ${rows.length} 个；${exportedAt()}）`;
    addListSheet(workbook, '基地', title, BASE_COLUMNS, rows);
    await sendXlsx(res, workbook, '基地列表.xlsx');
  });
}

interface TaskRow {
  subjectType: string;
  subjectId: string;
  step: string;
  role: string;
  prefecture?: string | null;
  dueAt: string;
  overdue: boolean;
  escalationLevel: number;
}

export function tasksExportRoute(router: Router, deps: { db: Db; clock: () => Date }, list: (actor: Actor) => Promise<TaskRow[]>): void {
  route(router, {
    method: 'get', path: '/tasks/export.xlsx', summary: "The caller's open tasks, as GET /api/tasks, as an Excel file", auth: 'bearer',
    roles: ['applicant', 'prefectureOfficer', 'provinceOfficer', 'expert', 'ops'],
    responses: xlsxResponse('the open tasks'),
  }, async (req, res) => {
    const rows = await list(req.actor!);
    // A base's id is its application's: one lookup names both kinds of subject by their unit.
    const units = await deps.db.application.findMany({ where: { id: { in: [...new Set(rows.map((t) => t.subjectId))] } }, select: { id: true, unitName: true } });
    const unitOf = new Map(units.map((u) => [u.id, u.unitName]));
    const columns: readonly XlsxColumn<TaskRow>[] = [
      { heading: '事项', value: (t) => (t.subjectType === 'base' ? '基地' : '申报') },
      { heading: '建设单元', value: (t) => unitOf.get(t.subjectId) ?? '—', width: 24 },
      { heading: '环节', value: (t) => stepZh(t.step), width: 28 },
      { heading: '办理期限（北京时间）', value: (t) => formatCstInstantZh(t.dueAt), width: 24 },
      { heading: '逾期', value: (t) => (t.overdue ? '已逾期' : '未逾期') },
      { heading: '督办', value: (t) => escalationZh(t.escalationLevel), width: 28 },
      { heading: '承办', value: (t) => officeZh(t.role, t.prefecture), width: 28 },
    ];
    const workbook = newWorkbook();
    addListSheet(workbook, '待办', `待办事项（共 ${rows.length} 项；${exportedAt()}）`, columns, rows);
    await sendXlsx(res, workbook, '待办事项.xlsx');
  });
}

type Indicator = Evaluation['indicators'][number];
type Attained = { level: string; zh: string; score: number; met: number; notMet: number; noData: number };

const INDICATOR_COLUMNS: readonly XlsxColumn<Indicator>[] = [
  { heading: '编号', value: (i) => i.id, width: 8 },
  { heading: '指标', value: (i) => i.zh, width: 40 },
  { heading: '目标', value: (i) => goalZh(i.goal), width: 18 },
  { heading: '任务', value: (i) => taskZh(i.task), width: 18 },
  { heading: '目标值', value: (i) => i.target, width: 36 },
  { heading: '结果', value: (i) => indicatorResultZh(i.result) },
  { heading: '说明', value: (i) => i.reasonZh, width: 60 },
];

const ATTAINMENT_COLUMNS: readonly XlsxColumn<Attained>[] = [
  { heading: '层级', value: (a) => a.level },
  { heading: '名称', value: (a) => a.zh, width: 24 },
  { heading: '达标程度', value: (a) => a.score, width: 12 },
  { heading: '达标', value: (a) => a.met },
  { heading: '未达标', value: (a) => a.notMet },
  { heading: '无数据', value: (a) => a.noData },
];

const BASE_READERS: readonly Role[] = ['applicant', 'prefectureOfficer', 'provinceOfficer', 'ops'];

export function evaluationExportRoute<B extends { id: string; unitName: string }>(
  router: Router,
  deps: { load: (req: Request, actor: Actor) => Promise<B>; evaluationOf: (base: B) => Promise<{ years: number[]; evaluation: Evaluation | null }> },
): void {
  route(router, {
    method: 'get', path: '/bases/:id/evaluation.xlsx', summary: 'The 两山指数 evaluation of the current term, as GET /api/bases/:id/evaluation, as an Excel file', auth: 'bearer',
    roles: BASE_READERS, responses: xlsxResponse('the evaluation'),
  }, async (req, res) => {
    attempt(req, { subjectType: 'base', subjectId: String(req.params.id), action: 'readEvaluation' });
    const base = await deps.load(req, req.actor!);
    const { years, evaluation } = await deps.evaluationOf(base);
    const span = years.length ? `${years[0]}年${years.length > 1 ? `至${years[years.length - 1]}年` : ''}` : '尚无指标数据';
    const workbook = newWorkbook();
    addListSheet(workbook, '指标', `${base.unitName}“两山指数”评估（${span}；${exportedAt()}）`, INDICATOR_COLUMNS, evaluation?.indicators ?? []);
    const attained: Attained[] = evaluation
      ? [
          { level: '总体', ...evaluation.overall },
          ...evaluation.goals.map((g) => ({ level: '目标', ...g })),
          ...evaluation.tasks.map((t) => ({ level: '任务', ...t })),
        ]
      : [];
    const sheet = addListSheet(workbook, '达标程度', `达标程度（${evaluation ? evaluation.methodZh : '尚无指标数据'}）`, ATTAINMENT_COLUMNS, attained);
    sheet.getColumn(3).numFmt = '0%';
    await sendXlsx(res, workbook, `${base.unitName}“两山指数”评估.xlsx`);
  });
}
