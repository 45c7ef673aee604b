// The workflows' handle on activities: types only, calls go through
// proxyActivities so the workflow stays deterministic.
import { proxyActivities } from '@temporalio/workflow';
import type { Activities } from '../activities';

export const acts = proxyActivities<Activities>({
  startToCloseTimeout: '30 seconds',
  // Database or SMTP outages cost time, not data: keep retrying, slower.
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '5 minutes' },
});
