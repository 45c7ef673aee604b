// The notice workflow (公示) on the time-skipping server, started directly
// (not as the application's child), with real activities against a real
// PostgreSQL and a real SMTP server.
// `npm run histories:record` (HISTORIES_EXPORT=1) writes one history per
// scenario into test/histories/ for test/workflows/replay.test.ts.
import { randomUUID } from 'node:crypto';
import { WorkflowUpdateFailedError, type WorkflowHandle } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SmtpSink } from '../../infra/smtp-sink';
import { DEFAULT_SCHEDULE_YEARS } from '../../domain/calendar-defaults';
import { COMPLAINT_DIGEST_WINDOW_MS } from '../../domain/complaints';
import { RefusalType, type Actor } from '../../workflows/messages';
import { noticeWorkflow } from '../../workflows/notice';
import {
  calendarChangedSignal,
  dismissComplaintsUpdate,
  fileComplaintUpdate,
  investigateUpdate,
  noticeStateQuery,
  type ComplaintRequest,
  type DismissalRequest,
  type InvestigationRequest,
  type NoticeInput,
  type NoticeLevel,
} from '../../workflows/notice-messages';
import type { TestDatabase } from '../support/database';
import { exportHistory } from '../support/histories';
import { startHarness, type Harness } from '../support/harness';

const DAY = 24 * 3600_000;
const zunyi: Actor = { sub: 'officer-zunyi', role: 'prefectureOfficer', prefecture: '520300' };
const guiyang: Actor = { sub: 'officer-guiyang', role: 'prefectureOfficer', prefecture: '520100' };
const province: Actor = { sub: 'officer-province', role: 'provinceOfficer' };

let env: TestWorkflowEnvironment;
let database: TestDatabase;
let sink: SmtpSink;
let harness: Harness;
let taskQueue: string;

beforeAll(async () => {
  harness = await startHarness({ server: 'timeSkipping', name: 'notice' });
  ({ env, database, sink, taskQueue } = harness);
});

afterAll(() => harness?.stop());

/** A notice belongs to an application (the Notice row's foreign key). */
async function noticeInput(unitName: string, level: NoticeLevel, publishedAt: string, workingDays = 5): Promise<NoticeInput> {
  const applicationId = randomUUID();
  await database.db.application.create({
    data: {
      id: applicationId, workflowId: `application-${applicationId}`, year: 2027, unitName, unitType: 'county', prefectures: ['520300'],
      applicantName: `${unitName}人民政府`, applicantSub: `applicant-${applicationId}`, contactEmail: 'gov@example.org', materials: [],
      stage: level === 'prefecture' ? 'prefectureNotice' : 'provinceNotice', submittedAt: new Date(),
    },
  });
  return {
    noticeId: `application-${applicationId}:notice:${level}`,
    applicationId,
    level,
    prefectures: ['520300'],
    unit: { name: unitName, type: 'county' },
    year: 2027,
    workingDays,
    publishedAt,
  };
}

async function waitUntil<T>(what: string, read: () => Promise<T | null | undefined | false>): Promise<T> {
  for (let n = 0; n < 200; n++) {
    const value = await read();
    if (value) return value;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`timed out waiting for ${what}`);
}

async function start(input: NoticeInput): Promise<WorkflowHandle<typeof noticeWorkflow>> {
  const handle = await env.client.workflow.start(noticeWorkflow, { taskQueue, workflowId: input.noticeId, args: [input] });
  await waitUntil('the Notice row', () => database.db.notice.findUnique({ where: { id: input.noticeId } }));
  return handle;
}

const nowIso = async () => new Date(await env.currentTimeMs()).toISOString();

function complaint(content = '该县存在违规开采问题'): ComplaintRequest {
  return { complaintId: randomUUID(), complainant: { name: '张三', contact: '13800000000' }, content };
}
const file = (h: WorkflowHandle, c: ComplaintRequest) => h.executeUpdate(fileComplaintUpdate, { updateId: c.complaintId, args: [c] });
const investigate = (h: WorkflowHandle, r: InvestigationRequest) => h.executeUpdate(investigateUpdate, { updateId: r.decisionId, args: [r] });
const dismiss = (h: WorkflowHandle, r: DismissalRequest) => h.executeUpdate(dismissComplaintsUpdate, { updateId: r.decisionId, args: [r] });

async function refusal(promise: Promise<unknown>): Promise<ApplicationFailure> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(WorkflowUpdateFailedError);
  const cause = (error as WorkflowUpdateFailedError).cause;
  expect(cause).toBeInstanceOf(ApplicationFailure);
  return cause as ApplicationFailure;
}

const taskIdOf = (input: NoticeInput, complaintId: string, delegated = false) => `${input.noticeId}:investigation.${complaintId}${delegated ? '.delegated' : ''}`;

describe('public notice workflow', () => {
  it('computes the worked example of noticeWindow: published Monday 2026-09-28, 5 working days, closes at the end of 2026-10-09', async () => {
    // 09:00 CST on Monday 28 September 2026: days 9-28, 9-29, 9-30, 10-08, 10-09 (National Day holidays skipped).
    const input = await noticeInput('赤水市', 'prefecture', '2026-09-28T01:00:00.000Z');
    const handle = await start(input);
    // The example lies before the test server's clock, so the notice is already over.
    expect(await handle.result()).toEqual({ outcome: 'clear', reason: null, opensAt: '2026-09-28T01:00:00.000Z', closesAt: '2026-10-09T16:00:00.000Z', complaints: 0 });
    const row = await database.db.notice.findUniqueOrThrow({ where: { id: input.noticeId } });
    expect(row).toMatchObject({ level: 'prefecture', prefecture: '520300', workingDays: 5, provisional: false, status: 'closed', outcome: 'clear' });
    expect(row.opensAt.toISOString()).toBe('2026-09-28T01:00:00.000Z');
    expect(row.closesAt.toISOString()).toBe('2026-10-09T16:00:00.000Z');
    expect(row.closedAt?.toISOString()).toBe('2026-10-09T16:00:00.000Z');
    expect(row.summary).toEqual({ unitName: '赤水市', unitType: 'county', year: 2027, prefectures: ['520300'] });
  });

  it('is scheduled until published (refusing complaints, naming the window), then open, and ends clear without complaints', async () => {
    const publishedAt = new Date((await env.currentTimeMs()) + 2 * DAY).toISOString();
    const input = await noticeInput('习水县', 'prefecture', publishedAt);
    const handle = await start(input);
    expect(await handle.query(noticeStateQuery)).toMatchObject({ status: 'scheduled', opensAt: publishedAt, outcome: null, complaints: [] });
    expect((await database.db.notice.findUniqueOrThrow({ where: { id: input.noticeId } })).status).toBe('scheduled');
    const early = await refusal(file(handle, complaint()));
    expect(early.type).toBe(RefusalType.conflict);
    expect(early.message).toContain('公示尚未开始');
    expect(early.message).toContain('公示期');

    await env.sleep(2 * DAY + 3600_000);
    await waitUntil('the notice to open', async () => (await database.db.notice.findUniqueOrThrow({ where: { id: input.noticeId } })).status === 'open');
    expect((await handle.query(noticeStateQuery)).status).toBe('open');

    const result = await handle.result();
    expect(result).toMatchObject({ outcome: 'clear', reason: null, opensAt: publishedAt, complaints: 0 });
    expect(await env.currentTimeMs()).toBeGreaterThanOrEqual(Date.parse(result.closesAt));
    expect(result.closesAt).toMatch(/T16:00:00\.000Z$/);
    expect(await database.db.notice.findUniqueOrThrow({ where: { id: input.noticeId } })).toMatchObject({ status: 'closed', outcome: 'clear' });
    expect(await database.db.complaint.count({ where: { noticeId: input.noticeId } })).toBe(0);
    await exportHistory('notice-clear', handle);
  });

  it('investigates a complaint found untrue: clear only after the investigation, even though the notice closed first', async () => {
    const input = await noticeInput('仁怀市', 'prefecture', await nowIso());
    const handle = await start(input);
    const c = complaint();
    const filed = await file(handle, c);
    expect(filed.complaintId).toBe(c.complaintId);
    // A retried request (same Update id) files one complaint.
    expect(await file(handle, c)).toEqual(filed);
    const rows = await database.db.complaint.findMany({ where: { noticeId: input.noticeId } });
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ id: c.complaintId, complainantName: '张三', complainantContact: '13800000000', status: 'open', outcome: null });
    expect(rows[0]!.receivedAt.toISOString()).toBe(filed.receivedAt);

    const task = await waitUntil('the investigation task', () => database.db.task.findUnique({ where: { id: taskIdOf(input, c.complaintId) } }));
    expect(task).toMatchObject({ step: 'prefectureNotice.investigation', role: 'prefectureOfficer', prefecture: '520300', subjectId: input.applicationId, status: 'open' });
    // The office hears of it in the digest of the window (issue 15), not by a mail per task.
    await env.sleep(COMPLAINT_DIGEST_WINDOW_MS + 60_000);
    await sink.waitFor((m) => m.some((x) => x.to.includes('lsjd-520300@sthj.guizhou.example') && x.subject === '【投诉举报汇总】仁怀市：市（州）公示期间新收到投诉举报1件'));
    expect(sink.messages().filter((x) => x.subject.startsWith('【待办】仁怀市'))).toEqual([]);

    // The notice closes; the workflow keeps waiting for the investigation and refuses late complaints.
    const closesAt = (await handle.query(noticeStateQuery)).closesAt;
    await env.sleep(Date.parse(closesAt) - (await env.currentTimeMs()) + 3600_000);
    await waitUntil('the notice to close', async () => (await database.db.notice.findUniqueOrThrow({ where: { id: input.noticeId } })).status === 'closed');
    expect(await handle.query(noticeStateQuery)).toMatchObject({ status: 'closed', outcome: null, complaints: [expect.objectContaining({ status: 'open' })] });
    const late = await refusal(file(handle, complaint('公示结束后才提交')));
    expect(late.type).toBe(RefusalType.conflict);
    expect(late.message).toContain('公示期已结束');
    expect(late.message).toContain('24:00');

    expect((await refusal(investigate(handle, { decisionId: 'inv-guiyang', complaintId: c.complaintId, actor: guiyang, outcome: 'untrue', findings: '—' }))).type).toBe(RefusalType.forbidden);
    expect((await refusal(investigate(handle, { decisionId: 'inv-bad', complaintId: c.complaintId, actor: zunyi, outcome: 'maybe' as never, findings: '' }))).type).toBe(RefusalType.invalid);
    expect((await refusal(investigate(handle, { decisionId: 'inv-delegate', complaintId: c.complaintId, actor: province, delegateTo: '520300' }))).type).toBe(RefusalType.conflict);

    const decision: InvestigationRequest = { decisionId: 'inv-untrue-1', complaintId: c.complaintId, actor: zunyi, outcome: 'untrue', findings: '经现场核查，反映的开采点已于2025年依法关闭' };
    const view = await investigate(handle, decision);
    expect(view).toEqual({ complaintId: c.complaintId, receivedAt: filed.receivedAt, status: 'closed', outcome: 'untrue', delegatedTo: null });
    // The notice has closed and its only complaint is settled: the workflow ends here.

    expect(await handle.result()).toMatchObject({ outcome: 'clear', reason: null, closesAt, complaints: 1 });
    expect(await database.db.complaint.findUniqueOrThrow({ where: { id: c.complaintId } })).toMatchObject({
      status: 'closed', outcome: 'untrue', findings: decision.findings, investigatedBy: 'officer-zunyi', decisionId: 'inv-untrue-1',
    });
    expect(await database.db.task.findUniqueOrThrow({ where: { id: task.id } })).toMatchObject({ status: 'done', closedBy: 'inv-untrue-1' });
    const audit = await database.db.decision.findMany({ where: { subjectId: input.applicationId } });
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ decisionId: 'inv-untrue-1', subjectType: 'application', action: 'investigate', actorSub: 'officer-zunyi', outcome: 'applied', resultStage: null });
    expect(audit[0]!.payload).toEqual({ noticeId: input.noticeId, complaintId: c.complaintId, outcome: 'untrue' });
    expect(await database.db.notice.findUniqueOrThrow({ where: { id: input.noticeId } })).toMatchObject({ status: 'closed', outcome: 'clear' });
    await exportHistory('notice-complaint-untrue', handle);
  });

  it('stops at a substantiated complaint before the notice closes, closing the other investigation tasks', async () => {
    const input = await noticeInput('桐梓县', 'prefecture', await nowIso());
    const handle = await start(input);
    const first = complaint('林地被违规占用');
    const second = complaint('数据造假');
    await file(handle, first);
    await file(handle, second);
    await waitUntil('both tasks', async () => (await database.db.task.count({ where: { id: { in: [taskIdOf(input, first.complaintId), taskIdOf(input, second.complaintId)] } } })) === 2);

    const findings = '经查，反映的林地占用问题属实，尚未整改';
    await investigate(handle, { decisionId: 'inv-sub-1', complaintId: first.complaintId, actor: zunyi, outcome: 'substantiated', findings });
    const result = await handle.result();
    expect(result).toMatchObject({ outcome: 'stopped', reason: findings, complaints: 2 });
    const row = await database.db.notice.findUniqueOrThrow({ where: { id: input.noticeId } });
    expect(row).toMatchObject({ status: 'closed', outcome: 'stopped' });
    // Stopped before its closing instant (the server's clock may run on after the result).
    expect(row.closedAt!.getTime()).toBeLessThan(row.closesAt.getTime());
    expect(await database.db.task.findUniqueOrThrow({ where: { id: taskIdOf(input, first.complaintId) } })).toMatchObject({ status: 'done', closedBy: 'inv-sub-1' });
    expect(await database.db.task.findUniqueOrThrow({ where: { id: taskIdOf(input, second.complaintId) } })).toMatchObject({ status: 'done', closedBy: 'noticeStopped' });
    expect(await database.db.complaint.findUniqueOrThrow({ where: { id: second.complaintId } })).toMatchObject({ status: 'open', outcome: null });
    await exportHistory('notice-complaint-stopped', handle);
  });

  it('lets the province delegate a province notice\'s complaint to the unit\'s prefecture, which then investigates it', async () => {
    const input = await noticeInput('湄潭县', 'province', await nowIso());
    const handle = await start(input);
    const c = complaint();
    await file(handle, c);
    const provinceTask = await waitUntil('the province task', () => database.db.task.findUnique({ where: { id: taskIdOf(input, c.complaintId) } }));
    expect(provinceTask).toMatchObject({ step: 'provinceNotice.investigation', role: 'provinceOfficer', prefecture: null, status: 'open' });
    await env.sleep(COMPLAINT_DIGEST_WINDOW_MS + 60_000);
    await sink.waitFor((m) => m.some((x) => x.to.includes('lsjd@sthj.guizhou.example') && x.subject === '【投诉举报汇总】湄潭县：省级公示期间新收到投诉举报1件'));

    expect((await refusal(investigate(handle, { decisionId: 'del-zunyi', complaintId: c.complaintId, actor: zunyi, outcome: 'untrue', findings: '不属实' }))).type).toBe(RefusalType.forbidden);
    expect((await refusal(investigate(handle, { decisionId: 'del-wrong', complaintId: c.complaintId, actor: province, delegateTo: '520100' }))).type).toBe(RefusalType.invalid);
    expect((await refusal(investigate(handle, { decisionId: 'del-by-pref', complaintId: c.complaintId, actor: zunyi, delegateTo: '520300' }))).type).toBe(RefusalType.forbidden);

    const delegated = await investigate(handle, { decisionId: 'del-1', complaintId: c.complaintId, actor: province, delegateTo: '520300' });
    expect(delegated).toMatchObject({ status: 'open', outcome: null, delegatedTo: '520300' });
    expect(await database.db.task.findUniqueOrThrow({ where: { id: provinceTask.id } })).toMatchObject({ status: 'done', closedBy: 'del-1' });
    const prefectureTask = await waitUntil('the delegated task', () => database.db.task.findUnique({ where: { id: taskIdOf(input, c.complaintId, true) } }));
    expect(prefectureTask).toMatchObject({ role: 'prefectureOfficer', prefecture: '520300', status: 'open' });
    await sink.waitFor((m) => m.some((x) => x.to.includes('lsjd-520300@sthj.guizhou.example') && x.subject.startsWith('【待办】湄潭县：省级公示期间投诉举报的调查核实，')));
    expect((await database.db.complaint.findUniqueOrThrow({ where: { id: c.complaintId } })).delegatedTo).toBe('520300');

    expect((await refusal(investigate(handle, { decisionId: 'del-again', complaintId: c.complaintId, actor: province, delegateTo: '520300' }))).type).toBe(RefusalType.conflict);
    expect((await refusal(investigate(handle, { decisionId: 'inv-guiyang-2', complaintId: c.complaintId, actor: guiyang, outcome: 'untrue', findings: '不属实' }))).type).toBe(RefusalType.forbidden);
    const view = await investigate(handle, { decisionId: 'inv-zunyi-2', complaintId: c.complaintId, actor: zunyi, outcome: 'noEvidence', findings: '经走访核实，查无实据' });
    expect(view).toMatchObject({ status: 'closed', outcome: 'noEvidence', delegatedTo: '520300' });
    // The notice is still open, so the workflow runs on: a retried decision answers the same, a second one is refused.
    expect(await investigate(handle, { decisionId: 'inv-zunyi-2', complaintId: c.complaintId, actor: zunyi, outcome: 'noEvidence', findings: '经走访核实，查无实据' })).toEqual(view);
    expect((await refusal(investigate(handle, { decisionId: 'inv-zunyi-3', complaintId: c.complaintId, actor: province, outcome: 'substantiated', findings: '属实' }))).type).toBe(RefusalType.conflict);

    expect(await handle.result()).toMatchObject({ outcome: 'clear', complaints: 1 });
    expect(await database.db.task.findUniqueOrThrow({ where: { id: prefectureTask.id } })).toMatchObject({ status: 'done', closedBy: 'inv-zunyi-2' });
    const audit = await database.db.decision.findMany({ where: { subjectId: input.applicationId }, orderBy: { seq: 'asc' } });
    expect(audit.map((d) => [d.action, d.actorSub])).toEqual([
      ['delegateComplaint', 'officer-province'],
      ['investigate', 'officer-zunyi'],
    ]);
    await exportHistory('notice-delegated', handle);
  });

  it('announces a flood of complaints in one digest mail and dismisses them in one request: the notice ends clear', async () => {
    const input = await noticeInput('凤冈县', 'prefecture', await nowIso());
    const handle = await start(input);
    const filed = [complaint('广告信息一'), complaint('广告信息二'), complaint('广告信息三')];
    for (const c of filed) await file(handle, c);
    await waitUntil('three tasks', async () => (await database.db.task.count({ where: { id: { in: filed.map((c) => taskIdOf(input, c.complaintId)) } } })) === 3);

    await env.sleep(COMPLAINT_DIGEST_WINDOW_MS + 60_000);
    const mails = await sink.waitFor((m) => m.some((x) => x.subject === '【投诉举报汇总】凤冈县：市（州）公示期间新收到投诉举报3件'));
    const digest = mails.find((x) => x.subject.startsWith('【投诉举报汇总】凤冈县'))!;
    expect(digest.to).toEqual(['lsjd-520300@sthj.guizhou.example']);
    expect(digest.text).toContain('“广告信息一”');
    expect(digest.text).not.toContain('13800000000');
    expect(mails.filter((x) => x.subject.startsWith('【待办】凤冈县'))).toEqual([]);

    // Refused as a whole: the reason is missing; nothing is applied.
    expect((await refusal(dismiss(handle, { decisionId: 'dismiss-flood-0', complaintIds: filed.map((c) => c.complaintId), reason: '', actor: zunyi }))).type).toBe(RefusalType.invalid);
    const request: DismissalRequest = { decisionId: 'dismiss-flood-1', complaintIds: filed.map((c) => c.complaintId), reason: '广告信息，与本次公示无关', actor: zunyi };
    const result = await dismiss(handle, request);
    expect(result.complaints.map((c) => [c.complaintId, c.status, c.outcome])).toEqual(filed.map((c) => [c.complaintId, 'closed', 'dismissed']));
    for (const c of filed) {
      expect(await database.db.complaint.findUniqueOrThrow({ where: { id: c.complaintId } })).toMatchObject({
        status: 'closed', outcome: 'dismissed', findings: request.reason, investigatedBy: 'officer-zunyi', decisionId: `dismiss-flood-1/${c.complaintId}`,
      });
      expect(await database.db.task.findUniqueOrThrow({ where: { id: taskIdOf(input, c.complaintId) } })).toMatchObject({ status: 'done', closedBy: `dismiss-flood-1/${c.complaintId}` });
    }
    const audit = await database.db.decision.findMany({ where: { subjectId: input.applicationId }, orderBy: { seq: 'asc' } });
    expect(audit.map((d) => [d.decisionId, d.action, d.reason])).toEqual(filed.map((c) => [`dismiss-flood-1/${c.complaintId}`, 'dismissComplaint', request.reason]));

    // Nothing open remains: the notice runs to its closing instant and ends clear.
    expect(await handle.result()).toMatchObject({ outcome: 'clear', reason: null, complaints: 3 });
    expect(await database.db.notice.findUniqueOrThrow({ where: { id: input.noticeId } })).toMatchObject({ status: 'closed', outcome: 'clear' });
    await exportHistory('notice-complaints-dismissed', handle);
  });

  it('escalates an overdue investigation to the province and still takes the late result', async () => {
    const input = await noticeInput('正安县', 'prefecture', await nowIso());
    const handle = await start(input);
    const c = complaint();
    await file(handle, c);
    const task = await waitUntil('the investigation task', () => database.db.task.findUnique({ where: { id: taskIdOf(input, c.complaintId) } }));

    await env.sleep(task.dueAt.getTime() - (await env.currentTimeMs()) + DAY);
    await sink.waitFor((m) => m.some((x) => x.subject.startsWith('【逾期督办】正安县：市（州）公示期间投诉举报的调查核实已逾期，') && x.to.includes('lsjd@sthj.guizhou.example')));
    const escalated = await database.db.task.findUniqueOrThrow({ where: { id: task.id } });
    expect(escalated).toMatchObject({ status: 'open', escalationLevel: 1 });
    expect(escalated.dueAt.getTime()).toBeGreaterThan(task.dueAt.getTime());

    await investigate(handle, { decisionId: 'inv-late-1', complaintId: c.complaintId, actor: zunyi, outcome: 'resolved', findings: '问题已整改到位' });
    expect(await handle.result()).toMatchObject({ outcome: 'clear', complaints: 1 });
    expect(await database.db.task.findUniqueOrThrow({ where: { id: task.id } })).toMatchObject({ status: 'done', escalationLevel: 1 });
    await exportHistory('notice-escalated', handle);
  });

  it('moves a provisional closing instant when the year\'s schedule is added and the calendar signal arrives', async () => {
    // The test server's clock jumps ahead (it skips to far timers while a
    // result is awaited), so the year is chosen from it: the year after the
    // clock's has no schedule in chinese-days (its last is 2026).
    const year = new Date(await env.currentTimeMs()).getUTCFullYear() + 1;
    expect(DEFAULT_SCHEDULE_YEARS).not.toContain(year);
    // The first Monday of June: weekends only → Monday to Friday, closing at the end of Friday.
    const june1 = Date.UTC(year, 5, 1);
    const monday = june1 + ((8 - new Date(june1).getUTCDay()) % 7) * DAY;
    const date = (offset: number) => new Date(monday + offset * DAY).toISOString().slice(0, 10);
    const at = (offset: number, utcHour: number) => new Date(monday + offset * DAY + utcHour * 3600_000).toISOString();
    const input = await noticeInput('道真县', 'prefecture', at(0, 1));
    const handle = await start(input);
    const before = await database.db.notice.findUniqueOrThrow({ where: { id: input.noticeId } });
    expect(before).toMatchObject({ provisional: true, status: 'scheduled' });
    expect(before.closesAt.toISOString()).toBe(at(4, 16));

    // The schedule as ops would add it: Wednesday and Thursday off, Saturday worked
    // → Monday, Tuesday, Friday, Saturday, next Monday.
    await database.db.calendarYear.create({ data: { year, holidays: [date(2), date(3)], workdays: [date(5)], updatedBy: 'ops-test' } });
    await handle.signal(calendarChangedSignal);
    const after = await waitUntil('the recomputed window', async () => {
      const row = await database.db.notice.findUniqueOrThrow({ where: { id: input.noticeId } });
      return !row.provisional && row;
    });
    expect(after.closesAt.toISOString()).toBe(at(7, 16));
    expect(await handle.query(noticeStateQuery)).toMatchObject({ provisional: false, closesAt: at(7, 16) });

    // Saturday, after the old closing instant: the notice is still open, so the timer moved.
    await env.sleep(Date.parse(at(5, 2)) - (await env.currentTimeMs()));
    expect((await handle.query(noticeStateQuery)).status).toBe('open');
    const c = complaint();
    await file(handle, c);
    await investigate(handle, { decisionId: 'inv-provisional-1', complaintId: c.complaintId, actor: zunyi, outcome: 'untrue', findings: '不属实' });
    expect(await handle.result()).toEqual({ outcome: 'clear', reason: null, opensAt: at(0, 1), closesAt: at(7, 16), complaints: 1 });
    expect(await env.currentTimeMs()).toBeGreaterThanOrEqual(Date.parse(at(7, 16)));
    await exportHistory('notice-calendar-changed', handle);
  });
});
