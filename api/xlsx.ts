// Excel (.xlsx) out of the API, with exceljs (docs/SPREADSHEETS.md): a list
// as one sheet of Chinese columns, and the download headers a browser saves
// under a Chinese file name.
import ExcelJS from 'exceljs';
import type { Response } from 'express';

export const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

/** One column of an exported list: its Chinese heading and what a row shows there (text or a number, never an id). */
export interface XlsxColumn<T> {
  heading: string;
  value: (row: T) => string | number | null;
  /** In characters; the heading's width when not given. */
  width?: number;
}

/** A sheet of `rows` under `title` (the first row), headings on the second, frozen, with a filter on them. */
export function addListSheet<T>(workbook: ExcelJS.Workbook, name: string, title: string, columns: readonly XlsxColumn<T>[], rows: readonly T[]): ExcelJS.Worksheet {
  const sheet = workbook.addWorksheet(name, { views: [{ state: 'frozen', ySplit: 2 }] });
  sheet.columns = columns.map((c) => ({ width: c.width ?? Math.max(10, [...c.heading].length * 2 + 2) }));
  sheet.getCell(1, 1).value = title;
  sheet.getCell(1, 1).font = { bold: true, size: 14 };
  const heading = sheet.getRow(2);
  columns.forEach((c, i) => {
    const cell = heading.getCell(i + 1);
    cell.value = c.heading;
    cell.font = { bold: true };
    cell.fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFE8EEF0' } };
  });
  for (const row of rows) sheet.addRow(columns.map((c) => c.value(row)));
  if (columns.length > 0) sheet.autoFilter = { from: { row: 2, column: 1 }, to: { row: 2, column: columns.length } };
  return sheet;
}

export function newWorkbook(): ExcelJS.Workbook {
  const workbook = new ExcelJS.Workbook();
  workbook.creator = '贵州省“两山”实践创新基地管理系统';
  return workbook;
}

/** Answers the workbook as a download named `fileNameZh` (RFC 6266: an ASCII fallback, the Chinese name in filename*). */
export async function sendXlsx(res: Response, workbook: ExcelJS.Workbook, fileNameZh: string): Promise<void> {
  const buffer = Buffer.from(await workbook.xlsx.writeBuffer());
  res.set('content-type', XLSX_TYPE);
  res.set('content-disposition', `attachment; filename="export.xlsx"; filename*=UTF-8''${encodeURIComponent(fileNameZh)}`);
  res.set('cache-control', 'no-store');
  res.send(buffer);
}

/** A sheet's cell as plain data: formulas by their result, rich text as its text, dates and errors as text (for the rules to refuse). */
export function plainCellValue(value: ExcelJS.CellValue): string | number | boolean | null {
  if (value === null || value === undefined) return null;
  if (typeof value === 'number' || typeof value === 'string' || typeof value === 'boolean') return value;
  if (value instanceof Date) return value.toISOString().slice(0, 10);
  if (typeof value === 'object') {
    if ('result' in value) return plainCellValue((value as { result?: ExcelJS.CellValue }).result ?? null);
    if ('richText' in value) return value.richText.map((t) => t.text).join('');
    if ('error' in value) return String(value.error);
    if ('text' in value) return String((value as { text: unknown }).text);
  }
  return String(value);
}
