// Every path of the application lifecycle on the time-skipping server, with
// real activities (PostgreSQL, SMTP) and the notices as child workflows.
// `npm run histories:record` (HISTORIES_EXPORT=1) writes one history per
// scenario into test/histories/ for test/workflows/replay.test.ts.
import { randomUUID } from 'node:crypto';
import type { WorkflowHandle } from '@temporalio/client';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { graveRecords } from '../support/grave-acts';
import type { SmtpSink } from '../../infra/smtp-sink';
import { applicationWorkflow, type ApplicationInput } from '../../workflows/application';
import { applicationStateQuery, decideUpdate, type Actor, type ApplicationDecisionRequest } from '../../workflows/messages';
import { uncheckedApplicationDecision } from '../support/decisions';
import { fileComplaintUpdate, investigateUpdate } from '../../workflows/notice-messages';
import type { TestDatabase } from '../support/database';
import { exportHistory } from '../support/histories';
import { startHarness, type Harness } from '../support/harness';

const DAY = 24 * 3600_000;
let env: TestWorkflowEnvironment;
let database: TestDatabase;
let sink: SmtpSink;
let harness: Harness;
let taskQueue: string;

const zunyi: Actor = { sub: 'zunyi-officer', role: 'prefectureOfficer', prefecture: '520300' };
const bijie: Actor = { sub: 'bijie-officer', role: 'prefectureOfficer', prefecture: '520500' };
const province: Actor = { sub: 'province-officer', role: 'provinceOfficer' };
const scores = { '1': 90, '2': 85, '3': 88, '4': 80, '5': 75, '6': 82, '7': 70 };
let expertA: string;
let expertB: string;

beforeAll(async () => {
  harness = await startHarness({ server: 'timeSkipping', name: 'lifecycle' });
  ({ env, database, sink, taskQueue } = harness);
  expertA = (await database.db.expert.create({ data: { name: '王专家', email: 'wang@experts.example', region: '520100' } })).id;
  expertB = (await database.db.expert.create({ data: { name: '李专家', email: 'li@experts.example', region: '522600' } })).id;
});

afterAll(() => harness?.stop());

function input(name: string, prefectures = ['520300']): ApplicationInput {
  return {
    applicationId: randomUUID(),
    year: 2027,
    unit: { name, type: prefectures.length > 1 ? 'watershed' : 'county', prefectures, terrain: 'mountain' },
    applicant: { name: `${name}人民政府`, contactEmail: `gov-${prefectures.join('')}-${name.length}@unit.example`, sub: `applicant-${name}` },
    materials: [],
    submittedAt: new Date().toISOString(),
  };
}

let counter = 0;
type Handle = WorkflowHandle<typeof applicationWorkflow>;
async function decide(handle: Handle, action: string, actor: Actor, payload: Record<string, unknown> = {}, reason?: string) {
  const request = uncheckedApplicationDecision({ decisionId: `d-${++counter}-${randomUUID()}`, action, actor, payload, ...(reason ? { reason } : {}) });
  return handle.executeUpdate(decideUpdate, { updateId: request.decisionId, args: [request] });
}

/** Lets workflow time pass (notices, timers) until the stage is reached. */
async function untilStage(handle: Handle, stage: string, stepMs = DAY, maxSteps = 40): Promise<void> {
  for (let n = 0; n < maxSteps; n++) {
    if ((await handle.query(applicationStateQuery)).stage === stage) return;
    await env.sleep(stepMs);
  }
  throw new Error(`stage ${stage} not reached; now ${(await handle.query(applicationStateQuery)).stage}`);
}

/**
 * Ends a run the way an applicant would. Terminating a run while its mail
 * activity is in flight leaves the time-skipping server's clock locked for
 * the next test, so tests end their runs through the workflow itself.
 */
async function withdraw(handle: Handle, sub: string): Promise<void> {
  await decide(handle, 'withdraw', { sub, role: 'applicant', prefecture: '520300' }, {}, '测试结束');
  await handle.result();
}

async function start(i: ApplicationInput): Promise<Handle> {
  return env.client.workflow.start(applicationWorkflow, { taskQueue, workflowId: `application-${i.applicationId}`, args: [i] });
}

async function untilTaskOpen(handle: Handle, key: string): Promise<void> {
  const id = `${handle.workflowId}:${key}`;
  for (let n = 0; n < 100; n++) {
    if (await database.db.task.findFirst({ where: { id, status: 'open' } })) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`task ${id} not open`);
}

/** From the province's expert assignment to the selection. */
async function provinceReview(handle: Handle) {
  await decide(handle, 'assignExperts', province, { expertIds: [expertA, expertB] });
  // Experts act on their task (mail and task list), as they would.
  for (const sub of [expertA, expertB]) {
    await untilTaskOpen(handle, `expertReview.${sub}`);
  }
  const expert = (sub: string): Actor => ({ sub, role: 'expert' });
  await decide(handle, 'reviewOpinion', expert(expertA), { criteria: scores, onSite: true, opinion: '基础扎实' });
  expect((await handle.query(applicationStateQuery)).stage).toBe('expertReview');
  const last = await decide(handle, 'reviewOpinion', expert(expertB), { criteria: scores, onSite: false, opinion: '同意' });
  expect(last.stage).toBe('reviewConclusion');
  expect((await decide(handle, 'concludeReview', province, { passed: true })).stage).toBe('selection');
}

describe('application lifecycle', () => {
  it('walks the happy path from submission to naming with a 3-year title', async () => {
    const i = input('赤水市');
    const handle = await start(i);
    await untilStage(handle, 'prefectureReview', 1000, 5);
    await decide(handle, 'prefectureAccept', zunyi);
    await decide(handle, 'openNotice', zunyi, { workingDays: 5 });
    await untilStage(handle, 'prefectureRecommendation');
    expect((await decide(handle, 'recommend', zunyi, { governmentConsent: true, opinion: '同意推荐' })).stage).toBe('expertAssignment');
    await provinceReview(handle);
    expect((await decide(handle, 'select', province)).stage).toBe('provinceNotice');
    await decide(handle, 'openNotice', province, { workingDays: 7 });
    await untilStage(handle, 'naming');
    const named = await decide(handle, 'name', province, graveRecords());
    expect(named.stage).toBe('named');
    const outcome = await handle.result();
    expect(outcome.stage).toBe('named');
    expect(outcome.namedOn).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    // Valid through the day before the third anniversary (docs/RULES.md "Title term").
    const [y, m, d] = outcome.namedOn!.split('-').map(Number) as [number, number, number];
    const end = new Date(Date.UTC(y + 3, m - 1, d) - DAY).toISOString().slice(0, 10);
    expect(outcome.titleEndsOn).toBe(end);

    const app = await database.db.application.findUniqueOrThrow({ where: { id: i.applicationId }, include: { notices: true, expertReviews: true } });
    expect(app).toMatchObject({ stage: 'named', namedOn: outcome.namedOn, titleEndsOn: end });
    expect(app.notices.map((n) => [n.level, n.status, n.outcome]).sort()).toEqual([['prefecture', 'closed', 'clear'], ['province', 'closed', 'clear']]);
    expect(app.expertReviews.every((r) => r.submittedAt !== null)).toBe(true);
    expect((await database.db.task.findMany({ where: { applicationId: i.applicationId, status: 'open' } })).map((t) => t.id)).toEqual([]);
    const actions = (await database.db.decision.findMany({ where: { subjectId: i.applicationId }, orderBy: { seq: 'asc' } })).map((x) => x.action);
    expect(actions).toEqual(['submit', 'prefectureAccept', 'openNotice', 'noticeClear', 'recommend', 'assignExperts', 'reviewOpinion', 'reviewOpinion', 'concludeReview', 'select', 'openNotice', 'noticeClear', 'name']);
    await sink.waitFor((mails) => mails.some((x) => x.subject.includes('赤水市：命名授牌')));
    await sink.waitFor((mails) => mails.some((x) => x.to.includes('wang@experts.example')));
    await exportHistory('application-named', handle);
  });

  it('takes a cross-prefecture unit straight to the province', async () => {
    const handle = await start(input('赤水河流域', ['520300', '520500']));
    await untilStage(handle, 'expertAssignment', 1000, 5);
    await provinceReview(handle);
    expect((await decide(handle, 'provinceReject', province, {}, '名额有限，列入培育')).stage).toBe('rejected');
    expect(await handle.result()).toMatchObject({ stage: 'rejected', endReason: '名额有限，列入培育' });
    await exportHistory('application-cross-prefecture', handle);
  });

  it('takes a cross-prefecture unit through the prefecture it chose (Art. 11): 遵义 pre-reviews, notices and recommends, 毕节 may not', async () => {
    const i: ApplicationInput = { ...input('赤水河上游流域', ['520300', '520500']), submitVia: '520300' };
    const handle = await start(i);
    await untilStage(handle, 'prefectureReview', 1000, 5);
    await expect(decide(handle, 'prefectureAccept', bijie)).rejects.toMatchObject({ cause: { type: 'DecisionForbidden', message: expect.stringContaining('经遵义市申报') } });
    await decide(handle, 'prefectureAccept', zunyi);
    await decide(handle, 'openNotice', zunyi, { workingDays: 5 });
    await untilStage(handle, 'prefectureRecommendation');
    await expect(decide(handle, 'recommend', bijie, { governmentConsent: true, opinion: '同意推荐' })).rejects.toThrow();
    expect((await decide(handle, 'recommend', zunyi, { governmentConsent: true, opinion: '同意推荐' })).stage).toBe('expertAssignment');

    const app = await database.db.application.findUniqueOrThrow({ where: { id: i.applicationId }, include: { notices: true } });
    expect(app).toMatchObject({ submitVia: '520300', stage: 'expertAssignment' });
    expect(app.notices).toMatchObject([{ level: 'prefecture', prefecture: '520300', outcome: 'clear' }]);
    // The receipt names 遵义; the prefecture steps' tasks were 遵义's, and went to its mailbox, none to 毕节's.
    const tasks = await database.db.task.findMany({ where: { applicationId: i.applicationId, role: 'prefectureOfficer' } });
    expect(tasks.map((t) => [t.step, t.prefecture])).toContainEqual(['prefectureRecommendation', '520300']);
    expect(tasks.every((t) => t.prefecture === '520300')).toBe(true);
    const mails = await sink.waitFor((m) => m.some((x) => x.to.includes(i.applicant.contactEmail) && x.subject.includes('已受理')));
    expect(mails.find((x) => x.to.includes(i.applicant.contactEmail) && x.subject.includes('已受理'))?.text).toContain('现转遵义市生态环境主管部门预审');
    const ofUnit = mails.filter((x) => x.subject.includes('赤水河上游流域'));
    expect(ofUnit.filter((x) => x.to.includes('lsjd-520300@sthj.guizhou.example')).map((x) => x.subject.replace(/，.*前办理$/, ''))).toContain('【待办】赤水河上游流域：市（州）推荐');
    expect(ofUnit.filter((x) => x.to.includes('lsjd-520500@sthj.guizhou.example'))).toEqual([]);
    await withdraw(handle, i.applicant.sub);
    await exportHistory('application-cross-prefecture-via', handle);
  });

  it('ends with "rejected" at the prefecture pre-review, which needs a reason', async () => {
    const handle = await start(input('道真县'));
    await expect(decide(handle, 'prefectureReject', zunyi)).rejects.toThrow();
    expect((await decide(handle, 'prefectureReject', zunyi, {}, '不符合第七条第二项')).stage).toBe('rejected');
    expect(await handle.result()).toMatchObject({ stage: 'rejected', endReason: '不符合第七条第二项' });
    expect(await database.db.task.count({ where: { applicationId: handle.workflowId.replace('application-', ''), status: 'open' } })).toBe(0);
    await exportHistory('application-prefecture-rejected', handle);
  });

  it('ends with "rejected" when the province review does not pass', async () => {
    const handle = await start(input('乌当区', ['520100']));
    await decide(handle, 'prefectureAccept', { sub: 'gy', role: 'prefectureOfficer', prefecture: '520100' });
    await decide(handle, 'openNotice', { sub: 'gy', role: 'prefectureOfficer', prefecture: '520100' }, { workingDays: 5 });
    await untilStage(handle, 'prefectureRecommendation');
    await decide(handle, 'recommend', { sub: 'gy', role: 'prefectureOfficer', prefecture: '520100' }, { governmentConsent: true, opinion: '推荐' });
    await decide(handle, 'assignExperts', province, { expertIds: [expertB] });
    await decide(handle, 'reviewOpinion', { sub: expertB, role: 'expert' }, { criteria: scores, onSite: true, opinion: '方案可操作性不足' });
    expect((await decide(handle, 'concludeReview', province, { passed: false }, '实施方案可操作性不足')).stage).toBe('rejected');
    expect((await handle.result()).endReason).toBe('实施方案可操作性不足');
    await exportHistory('application-review-rejected', handle);
  });

  it('advances after a complaint found untrue, and stops on a substantiated one', async () => {
    const cleanInput = input('习水县');
    const clean = await start(cleanInput);
    const stopped = await start(input('桐梓县'));
    for (const h of [clean, stopped]) {
      await decide(h, 'prefectureAccept', zunyi);
      await decide(h, 'openNotice', zunyi, { workingDays: 5 });
    }
    await env.sleep(DAY);
    const complain = async (h: Handle) => {
      const noticeId = `${h.workflowId}:notice:prefecture`;
      const notice = env.client.workflow.getHandle(noticeId);
      const complaintId = randomUUID();
      await notice.executeUpdate(fileComplaintUpdate, { updateId: complaintId, args: [{ complaintId, complainant: { name: '张某', contact: '13800000000' }, content: '存在违规建设' }] });
      return { notice, complaintId };
    };
    const a = await complain(clean);
    const b = await complain(stopped);
    await env.sleep(10 * DAY);
    // Closed, but waiting for the investigations.
    expect((await clean.query(applicationStateQuery)).stage).toBe('prefectureNotice');
    await a.notice.executeUpdate(investigateUpdate, { updateId: 'inv-a', args: [{ decisionId: 'inv-a', complaintId: a.complaintId, actor: zunyi, outcome: 'untrue', findings: '经核查不属实' }] });
    await b.notice.executeUpdate(investigateUpdate, { updateId: 'inv-b', args: [{ decisionId: 'inv-b', complaintId: b.complaintId, actor: zunyi, outcome: 'substantiated', findings: '经核查属实：违规占用林地' }] });
    await untilStage(clean, 'prefectureRecommendation', 1000, 10);
    await untilStage(stopped, 'stopped', 1000, 10);
    expect(await stopped.result()).toMatchObject({ stage: 'stopped', endReason: '经核查属实：违规占用林地' });
    await withdraw(clean, cleanInput.applicant.sub);
    await exportHistory('application-complaint-cleared', clean);
    await exportHistory('application-complaint-stopped', stopped);
  });

  it('lets the applicant withdraw while a notice runs, which cancels the notice', async () => {
    const i = input('湄潭县');
    const handle = await start(i);
    await decide(handle, 'prefectureAccept', zunyi);
    await decide(handle, 'openNotice', zunyi, { workingDays: 5 });
    await env.sleep(DAY);
    const applicant: Actor = { sub: i.applicant.sub, role: 'applicant', prefecture: '520300' };
    expect((await decide(handle, 'withdraw', applicant, {}, '主动撤回')).stage).toBe('withdrawn');
    expect(await handle.result()).toMatchObject({ stage: 'withdrawn', endReason: '主动撤回' });
    const notice = env.client.workflow.getHandle(`${handle.workflowId}:notice:prefecture`);
    expect((await notice.describe()).status.name).toBe('CANCELLED');
    await exportHistory('application-withdrawn', handle);
    await exportHistory('notice-cancelled', notice);
  });

  it('refuses a decision of the wrong prefecture and applies a retried decision once', async () => {
    const i = input('正安县');
    const handle = await start(i);
    await expect(decide(handle, 'prefectureAccept', bijie)).rejects.toThrow();
    const request: ApplicationDecisionRequest = { decisionId: 'retry-1', action: 'prefectureAccept', actor: zunyi };
    const first = await handle.executeUpdate(decideUpdate, { updateId: 'retry-1', args: [request] });
    const second = await handle.executeUpdate(decideUpdate, { updateId: 'retry-1', args: [request] });
    expect(second).toEqual(first);
    expect(await database.db.decision.count({ where: { decisionId: 'retry-1' } })).toBe(1);
    await withdraw(handle, i.applicant.sub);
  });
});
