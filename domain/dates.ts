// China Standard Time arithmetic. Every date rule of the regulation is in
// China Standard Time (UTC+8, no daylight saving), whatever TZ the process
// runs with, so nothing here uses local-time Date methods: calendar dates are
// `YYYY-MM-DD` strings, instants are epoch milliseconds or ISO strings with an
// explicit offset, and conversions add the fixed +8 h offset by hand.

/** A calendar date in China Standard Time, `YYYY-MM-DD`. */
export type CalendarDate = string;
/** An instant: a Date, epoch milliseconds, or an ISO 8601 string with `Z` or an explicit offset. */
export type InstantInput = Date | number | string;

export const CST_OFFSET_MS = 8 * 3600_000;
export const DAY_MS = 24 * 3600_000;

const DATE_RE = /^(\d{4})-(\d{2})-(\d{2})$/;
const INSTANT_RE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})$/;

/** True for a real calendar date `YYYY-MM-DD` (rejects 2026-02-30). */
export function isCalendarDate(value: unknown): value is CalendarDate {
  if (typeof value !== 'string') return false;
  const m = DATE_RE.exec(value);
  if (!m) return false;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const probe = new Date(Date.UTC(y, mo - 1, d));
  return probe.getUTCFullYear() === y && probe.getUTCMonth() === mo - 1 && probe.getUTCDate() === d;
}

/**
 * True for an ISO instant with an explicit zone. Strings without `Z` or an
 * offset are refused: JavaScript would read them in the process's local
 * time zone, which is exactly what this module must not depend on.
 */
export function isInstantString(value: unknown): value is string {
  return typeof value === 'string' && INSTANT_RE.test(value) && Number.isFinite(Date.parse(value));
}

export function toEpochMs(instant: InstantInput): number {
  let ms: number;
  if (instant instanceof Date) ms = instant.getTime();
  else if (typeof instant === 'number') ms = instant;
  else {
    if (!isInstantString(instant)) throw new RangeError(`Not an ISO instant with a zone: ${instant}`);
    ms = Date.parse(instant);
  }
  if (!Number.isFinite(ms)) throw new RangeError(`Not a valid instant: ${String(instant)}`);
  return ms;
}

export function toIso(instant: InstantInput): string {
  return new Date(toEpochMs(instant)).toISOString();
}

/** Days since 1970-01-01 for a calendar date (a plain day count, no zone). */
export function dayNumber(date: CalendarDate): number {
  if (!isCalendarDate(date)) throw new RangeError(`Not a calendar date: ${date}`);
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  return Date.UTC(y, m - 1, d) / DAY_MS;
}

export function fromDayNumber(n: number): CalendarDate {
  return new Date(n * DAY_MS).toISOString().slice(0, 10);
}

export function addDays(date: CalendarDate, days: number): CalendarDate {
  return fromDayNumber(dayNumber(date) + days);
}

/** 0 = Sunday … 6 = Saturday, of the calendar date itself (no zone involved). */
export function weekdayOf(date: CalendarDate): number {
  return new Date(dayNumber(date) * DAY_MS).getUTCDay();
}

export function yearOf(date: CalendarDate): number {
  return Number(date.slice(0, 4));
}

/** The China Standard Time calendar date of an instant. */
export function cstDateOf(instant: InstantInput): CalendarDate {
  return fromDayNumber(Math.floor((toEpochMs(instant) + CST_OFFSET_MS) / DAY_MS));
}

/** 00:00 CST at the start of a date, as epoch ms. */
export function startOfCstDayMs(date: CalendarDate): number {
  return dayNumber(date) * DAY_MS - CST_OFFSET_MS;
}

/** 24:00 CST at the end of a date (= 00:00 of the next day), as epoch ms. */
export function endOfCstDayMs(date: CalendarDate): number {
  return startOfCstDayMs(date) + DAY_MS;
}

/** A given wall-clock hour CST on a date, as an ISO instant. */
export function cstTimeOnDate(date: CalendarDate, hour: number, minute = 0): string {
  return new Date(startOfCstDayMs(date) + hour * 3600_000 + minute * 60_000).toISOString();
}

export function compareDates(a: CalendarDate, b: CalendarDate): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * An instant as people read it here, in China Standard Time whatever the
 * server's TZ: `2027年3月16日 24:00`. Midnight is written as 24:00 of the day
 * before: deadlines close at the end of their last day, as notices state them.
 * Mail, the console and the workflows' details in the Temporal UI all use it.
 */
export function formatCstInstantZh(instant: InstantInput): string {
  const ms = toEpochMs(instant);
  const pad = (n: number) => String(n).padStart(2, '0');
  const t = new Date(ms + CST_OFFSET_MS);
  if (t.getUTCHours() === 0 && t.getUTCMinutes() === 0) return `${formatCstDateZh(cstDateOf(ms - 1))} 24:00`;
  return `${formatCstDateZh(cstDateOf(ms))} ${pad(t.getUTCHours())}:${pad(t.getUTCMinutes())}`;
}

/** `2027-03-02` → `2027年3月2日`. */
export function formatCstDateZh(date: CalendarDate): string {
  const [y, m, d] = date.split('-').map(Number);
  return `${y}年${m}月${d}日`;
}
