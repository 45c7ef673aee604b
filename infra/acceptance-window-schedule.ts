// The acceptance window's reminders (Art. 11; docs/RULES.md "Acceptance window") as
// Temporal Schedules in China Standard Time, whatever the servers' time
// zone: when the window opens (1 January, 09:00) and 30 and 7 days before it
// closes at 30 June 24:00 (31 May and 23 June, 09:00). The dates come from
// domain/deadlines.ts acceptanceReminders, so the rule lives in one place.
// The worker process calls ensureAcceptanceWindowSchedules at start: it
// creates the schedules, or brings existing ones up to date (a changed rule
// or task queue), keeping whether ops paused them.
import { MONTHS, ScheduleAlreadyRunning, ScheduleOverlapPolicy, type CalendarSpec, type Client, type ScheduleSpec } from '@temporalio/client';
import { cstDateOf, yearOf } from '../domain/dates';
import { acceptanceReminders } from '../domain/deadlines';
import { acceptanceWindowNoticeWorkflow, type AcceptanceWindowNoticeKind } from '../workflows/acceptance-window';

export const ACCEPTANCE_WINDOW_TIME_ZONE = 'Asia/Shanghai';
/** A run missed while Temporal was down is still taken within this window (then it is too late to matter). */
export const ACCEPTANCE_WINDOW_CATCHUP = '3 days';

/** domain/deadlines.ts reminder kinds → the workflow's notice kinds. */
const KIND_OF_REMINDER: Record<string, AcceptanceWindowNoticeKind> = {
  acceptanceOpens: 'opening',
  'acceptanceCloses-30': 'closingIn30Days',
  'acceptanceCloses-7': 'closingIn7Days',
};

export const acceptanceWindowScheduleId = (kind: AcceptanceWindowNoticeKind) => `acceptance-window-${kind}`;

export interface AcceptanceWindowScheduleSpec {
  kind: AcceptanceWindowNoticeKind;
  scheduleId: string;
  calendar: CalendarSpec & { month: (typeof MONTHS)[number]; dayOfMonth: number; hour: number; minute: number };
}

/**
 * The calendar of each notice, read off one year's reminders. 30 June minus
 * 30 or 7 days falls on the same month and day every year, so one year's
 * dates make a yearly calendar.
 */
export function acceptanceWindowScheduleSpecs(referenceYear: number = yearOf(cstDateOf(new Date()))): AcceptanceWindowScheduleSpec[] {
  return acceptanceReminders(referenceYear).map((r) => {
    const kind = KIND_OF_REMINDER[r.kind];
    if (!kind) throw new Error(`no acceptance-window notice for reminder ${r.kind}`);
    const [, month, day] = r.date.split('-').map(Number) as [number, number, number];
    // `at` is the instant of the reminder; its CST wall-clock time is the schedule's.
    const cst = new Date(Date.parse(r.at) + 8 * 3600_000);
    return {
      kind,
      scheduleId: acceptanceWindowScheduleId(kind),
      calendar: {
        month: MONTHS[month - 1]!,
        dayOfMonth: day,
        hour: cst.getUTCHours(),
        minute: cst.getUTCMinutes(),
        comment: `两山基地申报受理期（第十一条）：${kind}，${month}月${day}日 ${String(cst.getUTCHours()).padStart(2, '0')}:${String(cst.getUTCMinutes()).padStart(2, '0')}（北京时间）`,
      },
    };
  });
}

export interface EnsuredSchedule {
  scheduleId: string;
  kind: AcceptanceWindowNoticeKind;
  outcome: 'created' | 'updated';
}

/** Creates the three schedules, or updates them in place when they exist: calling it twice makes no duplicate. */
export async function ensureAcceptanceWindowSchedules(client: Client, taskQueue: string): Promise<EnsuredSchedule[]> {
  const results: EnsuredSchedule[] = [];
  for (const s of acceptanceWindowScheduleSpecs()) {
    const spec: ScheduleSpec = { calendars: [s.calendar], timezone: ACCEPTANCE_WINDOW_TIME_ZONE };
    const action = {
      type: 'startWorkflow' as const,
      workflowType: acceptanceWindowNoticeWorkflow,
      // The year is derived by the run from its start time (CST): a yearly
      // schedule's arguments are the same every year.
      args: [{ kind: s.kind }] as [{ kind: AcceptanceWindowNoticeKind }],
      taskQueue,
      // The server appends the scheduled time, so each year's run has its own id.
      workflowId: s.scheduleId,
    };
    const policies = { overlap: ScheduleOverlapPolicy.SKIP, catchupWindow: ACCEPTANCE_WINDOW_CATCHUP };
    try {
      await client.schedule.create({ scheduleId: s.scheduleId, spec, action, policies, state: { note: '两山基地申报受理期提醒（第十一条），由 worker 启动时创建' } });
      results.push({ scheduleId: s.scheduleId, kind: s.kind, outcome: 'created' });
    } catch (error) {
      if (!(error instanceof ScheduleAlreadyRunning)) throw error;
      await client.schedule.getHandle(s.scheduleId).update((previous) => ({
        spec,
        action,
        policies,
        // Paused by ops stays paused.
        state: { paused: previous.state.paused, ...(previous.state.note !== undefined ? { note: previous.state.note } : {}) },
      }));
      results.push({ scheduleId: s.scheduleId, kind: s.kind, outcome: 'updated' });
    }
  }
  return results;
}
