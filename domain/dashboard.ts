// The province at a glance (docs/DASHBOARD.md): which part of the province a
// dashboard shows, who may ask for it, and the horizons its figures count
// to. Pure: the clock and the working-day calendar are arguments.
import { countWorkingDays, type WorkingDayCalendar } from './calendar';
import { addDays, endOfCstDayMs, isCalendarDate, type CalendarDate } from './dates';
import { POST_EVALUATION_DAYS_BEFORE_ANNIVERSARY } from './deadlines';
import { prefectureName } from './prefectures';
import { refusal, type Refusal } from './problems';
import { countiesOf, prefectureOfRegion, regionLevel, regionZh, type RegionRow } from './regions';
import type { Actor } from './roles';

/** "Due within 10 working days" (issue 17.4): the horizon of the 即将到期 count, in working days. */
export const DUE_SOON_WORKING_DAYS = 10;
/** Titles lapsing and post-evaluations opening within this many months are counted. */
export const LOOKAHEAD_MONTHS = 6;

/** The part of the province a dashboard covers: all of it, a prefecture, or a county of a prefecture. */
export interface DashboardScope {
  prefecture: string | null;
  county: string | null;
}

/** Where the dashboard is, in words: 全省, 遵义市, 遵义市 赤水市. */
export function scopeZh(scope: DashboardScope): string {
  if (scope.county) return `${prefectureName(scope.prefecture ?? '')} ${regionZh(scope.county)}`;
  if (scope.prefecture) return prefectureName(scope.prefecture);
  return '全省';
}

/**
 * The scope a caller may see for what they asked: the province sees any part;
 * a prefecture officer only their own prefecture (asked for nothing, they get
 * it). Anything else asked for is refused with the reason in words.
 */
export function resolveDashboardScope(actor: Actor, asked: { prefecture?: string | undefined; county?: string | undefined }): DashboardScope | Refusal {
  let prefecture = asked.prefecture ?? null;
  const county = asked.county ?? null;
  if (prefecture !== null && regionLevel(prefecture) !== 'prefecture') {
    return refusal('invalid', 'unknownPrefecture', `“${prefecture}”不是贵州省的市（州）代码（prefecture）`, `${prefecture} is not a prefecture code`);
  }
  if (county !== null) {
    if (regionLevel(county) !== 'county') return refusal('invalid', 'unknownCounty', `“${county}”不是贵州省的县（市、区）代码（county）`, `${county} is not a county code`);
    const of = prefectureOfRegion(county);
    if (prefecture !== null && of !== prefecture) {
      return refusal('invalid', 'countyOutsidePrefecture', `${regionZh(county)}不在${prefectureName(prefecture)}（county）`, `${county} is not in ${prefecture}`);
    }
    prefecture = of;
  }
  if (actor.role === 'prefectureOfficer') {
    const own = actor.prefecture ?? null;
    if (!own) return refusal('forbidden', 'wrongRegion', '您的账号没有所属市（州），不能查看统计', 'No prefecture on the account');
    if (prefecture !== null && prefecture !== own) {
      return refusal('forbidden', 'wrongRegion', `${prefectureName(prefecture)}不在您所在市（州）的管辖范围内`, `${prefecture} is outside your prefecture`);
    }
    return { prefecture: own, county };
  }
  if (actor.role === 'provinceOfficer') return { prefecture, county };
  return refusal('forbidden', 'wrongRole', '只有省生态环境厅和市（州）生态环境主管部门可以查看统计', 'Only officers see the dashboard');
}

/** The next level a scope breaks down into: prefectures for the province, counties for a prefecture, bases for a county. */
export function breakdownLevel(scope: DashboardScope): 'prefecture' | 'county' | 'base' {
  if (scope.county) return 'base';
  return scope.prefecture ? 'county' : 'prefecture';
}

/** The counties a unit's name is matched against (see countyOfUnitName); empty outside a prefecture. */
export function countiesForMatching(prefecture: string | null): readonly RegionRow[] {
  return prefecture ? countiesOf(prefecture) : [];
}

/**
 * [interpretation, ours] The read model keeps a unit's prefectures but not its
 * county, so the drill-down places a base in the county of its prefecture
 * whose full name its unit's name contains (赤水市 → 赤水市; 湄潭县兴隆镇 →
 * 湄潭县), the longest name winning; a unit naming no county is shown as
 * 未对应到县（市、区）. The SQL of api/dashboard-queries.ts applies this same
 * rule (position of the name in unitName, longest first); this function is
 * the rule's statement, used by the tests and the seed of the benchmark.
 */
export function countyOfUnitName(unitName: string, prefecture: string): string | null {
  let best: RegionRow | null = null;
  for (const c of countiesOf(prefecture)) {
    if (unitName.includes(c.zh) && (!best || c.zh.length > best.zh.length)) best = c;
  }
  return best?.code ?? null;
}

/** A date N calendar months later, clamped to the month's last day (31 August + 6 months → 28/29 February). */
export function addMonths(date: CalendarDate, months: number): CalendarDate {
  if (!isCalendarDate(date)) throw new RangeError(`Not a calendar date: ${date}`);
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  const index = y * 12 + (m - 1) + months;
  const year = Math.floor(index / 12);
  const month = (index % 12) + 1;
  const lastDay = new Date(Date.UTC(year, month, 0)).getUTCDate();
  return `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-${String(Math.min(d, lastDay)).padStart(2, '0')}`;
}

export interface DashboardHorizons {
  /** Today in China Standard Time. */
  today: CalendarDate;
  /** 24:00 CST at the end of the 10th working day after today: a task due by then (and not yet overdue) is 即将到期. */
  dueSoonBy: string;
  /** The 10th working day after today (for the page). */
  dueSoonDate: CalendarDate;
  /** Today + 6 months: titles whose term ends by then are 六个月内到期. */
  lookaheadUntil: CalendarDate;
  /**
   * A term ending on or before this date has its post-evaluation opening by
   * lookaheadUntil (deadlines.ts postEvaluationSchedule: the evaluation opens
   * 90 days before the anniversary, the anniversary being the day after the term's last day).
   */
  evaluationOpensByTermEnd: CalendarDate;
  /** A term ending on or before this date has its post-evaluation open already (opens on or before today). */
  evaluationOpenTermEnd: CalendarDate;
  /** The working-day count used a year without a published schedule (weekends only). */
  provisional: boolean;
}

/** The term end whose post-evaluation opens on `opensOn` (the inverse of postEvaluationSchedule). */
function termEndForEvaluationOpening(opensOn: CalendarDate): CalendarDate {
  return addDays(opensOn, POST_EVALUATION_DAYS_BEFORE_ANNIVERSARY - 1);
}

export function dashboardHorizons(calendar: WorkingDayCalendar, today: CalendarDate): DashboardHorizons {
  // Same counting as a task's due date (deadlines.ts dueAfterWorkingDays): today does not count, day 1 is the next working day.
  const run = countWorkingDays(calendar, today, DUE_SOON_WORKING_DAYS, false);
  const lookaheadUntil = addMonths(today, LOOKAHEAD_MONTHS);
  return {
    today,
    dueSoonBy: new Date(endOfCstDayMs(run.last)).toISOString(),
    dueSoonDate: run.last,
    lookaheadUntil,
    evaluationOpensByTermEnd: termEndForEvaluationOpening(lookaheadUntil),
    evaluationOpenTermEnd: termEndForEvaluationOpening(today),
    provisional: run.provisional,
  };
}
