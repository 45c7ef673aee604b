// The act gateway: the one way an act of record goes from a route to where
// it is applied, a workflow's Update or (for the acts the API carries out
// itself: the expert pool, a deadline feed) the one write path
// (activities/record-act.ts). Every route that takes an act calls `act()`,
// which does, in this order:
//
// 1. what a refusal is recorded as (api/audit-refusals.ts `attempt`): the
//    client's id, the action, the subject, the reason;
// 2. the look-up of the act already recorded under the client's id (a retry):
//    the same act answers from the record, also after its workflow moved on
//    or ended; an id recorded for another act (another action, another
//    subject, other content) is 409 naming the conflict, never the other
//    act's answer;
// 3. the route's own checks of what the workflow cannot see (files, the
//    expert pool), for a new act only;
// 4. the Update, with the client's id as its Update id and within the
//    request's deadline for Temporal calls (api/app.ts, Connection.withDeadline);
//    an answer that is not this act's (Temporal answers an Update id already
//    used in the run with the first Update's result) is the same 409;
// 5. the mapping of what can go wrong: a refusal by the workflow's validator
//    (403/409/422, api/refusals.ts), a workflow that has ended (409 with the
//    route's wording), an Update whose outcome is unknown or a dependency
//    down (503 with Retry-After: the same id again applies once).
//
// Acts the API applies itself are written with `appliedByApi`'s audit entry.
import { randomUUID } from 'node:crypto';
import type { Request } from 'express';
import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import type { UpdateDefinition } from '@temporalio/common';
import type { AuditEntry } from '../activities/audit';
import { actionZh } from '../domain/names';
import { problem } from '../domain/problems';
import type { Db } from '../infra/database';
import { isDependencyUnavailable } from '../infra/unavailable';
import type { Actor } from '../workflows/messages';
import { attempt, type Attempt } from './audit-refusals';
import { conflict, unavailable } from './errors';
import { refusalToHttp } from './refusals';

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

/** An applied act as the audit log keeps it. */
export type ActRow = Awaited<ReturnType<Db['decision']['findMany']>>[number];

/** Where the act is applied: an Update of a workflow, or the API's own write (recordAct). */
type Via<R, T, A> =
  | {
      workflowId: string;
      /** Every act's Update takes one request. */
      update: UpdateDefinition<R, [A], string>;
      /** The Update's request, made after the route's checks (which may refine the actor). */
      request: () => A;
      /** The 409's message when the workflow has ended (its wording names the subject). */
      ended: string;
      /** Is the Update's answer this act's? Default: yes. */
      isOwnAnswer?: (result: R) => boolean;
      /** The HTTP answer from the Update's result. */
      answer: (result: R) => T | Promise<T>;
    }
  | {
      /** Applies the act (recordAct); the answer is then read from the record, like a retry's. */
      apply: () => Promise<void>;
    };

export interface ActSpec<R, T, A = unknown> {
  /** The request, whose refusal is recorded as this act's attempt; absent for an act made on behalf of another route (a year of an uploaded template's indicator data), whose request is already described. */
  req?: Request;
  /** Who acts; default: the request's actor. */
  actor?: Actor;
  /** The client's id of the act (decisionId, chaseId, submissionId, requestId…): the Update's id and, unless `recordedAs` says otherwise, the audit entry's. */
  id: string;
  /** The body's field that carries it, named in the 409's details. */
  idField?: string;
  /** The act's action, as recorded (the audit entry's `action`). */
  action: string;
  /** What a refusal is recorded about beyond what the route said (api/audit-refusals.ts); `decisionId` is set to `id`. */
  attempt?: Partial<Attempt>;
  /** The audit entry's id when it is not the client's id (`expertAdded/<requestId>`). */
  recordedAs?: string;
  /** Also look up the acts recorded under `<id>/…` (a dismissal records one act per complaint, workflows/notice-messages.ts dismissalActId). */
  perItem?: boolean;
  /** Are the rows recorded under the id this act? Default: every one of this action and of `subjectId`. */
  isSame?: (rows: ActRow[]) => boolean;
  /** The subject the default `isSame` compares with. */
  subjectId?: string;
  /** The answer to a retry of the act, from its record; absent when a retry is not looked up (the act has no client id). */
  answerRecorded?: (rows: ActRow[]) => T | Promise<T>;
  /** The route's checks of a new act, run only when nothing is recorded under the id. */
  check?: () => Promise<void>;
  via: Via<R, T, A>;
}

export interface ActGateway {
  act<R, T, A>(spec: ActSpec<R, T, A>): Promise<T>;
  /** The acts recorded under a client's id (the id itself and, with perItem, `<id>/…`). */
  recorded(id: string, options?: { perItem?: boolean }): Promise<ActRow[]>;
}

/** The one gateway of the API's acts (see the file's header). */
export function actGateway(deps: { db: Db; temporal?: Client }): ActGateway {
  async function recorded(id: string, options: { perItem?: boolean } = {}): Promise<ActRow[]> {
    if (!options.perItem) return deps.db.decision.findMany({ where: { decisionId: id, outcome: 'applied' } });
    // A client's id has no `/` (api/validation.ts decisionIdSchema): `<id>/…` are only the acts derived from it.
    const rows = await deps.db.decision.findMany({ where: { outcome: 'applied', OR: [{ decisionId: id }, { decisionId: { startsWith: `${id}/` } }] } });
    return rows.filter((r) => r.decisionId === id || r.decisionId.startsWith(`${id}/`));
  }

  async function act<R, T, A>(spec: ActSpec<R, T, A>): Promise<T> {
    // The route has said what the attempt is (its action, subject); the gateway adds the id it reuses.
    if (spec.req) attempt(spec.req, { ...spec.attempt, decisionId: spec.id });
    const auditId = spec.recordedAs ?? spec.id;
    const isSame = spec.isSame ?? ((rows: ActRow[]) => rows.every((r) => r.action === spec.action && (spec.subjectId === undefined || r.subjectId === spec.subjectId)));
    /** The act's record if it is this act; 409 if the id is another's. */
    const fromRecord = async (): Promise<ActRow[] | undefined> => {
      if (!spec.answerRecorded) return undefined;
      const rows = await recorded(auditId, { perItem: spec.perItem });
      if (rows.length === 0) return undefined;
      if (!isSame(rows)) throw reusedId(spec, rows[0]!);
      return rows;
    };

    const earlier = await fromRecord();
    if (earlier) return spec.answerRecorded!(earlier);
    await spec.check?.();

    const via = spec.via;
    if ('apply' in via) {
      try {
        await via.apply();
      } catch (error) {
        // A concurrent request with the same id recorded the act first: its record answers (or is another act's: 409).
        if (!(await fromRecord())) throw error;
      }
      const rows = await fromRecord();
      if (!rows) throw new Error(`the act ${auditId} is not in the audit log`);
      return spec.answerRecorded!(rows);
    }

    if (!deps.temporal) throw new Error('the act gateway has no Temporal client');
    let result: R;
    try {
      result = await deps.temporal.workflow.getHandle(via.workflowId).executeUpdate(via.update, { updateId: spec.id, args: [via.request()] });
    } catch (error) {
      throw updateError(error, via.ended);
    }
    if (via.isOwnAnswer && !via.isOwnAnswer(result)) {
      // The id was taken in this run by another Update (a dismissal's id sent to an investigation): its record, or a generic 409.
      const rows = await recorded(spec.id, { perItem: true });
      throw reusedId(spec, rows[0]);
    }
    return via.answer(result);
  }

  return { act, recorded };
}

/** A failed Update as the HTTP error the client gets; the error itself when it is neither a refusal nor an outage (a 500). */
export function updateError(error: unknown, ended: string): unknown {
  if (error instanceof WorkflowNotFoundError) return conflict(ended);
  const refusal = refusalToHttp(error);
  if (refusal) return refusal;
  if (isDependencyUnavailable(error)) return unavailable(UPDATE_UNKNOWN_ZH);
  return error;
}

/** An Update whose outcome is not known (Temporal down or silent past the deadline, a worker lost). */
export const UPDATE_UNKNOWN_ZH = '流程引擎暂时无法确认本次办理（连接中断或无响应）：请稍后重试，使用同一编号重试不会重复办理';

/**
 * 409 for a client id already used for another act. It names the other act
 * only when it was the caller's own (another's act under a guessed id tells
 * the caller nothing), and never answers with it.
 */
function reusedId(spec: { req?: Request; actor?: Actor; action: string; idField?: string }, other: ActRow | undefined): Error {
  const field = spec.idField ?? 'decisionId';
  const thisZh = actionZh(spec.action);
  const mine = other !== undefined && other.actorSub === (spec.actor ?? spec.req?.actor)?.sub;
  const otherZh = other ? actionZh(other.action) : undefined;
  const what = !mine || !otherZh
    ? '另一项办理'
    : otherZh === thisZh
      ? `另一次「${otherZh}」（对象或内容与本次不同）`
      : `「${otherZh}」`;
  const zh = `该编号已用于${what}，不能再用于本次「${thisZh}」：请换一个新的编号后重新提交`;
  return conflict(zh, [problem(field, 'idReused', zh, `${field} was already used for another act`)]);
}
