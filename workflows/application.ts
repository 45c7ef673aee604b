// The application lifecycle (Art. 7-16), one workflow per application, id
// `application-<id>`. This first slice runs submission and the prefecture
// pre-review (Art. 9): it records the application, waits for the prefecture
// officer's decision with a due date (reminders, escalation), and applies it
// through a validated Update. Issue 4 continues the lifecycle from here.
import { ApplicationFailure, allHandlersFinished, condition, setHandler, upsertSearchAttributes, workflowInfo } from '@temporalio/workflow';
import { DEFAULT_STEP_WORKING_DAYS } from '../domain/deadlines';
import { acts } from './activity-proxies';
import { awaitDecision, type OpenTask } from './await-decision';
import {
  applicationStateQuery,
  decideUpdate,
  RefusalType,
  type ApplicationState,
  type DecisionRequest,
  type DecisionResult,
} from './messages';
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
}

/** What the prefecture pre-review accepts, and who may decide it. */
function refusePrefectureReview(stage: string, input: ApplicationInput, request: DecisionRequest): void {
  const { action, actor } = request;
  if (action !== 'prefectureAccept' && action !== 'prefectureReject') {
    throw ApplicationFailure.create({ type: RefusalType.conflict, message: `“${action}”不能在当前阶段（${stage}）办理`, nonRetryable: true });
  }
  if (stage !== 'prefectureReview') {
    throw ApplicationFailure.create({ type: RefusalType.conflict, message: `申报已不在市（州）预审阶段（当前：${stage}）`, nonRetryable: true });
  }
  if (actor.role !== 'prefectureOfficer') {
    throw ApplicationFailure.create({ type: RefusalType.forbidden, message: '只有市（州）生态环境部门可以办理预审', nonRetryable: true });
  }
  if (!actor.prefecture || !input.unit.prefectures.includes(actor.prefecture)) {
    throw ApplicationFailure.create({ type: RefusalType.forbidden, message: '该申报不属于您所在的市（州）', nonRetryable: true });
  }
  if (action === 'prefectureReject' && !request.reason?.trim()) {
    throw ApplicationFailure.create({ type: RefusalType.invalid, message: '预审不通过须说明理由（第九条）', nonRetryable: true });
  }
}

export async function applicationWorkflow(input: ApplicationInput): Promise<ApplicationOutcome> {
  const { workflowId } = workflowInfo();
  let stage = 'prefectureReview';
  let endReason: string | null = null;
  let openTask: OpenTask | null = null;
  const decisions: DecisionResult[] = [];

  const setStage = async (next: string) => {
    stage = next;
    upsertSearchAttributes([{ key: LsStage, value: next }]);
    await acts.setApplicationStage({ applicationId: input.applicationId, stage: next, endReason });
  };

  setHandler(applicationStateQuery, (): ApplicationState => ({
    applicationId: input.applicationId,
    stage,
    endReason,
    openTask,
    decisions,
  }));

  setHandler(
    decideUpdate,
    async (request): Promise<DecisionResult> => {
      const task = openTask;
      const at = new Date(Date.now()).toISOString();
      // Decide synchronously, before any await, so a concurrent second
      // decision is refused by the validator as "wrong stage".
      const accepted = request.action === 'prefectureAccept';
      endReason = accepted ? null : (request.reason ?? null);
      const next = accepted ? 'prefectureNotice' : 'rejected';
      stage = next;
      openTask = null;
      const result: DecisionResult = { decisionId: request.decisionId, action: request.action, stage: next };
      decisions.push(result);

      await acts.recordDecision({
        decisionId: request.decisionId,
        subjectType: 'application',
        subjectId: input.applicationId,
        applicationId: input.applicationId,
        workflowId,
        action: request.action,
        actorSub: request.actor.sub,
        actorRole: request.actor.role,
        actorPrefecture: request.actor.prefecture ?? null,
        reason: request.reason ?? null,
        payload: request.payload ?? {},
        outcome: 'applied',
        resultStage: next,
        at,
      });
      if (task) await acts.closeTask({ taskId: task.taskId, decisionId: request.decisionId, closedAt: at });
      await setStage(next);
      await acts.notify({
        subjectId: input.applicationId,
        key: `decision.${request.decisionId}`,
        to: [{ email: input.applicant.contactEmail }],
        template: 'decisionMade',
        params: { unitName: input.unit.name, action: request.action, reason: request.reason },
      });
      return result;
    },
    { validator: (request) => refusePrefectureReview(stage, input, request) },
  );

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
  await acts.notify({
    subjectId: input.applicationId,
    key: 'application.received',
    to: [{ email: input.applicant.contactEmail }],
    template: 'applicationReceived',
    params: { unitName: input.unit.name, applicationId: input.applicationId, year: input.year },
  });

  const prefecture = input.unit.prefectures[0] ?? null;
  await awaitDecision(
    {
      subjectType: 'application',
      subjectId: input.applicationId,
      unitName: input.unit.name,
      step: 'prefectureReview',
      role: 'prefectureOfficer',
      prefecture,
      workingDays: input.stepWorkingDays ?? DEFAULT_STEP_WORKING_DAYS,
    },
    () => stage !== 'prefectureReview',
    (task) => {
      openTask = task;
    },
  );

  // Let the decision's handler finish its activities before the run ends.
  await condition(allHandlersFinished);
  return { stage, endReason };
}
