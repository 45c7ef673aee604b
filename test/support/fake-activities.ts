// An in-memory stand-in for the workflows' activities (activities/index.ts
// `Activities`), for fast workflow tests on the time-skipping server without
// PostgreSQL or SMTP (test/workflows/effects-fast.test.ts). It keeps what the
// workflows asked for (each act of record, task, escalation, mail, notice,
// complaint, application and base row) with the id of the workflow that
// asked, and answers with simple stand-ins: N working days are N × 24 h, a
// notice of N working days closes N × 24 h after its publication. The real
// activities are covered by test/activities/record-act.test.ts and the
// full-stack workflow tests.
import { Context } from '@temporalio/activity';
import type { AcceptanceWindowRecipient, Activities, ApplicationRecord, NotifyRequest, TaskRecord } from '../../activities';
import type { BaseRecord } from '../../activities/bases';
import type { ComplaintRecord, NoticeRecord } from '../../activities/notices';
import type { ActRecord } from '../../activities/record-act';
import { cstDateOf } from '../../domain/dates';

export const DAY_MS = 24 * 3600_000;

/** Something an activity was asked to do, by the workflow that asked. */
export interface Call<T> {
  workflowId: string;
  value: T;
}

export interface FakeActivities {
  /** What the worker registers: every member of `Activities`, so the compiler names one that is missing. */
  activities: Activities;
  acts: Call<ActRecord>[];
  tasks: Call<TaskRecord>[];
  escalations: Call<{ taskId: string; level: number; dueAt: string }>[];
  mails: Call<NotifyRequest>[];
  notices: Call<NoticeRecord>[];
  complaints: Call<ComplaintRecord>[];
  applications: Call<ApplicationRecord>[];
  bases: Call<BaseRecord>[];
  /** The acts one workflow recorded, in the order it recorded them. */
  actsOf(workflowId: string): ActRecord[];
  /** Whether a task with this id has been opened. */
  taskOpened(taskId: string): boolean;
  /**
   * Holds the next due-date computation of this workflow (a task about to be
   * opened, workflows/await-decision.ts) until `release()`; `reached`
   * resolves when the workflow has asked for it.
   */
  holdNextDueDate(workflowId: string): { reached: Promise<void>; release: () => void };
}

/** The workflow that called the running activity (also for local activities). */
function caller(): string {
  return Context.current().info.workflowExecution?.workflowId ?? '';
}

export function createFakeActivities(): FakeActivities {
  const acts: Call<ActRecord>[] = [];
  const tasks: Call<TaskRecord>[] = [];
  const escalations: Call<{ taskId: string; level: number; dueAt: string }>[] = [];
  const mails: Call<NotifyRequest>[] = [];
  const notices: Call<NoticeRecord>[] = [];
  const complaints: Call<ComplaintRecord>[] = [];
  const applications: Call<ApplicationRecord>[] = [];
  const bases: Call<BaseRecord>[] = [];
  // A copy through JSON, as the real activity receives it over the wire.
  const holds = new Map<string, { reach: () => void; released: Promise<void> }>();
  const keep = <T>(into: Call<T>[], value: T) => void into.push({ workflowId: caller(), value: JSON.parse(JSON.stringify(value)) as T });

  const activities: Activities = {
    async computeNoticeWindow({ publishedAt, workingDays }) {
      const closesAt = new Date(Date.parse(publishedAt) + workingDays * DAY_MS).toISOString();
      return { opensAt: new Date(publishedAt).toISOString(), closesAt, firstDay: cstDateOf(publishedAt), lastDay: cstDateOf(Date.parse(closesAt) - 1), provisional: false };
    },
    async recordNotice(notice) {
      keep(notices, notice);
    },
    async recordComplaint(complaint) {
      keep(complaints, complaint);
    },
    async recordBase(base) {
      keep(bases, base);
    },
    async archiveClosedHistories() {
      return { archived: 0, seen: 0 };
    },
    async recordApplication(app) {
      keep(applications, app);
    },
    async recordAct(act) {
      keep(acts, act);
    },
    async dueAfterWorkingDays({ from, workingDays }) {
      const hold = holds.get(caller());
      if (hold) {
        holds.delete(caller());
        hold.reach();
        await hold.released;
      }
      const due = Date.parse(from) + workingDays * DAY_MS;
      return { dueDate: cstDateOf(due - 1), dueAt: new Date(due).toISOString(), remindAt: new Date(due - DAY_MS).toISOString(), provisional: false };
    },
    async openTask(task) {
      keep(tasks, task);
    },
    async escalateTask(input) {
      keep(escalations, input);
    },
    async loadExperts(ids) {
      return ids.map((id) => ({ id, name: `专家${id}`, email: `${id}@experts.example`, region: null, active: true }));
    },
    async listAcceptanceWindowRecipients(): Promise<AcceptanceWindowRecipient[]> {
      return [];
    },
    async resendNotification() {
      return null;
    },
    async notify(request) {
      keep(mails, request);
      return { status: 'sent' };
    },
  };

  return {
    activities,
    acts,
    tasks,
    escalations,
    mails,
    notices,
    complaints,
    applications,
    bases,
    actsOf: (workflowId) => acts.filter((a) => a.workflowId === workflowId).map((a) => a.value),
    taskOpened: (taskId) => tasks.some((t) => t.value.id === taskId),
    holdNextDueDate(workflowId) {
      let reach!: () => void;
      let release!: () => void;
      const reached = new Promise<void>((r) => (reach = r));
      const released = new Promise<void>((r) => (release = r));
      holds.set(workflowId, { reach, released });
      return { reached, release };
    },
  };
}
