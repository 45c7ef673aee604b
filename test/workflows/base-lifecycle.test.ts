// A named base over ten years on the time-skipping server, with real
// activities (PostgreSQL, SMTP): three terms with two renewals, a summary
// every year (one late, escalated), a post-evaluation that requires a
// rectification which is completed, expiry of the third term; and a second
// base revoked on ground 6 after a rectification not completed in time.
// `npm run histories:record` (HISTORIES_EXPORT=1) writes the runs' histories
// into test/histories/ for test/workflows/replay.test.ts.
import { randomUUID } from 'node:crypto';
import type { WorkflowHandle } from '@temporalio/client';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { graveRecords } from '../support/grave-acts';
import { cstDateOf, cstTimeOnDate, endOfCstDayMs, startOfCstDayMs } from '../../domain/dates';
import { annualSummaryDue, postEvaluationSchedule, type TitleTerm } from '../../domain/deadlines';
import type { SmtpSink } from '../../infra/smtp-sink';
import { baseWorkflow } from '../../workflows/base';
import { baseStateQuery, reportRectificationUpdate, submitSummaryUpdate, type BaseInput } from '../../workflows/base-messages';
import { decideBaseUpdate, type Actor } from '../../workflows/messages';
import { uncheckedBaseDecision } from '../support/decisions';
import { rectificationWorkflowId } from '../../workflows/rectification-messages';
import type { TestDatabase } from '../support/database';
import { exportHistory } from '../support/histories';
import { startHarness, type Harness } from '../support/harness';
import { eventually } from '../support/eventually';

const HOUR = 3600_000;
const DAY = 24 * HOUR;
let env: TestWorkflowEnvironment;
let database: TestDatabase;
let sink: SmtpSink;
let harness: Harness;
let taskQueue: string;

const province: Actor = { sub: 'province-officer', role: 'provinceOfficer' };

beforeAll(async () => {
  harness = await startHarness({ server: 'timeSkipping', name: 'base' });
  ({ env, database, sink, taskQueue } = harness);
});

afterAll(() => harness?.stop());

type Handle = WorkflowHandle<typeof baseWorkflow>;

function baseInput(name: string, namedOn: string): BaseInput {
  return {
    baseId: randomUUID(),
    unit: { name, type: 'county', prefectures: ['520300'] },
    applicant: { name: `${name}人民政府`, contactEmail: `base-${name.length}-${randomUUID().slice(0, 8)}@unit.example`, sub: `applicant-${name}` },
    namedOn,
  };
}

let counter = 0;
async function decide(handle: Handle, action: string, payload: Record<string, unknown> = {}, reason?: string) {
  const request = uncheckedBaseDecision({ decisionId: `b-${++counter}-${randomUUID()}`, action, actor: province, payload, ...(reason ? { reason } : {}) });
  return handle.executeUpdate(decideBaseUpdate, { updateId: request.decisionId, args: [request] });
}

/** Moves the server's clock to `atMs` (absolute), letting every timer before it fire. */
async function until(atMs: number): Promise<void> {
  const ms = atMs - (await env.currentTimeMs());
  if (ms > 0) await env.sleep(ms);
}

const state = (handle: Handle) => handle.query(baseStateQuery);

/** A version of a year's summary under its own id (the Update's and the audit entry's). */
async function submitSummary(handle: Handle, input: BaseInput, year: number, submissionId = `summary-${year}-${randomUUID()}`, summary = `${year}年度工作总结`) {
  return handle.executeUpdate(submitSummaryUpdate, {
    updateId: submissionId,
    args: [{ submissionId, year, fileId: `file-${year}`, summary, actor: { sub: input.applicant.sub, role: 'applicant', prefecture: '520300' } }],
  });
}

const mailsTo = (email: string, text: string) => sink.messages().filter((m) => m.to.includes(email) && m.subject.includes(text));

/** Every run of a workflow, first to last, with its history. */
type History = Awaited<ReturnType<Handle['fetchHistory']>>;
async function runHistories(workflowId: string, firstRunId: string) {
  const runs: Array<{ runId: string; events: number; history: History }> = [];
  let runId: string | undefined = firstRunId;
  while (runId) {
    const history: History = await env.client.workflow.getHandle(workflowId, runId).fetchHistory();
    const events = history.events ?? [];
    runs.push({ runId, events: events.length, history });
    if (process.env.HISTORY_DEBUG) {
      const counts: Record<string, number> = {};
      for (const e of events) counts[String(e.eventType)] = (counts[String(e.eventType)] ?? 0) + 1;
      console.info(runId, JSON.stringify(counts));
    }
    runId = events.at(-1)?.workflowExecutionContinuedAsNewEventAttributes?.newExecutionRunId ?? undefined;
  }
  return runs;
}

/** Evaluation opens; the province concludes it (pass and renew, unless told otherwise). */
async function atEvaluation(handle: Handle, term: TitleTerm): Promise<void> {
  await until(Date.parse(postEvaluationSchedule(term).opensAt) + HOUR);
  expect((await state(handle)).postEvaluationOpen).toBe(true);
}

describe('base lifecycle', () => {
  it('runs a base through ten years: three terms, two renewals, a summary every year (one late), a rectification completed, expiry', async () => {
    const namedOn = cstDateOf(await env.currentTimeMs());
    const input = baseInput('赤水市', namedOn);
    const email = input.applicant.contactEmail;
    const handle = await env.client.workflow.start(baseWorkflow, { taskQueue, workflowId: `base-${input.baseId}`, args: [input] });
    const firstRunId = handle.firstExecutionRunId;
    const firstYear = Number(namedOn.slice(0, 4));
    const lateYear = firstYear + 1;
    const terms: TitleTerm[] = [];

    /** Jan of year+1: the summary of `year`, on time after both reminders, or late (escalated). */
    async function summaryOf(year: number): Promise<void> {
      const due = annualSummaryDue(year);
      if (year === firstYear) {
        // The 30-day reminder arrives on 1 January, 09:00 CST, not before.
        await until(Date.parse(cstTimeOnDate(`${year + 1}-01-01`, 8, 59)));
        expect(mailsTo(email, `${year}年度工作总结`)).toHaveLength(0);
        await until(Date.parse(cstTimeOnDate(`${year + 1}-01-01`, 9, 1)));
        await sink.waitFor(() => mailsTo(email, `${year}年度工作总结`).length === 1);
      }
      if (year === lateYear) {
        await until(Date.parse(due.dueAt) + 3 * DAY);
        const task = await database.db.task.findUnique({ where: { id: `${handle.workflowId}:annualSummary.${year}` } });
        expect(task).toMatchObject({ status: 'open', role: 'prefectureOfficer', prefecture: '520300' });
        expect(await submitSummary(handle, input, year)).toEqual({ year, late: true, version: 1 });
        const closed = await database.db.task.findUnique({ where: { id: `${handle.workflowId}:annualSummary.${year}` } });
        expect(closed?.status).toBe('done');
        // The first year's summary was corrected on time; after its due date it is not any more (Art. 18).
        await expect(submitSummary(handle, input, firstYear, `late-fix-${randomUUID()}`, '逾期更正')).rejects.toMatchObject({ cause: { message: expect.stringContaining(`${firstYear}年度工作总结已提交，更正截止于`) } });
      } else {
        await until(startOfCstDayMs(`${year + 1}-01-25`) + 10 * HOUR);
        expect(await submitSummary(handle, input, year)).toEqual({ year, late: false, version: 1 });
        if (year === firstYear) {
          // A correction before 31 January 24:00 CST: the year's version 2, every version kept; retried, recorded once.
          const correction = `correction-${randomUUID()}`;
          expect(await submitSummary(handle, input, year, correction, `${year}年度工作总结（更正）`)).toEqual({ year, late: false, version: 2 });
          expect(await submitSummary(handle, input, year, correction, `${year}年度工作总结（更正）`)).toEqual({ year, late: false, version: 2 });
          const versions = await database.db.baseSummary.findMany({ where: { baseId: input.baseId, year }, orderBy: { version: 'asc' } });
          expect(versions.map((v) => [v.version, v.summary, v.late])).toEqual([[1, `${year}年度工作总结`, false], [2, `${year}年度工作总结（更正）`, false]]);
          expect(versions[1]?.submissionId).toBe(correction);
          expect(await database.db.decision.count({ where: { decisionId: correction, outcome: 'applied', action: 'submitSummary' } })).toBe(1);
        }
      }
      // Both reminders, once each: 30 and 7 days before 31 January.
      await sink.waitFor(() => mailsTo(email, `${year}年度工作总结（第十八条）还有7天`).length >= 1);
      expect(mailsTo(email, `${year}年度工作总结（第十八条）还有30天`)).toHaveLength(1);
      expect(mailsTo(email, `${year}年度工作总结（第十八条）还有7天`)).toHaveLength(1);
    }

    let s = await state(handle);
    terms.push(s.term);
    let year = firstYear;
    for (let termIndex = 0; termIndex < 3; termIndex++) {
      const term = (await state(handle)).term;
      const evaluationAt = Date.parse(postEvaluationSchedule(term).opensAt);
      // Summaries of every year ending before the evaluation opens.
      while (startOfCstDayMs(`${year + 1}-01-25`) + 10 * HOUR < evaluationAt) {
        await summaryOf(year);
        year += 1;
      }
      // The indicator data reminder arrives before the evaluation opens.
      await atEvaluation(handle, term);
      await sink.waitFor(() => mailsTo(email, '指标数据').length === termIndex + 1);
      if (termIndex === 0) {
        expect((await decide(handle, 'concludeEvaluation', { outcome: 'rectify' }, '生态产品价值实现机制不完善')).stage).toBe('named');
        const deadline = cstDateOf(Date.parse(postEvaluationSchedule(term).opensAt) + 40 * DAY);
        expect((await decide(handle, 'requireRectification', { requirements: ['完善生态产品价值实现机制'], deadline })).stage).toBe('underRectification');
        // Reminders 7 days and 1 day before the deadline.
        await until(endOfCstDayMs(deadline) - 2 * DAY);
        await sink.waitFor(() => mailsTo(email, '整改（第二十三条）还有7天').length === 1);
        expect(mailsTo(email, '整改（第二十三条）还有1天')).toHaveLength(0);
        // The report opens the province's verification task in the rectification's own workflow.
        const rectification = env.client.workflow.getHandle(rectificationWorkflowId(input.baseId, 1));
        const verifyTask = `${rectification.workflowId}:rectification-1.verify`;
        await handle.executeUpdate(reportRectificationUpdate, { updateId: 'report-1', args: [{ reportId: 'report-1', report: '已完成整改', actor: { sub: input.applicant.sub, role: 'applicant' } }] });
        await eventually(() => database.db.task.findUnique({ where: { id: verifyTask } }), (t) => t?.status === 'open');
        expect((await decide(handle, 'verifyRectification', { completed: true })).stage).toBe('named');
        expect(await rectification.result()).toEqual({ outcome: 'completed', verificationTask: verifyTask });
        await exportHistory('rectification-completed', rectification);
        expect((await database.db.task.findUnique({ where: { id: verifyTask } }))?.status).toBe('done');
        // No reminder after the report: the 1-day reminder's timer was cancelled.
        await until(endOfCstDayMs(deadline) + HOUR);
        expect(mailsTo(email, '整改（第二十三条）还有1天')).toHaveLength(0);
        expect((await decide(handle, 'concludeEvaluation', { outcome: 'pass' })).stage).toBe('named');
      } else if (termIndex === 1) {
        expect((await decide(handle, 'concludeEvaluation', { outcome: 'pass' })).stage).toBe('renewed');
      }
      if (termIndex < 2) {
        const renewed = await decide(handle, 'renew');
        expect(renewed.stage).toBe('renewed');
        s = await state(handle);
        expect(s.termNo).toBe(termIndex + 2);
        expect(s.term.namedOn).toBe(cstDateOf(endOfCstDayMs(term.endsOn)));
        terms.push(s.term);
      }
    }
    // The third term is not renewed: the title lapses at its end.
    const last = terms[2]!;
    while (startOfCstDayMs(`${year + 1}-01-25`) + 10 * HOUR < Date.parse(last.expiresAt)) {
      await summaryOf(year);
      year += 1;
    }
    const outcome = await handle.result();
    expect(outcome).toMatchObject({ status: 'expired', termNo: 3, termEndsOn: last.endsOn });
    const row = await database.db.base.findUnique({ where: { id: input.baseId }, include: { summaries: true } });
    expect(row).toMatchObject({ status: 'expired', termNo: 3, namedOn, termEndsOn: last.endsOn });
    expect(row?.summaries.filter((x) => x.version === 1).map((x) => x.year).sort()).toEqual(Array.from({ length: year - firstYear }, (_, i) => firstYear + i));
    expect(row?.summaries.filter((x) => x.version > 1).map((x) => [x.year, x.version])).toEqual([[firstYear, 2]]);
    expect(row?.summaries.filter((x) => x.late).map((x) => x.year)).toEqual([lateYear]);
    expect(Number(last.endsOn.slice(0, 4)) - firstYear).toBe(9);

    // One run per calendar year; each bounded.
    const runs = await runHistories(handle.workflowId, firstRunId);
    console.info(`base ${input.unit.name}: ${runs.length} runs, events per run ${runs.map((r) => r.events).join(', ')}`);
    expect(runs.length).toBe(10);
    for (const r of runs) expect(r.events).toBeLessThan(400);
    await exportHistory('base-named', { workflowId: handle.workflowId, history: runs[0]!.history });
    await exportHistory('base-summaries', { workflowId: handle.workflowId, history: runs[1]!.history });
    await exportHistory('base-evaluation-rectification', { workflowId: handle.workflowId, history: runs[3]!.history });
    await exportHistory('base-renewed', { workflowId: handle.workflowId, history: runs[4]!.history });
    await exportHistory('base-expired', { workflowId: handle.workflowId, history: runs.at(-1)!.history });
  });

  it('revokes a base on ground 6 after a rectification not completed in time', async () => {
    const namedOn = cstDateOf(await env.currentTimeMs());
    const input = baseInput('务川县', namedOn);
    const handle = await env.client.workflow.start(baseWorkflow, { taskQueue, workflowId: `base-${input.baseId}`, args: [input] });
    const firstRunId = handle.firstExecutionRunId;
    const term = (await state(handle)).term;
    // Ground 6 is not available before a rectification has failed.
    await expect(decide(handle, 'revoke', { ground: 6, ...graveRecords(6) }, '未完成整改')).rejects.toThrow();
    await atEvaluation(handle, term);
    await decide(handle, 'concludeEvaluation', { outcome: 'rectify' }, '指标未达标');
    const deadline = cstDateOf(Date.parse(postEvaluationSchedule(term).opensAt) + 30 * DAY);
    await decide(handle, 'requireRectification', { requirements: '整改生态环境质量下降问题', deadline });
    // The deadline passes without a report: a task for the province.
    await until(endOfCstDayMs(deadline) + HOUR);
    const rectification = env.client.workflow.getHandle(rectificationWorkflowId(input.baseId, 1));
    const taskId = `${rectification.workflowId}:rectification-1.verify`;
    for (let n = 0; n < 100 && !(await database.db.task.findUnique({ where: { id: taskId } })); n++) await new Promise((r) => setTimeout(r, 50));
    expect(await database.db.task.findUnique({ where: { id: taskId } })).toMatchObject({ status: 'open', role: 'provinceOfficer' });
    expect((await decide(handle, 'verifyRectification', { completed: false }, '逾期未完成整改')).stage).toBe('underRectification');
    expect((await decide(handle, 'revoke', { ground: 6, ...graveRecords(6) }, '后评估要求整改，但未能有效完成')).stage).toBe('revoked');
    expect(await handle.result()).toMatchObject({ status: 'revoked' });
    expect(await rectification.result()).toEqual({ outcome: 'notCompleted', verificationTask: taskId });
    await exportHistory('rectification-not-completed', rectification);
    expect(await database.db.base.findUnique({ where: { id: input.baseId } })).toMatchObject({ status: 'revoked', endReason: '后评估要求整改，但未能有效完成' });
    expect((await database.db.task.findUnique({ where: { id: taskId } }))?.status).toBe('done');
    const runs = await runHistories(handle.workflowId, firstRunId);
    console.info(`base ${input.unit.name}: ${runs.length} runs, events per run ${runs.map((r) => r.events).join(', ')}`);
    for (const r of runs) expect(r.events).toBeLessThan(400);
    await exportHistory('base-revoked', { workflowId: handle.workflowId, history: runs.at(-1)!.history });
  });
});
