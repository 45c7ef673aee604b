// The workflows' handle on activities: types only, calls go through
// proxyActivities so the workflow stays deterministic.
import { proxyActivities, proxyLocalActivities } from '@temporalio/workflow';
import type { Activities } from '../activities';

export const acts = proxyActivities<Activities>({
  startToCloseTimeout: '30 seconds',
  // Database or SMTP outages cost time, not data: keep retrying, slower.
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '5 minutes' },
});

/**
 * The short database writes a decision makes before its Update answers
 * (audit row, task closed, stage): as local activities they run inside the
 * workflow task instead of a round trip through the task queue each, which
 * keeps an officer's decision close to the raw Update's latency
 * (bench/decision-latency.ts). Same at-least-once retries, same idempotent
 * writes; mail stays a normal activity, outside the Update's path.
 */
export const localActs = proxyLocalActivities<Activities>({
  startToCloseTimeout: '10 seconds',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '5 minutes' },
});
