// Messages shared by workflows and their clients (the API): define once,
// import in both. Decisions by people are Updates, so the caller gets either
// the new state or a refusal with its reason before anything is recorded.
import { defineQuery, defineUpdate } from '@temporalio/workflow';

export type Role = 'applicant' | 'prefectureOfficer' | 'provinceOfficer' | 'expert' | 'ops';

/** Who acts, as the API authenticated them. */
export interface Actor {
  sub: string;
  role: Role;
  name?: string;
  /** Administrative division code of a prefecture officer or applicant. */
  prefecture?: string;
  email?: string;
}

export interface DecisionRequest {
  /** Client-supplied, used as the Update id: a retried request is applied once. */
  decisionId: string;
  action: string;
  actor: Actor;
  reason?: string;
  payload?: Record<string, unknown>;
}

export interface DecisionResult {
  decisionId: string;
  action: string;
  stage: string;
}

export interface OpenTaskView {
  taskId: string;
  step: string;
  role: Role;
  prefecture: string | null;
  dueAt: string;
  escalationLevel: number;
}

export interface ApplicationState {
  applicationId: string;
  stage: string;
  endReason: string | null;
  openTask: OpenTaskView | null;
  decisions: DecisionResult[];
}

export const decideUpdate = defineUpdate<DecisionResult, [DecisionRequest]>('decide');
export const applicationStateQuery = defineQuery<ApplicationState>('applicationState');

/**
 * Failure types of refused decisions, thrown as ApplicationFailure by update
 * validators and handlers; the API maps them to 403, 409 and 422.
 */
export const RefusalType = {
  forbidden: 'DecisionForbidden',
  conflict: 'DecisionConflict',
  invalid: 'DecisionInvalid',
} as const;
