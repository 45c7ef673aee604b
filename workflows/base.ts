// A named base over the years (Art. 16-24, Art. 6), one workflow per base,
// id `base-<applicationId>`, started by the naming (workflows/application.ts).
// One run per China Standard Time calendar year: at each 1 January (or when
// Temporal suggests it, or when a newer release of the worker is current:
// infra/worker-deployment.ts) the run waits for its handlers and continues as new
// with only the JSON state of BaseCarry, so a base's history stays bounded
// however many years it holds the title.
//
// Within a run, watchers wait side by side: the last year's annual summary
// (Art. 18), the term's post-evaluation and expiry (Art. 16, 22), and the
// start of each rectification (Art. 23) as a child workflow
// (workflows/rectification.ts) that keeps its deadline. People's decisions are `decide`
// Updates checked by domain/transitions.ts (checkBaseDecision) before
// anything is recorded, exactly as for applications.
//
// baseWorkflow reads as the run's steps; BaseRun holds its state (the carry),
// its Update and Query handlers, its watchers and the signals to its
// rectification children, and EFFECTS (at the end) what each decision does to
// that state.
import {
  ApplicationFailure,
  allHandlersFinished,
  condition,
  getExternalWorkflowHandle,
  makeContinueAsNewFunc,
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
import { checkIndicatorDataYear, checkOwnBase, checkSummaryCorrection, checkSummaryYear } from '../domain/base-submissions';
import { invalidPayload, problem, type Refusal } from '../domain/problems';
import { automaticNext, checkBaseDecision, type BaseAction, type BaseFacts } from '../domain/transitions';
import { acts } from './activity-proxies';
import { awaitDecision, taskIdFor, type HumanStep, type OpenTask } from './await-decision';
import { registerChaseHandler } from './chase';
import { appliedEntry, closeTasksChange, recordActLater, recordActNow } from './decision-writes';
import { MAILS_IN_DECISION_ORDER, mailQueue, type MailQueue } from './mail-queue';
import { baseSummary, rectificationSummary, showDetails, type PendingTimer } from './metadata';
import {
  baseStateQuery,
  moveToCurrentReleaseSignal,
  reportRectificationUpdate,
  submitIndicatorDataUpdate,
  submitSummaryUpdate,
  type BaseCarry,
  type BaseInput,
  type BaseState,
  type IndicatorDataSubmission,
  type RectificationReport,
  type SummaryResult,
  type SummarySubmission,
  type SummaryVersion,
} from './base-messages';
import { decideBaseUpdate, RefusalType, type BaseDecisionRequest, type DecisionResult } from './messages';
import { rulesEditionOfRun } from './rules-edition';
import type { rectificationWorkflow } from './rectification';
import {
  rectificationClosedSignal,
  rectificationReportedSignal,
  rectificationWorkflowId,
  type RectificationInput,
  type RectificationOutcome,
} from './rectification-messages';
import { sleepUntil } from './sleep-until';
import { LsBaseStatus, LsPrefecture, LsUnitName } from './search-attributes';

export interface BaseOutcome {
  status: BaseStatus;
  endReason: string | null;
  termNo: number;
  termEndsOn: string;
}

/** The run's end timer: the year is over, the base goes on in its next run. */
const RUN_END_SUMMARY = '本年度运行结束，转入下一年度运行';

/** How many applied decisions a run hands on for retries (the API also answers retries from the audit log). */
const APPLIED_KEPT = 50;

/**
 * Since issue 15: a summary for a year already in is a correction, recorded
 * as the year's next version. Asked only when one arrives: runs recorded
 * before answered it as the first submission and recorded nothing.
 */
export const SUMMARY_VERSIONS = 'base-summary-versions';
/** Indicator data may carry the unit's terrain when none is on record (issue 16): recorded with the act. */
export const UNIT_TERRAIN_WITH_INDICATOR_DATA = 'base-unit-terrain-with-indicator-data';

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

/**
 * The workflow, step by step; the state and the steps are BaseRun's.
 * record, runEnds, mailsSent, signalsSent and continueAsNew are not async:
 * they return the very promise the main line awaits, so it resumes on the
 * same microtask turn as before. An extra turn could put its next command
 * after, instead of before, a handler's in the same activation, and the
 * recorded histories (test/histories/) hold that order.
 */
export async function baseWorkflow(input: BaseInput): Promise<BaseOutcome> {
  const base = new BaseRun(input);
  base.registerHandlers();
  base.showSearchAttributes();
  base.showState();
  if (base.firstRun) await base.record();
  const watchers = Promise.all([base.lastYearsSummary(), base.termClock(), base.rectificationStarter()]);
  // The year's end, a revocation or expiry, or Temporal's hint ends the run.
  await base.runEnds();
  base.stopWatching();
  await watchers;
  await condition(allHandlersFinished);
  await base.mailsSent();
  await base.signalsSent();
  if (base.ended) return base.outcome();
  return base.continueAsNew();
}

/** What a decision changes in the base's state beyond its status; answers the tasks it settles. */
type EffectOf<A extends BaseAction = BaseAction> = (run: BaseRun, request: BaseDecisionRequest<A>, from: BaseStatus, next: BaseStatus) => string[];

/** The effect of a checked decision's own action (each entry of EFFECTS takes its action's request). */
function effectOf<A extends BaseAction>(request: BaseDecisionRequest<A>): EffectOf<A> {
  return EFFECTS[request.action as A];
}

/** One base's run of the year: its state, read by the handlers, the watchers and the main line, and its steps. */
class BaseRun {
  readonly workflowId = workflowInfo().workflowId;
  /** The state this run hands on (continue-as-new). */
  readonly carry: BaseCarry;
  private readonly stepWorkingDays: number;
  /** The rules this run checks decisions by (workflows/rules-edition.ts). */
  private readonly rulesEdition: number;
  private readonly homePrefecture: string | null;
  private readonly runYear = cstYearNow();
  /** This run ends at 24:00 CST on 31 December. */
  private readonly runEndsAt = endOfCstDayMs(`${this.runYear}-12-31`);
  /** The run is ending: the watchers stop. */
  private over = false;
  readonly openTasks = new Map<string, OpenTask>();
  /** Task rows being written (awaitDecision): a decision closing one waits for it. */
  private readonly writingTasks = new Set<string>();
  /** Mails started by a handler and not awaited there. */
  private readonly mails: MailQueue;
  /** Rectification children started in this run, by workflow id: a signal waits for its start. */
  private readonly childStarts = new Map<string, Promise<unknown>>();
  /** Signals to rectification children not awaited by the handler that sent them. */
  private readonly signalling = new Set<Promise<void>>();
  /** The watchers' timers now running, by summary, for the current details. */
  private readonly timers = new Map<string, PendingTimer>();
  private readonly applicantMail: Array<{ email: string }>;
  /** Base decisions are found by subject; the application's own log stays its own. */
  private readonly subject: { readonly subjectType: 'base'; readonly subjectId: string; readonly applicationId: null; readonly workflowId: string };

  constructor(readonly input: BaseInput) {
    this.carry = input.carry ?? firstCarry(input);
    this.stepWorkingDays = input.stepWorkingDays ?? DEFAULT_STEP_WORKING_DAYS;
    this.homePrefecture = input.unit.prefectures.length === 1 ? (input.unit.prefectures[0] ?? null) : null;
    this.mails = mailQueue(patched(MAILS_IN_DECISION_ORDER));
    this.rulesEdition = rulesEditionOfRun();
    this.applicantMail = [{ email: input.applicant.contactEmail }];
    this.subject = { subjectType: 'base', subjectId: input.baseId, applicationId: null, workflowId: this.workflowId };
  }

  get ended(): boolean {
    return isTerminalStatus(this.carry.status);
  }

  /** The first run records the base; the next ones carry it. */
  get firstRun(): boolean {
    return !this.input.carry;
  }

  // ---- The main line, in the order the workflow takes it.

  /** Handlers are arrows over the run: setHandler calls them without `this`. */
  registerHandlers(): void {
    setHandler(baseStateQuery, () => this.state());
    // Nothing to do: the signal's workflow task is what lets runEnds see a newer release.
    setHandler(moveToCurrentReleaseSignal, () => {});
    setHandler(decideBaseUpdate, (request) => this.decide(request), { validator: (request) => this.checkDecision(request) });
    setHandler(submitSummaryUpdate, (sub) => this.submitSummary(sub), { validator: (sub) => this.checkSummary(sub) });
    setHandler(submitIndicatorDataUpdate, (data) => this.submitIndicatorData(data), { validator: (data) => this.checkIndicatorData(data) });
    setHandler(reportRectificationUpdate, (report) => this.reportRectification(report), { validator: (report) => this.checkReport(report) });
    const { input } = this;
    registerChaseHandler({
      findTask: (taskId) => this.openTasks.get(taskId),
      prefectures: input.unit.prefectures,
      subject: this.subject,
      mailSubjectId: input.baseId,
      unitName: input.unit.name,
      unitEmail: input.applicant.contactEmail,
      resultStage: () => this.carry.status,
      writing: this.writingTasks,
    });
  }

  /**
   * LsUnitName names the base in the Temporal UI's list after a
   * continue-as-new, whose run has no static summary (docs/ARCHITECTURE.md
   * "What ops read in the Temporal UI"). Added to the upsert every run
   * already made: the command is the same, so recorded runs replay.
   */
  showSearchAttributes(): void {
    upsertSearchAttributes([
      { key: LsBaseStatus, value: this.carry.status },
      { key: LsPrefecture, value: this.input.unit.prefectures },
      { key: LsUnitName, value: this.input.unit.name },
    ]);
  }

  /** The base's row. Not async: the main line awaits the activity itself. */
  record(): Promise<unknown> {
    const { input, carry: s } = this;
    return acts.recordBase({
      id: input.baseId,
      workflowId: this.workflowId,
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

  /**
   * Resolves at the year's end, a revocation or expiry, Temporal's hint, or
   * (a versioned worker) at the first workflow task after a newer release
   * became current: the next run then starts on it (continueAsNew below), so
   * an old release's workers are not kept for a base until 1 January. One
   * timer. Not async. The version flag comes from the recorded task, false in
   * every history of an unversioned worker, so replay takes the same path.
   */
  runEnds(): Promise<boolean> {
    const over = () => this.ended || workflowInfo().continueAsNewSuggested || workflowInfo().targetWorkerDeploymentVersionChanged;
    return condition(over, Math.max(this.runEndsAt - Date.now(), 1), { summary: RUN_END_SUMMARY });
  }

  stopWatching(): void {
    this.over = true;
  }

  /** Not async: the main line awaits the queue itself. */
  mailsSent(): Promise<void> {
    return this.mails.drained();
  }

  /** Not async: the main line awaits the signals themselves. */
  signalsSent(): Promise<void[]> {
    return Promise.all(this.signalling);
  }

  outcome(): BaseOutcome {
    const s = this.carry;
    return { status: s.status, endReason: s.endReason, termNo: s.termNo, termEndsOn: s.term.endsOn };
  }

  /**
   * The next run, with this one's state. Not async. A pinned run's next one
   * starts on the deployment's current release (AUTO_UPGRADE for its first
   * task, PINNED after it: infra/worker-deployment.ts); an unversioned worker's
   * is unaffected.
   */
  continueAsNew(): Promise<never> {
    const s = this.carry;
    return makeContinueAsNewFunc<typeof baseWorkflow>({ initialVersioningBehavior: 'AUTO_UPGRADE' })({ ...this.input, carry: { ...s, run: s.run + 1 } });
  }

  // ---- The handlers.

  private state(): BaseState {
    const { applied: _applied, ...rest } = this.carry;
    return {
      ...(JSON.parse(JSON.stringify(rest)) as typeof rest),
      baseId: this.input.baseId,
      postEvaluationOpen: this.postEvaluationOpen(),
      openTasks: [...this.openTasks.values()].map((t) => ({ ...t })),
      decisions: [...this.carry.applied],
    };
  }

  private postEvaluationOpen(): boolean {
    return Date.now() >= Date.parse(postEvaluationSchedule(this.carry.term).opensAt);
  }

  private facts(): BaseFacts {
    const s = this.carry;
    return {
      status: s.status,
      prefectures: this.input.unit.prefectures,
      applicantSub: this.input.applicant.sub,
      statusBeforeRectification: s.statusBeforeRectification,
      postEvaluationOpen: this.postEvaluationOpen(),
      lastEvaluationOutcome: s.lastEvaluationOutcome,
      postEvaluationHeld: s.postEvaluationHeld,
      rectificationFailed: s.rectificationFailed,
    };
  }

  private appliedResult(decisionId: string): DecisionResult | undefined {
    return this.carry.applied.find((d) => d.decisionId === decisionId);
  }

  /** Checks a decision against the regulation's table; throws the refusal. */
  private check(request: BaseDecisionRequest): BaseStatus {
    const result = checkBaseDecision(
      this.facts(),
      { action: request.action, actor: request.actor, reason: request.reason ?? null, payload: request.payload ?? {} },
      { at: Date.now(), edition: this.rulesEdition },
    );
    if (!result.ok) refuse(result.refusal.kind, result.refusal.zh, result.refusal);
    return result.to;
  }

  /** The `decide` validator: a retry of an applied decision is answered, not checked again. */
  private checkDecision(request: BaseDecisionRequest): void {
    if (!this.appliedResult(request.decisionId)) this.check(request);
  }

  /** A person's decision (the `decide` Update): applied, recorded, answered, then mailed. */
  private async decide(request: BaseDecisionRequest): Promise<DecisionResult> {
    const again = this.appliedResult(request.decisionId);
    if (again) return again;
    const { result, next, closes, at } = this.apply(request);
    await recordActNow({ audit: appliedEntry({ ...request, payload: this.recordedPayload(request) }, this.subject, next, at), changes: [this.statusChange(), closeTasksChange(closes, request.decisionId, at)] }, this.writingTasks);
    this.mails.enqueue(() =>
      acts.notify({
        subjectId: this.input.baseId,
        key: `decision.${request.decisionId}`,
        to: this.applicantMail,
        template: 'baseStatusChanged',
        params: { unitName: this.input.unit.name, action: request.action, statusZh: stageZh(next), reason: request.reason ?? null },
      }),
    );
    return result;
  }

  /**
   * What the audit entry records of a decision's payload: as sent, and for a
   * warning or revocation on Art. 24 ground 6, the verification on record
   * that establishes the ground (its evidence; domain/sanctions.ts).
   */
  private recordedPayload(request: BaseDecisionRequest): Record<string, unknown> {
    const payload: Record<string, unknown> = { ...(request.payload ?? {}) };
    const onRecord = this.carry.failedVerification;
    if ((request.action === 'warn' || request.action === 'revoke') && request.payload.ground === 6 && onRecord) {
      payload.evidenceOnRecord = { verificationDecisionId: onRecord.decisionId, verifiedAt: onRecord.at };
    }
    return payload;
  }

  /** Everything that decides happens here, before the handler's first await. */
  private apply(request: BaseDecisionRequest): { result: DecisionResult; next: BaseStatus; closes: string[]; at: string } {
    const s = this.carry;
    const from = s.status;
    const next = this.check(request);
    const at = nowIso();
    const openRectification = s.rectification;
    const closes = effectOf(request)(this, request, from, next);
    if (next !== 'underRectification') s.rectification = null;
    s.status = next;
    // The rectification's child ends with this decision when it verified it,
    // replaced it with a new one, or ended the title.
    if (request.action === 'verifyRectification') this.closeRectification(request.payload.completed ? 'completed' : 'notCompleted', request.decisionId, openRectification);
    else if (s.rectification !== openRectification) this.closeRectification(this.ended ? 'ended' : 'superseded', request.decisionId, openRectification);
    for (const id of closes) this.openTasks.delete(id);
    this.showState();
    const result: DecisionResult = { decisionId: request.decisionId, action: request.action, stage: next };
    s.applied = [...s.applied, result].slice(-APPLIED_KEPT);
    if (next !== from) upsertSearchAttributes([{ key: LsBaseStatus, value: next }]);
    return { result, next, closes, at };
  }

  /** The base's own submissions: only its applicant, only while it holds the title (domain/base-submissions.ts). */
  private checkSubmission(actor: BaseDecisionRequest['actor'], whatZh: string): void {
    const notOwn = checkOwnBase(actor, this.input.applicant.sub, whatZh);
    if (notOwn) refuse(notOwn.kind, notOwn.zh, notOwn);
    if (this.ended) refuse('conflict', '该基地已不再持有称号', { kind: 'conflict', code: 'titleEnded' });
  }

  /** A refusal of a rule in domain/, thrown to the Update's caller. */
  private refuseIf(wrong: Refusal | null): void {
    if (wrong) refuse(wrong.kind, wrong.zh, wrong);
  }

  /** The current version of a year's summary recorded since versions were kept. */
  private currentSummary(year: number): SummaryVersion | undefined {
    return this.carry.summaryVersions?.find((v) => v.year === year);
  }

  /**
   * Art. 18: a first summary of a year the base held the title in (late
   * after its due date), or a correction of one already in until its due
   * date (domain/base-submissions.ts). A retry of the current version is
   * answered by the handler, not checked again.
   */
  private checkSummary(sub: SummarySubmission): void {
    if (sub.submissionId !== undefined && this.currentSummary(sub.year)?.submissionId === sub.submissionId) return;
    this.checkSubmission(sub.actor, '年度工作总结');
    if (typeof sub.submissionId !== 'string' || sub.submissionId.trim() === '') {
      this.refuseIf(invalidPayload([problem('submissionId', 'missing', '缺少提交编号（submissionId）', 'submissionId is missing')], '第十八条'));
    }
    this.refuseIf(checkSummaryYear(sub.year, this.input.namedOn, Date.now()));
    this.refuseIf(checkSummaryCorrection(sub.year, this.carry.summaries.includes(sub.year), Date.now()));
  }

  /**
   * Art. 18: the base submits each year's summary, and may correct it until
   * its due date: each submission is the year's next version, every version
   * recorded under the client's id, the latest current. The prefecture and
   * the province read it.
   */
  private async submitSummary(sub: SummarySubmission): Promise<SummaryResult> {
    const { input, carry: s } = this;
    const late = Date.now() > Date.parse(annualSummaryDue(sub.year).dueAt);
    const current = this.currentSummary(sub.year);
    // A retry of the current version that Temporal did not answer itself (another run): answered, not applied again.
    if (current && current.submissionId === sub.submissionId) return { year: sub.year, late: current.late, version: current.version };
    // A year in before versions were kept has its version 1 in.
    const previous = current?.version ?? (s.summaries.includes(sub.year) ? 1 : 0);
    if (previous > 0 && !patched(SUMMARY_VERSIONS)) return { year: sub.year, late, version: previous };
    const version = previous + 1;
    // Updates accepted before versions carried no client id: the id they were recorded under.
    const submissionId = sub.submissionId ?? `summary.${input.baseId}.${sub.year}`;
    if (version === 1) s.summaries = [...s.summaries, sub.year].sort();
    s.summaryVersions = [...(s.summaryVersions ?? []).filter((v) => v.year !== sub.year), { year: sub.year, version, submissionId, late }].sort((a, b) => a.year - b.year);
    const at = nowIso();
    // The first version closes the prefecture's task for an overdue summary (a correction comes before the due date: no task).
    const taskId = taskIdFor({ step: `annualSummary.${sub.year}` });
    if (version === 1) {
      this.openTasks.delete(taskId);
      this.showState();
    }
    await recordActNow(
      {
        audit: appliedEntry(
          { decisionId: submissionId, action: 'submitSummary', actor: sub.actor, payload: { year: sub.year, fileId: sub.fileId, late, version } },
          this.subject,
          s.status,
          at,
        ),
        changes: [
          {
            kind: 'summary',
            summary: { baseId: input.baseId, year: sub.year, version, submissionId, fileId: sub.fileId, summary: sub.summary, late, submittedBy: sub.actor.sub, submittedAt: at },
          },
          ...(version === 1 ? [closeTasksChange([taskId], submissionId, at)] : []),
        ],
      },
      this.writingTasks,
    );
    return { year: sub.year, late, version };
  }

  /** Art. 22: indicator data of a year that has ended (domain/base-submissions.ts). The handler does not check again: nothing to gate for replay. */
  private checkIndicatorData(data: IndicatorDataSubmission): void {
    this.checkSubmission(data.actor, '“两山指数”指标数据');
    this.refuseIf(checkIndicatorDataYear(data.year, this.input.namedOn, Date.now()));
  }

  /** Art. 22: a year of indicator data for the post-evaluation, checked by the API against the 两山指数 before it comes. */
  private async submitIndicatorData(data: IndicatorDataSubmission): Promise<{ year: number }> {
    const at = nowIso();
    const values = { values: data.values, ...(data.provincialAverages ? { provincialAverages: data.provincialAverages } : {}) };
    // Only a submission that carries a terrain takes the new path; earlier histories never did.
    const terrain = data.terrain !== undefined && patched(UNIT_TERRAIN_WITH_INDICATOR_DATA) ? data.terrain : undefined;
    await recordActNow(
      {
        audit: appliedEntry({ decisionId: data.submissionId, action: 'submitIndicatorData', actor: data.actor, payload: { year: data.year, ...values, ...(terrain ? { terrain } : {}) } }, this.subject, this.carry.status, at),
        changes: [
          { kind: 'indicatorData', baseId: this.input.baseId, year: data.year, values, evaluation: data.evaluation, submittedBy: data.actor.sub, submittedAt: at },
          ...(terrain ? [{ kind: 'unitTerrain' as const, applicationId: this.input.baseId, terrain }] : []),
        ],
      },
      this.writingTasks,
    );
    return { year: data.year };
  }

  private checkReport(report: RectificationReport): void {
    this.checkSubmission(report.actor, '整改报告');
    if (this.carry.status !== 'underRectification' || !this.carry.rectification) refuse('conflict', '该基地没有进行中的整改', { kind: 'conflict', code: 'noRectification' });
  }

  /** Art. 23: the base reports its rectification; the province then verifies. */
  private async reportRectification(report: RectificationReport): Promise<{ reportedAt: string }> {
    const { input, carry: s } = this;
    const reportedAt = nowIso();
    const current = s.rectification;
    if (current) s.rectification = { ...current, reportedAt, report: report.report, reportFileId: report.fileId ?? null };
    // The rectification's child opens the province's verification task.
    const child = current?.workflowId && !current.closed ? current.workflowId : null;
    if (child) this.tellRectification(child, () => getExternalWorkflowHandle(child).signal(rectificationReportedSignal));
    // The report is a submission, recorded in the audit log like a decision, under the id its sender chose.
    await recordActNow(
      {
        audit: appliedEntry(
          { decisionId: report.reportId, action: 'reportRectification', actor: report.actor, payload: { report: report.report, fileId: report.fileId ?? null } },
          this.subject,
          s.status,
          reportedAt,
        ),
        changes: [],
      },
      this.writingTasks,
    );
    if (!child) {
      // Reported after the province found it not done: no task any more, so tell the province directly.
      this.mails.enqueue(() =>
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
  }

  // ---- The watchers, side by side until the run is over.

  /**
   * Art. 18: last year's summary, due 31 January. Reminders 30 and 7 days
   * before; once overdue, a task for the prefecture officer (the province
   * for a cross-prefecture base) with the usual escalation, until it is in.
   */
  async lastYearsSummary(): Promise<void> {
    const year = this.runYear - 1;
    if (year < Number(this.input.namedOn.slice(0, 4))) return;
    const stop = () => this.ended || this.over || this.carry.summaries.includes(year);
    const due = annualSummaryDue(year);
    for (const r of due.reminders) {
      if (Date.parse(r.at) <= Date.now()) continue;
      if (!(await this.sleepUntil(Date.parse(r.at), stop, `${year}年度工作总结提醒`))) return;
      await this.remind(`summary.${year}.${r.kind}`, `${year}年度工作总结（第十八条）`, due.dueAt, r.at);
    }
    if (!(await this.sleepUntil(Date.parse(due.dueAt), stop, `${year}年度工作总结截止`))) return;
    await awaitDecision(
      this.step(`annualSummary.${year}`, this.homePrefecture ? 'prefectureOfficer' : 'provinceOfficer'),
      stop,
      this.track,
      this.writingTasks,
    );
  }

  /**
   * The term's clock: the reminder to submit indicator data, the opening of
   * the post-evaluation (a task for the province until it concludes), and
   * expiry at the end of the term unless renewed. A renewal restarts it.
   */
  async termClock(): Promise<void> {
    const s = this.carry;
    while (!this.ended && !this.over) {
      const termNo = s.termNo;
      const stop = () => this.ended || this.over || s.termNo !== termNo;
      const schedule = postEvaluationSchedule(s.term);
      const reminderAt = Date.parse(schedule.dataReminder.at);
      if (reminderAt > Date.now() && reminderAt < this.runEndsAt) {
        if (await this.sleepUntil(reminderAt, stop, '提醒提交“两山指数”指标数据')) {
          await this.remind(`term${termNo}.${schedule.dataReminder.kind}`, '后评估“两山指数”指标数据的提交（第二十二条）', schedule.opensAt, schedule.dataReminder.at);
        }
        continue;
      }
      const opensAt = Date.parse(schedule.opensAt);
      if (opensAt > Date.now() && opensAt < this.runEndsAt) {
        await this.sleepUntil(opensAt, stop, '后评估开始');
        continue;
      }
      const expiresAt = Date.parse(s.term.expiresAt);
      const evaluation =
        opensAt <= Date.now() && s.evaluatedTermNo !== termNo
          ? awaitDecision(this.step('postEvaluation', 'provinceOfficer'), () => stop() || s.evaluatedTermNo === termNo, this.track, this.writingTasks)
          : Promise.resolve();
      if (expiresAt < this.runEndsAt && (await this.sleepUntil(expiresAt, stop, '称号有效期届满'))) {
        await this.expire();
      } else if (expiresAt >= this.runEndsAt) {
        await condition(stop);
      }
      await evaluation;
    }
  }

  /** Art. 16: a title neither renewed nor revoked lapses at the end of its term. */
  private async expire(): Promise<void> {
    const { input, carry: s } = this;
    this.closeRectification('ended', `expiry.${input.baseId}.${s.termNo}`);
    s.status = automaticNext('base', s.status, 'termEnded');
    s.endReason = '称号有效期届满，未续期';
    upsertSearchAttributes([{ key: LsBaseStatus, value: s.status }]);
    const closes = [...this.openTasks.keys()];
    this.openTasks.clear();
    this.showState();
    await recordActLater({ changes: [this.statusChange(), closeTasksChange(closes, `expiry.${input.baseId}`, nowIso())] }, this.writingTasks);
    await acts.notify({
      subjectId: input.baseId,
      key: `term${s.termNo}.expired`,
      to: [...this.applicantMail, { role: 'provinceOfficer', prefecture: null }],
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
  async rectificationStarter(): Promise<void> {
    const { input, carry: s } = this;
    for (;;) {
      await condition(() => this.ended || this.over || (s.rectification !== null && !s.rectification.workflowId));
      if (this.ended || this.over) return;
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
        stepWorkingDays: this.stepWorkingDays,
      };
      const started = startChild<typeof rectificationWorkflow>('rectificationWorkflow', {
        workflowId: childId,
        args: [args],
        parentClosePolicy: ParentClosePolicy.ABANDON,
        staticSummary: rectificationSummary(input.unit, number, current.deadline),
      });
      this.childStarts.set(childId, started.catch(() => undefined));
      await started;
    }
  }

  // ---- Signals to the rectification's child.

  /** Sends to a rectification child once it has started; not awaited by the handler that sends it (signalsSent). */
  private tellRectification(workflowId: string, send: () => Promise<void>): void {
    const work = (async () => {
      await this.childStarts.get(workflowId);
      try {
        await send();
      } catch {
        // The child has already ended (a report after its verification): nothing to tell.
      }
    })();
    this.signalling.add(work);
    void work.finally(() => this.signalling.delete(work));
  }

  /**
   * The open rectification's child learns how it ended; the base's state
   * records that it was told. Called where the decision is taken, before any await.
   */
  private closeRectification(outcome: RectificationOutcome, decisionId: string, current = this.carry.rectification): void {
    if (!current?.workflowId || current.closed) return;
    if (this.carry.rectification === current) this.carry.rectification = { ...current, closed: true };
    const child = getExternalWorkflowHandle(current.workflowId);
    this.tellRectification(current.workflowId, () => child.signal(rectificationClosedSignal, { outcome, decisionId }));
  }

  // ---- Status changes, tasks, reminders and what the Temporal UI shows.

  /**
   * The Temporal UI's current details (workflows/metadata.ts), set from the
   * run's first activation: the base by name and naming date (a run after a
   * continue-as-new has no static summary), the open tasks or the status and
   * term, and the timers it waits on (the run's end among them).
   */
  showState(): void {
    const s = this.carry;
    const runEnd: PendingTimer[] = this.ended || this.over ? [] : [{ summary: RUN_END_SUMMARY, atMs: this.runEndsAt }];
    showDetails({
      subject: baseSummary(this.input.unit, this.input.namedOn),
      tasks: this.openTasks.values(),
      otherwise: this.ended ? `已结束：${baseStatusZh(s.status)}` : `${baseStatusZh(s.status)}，称号有效期至 ${formatCstDateZh(s.term.endsOn)}`,
      timers: [...this.timers.values(), ...runEnd],
    });
  }

  /**
   * A watcher's timer (workflows/sleep-until.ts), shown in the current
   * details while it runs. Not async: the watcher awaits the very promise
   * sleepUntil returns, so it resumes on the same turn as before.
   */
  private sleepUntil(atMs: number, stop: () => boolean, summary: string): Promise<boolean> {
    const waiting = sleepUntil(atMs, stop, summary);
    if (atMs <= Date.now()) return waiting;
    this.timers.set(summary, { summary, atMs });
    this.showState();
    void waiting.then(() => {
      this.timers.delete(summary);
      this.showState();
    }, () => this.timers.delete(summary));
    return waiting;
  }

  /**
   * The Base row as this state shows it, as the next revision: the row keeps
   * the latest whichever write commits first (activities/record-act.ts).
   * Called once per change, before any await.
   */
  private statusChange(): ReadModelChange {
    const s = this.carry;
    s.revision = (s.revision ?? 0) + 1;
    return {
      kind: 'baseStatus',
      revision: s.revision,
      change: {
        baseId: this.input.baseId,
        status: s.status,
        termStartsOn: s.term.namedOn,
        termEndsOn: s.term.endsOn,
        termNo: s.termNo,
        endReason: s.endReason,
        nationalRecommended: s.nationalRecommended,
      },
    };
  }

  private step(name: string, role: HumanStep['role'], extra: Partial<HumanStep> = {}): HumanStep {
    return {
      subjectType: 'base',
      subjectId: this.input.baseId,
      unitName: this.input.unit.name,
      step: name,
      role,
      prefecture: role === 'prefectureOfficer' ? this.homePrefecture : null,
      workingDays: this.stepWorkingDays,
      // Once the province has been told (level 1), the task stays open without further mail.
      maxEscalationLevel: 1,
      ...extra,
    };
  }

  /** awaitDecision's onTask: an arrow, as it is passed without `this`. */
  private readonly track = (task: OpenTask): void => {
    this.openTasks.set(task.taskId, task);
    this.showState();
  };

  /** A reminder to the base. Not async: the watcher awaits the mail itself. */
  private remind(key: string, what: string, dueAt: string, at: string): Promise<unknown> {
    return acts.notify({
      subjectId: this.input.baseId,
      key,
      to: this.applicantMail,
      template: 'baseDue',
      params: { unitName: this.input.unit.name, what, dueAt, daysLeft: daysBetween(cstDateOf(at), cstDateOf(Date.parse(dueAt) - 1)) },
    });
  }
}

// ---- What each decision does to the run (EFFECTS).

/** A rectification with these terms starts (Art. 23); one already open is replaced by it (its child ends as superseded). */
function startRectification(s: BaseCarry, from: BaseStatus, terms: { requirements: string | string[]; deadline: string }): void {
  if (from !== 'underRectification') s.statusBeforeRectification = from;
  s.rectification = { requirements: terms.requirements, deadline: terms.deadline, reportedAt: null };
}

const requireRectification: EffectOf<'requireRectification'> = (run, { payload }, from) => {
  startRectification(run.carry, from, payload);
  return [];
};

/** A warning may carry rectification terms (Art. 24 with Art. 23): they apply, also over a rectification already open. */
const warn: EffectOf<'warn'> = (run, { payload: p }, from, next) => {
  if (next === 'underRectification' && p.requirements !== undefined && p.deadline !== undefined) startRectification(run.carry, from, { requirements: p.requirements, deadline: p.deadline });
  return [];
};

const verifyRectification: EffectOf<'verifyRectification'> = ({ carry: s }, request) => {
  const { payload } = request;
  if (payload.completed) s.statusBeforeRectification = null;
  else {
    s.rectificationFailed = true;
    s.failedVerification = { decisionId: request.decisionId, at: nowIso() };
  }
  return [];
};

const concludeEvaluation: EffectOf<'concludeEvaluation'> = ({ carry: s }, { payload }) => {
  s.lastEvaluationOutcome = payload.outcome;
  s.evaluatedTermNo = s.termNo;
  s.postEvaluationHeld = true;
  return [taskIdFor({ step: 'postEvaluation' })];
};

const renew: EffectOf<'renew'> = ({ carry: s }) => {
  s.term = renewedTerm(s.term);
  s.termNo += 1;
  s.lastEvaluationOutcome = null;
  return [];
};

const revoke: EffectOf<'revoke'> = (run, request) => {
  run.carry.endReason = request.reason ?? '撤销称号';
  return [...run.openTasks.keys()];
};

const recommendNational: EffectOf<'recommendNational'> = ({ carry: s }) => {
  s.nationalRecommended = true;
  return [];
};

/** One effect per action of the table: the compiler refuses an action without one. */
const EFFECTS: { [A in BaseAction]: EffectOf<A> } = { requireRectification, verifyRectification, concludeEvaluation, renew, warn, revoke, recommendNational };
