// The 两山指数 template as an .xlsx file, with exceljs: written from the
// layout of domain/indicator-sheet.ts (instructions, the data sheet with its
// units, targets, validations and values on record, a very hidden sheet that
// names the base), and read back into the cells that layout addresses.
import ExcelJS from 'exceljs';
import {
  cellValidation,
  cellValueOf,
  COLUMN,
  DATA_SHEET,
  HEADINGS,
  indicatorSheetRows,
  instructionLines,
  INSTRUCTIONS_SHEET,
  ROW,
  TEMPLATE_VERSION,
  yearColumn,
  yearHeadingZh,
  type CellValue,
  type InstructionFacts,
  type SheetSetup,
  type StoredYear,
} from '../domain/indicator-sheet';
import { newWorkbook, plainCellValue } from './xlsx';

/** Never shown (Excel cannot unhide a very hidden sheet from its menus): which base and layout version the file is for. */
const META_SHEET = '模板信息';

const LOCKED_FILL: ExcelJS.Fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFF1F3F4' } };
const GROUP_FILL: ExcelJS.Fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFDDE8E2' } };

export interface TemplateInput extends InstructionFacts {
  baseId: string;
  setup: SheetSetup;
  /** Values on record by year. */
  onRecord: ReadonlyMap<number, StoredYear>;
}

export async function indicatorTemplate(t: TemplateInput): Promise<ExcelJS.Workbook> {
  const workbook = newWorkbook();
  const lines = instructionLines(t);
  const guide = workbook.addWorksheet(INSTRUCTIONS_SHEET);
  guide.getColumn(1).width = 110;
  lines.forEach((line, i) => {
    const cell = guide.getCell(i + 1, 1);
    cell.value = line;
    cell.alignment = { wrapText: true, vertical: 'top' };
    if (i === 0) cell.font = { bold: true, size: 14 };
    else if (line === '填写方法' || line === '上传') cell.font = { bold: true };
  });

  const lastColumn = yearColumn(t.years.length - 1);
  const sheet = workbook.addWorksheet(DATA_SHEET, { views: [{ state: 'frozen', xSplit: COLUMN.requirement, ySplit: ROW.header }] });
  sheet.getColumn(COLUMN.id).width = 6;
  sheet.getColumn(COLUMN.name).width = 44;
  sheet.getColumn(COLUMN.unit).width = 14;
  sheet.getColumn(COLUMN.target).width = 34;
  sheet.getColumn(COLUMN.planTarget).width = 16;
  sheet.getColumn(COLUMN.requirement).width = 28;
  t.years.forEach((_, i) => (sheet.getColumn(yearColumn(i)).width = 14));
  sheet.mergeCells(ROW.title, 1, ROW.title, lastColumn);
  sheet.getCell(ROW.title, 1).value = `${t.unitName}“两山指数”指标数据（${yearHeadingZh(t.years[0]!)}${t.years.length > 1 ? `至${yearHeadingZh(t.years[t.years.length - 1]!)}` : ''}）`;
  sheet.getCell(ROW.title, 1).font = { bold: true, size: 14 };
  sheet.mergeCells(ROW.unit, 1, ROW.unit, lastColumn);
  sheet.getCell(ROW.unit, 1).value = lines.slice(1, 5).join('；');
  sheet.mergeCells(ROW.hint, 1, ROW.hint, lastColumn);
  sheet.getCell(ROW.hint, 1).value = `在年度列中填写；比例填百分比（如 93%），是/否从下拉列表选择；填写方法见“${INSTRUCTIONS_SHEET}”。`;
  const header = sheet.getRow(ROW.header);
  HEADINGS.forEach((h, i) => (header.getCell(i + 1).value = h));
  t.years.forEach((y, i) => (header.getCell(yearColumn(i)).value = yearHeadingZh(y)));
  for (let c = 1; c <= lastColumn; c++) {
    header.getCell(c).font = { bold: true };
    header.getCell(c).fill = LOCKED_FILL;
  }

  const rows = indicatorSheetRows(t.setup);
  for (const r of rows) {
    if (r.kind === 'group') {
      sheet.mergeCells(r.row, 1, r.row, lastColumn);
      const cell = sheet.getCell(r.row, 1);
      cell.value = r.zh;
      cell.font = { bold: true };
      cell.fill = GROUP_FILL;
      continue;
    }
    const row = sheet.getRow(r.row);
    const fixed: Array<[number, string]> = [[COLUMN.id, r.indicatorId], [COLUMN.name, r.label], [COLUMN.unit, r.unit], [COLUMN.target, r.target], [COLUMN.planTarget, r.planTarget], [COLUMN.requirement, r.requirement]];
    for (const [c, text] of fixed) {
      const cell = row.getCell(c);
      cell.value = text;
      cell.fill = LOCKED_FILL;
      cell.alignment = { wrapText: true, vertical: 'middle' };
    }
    const v = cellValidation(r.input);
    t.years.forEach((year, i) => {
      const cell = row.getCell(yearColumn(i));
      cell.value = cellValueOf(r, t.onRecord.get(year));
      cell.protection = { locked: false };
      if (r.input === 'percent') cell.numFmt = '0.00%';
      cell.dataValidation = {
        type: v.type, ...(v.operator ? { operator: v.operator } : {}), formulae: v.formulae, allowBlank: true,
        showInputMessage: true, promptTitle: v.promptTitle, prompt: v.prompt, showErrorMessage: true, errorStyle: 'stop', errorTitle: v.errorTitle, error: v.error,
      };
    });
  }
  // Only the year cells can be typed in: the rows' meaning cannot move under the values (no password: the structure is guarded, not secret).
  await sheet.protect('', { selectLockedCells: true, selectUnlockedCells: true, formatColumns: true, formatRows: true, insertRows: false, deleteRows: false, insertColumns: false, deleteColumns: false });

  const meta = workbook.addWorksheet(META_SHEET, { state: 'veryHidden' });
  meta.getCell('A1').value = t.baseId;
  meta.getCell('A2').value = TEMPLATE_VERSION;
  workbook.views = [{ x: 0, y: 0, width: 20000, height: 12000, firstSheet: 0, activeTab: 1, visibility: 'visible' }];
  return workbook;
}

export type ReadWorkbook =
  | { ok: true; baseId: string | null; version: number | null; cellAt: (column: number, row: number) => CellValue }
  | { ok: false; zh: string; sheet: string; cell: string };

/** Opens an uploaded file as the template: its data sheet's cells, and the base and version it was made for. */
export async function readTemplate(bytes: Buffer): Promise<ReadWorkbook> {
  const workbook = new ExcelJS.Workbook();
  try {
    await workbook.xlsx.load(bytes as unknown as ArrayBuffer);
  } catch {
    return { ok: false, sheet: '', cell: '', zh: '无法读取该文件：请上传本系统下载的 Excel 模板（.xlsx）' };
  }
  const data = workbook.getWorksheet(DATA_SHEET);
  if (!data) return { ok: false, sheet: DATA_SHEET, cell: '', zh: `文件中没有“${DATA_SHEET}”工作表：请使用本系统下载的模板填写` };
  const meta = workbook.getWorksheet(META_SHEET);
  const baseId = meta ? plainCellValue(meta.getCell('A1').value) : null;
  const version = meta ? plainCellValue(meta.getCell('A2').value) : null;
  return {
    ok: true,
    baseId: typeof baseId === 'string' ? baseId : null,
    version: typeof version === 'number' ? version : null,
    cellAt: (column, row) => plainCellValue(data.getCell(row, column).value),
  };
}
