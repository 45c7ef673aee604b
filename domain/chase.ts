// A chase (催办, issue 16): an officer urges whoever must act on an overdue
// task. Who may chase whom, as this project reads the supervision of Art. 9,
// 13, 18–19 and 26 (our interpretation):
//
// - The one who must act (the task's "holder") is not always the office the
//   task row names: an overdue annual summary (`annualSummary.<year>`) is a
//   task of the prefecture office to follow up, but the summary is the
//   base's own (Art. 18), so the chase goes to the base (the county). An
//   expert's review is held by the assigned expert; every other step by the
//   office of its role and prefecture.
// - The province (省生态环境厅) may chase any overdue task held by someone
//   else: a prefecture office, a base or an applicant, an expert. Its own
//   tasks have no one above it to chase them (reminders and the due date do).
// - A prefecture officer may chase, for a subject of its prefecture, an
//   overdue task held by someone it supervises or works with on that subject:
//   the base or applicant (e.g. the county's annual summary) and an assigned
//   expert. Not an office: neither its own (it would chase itself), nor a peer
//   prefecture's, nor the province's.
// - Nobody else chases (applicants, experts, ops).
//
// A task is overdue when its due date has passed or it has already been
// escalated (awaitDecision moves an escalated task's due date forward, so the
// date alone would hide that it is late). A closed task, or one not overdue,
// is a conflict (409); the wrong role or holder is forbidden (403). A subject
// the caller may not see at all is the API's 404 (domain/scope.ts).
import { refusal, type Refusal } from './problems';
import type { Actor } from './roles';

/** Whom a chase reaches: the base or applicant, an assigned expert, or an office. */
export type TaskHolder =
  | { kind: 'unit' }
  | { kind: 'expert'; expertId: string }
  | { kind: 'office'; role: 'prefectureOfficer' | 'provinceOfficer'; prefecture: string | null };

/** What the rule needs to know of a task (a Task row, or a workflow's open task). */
export interface ChaseableTask {
  step: string;
  role: string;
  prefecture: string | null;
  assigneeSub?: string | null;
  /** ISO instant. */
  dueAt: string;
  escalationLevel: number;
  /** Absent: open (a workflow only knows its open tasks). */
  status?: string;
}

/** The longest message an officer may add to a chase. */
export const MAX_CHASE_MESSAGE_LENGTH = 500;

/** Who must act on the task (see the header). */
export function taskHolder(task: Pick<ChaseableTask, 'step' | 'role' | 'prefecture' | 'assigneeSub'>): TaskHolder {
  if (task.step.split('.')[0] === 'annualSummary') return { kind: 'unit' };
  if (task.role === 'expert') return { kind: 'expert', expertId: task.assigneeSub ?? '' };
  if (task.role === 'applicant') return { kind: 'unit' };
  return { kind: 'office', role: task.role === 'prefectureOfficer' ? 'prefectureOfficer' : 'provinceOfficer', prefecture: task.prefecture };
}

/** Past its due date, or already escalated once or more. */
export function isTaskOverdue(task: Pick<ChaseableTask, 'dueAt' | 'escalationLevel'>, now: number): boolean {
  return task.escalationLevel >= 1 || Date.parse(task.dueAt) < now;
}

/** May this actor chase this holder, for a subject of these prefectures? `null` when yes, else a 403 refusal. */
function checkChaser(actor: Actor, holder: TaskHolder, prefectures: readonly string[]): Refusal | null {
  switch (actor.role) {
    case 'provinceOfficer':
      if (holder.kind === 'office' && holder.role === 'provinceOfficer') {
        return refusal('forbidden', 'ownTask', '该待办由省生态环境厅办理，不能向本级催办', 'The province does not chase its own tasks');
      }
      return null;
    case 'prefectureOfficer':
      if (!actor.prefecture || !prefectures.includes(actor.prefecture)) {
        return refusal('forbidden', 'wrongRegion', '该待办不在您所在市（州）的管辖范围内', 'This task is outside your prefecture');
      }
      if (holder.kind === 'office') {
        return holder.role === 'prefectureOfficer' && holder.prefecture === actor.prefecture
          ? refusal('forbidden', 'ownTask', '该待办由本市（州）生态环境主管部门办理，不能向本单位催办', 'A prefecture does not chase its own tasks')
          : refusal('forbidden', 'notSupervised', '市（州）生态环境主管部门只能催办建设主体和评审专家的待办', 'A prefecture chases only units and experts');
      }
      return null;
    default:
      return refusal('forbidden', 'wrongRole', '只有省、市（州）生态环境主管部门可以催办', 'Only province and prefecture officers may chase');
  }
}

/**
 * May `actor` chase `task` of a subject in `prefectures` at `now`? `null`
 * when yes; else 403 (role, region or holder) before 409 (closed, not overdue).
 */
export function checkChase(actor: Actor, task: ChaseableTask, prefectures: readonly string[], now: number): Refusal | null {
  const who = checkChaser(actor, taskHolder(task), prefectures);
  if (who) return who;
  if (task.status !== undefined && task.status !== 'open') {
    return refusal('conflict', 'taskClosed', '该待办已办结，无需催办', 'The task is closed');
  }
  if (!isTaskOverdue(task, now)) {
    return refusal('conflict', 'notOverdue', '该待办尚未逾期，不能催办', 'The task is not overdue');
  }
  return null;
}

/** Whether the console offers the chase button: the same rule, true or false. */
export function mayChase(actor: Actor, task: ChaseableTask, prefectures: readonly string[], now: number): boolean {
  return checkChase(actor, task, prefectures, now) === null;
}
