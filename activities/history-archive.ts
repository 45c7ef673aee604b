// Closed workflows' histories kept in PostgreSQL (issue 7.4): Temporal
// deletes a closed run's history after the namespace's retention (30 days by
// default); the record of a finished application or a revoked base must stay
// readable for years. Run hourly by a Schedule (infra/history-archive-schedule.ts).
import { heartbeat } from '@temporalio/activity';
import type { Client } from '@temporalio/client';
import proto from '@temporalio/proto';
import type { Db } from '../infra/database';

/**
 * Visibility is eventually consistent and close times are not archived in
 * order: look back this far before the newest archived close, and skip runs
 * already kept.
 */
const LOOK_BACK_MS = 60 * 60_000;

const { History } = proto.temporal.api.history.v1;

/**
 * A history as JSON: protobufjs's object form (64-bit ids and enums as
 * strings, payload bytes as base64), read back with `History.fromObject`.
 * Not the SDK's historyToJSON: in SDK 1.24 it checks messages against a
 * second copy of protobufjs and refuses the client's own histories.
 */
export const historyToStored = (history: proto.temporal.api.history.v1.IHistory): object =>
  History.toObject(History.fromObject(history), { longs: String, enums: String, bytes: String });
export const historyFromStored = (stored: unknown) => History.fromObject(stored as Record<string, unknown>);

export function createHistoryArchiveActivities(deps: { db: Db; temporal?: Client | undefined }) {
  return {
    async archiveClosedHistories(): Promise<{ archived: number; seen: number }> {
      const temporal = deps.temporal;
      if (!temporal) throw new Error('archiveClosedHistories needs a Temporal client in the activities’ dependencies');
      const newest = await deps.db.workflowHistory.findFirst({ orderBy: { closedAt: 'desc' }, select: { closedAt: true } });
      const since = newest ? new Date(newest.closedAt.getTime() - LOOK_BACK_MS) : null;
      const query = `ExecutionStatus != "Running"${since ? ` AND CloseTime > "${since.toISOString()}"` : ''}`;
      let archived = 0;
      let seen = 0;
      for await (const run of temporal.workflow.list({ query })) {
        seen += 1;
        heartbeat({ seen, archived });
        if (!run.closeTime) continue;
        if (await deps.db.workflowHistory.findUnique({ where: { runId: run.runId }, select: { runId: true } })) continue;
        const history = await temporal.workflow.getHandle(run.workflowId, run.runId).fetchHistory();
        await deps.db.workflowHistory.upsert({
          where: { runId: run.runId },
          create: {
            runId: run.runId,
            workflowId: run.workflowId,
            workflowType: run.type,
            status: run.status.name,
            startedAt: run.startTime,
            closedAt: run.closeTime,
            eventCount: history.events?.length ?? 0,
            history: historyToStored(history),
          },
          update: {},
        });
        archived += 1;
      }
      return { archived, seen };
    },
  };
}
