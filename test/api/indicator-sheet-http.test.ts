// Indicator data by Excel template, both ways, and lists out as Excel
// (issue 17 items 1-2), over real HTTP against the API, a worker on the
// time-skipping server and PostgreSQL:
// - the template of a base's reportable years is downloaded (instructions,
//   units, targets by the unit's terrain, validations, values on record),
//   filled with exceljs as a person would, uploaded, recorded through the base
//   workflow's indicator-data Update and evaluated; the same file again is
//   applied once, a year unchanged is not sent again;
// - a file with three bad cells is answered with exactly those three cells,
//   and nothing is recorded;
// - the base's own applicant alone uploads; out of scope → 404;
// - applications, bases, tasks and the evaluation export as .xlsx with the
//   list's filters and scope, headed in Chinese, instants in 北京时间.
import { randomUUID } from 'node:crypto';
import ExcelJS from 'exceljs';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signDevToken } from '../../api/auth';
import { cstDateOf } from '../../domain/dates';
import { baseStatusZh, stageZh } from '../../domain/names';
import { cellAddress, DATA_SHEET, indicatorSheetRows, inputRows, INSTRUCTIONS_SHEET, ROW, yearColumn, type InputRow } from '../../domain/indicator-sheet';
import { baseWorkflow } from '../../workflows/base';
import type { BaseInput } from '../../workflows/base-messages';
import type { Actor } from '../../workflows/messages';
import type { TestDatabase } from '../support/database';
import { startHarness, TEST_JWT_SECRET, type Harness } from '../support/harness';

let env: TestWorkflowEnvironment;
let database: TestDatabase;
let harness: Harness;
let api: string;
let serverNow = new Date();

const applicant: Actor = { sub: 'applicant-sheet', role: 'applicant', prefecture: '520300' };
const stranger: Actor = { sub: 'applicant-other', role: 'applicant', prefecture: '520300' };
const zunyi: Actor = { sub: 'zunyi-officer', role: 'prefectureOfficer', prefecture: '520300' };
const bijie: Actor = { sub: 'bijie-officer', role: 'prefectureOfficer', prefecture: '520500' };
const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

beforeAll(async () => {
  harness = await startHarness({ server: 'timeSkipping', name: 'indicator-sheet-http' });
  ({ env, database } = harness);
  api = await harness.listen({ clock: () => serverNow });
});
afterAll(() => harness?.stop());

async function headers(actor: Actor): Promise<Record<string, string>> {
  serverNow = new Date(await env.currentTimeMs());
  return { authorization: `Bearer ${await signDevToken(TEST_JWT_SECRET, actor)}` };
}
async function download(url: string, actor: Actor): Promise<{ status: number; type: string; disposition: string; workbook: ExcelJS.Workbook | null; body: unknown }> {
  const res = await fetch(api + url, { headers: await headers(actor) });
  const bytes = Buffer.from(await res.arrayBuffer());
  if (res.status !== 200) return { status: res.status, type: res.headers.get('content-type') ?? '', disposition: '', workbook: null, body: JSON.parse(bytes.toString('utf8')) };
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.load(bytes as unknown as ArrayBuffer);
  return { status: res.status, type: res.headers.get('content-type') ?? '', disposition: res.headers.get('content-disposition') ?? '', workbook, body: null };
}
async function upload(baseId: string, actor: Actor, bytes: Uint8Array): Promise<{ status: number; body: Record<string, unknown> }> {
  const form = new FormData();
  form.append('file', new Blob([bytes], { type: XLSX }), '指标数据.xlsx');
  const res = await fetch(`${api}/api/bases/${baseId}/indicator-sheet`, { method: 'POST', headers: await headers(actor), body: form });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}
async function postJson(url: string, actor: Actor, body: unknown): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await fetch(api + url, { method: 'POST', headers: { ...(await headers(actor)), 'content-type': 'application/json' }, body: JSON.stringify(body) });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}
/** Rows of a list sheet as text (title, headings, then the rows). */
const rowsOf = (sheet: ExcelJS.Worksheet) => sheet.getSheetValues().filter(Boolean).map((r) => (r as unknown[]).slice(1).map((v) => (v === undefined || v === null ? '' : String(v))));

const layout = inputRows(indicatorSheetRows({ terrain: 'mountain' }));
const rowOf = (id: string, part: InputRow['part'] = 'value') => layout.find((r) => r.indicatorId === id && r.part === part)!.row;

describe('indicator data by Excel template', () => {
  it('downloads a template, takes it back filled, records it once through the base workflow, and answers a bad file cell by cell', async () => {
    // Named two years ago: two years that have ended to report (Art. 22).
    const year = Number(cstDateOf(await env.currentTimeMs()).slice(0, 4));
    const [first, second] = [year - 2, year - 1];
    const input: BaseInput = {
      baseId: randomUUID(),
      unit: { name: '凤冈县', type: 'county', prefectures: ['520300'] },
      applicant: { name: '凤冈县人民政府', contactEmail: 'fenggang@unit.example', sub: applicant.sub },
      namedOn: `${first}-06-01`,
    };
    const id = input.baseId;
    // The unit's application, with its terrain (the target of indicator 7).
    await database.db.application.create({
      data: {
        id, workflowId: `application-${id}`, year: first, unitName: '凤冈县', unitType: 'county', prefectures: ['520300'], terrain: 'mountain', applicantName: '凤冈县人民政府',
        applicantSub: applicant.sub, contactEmail: 'fenggang@unit.example', materials: [], stage: 'named', namedOn: input.namedOn, submittedAt: new Date(`${first}-03-01T00:00:00Z`),
      },
    });
    await env.client.workflow.start(baseWorkflow, { taskQueue: harness.taskQueue, workflowId: `base-${id}`, args: [input] });
    for (let n = 0; n < 100 && !(await database.db.base.findUnique({ where: { id } })); n++) await new Promise((r) => setTimeout(r, 50));
    // The first year typed in the console as before.
    expect((await postJson(`/api/bases/${id}/indicator-data`, applicant, { submissionId: `typed-${randomUUID()}`, year: first, values: { '2': 1, '5': 0.97 } })).status).toBe(200);

    // ---- The template: instructions in Chinese, the indicators with units and targets, a column per year, values on record.
    const got = await download(`/api/bases/${id}/indicator-sheet.xlsx`, applicant);
    expect(got.status).toBe(200);
    expect(got.type).toBe(XLSX);
    expect(decodeURIComponent(got.disposition.split("UTF-8''")[1] ?? '')).toBe(`凤冈县“两山指数”指标数据${first}-${second}年.xlsx`);
    const workbook = got.workbook!;
    expect(workbook.worksheets.filter((s) => s.state === 'visible').map((s) => s.name)).toEqual([INSTRUCTIONS_SHEET, DATA_SHEET]);
    const guide = workbook.getWorksheet(INSTRUCTIONS_SHEET)!.getColumn(1).values.join('\n');
    expect(guide).toContain('基地：凤冈县（遵义市）');
    expect(guide).toContain('地形：山区');
    expect(guide).toContain(`本模板的年度：${first}年至${second}年`);
    const sheet = workbook.getWorksheet(DATA_SHEET)!;
    const [g, h] = [yearColumn(0), yearColumn(1)];
    expect([sheet.getCell(ROW.header, g).value, sheet.getCell(ROW.header, h).value]).toEqual([`${first}年`, `${second}年`]);
    expect(sheet.getCell(rowOf('7'), 4).value).toBe('本单元为山区：≥60%');
    expect(sheet.getCell(rowOf('5'), 3).value).toBe('%');
    expect(sheet.getCell(rowOf('5'), 4).value).toBe('>95%');
    // Values on record are pre-filled; every input cell carries Excel's own check.
    expect(sheet.getCell(rowOf('5'), g).value).toBe(0.97);
    expect(sheet.getCell(rowOf('2'), g).value).toBe(1);
    expect(sheet.getCell(rowOf('5'), h).value).toBeNull();
    expect(sheet.getCell(rowOf('5'), h).dataValidation).toMatchObject({ type: 'decimal', operator: 'between', formulae: [0, 1] });
    expect(sheet.getCell(rowOf('8'), h).dataValidation).toMatchObject({ type: 'decimal', operator: 'greaterThanOrEqual', formulae: [0] });
    expect(sheet.getCell(rowOf('16'), h).dataValidation).toMatchObject({ type: 'list', formulae: ['"是,否"'] });
    for (const r of layout) expect(sheet.getCell(r.row, h).dataValidation, `row ${r.row}`).toBeTruthy();

    // Whoever sees the base may download it; out of scope → 404.
    expect((await download(`/api/bases/${id}/indicator-sheet.xlsx`, zunyi)).status).toBe(200);
    expect((await download(`/api/bases/${id}/indicator-sheet.xlsx`, bijie)).status).toBe(404);
    // A year that has not ended is refused as for typed data.
    const current = await download(`/api/bases/${id}/indicator-sheet.xlsx?from=${year}&to=${year}`, applicant);
    expect(current.status).toBe(422);
    expect(JSON.stringify(current.body)).toContain(`${year}年尚未结束`);

    // ---- Filled as a person would (the second year), uploaded: recorded and evaluated.
    const fill = (cells: Array<[number, number, ExcelJS.CellValue]>) => {
      for (const [row, col, value] of cells) sheet.getCell(row, col).value = value;
    };
    fill([
      [rowOf('1'), h, 0.96], [rowOf('1', 'provincialAverage'), h, 0.95], [rowOf('2'), h, 1], [rowOf('5'), h, 0.98], [rowOf('7'), h, 0.72],
      [rowOf('9', 'redLine'), h, 120], [rowOf('9', 'protectedArea'), h, 80], [rowOf('16'), h, '是'], [rowOf('20'), h, 0.02],
    ]);
    const good = new Uint8Array(await workbook.xlsx.writeBuffer());
    const decisions = () => database.db.decision.count({ where: { subjectId: id, action: 'submitIndicatorData', outcome: 'applied' } });
    const before = await decisions();
    const applied = await upload(id, applicant, good);
    expect(applied.status, JSON.stringify(applied.body)).toBe(200);
    expect(applied.body).toMatchObject({ baseId: id, years: [first, second], recordedYears: [second], unchangedYears: [first] });
    const indicators = (applied.body.evaluation as { indicators: Array<{ id: string; result: string }> }).indicators;
    expect(indicators.find((i) => i.id === '1')!.result).toBe('met');
    expect(indicators.find((i) => i.id === '7')!.result).toBe('met');
    expect(indicators.find((i) => i.id === '20')!.result).toBe('notMet');
    const stored = await database.db.baseIndicatorData.findUniqueOrThrow({ where: { baseId_year: { baseId: id, year: second } } });
    expect(stored.values).toEqual({ values: { '1': 0.96, '2': 1, '5': 0.98, '7': 0.72, '9': { redLine: 120, protectedArea: 80 }, '16': true, '20': 0.02 }, provincialAverages: { '1': 0.95 } });
    // One act through the decision path: the base workflow's Update, audited under the file's hash and the year.
    expect(await decisions()).toBe(before + 1);
    const act = await database.db.decision.findFirstOrThrow({ where: { subjectId: id, action: 'submitIndicatorData', outcome: 'applied' }, orderBy: { seq: 'desc' } });
    expect(act.decisionId).toMatch(new RegExp(`^sheet-[0-9a-f]{64}-${second}$`));
    expect(act.actorSub).toBe(applicant.sub);
    expect((await download(`/api/bases/${id}/evaluation.xlsx`, zunyi)).status).toBe(200);

    // The same file again: applied once, answered the same.
    const again = await upload(id, applicant, good);
    expect(again).toMatchObject({ status: 200, body: { recordedYears: [second], unchangedYears: [first] } });
    expect(await decisions()).toBe(before + 1);

    // ---- Three bad cells: exactly those three, in Chinese, and nothing recorded.
    fill([[rowOf('5'), h, 93], [rowOf('8'), h, '很多'], [rowOf('18'), h, '也许'], [rowOf('2'), h, 0.99]]);
    const bad = await upload(id, applicant, new Uint8Array(await workbook.xlsx.writeBuffer()));
    expect(bad.status).toBe(422);
    const details = (bad.body.error as { message: string; details: Array<{ sheet: string; cell: string; zh: string }> }).details;
    const col = cellAddress(h, 1).replace(/\d+$/, '');
    expect(details.map((d) => [d.sheet, d.cell])).toEqual([[DATA_SHEET, `${col}${rowOf('5')}`], [DATA_SHEET, `${col}${rowOf('8')}`], [DATA_SHEET, `${col}${rowOf('18')}`]]);
    expect(details.map((d) => d.zh)).toEqual([
      `${second}年 指标5“受污染耕地安全利用率”须在 0% 到 100% 之间，现为 9300%；是否应为 93%？`,
      `${second}年 指标8“物种丰富度”须填写数值（种（或指数））`,
      `${second}年 指标18““两山”基地制度建设”须填“是”或“否”`,
    ]);
    expect((bad.body.error as { message: string }).message).toMatch(/^模板有 3 处问题，未保存任何数据/);
    expect(await decisions()).toBe(before + 1);
    expect((await database.db.baseIndicatorData.findUniqueOrThrow({ where: { baseId_year: { baseId: id, year: second } } })).values).toEqual(stored.values);

    // ---- Only the base's own applicant uploads; another applicant does not see the base; not a workbook → 422.
    expect((await upload(id, zunyi, good)).status).toBe(403);
    expect((await upload(id, stranger, good)).status).toBe(404);
    const notXlsx = await upload(id, applicant, new TextEncoder().encode('不是表格'));
    expect(notXlsx.status).toBe(422);
    expect(JSON.stringify(notXlsx.body)).toContain('请上传本系统下载的 Excel 模板');

    // ---- Lists out as Excel, with the list's filters and scope, Chinese headings, 北京时间.
    const bases = await download('/api/bases/export.xlsx?status=named', zunyi);
    expect(bases.type).toBe(XLSX);
    const baseRows = rowsOf(bases.workbook!.getWorksheet('基地')!);
    expect(baseRows[0]![0]).toContain(`筛选：状态：${baseStatusZh('named')}`);
    expect(baseRows[1]).toEqual(['基地', '类型', '所在市（州）', '状态', '命名日期', '有效期', '向国家推荐']);
    expect(baseRows.slice(2)).toContainEqual(['凤冈县', '县域', '遵义市', baseStatusZh('named'), `${first}年6月1日`, `第1期：${first}年6月1日 至 ${first + 3}年5月31日`, '未推荐']);
    expect(rowsOf((await download('/api/bases/export.xlsx', bijie)).workbook!.getWorksheet('基地')!).slice(2)).toEqual([]);
    const apps = rowsOf((await download(`/api/applications/export.xlsx?year=${first}`, zunyi)).workbook!.getWorksheet('申报')!);
    expect(apps[1]).toEqual(['建设单元', '类型', '所在市（州）', '申报途径', '年度', '阶段', '提交时间（北京时间）']);
    expect(apps.slice(2)).toEqual([['凤冈县', '县域', '遵义市', expect.any(String), String(first), stageZh('named'), `${first}年3月1日 08:00`]]);
    const tasks = rowsOf((await download('/api/tasks/export.xlsx', zunyi)).workbook!.getWorksheet('待办')!);
    expect(tasks[1]).toEqual(['事项', '建设单元', '环节', '办理期限（北京时间）', '逾期', '督办', '承办']);
    const evaluation = (await download(`/api/bases/${id}/evaluation.xlsx`, applicant)).workbook!;
    const byIndicator = rowsOf(evaluation.getWorksheet('指标')!);
    expect(byIndicator[1]).toEqual(['编号', '指标', '目标', '任务', '目标值', '结果', '说明']);
    expect(byIndicator.find((r) => r[0] === '20')).toEqual(['20', '生态环保投入占 GDP 比重', '建立长效机制', '资金保障', '>3%', '未达标', expect.stringContaining('2%')]);
    expect(rowsOf(evaluation.getWorksheet('达标程度')!)[2]![0]).toBe('总体');
    for (const text of [...baseRows, ...apps, ...tasks, ...byIndicator].flat()) expect(text).not.toMatch(/\b(named|county|met|notMet|prefectureOfficer)\b/);
  });
});
