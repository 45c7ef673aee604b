// What every applied decision writes before its Update answers, the same for
// an application and a base: its audit-log entry, and the tasks it closes
// (each once its own row is written: see awaitDecision's `writing`).
import { condition } from '@temporalio/workflow';
import type { AuditEntry } from '../activities/audit';
import { localActs } from './activity-proxies';
import type { DecisionRequest } from './messages';

export function appliedEntry(
  request: DecisionRequest,
  subject: Pick<AuditEntry, 'subjectType' | 'subjectId' | 'applicationId' | 'workflowId'>,
  resultStage: string,
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

/** Closes `taskIds` for this decision, each after the write that opened it. */
export function closeTasks(taskIds: readonly string[], writing: ReadonlySet<string>, decisionId: string, at: string): Array<Promise<void>> {
  return taskIds.map(async (taskId) => {
    await condition(() => !writing.has(taskId));
    await localActs.closeTask({ taskId, decisionId, closedAt: at });
  });
}
