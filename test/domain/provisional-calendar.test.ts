// When the coming year's calendar is announced as provisional, and which
// deadlines were computed on a provisional year (domain/provisional-calendar.ts).
import { describe, expect, it } from 'vitest';
import { buildCalendar } from '../../domain/calendar-defaults';
import { CALENDAR_OVERRIDE_ROUTE, deadlineIsProvisional, provisionalCalendarZh, provisionalYearsToWarn } from '../../domain/provisional-calendar';

// Only 2026 published: 2027 is the coming year nobody has yet.
const calendar = buildCalendar({}, { '2026': { holidays: ['2026-01-01'], workdays: [] } });

describe('provisional calendar', () => {
  it('warns from 1 December (China Standard Time) while the coming year has no schedule', () => {
    expect(provisionalYearsToWarn(calendar, '2026-11-30T15:59:59Z')).toEqual([]); // 23:59:59 on 30 November CST
    expect(provisionalYearsToWarn(calendar, '2026-11-30T16:00:00Z')).toEqual([2027]); // 00:00 on 1 December CST
    expect(provisionalYearsToWarn(calendar, '2026-12-31T12:00:00Z')).toEqual([2027]);
    // Once the schedule is recorded, the warning ends.
    const recorded = buildCalendar({ '2027': { holidays: ['2027-01-01'], workdays: [] } }, { '2026': { holidays: ['2026-01-01'], workdays: [] } });
    expect(provisionalYearsToWarn(recorded, '2026-12-15T00:00:00Z')).toEqual([]);
    // Into the new year without one: the current year itself.
    expect(provisionalYearsToWarn(calendar, '2027-01-05T00:00:00Z')).toEqual([2027]);
  });

  it('says so in Chinese and names the route ops call', () => {
    expect(provisionalCalendarZh([])).toBeNull();
    const text = provisionalCalendarZh([2027])!;
    expect(text).toContain('2027 年');
    expect(text).toContain('暂定');
    expect(text).toContain(CALENDAR_OVERRIDE_ROUTE);
  });

  it('marks a deadline whose year had no schedule when it was computed', () => {
    const packaged = { '2026': 'packaged' as const };
    // Due 24:00 on 31 December 2026 (stored as 1 January 00:00 CST): a 2026 deadline.
    expect(deadlineIsProvisional('2026-12-31T16:00:00Z', '2026-12-10T00:00:00Z', packaged)).toBe(false);
    expect(deadlineIsProvisional('2027-01-08T16:00:00Z', '2026-12-10T00:00:00Z', packaged)).toBe(true);
    // Ops recorded 2027 on 20 December: computed before it, still provisional; after it, final.
    const recorded = { ...packaged, '2027': new Date('2026-12-20T02:00:00Z') };
    expect(deadlineIsProvisional('2027-01-08T16:00:00Z', '2026-12-10T00:00:00Z', recorded)).toBe(true);
    expect(deadlineIsProvisional('2027-01-08T16:00:00Z', '2026-12-21T00:00:00Z', recorded)).toBe(false);
  });
});
