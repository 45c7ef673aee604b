// Decisions as a client may send them, unchecked. The workflows' `decide`
// Updates are typed by the regulation's table (workflows/messages.ts), but
// what arrives on the wire is checked by the workflow's validator, and the
// refusal tests send unknown actions and payloads that do not fit on purpose.
import type { Actor, ApplicationDecisionRequest, BaseDecisionRequest } from '../../workflows/messages';

export interface LooseDecision {
  decisionId: string;
  actor: Actor;
  reason?: string;
  action: string;
  payload?: Record<string, unknown>;
}

export const uncheckedApplicationDecision = (r: LooseDecision): ApplicationDecisionRequest => r as ApplicationDecisionRequest;
export const uncheckedBaseDecision = (r: LooseDecision): BaseDecisionRequest => r as BaseDecisionRequest;
