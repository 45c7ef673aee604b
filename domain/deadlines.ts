// Dates the lifecycle waits for, in China Standard Time: step due dates in
// working days, the yearly acceptance window (Art. 11), the title's term
// (Art. 16) and annual summaries (Art. 18). All take the instant or date as
// an argument; none reads the clock.
import { countWorkingDays, type WorkingDayCalendar } from './calendar';
import {
  addDays,
  cstDateOf,
  cstTimeOnDate,
  dayNumber,
  endOfCstDayMs,
  isCalendarDate,
  startOfCstDayMs,
  toEpochMs,
  yearOf,
  type CalendarDate,
  type InstantInput,
} from './dates';
import { refusal, type Refusal } from './problems';

/** [interpretation, ours] Working days a person has for a step before it escalates. */
export const DEFAULT_STEP_WORKING_DAYS = 10;
/** [interpretation] The assignee is reminded this many working days before the due date. */
export const DEFAULT_REMIND_WORKING_DAYS_BEFORE = 2;

export interface DueDate {
  dueDate: CalendarDate;
  /** 24:00 CST at the end of dueDate. */
  dueAt: string;
  /** 09:00 CST on the reminder day (null when the step is too short for a reminder). */
  remindAt: string | null;
  provisional: boolean;
}

/**
 * "N working days after" an instant [interpretation]: the day the task opens
 * does not count; day 1 is the next working day, and the task is due at
 * 24:00 CST at the end of working day N. The reminder is on working day
 * N − remindBefore, at 09:00 CST.
 */
export function dueAfterWorkingDays(
  calendar: WorkingDayCalendar,
  from: InstantInput,
  workingDays: number = DEFAULT_STEP_WORKING_DAYS,
  remindBefore: number = DEFAULT_REMIND_WORKING_DAYS_BEFORE,
): DueDate {
  const run = countWorkingDays(calendar, cstDateOf(from), workingDays, false);
  const remindIndex = workingDays - remindBefore - 1;
  const remindDay = remindBefore > 0 && remindIndex >= 0 ? run.days[remindIndex] : undefined;
  return {
    dueDate: run.last,
    dueAt: new Date(endOfCstDayMs(run.last)).toISOString(),
    remindAt: remindDay ? cstTimeOnDate(remindDay, 9) : null,
    provisional: run.provisional,
  };
}

export interface AcceptanceWindow {
  year: number;
  opensOn: CalendarDate;
  closesOn: CalendarDate;
  /** 1 January 00:00 CST. */
  opensAt: string;
  /** 30 June 24:00 CST. */
  closesAt: string;
}

/** Art. 11: 省生态环境厅每年上半年受理当年申报遴选命名的申请 — 1 Jan 00:00 to 30 June 24:00 CST. */
export function acceptanceWindow(year: number): AcceptanceWindow {
  const opensOn = `${String(year).padStart(4, '0')}-01-01`;
  const closesOn = `${String(year).padStart(4, '0')}-06-30`;
  return {
    year,
    opensOn,
    closesOn,
    opensAt: new Date(startOfCstDayMs(opensOn)).toISOString(),
    closesAt: new Date(endOfCstDayMs(closesOn)).toISOString(),
  };
}

export function isInAcceptanceWindow(year: number, at: InstantInput): boolean {
  const w = acceptanceWindow(year);
  const t = toEpochMs(at);
  return t >= toEpochMs(w.opensAt) && t < toEpochMs(w.closesAt);
}

/** The window open at `at`, or else the next one to open. */
export function currentOrNextAcceptanceWindow(at: InstantInput): AcceptanceWindow {
  const year = yearOf(cstDateOf(at));
  return isInAcceptanceWindow(year, at) ? acceptanceWindow(year) : acceptanceWindow(year + 1);
}

/**
 * Art. 11: may an application for `year` be submitted at `at`? Only within
 * that year's first half. The refusal names the next window.
 */
export function checkAcceptanceWindow(year: number, at: InstantInput): Refusal | null {
  if (isInAcceptanceWindow(year, at)) return null;
  const next = currentOrNextAcceptanceWindow(at);
  const nextText = `${next.opensOn} 00:00 至 ${next.closesOn} 24:00（北京时间）`;
  const nextEn = `${next.opensOn} 00:00 to ${next.closesOn} 24:00 China Standard Time`;
  const current = yearOf(cstDateOf(at));
  if (year !== current && isInAcceptanceWindow(current, at)) {
    return refusal('conflict', 'wrongYear', `现在只受理 ${current} 年的申报（受理期 ${nextText}）`, `Only applications for ${current} are accepted now (window ${nextEn})`, '第十一条');
  }
  return refusal(
    'conflict',
    'outsideAcceptanceWindow',
    `省生态环境厅每年上半年受理当年申报，现不在受理期内。下一个受理期：${nextText}，申报年度填 ${next.year}`,
    `Applications are accepted in the first half of each year only. Next window: ${nextEn}, for year ${next.year}`,
    '第十一条',
  );
}

export interface Reminder {
  kind: string;
  date: CalendarDate;
  /** 09:00 CST on that date. */
  at: string;
}

/** [interpretation, ours] Reminders when the window opens and 30 and 7 days before it closes (on 30 June minus N days). */
export function acceptanceReminders(year: number, daysBefore: readonly number[] = [30, 7]): Reminder[] {
  const w = acceptanceWindow(year);
  return [
    { kind: 'acceptanceOpens', date: w.opensOn, at: cstTimeOnDate(w.opensOn, 9) },
    ...daysBefore.map((n) => {
      const date = addDays(w.closesOn, -n);
      return { kind: `acceptanceCloses-${n}`, date, at: cstTimeOnDate(date, 9) };
    }),
  ];
}

/** Art. 16: the title is valid for 3 years. */
export const TITLE_YEARS = 3;

export interface TitleTerm {
  namedOn: CalendarDate;
  /** The last day of validity: the day before the third anniversary [interpretation, ours]. */
  endsOn: CalendarDate;
  /** The third anniversary: the title has then "reached 3 years" (Art. 22) and, unless renewed, lapsed. */
  anniversary: CalendarDate;
  /** 24:00 CST at the end of endsOn. */
  expiresAt: string;
}

/**
 * The term of a title named on `namedOn`. A title named on 29 February has its
 * anniversary on 1 March of a common year (so it ends on 28 February).
 */
export function titleTerm(namedOn: CalendarDate, years: number = TITLE_YEARS): TitleTerm {
  if (!isCalendarDate(namedOn)) throw new RangeError(`Not a calendar date: ${namedOn}`);
  const y = yearOf(namedOn) + years;
  const md = namedOn.slice(5);
  const candidate = `${String(y).padStart(4, '0')}-${md}`;
  const anniversary = isCalendarDate(candidate) ? candidate : `${String(y).padStart(4, '0')}-03-01`;
  const endsOn = addDays(anniversary, -1);
  return { namedOn, endsOn, anniversary, expiresAt: new Date(endOfCstDayMs(endsOn)).toISOString() };
}

/** Is the title held at `at` (named, not yet past its end)? Revocation is a status, not a date: see stages. */
export function isWithinTerm(term: Pick<TitleTerm, 'namedOn' | 'expiresAt'>, at: InstantInput): boolean {
  const t = toEpochMs(at);
  return t >= startOfCstDayMs(term.namedOn) && t < toEpochMs(term.expiresAt);
}

/** A renewal starts a new term the day after the previous one ends [interpretation, ours: a base that passes its post-evaluation may be renewed for a new 3-year term]. */
export function renewedTerm(previous: Pick<TitleTerm, 'endsOn'>, years: number = TITLE_YEARS): TitleTerm {
  return titleTerm(addDays(previous.endsOn, 1), years);
}

export interface AnnualSummaryDue {
  year: number;
  dueDate: CalendarDate;
  dueAt: string;
  reminders: Reminder[];
}

/** [interpretation, ours] The summary for year Y is due 31 January Y+1; reminders 30 and 7 days before. */
export function annualSummaryDue(year: number, daysBefore: readonly number[] = [30, 7]): AnnualSummaryDue {
  const dueDate = `${String(year + 1).padStart(4, '0')}-01-31`;
  return {
    year,
    dueDate,
    dueAt: new Date(endOfCstDayMs(dueDate)).toISOString(),
    reminders: daysBefore.map((n) => {
      const date = addDays(dueDate, -n);
      return { kind: `annualSummary-${n}`, date, at: cstTimeOnDate(date, 9) };
    }),
  };
}

/**
 * Art. 18: one summary per year of the title [interpretation]: every calendar
 * year in which the title is held on at least one day, from the naming year
 * to the year of its last day.
 */
export function annualSummaryYears(term: Pick<TitleTerm, 'namedOn' | 'endsOn'>): number[] {
  const years: number[] = [];
  for (let y = yearOf(term.namedOn); y <= yearOf(term.endsOn); y++) years.push(y);
  return years;
}

/** Whole calendar days from a to b (b − a), for "N days before" messages. */
export function daysBetween(a: CalendarDate, b: CalendarDate): number {
  return dayNumber(b) - dayNumber(a);
}

/**
 * [interpretation] Art. 22 evaluates a title that has "reached 3 years", but
 * the title lapses at that very moment (Art. 16). So the post-evaluation of a
 * term opens 90 days before its anniversary, leaving the province time to
 * conclude and renew before the term ends; the base is reminded to submit its
 * indicator data 30 days before the opening (09:00 CST).
 */
export const POST_EVALUATION_DAYS_BEFORE_ANNIVERSARY = 90;
export const INDICATOR_DATA_REMINDER_DAYS_BEFORE = 30;

export interface PostEvaluationSchedule {
  opensOn: CalendarDate;
  opensAt: string;
  dataReminder: Reminder;
}

export function postEvaluationSchedule(term: Pick<TitleTerm, 'anniversary'>): PostEvaluationSchedule {
  const opensOn = addDays(term.anniversary, -POST_EVALUATION_DAYS_BEFORE_ANNIVERSARY);
  const reminderOn = addDays(opensOn, -INDICATOR_DATA_REMINDER_DAYS_BEFORE);
  return {
    opensOn,
    opensAt: new Date(startOfCstDayMs(opensOn)).toISOString(),
    dataReminder: { kind: `indicatorData-${INDICATOR_DATA_REMINDER_DAYS_BEFORE}`, date: reminderOn, at: cstTimeOnDate(reminderOn, 9) },
  };
}

/** [interpretation] A rectification's deadline closes at 24:00 CST of its day; reminders 7 and 1 days before, 09:00 CST. */
export function rectificationDue(deadline: CalendarDate, daysBefore: readonly number[] = [7, 1]): { dueAt: string; reminders: Reminder[] } {
  return {
    dueAt: new Date(endOfCstDayMs(deadline)).toISOString(),
    reminders: daysBefore.map((n) => {
      const date = addDays(deadline, -n);
      return { kind: `rectification-${n}`, date, at: cstTimeOnDate(date, 9) };
    }),
  };
}
