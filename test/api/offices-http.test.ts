// The office directory over HTTP, and what happens to a mail whose office has
// no mailbox: who may read and set which office (GET/PUT /api/offices), the
// mail recorded undeliverable naming the office (never dropped), counted in
// GET /metrics and named in GET /api/ready; its re-send to a corrected
// address as a new mail through the real SMTP sink, once per requestId; the
// ops list's live history length and the notice child's stage and
// prefecture; due dates marked provisional. Real API, PostgreSQL, Temporal
// (dev server) and SMTP sink: nothing faked.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signDevToken } from '../../api/auth';
import { acceptanceWindowNoticeWorkflow, acceptanceWindowSubjectId } from '../../workflows/acceptance-window';
import { applicationWorkflow } from '../../workflows/application';
import { decideUpdate, type Actor } from '../../workflows/messages';
import { uncheckedApplicationDecision } from '../support/decisions';
import { eventually } from '../support/eventually';
import { startHarness, TEST_JWT_SECRET, type Harness } from '../support/harness';

let harness: Harness;
let base: string;
const province: Actor = { sub: 'offices-province-1', role: 'provinceOfficer' };
const ops: Actor = { sub: 'offices-ops-1', role: 'ops' };
const zunyi: Actor = { sub: 'offices-zunyi-1', role: 'prefectureOfficer', prefecture: '520300' };
const guiyang: Actor = { sub: 'offices-guiyang-1', role: 'prefectureOfficer', prefecture: '520100' };

beforeAll(async () => {
  harness = await startHarness({ server: 'dev', name: 'offices-http' });
  base = await harness.listen();
});
afterAll(() => harness?.stop());

type Body = Record<string, unknown>;
async function call(method: string, url: string, actor?: Actor, body?: unknown): Promise<{ status: number; body: Body; text: string }> {
  const headers: Record<string, string> = actor ? { authorization: `Bearer ${await signDevToken(TEST_JWT_SECRET, actor)}` } : {};
  if (body !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(base + url, { method, headers, ...(body !== undefined ? { body: JSON.stringify(body) } : {}) });
  const text = await res.text();
  let parsed: Body = {};
  try {
    parsed = (text ? JSON.parse(text) : {}) as Body;
  } catch {
    // Prometheus text
  }
  return { status: res.status, body: parsed, text };
}

const offices = async (actor: Actor) => (await call('GET', '/api/offices', actor)).body.offices as Array<Record<string, unknown>>;
const gauge = (text: string, name: string) => Number(new RegExp(`^${name} (\\S+)$`, 'm').exec(text)?.[1]);

async function startApplication(name: string) {
  const applicationId = randomUUID();
  const handle = await harness.env.client.workflow.start(applicationWorkflow, {
    taskQueue: harness.taskQueue,
    workflowId: `application-${applicationId}`,
    args: [{ applicationId, year: 2027, unit: { name, type: 'county', prefectures: ['520300'] }, applicant: { name: `${name}人民政府`, contactEmail: `gov-${applicationId.slice(0, 6)}@unit.example`, sub: `a-${applicationId}` }, materials: [], submittedAt: new Date().toISOString() }],
  });
  return { applicationId, handle };
}

describe('the office directory', () => {
  it('lists the province and every prefecture; a prefecture office reads its own and sets only its contact', async () => {
    const all = await offices(province);
    expect(all.map((o) => o.region)).toEqual(['520000', '520100', '520200', '520300', '520400', '520500', '520600', '522300', '522600', '522700']);
    expect(all[0]).toMatchObject({ region: '520000', regionZh: '贵州省', name: '贵州省生态环境厅', hasMailbox: true });
    expect((await offices(ops)).length).toBe(10);
    expect((await offices(zunyi)).map((o) => o.region)).toEqual(['520300']);

    const contact = { contactPhone: '0851-28220000', contactAddress: '遵义市汇川区（测试）', requestId: `office-${randomUUID()}` };
    const own = await call('PUT', '/api/offices/520300', zunyi, contact);
    expect(own.status).toBe(200);
    expect(own.body).toMatchObject({ region: '520300', contactPhone: '0851-28220000', contactAddress: '遵义市汇川区（测试）', hasMailbox: true });
    // The same request again records nothing more.
    expect((await call('PUT', '/api/offices/520300', zunyi, contact)).status).toBe(200);
    const entries = await harness.database.db.decision.findMany({ where: { subjectType: 'office', subjectId: '520300', outcome: 'applied' } });
    expect(entries.map((e) => [e.action, e.actorRole])).toEqual([['officeUpdated', 'prefectureOfficer']]);

    const mailbox = await call('PUT', '/api/offices/520300', zunyi, { email: 'mine@zunyi.example' });
    expect(mailbox.status).toBe(403);
    expect(JSON.stringify(mailbox.body)).toContain('工作邮箱');
    expect((await call('PUT', '/api/offices/520300', guiyang, { contactPhone: '0851-1' })).status).toBe(403);

    const bad = await call('PUT', '/api/offices/520300', province, { email: 'not an address', contactEmail: 'x@' });
    expect(bad.status).toBe(422);
    expect((bad.body.error as { details: Array<{ field: string }> }).details.map((d) => d.field)).toEqual(['email', 'contactEmail']);
    expect((await call('PUT', '/api/offices/529999', province, { name: '无此地' })).status).toBe(404);
    expect((await call('PUT', '/api/offices/520300', province, { fax: '1' })).status).toBe(400);
    // Nothing of the refused requests was written.
    expect((await harness.database.db.office.findUniqueOrThrow({ where: { region: '520300' } })).email).toBe('lsjd-520300@sthj.guizhou.example');

    // A county office, where one is used, by the province.
    const county = await call('PUT', '/api/offices/520381', province, { email: 'chishui@zunyi.example', reason: '县级办公室' });
    expect(county.body).toMatchObject({ region: '520381', name: '赤水市生态环境局', hasMailbox: true, regionZh: expect.stringContaining('赤水市') });
    expect((await offices(zunyi)).map((o) => o.region)).toEqual(['520300', '520381']);
  });

  it('records a mail to an office without a mailbox as undeliverable, counts it, names the office, and re-sends it to a corrected address once', async () => {
    const cleared = await call('PUT', '/api/offices/520300', ops, { email: null, requestId: `office-${randomUUID()}` });
    expect(cleared.body).toMatchObject({ hasMailbox: false, email: null });
    const ready = await call('GET', '/api/ready');
    expect(ready.status).toBe(200);
    expect((ready.body.details as { officesWithoutMailbox: unknown }).officesWithoutMailbox).toEqual([{ region: '520300', name: '遵义市生态环境局' }]);
    expect(gauge((await call('GET', '/metrics')).text, 'liangshan_offices_without_mailbox')).toBe(1);

    // A submission in 遵义市: the office's task mail cannot go, the applicant's does.
    const { applicationId, handle } = await startApplication('湄潭县');
    const undeliverable = await eventually(
      () => harness.database.db.notification.findMany({ where: { subjectId: applicationId, status: 'undeliverable' } }),
      (rows) => rows.length > 0,
    );
    expect(undeliverable).toHaveLength(1);
    const mail = undeliverable[0]!;
    expect(mail.to).toEqual([]);
    expect(mail.lastError).toContain('遵义市生态环境局尚未登记工作邮箱');
    expect(mail.lastError).not.toMatch(/520300/);

    const outbox = await call('GET', '/api/ops/notifications?status=undeliverable', ops);
    expect((outbox.body.notifications as Array<{ id: string }>).map((n) => n.id)).toContain(mail.id);
    expect(gauge((await call('GET', '/metrics')).text, 'liangshan_mails_undeliverable')).toBe(1);
    expect((await call('GET', '/api/ready')).body.details).toMatchObject({ undeliverableMails: 1 });

    // Without an address there is nothing to send it to; without a requestId it is not re-sent.
    expect((await call('POST', `/api/ops/notifications/${mail.id}/resend`, ops, {})).status).toBe(422);
    expect((await call('POST', `/api/ops/notifications/${mail.id}/resend`, ops, { to: ['office@zunyi.example'] })).status).toBe(422);
    const requestId = `resend-${randomUUID()}`;
    const resent = await call('POST', `/api/ops/notifications/${mail.id}/resend`, ops, { to: ['office@zunyi.example'], requestId, reason: '补录遵义市邮箱' });
    expect(resent.status).toBe(200);
    expect(resent.body).toMatchObject({ id: mail.id, status: 'sent', resendId: expect.any(String) });
    // The same requestId again sends nothing more; with other addresses it is refused.
    expect((await call('POST', `/api/ops/notifications/${mail.id}/resend`, ops, { to: ['office@zunyi.example'], requestId })).body).toMatchObject({ status: 'alreadySent', resendId: resent.body.resendId });
    expect((await call('POST', `/api/ops/notifications/${mail.id}/resend`, ops, { to: ['other@zunyi.example'], requestId })).status).toBe(409);
    await harness.sink.waitFor((m) => m.some((x) => x.to.includes('office@zunyi.example')));
    expect(harness.sink.messages().filter((x) => x.to.includes('office@zunyi.example'))).toHaveLength(1);

    // The original stays as recorded; the copy names it.
    expect(await harness.database.db.notification.findUniqueOrThrow({ where: { id: mail.id } })).toMatchObject({ status: 'undeliverable', to: [] });
    expect(await harness.database.db.notification.findUniqueOrThrow({ where: { id: String(resent.body.resendId) } })).toMatchObject({ status: 'sent', to: ['office@zunyi.example'], resendOf: mail.id, subject: mail.subject });
    expect(gauge((await call('GET', '/metrics')).text, 'liangshan_mails_undeliverable')).toBe(0);
    const acts = await harness.database.db.decision.findMany({ where: { subjectType: 'notification', subjectId: mail.id, outcome: 'applied' } });
    expect(acts.map((a) => [a.action, a.decisionId])).toEqual([['resend', `resend/${mail.id}/${requestId}`]]);

    // A sent mail to a wrong address: re-sent to the corrected one as a new mail (before, alreadySent and nothing sent).
    const applicantMail = await eventually(
      () => harness.database.db.notification.findFirst({ where: { subjectId: applicationId, status: 'sent', resendOf: null } }),
      (row) => row !== null,
    );
    expect((await call('POST', `/api/ops/notifications/${applicantMail!.id}/resend`, ops, {})).body).toMatchObject({ status: 'alreadySent' });
    const corrected = await call('POST', `/api/ops/notifications/${applicantMail!.id}/resend`, ops, { to: ['right@unit.example'], requestId: `resend-${randomUUID()}` });
    expect(corrected.body).toMatchObject({ status: 'sent', resendId: expect.any(String) });
    await harness.sink.waitFor((m) => m.some((x) => x.to.includes('right@unit.example') && x.subject === applicantMail!.subject));

    // The ops list: the running application's real history length, and (below) a notice child's stage and prefecture.
    const listed = await eventually(
      () => call('GET', `/api/ops/workflows?status=running&prefecture=520300&limit=50`, ops),
      (r) => (r.body.workflows as Array<{ workflowId: string }>).some((w) => w.workflowId === handle.workflowId),
    );
    const row = (listed.body.workflows as Array<{ workflowId: string; historyLength: number }>).find((w) => w.workflowId === handle.workflowId)!;
    expect(row.historyLength).toBeGreaterThan(3);
    expect(row.historyLength).toBeLessThanOrEqual((await handle.describe()).historyLength);

    await harness.database.db.office.update({ where: { region: '520300' }, data: { email: 'lsjd-520300@sthj.guizhou.example' } });
  });

  it('a mail for two offices, one without a mailbox: sent to the other, its undeliverable part recorded', async () => {
    const activities = await import('../../activities');
    const { createSmtpMailer } = await import('../../activities/mailer');
    const { createDbCalendar } = await import('../../activities/calendar');
    const mailer = createSmtpMailer(harness.sink.url);
    await harness.database.db.office.update({ where: { region: '520500' }, data: { email: null } });
    try {
      const acts = activities.createActivities({ db: harness.database.db, mailer, mailFrom: 'test@liangshan.example', calendar: createDbCalendar(harness.database.db) });
      const subjectId = `two-offices-${randomUUID()}`;
      const result = await acts.notify({
        subjectId, key: 'k-1', template: 'taskReminder',
        to: [{ role: 'provinceOfficer', prefecture: null }, { role: 'prefectureOfficer', prefecture: '520500' }],
        params: { unitName: '赫章县', step: 'prefectureReview', dueAt: '2026-12-10T16:00:00.000Z' },
      });
      expect(result.status).toBe('sent');
      const rows = await harness.database.db.notification.findMany({ where: { subjectId }, orderBy: { key: 'asc' } });
      expect(rows.map((r) => [r.key, r.status, r.to])).toEqual([
        ['k-1', 'sent', ['lsjd@sthj.guizhou.example']],
        ['k-1/undeliverable', 'undeliverable', []],
      ]);
      expect(rows[1]!.lastError).toContain('毕节市生态环境局');

      // A due date in a year whose holiday schedule nobody has yet: the mail says it is provisional.
      await acts.notify({ subjectId, key: 'k-2', template: 'taskReminder', to: [{ email: 'clerk@bijie.example' }], params: { unitName: '赫章县', step: 'prefectureReview', dueAt: '2031-01-20T16:00:00.000Z' } });
      await harness.sink.waitFor((m) => m.some((x) => x.to.includes('clerk@bijie.example')));
      expect(harness.sink.messages().find((x) => x.to.includes('clerk@bijie.example'))!.text).toContain('（暂定）该期限所在年度的法定节假日安排尚未公布');
      expect(harness.sink.messages().find((x) => x.to.includes('lsjd@sthj.guizhou.example') && x.subject.includes('赫章县'))!.text).not.toContain('暂定');
    } finally {
      mailer.close();
      await harness.database.db.office.update({ where: { region: '520500' }, data: { email: 'lsjd-520500@sthj.guizhou.example' } });
    }
  });

  it('tells the acceptance window to a prefecture office without a mailbox as an undeliverable mail, not by skipping it', async () => {
    await harness.database.db.office.update({ where: { region: '520600' }, data: { email: null } });
    try {
      const result = await harness.env.client.workflow.execute(acceptanceWindowNoticeWorkflow, {
        taskQueue: harness.taskQueue, workflowId: `acceptance-window-test-${randomUUID()}`, args: [{ kind: 'opening', year: 2031 }],
      });
      expect(result).toMatchObject({ recipients: 9, sent: 8 });
      const row = await harness.database.db.notification.findUniqueOrThrow({ where: { subjectId_key: { subjectId: acceptanceWindowSubjectId(2031), key: 'opening:mailbox:prefecture-520600' } } });
      expect(row).toMatchObject({ status: 'undeliverable', to: [] });
      expect(row.lastError).toContain('铜仁市生态环境局');
    } finally {
      await harness.database.db.office.update({ where: { region: '520600' }, data: { email: 'lsjd-520600@sthj.guizhou.example' } });
    }
  });

  it("shows a notice child's stage and prefecture in the ops list", async () => {
    const { handle } = await startApplication('凤冈县');
    const decide = (action: string, payload: Record<string, unknown> = {}) => {
      const request = uncheckedApplicationDecision({ decisionId: `offices-${randomUUID()}`, action, actor: zunyi, payload });
      return handle.executeUpdate(decideUpdate, { updateId: request.decisionId, args: [request] });
    };
    await eventually(() => harness.database.db.task.findFirst({ where: { workflowId: handle.workflowId, status: 'open' } }), (t) => t !== null);
    await decide('prefectureAccept');
    await decide('openNotice', { workingDays: 5 });
    const noticeId = `${handle.workflowId}:notice:prefecture`;
    const listed = await eventually(
      () => call('GET', '/api/ops/workflows?type=noticeWorkflow&status=running&limit=50', ops),
      (r) => (r.body.workflows as Array<{ workflowId: string }>).some((w) => w.workflowId === noticeId),
    );
    expect((listed.body.workflows as Array<Record<string, unknown>>).find((w) => w.workflowId === noticeId)).toMatchObject({
      stage: 'prefectureNotice', prefectures: ['520300'], year: 2027, historyLength: expect.any(Number),
    });
  });

  it('marks due dates counted on a year without a holiday schedule, and from 1 December says the coming year is provisional', async () => {
    // 1 December 2030, 00:00 CST: 2031 has no schedule (packaged or recorded).
    const december = await harness.listen({ clock: () => new Date('2030-11-30T16:00:00Z') });
    const november = await harness.listen({ clock: () => new Date('2030-11-30T15:59:00Z') });
    const readyAt = async (url: string) => ((await (await fetch(`${url}/api/ready`)).json()) as { details: { calendar: Record<string, unknown> } }).details.calendar;
    // 2030 has no schedule either in the package (it ends earlier): it is named too.
    expect(await readyAt(november)).toMatchObject({ provisionalYears: [2030], overrideRoute: 'PUT /api/ops/calendar/:year' });
    const calendar = await readyAt(december);
    expect(calendar).toMatchObject({ provisionalYears: [2030, 2031], overrideRoute: 'PUT /api/ops/calendar/:year', message: expect.stringContaining('2031 年') });

    // Two open tasks of 遵义市 (read-model rows as the workflow writes them): one due in 2026 (published), one in 2031.
    const { applicationId } = await startApplication('道真县');
    await eventually(() => harness.database.db.application.findUnique({ where: { id: applicationId } }), (a) => a !== null);
    const task = (n: number, dueAt: string) => ({
      id: `provisional-${n}-${randomUUID()}`, workflowId: `application-${applicationId}`, subjectType: 'application', subjectId: applicationId, applicationId,
      step: 'prefectureReview', role: 'prefectureOfficer', prefecture: '520300', dueAt: new Date(dueAt),
    });
    const [published, provisional] = [task(1, '2026-12-20T16:00:00Z'), task(2, '2031-01-20T16:00:00Z')];
    await harness.database.db.task.createMany({ data: [published, provisional] });
    const dueOf = async () => {
      const tasks = (await call('GET', '/api/tasks', zunyi)).body.tasks as Array<{ id: string; dueProvisional: boolean }>;
      return Object.fromEntries(tasks.filter((t) => t.id === published.id || t.id === provisional.id).map((t) => [t.id, t.dueProvisional]));
    };
    expect(await dueOf()).toEqual({ [published.id]: false, [provisional.id]: true });
    const detail = (await call('GET', `/api/applications/${applicationId}`, zunyi)).body.openTasks as Array<{ id: string; dueProvisional: boolean }>;
    expect(detail.find((t) => t.id === provisional.id)).toMatchObject({ dueProvisional: true });

    // Ops record 2031: a deadline computed before stays provisional (it was counted on weekends only); one computed after is final.
    expect((await call('PUT', '/api/ops/calendar/2031', ops, { holidays: ['2031-01-01'], workdays: [] })).status).toBe(200);
    expect(await dueOf()).toEqual({ [published.id]: false, [provisional.id]: true });
    const after = task(3, '2031-01-21T16:00:00Z');
    await harness.database.db.task.create({ data: after });
    const tasks = (await call('GET', '/api/tasks', zunyi)).body.tasks as Array<{ id: string; dueProvisional: boolean }>;
    expect(tasks.find((t) => t.id === after.id)).toMatchObject({ dueProvisional: false });
    expect(await readyAt(december)).toMatchObject({ provisionalYears: [2030] });
  });
});
