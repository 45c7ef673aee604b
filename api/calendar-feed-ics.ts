// What a deadline feed (issue 17.5, docs/DASHBOARD.md "Deadline feeds")
// holds, and its iCalendar text: the open tasks of the subscriber's office
// (due dates), the closings of notices in its scope (Art. 10, 15), and for
// the bases in its scope the annual summaries' due dates (Art. 18), the
// post-evaluation's opening (Art. 22) and the term's last day (Art. 16).
// Times are in Asia/Shanghai (TZID, with its VTIMEZONE); deadlines that run
// to 24:00 of a day are all-day events on that day. Each event's UID is
// stable (the task, notice or base and what is due), so a calendar updates
// an event rather than adding it twice.
//
// Rendered with ical-generator (docs/DASHBOARD.md says why). It formats a
// JavaScript Date in the server's own zone, so instants are handed to it as
// Temporal-like values carrying their China Standard Time fields: the text is
// the same whatever TZ the server runs in.
import ical, { type ICalDateTimeValue } from 'ical-generator';
import { pageUrl } from '../activities/mail-templates';
import { addDays, compareDates, CST_OFFSET_MS, cstDateOf, type CalendarDate } from '../domain/dates';
import { annualSummaryDue, annualSummaryYears, postEvaluationSchedule } from '../domain/deadlines';
import { noticeLevelZh, officeZh, stepZh } from '../domain/names';
import { TITLE_HELD_STATUSES } from '../domain/stages';
import type { Db } from '../infra/database';
import type { Actor } from '../workflows/messages';
import { taskScope } from './tasks';

export const FEED_TIME_ZONE = 'Asia/Shanghai';
/** How far back and ahead a feed reaches: deadlines passed a month ago are history, those beyond ~13 months not yet news. */
const PAST_DAYS = 31;
const AHEAD_DAYS = 400;
/** At most this many bases' dates in one feed (the province's), nearest terms first. */
const MAX_BASES = 5000;

/** China Standard Time has had no daylight saving since 1991: one fixed offset. */
const VTIMEZONE = [
  'BEGIN:VTIMEZONE', `TZID:${FEED_TIME_ZONE}`, `X-LIC-LOCATION:${FEED_TIME_ZONE}`,
  'BEGIN:STANDARD', 'TZOFFSETFROM:+0800', 'TZOFFSETTO:+0800', 'TZNAME:CST', 'DTSTART:19700101T000000', 'END:STANDARD',
  'END:VTIMEZONE',
].join('\r\n');

/** The owner of a feed as stored in CalendarFeed: whose deadlines it lists. */
export interface FeedOwner {
  ownerSub: string;
  role: string;
  prefecture: string | null;
}

export interface FeedEvent {
  uid: string;
  summary: string;
  description: string;
  url: string;
  /** An all-day event on this CST date, or a timed event ending at `endsAt`. */
  date?: CalendarDate;
  endsAt?: Date;
}

interface Fields { year: number; month: number; day: number; hour: number; minute: number; second: number }

function cstFields(ms: number): Fields {
  const d = new Date(ms + CST_OFFSET_MS);
  return { year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate(), hour: d.getUTCHours(), minute: d.getUTCMinutes(), second: d.getUTCSeconds() };
}

/** A calendar date, as ical-generator takes a Temporal.PlainDate. */
function plainDate(date: CalendarDate) {
  const [year, month, day] = date.split('-').map(Number) as [number, number, number];
  return { year, month, day, toPlainDateTime: () => ({ ...plainDateTime(Date.UTC(year, month - 1, day) - CST_OFFSET_MS) }) };
}

function plainDateTime(ms: number): Fields & { toZonedDateTime: () => unknown; toPlainDate: () => unknown } {
  const f = cstFields(ms);
  return { ...f, toZonedDateTime: () => zoned(ms), toPlainDate: () => plainDate(cstDateOf(ms)) };
}

/** An instant in Asia/Shanghai, as ical-generator takes a Temporal.ZonedDateTime. */
function zoned(ms: number): unknown {
  return { timeZoneId: FEED_TIME_ZONE, ...cstFields(ms), withTimeZone: () => zoned(ms), toPlainDateTime: () => plainDateTime(ms), toInstant: () => ({ epochMilliseconds: ms }) };
}

type Start = ICalDateTimeValue;

/** The iCalendar text of a feed's events. */
export function renderFeed(name: string, events: readonly FeedEvent[], now: Date): string {
  const calendar = ical({ name, prodId: { company: 'guizhou-liangshan', product: 'deadlines', language: 'ZH' }, timezone: { name: null, generator: () => VTIMEZONE }, ttl: 3600 });
  for (const e of events) {
    const common = { id: e.uid, summary: e.summary, description: e.description, url: e.url, stamp: now };
    if (e.date) calendar.createEvent({ ...common, start: plainDate(e.date) as unknown as Start, allDay: true });
    else if (e.endsAt) {
      // A closing instant: a half-hour event that ends when the notice closes.
      const end = e.endsAt.getTime();
      calendar.createEvent({ ...common, start: zoned(end - 30 * 60_000) as Start, end: zoned(end) as Start, timezone: FEED_TIME_ZONE });
    }
  }
  return calendar.toString();
}

/** The feed's name as a calendar shows it. */
export function feedNameZh(owner: Pick<FeedOwner, 'role' | 'prefecture'>): string {
  if (owner.role === 'provinceOfficer' || (owner.role === 'prefectureOfficer' && owner.prefecture)) return `${officeZh(owner.role, owner.prefecture)} “两山”基地截止日期`;
  return '“两山”基地截止日期';
}

const inWindow = (date: CalendarDate, today: CalendarDate) => compareDates(date, addDays(today, -PAST_DAYS)) >= 0 && compareDates(date, addDays(today, AHEAD_DAYS)) <= 0;

/** The events of a feed as they stand now, for its owner's scope. */
export async function feedEvents(db: Db, owner: FeedOwner, publicUrl: string, now: Date): Promise<FeedEvent[]> {
  const actor: Actor = { sub: owner.ownerSub, role: owner.role as Actor['role'], ...(owner.prefecture ? { prefecture: owner.prefecture } : {}) };
  const today = cstDateOf(now);
  const link = (path: string) => pageUrl(publicUrl, path);
  const events: FeedEvent[] = [];

  // Open tasks of the office (as GET /api/tasks lists them), all-day on their due date (due at 24:00 CST).
  const scope = taskScope(actor);
  const tasks = scope ? await db.task.findMany({ where: { status: 'open', ...scope }, orderBy: { dueAt: 'asc' }, take: 2000 }) : [];
  const appNames = new Map((await db.application.findMany({ where: { id: { in: tasks.filter((t) => t.subjectType !== 'base').map((t) => t.subjectId) } }, select: { id: true, unitName: true } })).map((a) => [a.id, a.unitName]));
  const baseNames = new Map((await db.base.findMany({ where: { id: { in: tasks.filter((t) => t.subjectType === 'base').map((t) => t.subjectId) } }, select: { id: true, unitName: true } })).map((b) => [b.id, b.unitName]));
  for (const t of tasks) {
    const isBase = t.subjectType === 'base';
    const unit = (isBase ? baseNames : appNames).get(t.subjectId) ?? '';
    const due = cstDateOf(t.dueAt.getTime() - 1);
    events.push({
      uid: `task-${t.id}@liangshan`,
      summary: `截止：${stepZh(t.step)}${unit ? `（${unit}）` : ''}`,
      description: `待办“${stepZh(t.step)}”${unit ? `，${unit}` : ''}，${due} 24:00（北京时间）前办理。`,
      url: link(isBase ? `/bases/${t.subjectId}` : `/applications/${t.subjectId}`),
      date: due,
    });
  }

  // Notices not yet closed in the office's scope (Art. 10, 15): a timed event at the closing instant.
  const noticeWhere =
    owner.role === 'provinceOfficer' ? { level: 'province' }
    : owner.role === 'prefectureOfficer' ? { level: 'prefecture', prefecture: owner.prefecture ?? '' }
    : owner.role === 'applicant' ? { application: { applicantSub: owner.ownerSub } }
    : null;
  if (noticeWhere) {
    const notices = await db.notice.findMany({ where: { status: { in: ['scheduled', 'open'] }, ...noticeWhere }, orderBy: { closesAt: 'asc' }, take: 1000 });
    for (const n of notices) {
      const unit = (n.summary as { unitName?: string } | null)?.unitName ?? '';
      events.push({
        uid: `notice-${n.id}-closes@liangshan`,
        summary: `${noticeLevelZh(n.level)}截止：${unit}`,
        description: `${unit}的${noticeLevelZh(n.level)}在此时截止，截止前受理投诉举报（第十条、第十五条）。`,
        url: link(`/applications/${n.applicationId}`),
        endsAt: n.closesAt,
      });
    }
  }

  // Bases holding the title in scope: summaries (Art. 18), post-evaluation (Art. 22), term's end (Art. 16).
  const baseWhere =
    owner.role === 'provinceOfficer' ? {}
    : owner.role === 'prefectureOfficer' ? { prefectures: { has: owner.prefecture ?? '' } }
    : owner.role === 'applicant' ? { applicantSub: owner.ownerSub }
    : null;
  if (baseWhere) {
    const bases = await db.base.findMany({
      where: { status: { in: [...TITLE_HELD_STATUSES] }, termEndsOn: { gte: addDays(today, -PAST_DAYS) }, ...baseWhere },
      select: { id: true, unitName: true, termStartsOn: true, termEndsOn: true, termNo: true },
      orderBy: { termEndsOn: 'asc' },
      take: MAX_BASES,
    });
    // An office gets one event per summary due date, naming how many bases; a base its own.
    const perOffice = owner.role !== 'applicant';
    const summaryCount = new Map<number, number>();
    for (const b of bases) {
      for (const year of annualSummaryYears({ namedOn: b.termStartsOn, endsOn: b.termEndsOn })) {
        const due = annualSummaryDue(year);
        if (!inWindow(due.dueDate, today)) continue;
        if (perOffice) summaryCount.set(year, (summaryCount.get(year) ?? 0) + 1);
        else events.push({ uid: `summary-${b.id}-${year}@liangshan`, summary: `${year}年度工作总结截止：${b.unitName}`, description: `${b.unitName}${year}年度工作总结于 ${due.dueDate} 24:00（北京时间）前提交（第十八条）。`, url: link(`/bases/${b.id}`), date: due.dueDate });
      }
      const opens = postEvaluationSchedule({ anniversary: addDays(b.termEndsOn, 1) }).opensOn;
      if (inWindow(opens, today)) {
        events.push({ uid: `evaluation-${b.id}-${b.termNo}@liangshan`, summary: `后评估开始：${b.unitName}`, description: `${b.unitName}第${b.termNo}个有效期的后评估于此日开始（第二十二条）；有效期至 ${b.termEndsOn}。`, url: link(`/bases/${b.id}`), date: opens });
      }
      if (inWindow(b.termEndsOn, today)) {
        events.push({ uid: `term-end-${b.id}-${b.termNo}@liangshan`, summary: `称号有效期届满：${b.unitName}`, description: `${b.unitName}的“两山”基地称号有效期至此日（第十六条），未续期即届满。`, url: link(`/bases/${b.id}`), date: b.termEndsOn });
      }
    }
    for (const [year, n] of summaryCount) {
      const due = annualSummaryDue(year);
      events.push({ uid: `summary-${owner.role}-${owner.prefecture ?? 'province'}-${year}@liangshan`, summary: `${year}年度工作总结截止（${n}个基地）`, description: `辖区内${n}个基地的${year}年度工作总结于 ${due.dueDate} 24:00（北京时间）前提交（第十八条）。`, url: link('/bases'), date: due.dueDate });
    }
  }
  return events;
}
