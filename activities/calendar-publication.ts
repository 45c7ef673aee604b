// When each year's working-day schedule became known: the packaged years
// (chinese-days, domain/calendar-defaults.ts) before any deadline, a year
// only ops recorded (PUT /api/ops/calendar/:year) at its row's updatedAt.
// Read by the mails, the API's due dates and the readiness details, which
// mark deadlines computed on a provisional year (domain/provisional-calendar.ts).
import type { WorkingDayCalendar } from '../domain/calendar';
import { buildCalendar, DEFAULT_SCHEDULES } from '../domain/calendar-defaults';
import type { SchedulePublication } from '../domain/provisional-calendar';
import type { Db } from '../infra/database';

export async function loadSchedulePublication(db: Db): Promise<{ calendar: WorkingDayCalendar; published: SchedulePublication }> {
  const rows = await db.calendarYear.findMany({ select: { year: true, holidays: true, workdays: true, updatedAt: true } });
  const calendar = buildCalendar(Object.fromEntries(rows.map((r) => [String(r.year), { holidays: r.holidays, workdays: r.workdays }])));
  const published: Record<string, 'packaged' | Date> = {};
  for (const year of Object.keys(DEFAULT_SCHEDULES)) published[year] = 'packaged';
  for (const r of rows) published[String(r.year)] ??= r.updatedAt;
  return { calendar, published };
}
