// The chase's handler (domain/chase.ts), registered by every workflow that
// holds tasks (application, base, notice). A new Update handler issues no
// command until a chase arrives, so recorded histories replay unchanged.
// Its act: one audit entry `chaseTask` (recordActNow, before the answer),
// then the mail to whoever must act, key `chase.<chaseId>` (sent once).
import { ApplicationFailure, setHandler } from '@temporalio/workflow';
import type { Recipient } from '../activities';
import type { AuditEntry } from '../activities/audit';
import { checkChase, taskHolder, type TaskHolder } from '../domain/chase';
import { prefectureName } from '../domain/prefectures';
import { acts } from './activity-proxies';
import type { OpenTask } from './await-decision';
import { chaseTaskUpdate, type ChaseRequest, type ChaseResult } from './chase-messages';
import { appliedEntry, recordActNow } from './decision-writes';
import { RefusalType, type Actor } from './messages';

export interface ChaseContext {
  /** The run's open task of this id, if it has one. */
  findTask(taskId: string): OpenTask | undefined;
  /** The unit's prefectures (a prefecture officer chases in its own). */
  prefectures: readonly string[];
  /** Whom the audit entry is about. */
  subject: Pick<AuditEntry, 'subjectType' | 'subjectId' | 'applicationId' | 'workflowId'>;
  /** The outbox subject: the application's or base's id (the mail links to its page). */
  mailSubjectId: string;
  unitName: string;
  /** The unit's contact (the applicant's e-mail), for a task the unit must act on. */
  unitEmail: string | null;
  /** The stage or status the audit entry carries. */
  resultStage(): string | null;
  /** Task rows being written (awaitDecision). */
  writing?: ReadonlySet<string>;
}

/** The office that chases, in words (`省生态环境厅`, `遵义市生态环境主管部门`), and the officer's name if known. */
function chaserZh(actor: Actor): string {
  const office = actor.role === 'provinceOfficer' ? '省生态环境厅' : `${actor.prefecture ? prefectureName(actor.prefecture) : '市（州）'}生态环境主管部门`;
  return actor.name ? `${office}（${actor.name}）` : office;
}

/** Checks the chase against the run's open tasks and the rule; throws the refusal. */
function check(ctx: ChaseContext, request: ChaseRequest): OpenTask {
  const task = ctx.findTask(request.taskId);
  if (!task) throw ApplicationFailure.create({ type: RefusalType.conflict, message: '该待办已办结，无需催办', nonRetryable: true, details: [{ kind: 'conflict', code: 'taskClosed' }] });
  const refused = checkChase(request.actor, task, ctx.prefectures, Date.now());
  if (refused) throw ApplicationFailure.create({ type: RefusalType[refused.kind], message: refused.zh, nonRetryable: true, details: [refused] });
  return task;
}

async function recipientsOf(ctx: ChaseContext, holder: TaskHolder): Promise<Recipient[]> {
  switch (holder.kind) {
    case 'unit':
      return ctx.unitEmail ? [{ email: ctx.unitEmail }] : [];
    case 'expert': {
      const [expert] = await acts.loadExperts([holder.expertId]);
      return expert ? [{ email: expert.email }] : [];
    }
    case 'office':
      return [{ role: holder.role, prefecture: holder.prefecture }];
  }
}

async function chase(ctx: ChaseContext, request: ChaseRequest): Promise<ChaseResult> {
  const task = check(ctx, request);
  const holder = taskHolder(task);
  const at = new Date(Date.now()).toISOString();
  const message = request.message?.trim() || null;
  await recordActNow(
    {
      audit: appliedEntry(
        {
          decisionId: request.chaseId,
          action: 'chaseTask',
          actor: request.actor,
          reason: message,
          payload: { taskId: task.taskId, step: task.step, dueAt: task.dueAt, escalationLevel: task.escalationLevel, holder: holder.kind },
        },
        ctx.subject,
        ctx.resultStage(),
        at,
      ),
      changes: [],
    },
    ctx.writing ?? new Set(),
  );
  // Sent before the answer: the officer's confirmation says the mail is out.
  await acts.notify({
    subjectId: ctx.mailSubjectId,
    key: `chase.${request.chaseId}`,
    to: await recipientsOf(ctx, holder),
    template: 'taskChased',
    params: { unitName: ctx.unitName, step: task.step, dueAt: task.dueAt, escalationLevel: task.escalationLevel, chasedBy: chaserZh(request.actor), message },
  });
  return { chaseId: request.chaseId, taskId: task.taskId, step: task.step, chasedAt: at };
}

/** Registers the `chaseTask` Update; call it last in a run's registerHandlers. */
export function registerChaseHandler(ctx: ChaseContext): void {
  setHandler(chaseTaskUpdate, (request) => chase(ctx, request), { validator: (request) => void check(ctx, request) });
}
