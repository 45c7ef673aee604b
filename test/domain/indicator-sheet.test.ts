// The indicator template's layout and reading (domain/indicator-sheet.ts):
// which row holds which indicator, cell addresses, a filled sheet read into
// the bodies typed data uses, and every problem named by its cell, judged by
// the rules of typed data.
import { describe, expect, it } from 'vitest';
import {
  cellAddress,
  cellValidation,
  COLUMN,
  columnLetter,
  indicatorSheetRows,
  inputRows,
  readIndicatorSheet,
  ROW,
  sameAsRecorded,
  sheetSubmissionId,
  valueOfCell,
  yearColumn,
  yearOfHeading,
  type CellValue,
  type InputRow,
} from '../../domain/indicator-sheet';
import { INDICATORS } from '../../domain/ls-index/catalogue';
import { validateIndicatorData } from '../../domain/ls-index/values';

const rows = inputRows(indicatorSheetRows({ terrain: 'mountain' }));
const rowOf = (id: string, part: InputRow['part'] = 'value') => rows.find((r) => r.indicatorId === id && r.part === part)!;

/** A template as downloaded: ids and labels in place, the years in the header. */
function sheet(years: number[]): Map<string, CellValue> {
  const cells = new Map<string, CellValue>();
  for (const r of rows) {
    cells.set(cellAddress(COLUMN.id, r.row), r.indicatorId);
    cells.set(cellAddress(COLUMN.name, r.row), r.label);
  }
  years.forEach((y, i) => cells.set(cellAddress(yearColumn(i), ROW.header), `${y}年`));
  return cells;
}
const cellAt = (cells: Map<string, CellValue>) => (c: number, r: number) => cells.get(cellAddress(c, r)) ?? null;
const when = { namedOn: '2024-06-01', at: '2026-03-01T00:00:00Z' };

describe('the template’s layout', () => {
  it('has a row per indicator value, indicator 9’s two areas and indicator 1’s provincial average, under a heading per task', () => {
    const all = indicatorSheetRows({ terrain: 'mountain' });
    expect(rows).toHaveLength(INDICATORS.length + 2);
    expect(all.filter((r) => r.kind === 'group')).toHaveLength(8);
    expect(all[0]).toEqual({ kind: 'group', row: ROW.firstBody, zh: '构筑绿水青山 · 环境质量' });
    expect(rowOf('1', 'provincialAverage').row).toBe(rowOf('1').row + 1);
    expect([rowOf('9', 'redLine').label, rowOf('9', 'protectedArea').label]).toEqual(['生态保护红线面积', '自然保护地面积']);
    expect(rowOf('7').target).toBe('本单元为山区：≥60%');
    expect(inputRows(indicatorSheetRows({})).find((r) => r.indicatorId === '7')!.target).toContain('本单元未登记地形');
    expect(rowOf('16').input).toBe('yesNo');
    expect(rowOf('8').input).toBe('number');
    expect(rowOf('5')).toMatchObject({ input: 'percent', unit: '%', target: '>95%', planTarget: '—' });
    expect(inputRows(indicatorSheetRows({ planTargets: { '5': { type: 'atLeast', value: 0.98 } } })).find((r) => r.indicatorId === '5')!.planTarget).toBe('≥98%');
  });

  it('addresses cells as Excel does', () => {
    expect([1, 7, 26, 27, 52, 53].map(columnLetter)).toEqual(['A', 'G', 'Z', 'AA', 'AZ', 'BA']);
    expect(cellAddress(yearColumn(0), ROW.header)).toBe('G4');
  });

  it('has Excel check the same bounds as the rules', () => {
    expect(cellValidation('percent')).toMatchObject({ type: 'decimal', operator: 'between', formulae: [0, 1] });
    expect(cellValidation('number')).toMatchObject({ type: 'decimal', operator: 'greaterThanOrEqual', formulae: [0] });
    expect(cellValidation('yesNo')).toMatchObject({ type: 'list', formulae: ['"是,否"'] });
    // What the validation lets through, the rule accepts; its edges are refused by both.
    const ratio = INDICATORS.find((d) => d.id === '5')!.id;
    expect(validateIndicatorData({ year: 2025, values: { [ratio]: 0 } })).toEqual([]);
    expect(validateIndicatorData({ year: 2025, values: { [ratio]: 1 } })).toEqual([]);
    expect(validateIndicatorData({ year: 2025, values: { [ratio]: 1.01 } })).toHaveLength(1);
  });

  it('reads cells as the rules read values', () => {
    expect(valueOfCell('percent', 0.93)).toBe(0.93);
    expect(valueOfCell('percent', '93%')).toBe(0.93);
    expect(valueOfCell('percent', ' ')).toBeUndefined();
    expect(valueOfCell('number', '12.5')).toBe(12.5);
    expect(valueOfCell('number', '12%')).toBe('12%');
    expect(valueOfCell('yesNo', '是')).toBe(true);
    expect(valueOfCell('yesNo', '否')).toBe(false);
    expect(valueOfCell('yesNo', '也许')).toBe('也许');
    expect([yearOfHeading('2025年'), yearOfHeading(2025), yearOfHeading('２０２５年'), yearOfHeading('明年')]).toEqual([2025, 2025, 2025, null]);
  });
});

describe('reading a filled template', () => {
  it('reads each year with values into the body typed data uses; an empty year is left out', () => {
    const cells = sheet([2024, 2025]);
    const g = (id: string, part: InputRow['part'] = 'value') => cellAddress(yearColumn(1), rowOf(id, part).row);
    cells.set(g('1'), 0.96);
    cells.set(g('1', 'provincialAverage'), '95%');
    cells.set(g('9', 'redLine'), 120);
    cells.set(g('9', 'protectedArea'), 80.5);
    cells.set(g('16'), '是');
    cells.set(g('18'), '否');
    cells.set(g('8'), 312);
    const read = readIndicatorSheet({ terrain: 'mountain' }, cellAt(cells), when);
    expect(read.problems).toEqual([]);
    expect(read.years).toEqual([
      { year: 2025, values: { '1': 0.96, '8': 312, '9': { redLine: 120, protectedArea: 80.5 }, '16': true, '18': false }, provincialAverages: { '1': 0.95 } },
    ]);
  });

  it('answers every bad cell at once, by its address and in Chinese, and reads no year', () => {
    const cells = sheet([2025]);
    const col = yearColumn(0);
    const at = (id: string, part: InputRow['part'] = 'value') => cellAddress(col, rowOf(id, part).row);
    cells.set(at('2'), 1);
    cells.set(at('5'), 93); // typed as 93 where 93% was meant: 9300%
    cells.set(at('8'), '很多');
    cells.set(at('16'), '也许');
    cells.set(at('9', 'redLine'), 10); // the second area is missing
    const read = readIndicatorSheet({}, cellAt(cells), when);
    expect(read.years).toEqual([]);
    expect(read.problems.map((p) => [p.sheet, p.cell])).toEqual([
      ['指标数据', at('5')],
      ['指标数据', at('8')],
      ['指标数据', at('9', 'protectedArea')],
      ['指标数据', at('16')],
    ]);
    const zh = read.problems.map((p) => p.zh);
    expect(zh[0]).toBe('2025年 指标5“受污染耕地安全利用率”须在 0% 到 100% 之间，现为 9300%；是否应为 93%？');
    expect(zh[1]).toBe('2025年 指标8“物种丰富度”须填写数值（种（或指数））');
    expect(zh[2]).toContain('须一并填写');
    expect(zh[3]).toBe('2025年 指标16“国际国内生态文明品牌”须填“是”或“否”');
    for (const text of zh) expect(text).not.toMatch(/[A-Za-z]{3,}/);
  });

  it('names the year’s heading for a year that has not ended, and a row that is not the template’s', () => {
    const cells = sheet([2026]);
    cells.set(cellAddress(yearColumn(0), rowOf('2').row), 1);
    const read = readIndicatorSheet({}, cellAt(cells), when);
    expect(read.problems).toEqual([expect.objectContaining({ cell: 'G4', year: 2026, field: 'year', code: 'yearNotEnded', zh: expect.stringContaining('2026年尚未结束') })]);

    const moved = sheet([2025]);
    moved.set(cellAddress(COLUMN.name, rowOf('3').row), '别的指标');
    expect(readIndicatorSheet({}, cellAt(moved), when).problems).toEqual([expect.objectContaining({ cell: `A${rowOf('3').row}`, code: 'notTheTemplate' })]);

    expect(readIndicatorSheet({}, cellAt(sheet([2025])), when).problems).toEqual([expect.objectContaining({ code: 'empty', zh: '模板中没有填写任何数值' })]);
  });

  it('tells a year already on record as it is from one that changed, and keys a year by the file', () => {
    const body = { year: 2025, values: { '1': 0.96, '9': { redLine: 1, protectedArea: 2 } } };
    expect(sameAsRecorded(body, { values: { '9': { protectedArea: 2, redLine: 1 }, '1': 0.96 } })).toBe(true);
    expect(sameAsRecorded(body, { values: { '1': 0.96 } })).toBe(false);
    expect(sameAsRecorded(body, undefined)).toBe(false);
    const id = sheetSubmissionId('a'.repeat(64), 2025);
    expect(id.length).toBeLessThanOrEqual(100);
    expect(id).toBe(`sheet-${'a'.repeat(64)}-2025`);
  });
});
