// The acceptance window's schedules (Art. 11) on the Temporal dev server (the
// time-skipping test server has no schedules), with a worker running the real
// activities against PostgreSQL and a real SMTP server.
import type { ScheduleHandle } from '@temporalio/client';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cstDateOf, yearOf } from '../../domain/dates';
import { acceptanceReminders } from '../../domain/deadlines';
import { acceptanceWindowScheduleId, ensureAcceptanceWindowSchedules } from '../../infra/acceptance-window-schedule';
import type { SmtpSink } from '../../infra/smtp-sink';
import { defaultOffices } from '../../prisma/seed';
import type { AcceptanceWindowNoticeResult } from '../../workflows/acceptance-window';
import type { TestDatabase } from '../support/database';
import { startHarness, type Harness } from '../support/harness';

let env: TestWorkflowEnvironment;
let database: TestDatabase;
let sink: SmtpSink;
let harness: Harness;
let taskQueue: string;

beforeAll(async () => {
  harness = await startHarness({ server: 'dev', name: 'window' });
  ({ env, database, sink, taskQueue } = harness);
  await database.db.registeredApplicant.createMany({
    data: [
      { sub: 'chishui', name: '赤水市人民政府', email: 'gov@chishui.example', prefecture: '520300' },
      { sub: 'leishan', name: '雷山县人民政府', email: 'gov@leishan.example', prefecture: '522600' },
    ],
  });
});

afterAll(() => harness?.stop());

const prefectureOffices = defaultOffices().filter((m) => m.region !== '520000').map((m) => m.email);
const recipients = [...prefectureOffices, 'gov@chishui.example', 'gov@leishan.example'].sort();

/** The next time (after now) each reminder of domain/deadlines.ts falls: this year's, or next year's once passed. */
function nextReminderInstant(kind: string, now: Date): string {
  const year = yearOf(cstDateOf(now));
  for (const y of [year, year + 1]) {
    const at = acceptanceReminders(y).find((r) => r.kind === kind)!.at;
    if (Date.parse(at) > now.getTime()) return at;
  }
  throw new Error('unreachable: a yearly reminder falls within two years');
}

async function scheduleIds(): Promise<string[]> {
  const ids: string[] = [];
  for await (const s of env.client.schedule.list()) if (s.scheduleId.startsWith('acceptance-window-')) ids.push(s.scheduleId);
  return ids.sort();
}

/** Triggers the schedule and waits for the run it starts to finish. */
async function triggerAndWait(handle: ScheduleHandle): Promise<AcceptanceWindowNoticeResult> {
  const before = (await handle.describe()).info.recentActions.length;
  await handle.trigger();
  for (let n = 0; n < 200; n++) {
    const actions = (await handle.describe()).info.recentActions;
    const run = actions.length > before ? actions[actions.length - 1] : undefined;
    if (run) return env.client.workflow.getHandle(run.action.workflow.workflowId, run.action.workflow.firstExecutionRunId).result();
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('the triggered run did not start');
}

/** The Temporal UI's current details of the schedule's last run (the SDK's metadata query, answered by the worker). */
async function lastRunDetails(handle: ScheduleHandle): Promise<string> {
  const run = (await handle.describe()).info.recentActions.at(-1)!;
  const workflow = env.client.workflow.getHandle(run.action.workflow.workflowId, run.action.workflow.firstExecutionRunId);
  return (await workflow.query<{ currentDetails?: string }>('__temporal_workflow_metadata')).currentDetails ?? '';
}

describe('acceptance window schedules (Art. 11)', () => {
  it('creates the three schedules in Asia/Shanghai, due at 09:00 CST on 1 Jan, 31 May and 23 June, and a second call duplicates nothing', async () => {
    const first = await ensureAcceptanceWindowSchedules(env.client, taskQueue);
    expect(first).toEqual([
      { scheduleId: 'acceptance-window-opening', kind: 'opening', outcome: 'created' },
      { scheduleId: 'acceptance-window-closingIn30Days', kind: 'closingIn30Days', outcome: 'created' },
      { scheduleId: 'acceptance-window-closingIn7Days', kind: 'closingIn7Days', outcome: 'created' },
    ]);
    const expected = [
      { kind: 'opening', reminder: 'acceptanceOpens', month: 'JANUARY', day: 1 },
      { kind: 'closingIn30Days', reminder: 'acceptanceCloses-30', month: 'MAY', day: 31 },
      { kind: 'closingIn7Days', reminder: 'acceptanceCloses-7', month: 'JUNE', day: 23 },
    ] as const;
    const now = new Date();
    const describeAll = () => Promise.all(expected.map((e) => env.client.schedule.getHandle(acceptanceWindowScheduleId(e.kind)).describe()));
    const described = await describeAll();
    for (const [i, e] of expected.entries()) {
      const d = described[i]!;
      expect(d.spec.timezone).toBe('Asia/Shanghai');
      expect(d.spec.calendars).toEqual([
        expect.objectContaining({
          month: [{ start: e.month, end: e.month, step: 1 }],
          dayOfMonth: [{ start: e.day, end: e.day, step: 1 }],
          hour: [{ start: 9, end: 9, step: 1 }],
          minute: [{ start: 0, end: 0, step: 1 }],
        }),
      ]);
      expect(d.policies).toMatchObject({ overlap: 'SKIP', catchupWindow: 3 * 24 * 3600_000 });
      expect(d.action).toMatchObject({ type: 'startWorkflow', workflowType: 'acceptanceWindowNoticeWorkflow', args: [{ kind: e.kind }], taskQueue });
      // 09:00 CST is 01:00 UTC, whatever this machine's time zone.
      const next = nextReminderInstant(e.reminder, now);
      expect(next).toMatch(/T01:00:00\.000Z$/);
      expect(d.info.nextActionTimes[0]?.toISOString()).toBe(next);
    }
    // The SQLite visibility store lists new schedules eventually.
    for (let n = 0; n < 50 && (await scheduleIds()).length < 3; n++) await new Promise((r) => setTimeout(r, 200));
    expect(await scheduleIds()).toEqual(['acceptance-window-closingIn30Days', 'acceptance-window-closingIn7Days', 'acceptance-window-opening']);

    const second = await ensureAcceptanceWindowSchedules(env.client, taskQueue);
    expect(second.map((s) => s.outcome)).toEqual(['updated', 'updated', 'updated']);
    const again = await describeAll();
    expect(again.map((d) => d.spec.calendars?.length)).toEqual([1, 1, 1]);
    expect(again.map((d) => d.info.nextActionTimes[0]?.toISOString())).toEqual(described.map((d) => d.info.nextActionTimes[0]?.toISOString()));
    expect(await scheduleIds()).toHaveLength(3);
  });

  it('keeps a paused schedule paused when it is brought up to date', async () => {
    const handle = env.client.schedule.getHandle(acceptanceWindowScheduleId('closingIn30Days'));
    await handle.pause('ops: 暂停提醒');
    await ensureAcceptanceWindowSchedules(env.client, taskQueue);
    expect((await handle.describe()).state).toMatchObject({ paused: true, note: 'ops: 暂停提醒' });
    await handle.unpause();
  });

  it('mails every prefecture office and registered applicant once per notice, and a second run sends nothing new', async () => {
    const year = yearOf(cstDateOf(new Date()));
    const opening = env.client.schedule.getHandle(acceptanceWindowScheduleId('opening'));
    const result = await triggerAndWait(opening);
    expect(result).toEqual({ year, kind: 'opening', recipients: 11, sent: 11, alreadySent: 0 });
    const subject = `【两山基地申报】${year}年度申报受理期已开始`;
    const opened = await sink.waitFor((m) => m.filter((x) => x.subject === subject).length >= 11);
    const openingMails = opened.filter((x) => x.subject === subject);
    expect(openingMails.flatMap((m) => m.to).sort()).toEqual(recipients);
    expect(openingMails.every((m) => m.to.length === 1)).toBe(true);
    const toChishui = openingMails.find((m) => m.to.includes('gov@chishui.example'))!;
    expect(toChishui.text).toContain(`赤水市人民政府：`);
    expect(toChishui.text).toContain(`受理期为${year}年1月1日 00:00 至 ${year}年6月30日 24:00（北京时间）（第十一条）`);
    expect(toChishui.text).toContain('请在受理期内提交申报');
    const toZunyi = openingMails.find((m) => m.to.includes('lsjd-520300@sthj.guizhou.example'))!;
    expect(toZunyi.text).toContain('遵义市生态环境局：');
    expect(toZunyi.text).toContain('做好预审');
    // The province's own mailbox is not a recipient.
    expect(openingMails.some((m) => m.to.includes('lsjd@sthj.guizhou.example'))).toBe(false);

    const count = sink.messages().length;
    const repeat = await triggerAndWait(opening);
    expect(repeat).toEqual({ year, kind: 'opening', recipients: 11, sent: 0, alreadySent: 11 });
    // A schedule's run has no static summary: its current details say which notice it is and how far it got.
    expect(await lastRunDetails(opening)).toBe(`**${year}年度申报受理期开始通知**\n\n通知对象 11 个：已发送 0，此前已发送 11`);
    expect(sink.messages()).toHaveLength(count);
    expect(await database.db.notification.count({ where: { subjectId: `acceptance-window-${year}`, key: { startsWith: 'opening:' } } })).toBe(11);

    // Another notice of the same window is its own message to each recipient.
    const closing = await triggerAndWait(env.client.schedule.getHandle(acceptanceWindowScheduleId('closingIn7Days')));
    expect(closing).toMatchObject({ kind: 'closingIn7Days', sent: 11 });
    const reminders = await sink.waitFor((m) => m.filter((x) => x.subject === `【两山基地申报】${year}年度申报受理期还有7天截止`).length >= 11);
    expect(reminders.filter((x) => x.subject.includes('还有7天截止'))[0]!.text).toContain(`将于${year}年6月30日 24:00（北京时间）截止`);
    expect(sink.messages()).toHaveLength(count + 11);
  });
});
