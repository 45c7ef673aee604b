// The first slice on the time-skipping server: days pass in milliseconds,
// with real activities against a real PostgreSQL and a real SMTP server.
// `npm run histories:record` (HISTORIES_EXPORT=1) writes the escalated run's
// history into test/histories/ for test/workflows/replay.test.ts.
import { randomUUID } from 'node:crypto';
import { WorkflowUpdateFailedError } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SmtpSink } from '../../infra/smtp-sink';
import { applicationWorkflow, type ApplicationInput } from '../../workflows/application';
import { applicationStateQuery, decideUpdate, RefusalType, type Actor, type ApplicationDecisionRequest } from '../../workflows/messages';
import { uncheckedApplicationDecision } from '../support/decisions';
import type { TestDatabase } from '../support/database';
import { exportHistory } from '../support/histories';
import { startHarness, type Harness } from '../support/harness';

const DAY = 24 * 3600_000;
const officer: Actor = { sub: 'officer-zunyi', role: 'prefectureOfficer', prefecture: '520300' };

let env: TestWorkflowEnvironment;
let database: TestDatabase;
let sink: SmtpSink;
let harness: Harness;
let taskQueue: string;

beforeAll(async () => {
  harness = await startHarness({ server: 'timeSkipping', name: 'slice' });
  ({ env, database, sink, taskQueue } = harness);
});

afterAll(() => harness?.stop());

function input(name: string, email: string): ApplicationInput {
  return {
    applicationId: randomUUID(),
    year: 2027,
    unit: { name, type: 'county', prefectures: ['520300'], terrain: 'mountain' },
    applicant: { name: `${name}人民政府`, contactEmail: email, sub: `applicant-${name}` },
    materials: [{ kind: 'applicationLetter', fileId: 'f1' }],
    submittedAt: new Date().toISOString(),
  };
}

async function start(i: ApplicationInput) {
  const handle = await env.client.workflow.start(applicationWorkflow, { taskQueue, workflowId: `application-${i.applicationId}`, args: [i] });
  // The task exists once the workflow reached its wait and wrote its row
  // (the query shows it a moment before the row is written).
  for (let n = 0; n < 200; n++) {
    const state = await handle.query(applicationStateQuery);
    if (state.openTask && (await database.db.task.findUnique({ where: { id: state.openTask.taskId } }))) return handle;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error('the workflow never opened its task');
}

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

const decide = (request: ApplicationDecisionRequest) => ({ updateId: request.decisionId, args: [request] as [ApplicationDecisionRequest] });

describe('application slice: submission and prefecture pre-review', () => {
  it('records the application, opens a task with a due date, mails, and applies the decision once', async () => {
    const i = input('赤水市', 'gov@chishui.example');
    const handle = await start(i);

    const app = await database.db.application.findUniqueOrThrow({ where: { id: i.applicationId } });
    expect(app.stage).toBe('prefectureReview');
    const task = await database.db.task.findFirstOrThrow({ where: { applicationId: i.applicationId } });
    expect(task).toMatchObject({ step: 'prefectureReview', role: 'prefectureOfficer', prefecture: '520300', status: 'open', escalationLevel: 0 });
    // Ten working days: more than eleven calendar days, closing at 24:00 CST (16:00 UTC).
    expect(task.dueAt.getTime() - Date.parse(app.submittedAt.toISOString())).toBeGreaterThanOrEqual(11 * DAY);
    expect(task.dueAt.toISOString()).toMatch(/T16:00:00\.000Z$/);

    await sink.waitFor((m) => m.some((x) => x.to.includes('gov@chishui.example') && x.subject.includes('已受理')));
    await sink.waitFor((m) => m.some((x) => x.to.includes('lsjd-520300@sthj.guizhou.example') && x.subject.includes('【待办】赤水市')));

    const request: ApplicationDecisionRequest = { decisionId: `d-${randomUUID()}`, action: 'prefectureAccept', actor: officer, reason: '材料齐全' };
    const first = await handle.executeUpdate(decideUpdate, decide(request));
    const again = await handle.executeUpdate(decideUpdate, decide(request));
    expect(first).toEqual({ decisionId: request.decisionId, action: 'prefectureAccept', stage: 'prefectureNotice' });
    expect(again).toEqual(first);
    expect((await handle.query(applicationStateQuery)).stage).toBe('prefectureNotice');

    // The submission's own entry, then the decision's, once.
    const decisions = await database.db.decision.findMany({ where: { subjectId: i.applicationId }, orderBy: { seq: 'asc' } });
    expect(decisions.map((d) => d.action)).toEqual(['submit', 'prefectureAccept']);
    expect(decisions[0]).toMatchObject({ decisionId: `submit.${i.applicationId}`, actorSub: i.applicant.sub, actorRole: 'applicant', outcome: 'applied', resultStage: 'prefectureReview' });
    expect(decisions[1]).toMatchObject({ action: 'prefectureAccept', actorSub: 'officer-zunyi', actorRole: 'prefectureOfficer', outcome: 'applied', resultStage: 'prefectureNotice' });
    expect((await database.db.task.findUniqueOrThrow({ where: { id: task.id } })).status).toBe('done');
    expect((await database.db.application.findUniqueOrThrow({ where: { id: i.applicationId } })).stage).toBe('prefectureNotice');
    await sink.waitFor((m) => m.some((x) => x.to.includes('gov@chishui.example') && x.subject.includes('预审通过')));
    // One mail per key: the decision mail was sent once although the update ran twice.
    expect(sink.messages().filter((x) => x.subject.includes('赤水市：预审通过'))).toHaveLength(1);
    // The next step waits for the prefecture to publish its notice.
    await sink.waitFor((m) => m.some((x) => x.subject.startsWith('【待办】赤水市：发布市（州）公示，')));
    expect(await database.db.task.findFirst({ where: { applicationId: i.applicationId, status: 'open' } })).toMatchObject({ step: 'prefectureNotice.open' });
    await handle.executeUpdate(decideUpdate, decide({ decisionId: 'end-1', action: 'withdraw', actor: { sub: i.applicant.sub, role: 'applicant', prefecture: '520300' } }));
    expect((await handle.result()).stage).toBe('withdrawn');
    expect(await database.db.task.count({ where: { applicationId: i.applicationId, status: 'open' } })).toBe(0);
  });

  it('refuses wrong role, wrong prefecture and a rejection without reason before anything is recorded', async () => {
    const i = input('习水县', 'gov@xishui.example');
    const handle = await start(i);
    const province: Actor = { sub: 'p1', role: 'provinceOfficer' };
    const guiyang: Actor = { sub: 'g1', role: 'prefectureOfficer', prefecture: '520100' };

    expect((await refusal(handle.executeUpdate(decideUpdate, decide({ decisionId: 'r-role-1', action: 'prefectureAccept', actor: province })))).type).toBe(RefusalType.forbidden);
    expect((await refusal(handle.executeUpdate(decideUpdate, decide({ decisionId: 'r-region-1', action: 'prefectureAccept', actor: guiyang })))).type).toBe(RefusalType.forbidden);
    expect((await refusal(handle.executeUpdate(decideUpdate, decide({ decisionId: 'r-reason-1', action: 'prefectureReject', actor: officer })))).type).toBe(RefusalType.invalid);
    expect((await refusal(handle.executeUpdate(decideUpdate, decide({ decisionId: 'r-stage-1', action: 'openNotice', actor: officer, payload: { workingDays: 5 } })))).type).toBe(RefusalType.conflict);
    expect((await refusal(handle.executeUpdate(decideUpdate, decide(uncheckedApplicationDecision({ decisionId: 'r-unknown-1', action: 'approveEverything', actor: officer }))))).type).toBe(RefusalType.invalid);
    const wrongApplicant: Actor = { sub: 'someone-else', role: 'applicant', prefecture: '520300' };
    expect((await refusal(handle.executeUpdate(decideUpdate, decide({ decisionId: 'r-owner-1', action: 'withdraw', actor: wrongApplicant })))).type).toBe(RefusalType.forbidden);
    // Nothing but the submission's own entry.
    expect((await database.db.decision.findMany({ where: { subjectId: i.applicationId } })).map((d) => d.action)).toEqual(['submit']);

    const rejected = await handle.executeUpdate(decideUpdate, decide({ decisionId: 'r-ok-1', action: 'prefectureReject', actor: officer, reason: '实施方案未经县级政府印发' }));
    expect(rejected.stage).toBe('rejected');
    expect(await handle.result()).toMatchObject({ stage: 'rejected', endReason: '实施方案未经县级政府印发', namedOn: null });
  });

  it('lets the applicant withdraw during the pre-review, closing the task', async () => {
    const i = input('桐梓县', 'gov@tongzi.example');
    const handle = await start(i);
    const applicant: Actor = { sub: i.applicant.sub, role: 'applicant', prefecture: '520300' };
    const result = await handle.executeUpdate(decideUpdate, decide({ decisionId: 'w-1', action: 'withdraw', actor: applicant, reason: '材料需进一步完善' }));
    expect(result.stage).toBe('withdrawn');
    expect(await handle.result()).toMatchObject({ stage: 'withdrawn', endReason: '材料需进一步完善' });
    expect((await database.db.task.findFirstOrThrow({ where: { applicationId: i.applicationId } })).status).toBe('done');
  });

  it('reminds before the due date, escalates to the province after it, and keeps waiting', async () => {
    const i = input('仁怀市', 'gov@renhuai.example');
    const handle = await start(i);
    const task = await database.db.task.findFirstOrThrow({ where: { applicationId: i.applicationId } });

    // Past the first due date: a reminder, then escalation to level 1.
    await env.sleep(task.dueAt.getTime() - (await env.currentTimeMs()) + DAY);
    await sink.waitFor((m) => m.some((x) => x.subject.includes('【催办提醒】仁怀市')));
    await sink.waitFor((m) => m.some((x) => x.subject.includes('【逾期督办】仁怀市') && x.to.includes('lsjd@sthj.guizhou.example')));
    const escalated = await database.db.task.findUniqueOrThrow({ where: { id: task.id } });
    expect(escalated.escalationLevel).toBe(1);
    expect(escalated.status).toBe('open');
    expect(escalated.dueAt.getTime()).toBeGreaterThan(task.dueAt.getTime());
    expect((await handle.query(applicationStateQuery)).openTask?.escalationLevel).toBe(1);

    // Still waiting: the decision is taken late and applies.
    const result = await handle.executeUpdate(decideUpdate, decide({ decisionId: 'late-1', action: 'prefectureAccept', actor: officer }));
    expect(result.stage).toBe('prefectureNotice');
    expect(sink.messages().filter((x) => x.subject.includes('【逾期督办】仁怀市'))).toHaveLength(1);
    // Ended through the workflow (not terminate()), so its history is complete.
    await handle.executeUpdate(decideUpdate, decide({ decisionId: 'end-late-1', action: 'withdraw', actor: { sub: i.applicant.sub, role: 'applicant', prefecture: '520300' } }));
    expect((await handle.result()).stage).toBe('withdrawn');
    await exportHistory('application-escalated', handle);
  });
});
