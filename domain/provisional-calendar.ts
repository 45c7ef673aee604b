// Provisional years of the working-day calendar (docs/ARCHITECTURE.md
// "Provisional calendar"). Deadlines counted in working days (Art. 10, 13, 15
// and the other steps of docs/RULES.md) need the State Council's holiday
// schedule for their year; it is published late in the year before, and the
// packaged data (chinese-days) has it only after a release. A year without a
// schedule is counted with weekends only (./calendar `provisional`).
//
// Two rules, both pure (the clock and the schedules' publication instants are
// passed in):
// - which years ops must be warned about today: the current year while it has
//   no schedule, and from 1 December (China Standard Time) the coming year
//   while it has none;
// - whether a deadline was computed on a provisional year: its due day's year
//   had no schedule when the deadline was computed.
import { hasPublishedSchedule, type WorkingDayCalendar } from './calendar';
import { cstDateOf, toEpochMs, yearOf, type InstantInput } from './dates';

/** The route ops call to record a year's schedule (api/ops-calendar.ts); ops' views name it. */
export const CALENDAR_OVERRIDE_ROUTE = 'PUT /api/ops/calendar/:year';

/** The month (CST) from which the coming year's missing schedule is announced: the State Council publishes it in November or December. */
export const WARN_FROM_MONTH = 12;

/** Years whose schedule is missing and should be recorded now, ascending (empty when all is well). */
export function provisionalYearsToWarn(calendar: WorkingDayCalendar, now: InstantInput): number[] {
  const today = cstDateOf(now);
  const year = yearOf(today);
  const month = Number(today.slice(5, 7));
  const years: number[] = [];
  if (!hasPublishedSchedule(calendar, year)) years.push(year);
  if (month >= WARN_FROM_MONTH && !hasPublishedSchedule(calendar, year + 1)) years.push(year + 1);
  return years;
}

/** What ops read about it, in Chinese: the years and what to do. Null when nothing is provisional. */
export function provisionalCalendarZh(years: readonly number[]): string | null {
  if (years.length === 0) return null;
  const named = years.map((y) => `${y} 年`).join('、');
  return `${named}的法定节假日安排尚未录入，该年度按工作日计算的期限暂按周末推算（暂定）。国务院办公厅公布安排后，请运维人员通过 ${CALENDAR_OVERRIDE_ROUTE} 录入。`;
}

/**
 * When each year's schedule became known: `packaged` for the package's data
 * (known before any deadline was computed), the instant of ops' override for
 * a year only ops recorded, absent for a year nobody has.
 */
export type SchedulePublication = Readonly<Record<string, 'packaged' | Date>>;

/**
 * Was this deadline computed on a provisional year? Its due instant's CST day
 * (the instant 24:00 belongs to the day before) lies in a year whose schedule
 * was not known when the deadline was computed (`computedAt`).
 */
export function deadlineIsProvisional(dueAt: InstantInput, computedAt: InstantInput, published: SchedulePublication): boolean {
  const dueYear = yearOf(cstDateOf(toEpochMs(dueAt) - 1));
  const known = published[String(dueYear)];
  if (known === undefined) return true;
  if (known === 'packaged') return false;
  return toEpochMs(computedAt) < known.getTime();
}
