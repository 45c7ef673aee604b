// The working-day calendar's default data: the State Council's schedules as
// the npm package `chinese-days` ships them (imported as JSON at build time,
// so no I/O at run time), and the calendar built from them with ops'
// overrides. Activities and the API use it; the workflows never do, so the
// data stays out of the workflow bundle (evaluated for every new workflow).
import chineseDays from 'chinese-days/dist/chinese-days.json';
import type { CalendarOverrides, WorkingDayCalendar, YearSchedule } from './calendar';
import { compareDates, type CalendarDate } from './dates';

function groupByYear(dates: readonly string[]): Record<string, CalendarDate[]> {
  const out: Record<string, CalendarDate[]> = {};
  for (const d of dates) {
    const y = d.slice(0, 4);
    (out[y] ??= []).push(d);
  }
  for (const list of Object.values(out)) list.sort(compareDates);
  return out;
}

/**
 * The schedules shipped by `chinese-days`, per year. A year counts as
 * published when the package lists at least one holiday in it (every
 * published schedule has New Year's Day).
 */
export const DEFAULT_SCHEDULES: Readonly<Record<string, YearSchedule>> = (() => {
  const holidays = groupByYear(Object.keys(chineseDays.holidays));
  const workdays = groupByYear(Object.keys(chineseDays.workdays));
  const out: Record<string, YearSchedule> = {};
  for (const year of Object.keys(holidays)) out[year] = { holidays: holidays[year] ?? [], workdays: workdays[year] ?? [] };
  return out;
})();

/** Years with a schedule in the default data, ascending. */
export const DEFAULT_SCHEDULE_YEARS: readonly number[] = Object.keys(DEFAULT_SCHEDULES).map(Number).sort((a, b) => a - b);

/** The calendar: defaults, with ops' overrides replacing whole years. */
export function buildCalendar(overrides: CalendarOverrides = {}, defaults: Readonly<Record<string, YearSchedule>> = DEFAULT_SCHEDULES): WorkingDayCalendar {
  const years: WorkingDayCalendar['years'] = {};
  for (const [y, s] of Object.entries(defaults)) years[y] = { holidays: [...s.holidays], workdays: [...s.workdays], source: 'chinese-days' };
  for (const [y, s] of Object.entries(overrides)) years[y] = { holidays: [...s.holidays].sort(compareDates), workdays: [...s.workdays].sort(compareDates), source: 'override' };
  return { years };
}

/** The calendar with the package data only. */
export const DEFAULT_CALENDAR: WorkingDayCalendar = buildCalendar();

