// A step that waits for a person (docs/ARCHITECTURE.md "Waiting for people"): open a
// task with an absolute due date, remind the assignee before it, escalate
// one level at each due date that passes, and keep waiting. Nothing advances
// or fails because a person did not act.
import { condition, patched, workflowInfo } from '@temporalio/workflow';
import type { Recipient } from '../activities';
import type { Role } from './messages';
import { acts } from './activity-proxies';
import { stepZh } from '../domain/names';

export interface HumanStep {
  subjectType: 'application' | 'base';
  subjectId: string;
  unitName: string;
  step: string;
  /** Distinguishes parallel tasks of one step (e.g. one per expert); defaults to the step. */
  taskKey?: string;
  role: Role;
  prefecture: string | null;
  /** The one person who must act (an assigned expert), if not the whole office. */
  assigneeSub?: string | null;
  /** Who is told of the task; defaults to the office mailbox of role and prefecture. */
  recipients?: Recipient[];
  /**
   * Mail the assignee when the task opens (default true). False when the
   * workflow tells them itself: a notice announces its complaints' tasks in
   * one digest mail (workflows/notice.ts). Reminders and escalations still mail.
   */
  announce?: boolean;
  /** Working days allowed per level [interpretation, ours: 10]. */
  workingDays: number;
  /**
   * Stop escalating at this level and just wait (no more timers or mail).
   * A base's overdue summary can stay open for months; without a cap it
   * would escalate every 10 working days and fill the run's history.
   */
  maxEscalationLevel?: number;
}

export interface OpenTask {
  taskId: string;
  step: string;
  role: Role;
  prefecture: string | null;
  assigneeSub: string | null;
  dueAt: string;
  escalationLevel: number;
}

/** The task id a step gets in this workflow. */
export function taskIdFor(step: Pick<HumanStep, 'step' | 'taskKey'>): string {
  return `${workflowInfo().workflowId}:${step.taskKey ?? step.step}`;
}

/** Who is told when a step escalates to `level`: from level 1 on, the province. */
function escalationRecipients(step: HumanStep, level: number): Recipient[] {
  const own = step.recipients ?? [{ role: step.role, prefecture: step.prefecture }];
  return level >= 1 && step.role !== 'provinceOfficer' ? [{ role: 'provinceOfficer', prefecture: null }, ...own] : own;
}

const nowIso = () => new Date(Date.now()).toISOString();

/** A decision taken while its task was being opened leaves no task open (issue 14). */
export const RECHECK_BEFORE_OPENING = 'await-decision-recheck-before-opening';

/**
 * Waits until `decided()` is true. `onTask` receives the open task each time
 * it changes (for queries). Returns when the decision arrived.
 */
export async function awaitDecision(
  step: HumanStep,
  decided: () => boolean,
  onTask: (task: OpenTask) => void,
  /**
   * Task ids whose row is being written. A decision that closes a task waits
   * until its row is written, or the close could land first and the row
   * stay open after the decision.
   */
  writing?: Set<string>,
): Promise<void> {
  if (decided()) return;
  const taskId = taskIdFor(step);
  const key = step.taskKey ?? step.step;
  // From here until the row exists, a decision closing this task waits.
  writing?.add(taskId);
  let { dueAt, remindAt } = await acts.dueAfterWorkingDays({ from: nowIso(), workingDays: step.workingDays });
  // Decided while the due date was computed (a withdrawal, a revocation, the
  // decision itself): no task to open. Opening it now would leave a row no
  // decision closes, and a task shown as open that is settled. Behind
  // patched(): recorded histories (test/histories/) took that window.
  const recheck = patched(RECHECK_BEFORE_OPENING);
  if (recheck && decided()) {
    writing?.delete(taskId);
    return;
  }
  const task: OpenTask = {
    taskId, step: step.step, role: step.role, prefecture: step.prefecture, assigneeSub: step.assigneeSub ?? null, dueAt, escalationLevel: 0,
  };
  onTask({ ...task });
  await acts.openTask({
    id: taskId,
    workflowId: workflowInfo().workflowId,
    subjectType: step.subjectType,
    subjectId: step.subjectId,
    step: step.step,
    role: step.role,
    prefecture: step.prefecture,
    assigneeSub: step.assigneeSub ?? null,
    dueAt,
  });
  writing?.delete(taskId);
  // Decided while the row was written: the decision closed it (it waited for
  // the row); nobody is to be told of a task already settled.
  if (recheck && decided()) return;
  if (step.announce !== false) await acts.notify({
    subjectId: step.subjectId,
    key: `${key}.assigned`,
    to: step.recipients ?? [{ role: step.role, prefecture: step.prefecture }],
    template: 'taskAssigned',
    params: { unitName: step.unitName, step: step.step, dueAt },
  });

  for (;;) {
    const untilReminder = remindAt ? Date.parse(remindAt) - Date.now() : 0;
    if (untilReminder > 0 && (await condition(decided, untilReminder, { summary: `提醒：${stepZh(step.step)}` }))) return;
    if (decided()) return;
    if (remindAt) {
      await acts.notify({
        subjectId: step.subjectId,
        key: `${key}.reminder.${task.escalationLevel}`,
        to: escalationRecipients(step, task.escalationLevel),
        template: 'taskReminder',
        params: { unitName: step.unitName, step: step.step, dueAt },
      });
    }
    const untilDue = Date.parse(dueAt) - Date.now();
    if (untilDue > 0 && (await condition(decided, untilDue, { summary: `期限：${stepZh(step.step)}，逾期即升级` }))) return;
    if (decided()) return;

    const overdueSince = dueAt;
    task.escalationLevel += 1;
    ({ dueAt, remindAt } = await acts.dueAfterWorkingDays({ from: overdueSince, workingDays: step.workingDays }));
    task.dueAt = dueAt;
    onTask({ ...task });
    await acts.escalateTask({ taskId, level: task.escalationLevel, dueAt });
    await acts.notify({
      subjectId: step.subjectId,
      key: `${key}.escalated.${task.escalationLevel}`,
      to: escalationRecipients(step, task.escalationLevel),
      template: 'taskEscalated',
      params: { unitName: step.unitName, step: step.step, overdueSince, level: task.escalationLevel, dueAt },
    });
    if (step.maxEscalationLevel !== undefined && task.escalationLevel >= step.maxEscalationLevel) {
      await condition(decided);
      return;
    }
  }
}
