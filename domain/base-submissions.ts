// What a named base submits itself (Art. 18 annual summary, Art. 22
// indicator data, Art. 23 rectification report), and who may: one rule each,
// used by the base workflow's Update validators and by the API before it
// sends them. Years are China Standard Time years: a summary may be for the
// current year, indicator data only for a year that has ended.
import { annualSummaryDue } from './deadlines';
import { cstDateOf, formatCstInstantZh, toEpochMs, yearOf, type CalendarDate, type InstantInput } from './dates';
import { invalidPayload, problem, refusal, type Refusal } from './problems';
import type { Actor } from './roles';

const ART_18 = '第十八条';
const ART_22 = '第二十二条';

/** Only the base's own applicant (its 建设主体) submits for it. */
export function checkOwnBase(actor: Pick<Actor, 'role' | 'sub'>, applicantSub: string, whatZh: string): Refusal | null {
  if (actor.role === 'applicant' && actor.sub === applicantSub) return null;
  return refusal('forbidden', 'notTheBase', `${whatZh}只能由基地的建设主体提交`, 'Only the base’s own applicant may submit this');
}

/** The years a base may summarise at `at` (Art. 18): from the year it was named to the current CST year, which may be summarised before it ends (a summary is written in the year's last weeks and may be corrected until its due date). */
export function summaryYears(namedOn: CalendarDate, at: InstantInput): { first: number; last: number } {
  return { first: yearOf(namedOn), last: yearOf(cstDateOf(at)) };
}

/** An annual summary must be for a year the base has held the title in, up to this year (CST). */
export function checkSummaryYear(year: unknown, namedOn: CalendarDate, at: InstantInput): Refusal | null {
  const { first, last } = summaryYears(namedOn, at);
  if (typeof year === 'number' && Number.isInteger(year) && year >= first && year <= last) return null;
  return invalidPayload([problem('year', 'yearOutOfRange', `年度须在${first}年至${last}年之间`, `year must be between ${first} and ${last}`)], ART_18);
}

/**
 * Art. 18: a summary already submitted may be corrected (a new version, the
 * latest current) until its due date, 31 January 24:00 CST of the next year
 * (domain/deadlines.ts annualSummaryDue); after it, only a first submission
 * is taken (late). `alreadyIn`: a version of that year is on record.
 */
export function checkSummaryCorrection(year: number, alreadyIn: boolean, at: InstantInput): Refusal | null {
  if (!alreadyIn) return null;
  const due = annualSummaryDue(year);
  if (toEpochMs(at) <= toEpochMs(due.dueAt)) return null;
  return refusal(
    'conflict',
    'summaryCorrectionClosed',
    `${year}年度工作总结已提交，更正截止于${formatCstInstantZh(due.dueAt)}（北京时间），现已不能更正`,
    `The ${year} summary is in; corrections closed at ${due.dueAt} (31 January 24:00 China Standard Time)`,
    ART_18,
  );
}

/**
 * The years of 两山指数 indicator data a base may report at `at` (Art. 22):
 * a year of data describes a whole year, so only years that have ended in
 * CST, from the naming year to last year. `last < first` while the naming
 * year has not ended: no year yet.
 */
export function indicatorDataYears(namedOn: CalendarDate, at: InstantInput): { first: number; last: number } {
  return { first: yearOf(namedOn), last: yearOf(cstDateOf(at)) - 1 };
}

/** Indicator data must be for a year that has ended (CST), from the naming year to last year; the refusal says which years may be reported. */
export function checkIndicatorDataYear(year: unknown, namedOn: CalendarDate, at: InstantInput): Refusal | null {
  const { first, last } = indicatorDataYears(namedOn, at);
  const isYear = typeof year === 'number' && Number.isInteger(year);
  if (isYear && year >= first && year <= last) return null;
  const may =
    last < first
      ? `${first}年（命名年度）结束后，自${first + 1}年1月1日（北京时间）起方可报送${first}年度的数据`
      : first === last
        ? `现可报送${first}年度的数据`
        : `现可报送${first}年至${last}年的数据`;
  const mayEn = last < first ? `data for ${first} (the naming year) may be reported from 1 January ${first + 1} China Standard Time` : `years ${first} to ${last} may be reported`;
  const notEnded = isYear && year > last;
  const zh = notEnded ? `${year}年尚未结束，“两山指数”指标数据只能报送已结束的年度；${may}` : `年度须为基地命名以来已结束的年度：${may}`;
  const en = notEnded ? `${year} has not ended: indicator data covers whole years only; ${mayEn}` : `year must be a year since the naming that has ended: ${mayEn}`;
  return invalidPayload([problem('year', notEnded ? 'yearNotEnded' : 'yearOutOfRange', zh, en)], ART_22);
}
