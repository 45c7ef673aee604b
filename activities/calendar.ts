// The working-day calendar as the activities see it: the packaged default
// (domain/calendar.ts, from `chinese-days`) with the years ops corrected in
// the database. Read on each call, so a schedule added for a provisional
// year is used by the next due date computed.
import type { CalendarOverrides } from '../domain/calendar';
import { buildCalendar } from '../domain/calendar-defaults';
import { dueAfterWorkingDays, type DueDate } from '../domain/deadlines';
import type { Db } from '../infra/database';

export interface DueDateCalendar {
  dueAfterWorkingDays(from: Date, workingDays: number): Promise<DueDate>;
}

export function createDbCalendar(db: Db): DueDateCalendar {
  return {
    async dueAfterWorkingDays(from, workingDays) {
      const rows = await db.calendarYear.findMany();
      const overrides: CalendarOverrides = Object.fromEntries(
        rows.map((r) => [String(r.year), { holidays: r.holidays, workdays: r.workdays }]),
      );
      return dueAfterWorkingDays(buildCalendar(overrides), from, workingDays);
    },
  };
}
