// The hourly Schedule of the history archive (workflows/history-archive.ts).
// Created or brought up to date by the worker at start, keeping a pause.
import { ScheduleAlreadyRunning, ScheduleOverlapPolicy, type Client } from '@temporalio/client';
import { historyArchiveWorkflow } from '../workflows/history-archive';

export const HISTORY_ARCHIVE_SCHEDULE_ID = 'history-archive';

export async function ensureHistoryArchiveSchedule(client: Client, taskQueue: string): Promise<'created' | 'updated'> {
  const spec = { intervals: [{ every: '1 hour' }] };
  const action = { type: 'startWorkflow' as const, workflowType: historyArchiveWorkflow, args: [] as [], taskQueue, workflowId: HISTORY_ARCHIVE_SCHEDULE_ID };
  // One pass at a time; a pass missed while Temporal was down is not worth catching up (the next one covers it).
  const policies = { overlap: ScheduleOverlapPolicy.SKIP, catchupWindow: '1 minute' };
  try {
    await client.schedule.create({ scheduleId: HISTORY_ARCHIVE_SCHEDULE_ID, spec, action, policies, state: { note: '已结束流程的历史存入 PostgreSQL，由 worker 启动时创建' } });
    return 'created';
  } catch (error) {
    if (!(error instanceof ScheduleAlreadyRunning)) throw error;
    await client.schedule.getHandle(HISTORY_ARCHIVE_SCHEDULE_ID).update((previous) => ({ ...previous, spec, action, policies }));
    return 'updated';
  }
}
