// Acts of record that the API itself carries out (the expert pool, the
// working-day calendar, a resend): written through the same one write path
// as the workflows' acts (activities/record-act.ts), so their audit entry and
// their change are committed together or not at all.
import { randomUUID } from 'node:crypto';
import type { AuditEntry } from '../activities/audit';
import type { Actor } from '../workflows/messages';

/** The audit entry of an act the API applies now, by this actor. Its id is new; an act with a client id replaces it (an expert's add: `expertAdded/<requestId>`, api/experts.ts). */
export function appliedByApi(
  actor: Actor,
  act: Pick<AuditEntry, 'subjectType' | 'subjectId' | 'action' | 'payload'> & { reason?: string | null },
  at: Date = new Date(),
): AuditEntry {
  return {
    decisionId: `${act.action}/${randomUUID()}`,
    subjectType: act.subjectType,
    subjectId: act.subjectId,
    applicationId: null,
    workflowId: null,
    action: act.action,
    actorSub: actor.sub,
    actorRole: actor.role,
    actorPrefecture: actor.prefecture ?? null,
    reason: act.reason ?? null,
    payload: act.payload,
    outcome: 'applied',
    resultStage: null,
    at: at.toISOString(),
  };
}
