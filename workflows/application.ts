// The application lifecycle (Art. 7-16), one workflow per application, id
// `application-<id>`: from submission through the prefecture's pre-review,
// notice and recommendation (or straight to the province for a
// cross-prefecture unit), the province's expert review, selection and
// notice, to naming. Every step that waits for a person is a task with a due
// date (workflows/await-decision.ts); every decision is an Update checked by
// the regulation's transition table (domain/transitions.ts) before anything
// is recorded; notices run as child workflows (workflows/notice.ts).
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
import { payloadOf, type ApplicationPayloads } from '../domain/decision-payloads';
import { automaticNext, checkApplicationDecision, STAGE_ASSIGNEE, type ApplicationAction } from '../domain/transitions';
import type { ActRecord, ReadModelChange } from '../activities/record-act';
import { acts } from './activity-proxies';
import { awaitDecision, taskIdFor, type HumanStep, type OpenTask } from './await-decision';
import { appliedEntry, closeTasksChange, recordActLater, recordActNow } from './decision-writes';
import { MAILS_IN_DECISION_ORDER, mailQueue } from './mail-queue';
import { baseSummary, noticeSummary, showWaiting } from './metadata';
import {
  applicationStateQuery,
  decideUpdate,
  RefusalType,
  type ApplicationState,
  type DecisionRequest,
  type DecisionResult,
  type Role,
} from './messages';
import type { baseWorkflow } from './base';
import type { BaseInput } from './base-messages';
import type { NoticeInput, NoticeLevel, NoticeResult } from './notice-messages';
import { LsPrefecture, LsStage, LsUnitType, LsYear } from './search-attributes';

export interface ApplicationInput {
  applicationId: string;
  year: number;
  unit: { name: string; type: string; prefectures: string[]; terrain?: string };
  applicant: { name: string; contactEmail: string; sub: string };
  materials: unknown;
  submittedAt: string;
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

export async function applicationWorkflow(input: ApplicationInput): Promise<ApplicationOutcome> {
  const { workflowId } = workflowInfo();
  const stepWorkingDays = input.stepWorkingDays ?? DEFAULT_STEP_WORKING_DAYS;
  const homePrefecture = input.unit.prefectures.length === 1 ? (input.unit.prefectures[0] ?? null) : null;

  let stage: ApplicationStage = initialApplicationStage(input.unit.prefectures);
  let endReason: string | null = null;
  let namedOn: string | null = null;
  let titleEndsOn: string | null = null;
  /** The notice the current notice stage's officer asked for (openNotice). */
  let noticeRequest: { workingDays: number; publishedAt: string } | null = null;
  const assignedExperts: string[] = [];
  const opinionsFrom: string[] = [];
  const openTasks = new Map<string, OpenTask>();
  const decisions: DecisionResult[] = [];
  /** The read-model row exists; decisions reference it (foreign key). */
  let recorded = false;
  /** Task rows being written (awaitDecision): a decision closing one waits for it. */
  const writingTasks = new Set<string>();
  /** Mails started by a handler and not awaited there. */
  const mails = mailQueue(patched(MAILS_IN_DECISION_ORDER));

  const facts = () => ({
    stage,
    prefectures: input.unit.prefectures,
    applicantSub: input.applicant.sub,
    assignedExpertIds: assignedExperts,
    noticeOpened: noticeRequest !== null,
    opinionsFrom,
  });

  /** Checks a decision against the regulation's table; throws the refusal. */
  function check(request: DecisionRequest): ApplicationStage {
    const result = checkApplicationDecision(
      facts(),
      { action: request.action, actor: request.actor, reason: request.reason ?? null, payload: request.payload ?? {} },
      { at: Date.now() },
    );
    if (!result.ok) refuse(result.refusal.kind, result.refusal.zh, result.refusal);
    return result.to;
  }

  /**
   * The workflow's count of stage changes, written with the stage: the row
   * keeps the latest stage whichever write commits first
   * (activities/record-act.ts).
   */
  let revision = 0;
  /** The stage as the read model shows it, at this revision. Taken before any await. */
  const stageChange = (): ReadModelChange => ({ kind: 'applicationStage', applicationId: input.applicationId, revision, stage, endReason });
  /** The Temporal UI's current details: the open tasks, or the stage (workflows/metadata.ts). */
  const showState = () => showWaiting(openTasks.values(), isTerminalStage(stage) ? `已结束：${stageZh(stage)}` : `当前阶段：${stageZh(stage)}`);
  const moveTo = (next: ApplicationStage) => {
    stage = next;
    noticeRequest = null;
    revision += 1;
    upsertSearchAttributes([{ key: LsStage, value: next }]);
    showState();
  };

  /** A move the workflow makes by itself (a notice's outcome: AUTOMATIC_TRANSITIONS). */
  const enterStage = async (next: ApplicationStage) => {
    if (next === stage) return;
    moveTo(next);
    await recordActLater({ changes: [stageChange()] });
  };

  setHandler(applicationStateQuery, (): ApplicationState => {
    const first = [...openTasks.values()][0] ?? null;
    return {
      applicationId: input.applicationId,
      stage,
      endReason,
      openTask: first && { ...first },
      decisions,
    };
  });

  /** What a decision changed in the workflow's state: the stage it leads to, the tasks it settles, its writes beyond the audit entry. */
  interface Effect {
    next: ApplicationStage;
    closes: string[];
    changes: ReadModelChange[];
  }
  type EffectOf = (request: DecisionRequest, from: ApplicationStage, next: ApplicationStage, at: string) => Effect;

  /** Most decisions settle the stage they were taken in: its task closes. */
  const settleStage: EffectOf = (_request, from, next) => ({ next, closes: [taskIdFor({ step: from })], changes: [] });

  /** A withdrawal ends every open task (Art. 5). */
  const withdraw: EffectOf = (_request, _from, next) => ({ next, closes: [...openTasks.keys()], changes: [] });

  /** The officer asks for the notice; runNotice starts its child. */
  const openNotice: EffectOf = (request, from, next, at) => {
    const p = payloadOf<ApplicationPayloads, 'openNotice'>('openNotice', request.payload);
    noticeRequest = { workingDays: p.workingDays, publishedAt: p.publishedAt ? new Date(p.publishedAt).toISOString() : at };
    return { next, closes: [taskIdFor({ step: `${from}.open` })], changes: [] };
  };

  const assignExperts: EffectOf = (request, from, next, at) => {
    const p = payloadOf<ApplicationPayloads, 'assignExperts'>('assignExperts', request.payload);
    const added = p.expertIds.filter((id) => !assignedExperts.includes(id));
    assignedExperts.push(...added);
    return {
      next,
      closes: [taskIdFor({ step: from })],
      changes: added.length ? [{ kind: 'expertAssignments', applicationId: input.applicationId, expertIds: added, assignedAt: at }] : [],
    };
  };

  /** The last opinion moves the review on by itself (AUTOMATIC_TRANSITIONS). */
  const reviewOpinion: EffectOf = (request, _from, next, at) => {
    const p = payloadOf<ApplicationPayloads, 'reviewOpinion'>('reviewOpinion', request.payload);
    opinionsFrom.push(request.actor.sub);
    return {
      next: assignedExperts.every((id) => opinionsFrom.includes(id)) ? automaticNext('application', 'expertReview', 'allOpinionsIn') : next,
      closes: [taskIdFor({ step: 'expertReview', taskKey: `expertReview.${request.actor.sub}` })],
      changes: [{ kind: 'expertOpinion', applicationId: input.applicationId, expertId: request.actor.sub, criteria: p.criteria, onSite: p.onSite, opinion: p.opinion, submittedAt: at }],
    };
  };

  const name: EffectOf = (request, from, next) => {
    const p = payloadOf<ApplicationPayloads, 'name'>('name', request.payload);
    namedOn = p.namedOn ?? cstDateOf(Date.now());
    titleEndsOn = titleTerm(namedOn).endsOn;
    return { next, closes: [taskIdFor({ step: from })], changes: [{ kind: 'naming', applicationId: input.applicationId, namedOn, titleEndsOn }] };
  };

  /** One effect per action of the table: the compiler refuses an action without one. */
  const EFFECTS: Record<ApplicationAction, EffectOf> = {
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

  setHandler(
    decideUpdate,
    async (request): Promise<DecisionResult> => {
      // Everything that decides happens before the first await, so a
      // concurrent second decision is checked against the new state.
      const from = stage;
      const checked = check(request);
      const at = nowIso();
      // check() accepted the action: it is one of the table's.
      const effect = EFFECTS[request.action as ApplicationAction](request, from, checked, at);
      const { next, closes } = effect;
      if (isTerminalStage(next)) endReason = request.reason ?? (request.action === 'withdraw' ? '建设主体撤回申报' : null);
      for (const id of closes) openTasks.delete(id);
      const result: DecisionResult = { decisionId: request.decisionId, action: request.action, stage: next };
      decisions.push(result);
      const stageChanges = next !== from;
      if (stageChanges) moveTo(next);
      else showState();
      const act: ActRecord = {
        audit: appliedEntry(request, { subjectType: 'application', subjectId: input.applicationId, applicationId: input.applicationId, workflowId }, next, at),
        changes: [...effect.changes, ...(stageChanges ? [stageChange()] : []), closeTasksChange(closes, request.decisionId, at)],
      };

      // An Update may arrive in the very first activation, before the
      // application row is written; its audit row references that row.
      await condition(() => recorded);
      await recordActNow(act, writingTasks);
      if (stageChanges) {
        // The applicant's mail is not part of the decision's answer: it is
        // sent after, and the run does not end before it is (see the end).
        mails.enqueue(() =>
          acts.notify({
            subjectId: input.applicationId,
            key: `decision.${request.decisionId}`,
            to: [{ email: input.applicant.contactEmail }],
            template: 'decisionMade',
            params: { unitName: input.unit.name, action: request.action, reason: request.reason },
          }),
        );
      }
      return result;
    },
    { validator: (request) => void check(request) },
  );

  const step = (s: string, role: Role, extra: Partial<HumanStep> = {}): HumanStep => ({
    subjectType: 'application',
    subjectId: input.applicationId,
    unitName: input.unit.name,
    step: s,
    role,
    prefecture: role === 'prefectureOfficer' ? homePrefecture : null,
    workingDays: stepWorkingDays,
    ...extra,
  });
  const track = (task: OpenTask) => {
    openTasks.set(task.taskId, task);
    showState();
  };

  /** Waits for the decision that settles a stage (its assignee's task). */
  async function decideStage(s: ApplicationStage): Promise<void> {
    const role = STAGE_ASSIGNEE[s];
    if (!role || role === 'public') return;
    await awaitDecision(step(s, role), () => stage !== s, track, writingTasks);
  }

  /** Each assigned expert has a task until their opinion is in (Art. 13). */
  async function expertReviews(): Promise<void> {
    const waiting = new Map<string, Promise<void>>();
    while (stage === 'expertReview') {
      for (const expertId of assignedExperts) {
        if (waiting.has(expertId) || opinionsFrom.includes(expertId)) continue;
        const [expert] = await acts.loadExperts([expertId]);
        waiting.set(
          expertId,
          awaitDecision(
            step('expertReview', 'expert', {
              taskKey: `expertReview.${expertId}`,
              assigneeSub: expertId,
              recipients: expert ? [{ email: expert.email }] : [{ role: 'provinceOfficer', prefecture: null }],
            }),
            () => stage !== 'expertReview' || opinionsFrom.includes(expertId),
            track,
            writingTasks,
          ),
        );
      }
      const known = assignedExperts.length;
      await condition(() => stage !== 'expertReview' || assignedExperts.length !== known);
    }
    await Promise.all(waiting.values());
  }

  /** A notice stage: the officer publishes it, the child runs it, its outcome decides. */
  async function runNotice(s: ApplicationStage, level: NoticeLevel): Promise<void> {
    const role: Role = level === 'prefecture' ? 'prefectureOfficer' : 'provinceOfficer';
    await awaitDecision(step(`${s}.open`, role), () => stage !== s || noticeRequest !== null, track, writingTasks);
    if (stage !== s || !noticeRequest) return;
    const noticeInput: NoticeInput = {
      noticeId: `${workflowId}:notice:${level}`,
      applicationId: input.applicationId,
      level,
      prefectures: input.unit.prefectures,
      unit: { name: input.unit.name, type: input.unit.type },
      year: input.year,
      workingDays: noticeRequest.workingDays,
      publishedAt: noticeRequest.publishedAt,
      stepWorkingDays,
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
    await Promise.race([running, condition(() => stage !== s)]);
    if (stage !== s) {
      scope.cancel();
      await running.catch((error) => {
        if (!isCancellation(error)) throw error;
      });
      return;
    }
    if (!result) return;
    const stopped = result.outcome === 'stopped';
    if (stopped) endReason = result.reason ?? '公示期间投诉举报经查属实';
    await enterStage(automaticNext('application', s, stopped ? 'noticeStopped' : 'noticeClear'));
    await acts.notify({
      subjectId: input.applicationId,
      key: `notice.${level}.ended`,
      to: [{ email: input.applicant.contactEmail }],
      template: 'noticeEnded',
      params: { unitName: input.unit.name, level, stopped, reason: stopped ? endReason : null },
    });
  }

  /**
   * The named base lives on in its own workflow for years (workflows/base.ts):
   * abandoned, not cancelled, when this run ends right after.
   */
  async function startBase(on: string): Promise<void> {
    const baseInput: BaseInput = {
      baseId: input.applicationId,
      unit: { name: input.unit.name, type: input.unit.type, prefectures: input.unit.prefectures },
      applicant: input.applicant,
      namedOn: on,
      stepWorkingDays,
    };
    await startChild<typeof baseWorkflow>('baseWorkflow', {
      workflowId: `base-${input.applicationId}`,
      staticSummary: baseSummary(input.unit, on),
      args: [baseInput],
      parentClosePolicy: ParentClosePolicy.ABANDON,
    });
  }

  upsertSearchAttributes([
    { key: LsStage, value: stage },
    { key: LsPrefecture, value: input.unit.prefectures },
    { key: LsYear, value: input.year },
    { key: LsUnitType, value: input.unit.type },
  ]);
  showState();
  await acts.recordApplication({
    id: input.applicationId,
    workflowId,
    year: input.year,
    unit: input.unit,
    applicant: input.applicant,
    materials: input.materials,
    stage,
    submittedAt: input.submittedAt,
  });
  recorded = true;
  await acts.notify({
    subjectId: input.applicationId,
    key: 'application.received',
    to: [{ email: input.applicant.contactEmail }],
    template: 'applicationReceived',
    params: { unitName: input.unit.name, applicationId: input.applicationId, year: input.year },
  });

  while (!isTerminalStage(stage)) {
    const level = NOTICE_LEVEL[stage];
    if (level) await runNotice(stage, level);
    else if (stage === 'expertReview') await expertReviews();
    else await decideStage(stage);
  }

  // Let the last decision's handler finish its activities, and the mails
  // they started, before the run ends.
  await condition(allHandlersFinished);
  await mails.drained();
  if (stage === 'named' && namedOn) await startBase(namedOn);
  return { stage, endReason, namedOn, titleEndsOn };
}
