// The application lifecycle (Art. 7-16), one workflow per application, id
// `application-<id>`: from submission through the prefecture's pre-review,
// notice and recommendation (a cross-prefecture unit chooses: through one of
// its prefectures, or straight to the province, Art. 11), the province's
// expert review, selection and
// notice, to naming. Every step that waits for a person is a task with a due
// date (workflows/await-decision.ts); every decision is an Update checked by
// the regulation's transition table (domain/transitions.ts) before anything
// is recorded; notices run as child workflows (workflows/notice.ts).
//
// applicationWorkflow reads as the run's steps; ApplicationRun holds its
// state, its Update and Query handlers and each stage's work, and EFFECTS
// (at the end) what each decision does to that state.
import {
  ApplicationFailure,
  allHandlersFinished,
  CancellationScope,
  condition,
  isCancellation,
  patched,
  ParentClosePolicy,
  setHandler,
  startChild,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import { cstDateOf } from '../domain/dates';
import { DEFAULT_STEP_WORKING_DAYS, titleTerm } from '../domain/deadlines';
import { stageZh } from '../domain/names';
import { initialApplicationStage, isTerminalStage, type ApplicationStage } from '../domain/stages';
import { prefectureInCharge, submissionPath, viaPrefectureOf } from '../domain/submission-path';
import { automaticNext, checkApplicationDecision, STAGE_ASSIGNEE, type ApplicationAction } from '../domain/transitions';
import type { ActRecord, ReadModelChange } from '../activities/record-act';
import { acts } from './activity-proxies';
import { awaitDecision, taskIdFor, type HumanStep, type OpenTask } from './await-decision';
import { registerChaseHandler } from './chase';
import { appliedEntry, automaticEntry, closeTasksChange, recordActLater, recordActNow } from './decision-writes';
import { MAILS_IN_DECISION_ORDER, mailQueue, type MailQueue } from './mail-queue';
import { baseSummary, noticeSummary, showWaiting } from './metadata';
import {
  applicationStateQuery,
  decideUpdate,
  RefusalType,
  type ApplicationState,
  type ApplicationDecisionRequest,
  type DecisionResult,
  type Role,
} from './messages';
import { rulesEditionOfRun } from './rules-edition';
import type { baseWorkflow } from './base';
import type { BaseInput } from './base-messages';
import type { NoticeInput, NoticeLevel, NoticeResult } from './notice-messages';
import { LsPrefecture, LsStage, LsUnitName, LsUnitType, LsYear } from './search-attributes';

export interface ApplicationInput {
  applicationId: string;
  year: number;
  unit: { name: string; type: string; prefectures: string[]; terrain?: string };
  applicant: { name: string; contactEmail: string; sub: string };
  materials: unknown;
  submittedAt: string;
  /**
   * Art. 11: the path a cross-prefecture unit chose, `province` (directly) or
   * the code of one of its prefectures, which then takes the prefecture steps
   * (domain/submission-path.ts). Absent for a single-prefecture unit, and in
   * runs started before the choice existed: a cross-prefecture unit then
   * goes directly to the province, as it always did.
   */
  submitVia?: string;
  /** Working days per step before escalation [interpretation: 10]. */
  stepWorkingDays?: number;
}

export interface ApplicationOutcome {
  stage: string;
  endReason: string | null;
  namedOn?: string | null;
  titleEndsOn?: string | null;
}

const NOTICE_LEVEL: Partial<Record<ApplicationStage, NoticeLevel>> = {
  prefectureNotice: 'prefecture',
  provinceNotice: 'province',
};

const nowIso = () => new Date(Date.now()).toISOString();

function refuse(kind: keyof typeof RefusalType, message: string, details?: unknown): never {
  throw ApplicationFailure.create({ type: RefusalType[kind], message, nonRetryable: true, ...(details ? { details: [details] } : {}) });
}

/**
 * The workflow, step by step; the state and the steps are ApplicationRun's.
 * mailReceipt and nextStage are not async: they return the very promise the
 * main line awaits, so it resumes on the same microtask turn as the activity
 * or stage itself. An extra turn could put its next command after, instead of
 * before, a decision handler's in the same activation, and the recorded
 * histories (test/histories/) hold that order.
 */
export async function applicationWorkflow(input: ApplicationInput): Promise<ApplicationOutcome> {
  const app = new ApplicationRun(input);
  app.registerHandlers();
  await app.record();
  await app.mailReceipt();
  while (!app.ended) await app.nextStage();
  return app.finish();
}

/** What a decision changed in the workflow's state: the stage it leads to, the tasks it settles, its writes beyond the audit entry. */
interface Effect {
  next: ApplicationStage;
  closes: string[];
  changes: ReadModelChange[];
}
type EffectOf<A extends ApplicationAction = ApplicationAction> = (run: ApplicationRun, request: ApplicationDecisionRequest<A>, from: ApplicationStage, next: ApplicationStage, at: string) => Effect;

/** The effect of a checked decision's own action (each entry of EFFECTS takes its action's request). */
function effectOf<A extends ApplicationAction>(request: ApplicationDecisionRequest<A>): EffectOf<A> {
  return EFFECTS[request.action as A];
}

/** One application's run: its state, read by the handlers and the main line, and its steps. */
class ApplicationRun {
  readonly workflowId = workflowInfo().workflowId;
  readonly stepWorkingDays: number;
  /** The rules this run checks decisions by (workflows/rules-edition.ts). */
  private readonly rulesEdition: number;
  /** The prefecture that takes the prefecture steps and gets their tasks; null when the application goes directly to the province (Art. 9–11). */
  private readonly homePrefecture: string | null;
  /** A cross-prefecture application through one of its prefectures: only that one decides (domain/scope.ts). */
  private readonly viaPrefecture: string | null;

  stage: ApplicationStage;
  endReason: string | null = null;
  namedOn: string | null = null;
  titleEndsOn: string | null = null;
  /** The notice the current notice stage's officer asked for (openNotice). */
  noticeRequest: { workingDays: number; publishedAt: string } | null = null;
  readonly assignedExperts: string[] = [];
  readonly opinionsFrom: string[] = [];
  readonly openTasks = new Map<string, OpenTask>();
  private readonly decisions: DecisionResult[] = [];
  /** The read-model row exists; decisions reference it (foreign key). */
  private recorded = false;
  /** Task rows being written (awaitDecision): a decision closing one waits for it. */
  private readonly writingTasks = new Set<string>();
  /** Mails started by a handler and not awaited there. */
  private readonly mails: MailQueue;
  /**
   * The workflow's count of stage changes, written with the stage: the row
   * keeps the latest stage whichever write commits first
   * (activities/record-act.ts).
   */
  private revision = 0;

  constructor(readonly input: ApplicationInput) {
    this.stepWorkingDays = input.stepWorkingDays ?? DEFAULT_STEP_WORKING_DAYS;
    // Without submitVia (runs started before the choice): the unit's only
    // prefecture, or none for a cross-prefecture unit, as before.
    this.homePrefecture = prefectureInCharge(input.unit.prefectures, input.submitVia);
    this.viaPrefecture = viaPrefectureOf(input.unit.prefectures, input.submitVia);
    this.stage = initialApplicationStage(input.unit.prefectures, input.submitVia);
    this.mails = mailQueue(patched(MAILS_IN_DECISION_ORDER));
    this.rulesEdition = rulesEditionOfRun();
  }

  get ended(): boolean {
    return isTerminalStage(this.stage);
  }

  // ---- The main line, in the order the workflow takes it.

  /** Handlers are arrows over the run: setHandler calls them without `this`. */
  registerHandlers(): void {
    setHandler(applicationStateQuery, () => this.state());
    setHandler(decideUpdate, (request) => this.decide(request), { validator: (request) => void this.check(request) });
    const { input } = this;
    registerChaseHandler({
      findTask: (taskId) => this.openTasks.get(taskId),
      prefectures: input.unit.prefectures,
      subject: { subjectType: 'application', subjectId: input.applicationId, applicationId: input.applicationId, workflowId: this.workflowId },
      mailSubjectId: input.applicationId,
      unitName: input.unit.name,
      unitEmail: input.applicant.contactEmail,
      resultStage: () => this.stage,
      writing: this.writingTasks,
    });
  }

  /** The search attributes and the application's row; decisions wait for the row. */
  async record(): Promise<void> {
    const { input } = this;
    upsertSearchAttributes([
      { key: LsStage, value: this.stage },
      { key: LsPrefecture, value: input.unit.prefectures },
      { key: LsYear, value: input.year },
      { key: LsUnitType, value: input.unit.type },
      { key: LsUnitName, value: input.unit.name },
    ]);
    this.showState();
    await acts.recordApplication({
      id: input.applicationId,
      workflowId: this.workflowId,
      year: input.year,
      unit: input.unit,
      applicant: input.applicant,
      materials: input.materials,
      stage: this.stage,
      submittedAt: input.submittedAt,
      submitVia: submissionPath(input.unit.prefectures, input.submitVia),
    });
    this.recorded = true;
  }

  /** The applicant's receipt. Not async: the main line awaits the activity itself. */
  mailReceipt(): Promise<unknown> {
    const { input } = this;
    return acts.notify({
      subjectId: input.applicationId,
      key: 'application.received',
      to: [{ email: input.applicant.contactEmail }],
      template: 'applicationReceived',
      params: { unitName: input.unit.name, applicationId: input.applicationId, year: input.year, prefecture: this.homePrefecture },
    });
  }

  /** The current stage's work, until it is decided. Not async: the main line awaits the step itself. */
  nextStage(): Promise<void> {
    const level = NOTICE_LEVEL[this.stage];
    if (level) return this.runNotice(this.stage, level);
    if (this.stage === 'expertReview') return this.expertReviews();
    return this.decideStage(this.stage);
  }

  async finish(): Promise<ApplicationOutcome> {
    // Let the last decision's handler finish its activities, and the mails
    // they started, before the run ends.
    await condition(allHandlersFinished);
    await this.mails.drained();
    if (this.stage === 'named' && this.namedOn) await this.startBase(this.namedOn);
    return { stage: this.stage, endReason: this.endReason, namedOn: this.namedOn, titleEndsOn: this.titleEndsOn };
  }

  // ---- The handlers.

  private state(): ApplicationState {
    const first = [...this.openTasks.values()][0] ?? null;
    return {
      applicationId: this.input.applicationId,
      stage: this.stage,
      endReason: this.endReason,
      openTask: first && { ...first },
      decisions: this.decisions,
    };
  }

  /** Checks a decision against the regulation's table; throws the refusal. */
  private check(request: ApplicationDecisionRequest): ApplicationStage {
    const result = checkApplicationDecision(
      {
        stage: this.stage,
        prefectures: this.input.unit.prefectures,
        applicantSub: this.input.applicant.sub,
        assignedExpertIds: this.assignedExperts,
        viaPrefecture: this.viaPrefecture,
        noticeOpened: this.noticeRequest !== null,
        opinionsFrom: this.opinionsFrom,
      },
      { action: request.action, actor: request.actor, reason: request.reason ?? null, payload: request.payload ?? {} },
      { at: Date.now(), edition: this.rulesEdition },
    );
    if (!result.ok) refuse(result.refusal.kind, result.refusal.zh, result.refusal);
    return result.to;
  }

  /** A person's decision (the `decide` Update): applied, recorded, answered, then mailed. */
  private async decide(request: ApplicationDecisionRequest): Promise<DecisionResult> {
    const { result, act, stageChanged } = this.apply(request);
    // An Update may arrive in the very first activation, before the
    // application row is written; its audit row references that row.
    await condition(() => this.recorded);
    await recordActNow(act, this.writingTasks);
    // The applicant's mail is not part of the decision's answer: it is
    // sent after, and the run does not end before it is (see finish).
    if (stageChanged) this.mailDecision(request);
    return result;
  }

  /**
   * Everything that decides happens here, before the handler's first await,
   * so a concurrent second decision is checked against the new state.
   */
  private apply(request: ApplicationDecisionRequest): { result: DecisionResult; act: ActRecord; stageChanged: boolean } {
    const from = this.stage;
    const checked = this.check(request);
    const at = nowIso();
    const effect = effectOf(request)(this, request, from, checked, at);
    const { next, closes } = effect;
    if (isTerminalStage(next)) this.endReason = request.reason ?? (request.action === 'withdraw' ? '建设主体撤回申报' : null);
    for (const id of closes) this.openTasks.delete(id);
    const result: DecisionResult = { decisionId: request.decisionId, action: request.action, stage: next };
    this.decisions.push(result);
    const stageChanged = next !== from;
    if (stageChanged) this.moveTo(next);
    else this.showState();
    const { applicationId } = this.input;
    const act: ActRecord = {
      audit: appliedEntry(request, { subjectType: 'application', subjectId: applicationId, applicationId, workflowId: this.workflowId }, next, at),
      changes: [...effect.changes, ...(stageChanged ? [this.stageChange()] : []), closeTasksChange(closes, request.decisionId, at)],
    };
    return { result, act, stageChanged };
  }

  private mailDecision(request: ApplicationDecisionRequest): void {
    const { input } = this;
    this.mails.enqueue(() =>
      acts.notify({
        subjectId: input.applicationId,
        key: `decision.${request.decisionId}`,
        to: [{ email: input.applicant.contactEmail }],
        template: 'decisionMade',
        params: { unitName: input.unit.name, action: request.action, reason: request.reason },
      }),
    );
  }

  // ---- The stages.

  /** Waits for the decision that settles a stage (its assignee's task). */
  private async decideStage(s: ApplicationStage): Promise<void> {
    const role = STAGE_ASSIGNEE[s];
    if (!role || role === 'public') return;
    await awaitDecision(this.step(s, role), () => this.stage !== s, this.track, this.writingTasks);
  }

  /** Each assigned expert has a task until their opinion is in (Art. 13). */
  private async expertReviews(): Promise<void> {
    const waiting = new Map<string, Promise<void>>();
    while (this.stage === 'expertReview') {
      for (const expertId of this.assignedExperts) {
        if (waiting.has(expertId) || this.opinionsFrom.includes(expertId)) continue;
        const [expert] = await acts.loadExperts([expertId]);
        waiting.set(
          expertId,
          awaitDecision(
            this.step('expertReview', 'expert', {
              taskKey: `expertReview.${expertId}`,
              assigneeSub: expertId,
              recipients: expert ? [{ email: expert.email }] : [{ role: 'provinceOfficer', prefecture: null }],
            }),
            () => this.stage !== 'expertReview' || this.opinionsFrom.includes(expertId),
            this.track,
            this.writingTasks,
          ),
        );
      }
      const known = this.assignedExperts.length;
      await condition(() => this.stage !== 'expertReview' || this.assignedExperts.length !== known);
    }
    await Promise.all(waiting.values());
  }

  /** A notice stage: the officer publishes it, the child runs it, its outcome decides. */
  private async runNotice(s: ApplicationStage, level: NoticeLevel): Promise<void> {
    const { input } = this;
    const role: Role = level === 'prefecture' ? 'prefectureOfficer' : 'provinceOfficer';
    await awaitDecision(this.step(`${s}.open`, role), () => this.stage !== s || this.noticeRequest !== null, this.track, this.writingTasks);
    if (this.stage !== s || !this.noticeRequest) return;
    const noticeInput: NoticeInput = {
      noticeId: `${this.workflowId}:notice:${level}`,
      applicationId: input.applicationId,
      level,
      prefectures: input.unit.prefectures,
      // A cross-prefecture unit's notice is run by the prefecture it applied through (Art. 11).
      ...(level === 'prefecture' && this.viaPrefecture ? { runningPrefecture: this.viaPrefecture } : {}),
      unit: { name: input.unit.name, type: input.unit.type },
      year: input.year,
      workingDays: this.noticeRequest.workingDays,
      publishedAt: this.noticeRequest.publishedAt,
      stepWorkingDays: this.stepWorkingDays,
    };
    // A withdrawal while the notice runs cancels it.
    let result: NoticeResult | undefined;
    const scope = new CancellationScope();
    const running = scope.run(async () => {
      const child = await startChild<(i: NoticeInput) => Promise<NoticeResult>>('noticeWorkflow', {
        workflowId: noticeInput.noticeId,
        staticSummary: noticeSummary(input.unit, input.year, level),
        args: [noticeInput],
      });
      result = await child.result();
    });
    await Promise.race([running, condition(() => this.stage !== s)]);
    if (this.stage !== s) {
      scope.cancel();
      await running.catch((error) => {
        if (!isCancellation(error)) throw error;
      });
      return;
    }
    if (!result) return;
    const stopped = result.outcome === 'stopped';
    if (stopped) this.endReason = result.reason ?? '公示期间投诉举报经查属实';
    await this.enterStage(s, stopped ? 'noticeStopped' : 'noticeClear');
    await acts.notify({
      subjectId: input.applicationId,
      key: `notice.${level}.ended`,
      to: [{ email: input.applicant.contactEmail }],
      template: 'noticeEnded',
      params: { unitName: input.unit.name, level, stopped, reason: stopped ? this.endReason : null },
    });
  }

  /**
   * The named base lives on in its own workflow for years (workflows/base.ts):
   * abandoned, not cancelled, when this run ends right after.
   */
  private async startBase(on: string): Promise<void> {
    const { input } = this;
    const baseInput: BaseInput = {
      baseId: input.applicationId,
      unit: { name: input.unit.name, type: input.unit.type, prefectures: input.unit.prefectures },
      applicant: input.applicant,
      namedOn: on,
      stepWorkingDays: this.stepWorkingDays,
    };
    await startChild<typeof baseWorkflow>('baseWorkflow', {
      workflowId: `base-${input.applicationId}`,
      staticSummary: baseSummary(input.unit, on),
      args: [baseInput],
      parentClosePolicy: ParentClosePolicy.ABANDON,
    });
  }

  // ---- Stage changes, tasks and what the Temporal UI shows.

  /** A decision's move: the stage, its search attribute and the UI's details. */
  private moveTo(next: ApplicationStage): void {
    this.stage = next;
    this.noticeRequest = null;
    this.revision += 1;
    upsertSearchAttributes([{ key: LsStage, value: next }]);
    this.showState();
  }

  /** A move the workflow makes by itself (a notice's outcome: AUTOMATIC_TRANSITIONS), recorded as the system's act for the timeline. */
  private async enterStage(from: ApplicationStage, event: 'noticeClear' | 'noticeStopped'): Promise<void> {
    const next = automaticNext('application', from, event);
    if (next === this.stage) return;
    this.moveTo(next);
    const { applicationId } = this.input;
    const subject = { subjectType: 'application', subjectId: applicationId, applicationId, workflowId: this.workflowId } as const;
    await recordActLater({ audit: automaticEntry(subject, event, this.revision, next, event === 'noticeStopped' ? this.endReason : null, nowIso()), changes: [this.stageChange()] });
  }

  /** The stage as the read model shows it, at this revision. Taken before any await. */
  private stageChange(): ReadModelChange {
    return { kind: 'applicationStage', applicationId: this.input.applicationId, revision: this.revision, stage: this.stage, endReason: this.endReason };
  }

  /** The Temporal UI's current details: the open tasks, or the stage (workflows/metadata.ts). */
  private showState(): void {
    showWaiting(this.openTasks.values(), isTerminalStage(this.stage) ? `已结束：${stageZh(this.stage)}` : `当前阶段：${stageZh(this.stage)}`);
  }

  private step(s: string, role: Role, extra: Partial<HumanStep> = {}): HumanStep {
    return {
      subjectType: 'application',
      subjectId: this.input.applicationId,
      unitName: this.input.unit.name,
      step: s,
      role,
      prefecture: role === 'prefectureOfficer' ? this.homePrefecture : null,
      workingDays: this.stepWorkingDays,
      ...extra,
    };
  }

  /** awaitDecision's onTask: an arrow, as it is passed without `this`. */
  private readonly track = (task: OpenTask): void => {
    this.openTasks.set(task.taskId, task);
    this.showState();
  };
}

// ---- What each decision does to the run (EFFECTS).

/** Most decisions settle the stage they were taken in: its task closes. */
function settleStage(_run: ApplicationRun, _request: unknown, from: ApplicationStage, next: ApplicationStage): Effect {
  return { next, closes: [taskIdFor({ step: from })], changes: [] };
}

/** A withdrawal ends every open task (Art. 5). */
const withdraw: EffectOf<'withdraw'> = (run, _request, _from, next) => ({ next, closes: [...run.openTasks.keys()], changes: [] });

/** The officer asks for the notice; runNotice starts its child. */
const openNotice: EffectOf<'openNotice'> = (run, { payload: p }, from, next, at) => {
  run.noticeRequest = { workingDays: p.workingDays, publishedAt: p.publishedAt ? new Date(p.publishedAt).toISOString() : at };
  return { next, closes: [taskIdFor({ step: `${from}.open` })], changes: [] };
};

const assignExperts: EffectOf<'assignExperts'> = (run, { payload: p }, from, next, at) => {
  const added = p.expertIds.filter((id) => !run.assignedExperts.includes(id));
  run.assignedExperts.push(...added);
  return {
    next,
    closes: [taskIdFor({ step: from })],
    changes: added.length ? [{ kind: 'expertAssignments', applicationId: run.input.applicationId, expertIds: added, assignedAt: at }] : [],
  };
};

/** The last opinion moves the review on by itself (AUTOMATIC_TRANSITIONS). */
const reviewOpinion: EffectOf<'reviewOpinion'> = (run, request, _from, next, at) => {
  const p = request.payload;
  run.opinionsFrom.push(request.actor.sub);
  return {
    next: run.assignedExperts.every((id) => run.opinionsFrom.includes(id)) ? automaticNext('application', 'expertReview', 'allOpinionsIn') : next,
    closes: [taskIdFor({ step: 'expertReview', taskKey: `expertReview.${request.actor.sub}` })],
    changes: [{ kind: 'expertOpinion', applicationId: run.input.applicationId, expertId: request.actor.sub, criteria: p.criteria, onSite: p.onSite, opinion: p.opinion, submittedAt: at }],
  };
};

const name: EffectOf<'name'> = (run, { payload }, from, next) => {
  const namedOn = payload?.namedOn ?? cstDateOf(Date.now());
  const titleEndsOn = titleTerm(namedOn).endsOn;
  run.namedOn = namedOn;
  run.titleEndsOn = titleEndsOn;
  return { next, closes: [taskIdFor({ step: from })], changes: [{ kind: 'naming', applicationId: run.input.applicationId, namedOn, titleEndsOn }] };
};

/** One effect per action of the table: the compiler refuses an action without one. */
const EFFECTS: { [A in ApplicationAction]: EffectOf<A> } = {
  withdraw,
  prefectureAccept: settleStage,
  prefectureReject: settleStage,
  openNotice,
  recommend: settleStage,
  assignExperts,
  reviewOpinion,
  concludeReview: settleStage,
  select: settleStage,
  provinceReject: settleStage,
  name,
};
