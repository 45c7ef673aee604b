// Working days (docs/RULES.md "Calendar and deadlines"): weekends are
// off except the State Council's make-up working days (调休), and official
// holidays are off. The default data, from the npm package `chinese-days`,
// is in domain/calendar-defaults.ts (kept apart so that the workflows, which
// use this module's rules but never the data, do not carry it in their
// bundle); ops may replace a year's schedule (PUT /api/ops/calendar/:year). A year with no published
// schedule is computed with weekends only and flagged `provisional`, so that
// the deadline can be recomputed when the schedule is added.
import {
  addDays,
  compareDates,
  isCalendarDate,
  weekdayOf,
  yearOf,
  type CalendarDate,
} from './dates';
import { problem, type Problem } from './problems';

/** One year's official schedule: days off on weekdays or weekends, and weekend days that are working days. */
export interface YearSchedule {
  holidays: CalendarDate[];
  workdays: CalendarDate[];
}

export type ScheduleSource = 'chinese-days' | 'override';

export interface WorkingDayCalendar {
  /** Keyed by year (`"2026"`): the published schedules known. Years absent here are provisional. */
  years: Record<string, YearSchedule & { source: ScheduleSource }>;
}

/** A year's schedule as ops PUT it, keyed by year. */
export type CalendarOverrides = Record<string, YearSchedule>;

export type DayKind = 'workday' | 'weekend' | 'holiday' | 'makeUpWorkday';

export interface DayInfo {
  date: CalendarDate;
  working: boolean;
  kind: DayKind;
  /** True when the year has no published schedule: weekends only were used. */
  provisional: boolean;
}

export function hasPublishedSchedule(calendar: WorkingDayCalendar, year: number): boolean {
  return calendar.years[String(year)] !== undefined;
}

export function dayInfo(calendar: WorkingDayCalendar, date: CalendarDate): DayInfo {
  const schedule = calendar.years[String(yearOf(date))];
  const weekday = weekdayOf(date);
  const weekend = weekday === 0 || weekday === 6;
  if (!schedule) return { date, working: !weekend, kind: weekend ? 'weekend' : 'workday', provisional: true };
  if (schedule.holidays.includes(date)) return { date, working: false, kind: 'holiday', provisional: false };
  if (schedule.workdays.includes(date)) return { date, working: true, kind: 'makeUpWorkday', provisional: false };
  return { date, working: !weekend, kind: weekend ? 'weekend' : 'workday', provisional: false };
}

export function isWorkingDay(calendar: WorkingDayCalendar, date: CalendarDate): boolean {
  return dayInfo(calendar, date).working;
}

export interface WorkingDayRun {
  /** The working days counted, day 1 first. */
  days: CalendarDate[];
  /** The last of them. */
  last: CalendarDate;
  /** True if any day examined lies in a year without a published schedule. */
  provisional: boolean;
}

/**
 * Count `count` working days starting at `start`. With `includeStart` the
 * start date itself is day 1 if it is a working day (the notice rule);
 * without it, day 1 is the first working day after `start` (due dates).
 */
export function countWorkingDays(calendar: WorkingDayCalendar, start: CalendarDate, count: number, includeStart: boolean): WorkingDayRun {
  if (!Number.isInteger(count) || count < 1) throw new RangeError(`A working-day count is a positive integer, got ${count}`);
  const days: CalendarDate[] = [];
  let provisional = false;
  let date = includeStart ? start : addDays(start, 1);
  // The longest official break is 9 days; this bound only stops a corrupt
  // override (e.g. a whole year of holidays) from looping forever.
  const limit = count * 7 + 400;
  for (let i = 0; days.length < count; i++, date = addDays(date, 1)) {
    if (i > limit) throw new RangeError(`No ${count} working days found after ${start}: check the calendar data`);
    const info = dayInfo(calendar, date);
    provisional ||= info.provisional;
    if (info.working) days.push(date);
  }
  return { days, last: days[days.length - 1] as CalendarDate, provisional };
}

/** Working days between two dates inclusive (for reports: how many working days a step took). */
export function workingDaysBetween(calendar: WorkingDayCalendar, from: CalendarDate, to: CalendarDate): { count: number; provisional: boolean } {
  let count = 0;
  let provisional = false;
  for (let d = from; compareDates(d, to) <= 0; d = addDays(d, 1)) {
    const info = dayInfo(calendar, d);
    provisional ||= info.provisional;
    if (info.working) count++;
  }
  return { count, provisional };
}

/**
 * Check a year's schedule as ops would PUT it. Every make-up working day of
 * the State Council's schedules is a Saturday or Sunday, and no day can be
 * both a holiday and a working day.
 */
export function validateYearSchedule(year: number, body: unknown): Problem[] {
  const problems: Problem[] = [];
  if (!Number.isInteger(year) || year < 2000 || year > 2100) {
    problems.push(problem('year', 'outOfRange', `年份 ${year} 不在 2000–2100 之间`, `Year ${year} is outside 2000-2100`));
  }
  if (typeof body !== 'object' || body === null) {
    return [...problems, problem('body', 'notAnObject', '须提交 { holidays: [日期], workdays: [日期] }', 'Expected { holidays: [dates], workdays: [dates] }')];
  }
  const b = body as Record<string, unknown>;
  const lists: Record<'holidays' | 'workdays', string[]> = { holidays: [], workdays: [] };
  for (const key of ['holidays', 'workdays'] as const) {
    const list = b[key];
    if (!Array.isArray(list)) {
      problems.push(problem(key, 'missing', `缺少 ${key} 日期列表`, `${key} must be an array of dates`));
      continue;
    }
    list.forEach((d, i) => {
      if (!isCalendarDate(d)) {
        problems.push(problem(`${key}[${i}]`, 'notADate', `${String(d)} 不是有效日期（YYYY-MM-DD）`, `${String(d)} is not a date YYYY-MM-DD`));
      } else if (yearOf(d) !== year) {
        problems.push(problem(`${key}[${i}]`, 'wrongYear', `${d} 不属于 ${year} 年`, `${d} is not in ${year}`));
      } else if (lists[key].includes(d)) {
        problems.push(problem(`${key}[${i}]`, 'duplicate', `${d} 重复`, `${d} is listed twice`));
      } else {
        lists[key].push(d);
      }
    });
  }
  for (const d of lists.workdays) {
    if (lists.holidays.includes(d)) problems.push(problem('workdays', 'both', `${d} 不能既是节假日又是调休工作日`, `${d} cannot be both a holiday and a working day`));
    const w = weekdayOf(d);
    if (w !== 0 && w !== 6) problems.push(problem('workdays', 'notWeekend', `${d} 是周一至周五，本来就是工作日，不是调休上班日`, `${d} is a weekday, already a working day, not a make-up working day`));
  }
  return problems;
}
