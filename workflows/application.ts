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
import { initialApplicationStage, isTerminalStage, type ApplicationStage } from '../domain/stages';
import { checkApplicationDecision, STAGE_ASSIGNEE } from '../domain/transitions';
import { acts, localActs } from './activity-proxies';
import { awaitDecision, taskIdFor, type HumanStep, type OpenTask } from './await-decision';
import { appliedEntry, closeTasks } from './decision-writes';
import { MAILS_IN_DECISION_ORDER, mailQueue } from './mail-queue';
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

/** Where a clean notice leads (Art. 11, 16). */
const AFTER_CLEAR_NOTICE: Record<NoticeLevel, ApplicationStage> = {
  prefecture: 'prefectureRecommendation',
  province: 'naming',
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
   * Read-model writes happen in the order the state changed: two decisions
   * in quick succession must not leave the first one's stage in the row.
   */
  let writesDone: Promise<void> = Promise.resolve();
  async function inOrder<T>(write: () => Promise<T>): Promise<T> {
    const previous = writesDone;
    let release!: () => void;
    writesDone = new Promise<void>((resolve) => (release = resolve));
    try {
      await previous;
      return await write();
    } finally {
      release();
    }
  }

  const enterStage = async (next: ApplicationStage) => {
    if (next === stage) return;
    stage = next;
    noticeRequest = null;
    upsertSearchAttributes([{ key: LsStage, value: next }]);
    await inOrder(() => acts.setApplicationStage({ applicationId: input.applicationId, stage: next, endReason }));
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

  setHandler(
    decideUpdate,
    async (request): Promise<DecisionResult> => {
      // Everything that decides happens before the first await, so a
      // concurrent second decision is checked against the new state.
      const from = stage;
      let next = check(request);
      const at = nowIso();
      const payload = request.payload ?? {};
      let newExperts: string[] = [];
      let closes: string[] = [];
      switch (request.action) {
        case 'openNotice':
          noticeRequest = {
            workingDays: payload.workingDays as number,
            publishedAt: typeof payload.publishedAt === 'string' ? new Date(payload.publishedAt).toISOString() : at,
          };
          closes = [taskIdFor({ step: `${from}.open` })];
          break;
        case 'assignExperts':
          newExperts = (payload.expertIds as string[]).filter((id) => !assignedExperts.includes(id));
          assignedExperts.push(...newExperts);
          closes = [taskIdFor({ step: from })];
          break;
        case 'reviewOpinion':
          opinionsFrom.push(request.actor.sub);
          closes = [taskIdFor({ step: 'expertReview', taskKey: `expertReview.${request.actor.sub}` })];
          // The last opinion moves the review on by itself (AUTOMATIC_TRANSITIONS).
          if (assignedExperts.every((id) => opinionsFrom.includes(id))) next = 'reviewConclusion';
          break;
        case 'name':
          namedOn = typeof payload.namedOn === 'string' ? payload.namedOn : cstDateOf(Date.now());
          titleEndsOn = titleTerm(namedOn).endsOn;
          closes = [taskIdFor({ step: from })];
          break;
        default:
          // Every other decision settles the stage it was taken in; a withdrawal ends them all.
          closes = request.action === 'withdraw' ? [...openTasks.keys()] : [taskIdFor({ step: from })];
      }
      if (isTerminalStage(next)) endReason = request.reason ?? (request.action === 'withdraw' ? '建设主体撤回申报' : null);
      for (const id of closes) openTasks.delete(id);
      const result: DecisionResult = { decisionId: request.decisionId, action: request.action, stage: next };
      decisions.push(result);
      const stageChanges = next !== from;
      if (stageChanges) {
        stage = next;
        noticeRequest = null;
      }

      // An Update may arrive in the very first activation, before the
      // application row is written; its audit row references that row.
      await condition(() => recorded);
      await inOrder(async () => {
        // The writes are independent of each other (each idempotent): run them
        // together, so the Update answers after one round of local activities.
        const writes: Array<Promise<unknown>> = [
          localActs.recordDecision(appliedEntry(request, { subjectType: 'application', subjectId: input.applicationId, applicationId: input.applicationId, workflowId }, next, at)),
          ...closeTasks(closes, writingTasks, request.decisionId, at),
        ];
        if (newExperts.length) {
          writes.push(localActs.recordExpertAssignments({ applicationId: input.applicationId, expertIds: newExperts, assignedAt: at }));
        }
        if (request.action === 'reviewOpinion') {
          writes.push(
            localActs.recordExpertOpinion({
              applicationId: input.applicationId,
              expertId: request.actor.sub,
              criteria: payload.criteria,
              onSite: payload.onSite === true,
              opinion: String(payload.opinion ?? ''),
              submittedAt: at,
            }),
          );
        }
        if (namedOn && titleEndsOn && request.action === 'name') {
          writes.push(localActs.recordNaming({ applicationId: input.applicationId, namedOn, titleEndsOn }));
        }
        if (stageChanges) {
          upsertSearchAttributes([{ key: LsStage, value: next }]);
          writes.push(localActs.setApplicationStage({ applicationId: input.applicationId, stage: next, endReason }));
        }
        await Promise.all(writes);
      });
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
    await enterStage(stopped ? 'stopped' : AFTER_CLEAR_NOTICE[level]);
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
