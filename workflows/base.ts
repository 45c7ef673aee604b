// A named base over the years (Art. 16-24, Art. 6), one workflow per base,
// id `base-<applicationId>`, started by the naming (workflows/application.ts).
// One run per China Standard Time calendar year: at each 1 January (or when
// Temporal suggests it) the run waits for its handlers and continues as new
// with only the JSON state of BaseCarry, so a base's history stays bounded
// however many years it holds the title.
//
// Within a run, watchers wait side by side: the last year's annual summary
// (Art. 18), the term's post-evaluation and expiry (Art. 16, 22), and the
// start of each rectification (Art. 23) as a child workflow
// (workflows/rectification.ts) that keeps its deadline. People's decisions are `decide`
// Updates checked by domain/transitions.ts (checkBaseDecision) before
// anything is recorded, exactly as for applications.
import {
  ApplicationFailure,
  allHandlersFinished,
  condition,
  continueAsNew,
  getExternalWorkflowHandle,
  ParentClosePolicy,
  patched,
  setHandler,
  startChild,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import { cstDateOf, endOfCstDayMs, formatCstDateZh, yearOf } from '../domain/dates';
import {
  annualSummaryDue,
  daysBetween,
  DEFAULT_STEP_WORKING_DAYS,
  postEvaluationSchedule,
  renewedTerm,
  titleTerm,
} from '../domain/deadlines';
import { baseStatusZh } from '../domain/names';
import { isTerminalStatus, stageZh, type BaseStatus } from '../domain/stages';
import type { ReadModelChange } from '../activities/record-act';
import { checkOwnBase, checkReportableYear } from '../domain/base-submissions';
import { payloadOf, type BasePayloads } from '../domain/decision-payloads';
import { automaticNext, checkBaseDecision, type BaseAction, type BaseFacts } from '../domain/transitions';
import { acts } from './activity-proxies';
import { awaitDecision, taskIdFor, type HumanStep, type OpenTask } from './await-decision';
import { appliedEntry, closeTasksChange, recordActLater, recordActNow } from './decision-writes';
import { MAILS_IN_DECISION_ORDER, mailQueue } from './mail-queue';
import { rectificationSummary, showWaiting } from './metadata';
import {
  baseStateQuery,
  reportRectificationUpdate,
  submitIndicatorDataUpdate,
  submitSummaryUpdate,
  type BaseCarry,
  type BaseInput,
  type BaseState,
} from './base-messages';
import { decideUpdate, RefusalType, type DecisionRequest, type DecisionResult } from './messages';
import type { rectificationWorkflow } from './rectification';
import {
  rectificationClosedSignal,
  rectificationReportedSignal,
  rectificationWorkflowId,
  type RectificationInput,
  type RectificationOutcome,
} from './rectification-messages';
import { sleepUntil } from './sleep-until';
import { LsBaseStatus, LsPrefecture } from './search-attributes';

export interface BaseOutcome {
  status: BaseStatus;
  endReason: string | null;
  termNo: number;
  termEndsOn: string;
}

/** How many applied decisions a run hands on for retries (the API also answers retries from the audit log). */
const APPLIED_KEPT = 50;

const nowIso = () => new Date(Date.now()).toISOString();
const cstYearNow = () => yearOf(cstDateOf(Date.now()));

function refuse(kind: keyof typeof RefusalType, message: string, details?: unknown): never {
  throw ApplicationFailure.create({ type: RefusalType[kind], message, nonRetryable: true, ...(details ? { details: [details] } : {}) });
}

function firstCarry(input: BaseInput): BaseCarry {
  return {
    status: 'named',
    term: titleTerm(input.namedOn),
    termNo: 1,
    statusBeforeRectification: null,
    lastEvaluationOutcome: null,
    evaluatedTermNo: null,
    postEvaluationHeld: false,
    rectificationFailed: false,
    rectification: null,
    summaries: [],
    nationalRecommended: false,
    endReason: null,
    applied: [],
    run: 1,
  };
}

export async function baseWorkflow(input: BaseInput): Promise<BaseOutcome> {
  const { workflowId } = workflowInfo();
  const s: BaseCarry = input.carry ?? firstCarry(input);
  const stepWorkingDays = input.stepWorkingDays ?? DEFAULT_STEP_WORKING_DAYS;
  const homePrefecture = input.unit.prefectures.length === 1 ? (input.unit.prefectures[0] ?? null) : null;
  const runYear = cstYearNow();
  /** This run ends at 24:00 CST on 31 December. */
  const runEndsAt = endOfCstDayMs(`${runYear}-12-31`);
  let over = false;
  const ended = () => isTerminalStatus(s.status);
  const openTasks = new Map<string, OpenTask>();
  const writingTasks = new Set<string>();
  const decisions: DecisionResult[] = [];
  const mails = mailQueue(patched(MAILS_IN_DECISION_ORDER));
  /** Rectification children started in this run, by workflow id: a signal waits for its start. */
  const childStarts = new Map<string, Promise<unknown>>();
  /** Signals to rectification children not awaited by the handler that sent them. */
  const signalling = new Set<Promise<void>>();
  const tellRectification = (workflowId: string, send: () => Promise<void>) => {
    const work = (async () => {
      await childStarts.get(workflowId);
      try {
        await send();
      } catch {
        // The child has already ended (a report after its verification): nothing to tell.
      }
    })();
    signalling.add(work);
    void work.finally(() => signalling.delete(work));
  };
  /**
   * The open rectification's child learns how it ended; the base's state
   * records that it was told. Called where the decision is taken, before any await.
   */
  const closeRectification = (outcome: RectificationOutcome, decisionId: string, current = s.rectification) => {
    if (!current?.workflowId || current.closed) return;
    if (s.rectification === current) s.rectification = { ...current, closed: true };
    const child = getExternalWorkflowHandle(current.workflowId);
    tellRectification(current.workflowId, () => child.signal(rectificationClosedSignal, { outcome, decisionId }));
  };
  const applicantMail = [{ email: input.applicant.contactEmail }];

  /** The Temporal UI's current details: the open tasks, or the status and term (workflows/metadata.ts). */
  const showState = () =>
    showWaiting(openTasks.values(), ended() ? `已结束：${baseStatusZh(s.status)}` : `${baseStatusZh(s.status)}，称号有效期至 ${formatCstDateZh(s.term.endsOn)}`);

  const postEvaluationOpen = () => Date.now() >= Date.parse(postEvaluationSchedule(s.term).opensAt);
  const facts = (): BaseFacts => ({
    status: s.status,
    prefectures: input.unit.prefectures,
    applicantSub: input.applicant.sub,
    statusBeforeRectification: s.statusBeforeRectification,
    postEvaluationOpen: postEvaluationOpen(),
    lastEvaluationOutcome: s.lastEvaluationOutcome,
    postEvaluationHeld: s.postEvaluationHeld,
    rectificationFailed: s.rectificationFailed,
  });
  const appliedResult = (decisionId: string) => s.applied.find((d) => d.decisionId === decisionId);

  function check(request: DecisionRequest): BaseStatus {
    const result = checkBaseDecision(
      facts(),
      { action: request.action, actor: request.actor, reason: request.reason ?? null, payload: request.payload ?? {} },
      { at: Date.now() },
    );
    if (!result.ok) refuse(result.refusal.kind, result.refusal.zh, result.refusal);
    return result.to;
  }

  /**
   * The Base row as this state shows it, as the next revision: the row keeps
   * the latest whichever write commits first (activities/record-act.ts).
   * Called once per change, before any await.
   */
  const statusChange = (): ReadModelChange => {
    s.revision = (s.revision ?? 0) + 1;
    return {
      kind: 'baseStatus',
      revision: s.revision,
      change: {
        baseId: input.baseId,
        status: s.status,
        termStartsOn: s.term.namedOn,
        termEndsOn: s.term.endsOn,
        termNo: s.termNo,
        endReason: s.endReason,
        nationalRecommended: s.nationalRecommended,
      },
    };
  };
  const baseSubject = { subjectType: 'base', subjectId: input.baseId, applicationId: null, workflowId } as const;

  setHandler(baseStateQuery, (): BaseState => {
    const { applied: _applied, ...rest } = s;
    return {
      ...(JSON.parse(JSON.stringify(rest)) as typeof rest),
      baseId: input.baseId,
      postEvaluationOpen: postEvaluationOpen(),
      openTasks: [...openTasks.values()].map((t) => ({ ...t })),
      decisions: [...s.applied],
    };
  });

  /** A rectification with these terms starts (Art. 23); one already open is replaced by it (its child ends as superseded). */
  const startRectification = (from: BaseStatus, terms: { requirements: string | string[]; deadline: string }) => {
    if (from !== 'underRectification') s.statusBeforeRectification = from;
    s.rectification = { requirements: terms.requirements, deadline: terms.deadline, reportedAt: null };
  };

  /** What a decision changes in the base's state beyond its status; answers the tasks it settles. */
  type EffectOf = (request: DecisionRequest, from: BaseStatus, next: BaseStatus) => string[];

  const requireRectification: EffectOf = (request, from) => {
    startRectification(from, payloadOf<BasePayloads, 'requireRectification'>('requireRectification', request.payload));
    return [];
  };

  /** A warning may carry rectification terms (Art. 24 with Art. 23): they apply, also over a rectification already open. */
  const warn: EffectOf = (request, from, next) => {
    const p = payloadOf<BasePayloads, 'warn'>('warn', request.payload);
    if (next === 'underRectification' && p.requirements !== undefined && p.deadline !== undefined) startRectification(from, { requirements: p.requirements, deadline: p.deadline });
    return [];
  };

  const verifyRectification: EffectOf = (request) => {
    if (payloadOf<BasePayloads, 'verifyRectification'>('verifyRectification', request.payload).completed) s.statusBeforeRectification = null;
    else s.rectificationFailed = true;
    return [];
  };

  const concludeEvaluation: EffectOf = (request) => {
    s.lastEvaluationOutcome = payloadOf<BasePayloads, 'concludeEvaluation'>('concludeEvaluation', request.payload).outcome;
    s.evaluatedTermNo = s.termNo;
    s.postEvaluationHeld = true;
    return [taskIdFor({ step: 'postEvaluation' })];
  };

  const renew: EffectOf = () => {
    s.term = renewedTerm(s.term);
    s.termNo += 1;
    s.lastEvaluationOutcome = null;
    return [];
  };

  const revoke: EffectOf = (request) => {
    s.endReason = request.reason ?? '撤销称号';
    return [...openTasks.keys()];
  };

  const recommendNational: EffectOf = () => {
    s.nationalRecommended = true;
    return [];
  };

  /** One effect per action of the table: the compiler refuses an action without one. */
  const EFFECTS: Record<BaseAction, EffectOf> = { requireRectification, verifyRectification, concludeEvaluation, renew, warn, revoke, recommendNational };

  setHandler(
    decideUpdate,
    async (request): Promise<DecisionResult> => {
      const again = appliedResult(request.decisionId);
      if (again) return again;
      // Everything that decides happens before the first await.
      const from = s.status;
      const next = check(request);
      const at = nowIso();
      const openRectification = s.rectification;
      // check() accepted the action: it is one of the table's.
      const closes = EFFECTS[request.action as BaseAction](request, from, next);
      if (next !== 'underRectification') s.rectification = null;
      s.status = next;
      // The rectification's child ends with this decision when it verified it,
      // replaced it with a new one, or ended the title.
      if (request.action === 'verifyRectification') closeRectification(payloadOf<BasePayloads, 'verifyRectification'>('verifyRectification', request.payload).completed ? 'completed' : 'notCompleted', request.decisionId, openRectification);
      else if (s.rectification !== openRectification) closeRectification(ended() ? 'ended' : 'superseded', request.decisionId, openRectification);
      for (const id of closes) openTasks.delete(id);
      showState();
      const result: DecisionResult = { decisionId: request.decisionId, action: request.action, stage: next };
      s.applied = [...s.applied, result].slice(-APPLIED_KEPT);
      decisions.push(result);
      if (next !== from) upsertSearchAttributes([{ key: LsBaseStatus, value: next }]);
      // Base decisions are found by subject; the application's own log stays its own.
      await recordActNow({ audit: appliedEntry(request, baseSubject, next, at), changes: [statusChange(), closeTasksChange(closes, request.decisionId, at)] }, writingTasks);
      mails.enqueue(() =>
        acts.notify({
          subjectId: input.baseId,
          key: `decision.${request.decisionId}`,
          to: applicantMail,
          template: 'baseStatusChanged',
          params: { unitName: input.unit.name, action: request.action, statusZh: stageZh(next), reason: request.reason ?? null },
        }),
      );
      return result;
    },
    {
      validator: (request) => {
        if (!appliedResult(request.decisionId)) check(request);
      },
    },
  );

  /** The base's own submissions: only its applicant, only while it holds the title (domain/base-submissions.ts). */
  function checkSubmission(actor: DecisionRequest['actor'], whatZh: string): void {
    const notOwn = checkOwnBase(actor, input.applicant.sub, whatZh);
    if (notOwn) refuse(notOwn.kind, notOwn.zh, notOwn);
    if (ended()) refuse('conflict', '该基地已不再持有称号', { kind: 'conflict', code: 'titleEnded' });
  }
  function checkYear(year: unknown, article: string): void {
    const wrong = checkReportableYear(year, input.namedOn, Date.now(), article);
    if (wrong) refuse(wrong.kind, wrong.zh, wrong);
  }

  /** Art. 18: the base submits each year's summary; the prefecture and the province read it. */
  setHandler(
    submitSummaryUpdate,
    async (sub) => {
      const late = Date.now() > Date.parse(annualSummaryDue(sub.year).dueAt);
      if (s.summaries.includes(sub.year)) return { year: sub.year, late };
      s.summaries = [...s.summaries, sub.year].sort();
      const at = nowIso();
      const taskId = taskIdFor({ step: `annualSummary.${sub.year}` });
      openTasks.delete(taskId);
      showState();
      const submissionId = `summary.${input.baseId}.${sub.year}`;
      await recordActNow(
        {
          audit: appliedEntry(
            { decisionId: submissionId, action: 'submitSummary', actor: sub.actor, payload: { year: sub.year, fileId: sub.fileId, late } },
            baseSubject,
            s.status,
            at,
          ),
          changes: [
            { kind: 'summary', summary: { baseId: input.baseId, year: sub.year, fileId: sub.fileId, summary: sub.summary, late, submittedBy: sub.actor.sub, submittedAt: at } },
            closeTasksChange([taskId], submissionId, at),
          ],
        },
        writingTasks,
      );
      return { year: sub.year, late };
    },
    {
      validator: (sub) => {
        if (s.summaries.includes(sub.year)) return;
        checkSubmission(sub.actor, '年度工作总结');
        checkYear(sub.year, '第十八条 / Art. 18');
      },
    },
  );

  /** Art. 22: a year of indicator data for the post-evaluation, checked by the API against the 两山指数 before it comes. */
  setHandler(
    submitIndicatorDataUpdate,
    async (data) => {
      const at = nowIso();
      const values = { values: data.values, ...(data.provincialAverages ? { provincialAverages: data.provincialAverages } : {}) };
      await recordActNow(
        {
          audit: appliedEntry({ decisionId: data.submissionId, action: 'submitIndicatorData', actor: data.actor, payload: { year: data.year, ...values } }, baseSubject, s.status, at),
          changes: [{ kind: 'indicatorData', baseId: input.baseId, year: data.year, values, evaluation: data.evaluation, submittedBy: data.actor.sub, submittedAt: at }],
        },
        writingTasks,
      );
      return { year: data.year };
    },
    {
      validator: (data) => {
        checkSubmission(data.actor, '“两山指数”指标数据');
        checkYear(data.year, '第二十二条 / Art. 22');
      },
    },
  );

  /** Art. 23: the base reports its rectification; the province then verifies. */
  setHandler(
    reportRectificationUpdate,
    async (report) => {
      const reportedAt = nowIso();
      const current = s.rectification;
      if (current) s.rectification = { ...current, reportedAt, report: report.report, reportFileId: report.fileId ?? null };
      // The rectification's child opens the province's verification task.
      const child = current?.workflowId && !current.closed ? current.workflowId : null;
      if (child) tellRectification(child, () => getExternalWorkflowHandle(child).signal(rectificationReportedSignal));
      // The report is a submission, recorded in the audit log like a decision, under the id its sender chose.
      await recordActNow(
        {
          audit: appliedEntry(
            { decisionId: report.reportId, action: 'reportRectification', actor: report.actor, payload: { report: report.report, fileId: report.fileId ?? null } },
            baseSubject,
            s.status,
            reportedAt,
          ),
          changes: [],
        },
        writingTasks,
      );
      if (!child) {
        // Reported after the province found it not done: no task any more, so tell the province directly.
        mails.enqueue(() =>
          acts.notify({
            subjectId: input.baseId,
            key: `rectification.${reportedAt}.reportedLate`,
            to: [{ role: 'provinceOfficer', prefecture: null }],
            template: 'taskAssigned',
            params: { unitName: input.unit.name, step: 'rectification.verify', dueAt: reportedAt },
          }),
        );
      }
      return { reportedAt };
    },
    {
      validator: (report) => {
        checkSubmission(report.actor, '整改报告');
        if (s.status !== 'underRectification' || !s.rectification) refuse('conflict', '该基地没有进行中的整改', { kind: 'conflict', code: 'noRectification' });
      },
    },
  );

  const step = (name: string, role: HumanStep['role'], extra: Partial<HumanStep> = {}): HumanStep => ({
    subjectType: 'base',
    subjectId: input.baseId,
    unitName: input.unit.name,
    step: name,
    role,
    prefecture: role === 'prefectureOfficer' ? homePrefecture : null,
    workingDays: stepWorkingDays,
    // Once the province has been told (level 1), the task stays open without further mail.
    maxEscalationLevel: 1,
    ...extra,
  });
  const track = (task: OpenTask) => {
    openTasks.set(task.taskId, task);
    showState();
  };
  const remind = (key: string, what: string, dueAt: string, at: string) =>
    acts.notify({
      subjectId: input.baseId,
      key,
      to: applicantMail,
      template: 'baseDue',
      params: { unitName: input.unit.name, what, dueAt, daysLeft: daysBetween(cstDateOf(at), cstDateOf(Date.parse(dueAt) - 1)) },
    });

  /**
   * Art. 18: last year's summary, due 31 January. Reminders 30 and 7 days
   * before; once overdue, a task for the prefecture officer (the province
   * for a cross-prefecture base) with the usual escalation, until it is in.
   */
  async function lastYearsSummary(): Promise<void> {
    const year = runYear - 1;
    if (year < Number(input.namedOn.slice(0, 4))) return;
    const stop = () => ended() || over || s.summaries.includes(year);
    const due = annualSummaryDue(year);
    for (const r of due.reminders) {
      if (Date.parse(r.at) <= Date.now()) continue;
      if (!(await sleepUntil(Date.parse(r.at), stop, `${year}年度工作总结提醒`))) return;
      await remind(`summary.${year}.${r.kind}`, `${year}年度工作总结（第十八条）`, due.dueAt, r.at);
    }
    if (!(await sleepUntil(Date.parse(due.dueAt), stop, `${year}年度工作总结截止`))) return;
    await awaitDecision(
      step(`annualSummary.${year}`, homePrefecture ? 'prefectureOfficer' : 'provinceOfficer'),
      stop,
      track,
      writingTasks,
    );
  }

  /**
   * The term's clock: the reminder to submit indicator data, the opening of
   * the post-evaluation (a task for the province until it concludes), and
   * expiry at the end of the term unless renewed. A renewal restarts it.
   */
  async function termClock(): Promise<void> {
    while (!ended() && !over) {
      const termNo = s.termNo;
      const stop = () => ended() || over || s.termNo !== termNo;
      const schedule = postEvaluationSchedule(s.term);
      const reminderAt = Date.parse(schedule.dataReminder.at);
      if (reminderAt > Date.now() && reminderAt < runEndsAt) {
        if (await sleepUntil(reminderAt, stop, '提醒提交“两山指数”指标数据')) {
          await remind(`term${termNo}.${schedule.dataReminder.kind}`, '后评估“两山指数”指标数据的提交（第二十二条）', schedule.opensAt, schedule.dataReminder.at);
        }
        continue;
      }
      const opensAt = Date.parse(schedule.opensAt);
      if (opensAt > Date.now() && opensAt < runEndsAt) {
        await sleepUntil(opensAt, stop, '后评估开始');
        continue;
      }
      const expiresAt = Date.parse(s.term.expiresAt);
      const evaluation =
        opensAt <= Date.now() && s.evaluatedTermNo !== termNo
          ? awaitDecision(step('postEvaluation', 'provinceOfficer'), () => stop() || s.evaluatedTermNo === termNo, track, writingTasks)
          : Promise.resolve();
      if (expiresAt < runEndsAt && (await sleepUntil(expiresAt, stop, '称号有效期届满'))) {
        await expire();
      } else if (expiresAt >= runEndsAt) {
        await condition(stop);
      }
      await evaluation;
    }
  }

  /** Art. 16: a title neither renewed nor revoked lapses at the end of its term. */
  async function expire(): Promise<void> {
    closeRectification('ended', `expiry.${input.baseId}.${s.termNo}`);
    s.status = automaticNext('base', s.status, 'termEnded');
    s.endReason = '称号有效期届满，未续期';
    upsertSearchAttributes([{ key: LsBaseStatus, value: s.status }]);
    const closes = [...openTasks.keys()];
    openTasks.clear();
    showState();
    await recordActLater({ changes: [statusChange(), closeTasksChange(closes, `expiry.${input.baseId}`, nowIso())] }, writingTasks);
    await acts.notify({
      subjectId: input.baseId,
      key: `term${s.termNo}.expired`,
      to: [...applicantMail, { role: 'provinceOfficer', prefecture: null }],
      template: 'baseStatusChanged',
      params: { unitName: input.unit.name, action: 'expire', statusZh: stageZh(s.status), reason: s.endReason },
    });
  }

  /**
   * Art. 23: each rectification runs as a child workflow
   * (workflows/rectification.ts) with its reminders and the province's
   * verification task; this starts one for every rectification the
   * province requires. The child outlives this run (ABANDON); the next run
   * finds it by the id kept in the state.
   */
  async function rectificationStarter(): Promise<void> {
    for (;;) {
      await condition(() => ended() || over || (s.rectification !== null && !s.rectification.workflowId));
      if (ended() || over) return;
      const number = (s.rectificationsStarted ?? 0) + 1;
      const childId = rectificationWorkflowId(input.baseId, number);
      const current = s.rectification!;
      s.rectificationsStarted = number;
      s.rectification = { ...current, workflowId: childId, closed: false };
      const args: RectificationInput = {
        baseId: input.baseId,
        number,
        unit: { name: input.unit.name, prefectures: input.unit.prefectures },
        applicant: { contactEmail: input.applicant.contactEmail },
        requirements: current.requirements,
        deadline: current.deadline,
        stepWorkingDays,
      };
      const started = startChild<typeof rectificationWorkflow>('rectificationWorkflow', {
        workflowId: childId,
        args: [args],
        parentClosePolicy: ParentClosePolicy.ABANDON,
        staticSummary: rectificationSummary(input.unit, number, current.deadline),
      });
      childStarts.set(childId, started.catch(() => undefined));
      await started;
    }
  }

  upsertSearchAttributes([
    { key: LsBaseStatus, value: s.status },
    { key: LsPrefecture, value: input.unit.prefectures },
  ]);
  if (!input.carry) {
    await acts.recordBase({
      id: input.baseId,
      workflowId,
      unitName: input.unit.name,
      unitType: input.unit.type,
      prefectures: input.unit.prefectures,
      applicantSub: input.applicant.sub,
      contactEmail: input.applicant.contactEmail,
      status: s.status,
      namedOn: input.namedOn,
      termStartsOn: s.term.namedOn,
      termEndsOn: s.term.endsOn,
      termNo: s.termNo,
    });
  }

  const watchers = Promise.all([lastYearsSummary(), termClock(), rectificationStarter()]);
  // The year's end, a revocation or expiry, or Temporal's hint ends the run.
  await condition(() => ended() || workflowInfo().continueAsNewSuggested, Math.max(runEndsAt - Date.now(), 1));
  over = true;
  await watchers;
  await condition(allHandlersFinished);
  await mails.drained();
  await Promise.all(signalling);
  if (ended()) return { status: s.status, endReason: s.endReason, termNo: s.termNo, termEndsOn: s.term.endsOn };
  return continueAsNew<typeof baseWorkflow>({ ...input, carry: { ...s, run: s.run + 1 } });
}
