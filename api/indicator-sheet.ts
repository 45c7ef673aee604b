// The 两山指数 indicator data by Excel template (issue 17, docs/SPREADSHEETS.md):
// GET /api/bases/:id/indicator-sheet.xlsx?from=&to= answers the template for
// those years, pre-filled with the values on record; POST /api/bases/:id/indicator-sheet
// takes it back filled (multipart, one `file`). A file with any problem is
// answered 422 with every problem by sheet and cell, and nothing is recorded;
// a clean file records each year that changed as that year's indicator data,
// through the same Update as POST /api/bases/:id/indicator-data
// (bases.ts submitIndicatorYear), its id from the file's sha256 and the year:
// the same file again is applied once. Who may: whoever sees the base
// downloads; only the base's own applicant uploads (as for typed data).
import { createHash } from 'node:crypto';
import type { Request, Router } from 'express';
import { z } from 'zod';
import { checkIndicatorDataYear, indicatorDataYears } from '../domain/base-submissions';
import { formatCstDateZh, yearOf } from '../domain/dates';
import { DATA_SHEET, MAX_YEARS, readIndicatorSheet, sameAsRecorded, sheetSubmissionId, TEMPLATE_VERSION, type CellProblem, type SheetBody, type StoredYear } from '../domain/indicator-sheet';
import { prefectureName } from '../domain/prefectures';
import { problem } from '../domain/problems';
import type { Db } from '../infra/database';
import type { Actor } from '../workflows/messages';
import { attempt } from './audit-refusals';
import { HttpError, unprocessable } from './errors';
import { indicatorTemplate, readTemplate } from './indicator-sheet-xlsx';
import { route } from './openapi';
import { domainRefusalToHttp } from './refusals';
import { receiveSingleFile } from './multipart';
import { parseBody } from './validation';
import { sendXlsx, XLSX_TYPE } from './xlsx';

type BaseRow = NonNullable<Awaited<ReturnType<Db['base']['findUnique']>>>;

/** A template is a few dozen kilobytes; a larger upload is not one (and exceljs reads it in memory). */
export const SHEET_MAX_BYTES = 2 * 1024 * 1024;

export interface IndicatorSheetDeps {
  db: Db;
  clock: () => Date;
  /** The base in the caller's scope (404 otherwise), as the base routes load it. */
  load: (req: Request, actor: Actor) => Promise<BaseRow>;
  /** 403 unless the caller is the base's own applicant. */
  ownBase: (actor: Actor, base: BaseRow, whatZh: string) => void;
  /** A year of indicator data through the base workflow's Update, as POST /api/bases/:id/indicator-data records it. */
  submitYear: (base: BaseRow, actor: Actor, body: SheetBody & { submissionId: string }) => Promise<void>;
  evaluationOf: (base: BaseRow) => Promise<{ years: number[]; evaluation: unknown }>;
  /** The acts recorded under a client's id (the act gateway's look-up, api/acts.ts). */
  recorded: (id: string) => Promise<unknown[]>;
}

const yearParam = z.coerce.number().int().min(2000).max(2100);
const templateQuery = z.strictObject({
  from: yearParam.optional().meta({ description: 'First year of the template (default: the first year of the current term that may be reported)' }),
  to: yearParam.optional().meta({ description: 'Last year (default: the last year that has ended, within the term)' }),
});

const uploadResult = z.looseObject({
  baseId: z.string(),
  years: z.array(z.number()),
  evaluation: z.looseObject({}).nullable(),
  recordedYears: z.array(z.number()).meta({ description: 'Years recorded from this file (or by an earlier upload of the same file)' }),
  unchangedYears: z.array(z.number()).meta({ description: 'Years whose values were already on record as they are: not sent again' }),
});

/** The years a template covers by default: those that may be reported (ended, since the naming) within the current term. */
function defaultYears(base: BaseRow, at: Date): { from: number; to: number } {
  const may = indicatorDataYears(base.namedOn, at);
  return { from: Math.max(may.first, yearOf(base.termStartsOn)), to: Math.min(may.last, yearOf(base.termEndsOn)) };
}

/** Reads the one part `file` of a multipart upload (api/multipart.ts) into memory, at most `maxBytes`. */
function receiveFile(req: Request, maxBytes: number): Promise<Buffer> {
  return receiveSingleFile(req, {
    maxBytes,
    tooLarge: () => new HttpError(413, 'tooLarge', `文件超过大小上限 ${maxBytes / 1024 / 1024} MiB：请上传本系统下载的模板`),
    missingFile: '请选择要上传的文件（字段 file）',
    consume: async ({ stream }) => {
      const chunks: Buffer[] = [];
      for await (const chunk of stream) chunks.push(chunk as Buffer);
      return Buffer.concat(chunks);
    },
  });
}

/** 422 listing every problem of the file by sheet and cell; nothing was recorded. */
function sheetProblems(problems: readonly CellProblem[]): HttpError {
  const where = (p: CellProblem) => (p.cell ? `${p.sheet} ${p.cell}` : p.sheet || '文件');
  return unprocessable(
    `模板有 ${problems.length} 处问题，未保存任何数据：${problems.map((p) => `${where(p)}：${p.zh}`).join('；')}`,
    [...problems],
  );
}

const fileProblem = (sheet: string, zh: string, code: string): CellProblem => ({ sheet, cell: '', year: null, field: 'file', code, zh, en: code });

export function indicatorSheetRoutes(router: Router, deps: IndicatorSheetDeps): void {
  route(router, {
    method: 'get', path: '/bases/:id/indicator-sheet.xlsx', summary: 'The 两山指数 indicator data of a range of years as an Excel template, pre-filled with what is on record', auth: 'bearer',
    roles: ['applicant', 'prefectureOfficer', 'provinceOfficer', 'ops'], query: templateQuery, errors: [422],
    responses: { 200: { description: 'the template (.xlsx): instructions, and a sheet of the indicators with units, targets and a column per year', mediaTypes: [XLSX_TYPE] } },
  }, async (req, res) => {
    const actor = req.actor!;
    attempt(req, { subjectType: 'base', subjectId: String(req.params.id), action: 'readEvaluation' });
    const query = parseBody(templateQuery, req.query);
    const base = await deps.load(req, actor);
    const at = deps.clock();
    const fallback = defaultYears(base, at);
    const from = query.from ?? (query.to !== undefined ? Math.min(fallback.from, query.to) : fallback.from);
    const to = query.to ?? Math.max(from, fallback.to);
    if (to < from) throw unprocessable('结束年度不能早于起始年度', [problem('to', 'beforeFrom', '结束年度不能早于起始年度', 'to is before from')]);
    if (to - from + 1 > MAX_YEARS) throw unprocessable(`一个模板最多 ${MAX_YEARS} 个年度`, [problem('to', 'tooManyYears', `一个模板最多 ${MAX_YEARS} 个年度`, 'too many years')]);
    // The same rule as for typed data: only years that have ended, since the naming (Art. 22).
    for (const year of [from, to]) {
      const refusal = checkIndicatorDataYear(year, base.namedOn, at);
      if (refusal) throw domainRefusalToHttp(refusal);
    }
    const years = Array.from({ length: to - from + 1 }, (_, i) => from + i);
    const [rows, application] = await Promise.all([
      deps.db.baseIndicatorData.findMany({ where: { baseId: base.id, year: { gte: from, lte: to } } }),
      deps.db.application.findUnique({ where: { id: base.id }, select: { terrain: true } }),
    ]);
    const terrain = application?.terrain ?? null;
    const workbook = await indicatorTemplate({
      baseId: base.id, unitName: base.unitName, prefecturesZh: base.prefectures.map(prefectureName).join('、'), terrain, namedOn: base.namedOn,
      termZh: `第${base.termNo}期称号：${formatCstDateZh(base.termStartsOn)}至${formatCstDateZh(base.termEndsOn)}`, years,
      setup: { terrain }, onRecord: new Map(rows.map((r) => [r.year, r.values as StoredYear])),
    });
    await sendXlsx(res, workbook, `${base.unitName}“两山指数”指标数据${from === to ? `${from}年` : `${from}-${to}年`}.xlsx`);
  });

  route(router, {
    method: 'post', path: '/bases/:id/indicator-sheet', summary: 'The base uploads the filled template: every problem by cell, or each changed year recorded as its indicator data (Art. 22)', auth: 'bearer',
    roles: ['applicant'], body: 'multipart', errors: [409, 422],
    responses: { 200: { description: 'recorded (the same file again is applied once); the evaluation of the term so far', schema: uploadResult } },
  }, async (req, res) => {
    const actor = req.actor!;
    attempt(req, { subjectType: 'base', subjectId: String(req.params.id), action: 'submitIndicatorData' });
    const base = await deps.load(req, actor);
    deps.ownBase(actor, base, '“两山指数”指标数据');
    const bytes = await receiveFile(req, SHEET_MAX_BYTES);
    const sha256 = createHash('sha256').update(bytes).digest('hex');
    attempt(req, { details: { sha256, size: bytes.length } });
    const opened = await readTemplate(bytes);
    if (!opened.ok) throw sheetProblems([fileProblem(opened.sheet, opened.zh, 'notTheTemplate')]);
    if (opened.baseId !== null && opened.baseId !== base.id) throw sheetProblems([fileProblem(DATA_SHEET, '这是另一个基地的模板：请在本基地页面下载模板后填写', 'otherBase')]);
    if (opened.version !== null && opened.version !== TEMPLATE_VERSION) throw sheetProblems([fileProblem(DATA_SHEET, '模板版本已更新：请重新下载模板后填写', 'oldTemplate')]);
    const application = await deps.db.application.findUnique({ where: { id: base.id }, select: { terrain: true } });
    const read = readIndicatorSheet({ terrain: application?.terrain ?? null }, opened.cellAt, { namedOn: base.namedOn, at: deps.clock() });
    if (read.problems.length > 0) throw sheetProblems(read.problems);

    const stored = new Map((await deps.db.baseIndicatorData.findMany({ where: { baseId: base.id, year: { in: read.years.map((y) => y.year) } } })).map((r) => [r.year, r.values as StoredYear]));
    const recordedYears: number[] = [];
    const unchangedYears: number[] = [];
    for (const body of read.years) {
      const submissionId = sheetSubmissionId(sha256, body.year);
      const already = (await deps.recorded(submissionId)).length > 0;
      // A year as it is on record is not sent again, unless this very file recorded it (a retry answers the same).
      if (!already && sameAsRecorded(body, stored.get(body.year))) {
        unchangedYears.push(body.year);
        continue;
      }
      await deps.submitYear(base, actor, { submissionId, ...body });
      recordedYears.push(body.year);
    }
    res.json({ baseId: base.id, ...(await deps.evaluationOf(base)), recordedYears, unchangedYears });
  });
}
