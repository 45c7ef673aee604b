// The application lifecycle (Art. 7-16), one workflow per application, id
// `application-<id>`. This first slice runs submission and the prefecture
// pre-review (Art. 9) of a unit in one prefecture: it records the
// application, waits for the prefecture officer's decision with a due date
// (reminders, escalation), and applies it, or the applicant's withdrawal,
// through an Update validated by the regulation's transition table. The
// rest of the lifecycle (notices, recommendation, the province's review,
// naming) and cross-prefecture units are issue 4.
import { ApplicationFailure, allHandlersFinished, condition, setHandler, upsertSearchAttributes, workflowInfo } from '@temporalio/workflow';
import { DEFAULT_STEP_WORKING_DAYS } from '../domain/deadlines';
import { isTerminalStage, type ApplicationStage } from '../domain/stages';
import { checkApplicationDecision } from '../domain/transitions';
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

/**
 * The decisions this slice applies: the prefecture pre-review's outcomes and
 * withdrawal, which need no state beyond the stage. The regulation's other
 * actions (domain/transitions.ts) arrive with the rest of the lifecycle.
 */
const SLICE_ACTIONS: ReadonlySet<string> = new Set(['prefectureAccept', 'prefectureReject', 'withdraw']);

/** Checks a decision against the regulation's table; throws the refusal. */
function checkDecision(stage: ApplicationStage, input: ApplicationInput, request: DecisionRequest): ApplicationStage {
  const check = checkApplicationDecision(
    { stage, prefectures: input.unit.prefectures, applicantSub: input.applicant.sub },
    { action: request.action, actor: request.actor, reason: request.reason ?? null, payload: request.payload ?? {} },
    { at: Date.now() },
  );
  if (!check.ok) {
    throw ApplicationFailure.create({
      type: RefusalType[check.refusal.kind],
      message: check.refusal.zh,
      details: [check.refusal],
      nonRetryable: true,
    });
  }
  if (!SLICE_ACTIONS.has(request.action)) {
    throw ApplicationFailure.create({ type: RefusalType.conflict, message: `“${request.action}”在本阶段尚不能办理`, nonRetryable: true });
  }
  return check.to;
}

export async function applicationWorkflow(input: ApplicationInput): Promise<ApplicationOutcome> {
  const { workflowId } = workflowInfo();
  let stage: ApplicationStage = 'prefectureReview';
  let endReason: string | null = null;
  let openTask: OpenTask | null = null;
  const decisions: DecisionResult[] = [];

  const setStage = async (next: ApplicationStage) => {
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
      const next = checkDecision(stage, input, request);
      endReason = isTerminalStage(next) ? (request.reason ?? request.action) : null;
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
    { validator: (request) => void checkDecision(stage, input, request) },
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
