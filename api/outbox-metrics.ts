// Mails that cannot reach an office, for Prometheus (GET /metrics, next to
// api/observability.ts's HTTP metrics): read from PostgreSQL when scraped,
// so every API process reports the same figures.
// - liangshan_mails_undeliverable: outbox rows recorded undeliverable (an
//   office without a mailbox, activities/outbox.ts) that no re-send has
//   delivered yet; alert when above 0.
// - liangshan_offices_without_mailbox: the province's and prefectures'
//   offices with no mailbox in the directory (api/offices.ts).
import client from 'prom-client';
import type { Db } from '../infra/database';
import { missingMailboxes } from './offices';
import type { HttpMetrics } from './observability';

/** Undeliverable rows without a sent re-send (activities/outbox.ts resend). */
export async function countUndeliverable(db: Db): Promise<number> {
  const [row] = await db.$queryRaw<Array<{ n: number }>>`
    SELECT count(*)::int AS n FROM "Notification" n
    WHERE n."status" = 'undeliverable'
      AND NOT EXISTS (SELECT 1 FROM "Notification" r WHERE r."resendOf" = n."id" AND r."status" = 'sent')`;
  return row?.n ?? 0;
}

export function registerOutboxMetrics(metrics: HttpMetrics, db: Db): void {
  // An app built twice on the same metrics (tests) registers them once.
  if (metrics.registry.getSingleMetric('liangshan_mails_undeliverable')) return;
  metrics.registry.registerMetric(new client.Gauge({
    name: 'liangshan_mails_undeliverable',
    help: 'Mails recorded undeliverable (an office they are for has no mailbox in the office directory) and not yet re-sent to an address (POST /api/ops/notifications/:id/resend)',
    registers: [],
    async collect() {
      this.set(await countUndeliverable(db).catch(() => Number.NaN));
    },
  }));
  metrics.registry.registerMetric(new client.Gauge({
    name: 'liangshan_offices_without_mailbox',
    help: "The province's and prefectures' offices with no mailbox in the office directory (PUT /api/offices/:region, npm run offices:load)",
    registers: [],
    async collect() {
      this.set(await missingMailboxes(db).then((m) => m.length, () => Number.NaN));
    },
  }));
}
