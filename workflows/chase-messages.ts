// The chase (催办, domain/chase.ts): one Update name shared by the
// application, base and notice workflows, whichever holds the task. The
// client's chaseId is the Update id and the audit entry's id: a retry is
// applied once.
import { defineUpdate } from '@temporalio/workflow';
import type { Actor } from './messages';

export interface ChaseRequest {
  chaseId: string;
  /** The Task row's id (`<workflowId>:<step>`), one of the run's open tasks. */
  taskId: string;
  actor: Actor;
  message?: string;
}

export interface ChaseResult {
  chaseId: string;
  taskId: string;
  step: string;
  chasedAt: string;
}

export const chaseTaskUpdate = defineUpdate<ChaseResult, [ChaseRequest]>('chaseTask');
