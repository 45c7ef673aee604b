// Public notices (Art. 10 prefecture notice, Art. 15 province notice): at
// least 5 working days. Complaints may be filed only while a notice runs.
import { countWorkingDays, type WorkingDayCalendar } from './calendar';
import { cstDateOf, endOfCstDayMs, isInstantString, toEpochMs, toIso, type CalendarDate, type InstantInput } from './dates';
import { INVESTIGATION_OUTCOME_ZH } from './names';
import { problem, refusal, invalidPayload, type Problem, type Refusal } from './problems';

/** Art. 10, Art. 15: 公示期不少于5个工作日. */
export const MIN_NOTICE_WORKING_DAYS = 5;
/** [interpretation] An upper bound so that a typo (500 days) is refused; the regulation sets none. */
export const MAX_NOTICE_WORKING_DAYS = 30;

export interface NoticeWindow {
  /** When the notice becomes visible: the publication instant. */
  opensAt: string;
  /** 24:00 CST at the end of the last working day: complaints are accepted strictly before it. */
  closesAt: string;
  workingDays: number;
  /** The working days counted, day 1 first. */
  days: CalendarDate[];
  firstDay: CalendarDate;
  lastDay: CalendarDate;
  /** The window reaches into a year with no published holiday schedule: recompute when it is added. */
  provisional: boolean;
}

/**
 * The window of a notice published at `publishedAt` [interpretation, ours]:
 * published on a working day → that day is day 1; otherwise day 1 is the next
 * working day. It closes at 24:00 CST at the end of the last working day.
 * Example: published Monday 2026-09-28 → 9-28, 9-29, 9-30, 10-08, 10-09 →
 * closes 2026-10-09T16:00:00.000Z.
 */
export function noticeWindow(calendar: WorkingDayCalendar, publishedAt: InstantInput, workingDays: number = MIN_NOTICE_WORKING_DAYS): NoticeWindow {
  if (!Number.isInteger(workingDays) || workingDays < MIN_NOTICE_WORKING_DAYS) {
    throw new RangeError(`A notice lasts at least ${MIN_NOTICE_WORKING_DAYS} working days (Art. 10, 15), got ${workingDays}`);
  }
  const run = countWorkingDays(calendar, cstDateOf(publishedAt), workingDays, true);
  return {
    opensAt: toIso(publishedAt),
    closesAt: new Date(endOfCstDayMs(run.last)).toISOString(),
    workingDays,
    days: run.days,
    firstDay: run.days[0] as CalendarDate,
    lastDay: run.last,
    provisional: run.provisional,
  };
}

export type NoticeStatus = 'scheduled' | 'open' | 'closed';

export function noticeStatus(window: Pick<NoticeWindow, 'opensAt' | 'closesAt'>, at: InstantInput): NoticeStatus {
  const t = toEpochMs(at);
  if (t < toEpochMs(window.opensAt)) return 'scheduled';
  return t < toEpochMs(window.closesAt) ? 'open' : 'closed';
}

/** Validate `openNotice`'s payload fields (docs/RULES.md): `workingDays ≥ 5`, `publishedAt` absent (now) or not in the past. */
export function noticePayloadProblems(payload: { workingDays?: unknown; publishedAt?: unknown }, at: InstantInput): Problem[] {
  const problems: Problem[] = [];
  const wd = payload.workingDays;
  if (wd === undefined) {
    problems.push(problem('workingDays', 'missing', '须填写公示期（工作日数，不少于5个）', 'workingDays is required (at least 5)'));
  } else if (typeof wd !== 'number' || !Number.isInteger(wd)) {
    problems.push(problem('workingDays', 'notAnInteger', '公示期须为整数个工作日', 'workingDays must be an integer'));
  } else if (wd < MIN_NOTICE_WORKING_DAYS) {
    problems.push(problem('workingDays', 'tooShort', `公示期不少于${MIN_NOTICE_WORKING_DAYS}个工作日（第十条、第十五条），填写的是${wd}个`, `A notice lasts at least ${MIN_NOTICE_WORKING_DAYS} working days (Art. 10, 15), got ${wd}`));
  } else if (wd > MAX_NOTICE_WORKING_DAYS) {
    problems.push(problem('workingDays', 'tooLong', `公示期最长${MAX_NOTICE_WORKING_DAYS}个工作日，填写的是${wd}个`, `A notice lasts at most ${MAX_NOTICE_WORKING_DAYS} working days, got ${wd}`));
  }
  const pub = payload.publishedAt;
  if (pub !== undefined && pub !== null) {
    if (!isInstantString(pub)) {
      problems.push(problem('publishedAt', 'notAnInstant', '发布时间须为带时区的 ISO 时间，如 2026-09-28T01:00:00Z', 'publishedAt must be an ISO instant with a zone'));
    } else if (toEpochMs(pub) < toEpochMs(at)) {
      problems.push(problem('publishedAt', 'inThePast', '发布时间不能早于现在', 'publishedAt cannot be in the past'));
    }
  }
  return problems;
}

export interface ComplaintPayload {
  complainant?: { name?: unknown; contact?: unknown };
  content?: unknown;
}

/** [interpretation] Longest complaint text accepted; the regulation sets none. */
export const MAX_COMPLAINT_LENGTH = 20_000;

/**
 * May a complaint be filed on this notice now (Art. 10, 15)? Anyone may file
 * (no login), only while the notice runs; it needs a name, a contact and content.
 */
export function checkComplaint(window: Pick<NoticeWindow, 'opensAt' | 'closesAt'>, payload: ComplaintPayload, at: InstantInput): Refusal | null {
  const status = noticeStatus(window, at);
  if (status === 'scheduled') {
    return refusal('conflict', 'noticeNotOpen', '公示尚未开始，暂不受理投诉举报', 'The notice has not opened yet', '第十条、第十五条');
  }
  if (status === 'closed') {
    return refusal('conflict', 'noticeClosed', '公示期已结束，不再受理投诉举报', 'The notice has closed; complaints are no longer accepted', '第十条、第十五条');
  }
  const problems: Problem[] = [];
  const text = (v: unknown) => typeof v === 'string' && v.trim().length > 0;
  if (!text(payload.complainant?.name)) problems.push(problem('complainant.name', 'missing', '须填写投诉人姓名', 'complainant.name is required'));
  if (!text(payload.complainant?.contact)) problems.push(problem('complainant.contact', 'missing', '须填写联系方式，以便调查核实', 'complainant.contact is required'));
  if (!text(payload.content)) problems.push(problem('content', 'missing', '须填写投诉举报内容', 'content is required'));
  else if ((payload.content as string).length > MAX_COMPLAINT_LENGTH) problems.push(problem('content', 'tooLong', `内容不超过${MAX_COMPLAINT_LENGTH}字`, `content is longer than ${MAX_COMPLAINT_LENGTH} characters`));
  return problems.length ? invalidPayload(problems) : null;
}

export type InvestigationOutcome = 'untrue' | 'noEvidence' | 'resolved' | 'substantiated';

/**
 * How a complaint ended: an investigation's outcome, or `dismissed` (不予受理,
 * domain/complaints.ts checkDismissal) when the office declined to take it
 * up. A dismissed complaint settles like an untrue one: it never stops a notice.
 */
export type ComplaintOutcome = InvestigationOutcome | 'dismissed';

export const INVESTIGATION_OUTCOMES: readonly { outcome: InvestigationOutcome; zh: string; clears: boolean }[] = [
  { outcome: 'untrue', zh: INVESTIGATION_OUTCOME_ZH.untrue, clears: true },
  { outcome: 'noEvidence', zh: INVESTIGATION_OUTCOME_ZH.noEvidence, clears: true },
  { outcome: 'resolved', zh: INVESTIGATION_OUTCOME_ZH.resolved, clears: true },
  { outcome: 'substantiated', zh: INVESTIGATION_OUTCOME_ZH.substantiated, clears: false },
];

export type NoticeOutcome = 'running' | 'awaitingInvestigation' | 'clear' | 'stopped';

/**
 * What a notice leads to (Art. 16): clear when it has closed and every
 * complaint was found untrue, without evidence or resolved; stopped as soon
 * as one complaint is substantiated; otherwise still running or waiting for
 * investigations. [interpretation] The prefecture notice (Art. 10-11) follows
 * the same rule: a prefecture does not recommend after a substantiated complaint.
 */
export function noticeOutcome(closed: boolean, complaints: readonly { outcome?: ComplaintOutcome | null }[]): NoticeOutcome {
  if (complaints.some((c) => c.outcome === 'substantiated')) return 'stopped';
  if (!closed) return 'running';
  return complaints.every((c) => c.outcome) ? 'clear' : 'awaitingInvestigation';
}
