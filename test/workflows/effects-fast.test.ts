// FAST tests of what each decision does (issue 14, item 6): the application,
// base and notice workflows on the time-skipping server, with the activities
// STUBBED by an in-memory fake (test/support/fake-activities.ts). No
// PostgreSQL, no SMTP: each test reads what the workflow asked to record
// (the ActRecord of each act: its audit entry and its read-model changes, in
// order), the tasks it opened and the Update's answer. One server and one
// worker for the file; each test has its own workflow ids; time moves only
// by env.sleep, to close a notice or open a post-evaluation.
//
// What the real activities then write (one transaction per act, revisions,
// idempotent retries) is covered by test/activities/record-act.test.ts and by
// the full-stack workflow tests (application-lifecycle, base-lifecycle,
// base-decisions, notice), which need PostgreSQL, SMTP and Temporal.
import { randomUUID } from 'node:crypto';
import { Client, WorkflowUpdateFailedError, type WorkflowHandle } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AuditEntry } from '../../activities/audit';
import type { ActRecord, ReadModelChange } from '../../activities/record-act';
import { addDays, cstDateOf, endOfCstDayMs, yearOf } from '../../domain/dates';
import { postEvaluationSchedule, renewedTerm, titleTerm, type TitleTerm } from '../../domain/deadlines';
import type { Refusal } from '../../domain/problems';
import { initialApplicationStage, type BaseStatus } from '../../domain/stages';
import { applicationWorkflow, type ApplicationInput } from '../../workflows/application';
import { baseWorkflow } from '../../workflows/base';
import { baseStateQuery, reportRectificationUpdate, submitIndicatorDataUpdate, submitSummaryUpdate, type BaseInput } from '../../workflows/base-messages';
import { applicationStateQuery, decideBaseUpdate, decideUpdate, RefusalType, type Actor, type DecisionResult } from '../../workflows/messages';
import { isBaseAction } from '../../domain/decision-payloads';
import { uncheckedApplicationDecision, uncheckedBaseDecision, type LooseDecision } from '../support/decisions';
import { graveRecords } from '../support/grave-acts';
import { noticeWorkflow } from '../../workflows/notice';
import {
  dismissalActId, dismissComplaintsUpdate, fileComplaintUpdate, investigateUpdate, noticeStateQuery, type DismissalRequest, type InvestigationRequest, type NoticeInput, type NoticeLevel,
} from '../../workflows/notice-messages';
import { COMPLAINT_DIGEST_WINDOW_MS } from '../../domain/complaints';
import { renderMail, type TemplateParams } from '../../activities/mail-templates';
import type { rectificationWorkflow } from '../../workflows/rectification';
import { rectificationWorkflowId } from '../../workflows/rectification-messages';
import { createFakeActivities, DAY_MS } from '../support/fake-activities';
import { installTestRuntime, timeSkippingEnv, workflowBundle } from '../support/temporal';

const fake = createFakeActivities();
const taskQueue = `effects-fast-${randomUUID()}`;
let env: TestWorkflowEnvironment;
/** A client whose `result()` does not unlock time skipping: time moves only by env.sleep. */
let client: Client;
let worker: Worker;
let running: Promise<void>;

beforeAll(async () => {
  installTestRuntime();
  const [started, bundle] = await Promise.all([timeSkippingEnv(), workflowBundle()]);
  env = started;
  client = new Client({ connection: env.connection, namespace: env.namespace ?? 'default' });
  // A base has one run per CST year (workflows/base.ts). The file moves
  // workflow time by about three weeks: near the year's end, start it in
  // the next year so that no base continues as new during a test.
  const now = await env.currentTimeMs();
  const toYearEnd = endOfCstDayMs(`${yearOf(cstDateOf(now))}-12-31`) - now;
  if (toYearEnd < 40 * DAY_MS) await env.sleep(toYearEnd + DAY_MS);
  worker = await Worker.create({ connection: env.nativeConnection, taskQueue, workflowBundle: bundle, activities: fake.activities });
  running = worker.run();
});

afterAll(async () => {
  worker?.shutdown();
  await running;
  await env?.teardown();
});

const zunyi: Actor = { sub: 'zunyi-officer', role: 'prefectureOfficer', prefecture: '520300' };
const guiyang: Actor = { sub: 'guiyang-officer', role: 'prefectureOfficer', prefecture: '520100' };
const province: Actor = { sub: 'province-officer', role: 'provinceOfficer' };
const scores = { '1': 90, '2': 85, '3': 88, '4': 80, '5': 75, '6': 82, '7': 70 };

// ---------------------------------------------------------------------------
// Waiting, time, refusals, acts

/** Polls (real time) until `ok`; never a fixed sleep. */
async function until<T>(what: string, read: () => T | Promise<T>, ok: (v: T) => boolean = Boolean): Promise<T> {
  const deadline = Date.now() + 15_000;
  for (;;) {
    const value = await read();
    if (ok(value)) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

const nowMs = () => env.currentTimeMs();
const todayCst = async () => cstDateOf(await nowMs());

/** Moves workflow time to just after `instant`. */
async function advanceTo(instant: string): Promise<void> {
  const ms = Date.parse(instant) + 60_000 - (await nowMs());
  if (ms > 0) await env.sleep(ms);
}

/** The refusal an Update was answered with, checked to be of `type`. */
async function refused(promise: Promise<unknown>, type: string): Promise<Refusal> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(WorkflowUpdateFailedError);
  const cause = (error as WorkflowUpdateFailedError).cause;
  expect(cause).toBeInstanceOf(ApplicationFailure);
  expect((cause as ApplicationFailure).type).toBe(type);
  return (cause as ApplicationFailure).details?.[0] as Refusal;
}
const fieldsOf = (r: Refusal) => (r.problems ?? []).map((p) => p.field);

/** How many acts of each workflow a test has read so far. */
const actsRead = new Map<string, number>();
/** The acts `workflowId` recorded since the last read. */
function nextActs(workflowId: string): ActRecord[] {
  const all = fake.actsOf(workflowId);
  const from = actsRead.get(workflowId) ?? 0;
  actsRead.set(workflowId, all.length);
  return all.slice(from);
}
/** The one act recorded since the last read (an Update answers after its act is recorded). */
function oneAct(workflowId: string): ActRecord {
  const acts = nextActs(workflowId);
  expect(acts).toHaveLength(1);
  return acts[0]!;
}
/** Tasks a workflow opened that none of its acts closed. */
function leftOpen(workflowId: string): string[] {
  const closed = new Set(fake.actsOf(workflowId).flatMap((a) => a.changes.flatMap((c) => (c.kind === 'closeTasks' ? c.taskIds : []))));
  return fake.tasks.filter((t) => t.workflowId === workflowId && !closed.has(t.value.id)).map((t) => t.value.id);
}

/** Waits for the next act a workflow records by itself (after a notice, a child's own close). */
async function nextActEventually(workflowId: string): Promise<ActRecord> {
  await until(`an act of ${workflowId}`, () => fake.actsOf(workflowId).length > (actsRead.get(workflowId) ?? 0));
  return oneAct(workflowId);
}

type Subject = Pick<AuditEntry, 'subjectType' | 'subjectId' | 'applicationId' | 'workflowId'>;
interface Decided {
  decisionId: string;
  action: string;
  actor: Actor;
  reason?: string | null | undefined;
  payload?: unknown;
}
/** The audit entry of an applied act, as workflows/decision-writes.ts `appliedEntry` makes it. */
function applied(subject: Subject, r: Decided, resultStage: string | null, at: string): AuditEntry {
  return {
    decisionId: r.decisionId,
    ...subject,
    action: r.action,
    actorSub: r.actor.sub,
    actorRole: r.actor.role,
    actorPrefecture: r.actor.prefecture ?? null,
    reason: r.reason ?? null,
    payload: r.payload ?? {},
    outcome: 'applied',
    resultStage,
    at,
  };
}
const closing = (taskIds: string[], closedBy: string, closedAt: string): ReadModelChange => ({ kind: 'closeTasks', taskIds, closedBy, closedAt });

let counter = 0;
function request(action: string, actor: Actor, payload: Record<string, unknown> = {}, reason?: string): LooseDecision {
  return { decisionId: `d-${++counter}-${randomUUID().slice(0, 8)}`, action, actor, payload, ...(reason ? { reason } : {}) };
}
/** Sends a decision, checked or not, by the Update of the workflow its action belongs to. */
const send = (handle: WorkflowHandle, r: LooseDecision) =>
  isBaseAction(r.action)
    ? handle.executeUpdate(decideBaseUpdate, { updateId: r.decisionId, args: [uncheckedBaseDecision(r)] })
    : handle.executeUpdate(decideUpdate, { updateId: r.decisionId, args: [uncheckedApplicationDecision(r)] });

/**
 * Sends a decision and checks its answer (the stage it led to) and its act:
 * the audit entry, then exactly the read-model changes `changes(at)` in order.
 */
async function decideAndExpect(
  handle: WorkflowHandle,
  subject: Subject,
  r: LooseDecision,
  stage: string,
  changes: (at: string, decisionId: string) => ReadModelChange[],
): Promise<{ result: DecisionResult; act: ActRecord; at: string }> {
  const result = await send(handle, r);
  expect(result).toEqual({ decisionId: r.decisionId, action: r.action, stage });
  const act = oneAct(handle.workflowId);
  const at = act.audit?.at ?? '';
  expect(Number.isNaN(Date.parse(at))).toBe(false);
  expect(act).toEqual({ audit: applied(subject, r, stage, at), changes: changes(at, r.decisionId) });
  return { result, act, at };
}

// ---------------------------------------------------------------------------
// Applications

interface App {
  id: string;
  wf: string;
  input: ApplicationInput;
  handle: WorkflowHandle<typeof applicationWorkflow>;
  applicant: Actor;
  subject: Subject;
}

const CROSS = ['520300', '520500'];

async function startApp(name: string, prefectures = ['520300'], options: { id?: string; waitForTask?: boolean; submitVia?: string } = {}): Promise<App> {
  const id = options.id ?? randomUUID();
  const input: ApplicationInput = {
    applicationId: id,
    year: 2027,
    unit: { name, type: prefectures.length > 1 ? 'watershed' : 'county', prefectures },
    applicant: { name: `${name}人民政府`, contactEmail: `gov-${id.slice(0, 8)}@unit.example`, sub: `applicant-${id}` },
    materials: [],
    submittedAt: new Date(await nowMs()).toISOString(),
    ...(options.submitVia ? { submitVia: options.submitVia } : {}),
  };
  const wf = `application-${id}`;
  const handle = await env.client.workflow.start(applicationWorkflow, { taskQueue, workflowId: wf, args: [input] });
  if (options.waitForTask !== false) {
    const first = initialApplicationStage(prefectures, options.submitVia);
    await until(`the ${first} task`, () => fake.taskOpened(`${wf}:${first}`));
  }
  return {
    id,
    wf,
    input,
    handle,
    applicant: { sub: input.applicant.sub, role: 'applicant', prefecture: prefectures[0] },
    subject: { subjectType: 'application', subjectId: id, applicationId: id, workflowId: wf },
  };
}

const stageAt = (app: App, revision: number, stage: string, endReason: string | null = null): ReadModelChange => ({
  kind: 'applicationStage',
  applicationId: app.id,
  revision,
  stage,
  endReason,
});

/** A decision on an application: its answer and its act, with the stage change at `revision` when the stage moves. */
function decideApp(app: App, r: LooseDecision, stage: string, changes: (at: string, decisionId: string) => ReadModelChange[]) {
  return decideAndExpect(app.handle, app.subject, r, stage, changes);
}

const expert = (sub: string): Actor => ({ sub, role: 'expert' });

/**
 * Waits until the task of a step is open, as the person deciding would find
 * it. A decision sent while the task is still being opened is its own case
 * (the "while a task is being opened" tests below; workflows/await-decision.ts
 * RECHECK_BEFORE_OPENING).
 */
const taskOpen = (app: App, step: string) => until(`task ${step}`, () => fake.taskOpened(`${app.wf}:${step}`));

/** A cross-prefecture application from the expert assignment to the review's conclusion (revisions 1 and 2). */
async function toReviewConclusion(app: App): Promise<void> {
  const [a, b] = [`expert-a-${app.id.slice(0, 8)}`, `expert-b-${app.id.slice(0, 8)}`];
  await decideApp(app, request('assignExperts', province, { expertIds: [a, b] }), 'expertReview', (at, id) => [
    { kind: 'expertAssignments', applicationId: app.id, expertIds: [a, b], assignedAt: at },
    stageAt(app, 1, 'expertReview'),
    closing([`${app.wf}:expertAssignment`], id, at),
  ]);
  await taskOpen(app, `expertReview.${a}`);
  await taskOpen(app, `expertReview.${b}`);
  expect((await send(app.handle, request('reviewOpinion', expert(a), { criteria: scores, onSite: true, opinion: '基础扎实' }))).stage).toBe('expertReview');
  expect((await send(app.handle, request('reviewOpinion', expert(b), { criteria: scores, onSite: false, opinion: '同意' }))).stage).toBe('reviewConclusion');
  expect(nextActs(app.wf).map((a) => a.audit?.action)).toEqual(['reviewOpinion', 'reviewOpinion']);
}

/** Ends a run the way an applicant would, once the task of its stage is open (closing it). */
async function withdrawAfterTask(app: App, task: string, revision: number): Promise<void> {
  await taskOpen(app, task);
  await decideApp(app, request('withdraw', app.applicant), 'withdrawn', (at, id) => [stageAt(app, revision, 'withdrawn', '建设主体撤回申报'), closing([`${app.wf}:${task}`], id, at)]);
  expect((await client.workflow.getHandle(app.wf).result()).stage).toBe('withdrawn');
  expect(leftOpen(app.wf)).toEqual([]);
}

describe('application decisions (stubbed activities)', () => {
  it('withdraw: "withdrawn", its open task closed, the run ends', async () => {
    const app = await startApp('赤水市');
    await decideApp(app, request('withdraw', app.applicant), 'withdrawn', (at, id) => [
      stageAt(app, 1, 'withdrawn', '建设主体撤回申报'),
      closing([`${app.wf}:prefectureReview`], id, at),
    ]);
    expect(await client.workflow.getHandle(app.wf).result()).toEqual({ stage: 'withdrawn', endReason: '建设主体撤回申报', namedOn: null, titleEndsOn: null });
    expect(nextActs(app.wf)).toEqual([]);
    expect(leftOpen(app.wf)).toEqual([]);
  });

  it('refuses a wrong stage, role or region and a bad payload (naming the field), recording nothing; a retried decision is applied once', async () => {
    const app = await startApp('习水县');
    expect((await refused(send(app.handle, request('recommend', zunyi, { governmentConsent: true, opinion: '同意' })), RefusalType.conflict)).code).toBe('wrongStage');
    expect((await refused(send(app.handle, request('prefectureAccept', province)), RefusalType.forbidden)).code).toBe('wrongRole');
    expect((await refused(send(app.handle, request('prefectureAccept', guiyang)), RefusalType.forbidden)).code).toBe('wrongRegion');
    expect((await refused(send(app.handle, request('withdraw', { sub: 'someone-else', role: 'applicant', prefecture: '520300' })), RefusalType.forbidden)).code).toBe('notOwnUnit');
    expect(fieldsOf(await refused(send(app.handle, request('prefectureReject', zunyi)), RefusalType.invalid))).toEqual(['reason']);
    expect(nextActs(app.wf)).toEqual([]);

    const accept = request('prefectureAccept', zunyi);
    await decideApp(app, accept, 'prefectureNotice', (at, id) => [stageAt(app, 1, 'prefectureNotice'), closing([`${app.wf}:prefectureReview`], id, at)]);
    // The same decision again (same Update id) is answered the same and recorded once.
    expect(await send(app.handle, accept)).toEqual({ decisionId: accept.decisionId, action: 'prefectureAccept', stage: 'prefectureNotice' });
    expect(fieldsOf(await refused(send(app.handle, request('openNotice', zunyi, { workingDays: 3 })), RefusalType.invalid))).toEqual(['workingDays']);
    expect(fieldsOf(await refused(send(app.handle, request('openNotice', zunyi, {})), RefusalType.invalid))).toEqual(['workingDays']);
    expect((await refused(send(app.handle, request('recommend', zunyi, {})), RefusalType.conflict)).code).toBe('wrongStage');
    expect(nextActs(app.wf)).toEqual([]);
    expect((await app.handle.query(applicationStateQuery)).decisions).toEqual([{ decisionId: accept.decisionId, action: 'prefectureAccept', stage: 'prefectureNotice' }]);
    await withdrawAfterTask(app, 'prefectureNotice.open', 2);
  });

  it('prefectureReject: "rejected" with the reason as its end', async () => {
    const app = await startApp('道真县');
    await decideApp(app, request('prefectureReject', zunyi, {}, '不符合第七条第二项'), 'rejected', (at, id) => [
      stageAt(app, 1, 'rejected', '不符合第七条第二项'),
      closing([`${app.wf}:prefectureReview`], id, at),
    ]);
    expect(await client.workflow.getHandle(app.wf).result()).toMatchObject({ stage: 'rejected', endReason: '不符合第七条第二项' });
    expect(leftOpen(app.wf)).toEqual([]);
  });

  it('prefectureAccept, openNotice (the notice child runs and closes), then recommend', async () => {
    const app = await startApp('桐梓县');
    await decideApp(app, request('prefectureAccept', zunyi), 'prefectureNotice', (at, id) => [stageAt(app, 1, 'prefectureNotice'), closing([`${app.wf}:prefectureReview`], id, at)]);
    await taskOpen(app, 'prefectureNotice.open');
    // Publishing the notice settles its task; the stage stays until the notice ends.
    const { at: publishedAt } = await decideApp(app, request('openNotice', zunyi, { workingDays: 5 }), 'prefectureNotice', (at, id) => [closing([`${app.wf}:prefectureNotice.open`], id, at)]);

    const noticeId = `${app.wf}:notice:prefecture`;
    const open = (await until('the notice to open', () => fake.notices.find((n) => n.value.id === noticeId && n.value.status === 'open')?.value))!;
    expect(open).toMatchObject({ applicationId: app.id, level: 'prefecture', prefecture: '520300', workingDays: 5, opensAt: publishedAt });
    await advanceTo(open.closesAt);
    expect(await client.workflow.getHandle(noticeId).result()).toMatchObject({ outcome: 'clear', complaints: 0 });
    // The clear notice moves the stage by itself: an act without an audit entry.
    expect(await nextActEventually(app.wf)).toEqual({
      // The move the workflow made by itself is the system's act: the timeline shows it.
      audit: expect.objectContaining({ decisionId: `auto:${app.id}:2`, action: 'noticeClear', actorSub: 'system', actorRole: 'system', resultStage: 'prefectureRecommendation' }),
      changes: [stageAt(app, 2, 'prefectureRecommendation')],
    });

    await taskOpen(app, 'prefectureRecommendation');
    await decideApp(app, request('recommend', zunyi, { governmentConsent: true, opinion: '同意推荐' }), 'expertAssignment', (at, id) => [
      stageAt(app, 3, 'expertAssignment'),
      closing([`${app.wf}:prefectureRecommendation`], id, at),
    ]);
    await withdrawAfterTask(app, 'expertAssignment', 4);
  });

  it('withdraw during a notice cancels the notice child', async () => {
    const app = await startApp('正安县');
    await decideApp(app, request('prefectureAccept', zunyi), 'prefectureNotice', (at, id) => [stageAt(app, 1, 'prefectureNotice'), closing([`${app.wf}:prefectureReview`], id, at)]);
    await taskOpen(app, 'prefectureNotice.open');
    await decideApp(app, request('openNotice', zunyi, { workingDays: 5 }), 'prefectureNotice', (at, id) => [closing([`${app.wf}:prefectureNotice.open`], id, at)]);
    const noticeId = `${app.wf}:notice:prefecture`;
    await until('the notice to open', () => fake.notices.some((n) => n.value.id === noticeId && n.value.status === 'open'));
    // No task is open while the notice runs.
    await decideApp(app, request('withdraw', app.applicant), 'withdrawn', (at, id) => [stageAt(app, 2, 'withdrawn', '建设主体撤回申报'), closing([], id, at)]);
    expect((await client.workflow.getHandle(app.wf).result()).stage).toBe('withdrawn');
    await expect(client.workflow.getHandle(noticeId).result()).rejects.toThrow();
    expect(fake.notices.filter((n) => n.value.id === noticeId).at(-1)?.value).toMatchObject({ status: 'closed', outcome: null });
    expect(leftOpen(app.wf)).toEqual([]);
  });

  it('assignExperts, reviewOpinion (the last one moves to reviewConclusion), concludeReview passed, select', async () => {
    const app = await startApp('赤水河流域', CROSS);
    const [a, b] = ['expert-a', 'expert-b'];
    await decideApp(app, request('assignExperts', province, { expertIds: [a, b] }), 'expertReview', (at, id) => [
      { kind: 'expertAssignments', applicationId: app.id, expertIds: [a, b], assignedAt: at },
      stageAt(app, 1, 'expertReview'),
      closing([`${app.wf}:expertAssignment`], id, at),
    ]);
    expect(fieldsOf(await refused(send(app.handle, request('assignExperts', province, { expertIds: [a] })), RefusalType.invalid))).toEqual(['expertIds']);
    expect((await refused(send(app.handle, request('reviewOpinion', expert('expert-c'), { criteria: scores, onSite: true, opinion: '—' })), RefusalType.forbidden)).code).toBe('notAssigned');
    await taskOpen(app, `expertReview.${a}`);
    await taskOpen(app, `expertReview.${b}`);
    expect(fake.tasks.find((t) => t.value.id === `${app.wf}:expertReview.${a}`)?.value).toMatchObject({ step: 'expertReview', role: 'expert', assigneeSub: a });

    await decideApp(app, request('reviewOpinion', expert(a), { criteria: scores, onSite: true, opinion: '基础扎实' }), 'expertReview', (at, id) => [
      { kind: 'expertOpinion', applicationId: app.id, expertId: a, criteria: scores, onSite: true, opinion: '基础扎实', submittedAt: at },
      closing([`${app.wf}:expertReview.${a}`], id, at),
    ]);
    expect((await refused(send(app.handle, request('reviewOpinion', expert(a), { criteria: scores, onSite: true, opinion: '再次' })), RefusalType.conflict)).code).toBe('opinionAlreadyGiven');
    expect(fieldsOf(await refused(send(app.handle, request('reviewOpinion', expert(b), { criteria: scores, opinion: '同意' })), RefusalType.invalid))).toEqual(['onSite']);
    await decideApp(app, request('reviewOpinion', expert(b), { criteria: scores, onSite: false, opinion: '同意' }), 'reviewConclusion', (at, id) => [
      { kind: 'expertOpinion', applicationId: app.id, expertId: b, criteria: scores, onSite: false, opinion: '同意', submittedAt: at },
      stageAt(app, 2, 'reviewConclusion'),
      closing([`${app.wf}:expertReview.${b}`], id, at),
    ]);
    await taskOpen(app, 'reviewConclusion');
    await decideApp(app, request('concludeReview', province, { passed: true }), 'selection', (at, id) => [stageAt(app, 3, 'selection'), closing([`${app.wf}:reviewConclusion`], id, at)]);
    await taskOpen(app, 'selection');
    await decideApp(app, request('select', province), 'provinceNotice', (at, id) => [stageAt(app, 4, 'provinceNotice'), closing([`${app.wf}:selection`], id, at)]);
    await withdrawAfterTask(app, 'provinceNotice.open', 5);
  });

  it('concludeReview passed=false needs a reason and rejects', async () => {
    const app = await startApp('乌江流域', CROSS);
    await toReviewConclusion(app);
    await taskOpen(app, 'reviewConclusion');
    expect(fieldsOf(await refused(send(app.handle, request('concludeReview', province, { passed: false })), RefusalType.invalid))).toEqual(['reason']);
    expect(nextActs(app.wf)).toEqual([]);
    await decideApp(app, request('concludeReview', province, { passed: false }, '实施方案可操作性不足'), 'rejected', (at, id) => [
      stageAt(app, 3, 'rejected', '实施方案可操作性不足'),
      closing([`${app.wf}:reviewConclusion`], id, at),
    ]);
    expect(await client.workflow.getHandle(app.wf).result()).toMatchObject({ stage: 'rejected', endReason: '实施方案可操作性不足' });
    expect(leftOpen(app.wf)).toEqual([]);
  });

  it('provinceReject at the selection: "rejected" with its reason', async () => {
    const app = await startApp('北盘江流域', CROSS);
    await toReviewConclusion(app);
    await taskOpen(app, 'reviewConclusion');
    await decideApp(app, request('concludeReview', province, { passed: true }), 'selection', (at, id) => [stageAt(app, 3, 'selection'), closing([`${app.wf}:reviewConclusion`], id, at)]);
    await taskOpen(app, 'selection');
    expect((await refused(send(app.handle, request('provinceReject', zunyi, {}, '名额有限')), RefusalType.forbidden)).code).toBe('wrongRole');
    await decideApp(app, request('provinceReject', province, {}, '名额有限，列入培育'), 'rejected', (at, id) => [
      stageAt(app, 4, 'rejected', '名额有限，列入培育'),
      closing([`${app.wf}:selection`], id, at),
    ]);
    expect(await client.workflow.getHandle(app.wf).result()).toMatchObject({ stage: 'rejected', endReason: '名额有限，列入培育' });
    expect(leftOpen(app.wf)).toEqual([]);
  });

  it('select, openNotice (province), naming after the notice; name: "named", the title recorded, the base started', async () => {
    const app = await startApp('清水江流域', CROSS);
    await toReviewConclusion(app);
    await taskOpen(app, 'reviewConclusion');
    await decideApp(app, request('concludeReview', province, { passed: true }), 'selection', (at, id) => [stageAt(app, 3, 'selection'), closing([`${app.wf}:reviewConclusion`], id, at)]);
    await taskOpen(app, 'selection');
    await decideApp(app, request('select', province), 'provinceNotice', (at, id) => [stageAt(app, 4, 'provinceNotice'), closing([`${app.wf}:selection`], id, at)]);
    await taskOpen(app, 'provinceNotice.open');
    await decideApp(app, request('openNotice', province, { workingDays: 7 }), 'provinceNotice', (at, id) => [closing([`${app.wf}:provinceNotice.open`], id, at)]);
    const noticeId = `${app.wf}:notice:province`;
    const open = (await until('the notice to open', () => fake.notices.find((n) => n.value.id === noticeId && n.value.status === 'open')?.value))!;
    expect(open).toMatchObject({ level: 'province', prefecture: null, workingDays: 7 });
    await advanceTo(open.closesAt);
    expect(await nextActEventually(app.wf)).toEqual({
      // The move the workflow made by itself is the system's act: the timeline shows it.
      audit: expect.objectContaining({ decisionId: `auto:${app.id}:5`, action: 'noticeClear', actorSub: 'system', actorRole: 'system', resultStage: 'naming' }),
      changes: [stageAt(app, 5, 'naming')],
    });

    await taskOpen(app, 'naming');
    expect(fieldsOf(await refused(send(app.handle, request('name', province, { namedOn: addDays(await todayCst(), 2), ...graveRecords() })), RefusalType.invalid))).toEqual(['namedOn']);
    let term: TitleTerm | undefined;
    const { at } = await decideApp(app, request('name', province, graveRecords()), 'named', (at, id) => {
      term = titleTerm(cstDateOf(at));
      return [
        { kind: 'naming', applicationId: app.id, namedOn: term.namedOn, titleEndsOn: term.endsOn },
        stageAt(app, 6, 'named'),
        closing([`${app.wf}:naming`], id, at),
      ];
    });
    expect(await client.workflow.getHandle(app.wf).result()).toEqual({ stage: 'named', endReason: null, namedOn: cstDateOf(at), titleEndsOn: term?.endsOn });
    expect(leftOpen(app.wf)).toEqual([]);

    // The base lives on in its own workflow (ABANDON). It is left running:
    // ending a child whose parent has closed left the time-skipping server's
    // clock locked for the rest of the file (env.sleep never returned).
    const baseWf = `base-${app.id}`;
    const base = await until('the base row', () => fake.bases.find((b) => b.value.id === app.id));
    expect(base).toEqual({
      workflowId: baseWf,
      value: {
        id: app.id, workflowId: baseWf, unitName: '清水江流域', unitType: 'watershed', prefectures: CROSS, applicantSub: app.input.applicant.sub,
        contactEmail: app.input.applicant.contactEmail, status: 'named', namedOn: cstDateOf(at), termStartsOn: cstDateOf(at), termEndsOn: term?.endsOn, termNo: 1,
      },
    });
    expect(await client.workflow.getHandle(baseWf).query(baseStateQuery)).toMatchObject({ baseId: app.id, status: 'named', termNo: 1, term: term! });
  });

  // A withdrawal arriving while a task's due date is computed: the task is not
  // opened (workflows/await-decision.ts looks at `decided()` again; it used to
  // open a row nothing closed, and mail its office).
  it('withdraw while a task is being opened: no task is left open', async () => {
    const id = randomUUID();
    const held = fake.holdNextDueDate(`application-${id}`);
    const app = await startApp('凤冈县', ['520300'], { id, waitForTask: false });
    await held.reached;
    expect((await send(app.handle, request('withdraw', app.applicant))).stage).toBe('withdrawn');
    held.release();
    // The run ends once its wait for the task has ended.
    expect((await client.workflow.getHandle(app.wf).result()).stage).toBe('withdrawn');
    expect(leftOpen(app.wf)).toEqual([]);
  });

  // The same window: a decision that settles a step while the step's task is
  // being opened. The task used to be put into `openTasks` after the decision
  // had removed it, so the state query and the Temporal UI's details showed a
  // settled task as open.
  it('a decision while its task is being opened: the state shows the next task, not the settled one', async () => {
    const id = randomUUID();
    const held = fake.holdNextDueDate(`application-${id}`);
    const app = await startApp('湄潭县', ['520300'], { id, waitForTask: false });
    try {
      await held.reached;
      const accept = request('prefectureAccept', zunyi);
      const accepted = send(app.handle, accept);
      // The decision moves the stage before its first await, then waits for the task's row.
      await until('the decision to be taken', () => app.handle.query(applicationStateQuery), (s) => s.stage === 'prefectureNotice');
      held.release();
      expect(await accepted).toEqual({ decisionId: accept.decisionId, action: 'prefectureAccept', stage: 'prefectureNotice' });
      expect(oneAct(app.wf).changes).toContainEqual(closing([`${app.wf}:prefectureReview`], accept.decisionId, expect.any(String) as unknown as string));
      await taskOpen(app, 'prefectureNotice.open');
      expect((await app.handle.query(applicationStateQuery)).openTask?.taskId).toBe(`${app.wf}:prefectureNotice.open`);
    } finally {
      held.release();
      await send(app.handle, request('withdraw', app.applicant));
      nextActs(app.wf);
    }
  });
});

describe('a cross-prefecture unit chooses its path (Art. 11, stubbed activities)', () => {
  const bijie: Actor = { sub: 'bijie-officer', role: 'prefectureOfficer', prefecture: '520500' };
  const receiptOf = (app: App) => fake.mails.find((m) => m.workflowId === app.wf && m.value.template === 'applicationReceived')?.value;
  const taskOf = (app: App, step: string) => fake.tasks.find((t) => t.value.id === `${app.wf}:${step}`)?.value;

  it('through 遵义市: 遵义 pre-reviews, runs the notice, investigates and recommends; 毕节 is refused (403) at each step', async () => {
    const app = await startApp('赤水河流域', CROSS, { submitVia: '520300' });
    expect(fake.applications.find((a) => a.value.id === app.id)?.value).toMatchObject({ stage: 'prefectureReview', submitVia: '520300' });
    // The task goes to 遵义's inbox and mailbox; the receipt names 遵义.
    expect(taskOf(app, 'prefectureReview')).toMatchObject({ role: 'prefectureOfficer', prefecture: '520300' });
    expect(receiptOf(app)?.params).toMatchObject({ prefecture: '520300' });
    expect(renderMail('applicationReceived', receiptOf(app)!.params as TemplateParams<'applicationReceived'>).text).toContain('现转遵义市生态环境主管部门预审');

    const notHers = await refused(send(app.handle, request('prefectureAccept', bijie)), RefusalType.forbidden);
    expect(notHers).toMatchObject({ code: 'wrongRegion', article: '第十一条' });
    expect(notHers.zh).toContain('经遵义市申报');
    expect(nextActs(app.wf)).toEqual([]);
    await decideApp(app, request('prefectureAccept', zunyi), 'prefectureNotice', (at, id) => [stageAt(app, 1, 'prefectureNotice'), closing([`${app.wf}:prefectureReview`], id, at)]);
    await taskOpen(app, 'prefectureNotice.open');
    expect(taskOf(app, 'prefectureNotice.open')).toMatchObject({ prefecture: '520300' });
    expect((await refused(send(app.handle, request('openNotice', bijie, { workingDays: 5 })), RefusalType.forbidden)).code).toBe('wrongRegion');
    await decideApp(app, request('openNotice', zunyi, { workingDays: 5 }), 'prefectureNotice', (at, id) => [closing([`${app.wf}:prefectureNotice.open`], id, at)]);

    // 遵义 runs the notice: its complaints are 遵义's to investigate.
    const noticeId = `${app.wf}:notice:prefecture`;
    const open = (await until('the notice to open', () => fake.notices.find((n) => n.value.id === noticeId && n.value.status === 'open')?.value))!;
    expect(open).toMatchObject({ level: 'prefecture', prefecture: '520300', summary: { prefectures: CROSS } });
    const notice = client.workflow.getHandle(noticeId);
    const { complaintId, taskId } = await fileComplaint(notice, noticeId);
    expect(fake.tasks.find((t) => t.value.id === taskId)?.value).toMatchObject({ role: 'prefectureOfficer', prefecture: '520300' });
    expect((await refused(investigate(notice, { decisionId: `x-${randomUUID()}`, complaintId, actor: bijie, outcome: 'untrue', findings: '—' }), RefusalType.forbidden)).code).toBe('wrongRegion');
    await investigate(notice, { decisionId: `inv-${randomUUID()}`, complaintId, actor: zunyi, outcome: 'untrue', findings: '经核查不属实' });
    await advanceTo(open.closesAt);
    expect(await notice.result()).toMatchObject({ outcome: 'clear', complaints: 1 });
    expect(await nextActEventually(app.wf)).toEqual({
      // The move the workflow made by itself is the system's act: the timeline shows it.
      audit: expect.objectContaining({ decisionId: `auto:${app.id}:2`, action: 'noticeClear', actorSub: 'system', actorRole: 'system', resultStage: 'prefectureRecommendation' }),
      changes: [stageAt(app, 2, 'prefectureRecommendation')],
    });

    await taskOpen(app, 'prefectureRecommendation');
    expect(taskOf(app, 'prefectureRecommendation')).toMatchObject({ prefecture: '520300' });
    expect((await refused(send(app.handle, request('recommend', bijie, { governmentConsent: true, opinion: '同意推荐' })), RefusalType.forbidden)).code).toBe('wrongRegion');
    await decideApp(app, request('recommend', zunyi, { governmentConsent: true, opinion: '同意推荐' }), 'expertAssignment', (at, id) => [
      stageAt(app, 3, 'expertAssignment'),
      closing([`${app.wf}:prefectureRecommendation`], id, at),
    ]);
    await withdrawAfterTask(app, 'expertAssignment', 4);
  });

  it('directly: the expert assignment of the province first, as before; the receipt names the province; a run without a choice (older input) goes directly too', async () => {
    for (const submitVia of ['province', undefined]) {
      const app = await startApp(`乌江流域${submitVia ?? ''}`, CROSS, submitVia ? { submitVia } : {});
      expect(fake.applications.find((a) => a.value.id === app.id)?.value).toMatchObject({ stage: 'expertAssignment', submitVia: 'province' });
      expect(taskOf(app, 'expertAssignment')).toMatchObject({ role: 'provinceOfficer', prefecture: null });
      expect(receiptOf(app)?.params).toMatchObject({ prefecture: null });
      expect((await refused(send(app.handle, request('prefectureAccept', zunyi)), RefusalType.conflict)).code).toBe('wrongStage');
      await withdrawAfterTask(app, 'expertAssignment', 1);
    }
  });
});

// ---------------------------------------------------------------------------
// Bases

interface Base {
  id: string;
  wf: string;
  input: BaseInput;
  handle: WorkflowHandle<typeof baseWorkflow>;
  applicant: Actor;
  subject: Subject;
}

async function startBase(namedOn: string): Promise<Base> {
  const id = randomUUID();
  const input: BaseInput = {
    baseId: id,
    unit: { name: '习水县', type: 'county', prefectures: ['520300'] },
    applicant: { name: '习水县人民政府', contactEmail: `xishui-${id.slice(0, 8)}@unit.example`, sub: `applicant-${id}` },
    namedOn,
  };
  const wf = `base-${id}`;
  const handle = await env.client.workflow.start(baseWorkflow, { taskQueue, workflowId: wf, args: [input] });
  await until('the base row', () => fake.bases.some((b) => b.value.id === id));
  return {
    id,
    wf,
    input,
    handle,
    applicant: { sub: input.applicant.sub, role: 'applicant', prefecture: '520300' },
    subject: { subjectType: 'base', subjectId: id, applicationId: null, workflowId: wf },
  };
}

interface StatusFacts {
  term?: TitleTerm;
  termNo?: number;
  endReason?: string | null;
  nationalRecommended?: boolean;
}
/** The Base row as a decision writes it (workflows/base.ts statusChange). */
function statusAt(base: Base, revision: number, status: BaseStatus, facts: StatusFacts = {}): ReadModelChange {
  const term = facts.term ?? titleTerm(base.input.namedOn);
  return {
    kind: 'baseStatus',
    revision,
    change: {
      baseId: base.id,
      status,
      termStartsOn: term.namedOn,
      termEndsOn: term.endsOn,
      termNo: facts.termNo ?? 1,
      endReason: facts.endReason ?? null,
      nationalRecommended: facts.nationalRecommended ?? false,
    },
  };
}

/** A base decision: its answer and its act (the status at `revision`, then the tasks it closes). */
function decideBase(base: Base, r: LooseDecision, status: BaseStatus, revision: number, closes: string[] = [], facts: StatusFacts = {}) {
  return decideAndExpect(base.handle, base.subject, r, status, (at, id) => [statusAt(base, revision, status, facts), closing(closes, id, at)]);
}

async function revokeBase(base: Base, revision: number, closes: string[] = [], facts: StatusFacts = {}): Promise<void> {
  await decideBase(base, request('revoke', province, { ground: 1, ...graveRecords(1) }, '测试结束'), 'revoked', revision, closes, { ...facts, endReason: '测试结束' });
  expect(await client.workflow.getHandle(base.wf).result()).toMatchObject({ status: 'revoked', endReason: '测试结束' });
  expect(leftOpen(base.wf)).toEqual([]);
}

/** The base's open tasks (last year's overdue summary, by the date the test runs), once their rows are written: a revocation closes them. */
async function openBaseTasks(base: Base): Promise<string[]> {
  const open = (await base.handle.query(baseStateQuery)).openTasks.map((t) => t.taskId);
  await until('the open tasks’ rows', () => open.every((t) => fake.taskOpened(t)));
  return open;
}

const rectificationChild = (base: Base, n: number) => client.workflow.getHandle<typeof rectificationWorkflow>(rectificationWorkflowId(base.id, n));

describe('base decisions and submissions (stubbed activities)', () => {
  it('requireRectification, the report (one act for one reportId), verifyRectification completed: back to "named"', async () => {
    const today = await todayCst();
    const base = await startBase(today);
    const deadline = addDays(today, 30);
    await decideBase(base, request('requireRectification', province, { requirements: ['完善制度'], deadline }), 'underRectification', 1);
    const childId = rectificationWorkflowId(base.id, 1);
    const state = await until('the rectification child', () => base.handle.query(baseStateQuery), (s) => s.rectification?.workflowId === childId);
    expect(state.rectification).toMatchObject({ requirements: ['完善制度'], deadline, reportedAt: null });
    expect(state.statusBeforeRectification).toBe('named');

    const report = { reportId: `report-${randomUUID()}`, report: '已按要求完成整改', actor: base.applicant };
    const first = await base.handle.executeUpdate(reportRectificationUpdate, { updateId: report.reportId, args: [report] });
    const again = await base.handle.executeUpdate(reportRectificationUpdate, { updateId: report.reportId, args: [report] });
    expect(again).toEqual(first);
    expect(nextActs(base.wf)).toEqual([
      {
        audit: applied(base.subject, { decisionId: report.reportId, action: 'reportRectification', actor: base.applicant, payload: { report: report.report, fileId: null } }, 'underRectification', first.reportedAt),
        changes: [],
      },
    ]);

    // The report opens the province's verification task in the child.
    const verifyTask = `${childId}:rectification-1.verify`;
    await until('the verification task', () => fake.taskOpened(verifyTask));
    const verify = request('verifyRectification', province, { completed: true });
    await decideBase(base, verify, 'named', 2);
    expect(await rectificationChild(base, 1).result()).toEqual({ outcome: 'completed', verificationTask: verifyTask });
    // The child closes its own task, with the decision's id.
    expect((await nextActEventually(childId)).changes).toEqual([closing([verifyTask], verify.decisionId, expect.any(String) as unknown as string)]);
    expect(leftOpen(childId)).toEqual([]);
    expect(await base.handle.query(baseStateQuery)).toMatchObject({ status: 'named', rectification: null, statusBeforeRectification: null, rectificationFailed: false });
    await revokeBase(base, 3);
  });

  it('verifyRectification not completed: stays under rectification, makes ground 6 available; revoke ends the title', async () => {
    const today = await todayCst();
    const base = await startBase(today);
    await decideBase(base, request('requireRectification', province, { requirements: '限期整改', deadline: addDays(today, 20) }), 'underRectification', 1);
    await until('the rectification child', () => base.handle.query(baseStateQuery), (s) => !!s.rectification?.workflowId);
    expect((await refused(send(base.handle, request('revoke', province, { ground: 6, ...graveRecords(6) }, '整改未完成')), RefusalType.conflict)).code).toBe('groundNotEstablished');
    expect(fieldsOf(await refused(send(base.handle, request('verifyRectification', province, { completed: false })), RefusalType.invalid))).toEqual(['reason']);
    expect(nextActs(base.wf)).toEqual([]);

    const verify = request('verifyRectification', province, { completed: false }, '整改未有效完成');
    const verified = await decideBase(base, verify, 'underRectification', 2);
    expect(await base.handle.query(baseStateQuery)).toMatchObject({ status: 'underRectification', rectificationFailed: true });
    // Verified before any report or the deadline: the child never opened a task.
    expect(await rectificationChild(base, 1).result()).toEqual({ outcome: 'notCompleted', verificationTask: null });

    // Ground 6's evidence is on record: the revocation's audit entry cites the verification.
    const revoke = request('revoke', province, { ground: 6, ...graveRecords(6) }, '整改未有效完成，撤销称号');
    expect(await send(base.handle, revoke)).toEqual({ decisionId: revoke.decisionId, action: 'revoke', stage: 'revoked' });
    const act = oneAct(base.wf);
    expect(act.audit?.payload).toEqual({ ...revoke.payload, evidenceOnRecord: { verificationDecisionId: verify.decisionId, verifiedAt: verified.at } });
    expect(act.changes).toEqual([statusAt(base, 3, 'revoked', { endReason: '整改未有效完成，撤销称号' }), closing([], revoke.decisionId, act.audit?.at ?? '')]);
    expect(await client.workflow.getHandle(base.wf).result()).toEqual({ status: 'revoked', endReason: '整改未有效完成，撤销称号', termNo: 1, termEndsOn: titleTerm(today).endsOn });
  });

  it('warn without terms, with terms, and with new terms during a rectification (rectification 2 replaces 1); revoke ends it', async () => {
    const today = await todayCst();
    const base = await startBase(today);
    expect(fieldsOf(await refused(send(base.handle, request('warn', province, { ground: 1, ...graveRecords(1) })), RefusalType.invalid))).toEqual(['reason']);
    await decideBase(base, request('warn', province, { ground: 1, ...graveRecords(1) }, '督察发现问题'), 'warned', 1);
    expect(fieldsOf(await refused(send(base.handle, request('warn', province, { ground: 2, requirements: ['整治'], ...graveRecords(2) }, '理由')), RefusalType.invalid))).toEqual(['deadline']);

    const deadline1 = addDays(today, 30);
    await decideBase(base, request('warn', province, { ground: 2, requirements: ['限期治理'], deadline: deadline1, ...graveRecords(2) }, '挂牌督办'), 'underRectification', 2);
    const first = rectificationWorkflowId(base.id, 1);
    await until('rectification 1', () => base.handle.query(baseStateQuery), (s) => s.rectification?.workflowId === first);

    const deadline2 = addDays(today, 60);
    await decideBase(base, request('warn', province, { ground: 5, requirements: ['限期治理河道污染'], deadline: deadline2, ...graveRecords(5) }, '整改期间环境质量明显下降'), 'underRectification', 3);
    const second = rectificationWorkflowId(base.id, 2);
    const state = await until('rectification 2', () => base.handle.query(baseStateQuery), (s) => s.rectification?.workflowId === second);
    expect(state.rectification).toMatchObject({ requirements: ['限期治理河道污染'], deadline: deadline2 });
    expect(state.statusBeforeRectification).toBe('warned');
    expect(state.rectificationsStarted).toBe(2);
    expect(await rectificationChild(base, 1).result()).toEqual({ outcome: 'superseded', verificationTask: null });

    await revokeBase(base, 4);
    expect(await rectificationChild(base, 2).result()).toEqual({ outcome: 'ended', verificationTask: null });
  });

  it('concludeEvaluation once the post-evaluation is open, then renew: a new term, "renewed"', async () => {
    // Named so that the post-evaluation opens within two days.
    const now = await nowMs();
    let namedOn = addDays(cstDateOf(now), -3 * 365);
    while (Date.parse(postEvaluationSchedule(titleTerm(namedOn)).opensAt) <= now) namedOn = addDays(namedOn, 1);
    while (Date.parse(postEvaluationSchedule(titleTerm(addDays(namedOn, -1))).opensAt) > now) namedOn = addDays(namedOn, -1);
    const base = await startBase(namedOn);
    const term = titleTerm(namedOn);
    const opensAt = postEvaluationSchedule(term).opensAt;
    expect(Date.parse(opensAt) - now).toBeLessThanOrEqual(2 * 24 * 3600_000);

    expect((await refused(send(base.handle, request('concludeEvaluation', province, { outcome: 'pass' })), RefusalType.conflict)).code).toBe('evaluationNotOpen');
    expect((await refused(send(base.handle, request('renew', province)), RefusalType.conflict)).code).toBe('evaluationNotPassed');
    await advanceTo(opensAt);
    const postEvaluation = `${base.wf}:postEvaluation`;
    await until('the post-evaluation task', () => fake.taskOpened(postEvaluation));
    expect((await base.handle.query(baseStateQuery)).postEvaluationOpen).toBe(true);
    expect(fieldsOf(await refused(send(base.handle, request('concludeEvaluation', province, { outcome: 'maybe' })), RefusalType.invalid))).toEqual(['outcome']);

    await decideBase(base, request('concludeEvaluation', province, { outcome: 'pass' }), 'named', 1, [postEvaluation]);
    expect(await base.handle.query(baseStateQuery)).toMatchObject({ lastEvaluationOutcome: 'pass', evaluatedTermNo: 1, postEvaluationHeld: true });
    const renewed = renewedTerm(term);
    await decideBase(base, request('renew', province), 'renewed', 2, [], { term: renewed, termNo: 2 });
    expect(await base.handle.query(baseStateQuery)).toMatchObject({ status: 'renewed', termNo: 2, term: renewed, lastEvaluationOutcome: null });

    // After 31 January, last year's summary of a base named years ago is overdue: its task is open, and the revocation closes it.
    const open = (await base.handle.query(baseStateQuery)).openTasks.map((t) => t.taskId);
    expect(open.every((t) => t.startsWith(`${base.wf}:annualSummary.`))).toBe(true);
    await until('the open tasks’ rows', () => open.every((t) => fake.taskOpened(t)));
    await revokeBase(base, 3, open, { term: renewed, termNo: 2 });
  });

  it('recommendNational keeps the status and records the recommendation', async () => {
    const base = await startBase(await todayCst());
    await decideBase(base, request('recommendNational', province), 'named', 1, [], { nationalRecommended: true });
    expect((await base.handle.query(baseStateQuery)).nationalRecommended).toBe(true);
    await decideBase(base, request('warn', province, { ground: 1, ...graveRecords(1) }, '督察发现问题'), 'warned', 2, [], { nationalRecommended: true });
    expect((await refused(send(base.handle, request('recommendNational', province)), RefusalType.conflict)).code).toBe('notInGoodStanding');
    await revokeBase(base, 3, [], { nationalRecommended: true });
  });

  it('refuses a wrong role, a wrong status and a bad payload, recording nothing; a retried decision is applied once', async () => {
    const base = await startBase(await todayCst());
    expect((await refused(send(base.handle, request('warn', zunyi, { ground: 1 }, '理由')), RefusalType.forbidden)).code).toBe('wrongRole');
    expect((await refused(send(base.handle, request('verifyRectification', province, { completed: true })), RefusalType.conflict)).code).toBe('wrongStage');
    expect(fieldsOf(await refused(send(base.handle, request('requireRectification', province, { requirements: ['完善制度'] })), RefusalType.invalid))).toEqual(['deadline']);
    expect(fieldsOf(await refused(send(base.handle, request('requireRectification', province, { requirements: ['完善制度'], deadline: await todayCst() })), RefusalType.invalid))).toEqual(['deadline']);
    expect(nextActs(base.wf)).toEqual([]);
    const recommend = request('recommendNational', province);
    await decideBase(base, recommend, 'named', 1, [], { nationalRecommended: true });
    expect(await send(base.handle, recommend)).toEqual({ decisionId: recommend.decisionId, action: 'recommendNational', stage: 'named' });
    expect(nextActs(base.wf)).toEqual([]);
    await revokeBase(base, 2, [], { nationalRecommended: true });
  });

  it('submissions: the annual summary and a year of indicator data are one act each; the same Update again records nothing more', async () => {
    // Named two years ago (on 31 December): a year that has ended (last year) to report indicator data on.
    const year = yearOf(await todayCst());
    const base = await startBase(`${year - 2}-12-31`);

    const summary = { submissionId: `summary-${randomUUID()}`, year, fileId: 'file-summary-1', summary: '本年度完成生态修复项目3个', actor: base.applicant };
    const s1 = await base.handle.executeUpdate(submitSummaryUpdate, { updateId: summary.submissionId, args: [summary] });
    const s2 = await base.handle.executeUpdate(submitSummaryUpdate, { updateId: summary.submissionId, args: [summary] });
    expect(s1).toEqual({ year, late: false, version: 1 });
    expect(s2).toEqual(s1);
    const summaryAct = oneAct(base.wf);
    const at = summaryAct.audit?.at ?? '';
    expect(summaryAct).toEqual({
      audit: applied(base.subject, { decisionId: summary.submissionId, action: 'submitSummary', actor: base.applicant, payload: { year, fileId: summary.fileId, late: false, version: 1 } }, 'named', at),
      changes: [
        {
          kind: 'summary',
          summary: { baseId: base.id, year, version: 1, submissionId: summary.submissionId, fileId: summary.fileId, summary: summary.summary, late: false, submittedBy: base.applicant.sub, submittedAt: at },
        },
        closing([`${base.wf}:annualSummary.${year}`], summary.submissionId, at),
      ],
    });
    expect((await base.handle.query(baseStateQuery)).summaries).toEqual([year]);

    const data = { submissionId: `data-${randomUUID()}`, year: year - 1, values: { forestCoverage: 72.5 }, evaluation: { score: 88 }, actor: base.applicant };
    const d1 = await base.handle.executeUpdate(submitIndicatorDataUpdate, { updateId: data.submissionId, args: [data] });
    const d2 = await base.handle.executeUpdate(submitIndicatorDataUpdate, { updateId: data.submissionId, args: [data] });
    expect(d1).toEqual({ year: year - 1 });
    expect(d2).toEqual(d1);
    const dataAct = oneAct(base.wf);
    const dataAt = dataAct.audit?.at ?? '';
    expect(dataAct).toEqual({
      audit: applied(base.subject, { decisionId: data.submissionId, action: 'submitIndicatorData', actor: base.applicant, payload: { year: year - 1, values: data.values } }, 'named', dataAt),
      changes: [{ kind: 'indicatorData', baseId: base.id, year: year - 1, values: { values: data.values }, evaluation: data.evaluation, submittedBy: base.applicant.sub, submittedAt: dataAt }],
    });

    // Only the base's own applicant; indicator data only for a year that has ended (the current one refused, naming `year`),
    // from the naming year on; a report only for a rectification that is open.
    const other: Actor = { sub: 'someone-else', role: 'applicant', prefecture: '520300' };
    const dataAgain = (fields: Record<string, unknown>) => {
      const id = `x-${randomUUID()}`;
      return base.handle.executeUpdate(submitIndicatorDataUpdate, { updateId: id, args: [{ ...data, submissionId: id, ...fields }] });
    };
    expect((await refused(dataAgain({ actor: other }), RefusalType.forbidden)).code).toBe('notTheBase');
    const current = await refused(dataAgain({ year }), RefusalType.invalid);
    expect(current.problems).toEqual([expect.objectContaining({ field: 'year', code: 'yearNotEnded', zh: `${year}年尚未结束，“两山指数”指标数据只能报送已结束的年度；现可报送${year - 2}年至${year - 1}年的数据` })]);
    expect(fieldsOf(await refused(dataAgain({ year: year - 3 }), RefusalType.invalid))).toEqual(['year']);
    const report = { reportId: `report-${randomUUID()}`, report: '整改报告', actor: base.applicant };
    expect((await refused(base.handle.executeUpdate(reportRectificationUpdate, { updateId: report.reportId, args: [report] }), RefusalType.conflict)).code).toBe('noRectification');
    expect(nextActs(base.wf)).toEqual([]);
    await revokeBase(base, 1, await openBaseTasks(base));
  });

  it('annual summary corrections: each a version under its own id until the due date, the latest current; a retry recorded once; refused after the due date', async () => {
    const year = yearOf(await todayCst());
    const base = await startBase(`${year - 2}-12-31`);
    const version = (submissionId: string, y: number, text: string) => ({ submissionId, year: y, fileId: `file-${submissionId}`, summary: text, actor: base.applicant });
    const submit = (v: ReturnType<typeof version>, updateId = v.submissionId) => base.handle.executeUpdate(submitSummaryUpdate, { updateId, args: [v] });

    const first = version(`s1-${randomUUID()}`, year, '初稿');
    expect(await submit(first)).toEqual({ year, late: false, version: 1 });
    oneAct(base.wf);
    // A correction before 31 January of the next year: version 2, recorded under its own id; no task to close.
    const correction = version(`s2-${randomUUID()}`, year, '更正稿');
    expect(await submit(correction)).toEqual({ year, late: false, version: 2 });
    const act = oneAct(base.wf);
    const at = act.audit?.at ?? '';
    expect(act).toEqual({
      audit: applied(base.subject, { decisionId: correction.submissionId, action: 'submitSummary', actor: base.applicant, payload: { year, fileId: correction.fileId, late: false, version: 2 } }, 'named', at),
      changes: [
        {
          kind: 'summary',
          summary: { baseId: base.id, year, version: 2, submissionId: correction.submissionId, fileId: correction.fileId, summary: '更正稿', late: false, submittedBy: base.applicant.sub, submittedAt: at },
        },
      ],
    });
    // The same correction again, by the same Update id or another (as after a continue-as-new): answered, recorded once.
    expect(await submit(correction)).toEqual({ year, late: false, version: 2 });
    expect(await submit(correction, `retry-${randomUUID()}`)).toEqual({ year, late: false, version: 2 });
    expect(nextActs(base.wf)).toEqual([]);
    expect(await base.handle.query(baseStateQuery)).toMatchObject({ summaries: [year], summaryVersions: [{ year, version: 2, submissionId: correction.submissionId, late: false }] });

    // A correction needs its own id, and only the base's applicant corrects.
    const noId: Record<string, unknown> = { ...version('', year, '无编号') };
    delete noId.submissionId;
    expect(fieldsOf(await refused(base.handle.executeUpdate(submitSummaryUpdate, { updateId: `n-${randomUUID()}`, args: [noId as ReturnType<typeof version>] }), RefusalType.invalid))).toEqual(['submissionId']);
    expect((await refused(submit({ ...version(`o-${randomUUID()}`, year, '他人'), actor: { sub: 'someone-else', role: 'applicant', prefecture: '520300' } }), RefusalType.forbidden)).code).toBe('notTheBase');

    // Two years ago, due 31 January last year: a first submission is taken, late; its correction is refused (409), naming the due date.
    expect(await submit(version(`old-${randomUUID()}`, year - 2, '补交'))).toEqual({ year: year - 2, late: true, version: 1 });
    expect(oneAct(base.wf).changes[0]).toMatchObject({ kind: 'summary', summary: { year: year - 2, version: 1, late: true } });
    const closed = await refused(submit(version(`old-fix-${randomUUID()}`, year - 2, '补交后更正')), RefusalType.conflict);
    expect(closed).toMatchObject({ code: 'summaryCorrectionClosed', zh: `${year - 2}年度工作总结已提交，更正截止于${year - 1}年1月31日 24:00（北京时间），现已不能更正` });
    expect(nextActs(base.wf)).toEqual([]);
    await revokeBase(base, 1, await openBaseTasks(base));
  });

  // The same as the application's withdrawal: a revocation while the base is
  // computing the due date of a task it is opening (here the post-evaluation,
  // open from the start) leaves no task open.
  it('revoke while a task is being opened: no task is left open', async () => {
    // Named almost three years ago: the post-evaluation is open and the title still held.
    const namedOn = addDays(await todayCst(), 30 - 3 * 365);
    expect(Date.parse(postEvaluationSchedule(titleTerm(namedOn)).opensAt)).toBeLessThan(await nowMs());
    const id = randomUUID();
    const held = fake.holdNextDueDate(`base-${id}`);
    const input: BaseInput = { baseId: id, unit: { name: '湄潭县', type: 'county', prefectures: ['520300'] }, applicant: { name: '湄潭县人民政府', contactEmail: 'meitan@unit.example', sub: `applicant-${id}` }, namedOn };
    const wf = `base-${id}`;
    const handle = await env.client.workflow.start(baseWorkflow, { taskQueue, workflowId: wf, args: [input] });
    await held.reached;
    expect((await send(handle, request('revoke', province, { ground: 1, ...graveRecords(1) }, '测试'))).stage).toBe('revoked');
    held.release();
    expect((await client.workflow.getHandle(wf).result()).status).toBe('revoked');
    expect(leftOpen(wf)).toEqual([]);
  });
});

// ---------------------------------------------------------------------------
// Notices

async function startNotice(level: NoticeLevel): Promise<{ input: NoticeInput; handle: WorkflowHandle<typeof noticeWorkflow>; subject: Subject }> {
  const applicationId = randomUUID();
  const input: NoticeInput = {
    noticeId: `application-${applicationId}:notice:${level}`,
    applicationId,
    level,
    prefectures: ['520300'],
    unit: { name: '赤水市', type: 'county' },
    year: 2027,
    workingDays: 5,
    publishedAt: new Date(await nowMs()).toISOString(),
  };
  const handle = await env.client.workflow.start(noticeWorkflow, { taskQueue, workflowId: input.noticeId, args: [input] });
  await until('the notice to open', () => fake.notices.some((n) => n.value.id === input.noticeId && n.value.status === 'open'));
  return { input, handle, subject: { subjectType: 'application', subjectId: applicationId, applicationId, workflowId: input.noticeId } };
}

/** Files a complaint and waits until its investigation task is open. */
async function fileComplaint(handle: WorkflowHandle, noticeId: string): Promise<{ complaintId: string; taskId: string }> {
  const complaintId = randomUUID();
  await handle.executeUpdate(fileComplaintUpdate, { updateId: complaintId, args: [{ complaintId, complainant: { name: '张三', contact: '13800000000' }, content: '存在违规开采问题' }] });
  const taskId = `${noticeId}:investigation.${complaintId}`;
  await until('the investigation task', () => fake.taskOpened(taskId));
  return { complaintId, taskId };
}

const investigate = (handle: WorkflowHandle, r: InvestigationRequest) => handle.executeUpdate(investigateUpdate, { updateId: r.decisionId, args: [r] });
/** The notice's acts with an audit entry (its main line also closes tasks by itself, without one). */
const auditedActs = (noticeId: string) => fake.actsOf(noticeId).filter((a) => a.audit);

describe('notice investigations (stubbed activities)', () => {
  it('each outcome is one act with its investigation and closes its task; a substantiated complaint stops the notice', async () => {
    const { input, handle, subject } = await startNotice('prefecture');
    let audited = 0;
    const outcomes = ['untrue', 'noEvidence', 'resolved', 'substantiated'] as const;
    for (const outcome of outcomes) {
      const { complaintId, taskId } = await fileComplaint(handle, input.noticeId);
      if (outcome === 'untrue') {
        expect((await refused(investigate(handle, { decisionId: `x-${randomUUID()}`, complaintId, actor: guiyang, outcome, findings: '—' }), RefusalType.forbidden)).code).toBe('wrongRegion');
        expect(fieldsOf(await refused(investigate(handle, { decisionId: `x-${randomUUID()}`, complaintId, actor: zunyi, outcome }), RefusalType.invalid))).toEqual(['findings']);
        expect(fieldsOf(await refused(investigate(handle, { decisionId: `x-${randomUUID()}`, complaintId, actor: zunyi, findings: '—' }), RefusalType.invalid))).toEqual(['outcome']);
        expect(auditedActs(input.noticeId)).toHaveLength(audited);
      }
      const r: InvestigationRequest = { decisionId: `inv-${outcome}-${randomUUID()}`, complaintId, actor: zunyi, outcome, findings: `经核查：${outcome}` };
      const view = await investigate(handle, r);
      expect(view).toMatchObject({ complaintId, status: 'closed', outcome, delegatedTo: null });
      const acts = auditedActs(input.noticeId);
      expect(acts).toHaveLength(++audited);
      const act = acts.at(-1)!;
      const at = act.audit?.at ?? '';
      expect(act).toEqual({
        audit: applied(subject, { decisionId: r.decisionId, action: 'investigate', actor: zunyi, reason: r.findings, payload: { noticeId: input.noticeId, complaintId, outcome } }, null, at),
        changes: [
          { kind: 'investigation', investigation: { complaintId, decisionId: r.decisionId, investigatedBy: zunyi.sub, at, outcome, findings: r.findings } },
          closing([taskId], r.decisionId, at),
        ],
      });
      if (outcome === 'untrue') {
        const again = { ...r, decisionId: `x-${randomUUID()}` };
        expect((await refused(investigate(handle, again), RefusalType.conflict)).code).toBe('alreadyInvestigated');
      }
    }
    expect(await client.workflow.getHandle(input.noticeId).result()).toMatchObject({ outcome: 'stopped', reason: '经核查：substantiated', complaints: 4 });
    expect(auditedActs(input.noticeId)).toHaveLength(outcomes.length);
    // The main line closes each investigation task again once its wait ends (closing is idempotent): none is left open.
    await until('the investigation tasks closed', () => leftOpen(input.noticeId), (open) => open.length === 0);
  });

  it('the province delegates an investigation (one "delegateComplaint" act), the prefecture then investigates', async () => {
    const { input, handle, subject } = await startNotice('province');
    const { complaintId, taskId } = await fileComplaint(handle, input.noticeId);
    expect(fake.tasks.find((t) => t.value.id === taskId)?.value).toMatchObject({ role: 'provinceOfficer', prefecture: null });
    expect((await refused(investigate(handle, { decisionId: `x-${randomUUID()}`, complaintId, actor: zunyi, delegateTo: '520300' }), RefusalType.forbidden)).code).toBe('wrongRole');
    expect(fieldsOf(await refused(investigate(handle, { decisionId: `x-${randomUUID()}`, complaintId, actor: province, delegateTo: '520100' }), RefusalType.invalid))).toEqual(['delegateTo']);
    expect(auditedActs(input.noticeId)).toEqual([]);

    const delegation: InvestigationRequest = { decisionId: `delegate-${randomUUID()}`, complaintId, actor: province, delegateTo: '520300' };
    expect(await investigate(handle, delegation)).toMatchObject({ complaintId, status: 'open', outcome: null, delegatedTo: '520300' });
    const [delegated] = auditedActs(input.noticeId);
    const at = delegated?.audit?.at ?? '';
    expect(delegated).toEqual({
      audit: applied(subject, { decisionId: delegation.decisionId, action: 'delegateComplaint', actor: province, reason: null, payload: { noticeId: input.noticeId, complaintId, delegateTo: '520300' } }, null, at),
      changes: [
        { kind: 'investigation', investigation: { complaintId, decisionId: delegation.decisionId, investigatedBy: province.sub, at, delegatedTo: '520300' } },
        closing([taskId], delegation.decisionId, at),
      ],
    });

    const delegatedTask = `${taskId}.delegated`;
    await until('the delegated task', () => fake.taskOpened(delegatedTask));
    expect(fake.tasks.find((t) => t.value.id === delegatedTask)?.value).toMatchObject({ role: 'prefectureOfficer', prefecture: '520300' });
    const r: InvestigationRequest = { decisionId: `inv-${randomUUID()}`, complaintId, actor: zunyi, outcome: 'resolved', findings: '已整改到位' };
    expect(await investigate(handle, r)).toMatchObject({ status: 'closed', outcome: 'resolved', delegatedTo: '520300' });
    const acts = auditedActs(input.noticeId);
    expect(acts).toHaveLength(2);
    const at2 = acts[1]?.audit?.at ?? '';
    expect(acts[1]).toEqual({
      audit: applied(subject, { decisionId: r.decisionId, action: 'investigate', actor: zunyi, reason: r.findings, payload: { noticeId: input.noticeId, complaintId, outcome: 'resolved' } }, null, at2),
      changes: [
        { kind: 'investigation', investigation: { complaintId, decisionId: r.decisionId, investigatedBy: zunyi.sub, at: at2, outcome: 'resolved', findings: '已整改到位' } },
        closing([delegatedTask], r.decisionId, at2),
      ],
    });

    const open = fake.notices.find((n) => n.value.id === input.noticeId)!.value;
    await advanceTo(open.closesAt);
    expect(await client.workflow.getHandle(input.noticeId).result()).toMatchObject({ outcome: 'clear', complaints: 1 });
    expect(auditedActs(input.noticeId)).toHaveLength(2);
    expect(leftOpen(input.noticeId)).toEqual([]);
  });
});

// ---------------------------------------------------------------------------
// A flood of complaints (issue 15): one digest mail per window, one dismissal for many

const dismiss = (handle: WorkflowHandle, r: DismissalRequest) => handle.executeUpdate(dismissComplaintsUpdate, { updateId: r.decisionId, args: [r] });
/** The mails a notice asked for. */
const mailsOf = (noticeId: string) => fake.mails.filter((m) => m.workflowId === noticeId).map((m) => m.value);

describe('complaint digests and dismissals (stubbed activities)', () => {
  it('announces N complaints in one digest mail per window (each still gets its task), and none for a window settled meanwhile', async () => {
    const { input, handle } = await startNotice('prefecture');
    const filed = [];
    for (let i = 0; i < 4; i++) filed.push(await fileComplaint(handle, input.noticeId));
    // Four tasks, no mail yet: the window is open.
    for (const f of filed) expect(fake.taskOpened(f.taskId)).toBe(true);
    expect(mailsOf(input.noticeId)).toEqual([]);

    await env.sleep(COMPLAINT_DIGEST_WINDOW_MS + 60_000);
    const [digest] = await until('the digest', () => mailsOf(input.noticeId), (m) => m.length === 1);
    expect(digest).toMatchObject({
      subjectId: input.applicationId,
      key: 'prefectureNotice.complaintDigest.1',
      to: [{ role: 'prefectureOfficer', prefecture: '520300' }],
      template: 'complaintDigest',
      params: { unitName: '赤水市', level: 'prefecture' },
    });
    const listed = (digest!.params as { complaints: Array<{ receivedAt: string; excerpt: string; dueAt: string | null }> }).complaints;
    expect(listed).toHaveLength(4);
    for (const c of listed) {
      expect(c.excerpt).toBe('存在违规开采问题');
      expect(Number.isNaN(Date.parse(c.receivedAt))).toBe(false);
      expect(c.dueAt).not.toBeNull();
    }
    // Never who filed them or how to reach them.
    expect(JSON.stringify(digest)).not.toMatch(/张三|13800000000/);
    expect(renderMail('complaintDigest', digest!.params as never).subject).toBe('【投诉举报汇总】赤水市：市（州）公示期间新收到投诉举报4件');

    // The next complaint opens the next window: its own digest.
    filed.push(await fileComplaint(handle, input.noticeId));
    await env.sleep(COMPLAINT_DIGEST_WINDOW_MS + 60_000);
    const second = (await until('the second digest', () => mailsOf(input.noticeId), (m) => m.length === 2))[1]!;
    expect(second).toMatchObject({ key: 'prefectureNotice.complaintDigest.2', template: 'complaintDigest' });
    expect((second.params as { complaints: unknown[] }).complaints).toHaveLength(1);

    // A complaint dismissed before its window ends is not announced at all.
    filed.push(await fileComplaint(handle, input.noticeId));
    const last = filed.at(-1)!;
    await dismiss(handle, { decisionId: `dismiss-${randomUUID()}`, complaintIds: [last.complaintId], reason: '重复投诉', actor: zunyi });
    await env.sleep(COMPLAINT_DIGEST_WINDOW_MS + 60_000);
    expect(mailsOf(input.noticeId)).toHaveLength(2);

    // The rest dismissed in one request: the notice ends clear at its closing instant.
    await dismiss(handle, { decisionId: `dismiss-${randomUUID()}`, complaintIds: filed.slice(0, -1).map((f) => f.complaintId), reason: '内容与本次公示无关', actor: zunyi });
    const open = fake.notices.find((n) => n.value.id === input.noticeId)!.value;
    await advanceTo(open.closesAt);
    expect(await client.workflow.getHandle(input.noticeId).result()).toMatchObject({ outcome: 'clear', complaints: 6 });
    expect(leftOpen(input.noticeId)).toEqual([]);
    // No taskAssigned mail for any of them: the digests told the office.
    expect(mailsOf(input.noticeId).map((m) => m.template)).toEqual(['complaintDigest', 'complaintDigest']);
  });

  it('dismisses several complaints in one Update: each closed with its task, one act per complaint, all or nothing; the notice ends clear', async () => {
    const { input, handle, subject } = await startNotice('prefecture');
    const filed = [];
    for (let i = 0; i < 4; i++) filed.push(await fileComplaint(handle, input.noticeId));
    const [done, ...rest] = filed;
    await investigate(handle, { decisionId: `inv-${randomUUID()}`, complaintId: done!.complaintId, actor: zunyi, outcome: 'untrue', findings: '不属实' });
    const audited = auditedActs(input.noticeId).length;
    const ids = rest.map((f) => f.complaintId);
    const base = { reason: '匿名，内容与本次公示无关', actor: zunyi };
    const attempt = (over: Partial<DismissalRequest>) => dismiss(handle, { decisionId: `x-${randomUUID()}`, complaintIds: ids, ...base, ...over });

    // Refused as a whole, before anything is recorded.
    expect((await refused(attempt({ actor: guiyang }), RefusalType.forbidden)).code).toBe('wrongRegion');
    expect((await refused(attempt({ actor: province }), RefusalType.forbidden)).code).toBe('wrongRegion');
    expect(fieldsOf(await refused(attempt({ complaintIds: [ids[0]!, randomUUID()], reason: ' ' }), RefusalType.invalid))).toEqual(['complaintIds.1', 'reason']);
    expect(fieldsOf(await refused(attempt({ complaintIds: [ids[0]!, ids[0]!] }), RefusalType.invalid))).toEqual(['complaintIds.1']);
    const concluded = await refused(attempt({ complaintIds: [...ids, done!.complaintId] }), RefusalType.conflict);
    expect(concluded).toMatchObject({ code: 'alreadyConcluded', problems: [{ field: 'complaintIds.3', code: 'alreadyConcluded' }] });
    expect(concluded.zh).toMatch(/^所选投诉举报中有1件已办结，本次未作任何处理：第4项（北京时间\d{4}年\d+月\d+日 \d{2}:\d{2}收到）已办结$/);
    expect(auditedActs(input.noticeId)).toHaveLength(audited);
    expect((await handle.query(noticeStateQuery)).complaints.filter((c) => c.status === 'open')).toHaveLength(3);

    const r: DismissalRequest = { decisionId: `dismiss-${randomUUID()}`, complaintIds: ids, ...base };
    const result = await dismiss(handle, r);
    expect(result.decisionId).toBe(r.decisionId);
    expect(result.complaints.map((c) => [c.complaintId, c.status, c.outcome])).toEqual(ids.map((id) => [id, 'closed', 'dismissed']));
    const acts = auditedActs(input.noticeId).slice(audited);
    expect(acts).toHaveLength(3);
    const at = acts[0]?.audit?.at ?? '';
    expect(acts).toEqual(rest.map(({ complaintId, taskId }) => {
      const actId = dismissalActId(r.decisionId, complaintId);
      return {
        audit: applied(subject, { decisionId: actId, action: 'dismissComplaint', actor: zunyi, reason: base.reason, payload: { noticeId: input.noticeId, complaintId, outcome: 'dismissed', dismissalId: r.decisionId, complaints: 3 } }, null, at),
        changes: [
          { kind: 'investigation', investigation: { complaintId, decisionId: actId, investigatedBy: zunyi.sub, at, outcome: 'dismissed', findings: base.reason } },
          closing([taskId], actId, at),
        ],
      };
    }));
    // The same request again (same Update id) is answered once; another naming one of them is refused.
    expect(await dismiss(handle, r)).toEqual(result);
    expect(auditedActs(input.noticeId)).toHaveLength(audited + 3);
    expect((await refused(attempt({ complaintIds: [ids[1]!] }), RefusalType.conflict)).code).toBe('alreadyConcluded');

    // Nothing open remains: the notice runs to its closing instant and ends clear, not stopped.
    const open = fake.notices.find((n) => n.value.id === input.noticeId)!.value;
    await advanceTo(open.closesAt);
    expect(await client.workflow.getHandle(input.noticeId).result()).toMatchObject({ outcome: 'clear', reason: null, complaints: 4 });
    expect(auditedActs(input.noticeId)).toHaveLength(audited + 3);
    expect(leftOpen(input.noticeId)).toEqual([]);
  });
});
