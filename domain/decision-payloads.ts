// The payload of each decision as a type, beside the regulation's table
// (domain/transitions.ts), whose FieldSpecs check it at run time. From these
// types come the decision unions the `decide` Updates take (DecisionOf), and
// the workflows key their effects by these action names
// (`{ [A in BaseAction]: EffectOf<A> }`), so an action added to the table
// without an effect, or an effect reading a field its action lacks, does not
// compile.
import { APPLICATION_ACTIONS, BASE_ACTIONS, type ApplicationAction, type BaseAction } from './transitions';

/** What a grave act rests on (domain/grave-acts.ts): the deliberation. */
export type Deliberation = {
  deliberationBody: string;
  deliberationDate: string;
  minutesFileId: string;
};

/** The evidence an Art. 24 ground names (all but ground 6, which is on record). */
export type Evidence = {
  evidenceTitle?: string;
  evidenceDate?: string;
  evidenceFileIds?: string[];
};

export interface ApplicationPayloads {
  withdraw: Record<string, never>;
  prefectureAccept: Record<string, never>;
  prefectureReject: Record<string, never>;
  openNotice: { workingDays: number; publishedAt?: string };
  recommend: { governmentConsent: true; opinion: string };
  assignExperts: { expertIds: string[] };
  reviewOpinion: { criteria: Record<string, number>; onSite: boolean; opinion: string };
  concludeReview: { passed: boolean };
  select: Record<string, never>;
  provinceReject: Record<string, never>;
  name: { namedOn?: string } & Deliberation;
}

export interface BasePayloads {
  requireRectification: { requirements: string | string[]; deadline: string };
  verifyRectification: { completed: boolean };
  concludeEvaluation: { outcome: 'pass' | 'rectify' | 'sanction'; evaluationBasis?: unknown };
  renew: Record<string, never>;
  warn: { ground: number; requirements?: string | string[]; deadline?: string } & Deliberation & Evidence;
  revoke: { ground: number } & Deliberation & Evidence;
  recommendNational: { exceptionReason?: string };
}

// Both maps name exactly the table's actions (a compile error otherwise).
type Exactly<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const applicationKeys: Exactly<keyof ApplicationPayloads, ApplicationAction> = true;
const baseKeys: Exactly<keyof BasePayloads, BaseAction> = true;
void applicationKeys;
void baseKeys;

/**
 * One action with its payload: `{ action: 'warn', payload: { ground, ... } }`.
 * A payload whose fields are all optional may be left out. The unions of all
 * of them are what the workflows' `decide` Updates take (workflows/messages.ts),
 * so `switch (decision.action)` narrows the payload with no cast.
 */
export type DecisionOf<P, A extends keyof P = keyof P> = {
  // `{} extends X`: are all of X's fields optional? Then the payload may be left out.
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type
  [K in A]: { action: K } & ({} extends P[K] ? { payload?: P[K] } : { payload: P[K] });
}[A];

export type ApplicationDecision<A extends ApplicationAction = ApplicationAction> = DecisionOf<ApplicationPayloads, A>;
export type BaseDecision<A extends BaseAction = BaseAction> = DecisionOf<BasePayloads, A>;

export function isApplicationAction(action: string): action is ApplicationAction {
  return (APPLICATION_ACTIONS as readonly string[]).includes(action);
}

export function isBaseAction(action: string): action is BaseAction {
  return (BASE_ACTIONS as readonly string[]).includes(action);
}

/**
 * A request body's action and payload as the decision the Update carries.
 * Only the action's name is checked here (the API's body schema already
 * refused an unknown one with 422, so a miss is a programming error); the
 * payload's fields are checked by the workflow's validator against the table
 * (checkApplicationDecision), after the role and the stage, so that a caller
 * outside the scope learns nothing of the payload rules. The workflow treats
 * its argument as unchecked input either way.
 */
export function applicationDecision(action: string, payload: Record<string, unknown>): ApplicationDecision {
  if (!isApplicationAction(action)) throw new TypeError(`not an application decision: ${action}`);
  return { action, payload } as ApplicationDecision;
}

export function baseDecision(action: string, payload: Record<string, unknown>): BaseDecision {
  if (!isBaseAction(action)) throw new TypeError(`not a base decision: ${action}`);
  return { action, payload } as BaseDecision;
}
