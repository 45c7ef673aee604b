// A chase (催办, issue 16) over HTTP: POST /api/tasks/:id/chase on the
// time-skipping server with the real activities, PostgreSQL and the SMTP
// sink. An overdue task is chased once even when the request is retried (one
// mail with its link, one audit row); a task not overdue, or closed, is 409;
// an officer who may not see the subject gets 404, one who may see it but not
// chase this holder 403 (domain/chase.ts).
import { randomUUID } from 'node:crypto';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signDevToken } from '../../api/auth';
import type { SmtpSink } from '../../infra/smtp-sink';
import { applicationWorkflow, type ApplicationInput } from '../../workflows/application';
import { decideUpdate, type Actor } from '../../workflows/messages';
import { uncheckedApplicationDecision } from '../support/decisions';
import type { TestDatabase } from '../support/database';
import { startHarness, TEST_JWT_SECRET, type Harness } from '../support/harness';

let env: TestWorkflowEnvironment;
let database: TestDatabase;
let sink: SmtpSink;
let harness: Harness;
let api: string;
let serverNow = new Date();

const province: Actor = { sub: 'province-officer', role: 'provinceOfficer', name: '李四' };
const zunyi: Actor = { sub: 'zunyi-officer', role: 'prefectureOfficer', prefecture: '520300' };
const bijie: Actor = { sub: 'bijie-officer', role: 'prefectureOfficer', prefecture: '520500' };
const DAY = 24 * 3600_000;

beforeAll(async () => {
  harness = await startHarness({ server: 'timeSkipping', name: 'chase-http' });
  ({ env, database, sink } = harness);
  api = await harness.listen({ clock: () => serverNow });
});
afterAll(() => harness?.stop());

type Body = Record<string, unknown>;
async function call(method: string, url: string, actor: Actor, body?: unknown): Promise<{ status: number; body: Body }> {
  serverNow = new Date(await env.currentTimeMs());
  const headers: Record<string, string> = { 'content-type': 'application/json', authorization: `Bearer ${await signDevToken(TEST_JWT_SECRET, actor)}` };
  const res = await fetch(api + url, { method, headers, ...(body !== undefined ? { body: JSON.stringify(body) } : {}) });
  return { status: res.status, body: (await res.json()) as Body };
}

async function until<T>(what: string, read: () => Promise<T>, ok: (v: T) => boolean = Boolean): Promise<T> {
  for (let n = 0; n < 300; n++) {
    const v = await read();
    if (ok(v)) return v;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`timed out waiting for ${what}`);
}

async function startApplication(name: string) {
  const id = randomUUID();
  const input: ApplicationInput = {
    applicationId: id,
    year: 2027,
    unit: { name, type: 'county', prefectures: ['520300'], terrain: 'mountain' },
    applicant: { name: `${name}人民政府`, contactEmail: `gov-${id.slice(0, 8)}@unit.example`, sub: `applicant-${id}` },
    materials: [],
    submittedAt: new Date(await env.currentTimeMs()).toISOString(),
  };
  const handle = await env.client.workflow.start(applicationWorkflow, { taskQueue: harness.taskQueue, workflowId: `application-${id}`, args: [input] });
  const taskId = `application-${id}:prefectureReview`;
  await until('the pre-review task', () => database.db.task.findUnique({ where: { id: taskId } }));
  return { id, input, handle, taskId };
}

const chasePath = (taskId: string) => `/api/tasks/${encodeURIComponent(taskId)}/chase`;

describe('chasing an overdue task over HTTP', () => {
  it('is applied once per chaseId, mails the holder with the link, and refuses what it must', async () => {
    const app = await startApplication('催办县');
    const fresh = await startApplication('按期县');

    // Not overdue yet: 409, nothing recorded.
    const early = await call('POST', chasePath(app.taskId), province, { chaseId: `chase-${randomUUID()}` });
    expect(early).toMatchObject({ status: 409, body: { error: { message: '该待办尚未逾期，不能催办' } } });

    // Past the due date (10 working days): the task escalates to level 1 and is overdue.
    await env.sleep(25 * DAY);
    await until('the escalation', () => database.db.task.findUnique({ where: { id: app.taskId } }), (t) => (t?.escalationLevel ?? 0) >= 1);
    // Escalation moved its due date forward, yet it is overdue to the province that now holds it, and to the prefecture.
    const escalated = await database.db.task.findUniqueOrThrow({ where: { id: app.taskId } });
    expect(escalated.dueAt.getTime()).toBeGreaterThan(await env.currentTimeMs());
    expect((await call('GET', '/api/tasks', province)).body.tasks).toEqual(expect.arrayContaining([expect.objectContaining({ id: app.taskId, escalationLevel: 1, overdue: true })]));
    expect((await call('GET', '/api/tasks', zunyi)).body.tasks).toEqual(expect.arrayContaining([expect.objectContaining({ id: app.taskId, overdue: true })]));

    // Out of scope: another prefecture does not learn the task exists; the holder's own office may not chase itself; other roles are refused by the route.
    expect((await call('POST', chasePath(app.taskId), bijie, { chaseId: `chase-${randomUUID()}` })).status).toBe(404);
    expect(await call('POST', chasePath(app.taskId), zunyi, { chaseId: `chase-${randomUUID()}` })).toMatchObject({ status: 403, body: { error: { message: '该待办由本市（州）生态环境主管部门办理，不能向本单位催办' } } });
    expect((await call('POST', chasePath('no-such-task'), province, { chaseId: `chase-${randomUUID()}` })).status).toBe(404);
    expect((await call('POST', chasePath(app.taskId), province, { chaseId: `chase-${randomUUID()}`, extra: 1 })).status).toBe(400);

    // The province chases; the same chaseId again (an answer lost) is applied once.
    const chaseId = `chase-${randomUUID()}`;
    const first = await call('POST', chasePath(app.taskId), province, { chaseId, message: '请本周内完成预审' });
    expect(first).toMatchObject({ status: 200, body: { chaseId, taskId: app.taskId, step: 'prefectureReview' } });
    const again = await call('POST', chasePath(app.taskId), province, { chaseId, message: '请本周内完成预审' });
    expect(again).toMatchObject({ status: 200, body: { chaseId, taskId: app.taskId } });

    const rows = await database.db.decision.findMany({ where: { decisionId: chaseId } });
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ action: 'chaseTask', outcome: 'applied', actorRole: 'provinceOfficer', subjectType: 'application', subjectId: app.id, reason: '请本周内完成预审' });
    expect(rows[0]!.payload).toMatchObject({ taskId: app.taskId, step: 'prefectureReview', escalationLevel: 1, holder: 'office' });

    const chased = (m: { subject: string }) => m.subject.startsWith('【催办】催办县');
    await sink.waitFor((m) => m.some(chased));
    const mails = sink.messages().filter(chased);
    expect(mails).toHaveLength(1);
    const mail = mails[0]!;
    expect(mail.subject).toBe('【催办】催办县：市（州）预审已逾期，请尽快办理');
    expect(mail.text).toContain('省生态环境厅（李四）催办');
    expect(mail.text).toContain('催办意见：请本周内完成预审');
    expect(mail.text).toContain(`/applications/${app.id}`);
    expect(mail.html).toContain(`/applications/${app.id}`);
    expect(mail.text).not.toContain(app.taskId);
    expect(await database.db.notification.count({ where: { subjectId: app.id, key: `chase.${chaseId}` } })).toBe(1);

    // The same chaseId for another task is another act: 409.
    expect((await call('POST', chasePath(fresh.taskId), province, { chaseId })).status).toBe(409);

    // Closed by the decision: nothing to chase.
    const decisionId = `d-${randomUUID()}`;
    await app.handle.executeUpdate(decideUpdate, { updateId: decisionId, args: [uncheckedApplicationDecision({ decisionId, action: 'prefectureReject', actor: zunyi, reason: '材料不全' })] });
    await until('the task closed', () => database.db.task.findUnique({ where: { id: app.taskId } }), (t) => t?.status !== 'open');
    expect(await call('POST', chasePath(app.taskId), province, { chaseId: `chase-${randomUUID()}` })).toMatchObject({ status: 409, body: { error: { message: '该待办已办结，无需催办' } } });

    // Refused attempts are acts too: recorded as refused, never applied.
    expect(await database.db.decision.count({ where: { action: 'chaseTask', outcome: 'applied' } })).toBe(1);

    const withdrawId = `d-${randomUUID()}`;
    await fresh.handle.executeUpdate(decideUpdate, { updateId: withdrawId, args: [uncheckedApplicationDecision({ decisionId: withdrawId, action: 'withdraw', actor: { sub: fresh.input.applicant.sub, role: 'applicant', prefecture: '520300' }, reason: '测试结束' })] });
  });
});
