// What ops staff read about a workflow in the Temporal Web UI and in
// `temporal workflow describe` (the SDK's user metadata): a static summary in
// Chinese set when it starts (unit, year, what it is), its current details
// (what it waits for, from whom, until when), and the summaries of its
// timers. The words come from domain/names.ts and the instants are 北京时间,
// as in the console's timeline; no internal identifier is shown.
import { setCurrentDetails } from '@temporalio/workflow';
import { formatCstDateZh, formatCstInstantZh } from '../domain/dates';
import { noticeLevelZh, stepZh } from '../domain/names';
import { prefectureName } from '../domain/prefectures';
import type { OpenTask } from './await-decision';

/** The office that holds a task: 遵义市生态环境局, 省生态环境厅, 指派的专家, the base itself. */
export function officeZh(role: string, prefecture: string | null): string {
  switch (role) {
    case 'prefectureOfficer':
      return prefecture ? `${prefectureName(prefecture)}生态环境局` : '市（州）生态环境局';
    case 'provinceOfficer':
      return '省生态环境厅';
    case 'expert':
      return '指派的专家';
    case 'applicant':
      return '建设主体';
    default:
      return '有关部门';
  }
}

const prefecturesZh = (prefectures: readonly string[]) => prefectures.map(prefectureName).join('、');

export const applicationSummary = (unit: { name: string; prefectures: readonly string[] }, year: number) =>
  `${unit.name}（${prefecturesZh(unit.prefectures)}）${year}年度“两山”实践创新基地申报`;

export const baseSummary = (unit: { name: string }, namedOn: string) => `“两山”实践创新基地 ${unit.name}（${formatCstDateZh(namedOn)}命名）`;

export const noticeSummary = (unit: { name: string }, year: number, level: string) => `${unit.name} ${year}年度申报的${noticeLevelZh(level)}`;

export const rectificationSummary = (unit: { name: string }, number: number, deadline: string) =>
  `${unit.name} 第${number}次整改（期限 ${formatCstDateZh(deadline)}）`;

/** 等待遵义市生态环境局办理「市（州）预审」，期限 2026年12月11日 24:00（已升级1次）. */
export function waitingZh(task: Pick<OpenTask, 'step' | 'role' | 'prefecture' | 'dueAt' | 'escalationLevel'>): string {
  const escalated = task.escalationLevel > 0 ? `（已逾期升级${task.escalationLevel}次）` : '';
  return `等待${officeZh(task.role, task.prefecture)}办理「${stepZh(task.step)}」，期限 ${formatCstInstantZh(task.dueAt)}${escalated}`;
}

/** A timer the workflow waits on: its summary (as in the history) and when it fires. */
export interface PendingTimer {
  summary: string;
  atMs: number;
}

/** 「2026年度工作总结截止」2027年1月31日 24:00. */
export const timerZh = (timer: PendingTimer) => `「${timer.summary}」${formatCstInstantZh(timer.atMs)}`;

/** What the current details show: whose workflow it is, its open tasks or what it is otherwise doing, and its timers. */
export interface Details {
  /** A heading naming the subject (a base's name and naming date; a rectification's base), when the static summary may be missing. */
  subject?: string;
  tasks?: Iterable<OpenTask>;
  /** Shown when no task is open: the stage or status. */
  otherwise: string;
  /** The timers it waits on, the soonest first. */
  timers?: Iterable<PendingTimer>;
}

/**
 * The current details (Markdown, one paragraph a line): the subject, each
 * open task, or what it is otherwise doing, then the timers it waits on.
 * Setting them issues no command: any activation may, replay included.
 */
export function detailsZh({ subject, tasks = [], otherwise, timers = [] }: Details): string {
  const waiting = [...tasks].map(waitingZh);
  const next = [...timers].sort((a, b) => a.atMs - b.atMs).map(timerZh);
  return [
    ...(subject ? [`**${subject}**`] : []),
    ...(waiting.length ? waiting : otherwise ? [otherwise] : []),
    ...(next.length ? [`下一时点：${next.join('；')}`] : []),
  ].join('\n\n');
}

export function showDetails(details: Details): void {
  setCurrentDetails(detailsZh(details));
}

/** The workflow's current details: each open task, or what it is otherwise doing. */
export function showWaiting(tasks: Iterable<OpenTask>, otherwise: string): void {
  showDetails({ tasks, otherwise });
}
