// The working-day calendar as the activities see it: the packaged default
// (domain/calendar-defaults.ts, from `chinese-days`) with the years ops
// corrected in the database. Read on each call, so a schedule added for a
// provisional year is used by the next due date or notice window computed.
import type { CalendarOverrides, WorkingDayCalendar } from '../domain/calendar';
import { buildCalendar } from '../domain/calendar-defaults';
import { dueAfterWorkingDays, type DueDate } from '../domain/deadlines';
import type { Db } from '../infra/database';

export interface DueDateCalendar {
  dueAfterWorkingDays(from: Date, workingDays: number): Promise<DueDate>;
}

/** The packaged default with ops' years on top, as the database has them now. */
export async function loadDbCalendar(db: Db): Promise<WorkingDayCalendar> {
  const rows = await db.calendarYear.findMany();
  const overrides: CalendarOverrides = Object.fromEntries(rows.map((r) => [String(r.year), { holidays: r.holidays, workdays: r.workdays }]));
  return buildCalendar(overrides);
}

export function createDbCalendar(db: Db): DueDateCalendar {
  return {
    async dueAfterWorkingDays(from, workingDays) {
      return dueAfterWorkingDays(await loadDbCalendar(db), from, workingDays);
    },
  };
}
