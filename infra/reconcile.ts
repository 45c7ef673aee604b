// Does the read model agree with Temporal? (`npm run reconcile`, after a
// restore or whenever ops doubt it; docs/PRODUCTION.md "Backup and restore".)
// Temporal owns the process state; the read model (PostgreSQL) is what people
// list. Each open application, base and notice has a row naming its workflow
// (`workflowId`), and the application's stage and the base's status are also
// search attributes of the workflow (LsStage, LsBaseStatus). Compared:
// - every running workflow of this task queue of those three types has its
//   row, and the row's stage (status) is the workflow's;
// - every row still open in the read model (an application not in a final
//   stage, a base still holding its title, a notice not closed) has its
//   workflow running.
// Other workflow types (rectification, mail resends, the archiver, ...) have
// no row of their own and are only counted.
import type { Client } from '@temporalio/client';
import { isTerminalStage, isTerminalStatus, type ApplicationStage, type BaseStatus } from '../domain/stages';
import type { Db } from './database';

export type Kind = 'application' | 'base' | 'notice';

export interface Difference {
  kind: Kind;
  workflowId: string;
  problem: 'missingInReadModel' | 'missingInTemporal' | 'stageDiffers';
  /** The stage (status) each side records, where it has one. */
  temporal?: string | null;
  readModel?: string | null;
}

export interface Reconciliation {
  differences: Difference[];
  /** Running workflows compared, by kind, and running workflows of other types. */
  running: Record<Kind, number> & { other: number };
  /** Rows open in the read model, by kind. */
  open: Record<Kind, number>;
}

const KIND_OF_TYPE: Record<string, Kind> = { applicationWorkflow: 'application', baseWorkflow: 'base', noticeWorkflow: 'notice' };

interface Running {
  kind: Kind;
  stage: string | null;
}

/** Running workflows of the task queue (one visibility list query). */
async function runningWorkflows(client: Client, taskQueue: string): Promise<{ byId: Map<string, Running>; other: number }> {
  if (!/^[A-Za-z0-9_.:-]{1,200}$/.test(taskQueue)) throw new RangeError(`not a task queue name: ${taskQueue}`);
  const byId = new Map<string, Running>();
  let other = 0;
  for await (const w of client.workflow.list({ query: `ExecutionStatus = "Running" AND TaskQueue = "${taskQueue}"` })) {
    const kind = KIND_OF_TYPE[w.type];
    if (!kind) {
      other += 1;
      continue;
    }
    const sa = w.searchAttributes as Record<string, unknown[] | undefined>;
    const stage = kind === 'application' ? sa.LsStage?.[0] : kind === 'base' ? sa.LsBaseStatus?.[0] : undefined;
    byId.set(w.workflowId, { kind, stage: typeof stage === 'string' ? stage : null });
  }
  return { byId, other };
}

interface Row {
  kind: Kind;
  stage: string | null;
  open: boolean;
}

/** The read model's rows of the workflows Temporal runs and of every open subject. */
async function readModelRows(db: Db, ids: string[]): Promise<Map<string, Row>> {
  const [applications, bases, notices] = await Promise.all([
    db.application.findMany({ select: { workflowId: true, stage: true } }),
    db.base.findMany({ select: { workflowId: true, status: true } }),
    db.notice.findMany({ where: { OR: [{ status: { not: 'closed' } }, { workflowId: { in: ids } }] }, select: { workflowId: true, status: true } }),
  ]);
  const rows = new Map<string, Row>();
  for (const a of applications) rows.set(a.workflowId, { kind: 'application', stage: a.stage, open: !isTerminalStage(a.stage as ApplicationStage) });
  for (const b of bases) rows.set(b.workflowId, { kind: 'base', stage: b.status, open: !isTerminalStatus(b.status as BaseStatus) });
  for (const n of notices) rows.set(n.workflowId, { kind: 'notice', stage: null, open: n.status !== 'closed' });
  return rows;
}

export async function reconcileOnce(client: Client, db: Db, taskQueue: string): Promise<Reconciliation> {
  const { byId, other } = await runningWorkflows(client, taskQueue);
  const rows = await readModelRows(db, [...byId.keys()]);
  const differences: Difference[] = [];
  const running = { application: 0, base: 0, notice: 0, other };
  for (const [workflowId, w] of byId) {
    running[w.kind] += 1;
    const row = rows.get(workflowId);
    if (!row || row.kind !== w.kind) differences.push({ kind: w.kind, workflowId, problem: 'missingInReadModel', temporal: w.stage });
    else if (w.kind !== 'notice' && w.stage !== row.stage) differences.push({ kind: w.kind, workflowId, problem: 'stageDiffers', temporal: w.stage, readModel: row.stage });
  }
  const open = { application: 0, base: 0, notice: 0 };
  for (const [workflowId, row] of rows) {
    if (!row.open) continue;
    open[row.kind] += 1;
    if (!byId.has(workflowId)) differences.push({ kind: row.kind, workflowId, problem: 'missingInTemporal', readModel: row.stage });
  }
  return { differences, running, open };
}

const keyOf = (d: Difference) => `${d.problem}:${d.workflowId}`;

/**
 * As reconcileOnce, but a difference counts only when it is still there a
 * moment later: a decision being applied writes its row and its search
 * attribute a few milliseconds apart, and visibility follows the workflow
 * within moments.
 */
export async function reconcile(client: Client, db: Db, taskQueue: string, options: { settleMs?: number; wait?: (ms: number) => Promise<void> } = {}): Promise<Reconciliation> {
  const first = await reconcileOnce(client, db, taskQueue);
  if (!first.differences.length) return first;
  const wait = options.wait ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  await wait(options.settleMs ?? 3000);
  const second = await reconcileOnce(client, db, taskQueue);
  const seen = new Set(first.differences.map(keyOf));
  return { ...second, differences: second.differences.filter((d) => seen.has(keyOf(d))) };
}

const KIND_WORDS: Record<Kind, string> = { application: 'application', base: 'base', notice: 'notice' };

/** One line per difference, in plain words for the operator. */
export function describeDifference(d: Difference): string {
  const what = `${KIND_WORDS[d.kind]} workflow ${d.workflowId}`;
  switch (d.problem) {
    case 'missingInReadModel':
      return `${what}: running in Temporal${d.temporal ? ` (stage ${d.temporal})` : ''}, but the read model has no row for it`;
    case 'missingInTemporal':
      return `${what}: open in the read model${d.readModel ? ` (stage ${d.readModel})` : ''}, but not running in Temporal`;
    case 'stageDiffers':
      return `${what}: Temporal says stage ${d.temporal ?? '(none)'}, the read model says ${d.readModel ?? '(none)'}`;
  }
}
