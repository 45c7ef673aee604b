// Messages shared by workflows and their clients (the API): define once,
// import in both. Decisions by people are Updates, so the caller gets either
// the new state or a refusal with its reason before anything is recorded.
import { defineQuery, defineUpdate } from '@temporalio/workflow';
import type { Actor as DomainActor, Role as DomainRole } from '../domain/roles';
import type { RefusalKind } from '../domain/problems';
import type { ApplicationDecision, BaseDecision } from '../domain/decision-payloads';
import type { ApplicationAction, BaseAction } from '../domain/transitions';

/** Roles that sign in (the public has no token). */
export type Role = Exclude<DomainRole, 'public'>;

/** Who acts, as the API authenticated them. */
export interface Actor extends DomainActor {
  role: Role;
  name?: string;
  /** Administrative division code of a prefecture officer or applicant. */
  prefecture?: string;
  email?: string;
}

/** Who decides, and the id that makes a retry apply once. */
interface DecisionEnvelope {
  /** Client-supplied, used as the Update id: a retried request is applied once. */
  decisionId: string;
  actor: Actor;
  reason?: string;
}

/**
 * A person's decision: the envelope and one action of the regulation's table
 * with its typed payload (domain/decision-payloads.ts), a discriminated union
 * on `action`.
 */
export type DecisionRequest<D extends { action: string } = ApplicationDecision | BaseDecision> = DecisionEnvelope & D;
export type ApplicationDecisionRequest<A extends ApplicationAction = ApplicationAction> = DecisionRequest<ApplicationDecision<A>>;
export type BaseDecisionRequest<A extends BaseAction = BaseAction> = DecisionRequest<BaseDecision<A>>;

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

/** Both workflows take decisions by the same Update name, each with its own actions. */
export const decideUpdate = defineUpdate<DecisionResult, [ApplicationDecisionRequest]>('decide');
export const decideBaseUpdate = defineUpdate<DecisionResult, [BaseDecisionRequest]>('decide');
export const applicationStateQuery = defineQuery<ApplicationState>('applicationState');

/**
 * Failure types of refused decisions, thrown as ApplicationFailure by update
 * validators and handlers; the API maps them to 403, 409 and 422.
 */
export const RefusalType: Readonly<Record<RefusalKind, string>> = {
  forbidden: 'DecisionForbidden',
  conflict: 'DecisionConflict',
  invalid: 'DecisionInvalid',
};
