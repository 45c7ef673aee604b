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
  /** Offices the mail is for that have no mailbox in the directory (domain/offices.ts): recorded undeliverable, never dropped. */
  unreachable?: ReadonlyArray<{ region: string; name: string }>;
}

/** The status of a mail that cannot go: an office it is for has no mailbox. Ops re-send it to an address (resend). */
export const UNDELIVERABLE = 'undeliverable';

/** Why, in the words ops read in the outbox. */
export function undeliverableReason(offices: ReadonlyArray<{ name: string }>): string {
  return `无法投递：${offices.map((o) => o.name).join('、')}尚未登记工作邮箱。请在“办公室名录”中补录邮箱，并在发件箱中将此邮件重发至该邮箱。`;
}

/** The key of the undeliverable part of a mail that went to its other recipients. */
export const undeliverablePartKey = (key: string) => `${key}/undeliverable`;

/** The key of a re-send of a mail to corrected addresses: one per client request. */
export const resendKey = (key: string, requestId: string) => `${key}/resend/${requestId}`;

export function messageIdFor(subjectId: string, key: string): string {
  const digest = createHash('sha256').update(`${subjectId}\n${key}`).digest('hex').slice(0, 32);
  return `<${digest}@liangshan.notifications>`;
}

export type DeliveryResult = {
  status: 'sent' | 'alreadySent' | 'noRecipients' | 'undeliverable';
  messageId?: string;
  /** A re-send to corrected addresses: the new mail's id (its `resendOf` is the original). */
  resendId?: string;
};

/**
 * Writes the mail once and sends it. Offices without a mailbox
 * (`unreachable`): when nobody else remains the mail itself is recorded
 * undeliverable, naming them; when others remain it goes to them, and its
 * undeliverable part is recorded as a second row (same text, no recipient,
 * naming the offices), so the outbox shows and counts every mail that did
 * not reach an office and ops can re-send that part alone.
 */
export async function enqueueAndSend(db: Db, mailer: Mailer, from: string, message: OutboxMessage): Promise<DeliveryResult> {
  const unreachable = message.unreachable ?? [];
  if (unreachable.length > 0) {
    const onlyThem = message.to.length === 0;
    const undeliverable = await db.notification.upsert({
      where: { subjectId_key: { subjectId: message.subjectId, key: onlyThem ? message.key : undeliverablePartKey(message.key) } },
      create: {
        subjectId: message.subjectId,
        key: onlyThem ? message.key : undeliverablePartKey(message.key),
        to: [],
        subject: message.subject,
        text: message.text,
        html: message.html ?? null,
        status: UNDELIVERABLE,
        lastError: undeliverableReason(unreachable),
      },
      update: {},
    });
    if (onlyThem) return undeliverable.status === 'sent' ? { status: 'alreadySent', messageId: undeliverable.messageId ?? undefined } : { status: 'undeliverable' };
  }
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
  if (row.status === UNDELIVERABLE) return { status: 'undeliverable' };
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
 * Ops' retry of one mail. A pending or failed row is sent now, to corrected
 * recipients if given. A sent or undeliverable row is never changed: with
 * corrected recipients (`to`) and the client's `requestId` a NEW row is
 * written (key `<key>/resend/<requestId>`, `resendOf` = the original's id)
 * and sent to them, once per requestId; without, a sent row answers
 * alreadySent and an undeliverable one undeliverable. Null when there is no
 * such row. Shared by the worker's activity (the API's resend) and the CLI.
 */
export async function resend(db: Db, mailer: Mailer, from: string, id: string, to?: string[], requestId?: string): Promise<DeliveryResult | null> {
  const row = await db.notification.findUnique({ where: { id } });
  if (!row) return null;
  if (row.status === 'sent' || row.status === UNDELIVERABLE) {
    if (!to?.length || !requestId) return row.status === 'sent' ? { status: 'alreadySent', messageId: row.messageId ?? undefined } : { status: 'undeliverable' };
    const copy = await db.notification.upsert({
      where: { subjectId_key: { subjectId: row.subjectId, key: resendKey(row.key, requestId) } },
      create: { subjectId: row.subjectId, key: resendKey(row.key, requestId), to, subject: row.subject, text: row.text, html: row.html, resendOf: row.id },
      update: {},
    });
    const result = await deliver(db, mailer, from, copy);
    return { ...result, resendId: copy.id };
  }
  const ready = await db.notification.update({ where: { id }, data: { status: 'pending', ...(to?.length ? { to } : {}) } });
  return deliver(db, mailer, from, ready);
}
