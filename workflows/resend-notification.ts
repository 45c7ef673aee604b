// Ops' retry of one mail, asked through the API (POST
// /api/ops/notifications/:id/resend). The API holds no SMTP connection; the
// worker does, so the resend runs there as an activity. A few attempts only:
// ops are waiting for the answer, and a mail that still cannot go stays
// pending in the outbox, where the sending workflow's own retries find it.
import { proxyActivities } from '@temporalio/workflow';
import type { Activities } from '../activities';
import type { DeliveryResult } from '../activities/outbox';

const { resendNotification } = proxyActivities<Activities>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumAttempts: 3 },
});

export async function resendNotificationWorkflow(request: { id: string; to?: string[] | undefined; requestId?: string | undefined }): Promise<DeliveryResult | null> {
  return resendNotification(request);
}
