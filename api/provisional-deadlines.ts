// Marks the due dates the API answers with that were counted on a year whose
// holiday schedule was not known when they were computed
// (domain/provisional-calendar.ts): `dueProvisional: true` beside `dueAt`,
// which the console shows as “（暂定）”. A task's deadline is taken as
// computed when the task was opened (an escalation recomputes it later, so
// this may mark one that no longer is: the cautious side).
import { loadSchedulePublication } from '../activities/calendar-publication';
import { deadlineIsProvisional } from '../domain/provisional-calendar';
import type { Db } from '../infra/database';

export type ProvisionalDue = (task: { dueAt: Date; createdAt: Date }) => boolean;

/** One read of the calendar per request, then a pure check per task. */
export async function provisionalDue(db: Db): Promise<ProvisionalDue> {
  const { published } = await loadSchedulePublication(db);
  return (task) => deadlineIsProvisional(task.dueAt, task.createdAt, published);
}
