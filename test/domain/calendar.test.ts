import { describe, expect, it } from 'vitest';
import {
  acceptanceReminders,
  acceptanceWindow,
  annualSummaryDue,
  annualSummaryYears,
  buildCalendar,
  checkAcceptanceWindow,
  countWorkingDays,
  cstDateOf,
  currentOrNextAcceptanceWindow,
  DEFAULT_CALENDAR,
  DEFAULT_SCHEDULE_YEARS,
  dayInfo,
  dueAfterWorkingDays,
  hasPublishedSchedule,
  isCalendarDate,
  isInstantString,
  isWithinTerm,
  isWorkingDay,
  noticeStatus,
  noticeWindow,
  renewedTerm,
  titleTerm,
  toEpochMs,
  validateYearSchedule,
  workingDaysBetween,
} from '../../domain';

const cal = DEFAULT_CALENDAR;

describe('CST date arithmetic', () => {
  it('takes the China Standard Time date of an instant, whatever the process time zone', () => {
    expect(cstDateOf('2026-09-27T15:59:59.999Z')).toBe('2026-09-27');
    expect(cstDateOf('2026-09-27T16:00:00.000Z')).toBe('2026-09-28');
    expect(cstDateOf(new Date(Date.UTC(2026, 8, 27, 16)))).toBe('2026-09-28');
    expect(cstDateOf('2026-09-28T00:30:00+08:00')).toBe('2026-09-28');
  });

  it('refuses instants without a zone, which JavaScript would read in local time', () => {
    expect(isInstantString('2026-09-28T10:00:00')).toBe(false);
    expect(isInstantString('2026-09-28')).toBe(false);
    expect(isInstantString('2026-09-28T10:00:00Z')).toBe(true);
    expect(() => toEpochMs('2026-09-28T10:00:00')).toThrow(RangeError);
  });

  it('knows real calendar dates', () => {
    expect(isCalendarDate('2028-02-29')).toBe(true);
    expect(isCalendarDate('2027-02-29')).toBe(false);
    expect(isCalendarDate('2026-13-01')).toBe(false);
    expect(isCalendarDate(20260101)).toBe(false);
  });

  it('gives the same answers when the process time zone changes', () => {
    const saved = process.env.TZ;
    const results: string[] = [];
    try {
      for (const tz of ['UTC', 'America/Los_Angeles', 'Asia/Shanghai', 'Pacific/Kiritimati']) {
        process.env.TZ = tz;
        const w = noticeWindow(cal, '2026-09-27T17:00:00Z');
        results.push(`${w.firstDay} ${w.closesAt} ${dueAfterWorkingDays(cal, '2026-09-27T17:00:00Z').dueAt} ${titleTerm('2026-10-20').expiresAt}`);
      }
    } finally {
      if (saved === undefined) delete process.env.TZ;
      else process.env.TZ = saved;
    }
    expect(new Set(results).size).toBe(1);
    expect(results[0]).toBe('2026-09-28 2026-10-09T16:00:00.000Z 2026-10-16T16:00:00.000Z 2029-10-19T16:00:00.000Z');
  });
});

describe('working days from the chinese-days data', () => {
  it('has the official schedules for 2025 and 2026, and none for 2027', () => {
    expect(DEFAULT_SCHEDULE_YEARS).toContain(2025);
    expect(DEFAULT_SCHEDULE_YEARS).toContain(2026);
    expect(hasPublishedSchedule(cal, 2026)).toBe(true);
    expect(hasPublishedSchedule(cal, 2027)).toBe(false);
  });

  it('2025 Spring Festival: 28 Jan – 4 Feb off, Sunday 26 Jan and Saturday 8 Feb worked', () => {
    expect(dayInfo(cal, '2025-01-26')).toEqual({ date: '2025-01-26', working: true, kind: 'makeUpWorkday', provisional: false });
    expect(isWorkingDay(cal, '2025-01-27')).toBe(true);
    for (const d of ['2025-01-28', '2025-01-29', '2025-01-31', '2025-02-03', '2025-02-04']) expect(dayInfo(cal, d).kind).toBe('holiday');
    expect(isWorkingDay(cal, '2025-02-05')).toBe(true);
    expect(dayInfo(cal, '2025-02-08').kind).toBe('makeUpWorkday');
    expect(dayInfo(cal, '2025-02-09').kind).toBe('weekend');
  });

  it('2025 National Day and Mid-Autumn: 1–8 Oct off, Sunday 28 Sep and Saturday 11 Oct worked', () => {
    expect(dayInfo(cal, '2025-09-28').kind).toBe('makeUpWorkday');
    for (let d = 1; d <= 8; d++) expect(isWorkingDay(cal, `2025-10-0${d}`)).toBe(false);
    expect(isWorkingDay(cal, '2025-10-09')).toBe(true);
    expect(dayInfo(cal, '2025-10-11').kind).toBe('makeUpWorkday');
    expect(isWorkingDay(cal, '2025-10-12')).toBe(false);
  });

  it('2026 Spring Festival: 15–23 Feb off, Saturdays 14 and 28 Feb worked', () => {
    expect(dayInfo(cal, '2026-02-14').kind).toBe('makeUpWorkday');
    for (let d = 15; d <= 23; d++) expect(dayInfo(cal, `2026-02-${d}`).kind).toBe('holiday');
    expect(isWorkingDay(cal, '2026-02-24')).toBe(true);
    expect(dayInfo(cal, '2026-02-28').kind).toBe('makeUpWorkday');
    expect(dayInfo(cal, '2026-03-01').kind).toBe('weekend');
  });

  it('2026 Mid-Autumn and National Day: 25–27 Sep and 1–7 Oct off, Sunday 20 Sep and Saturday 10 Oct worked', () => {
    expect(dayInfo(cal, '2026-09-20').kind).toBe('makeUpWorkday');
    expect(dayInfo(cal, '2026-09-25').kind).toBe('holiday');
    for (let d = 1; d <= 7; d++) expect(dayInfo(cal, `2026-10-0${d}`).kind).toBe('holiday');
    expect(isWorkingDay(cal, '2026-10-08')).toBe(true);
    expect(dayInfo(cal, '2026-10-10').kind).toBe('makeUpWorkday');
    expect(dayInfo(cal, '2026-10-11').kind).toBe('weekend');
  });

  it('a year with no published schedule counts weekends only and says so', () => {
    expect(dayInfo(cal, '2027-01-01')).toEqual({ date: '2027-01-01', working: true, kind: 'workday', provisional: true });
    expect(dayInfo(cal, '2027-01-02')).toEqual({ date: '2027-01-02', working: false, kind: 'weekend', provisional: true });
  });

  it('counts working days between dates', () => {
    expect(workingDaysBetween(cal, '2026-09-28', '2026-10-09')).toEqual({ count: 5, provisional: false });
    expect(workingDaysBetween(cal, '2026-12-28', '2027-01-08')).toEqual({ count: 10, provisional: true });
  });

  it('refuses a count that is not a positive integer', () => {
    expect(() => countWorkingDays(cal, '2026-09-28', 0, true)).toThrow(RangeError);
    expect(() => countWorkingDays(cal, '2026-09-28', 2.5, true)).toThrow(RangeError);
  });
});

describe('overrides by ops', () => {
  it('adds a year: its days are then official, not provisional', () => {
    const c = buildCalendar({ '2027': { holidays: ['2027-01-01'], workdays: ['2027-02-06'] } });
    expect(dayInfo(c, '2027-01-01')).toEqual({ date: '2027-01-01', working: false, kind: 'holiday', provisional: false });
    expect(dayInfo(c, '2027-02-06').kind).toBe('makeUpWorkday');
    expect(dayInfo(c, '2027-01-04').provisional).toBe(false);
    expect(c.years['2027']?.source).toBe('override');
  });

  it('replaces a whole published year', () => {
    const c = buildCalendar({ '2026': { holidays: ['2026-10-02'], workdays: [] } });
    expect(isWorkingDay(c, '2026-10-01')).toBe(true);
    expect(isWorkingDay(c, '2026-10-02')).toBe(false);
    expect(dayInfo(c, '2026-10-10').kind).toBe('weekend');
    // the default calendar is untouched
    expect(isWorkingDay(cal, '2026-10-01')).toBe(false);
  });

  it('validates a year as ops PUT it', () => {
    expect(validateYearSchedule(2027, { holidays: ['2027-01-01'], workdays: ['2027-02-06'] })).toEqual([]);
    const codes = validateYearSchedule(2027, { holidays: ['2027-01-01', '2026-12-31', '2027-02-30', '2027-01-01'], workdays: ['2027-01-01', '2027-02-08'] }).map((p) => `${p.field}:${p.code}`);
    expect(codes).toEqual(['holidays[1]:wrongYear', 'holidays[2]:notADate', 'holidays[3]:duplicate', 'workdays:both', 'workdays:notWeekend', 'workdays:notWeekend']);
    expect(validateYearSchedule(1999, { holidays: [], workdays: [] }).map((p) => p.code)).toEqual(['outOfRange']);
    expect(validateYearSchedule(2027, null).map((p) => p.code)).toEqual(['notAnObject']);
    expect(validateYearSchedule(2027, { holidays: 'x' }).map((p) => p.code)).toEqual(['missing', 'missing']);
  });
});

describe('notice window (Art. 10, 15)', () => {
  it('worked example of noticeWindow: published Monday 2026-09-28 closes at the end of 2026-10-09', () => {
    const w = noticeWindow(cal, '2026-09-28T02:00:00.000Z');
    expect(w.days).toEqual(['2026-09-28', '2026-09-29', '2026-09-30', '2026-10-08', '2026-10-09']);
    expect(w.closesAt).toBe('2026-10-09T16:00:00.000Z');
    expect(w.opensAt).toBe('2026-09-28T02:00:00.000Z');
    expect(w.provisional).toBe(false);
  });

  it('uses the CST date of publication: 01:00 CST on 29 Sep starts on 29 Sep and runs into the make-up Saturday', () => {
    const w = noticeWindow(cal, '2026-09-28T17:00:00Z');
    expect(w.days).toEqual(['2026-09-29', '2026-09-30', '2026-10-08', '2026-10-09', '2026-10-10']);
    expect(w.closesAt).toBe('2026-10-10T16:00:00.000Z');
  });

  it('published on a day off: day 1 is the next working day (a make-up Sunday counts)', () => {
    const sat = noticeWindow(cal, '2026-09-19T03:00:00Z');
    expect(sat.firstDay).toBe('2026-09-20');
    expect(sat.days).toEqual(['2026-09-20', '2026-09-21', '2026-09-22', '2026-09-23', '2026-09-24']);
    const holiday = noticeWindow(cal, '2026-10-03T03:00:00Z');
    expect(holiday.days).toEqual(['2026-10-08', '2026-10-09', '2026-10-10', '2026-10-12', '2026-10-13']);
  });

  it('2025 Spring Festival: across the make-up Sunday and the holiday', () => {
    const w = noticeWindow(cal, '2025-01-24T01:00:00Z');
    expect(w.days).toEqual(['2025-01-24', '2025-01-26', '2025-01-27', '2025-02-05', '2025-02-06']);
    expect(w.closesAt).toBe('2025-02-06T16:00:00.000Z');
    expect(noticeWindow(cal, '2025-02-05T01:00:00Z').days).toEqual(['2025-02-05', '2025-02-06', '2025-02-07', '2025-02-08', '2025-02-10']);
  });

  it('2026 Spring Festival: the make-up Saturdays 14 and 28 Feb are notice days', () => {
    expect(noticeWindow(cal, '2026-02-12T01:00:00Z').days).toEqual(['2026-02-12', '2026-02-13', '2026-02-14', '2026-02-24', '2026-02-25']);
    expect(noticeWindow(cal, '2026-02-24T01:00:00Z').days).toEqual(['2026-02-24', '2026-02-25', '2026-02-26', '2026-02-27', '2026-02-28']);
  });

  it('2025 National Day: the make-up Sunday 28 Sep and Saturday 11 Oct', () => {
    expect(noticeWindow(cal, '2025-09-26T01:00:00Z').days).toEqual(['2025-09-26', '2025-09-28', '2025-09-29', '2025-09-30', '2025-10-09']);
    expect(noticeWindow(cal, '2025-10-09T01:00:00Z').days).toEqual(['2025-10-09', '2025-10-10', '2025-10-11', '2025-10-13', '2025-10-14']);
  });

  it('longer notices and the minimum of 5 working days', () => {
    expect(noticeWindow(cal, '2026-09-28T02:00:00Z', 7).lastDay).toBe('2026-10-12');
    expect(() => noticeWindow(cal, '2026-09-28T02:00:00Z', 4)).toThrow(RangeError);
  });

  it('reaching into a year with no schedule is provisional, and recomputed when the year is added', () => {
    const w = noticeWindow(cal, '2026-12-28T01:00:00Z');
    expect(w.days).toEqual(['2026-12-28', '2026-12-29', '2026-12-30', '2026-12-31', '2027-01-01']);
    expect(w.provisional).toBe(true);
    const c = buildCalendar({ '2027': { holidays: ['2027-01-01'], workdays: [] } });
    const again = noticeWindow(c, '2026-12-28T01:00:00Z');
    expect(again.lastDay).toBe('2027-01-04');
    expect(again.provisional).toBe(false);
    expect(noticeWindow(cal, '2027-03-01T01:00:00Z')).toMatchObject({ lastDay: '2027-03-05', provisional: true });
  });

  it('is scheduled, open until 24:00 CST of the last day, then closed', () => {
    const w = noticeWindow(cal, '2026-09-28T02:00:00.000Z');
    expect(noticeStatus(w, '2026-09-28T01:59:59.999Z')).toBe('scheduled');
    expect(noticeStatus(w, '2026-09-28T02:00:00.000Z')).toBe('open');
    expect(noticeStatus(w, '2026-10-09T15:59:59.999Z')).toBe('open');
    expect(noticeStatus(w, '2026-10-09T16:00:00.000Z')).toBe('closed');
  });
});

describe('due dates in working days', () => {
  it('10 working days after: the opening day does not count; due 24:00 CST; reminder 2 working days before at 09:00 CST', () => {
    const d = dueAfterWorkingDays(cal, '2026-09-28T02:00:00Z');
    // 9-29, 9-30, 10-08, 10-09, 10-10 (Sat), 10-12 … 10-16
    expect(d).toEqual({ dueDate: '2026-10-16', dueAt: '2026-10-16T16:00:00.000Z', remindAt: '2026-10-14T01:00:00.000Z', provisional: false });
  });

  it('is configurable and flags provisional years', () => {
    expect(dueAfterWorkingDays(cal, '2025-01-24T01:00:00Z', 3, 0)).toEqual({ dueDate: '2025-02-05', dueAt: '2025-02-05T16:00:00.000Z', remindAt: null, provisional: false });
    expect(dueAfterWorkingDays(cal, '2026-12-30T01:00:00Z', 5).provisional).toBe(true);
    expect(dueAfterWorkingDays(cal, '2026-09-28T02:00:00Z', 2, 5).remindAt).toBeNull();
  });
});

describe('acceptance window (Art. 11)', () => {
  it('is 1 January 00:00 to 30 June 24:00 CST', () => {
    expect(acceptanceWindow(2027)).toEqual({ year: 2027, opensOn: '2027-01-01', closesOn: '2027-06-30', opensAt: '2026-12-31T16:00:00.000Z', closesAt: '2027-06-30T16:00:00.000Z' });
  });

  it('accepts inside the window, to the millisecond', () => {
    expect(checkAcceptanceWindow(2027, '2026-12-31T16:00:00.000Z')).toBeNull();
    expect(checkAcceptanceWindow(2027, '2027-06-30T15:59:59.999Z')).toBeNull();
  });

  it('refuses after 30 June 24:00 CST, naming the next window', () => {
    const r = checkAcceptanceWindow(2027, '2027-06-30T16:00:00.000Z');
    expect(r).toMatchObject({ kind: 'conflict', code: 'outsideAcceptanceWindow' });
    expect(r?.zh).toContain('2028-01-01 00:00 至 2028-06-30 24:00');
    expect(currentOrNextAcceptanceWindow('2027-06-30T16:00:00.000Z').year).toBe(2028);
  });

  it('refuses before the window opens, naming it', () => {
    const r = checkAcceptanceWindow(2027, '2026-12-31T15:59:59.999Z');
    expect(r?.code).toBe('outsideAcceptanceWindow');
    expect(r?.zh).toContain('2027-01-01');
  });

  it('accepts only the current year during the window', () => {
    expect(checkAcceptanceWindow(2028, '2027-03-01T00:00:00Z')).toMatchObject({ kind: 'conflict', code: 'wrongYear' });
    expect(checkAcceptanceWindow(2026, '2027-03-01T00:00:00Z')?.code).toBe('wrongYear');
  });

  it('reminds at opening and 30 and 7 days before 30 June', () => {
    expect(acceptanceReminders(2027)).toEqual([
      { kind: 'acceptanceOpens', date: '2027-01-01', at: '2027-01-01T01:00:00.000Z' },
      { kind: 'acceptanceCloses-30', date: '2027-05-31', at: '2027-05-31T01:00:00.000Z' },
      { kind: 'acceptanceCloses-7', date: '2027-06-23', at: '2027-06-23T01:00:00.000Z' },
    ]);
  });
});

describe('title term (Art. 16) and annual summaries (Art. 18)', () => {
  it('is valid through the day before the third anniversary', () => {
    const t = titleTerm('2026-10-20');
    expect(t).toEqual({ namedOn: '2026-10-20', endsOn: '2029-10-19', anniversary: '2029-10-20', expiresAt: '2029-10-19T16:00:00.000Z' });
    expect(isWithinTerm(t, '2026-10-19T16:00:00.000Z')).toBe(true);
    expect(isWithinTerm(t, '2026-10-19T15:59:59.999Z')).toBe(false);
    expect(isWithinTerm(t, '2029-10-19T15:59:59.999Z')).toBe(true);
    expect(isWithinTerm(t, '2029-10-19T16:00:00.000Z')).toBe(false);
  });

  it('a title named on 29 February ends on 28 February', () => {
    expect(titleTerm('2028-02-29')).toMatchObject({ anniversary: '2031-03-01', endsOn: '2031-02-28' });
    expect(titleTerm('2027-03-01')).toMatchObject({ endsOn: '2030-02-28' });
    expect(() => titleTerm('2027-02-29')).toThrow(RangeError);
  });

  it('a renewal starts the day after the previous term ends', () => {
    expect(renewedTerm(titleTerm('2026-10-20'))).toMatchObject({ namedOn: '2029-10-20', endsOn: '2032-10-19' });
  });

  it('the summary for year Y is due 31 January Y+1, reminders 30 and 7 days before', () => {
    expect(annualSummaryDue(2026)).toEqual({
      year: 2026,
      dueDate: '2027-01-31',
      dueAt: '2027-01-31T16:00:00.000Z',
      reminders: [
        { kind: 'annualSummary-30', date: '2027-01-01', at: '2027-01-01T01:00:00.000Z' },
        { kind: 'annualSummary-7', date: '2027-01-24', at: '2027-01-24T01:00:00.000Z' },
      ],
    });
    expect(annualSummaryYears(titleTerm('2026-10-20'))).toEqual([2026, 2027, 2028, 2029]);
  });
});
