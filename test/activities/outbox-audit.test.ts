// Activities against a real PostgreSQL and a real SMTP server: mail goes out
// once per key even when the activity is retried, an SMTP outage leaves it
// pending, and the audit log chains its rows.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createActivities } from '../../activities';
import { appendAudit, auditHash, GENESIS_HASH, type AuditEntry } from '../../activities/audit';
import { createDbCalendar } from '../../activities/calendar';
import { createSmtpMailer, type Mailer } from '../../activities/mailer';
import { enqueueAndSend, messageIdFor } from '../../activities/outbox';
import { startSmtpSink, type SmtpSink } from '../../infra/smtp-sink';
import { createTestDatabase, type TestDatabase } from '../support/database';

let database: TestDatabase;
let sink: SmtpSink;
let mailer: Mailer;

beforeAll(async () => {
  [database, sink] = await Promise.all([createTestDatabase(), startSmtpSink()]);
  mailer = createSmtpMailer(sink.url);
});

afterAll(async () => {
  mailer?.close();
  await sink?.close();
  await database?.drop();
});

const message = (key: string) => ({ subjectId: 'app-1', key, to: ['a@county.example'], subject: `主题 ${key}`, text: '正文' });

describe('outbox', () => {
  it('sends a key once, however often the activity runs', async () => {
    const first = await enqueueAndSend(database.db, mailer, 'from@x.example', message('k1'));
    const second = await enqueueAndSend(database.db, mailer, 'from@x.example', message('k1'));
    expect(first.status).toBe('sent');
    expect(second.status).toBe('alreadySent');
    await sink.waitFor((m) => m.some((x) => x.subject === '主题 k1'));
    expect(sink.messages().filter((x) => x.subject === '主题 k1')).toHaveLength(1);
    expect(sink.messages().find((x) => x.subject === '主题 k1')?.messageId).toBe(messageIdFor('app-1', 'k1'));
    const row = await database.db.notification.findUniqueOrThrow({ where: { subjectId_key: { subjectId: 'app-1', key: 'k1' } } });
    expect(row).toMatchObject({ status: 'sent', attempts: 1 });
  });

  it('keeps the mail pending while SMTP refuses it and sends it on the retry', async () => {
    sink.setRefusing(true);
    await expect(enqueueAndSend(database.db, mailer, 'from@x.example', message('k2'))).rejects.toThrow();
    const pending = await database.db.notification.findUniqueOrThrow({ where: { subjectId_key: { subjectId: 'app-1', key: 'k2' } } });
    expect(pending).toMatchObject({ status: 'pending', attempts: 1 });
    expect(pending.lastError).toMatch(/451/);
    sink.setRefusing(false);
    expect((await enqueueAndSend(database.db, mailer, 'from@x.example', message('k2'))).status).toBe('sent');
    expect(sink.messages().filter((x) => x.subject === '主题 k2')).toHaveLength(1);
  });
});

describe('notify', () => {
  it('sends a task mail as HTML with a plain-text part, both leading to the task\'s page under PUBLIC_URL', async () => {
    const acts = createActivities({ db: database.db, mailer, mailFrom: 'from@x.example', publicUrl: 'https://lsjd.example.gov.cn', calendar: createDbCalendar(database.db) });
    await acts.notify({
      subjectId: 'app-42', key: 'prefectureReview.assigned', to: [{ email: 'office@zunyi.example' }],
      template: 'taskAssigned', params: { unitName: '赤水市<script>', step: 'prefectureReview', dueAt: '2027-03-16T16:00:00.000Z' },
    });
    const [mail] = (await sink.waitFor((m) => m.some((x) => x.to.includes('office@zunyi.example')))).filter((x) => x.to.includes('office@zunyi.example'));
    expect(mail?.subject).toBe('【待办】赤水市<script>：市（州）预审，2027年3月16日 24:00前办理');
    expect(mail?.text).toContain('打开办理页面：https://lsjd.example.gov.cn/applications/app-42');
    expect(mail?.text).not.toMatch(/<(p|a|br)\b/);
    expect(mail?.html).toContain('<html lang="zh-CN">');
    expect(mail?.html).toContain('<a href="https://lsjd.example.gov.cn/applications/app-42"');
    expect(mail?.html).toContain('赤水市&lt;script&gt;');
    expect(mail?.html).not.toContain('<script');
    const row = await database.db.notification.findUniqueOrThrow({ where: { subjectId_key: { subjectId: 'app-42', key: 'prefectureReview.assigned' } } });
    // The outbox keeps both parts, so a resend sends the same mail.
    expect(row.html).toContain('打开办理页面</a>');
  });
});

describe('audit log', () => {
  const entry = (decisionId: string): AuditEntry => ({
    decisionId, subjectType: 'application', subjectId: 'app-1', action: 'prefectureAccept',
    actorSub: 'o1', actorRole: 'prefectureOfficer', actorPrefecture: '520300', reason: '同意', payload: { b: 1, a: [1, 2] },
    outcome: 'applied', at: '2027-03-01T02:00:00.000Z',
  });

  it('appends once per decision and chains each row to the previous one', async () => {
    const a = await appendAudit(database.db, entry('audit-1'));
    const again = await appendAudit(database.db, entry('audit-1'));
    const b = await appendAudit(database.db, entry('audit-2'));
    expect(again).toEqual(a);
    const rows = await database.db.decision.findMany({ orderBy: { seq: 'asc' } });
    expect(rows.map((r) => r.decisionId)).toEqual(['audit-1', 'audit-2']);
    expect(rows[0]?.prevHash).toBe(GENESIS_HASH);
    expect(rows[1]?.prevHash).toBe(a.hash);
    expect(b.hash).toBe(auditHash(a.hash, entry('audit-2')));
    // Any change of content changes the hash.
    expect(auditHash(a.hash, { ...entry('audit-2'), reason: '不同意' })).not.toBe(b.hash);
  });
});
