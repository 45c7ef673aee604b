// A step that waits for a person (DESIGN.md "Waiting for a person"): open a
// task with an absolute due date, remind the assignee before it, escalate
// one level at each due date that passes, and keep waiting. Nothing advances
// or fails because a person did not act.
import { condition, workflowInfo } from '@temporalio/workflow';
import type { Role } from './messages';
import { acts } from './activity-proxies';

export interface HumanStep {
  subjectType: 'application' | 'base';
  subjectId: string;
  unitName: string;
  step: string;
  role: Role;
  prefecture: string | null;
  /** Working days allowed per level [interpretation: 10, DOMAIN.md]. */
  workingDays: number;
}

export interface OpenTask {
  taskId: string;
  step: string;
  role: Role;
  prefecture: string | null;
  dueAt: string;
  escalationLevel: number;
}

/** Who is told when a step escalates to `level` (level 1 and up: the province). */
function escalationRecipient(step: HumanStep, level: number) {
  return level >= 1 && step.role === 'prefectureOfficer'
    ? { role: 'provinceOfficer', prefecture: null }
    : { role: step.role, prefecture: step.prefecture };
}

const nowIso = () => new Date(Date.now()).toISOString();

/**
 * Waits until `decided()` is true. `onTask` receives the open task each time
 * it changes (for queries). Returns when the decision arrived.
 */
export async function awaitDecision(
  step: HumanStep,
  decided: () => boolean,
  onTask: (task: OpenTask) => void,
): Promise<void> {
  const taskId = `${workflowInfo().workflowId}:${step.step}`;
  let { dueAt, remindAt } = await acts.dueAfterWorkingDays({ from: nowIso(), workingDays: step.workingDays });
  const task: OpenTask = { taskId, step: step.step, role: step.role, prefecture: step.prefecture, dueAt, escalationLevel: 0 };
  onTask({ ...task });
  await acts.openTask({
    id: taskId,
    workflowId: workflowInfo().workflowId,
    subjectType: step.subjectType,
    subjectId: step.subjectId,
    step: step.step,
    role: step.role,
    prefecture: step.prefecture,
    dueAt,
  });
  await acts.notify({
    subjectId: step.subjectId,
    key: `${step.step}.assigned`,
    to: [{ role: step.role, prefecture: step.prefecture }],
    template: 'taskAssigned',
    params: { unitName: step.unitName, step: step.step, dueAt },
  });

  for (;;) {
    const untilReminder = remindAt ? Date.parse(remindAt) - Date.now() : 0;
    if (untilReminder > 0 && (await condition(decided, untilReminder))) return;
    if (decided()) return;
    if (remindAt) await acts.notify({
      subjectId: step.subjectId,
      key: `${step.step}.reminder.${task.escalationLevel}`,
      to: [escalationRecipient(step, task.escalationLevel)],
      template: 'taskReminder',
      params: { unitName: step.unitName, step: step.step, dueAt },
    });
    const untilDue = Date.parse(dueAt) - Date.now();
    if (untilDue > 0 && (await condition(decided, untilDue))) return;
    if (decided()) return;

    const overdueSince = dueAt;
    task.escalationLevel += 1;
    ({ dueAt, remindAt } = await acts.dueAfterWorkingDays({ from: overdueSince, workingDays: step.workingDays }));
    task.dueAt = dueAt;
    onTask({ ...task });
    await acts.escalateTask({ taskId, level: task.escalationLevel, dueAt });
    await acts.notify({
      subjectId: step.subjectId,
      key: `${step.step}.escalated.${task.escalationLevel}`,
      to: [escalationRecipient(step, task.escalationLevel), { role: step.role, prefecture: step.prefecture }],
      template: 'taskEscalated',
      params: { unitName: step.unitName, step: step.step, overdueSince, level: task.escalationLevel, dueAt },
    });
  }
}
