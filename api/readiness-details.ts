// What GET /api/ready adds for operators beside the probes (docs/PRODUCTION.md
// "First start"): offices the system cannot mail, mails recorded
// undeliverable, and the years whose working-day calendar is provisional
// (domain/provisional-calendar.ts) with the route that records them. They
// never make the API unready: they are things to fix, not reasons to take
// traffic away.
import { z } from 'zod';
import { loadSchedulePublication } from '../activities/calendar-publication';
import { CALENDAR_OVERRIDE_ROUTE, provisionalCalendarZh, provisionalYearsToWarn } from '../domain/provisional-calendar';
import type { Db } from '../infra/database';
import { missingMailboxes } from './offices';
import { countUndeliverable } from './outbox-metrics';

export const readinessDetailsSchema = z.looseObject({
  officesWithoutMailbox: z.array(z.looseObject({ region: z.string(), name: z.string() })),
  undeliverableMails: z.number(),
  calendar: z.looseObject({ provisionalYears: z.array(z.number()), overrideRoute: z.string().nullable(), message: z.string().nullable() }),
});

export type ReadinessDetails = z.infer<typeof readinessDetailsSchema>;

export async function readinessDetails(db: Db, now: Date): Promise<ReadinessDetails> {
  const [offices, undeliverable, { calendar }] = await Promise.all([missingMailboxes(db), countUndeliverable(db), loadSchedulePublication(db)]);
  const years = provisionalYearsToWarn(calendar, now);
  return {
    officesWithoutMailbox: offices,
    undeliverableMails: undeliverable,
    calendar: { provisionalYears: years, overrideRoute: years.length ? CALENDAR_OVERRIDE_ROUTE : null, message: provisionalCalendarZh(years) },
  };
}
