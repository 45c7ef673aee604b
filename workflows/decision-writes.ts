// What every act of record writes before its Update answers, the same for an
// application, a base and a notice: one `recordAct` local activity (its
// audit entry, read-model changes and closed tasks in one transaction,
// activities/record-act.ts), once each task it closes has its own row (see
// awaitDecision's `writing`).
import { condition } from '@temporalio/workflow';
import type { AuditEntry } from '../activities/audit';
import type { ActRecord, ReadModelChange } from '../activities/record-act';
import { acts, localActs } from './activity-proxies';
import type { DecisionRequest } from './messages';

/** An act as its audit entry names it: its id, what, who, why and with what. */
export interface ActOfRecord {
  decisionId: string;
  action: string;
  actor: DecisionRequest['actor'];
  reason?: string | null;
  payload?: unknown;
}

export function appliedEntry(
  request: ActOfRecord,
  subject: Pick<AuditEntry, 'subjectType' | 'subjectId' | 'applicationId' | 'workflowId'>,
  resultStage: string | null,
  at: string,
): AuditEntry {
  return {
    decisionId: request.decisionId,
    ...subject,
    action: request.action,
    actorSub: request.actor.sub,
    actorRole: request.actor.role,
    actorPrefecture: request.actor.prefecture ?? null,
    reason: request.reason ?? null,
    payload: request.payload ?? {},
    outcome: 'applied',
    resultStage,
    at,
  };
}

/**
 * A move the workflow made by itself (a notice's outcome), recorded as the
 * system's act so the timeline shows it: its id is the run's own (the
 * subject and the stage's revision), so a retried write records it once.
 */
export function automaticEntry(
  subject: Pick<AuditEntry, 'subjectType' | 'subjectId' | 'applicationId' | 'workflowId'>,
  event: string,
  revision: number,
  resultStage: string,
  reason: string | null,
  at: string,
): AuditEntry {
  return {
    decisionId: `auto:${subject.subjectId}:${revision}`,
    ...subject,
    action: event,
    actorSub: 'system',
    actorRole: 'system',
    actorPrefecture: null,
    reason,
    payload: {},
    outcome: 'applied',
    resultStage,
    at,
  };
}

export function closeTasksChange(taskIds: readonly string[], closedBy: string, closedAt: string): ReadModelChange {
  return { kind: 'closeTasks', taskIds: [...taskIds], closedBy, closedAt };
}

/** Resolves once every task the act closes has its row (awaitDecision writes it): a close must not land first. */
function closedTasksWritten(act: ActRecord, writing: ReadonlySet<string>): Promise<void> {
  const closes = act.changes.flatMap((c) => (c.kind === 'closeTasks' ? c.taskIds : []));
  return condition(() => closes.every((id) => !writing.has(id)));
}

/**
 * Records a person's act inside the Update that carries it: a local activity,
 * so the Update answers after one round trip to the database and the caller
 * reads its own write.
 */
export async function recordActNow(act: ActRecord, writing: ReadonlySet<string>): Promise<void> {
  await closedTasksWritten(act, writing);
  await localActs.recordAct(act);
}

/** Records a move the workflow made by itself (a timer, a child's outcome): a normal activity on its main line. */
export async function recordActLater(act: ActRecord, writing: ReadonlySet<string> = new Set()): Promise<void> {
  await closedTasksWritten(act, writing);
  await acts.recordAct(act);
}
