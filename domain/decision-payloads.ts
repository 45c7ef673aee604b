// The payload of each decision as a type, beside the regulation's table
// (domain/transitions.ts), whose FieldSpecs check it: once a decision has
// passed checkApplicationDecision / checkBaseDecision, its payload has these
// fields and `payloadOf` gives them typed. The workflows key their effects by
// these action names (`Record<ApplicationAction, …>`), so an action added to
// the table without an effect does not compile.
import type { ApplicationAction, BaseAction } from './transitions';

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
  name: { namedOn?: string };
}

export interface BasePayloads {
  requireRectification: { requirements: string | string[]; deadline: string };
  verifyRectification: { completed: boolean };
  concludeEvaluation: { outcome: 'pass' | 'rectify' | 'sanction'; evaluationBasis?: unknown };
  renew: Record<string, never>;
  warn: { ground: number; requirements?: string | string[]; deadline?: string };
  revoke: { ground: number };
  recommendNational: Record<string, never>;
}

// Both maps name exactly the table's actions (a compile error otherwise).
type Exactly<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const applicationKeys: Exactly<keyof ApplicationPayloads, ApplicationAction> = true;
const baseKeys: Exactly<keyof BasePayloads, BaseAction> = true;
void applicationKeys;
void baseKeys;

/** A checked decision's payload, typed by its action. Only for requests that passed the table's checks. */
export function payloadOf<P, A extends keyof P>(_action: A, payload: Record<string, unknown> | undefined): P[A] {
  return (payload ?? {}) as P[A];
}
