// What ops staff ask of the system, in one place for the CLI
// (`npm run ops -- …`, scripts/ops.ts) and the API's ops routes: workflows
// by stage, prefecture, year and status through the typed search
// attributes; a workflow's history in words (from Temporal, or from the
// archive once Temporal has removed it); the mail outbox and a resend.
import type { Client } from '@temporalio/client';
import { resend } from '../activities/outbox';
import { historyFromStored } from '../activities/history-archive';
import type { Db } from './database';
import { summarizeHistory, type HistorySummary } from './history-summary';

export interface WorkflowFilter {
  stage?: string | undefined;
  prefecture?: string | undefined;
  year?: number | undefined;
  status?: 'running' | 'closed' | undefined;
  type?: string | undefined;
  limit?: number | undefined;
}

/** Visibility values are quoted; only characters our codes and stages use are let through. */
function literal(value: string): string {
  if (!/^[A-Za-z0-9_.:-]{1,100}$/.test(value)) throw new RangeError(`not a valid filter value: ${value}`);
  return `"${value}"`;
}

export function workflowQuery(filter: WorkflowFilter): string {
  const parts: string[] = [];
  if (filter.stage) parts.push(`(LsStage = ${literal(filter.stage)} OR LsBaseStatus = ${literal(filter.stage)})`);
  if (filter.prefecture) parts.push(`LsPrefecture = ${literal(filter.prefecture)}`);
  if (filter.year !== undefined) parts.push(`LsYear = ${Math.trunc(filter.year)}`);
  if (filter.status === 'running') parts.push('ExecutionStatus = "Running"');
  if (filter.status === 'closed') parts.push('ExecutionStatus != "Running"');
  if (filter.type) parts.push(`WorkflowType = ${literal(filter.type)}`);
  return parts.join(' AND ');
}

export interface WorkflowRow {
  workflowId: string;
  runId: string;
  type: string;
  status: string;
  startTime: string;
  closeTime: string | null;
  stage: string | null;
  prefectures: string[];
  year: number | null;
  historyLength: number;
}

export async function listWorkflows(client: Client, filter: WorkflowFilter, db?: Db): Promise<WorkflowRow[]> {
  const limit = Math.min(Math.max(filter.limit ?? 100, 1), 1000);
  const query = workflowQuery(filter);
  const rows: WorkflowRow[] = [];
  for await (const w of client.workflow.list(query ? { query } : {})) {
    const sa = w.searchAttributes as Record<string, unknown[] | undefined>;
    rows.push({
      workflowId: w.workflowId,
      runId: w.runId,
      type: w.type,
      status: w.status.name,
      startTime: w.startTime.toISOString(),
      closeTime: w.closeTime?.toISOString() ?? null,
      stage: (sa.LsStage?.[0] as string | undefined) ?? (sa.LsBaseStatus?.[0] as string | undefined) ?? null,
      prefectures: (sa.LsPrefecture as string[] | undefined) ?? [],
      year: (sa.LsYear?.[0] as number | undefined) ?? null,
      historyLength: w.historyLength,
    });
    if (rows.length >= limit) break;
  }
  await Promise.all([withLiveHistoryLengths(client, rows), db ? withNoticeDetails(db, rows) : undefined]);
  return rows;
}

/** Describes at once, at most: enough to be quick for a page of rows, gentle with the frontend. */
const DESCRIBE_CONCURRENCY = 8;

/**
 * Visibility records a run's history length only when it closes (0 for every
 * running run): a running row's length is read from describe, which reports
 * the run's current length. A run that has just gone keeps the listed figure.
 */
async function withLiveHistoryLengths(client: Client, rows: WorkflowRow[]): Promise<void> {
  const running = rows.filter((r) => r.status === 'RUNNING');
  for (let i = 0; i < running.length; i += DESCRIBE_CONCURRENCY) {
    await Promise.all(
      running.slice(i, i + DESCRIBE_CONCURRENCY).map(async (r) => {
        try {
          r.historyLength = (await client.workflow.getHandle(r.workflowId, r.runId).describe()).historyLength;
        } catch (error) {
          if (!isNotFound(error)) throw error;
        }
      }),
    );
  }
}

/**
 * A notice is a child workflow without search attributes of its own: its
 * stage (the prefecture's or the province's notice), prefecture and year come
 * from the read model (Notice, and its application). In the moment before
 * the notice's row is written, its id (`<application workflowId>:notice:<level>`)
 * and the application's row tell the same.
 */
async function withNoticeDetails(db: Db, rows: WorkflowRow[]): Promise<void> {
  const notices = rows.filter((r) => r.type === 'noticeWorkflow');
  if (notices.length === 0) return;
  const ids = notices.map((r) => r.workflowId);
  const parents = ids.map((id) => id.split(':notice:')[0]!);
  const [found, applications] = await Promise.all([
    db.notice.findMany({ where: { workflowId: { in: ids } }, select: { workflowId: true, level: true, prefecture: true, application: { select: { year: true, prefectures: true } } } }),
    db.application.findMany({ where: { workflowId: { in: parents } }, select: { workflowId: true, year: true, prefectures: true } }),
  ]);
  const byId = new Map(found.map((n) => [n.workflowId, n]));
  const parentOf = new Map(applications.map((a) => [a.workflowId, a]));
  for (const r of notices) {
    const n = byId.get(r.workflowId);
    const [parentId, level] = r.workflowId.split(':notice:') as [string, string | undefined];
    const application = n?.application ?? parentOf.get(parentId);
    const noticeLevel = n?.level ?? level;
    if (noticeLevel === 'province' || noticeLevel === 'prefecture') r.stage ??= noticeLevel === 'province' ? 'provinceNotice' : 'prefectureNotice';
    if (r.prefectures.length === 0) r.prefectures = n?.prefecture ? [n.prefecture] : (application?.prefectures ?? []);
    r.year ??= application?.year ?? null;
  }
}

export interface WorkflowHistoryView extends HistorySummary {
  workflowId: string;
  runId: string | null;
  /** Where it was read: Temporal (still retained) or the PostgreSQL archive. */
  source: 'temporal' | 'archive';
  /** The same run in the Temporal Web UI, when its address is configured. */
  webUiUrl: string | null;
}

export function webUiUrlOf(base: string | undefined, namespace: string, workflowId: string, runId: string | null): string | null {
  if (!base) return null;
  const path = `/namespaces/${encodeURIComponent(namespace)}/workflows/${encodeURIComponent(workflowId)}${runId ? `/${encodeURIComponent(runId)}` : ''}/history`;
  return base.replace(/\/$/, '') + path;
}

/** Temporal no longer has the run: describe says so by class, a history read by gRPC code NOT_FOUND. */
function isNotFound(error: unknown): boolean {
  const e = error as { name?: string; code?: number; cause?: { code?: number } } | null;
  return e?.name === 'WorkflowNotFoundError' || e?.code === 5 || e?.cause?.code === 5;
}

/** The latest run's history from Temporal, or the newest archived run when Temporal no longer has it; null if neither. */
export async function workflowHistory(
  client: Client,
  db: Db,
  workflowId: string,
  options: { namespace: string; webUiBase?: string | undefined },
): Promise<WorkflowHistoryView | null> {
  try {
    const handle = client.workflow.getHandle(workflowId);
    const { runId } = await handle.describe();
    const summary = summarizeHistory(await handle.fetchHistory());
    return { workflowId, runId, source: 'temporal', webUiUrl: webUiUrlOf(options.webUiBase, options.namespace, workflowId, runId), ...summary };
  } catch (error) {
    if (!isNotFound(error)) throw error;
  }
  const archived = await db.workflowHistory.findFirst({ where: { workflowId }, orderBy: { closedAt: 'desc' } });
  if (!archived) return null;
  return { workflowId, runId: archived.runId, source: 'archive', webUiUrl: null, ...summarizeHistory(historyFromStored(archived.history)) };
}

export async function listNotifications(db: Db, filter: { status?: string | undefined; subjectId?: string | undefined; limit?: number | undefined }) {
  const rows = await db.notification.findMany({
    where: { ...(filter.status ? { status: filter.status } : {}), ...(filter.subjectId ? { subjectId: filter.subjectId } : {}) },
    orderBy: { createdAt: 'desc' },
    take: Math.min(Math.max(filter.limit ?? 100, 1), 1000),
  });
  return rows.map((n) => ({
    id: n.id, subjectId: n.subjectId, key: n.key, to: n.to, subject: n.subject, status: n.status, attempts: n.attempts,
    lastError: n.lastError, createdAt: n.createdAt.toISOString(), sentAt: n.sentAt?.toISOString() ?? null, resendOf: n.resendOf,
  }));
}

/** Ops' retry of one mail (activities/outbox.ts `resend`): the CLI sends it from here with its own SMTP connection. */
export const resendNotification = resend;
