// What a base submits itself, and for which years (domain/base-submissions.ts,
// issue 15 item 5): annual summaries (Art. 18) from the naming year to the
// current CST year, corrected until 31 January 24:00 CST of the next year;
// 两山指数 indicator data (Art. 22) only for years that have ended in CST.
import { describe, expect, it } from 'vitest';
import {
  checkIndicatorDataYear,
  checkOwnBase,
  checkSummaryCorrection,
  checkSummaryYear,
  indicatorDataYears,
  summaryYears,
} from '../../domain/base-submissions';

describe('annual summaries (Art. 18)', () => {
  it('may be for any year from the naming year to the current CST year, the current one included', () => {
    expect(summaryYears('2025-06-01', '2027-12-20T02:00:00Z')).toEqual({ first: 2025, last: 2027 });
    expect(checkSummaryYear(2027, '2025-06-01', '2027-12-20T02:00:00Z')).toBeNull();
    expect(checkSummaryYear(2025, '2025-06-01', '2027-12-20T02:00:00Z')).toBeNull();
    const early = checkSummaryYear(2024, '2025-06-01', '2027-12-20T02:00:00Z');
    expect(early).toMatchObject({ kind: 'invalid', problems: [{ field: 'year', code: 'yearOutOfRange' }] });
    expect(early?.zh).toContain('2025年至2027年');
    expect(checkSummaryYear(2028, '2025-06-01', '2027-12-20T02:00:00Z')?.problems?.[0]?.field).toBe('year');
    expect(checkSummaryYear('2027', '2025-06-01', '2027-12-20T02:00:00Z')?.problems?.[0]?.field).toBe('year');
  });

  it('the year is the CST year: 31 December 16:30 UTC is already the next year', () => {
    expect(summaryYears('2025-06-01', '2027-12-31T16:30:00Z').last).toBe(2028);
    expect(summaryYears('2025-06-01', '2027-12-31T15:59:59Z').last).toBe(2027);
  });

  it('a first submission is taken whenever; a correction until 31 January 24:00 CST of the next year, then 409 naming the due date', () => {
    // 2031-01-31T16:00:00Z is 2031-02-01 00:00 CST: the end of 31 January.
    expect(checkSummaryCorrection(2030, false, '2031-06-01T00:00:00Z')).toBeNull();
    expect(checkSummaryCorrection(2030, true, '2030-12-20T00:00:00Z')).toBeNull();
    expect(checkSummaryCorrection(2030, true, '2031-01-31T15:59:59Z')).toBeNull();
    expect(checkSummaryCorrection(2030, true, '2031-01-31T16:00:00Z')).toBeNull();
    const closed = checkSummaryCorrection(2030, true, '2031-01-31T16:00:00.001Z');
    expect(closed).toMatchObject({ kind: 'conflict', code: 'summaryCorrectionClosed', article: '第十八条' });
    expect(closed?.zh).toBe('2030年度工作总结已提交，更正截止于2031年1月31日 24:00（北京时间），现已不能更正');
    expect(closed?.zh).not.toMatch(/[A-Za-z]/);
  });

  it('only the base’s own applicant submits', () => {
    expect(checkOwnBase({ role: 'applicant', sub: 'chishui' }, 'chishui', '年度工作总结')).toBeNull();
    expect(checkOwnBase({ role: 'applicant', sub: 'other' }, 'chishui', '年度工作总结')).toMatchObject({ kind: 'forbidden', code: 'notTheBase' });
  });
});

describe('indicator data (Art. 22): only years that have ended in CST', () => {
  it('from the naming year to last year; the current year is refused, naming `year` and the years that may be reported', () => {
    const at = '2027-05-10T02:00:00Z';
    expect(indicatorDataYears('2025-06-01', at)).toEqual({ first: 2025, last: 2026 });
    expect(checkIndicatorDataYear(2026, '2025-06-01', at)).toBeNull();
    expect(checkIndicatorDataYear(2025, '2025-06-01', at)).toBeNull();
    const current = checkIndicatorDataYear(2027, '2025-06-01', at);
    expect(current).toMatchObject({ kind: 'invalid', article: '第二十二条', problems: [{ field: 'year', code: 'yearNotEnded' }] });
    expect(current?.problems?.[0]?.zh).toBe('2027年尚未结束，“两山指数”指标数据只能报送已结束的年度；现可报送2025年至2026年的数据');
    expect(checkIndicatorDataYear(2028, '2025-06-01', at)?.problems?.[0]?.code).toBe('yearNotEnded');
    const before = checkIndicatorDataYear(2024, '2025-06-01', at);
    expect(before?.problems?.[0]).toMatchObject({ field: 'year', code: 'yearOutOfRange' });
    expect(before?.problems?.[0]?.zh).toContain('现可报送2025年至2026年的数据');
  });

  it('one year that has ended: named last year', () => {
    expect(checkIndicatorDataYear(2026, '2026-10-20', '2027-01-02T00:00:00Z')).toBeNull();
    expect(checkIndicatorDataYear(2027, '2026-10-20', '2027-01-02T00:00:00Z')?.problems?.[0]?.zh).toContain('现可报送2026年度的数据');
  });

  it('named this year: no year has ended yet, and the refusal says from when the naming year may be reported', () => {
    expect(indicatorDataYears('2027-03-01', '2027-12-31T15:59:59Z')).toEqual({ first: 2027, last: 2026 });
    const refused = checkIndicatorDataYear(2027, '2027-03-01', '2027-12-31T15:59:59Z');
    expect(refused?.problems?.[0]?.zh).toBe('2027年尚未结束，“两山指数”指标数据只能报送已结束的年度；2027年（命名年度）结束后，自2028年1月1日（北京时间）起方可报送2027年度的数据');
    // 2028-01-01 00:00 CST: 2027 has ended.
    expect(checkIndicatorDataYear(2027, '2027-03-01', '2027-12-31T16:00:00Z')).toBeNull();
  });

  it('refuses what is not a year', () => {
    for (const year of ['2026', 2026.5, null, undefined]) expect(checkIndicatorDataYear(year, '2025-06-01', '2027-05-10T02:00:00Z')?.problems?.[0]?.field).toBe('year');
  });
});
