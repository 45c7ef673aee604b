// One pass of the history archive (activities/history-archive.ts), started
// hourly by its Schedule. The activity heartbeats, so a worker lost mid-pass
// is noticed within a minute and the pass resumes on another worker.
import { proxyActivities } from '@temporalio/workflow';
import type { Activities } from '../activities';

const { archiveClosedHistories } = proxyActivities<Activities>({
  startToCloseTimeout: '1 hour',
  heartbeatTimeout: '1 minute',
  retry: { initialInterval: '10 seconds', backoffCoefficient: 2, maximumInterval: '10 minutes' },
});

export async function historyArchiveWorkflow(): Promise<{ archived: number; seen: number }> {
  return archiveClosedHistories();
}
