// The 两山指数 indicator data as an Excel template, both ways (issue 17):
// the layout of the template's data sheet (which row holds which indicator,
// which column which year, what each input cell takes), the instructions, and
// reading a filled sheet back into the same bodies POST /api/bases/:id/indicator-data
// takes. Every value is judged by the rules that judge typed data
// (domain/ls-index/values.ts validateIndicatorData, domain/base-submissions.ts
// checkIndicatorDataYear); this module only says where a value sits and how
// the sheet words a problem (a cell such as G7, percentages as %, 是/否).
// Pure: the exceljs reading and writing is in api/indicator-sheet-xlsx.ts.
import { checkIndicatorDataYear } from './base-submissions';
import { formatCstDateZh, type CalendarDate, type InstantInput } from './dates';
import { goalZh, indicatorCatalogue, ruleZh, taskZh, TERRAINS_ZH, type CustomIndicator, type IndicatorDef, type TargetRule } from './ls-index/catalogue';
import { validateIndicatorData } from './ls-index/values';
import type { Terrain } from './materials';
import type { Problem } from './problems';

export const INSTRUCTIONS_SHEET = '填写说明';
export const DATA_SHEET = '指标数据';
/** Bumped when the layout changes: a file of another version is refused with a word to download a new template. */
export const TEMPLATE_VERSION = 1;

/** Columns of the data sheet (1-based): fixed columns, then one per year from `firstYear`. */
export const COLUMN = { id: 1, name: 2, unit: 3, target: 4, planTarget: 5, requirement: 6, firstYear: 7 } as const;
/** Rows of the data sheet (1-based): title, unit, hint, the header (years), then the indicators. */
export const ROW = { title: 1, unit: 2, hint: 3, header: 4, firstBody: 5 } as const;
/** At most this many year columns: a term has three years, with room for the naming year and a renewal. */
export const MAX_YEARS = 10;

export const HEADINGS = ['编号', '指标', '单位', '目标参考值', '实施方案目标', '填写要求'] as const;

/** What an input cell takes: a percentage (stored as a fraction, shown as %), a non-negative number, or 是/否 from a list. */
export type InputKind = 'percent' | 'number' | 'yesNo';
/** Which value of an indicator a row holds: the value, one of indicator 9's two areas, or indicator 1's provincial average. */
export type RowPart = 'value' | 'redLine' | 'protectedArea' | 'provincialAverage';

export interface GroupRow {
  kind: 'group';
  row: number;
  zh: string;
}

export interface InputRow {
  kind: 'input';
  row: number;
  indicatorId: string;
  part: RowPart;
  /** Column B: what a person reads, e.g. 受污染耕地安全利用率, 自然保护地面积. */
  label: string;
  unit: string;
  target: string;
  planTarget: string;
  input: InputKind;
  requirement: string;
}

export type SheetRow = GroupRow | InputRow;

export interface SheetSetup {
  /** The unit's terrain as applied for: sets the target of indicator 7. */
  terrain?: string | null;
  /** The base's own indicators (自行探索指标), after the twenty. */
  customIndicators?: readonly CustomIndicator[];
  /** The base's plan targets (建设指标), shown beside the reference target. */
  planTargets?: Readonly<Record<string, TargetRule>>;
}

const PAIR_ZH = { redLine: '生态保护红线面积', protectedArea: '自然保护地面积' } as const;

/** The target of an indicator for this unit: indicator 7's is its terrain's, or says the terrain is not on record. */
export function unitTargetZh(def: IndicatorDef, terrain: string | null | undefined): string {
  if (def.rule.type !== 'atLeastByTerrain') return def.targetZh;
  const t = terrain && terrain in def.rule.thresholds ? (terrain as Terrain) : null;
  if (!t) return `${def.targetZh}（本单元未登记地形，评估记为“无数据”）`;
  return `本单元为${TERRAINS_ZH[t]}：≥${Math.round(def.rule.thresholds[t] * 100)}%`;
}

function inputOf(def: IndicatorDef): InputKind {
  return def.valueKind === 'ratio' ? 'percent' : def.valueKind === 'boolean' ? 'yesNo' : 'number';
}

const REQUIREMENT_ZH: Readonly<Record<InputKind, string>> = {
  percent: '百分比，0%–100%，如 93%',
  number: '不小于 0 的数值',
  yesNo: '从下拉列表选“是”或“否”',
};

/** The rows of the data sheet: a heading row per goal and task, then one row per value to enter. */
export function indicatorSheetRows(setup: SheetSetup = {}): SheetRow[] {
  const rows: SheetRow[] = [];
  let row: number = ROW.firstBody;
  let lastTask = '';
  for (const def of indicatorCatalogue(setup.customIndicators ?? [])) {
    if (def.task !== lastTask) {
      rows.push({ kind: 'group', row: row++, zh: `${goalZh(def.goal)} · ${taskZh(def.task)}` });
      lastTask = def.task;
    }
    const plan = setup.planTargets?.[def.id];
    const common = { indicatorId: def.id, target: unitTargetZh(def, setup.terrain), planTarget: plan ? ruleZh(plan, def.valueKind) : '—' };
    if (def.valueKind === 'areaPair') {
      for (const part of ['redLine', 'protectedArea'] as const) {
        rows.push({ kind: 'input', row: row++, ...common, part, label: PAIR_ZH[part], unit: def.unit, input: 'number', requirement: `${REQUIREMENT_ZH.number}；两项面积一并填写` });
      }
      continue;
    }
    const input = inputOf(def);
    rows.push({ kind: 'input', row: row++, ...common, part: 'value', label: def.zh, unit: input === 'percent' ? '%' : def.unit, input, requirement: REQUIREMENT_ZH[input] });
    if (def.rule.type === 'aboveProvincialAverage') {
      rows.push({
        kind: 'input', row: row++, indicatorId: def.id, part: 'provincialAverage', label: `${def.zh}：当年度全省平均水平`, unit: '%',
        target: `用于判断指标${def.id}是否${def.targetZh}`, planTarget: '—', input: 'percent', requirement: REQUIREMENT_ZH.percent,
      });
    }
  }
  return rows;
}

export const inputRows = (rows: readonly SheetRow[]): InputRow[] => rows.filter((r): r is InputRow => r.kind === 'input');

/** 1 → A, 27 → AA. */
export function columnLetter(column: number): string {
  let n = column;
  let out = '';
  while (n > 0) {
    const r = (n - 1) % 26;
    out = String.fromCharCode(65 + r) + out;
    n = Math.floor((n - 1) / 26);
  }
  return out;
}

export const cellAddress = (column: number, row: number): string => `${columnLetter(column)}${row}`;
export const yearColumn = (index: number): number => COLUMN.firstYear + index;
export const yearHeadingZh = (year: number): string => `${year}年`;

/** What exceljs should check in Excel itself: the same bounds the rules check on upload. */
export interface CellValidation {
  type: 'decimal' | 'list';
  operator?: 'between' | 'greaterThanOrEqual';
  formulae: Array<number | string>;
  promptTitle: string;
  prompt: string;
  errorTitle: string;
  error: string;
}

export function cellValidation(input: InputKind): CellValidation {
  switch (input) {
    case 'percent':
      return { type: 'decimal', operator: 'between', formulae: [0, 1], promptTitle: '百分比', prompt: '填 0%–100%，如 93%', errorTitle: '数值有误', error: '请填写 0% 到 100% 之间的百分比' };
    case 'number':
      return { type: 'decimal', operator: 'greaterThanOrEqual', formulae: [0], promptTitle: '数值', prompt: '填不小于 0 的数值', errorTitle: '数值有误', error: '请填写不小于 0 的数值' };
    case 'yesNo':
      return { type: 'list', formulae: ['"是,否"'], promptTitle: '是/否', prompt: '从下拉列表选“是”或“否”', errorTitle: '填写有误', error: '请从下拉列表选择“是”或“否”' };
  }
}

/** A year of data as stored (BaseIndicatorData.values) or sent: `{ values, provincialAverages? }`. */
export interface StoredYear {
  values?: Record<string, unknown>;
  provincialAverages?: Record<string, unknown>;
}

export type CellValue = number | string | boolean | null;

/** The value a row's cell shows for a year on record: fractions as they are (the cell is formatted as %), yes/no as 是/否. */
export function cellValueOf(row: InputRow, stored: StoredYear | undefined): CellValue {
  if (!stored) return null;
  const raw = row.part === 'provincialAverage'
    ? stored.provincialAverages?.[row.indicatorId]
    : row.part === 'value'
      ? stored.values?.[row.indicatorId]
      : (stored.values?.[row.indicatorId] as Record<string, unknown> | undefined)?.[row.part];
  if (typeof raw === 'boolean') return raw ? '是' : '否';
  return typeof raw === 'number' && Number.isFinite(raw) ? raw : null;
}

/** A cell as the rules read it: empty → undefined; 是/否 → true/false; a number typed as text (93%, 12.5) → a number; anything else as it is, for the rules to refuse. */
export function valueOfCell(input: InputKind, cell: CellValue): unknown {
  if (cell === null) return undefined;
  if (typeof cell !== 'string') return cell;
  const text = cell.trim();
  if (text === '') return undefined;
  if (input === 'yesNo') return text === '是' ? true : text === '否' ? false : text;
  const m = /^([+-]?\d+(?:\.\d+)?)\s*(%?)$/.exec(text);
  if (!m) return text;
  if (m[2] && input !== 'percent') return text;
  return m[2] ? Number(m[1]) / 100 : Number(m[1]);
}

export interface SheetBody {
  year: number;
  values: Record<string, unknown>;
  provincialAverages?: Record<string, unknown>;
}

/** One thing wrong with an uploaded template: where (sheet and cell, e.g. 指标数据 G7) and why, in Chinese; `field` as the typed data's path. */
export interface CellProblem {
  sheet: string;
  cell: string;
  year: number | null;
  field: string;
  code: string;
  zh: string;
  en: string;
}

const cellProblem = (cell: string, year: number | null, p: Pick<Problem, 'field' | 'code' | 'zh' | 'en'>): CellProblem => ({ sheet: DATA_SHEET, cell, year, field: p.field, code: p.code, zh: p.zh, en: p.en });

/** A year heading as typed: 2026, 2026年 or ２０２６年 → 2026; null when it is not a year. */
export function yearOfHeading(cell: CellValue): number | null {
  const text = typeof cell === 'number' ? String(cell) : typeof cell === 'string' ? cell.trim().replace(/[０-９]/g, (d) => String.fromCharCode(d.charCodeAt(0) - 0xfee0)) : '';
  const m = /^(\d{4})(?:\s*年(?:度)?)?$/.exec(text);
  return m ? Number(m[1]) : null;
}

const percentShown = (v: number) => `${Number((v * 100).toFixed(4))}%`;

/** The rule's problem in the sheet's words: percentages as %, yes/no as 是/否, the two areas of indicator 9 by name. */
function sheetWordsOf(row: InputRow, p: Problem, cell: CellValue, year: number): string {
  const who = `${year}年 指标${row.indicatorId}“${row.label}”`;
  const value = valueOfCell(row.input, cell);
  if (row.input === 'percent' && p.code === 'notNumber') return `${who}须填写百分比，如 93%`;
  if (row.input === 'percent' && p.code === 'outOfRange' && typeof value === 'number') {
    const hint = value > 1 && value <= 100 ? `；是否应为 ${Number(value.toFixed(4))}%？` : '';
    return `${who}须在 0% 到 100% 之间，现为 ${percentShown(value)}${hint}`;
  }
  if (row.input === 'yesNo' && p.code === 'notBoolean') return `${who}须填“是”或“否”`;
  if (row.input === 'number' && p.code === 'notNumber') {
    return value === undefined ? `${who}未填写：生态保护红线面积和自然保护地面积须一并填写（${row.unit}）` : `${who}须填写数值（${row.unit}）`;
  }
  if (p.code === 'negative') return `${who}不能为负数`;
  return `${year}年 ${p.zh}`;
}

/** The typed data's field path a row's value has. */
function fieldOf(row: InputRow): string {
  if (row.part === 'provincialAverage') return `provincialAverages.${row.indicatorId}`;
  return row.part === 'value' ? `values.${row.indicatorId}` : `values.${row.indicatorId}.${row.part}`;
}

export interface ReadSheet {
  /** Every problem, all at once; nothing is recorded when there is one. */
  problems: CellProblem[];
  /** The years with at least one value, as bodies of POST /api/bases/:id/indicator-data (without submissionId). */
  years: SheetBody[];
}

/**
 * Reads a filled data sheet (`cellAt(column, row)`, 1-based) laid out by
 * `indicatorSheetRows(setup)`: checks that the rows are the template's,
 * reads each year column, and judges each year that has a value by the
 * rules of typed data, the year by `checkIndicatorDataYear` at `at`. A
 * problem names its cell: a value's own, or the year's heading for the year.
 */
export function readIndicatorSheet(setup: SheetSetup, cellAt: (column: number, row: number) => CellValue, when: { namedOn: CalendarDate; at: InstantInput }): ReadSheet {
  const rows = indicatorSheetRows(setup);
  const problems: CellProblem[] = [];
  // The rows must be the template's: a row inserted, removed or moved would put a value under another indicator.
  for (const r of inputRows(rows)) {
    const id = cellAt(COLUMN.id, r.row);
    const label = cellAt(COLUMN.name, r.row);
    if (String(id ?? '').trim() !== r.indicatorId || String(label ?? '').trim() !== r.label) {
      return {
        problems: [cellProblem(cellAddress(COLUMN.id, r.row), null, {
          field: 'layout', code: 'notTheTemplate',
          zh: `第${r.row}行应为指标${r.indicatorId}“${r.label}”：请使用本系统下载的模板填写，不要插入、删除或移动行`,
          en: `row ${r.row} should hold indicator ${r.indicatorId}`,
        })],
        years: [],
      };
    }
  }
  const years: SheetBody[] = [];
  const seen = new Set<number>();
  for (let i = 0; i < MAX_YEARS; i++) {
    const column = yearColumn(i);
    const heading = cellAt(column, ROW.header);
    const filled = inputRows(rows).filter((r) => valueOfCell(r.input, cellAt(column, r.row)) !== undefined);
    if (heading === null || (typeof heading === 'string' && heading.trim() === '')) {
      if (filled.length > 0) problems.push(cellProblem(cellAddress(column, ROW.header), null, { field: 'year', code: 'noYear', zh: '此列填有数值，但没有年度：请在第4行写明年度，如 2026年', en: 'a column with values has no year' }));
      // The first column without a year ends the years (one with values was flagged).
      if (filled.length === 0) break;
      continue;
    }
    const headingCell = cellAddress(column, ROW.header);
    const year = yearOfHeading(heading);
    if (year === null) {
      problems.push(cellProblem(headingCell, null, { field: 'year', code: 'notAYear', zh: `年度须写作四位年份，如 2026年，现为“${String(heading).slice(0, 20)}”`, en: 'not a year' }));
      continue;
    }
    if (seen.has(year)) {
      problems.push(cellProblem(headingCell, year, { field: 'year', code: 'duplicateYear', zh: `${year}年出现了两列：每个年度只填一列`, en: `year ${year} twice` }));
      continue;
    }
    seen.add(year);
    if (filled.length === 0) continue;
    const values: Record<string, unknown> = {};
    const provincialAverages: Record<string, unknown> = {};
    const cellOfField = new Map<string, { cell: string; row: InputRow | null }>([['year', { cell: headingCell, row: null }], ['values', { cell: headingCell, row: null }], ['body', { cell: headingCell, row: null }]]);
    for (const r of inputRows(rows)) {
      const cell = cellAddress(column, r.row);
      cellOfField.set(fieldOf(r), { cell, row: r });
      // An area pair is one value: its problems without a part name its first row.
      if (r.part === 'redLine') cellOfField.set(`values.${r.indicatorId}`, { cell, row: r });
      const v = valueOfCell(r.input, cellAt(column, r.row));
      if (r.part === 'provincialAverage') {
        if (v !== undefined) provincialAverages[r.indicatorId] = v;
      } else if (r.part === 'value') {
        if (v !== undefined) values[r.indicatorId] = v;
      } else {
        const other = r.part === 'redLine' ? 'protectedArea' : 'redLine';
        const pairFilled = inputRows(rows).some((o) => o.indicatorId === r.indicatorId && o.part === other && valueOfCell(o.input, cellAt(column, o.row)) !== undefined);
        if (v !== undefined || pairFilled) values[r.indicatorId] = { ...(values[r.indicatorId] as object | undefined), [r.part]: v };
      }
    }
    const body: SheetBody = { year, values, ...(Object.keys(provincialAverages).length ? { provincialAverages } : {}) };
    const wrongYear = checkIndicatorDataYear(year, when.namedOn, when.at);
    for (const p of wrongYear?.problems ?? []) problems.push(cellProblem(headingCell, year, { ...p, zh: `${year}年：${p.zh}` }));
    for (const p of validateIndicatorData(body, setup.customIndicators ?? [])) {
      const at = cellOfField.get(p.field) ?? cellOfField.get(p.field.split('.').slice(0, 2).join('.')) ?? { cell: headingCell, row: null };
      const zh = at.row ? sheetWordsOf(at.row, p, cellAt(column, at.row.row), year) : p.code === 'empty' ? `${year}年只填了全省平均水平：至少填写一项指标数值` : `${year}年 ${p.zh}`;
      problems.push(cellProblem(at.cell, year, { ...p, zh }));
    }
    years.push(body);
  }
  if (problems.length === 0 && years.length === 0) {
    problems.push(cellProblem(cellAddress(yearColumn(0), ROW.header), null, { field: 'values', code: 'empty', zh: '模板中没有填写任何数值', en: 'nothing filled in' }));
  }
  return { problems, years: problems.length ? [] : years };
}

/** Stable JSON of a year's data (keys sorted), to tell a year already on record as it is from one that changed. */
function canonical(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonical).join(',')}]`;
  if (v && typeof v === 'object') {
    const entries = Object.entries(v as Record<string, unknown>).filter(([, x]) => x !== undefined).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, x]) => `${JSON.stringify(k)}:${canonical(x)}`).join(',')}}`;
  }
  return JSON.stringify(v);
}

/** Is the sheet's year the same as the one on record (values and provincial averages)? Such a year is not sent again. */
export function sameAsRecorded(body: SheetBody, stored: StoredYear | undefined): boolean {
  if (!stored) return false;
  return canonical({ values: body.values, provincialAverages: body.provincialAverages ?? {} }) === canonical({ values: stored.values ?? {}, provincialAverages: stored.provincialAverages ?? {} });
}

/**
 * The client id of a year recorded from an uploaded file: the file's sha256
 * and the year. The same file uploaded again is answered from the record and
 * never applied twice (≤ 100 characters, as every act id).
 */
export const sheetSubmissionId = (sha256: string, year: number): string => `sheet-${sha256}-${year}`;

export interface InstructionFacts {
  unitName: string;
  prefecturesZh: string;
  terrain: string | null | undefined;
  namedOn: CalendarDate;
  termZh: string;
  years: readonly number[];
}

/** The instructions sheet, line by line. */
export function instructionLines(f: InstructionFacts): string[] {
  const terrain = f.terrain && f.terrain in TERRAINS_ZH ? TERRAINS_ZH[f.terrain as Terrain] : null;
  const range = f.years.length > 1 ? `${f.years[0]}年至${f.years[f.years.length - 1]}年` : `${f.years[0]}年`;
  return [
    '“两山指数”指标数据填报模板',
    `基地：${f.unitName}（${f.prefecturesZh}）`,
    `命名日期：${formatCstDateZh(f.namedOn)}；${f.termZh}`,
    `地形：${terrain ?? '未登记'}（指标7“林草覆盖率”的目标按地形确定${terrain ? '' : '；未登记地形时该指标评估记为“无数据”'}）`,
    `本模板的年度：${range}（第二十二条：只可报送已经结束的年度，北京时间）`,
    '',
    '填写方法',
    `1. 在“${DATA_SHEET}”工作表中，每个年度一列，逐项填写；每行左侧是指标的单位、目标参考值和实施方案目标。`,
    '2. 比例类指标填百分比：单元格已设为百分比格式，输入 93% 即可。',
    '3. “是/否”类指标从下拉列表选择“是”或“否”。',
    '4. 指标9的生态保护红线面积和自然保护地面积（km²）须一并填写；数值都不能为负数。',
    '5. 指标1须同时填写当年度全省平均水平，否则无法判断是否超过全省平均。',
    '6. 已报送的数值已预先填入，可以更正；留空的指标在评估中记为“无数据”。',
    '7. 不要插入、删除或移动行和列，灰色单元格不能改动。',
    '',
    '上传',
    '8. 在控制台的基地页面“指标数据 Excel 模板”处上传填好的文件。',
    '9. 全部单元格无误才会保存；有误时逐一列出单元格（如 G7）和原因，不保存任何数据，改正后重新上传即可。',
    '10. 每个有改动的年度记为一次报送，记入办理过程；与已报送数值相同的年度不重复报送，同一文件重复上传只保存一次。',
  ];
}
