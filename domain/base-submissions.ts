// What a named base submits itself (Art. 18 annual summary, Art. 22
// indicator data, Art. 23 rectification report), and who may: one rule each,
// used by the base workflow's Update validators and by the API before it
// sends them. Years are China Standard Time years.
import { cstDateOf, yearOf, type CalendarDate, type InstantInput } from './dates';
import { invalidPayload, problem, refusal, type Refusal } from './problems';
import type { Actor } from './roles';

/** Only the base's own applicant (its 建设主体) submits for it. */
export function checkOwnBase(actor: Pick<Actor, 'role' | 'sub'>, applicantSub: string, whatZh: string): Refusal | null {
  if (actor.role === 'applicant' && actor.sub === applicantSub) return null;
  return refusal('forbidden', 'notTheBase', `${whatZh}只能由基地的建设主体提交`, 'Only the base’s own applicant may submit this');
}

/** The years a base reports on at `at`: from the year it was named to the current CST year. */
export function reportableYears(namedOn: CalendarDate, at: InstantInput): { first: number; last: number } {
  return { first: yearOf(namedOn), last: yearOf(cstDateOf(at)) };
}

/** A summary or a year of indicator data must be for a year the base has held the title in, up to this year (CST). */
export function checkReportableYear(year: unknown, namedOn: CalendarDate, at: InstantInput, article: string): Refusal | null {
  const { first, last } = reportableYears(namedOn, at);
  if (typeof year === 'number' && Number.isInteger(year) && year >= first && year <= last) return null;
  return invalidPayload([problem('year', 'yearOutOfRange', `年度须在${first}年至${last}年之间`, `year must be between ${first} and ${last}`)], article);
}
