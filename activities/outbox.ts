// The notification outbox: one row per (subject, key). A message is written
// once, then sent; a retried activity finds the row and sends only if it is
// still pending. SMTP has no transactions, so a crash between the server's
// acceptance and our "sent" mark can still send twice: the Message-ID is
// derived from (subject, key), so mail systems can drop such a duplicate.
import { createHash } from 'node:crypto';
import type { Db } from '../infra/database';
import type { Mailer } from './mailer';

export interface OutboxMessage {
  subjectId: string;
  key: string;
  to: string[];
  subject: string;
  text: string;
  html?: string;
}

export function messageIdFor(subjectId: string, key: string): string {
  const digest = createHash('sha256').update(`${subjectId}\n${key}`).digest('hex').slice(0, 32);
  return `<${digest}@liangshan.notifications>`;
}

export type DeliveryResult = { status: 'sent' | 'alreadySent' | 'noRecipients'; messageId?: string };

export async function enqueueAndSend(db: Db, mailer: Mailer, from: string, message: OutboxMessage): Promise<DeliveryResult> {
  const row = await db.notification.upsert({
    where: { subjectId_key: { subjectId: message.subjectId, key: message.key } },
    create: {
      subjectId: message.subjectId,
      key: message.key,
      to: message.to,
      subject: message.subject,
      text: message.text,
      html: message.html ?? null,
    },
    update: {},
  });
  return deliver(db, mailer, from, row);
}

type NotificationRow = Awaited<ReturnType<Db['notification']['findUniqueOrThrow']>>;

/** Sends a row that is not yet sent, and marks it; a sent row is left alone. */
export async function deliver(db: Db, mailer: Mailer, from: string, row: NotificationRow): Promise<DeliveryResult> {
  if (row.status === 'sent') return { status: 'alreadySent', messageId: row.messageId ?? undefined };
  if (row.to.length === 0) {
    await db.notification.update({ where: { id: row.id }, data: { status: 'failed', lastError: 'no recipients' } });
    return { status: 'noRecipients' };
  }
  const messageId = messageIdFor(row.subjectId, row.key);
  try {
    await mailer.send({ from, to: row.to, subject: row.subject, text: row.text, ...(row.html ? { html: row.html } : {}), messageId });
  } catch (error) {
    // Stays pending: the activity's retry (or ops) sends it when SMTP is back.
    await db.notification.update({
      where: { id: row.id },
      data: { attempts: { increment: 1 }, lastError: String((error as Error).message ?? error) },
    });
    throw error;
  }
  await db.notification.update({
    where: { id: row.id },
    data: { status: 'sent', sentAt: new Date(), messageId, attempts: { increment: 1 }, lastError: null },
  });
  return { status: 'sent', messageId };
}

/**
 * Ops' retry of one mail: a pending or failed row is sent now, to corrected
 * recipients if given; a sent row is not sent again. Null when there is no
 * such row. Shared by the worker's activity (the API's resend) and the CLI.
 */
export async function resend(db: Db, mailer: Mailer, from: string, id: string, to?: string[]): Promise<DeliveryResult | null> {
  const row = await db.notification.findUnique({ where: { id } });
  if (!row) return null;
  if (row.status === 'sent') return { status: 'alreadySent', messageId: row.messageId ?? undefined };
  const ready = await db.notification.update({ where: { id }, data: { status: 'pending', ...(to?.length ? { to } : {}) } });
  return deliver(db, mailer, from, ready);
}
