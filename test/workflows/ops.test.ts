// Ops' questions (infra/ops.ts, `npm run ops`) against the dev server: list
// by typed search attributes, the history in words from Temporal and, once
// Temporal has deleted the run, from the archive; the outbox and a resend.
import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSmtpMailer } from '../../activities/mailer';
import { listNotifications, listWorkflows, resendNotification, workflowHistory, workflowQuery } from '../../infra/ops';
import { applicationWorkflow } from '../../workflows/application';
import { historyArchiveWorkflow } from '../../workflows/history-archive';
import { decideUpdate } from '../../workflows/messages';
import { signDevToken } from '../../api/auth';
import { startHarness, TEST_JWT_SECRET, type Harness } from '../support/harness';
import { eventually } from '../support/eventually';

let harness: Harness;
beforeAll(async () => {
  harness = await startHarness({ server: 'dev', name: 'ops' });
});
afterAll(() => harness?.stop());

async function startApplication(name: string, prefecture: string) {
  const applicationId = randomUUID();
  const handle = await harness.env.client.workflow.start(applicationWorkflow, {
    taskQueue: harness.taskQueue,
    workflowId: `application-${applicationId}`,
    args: [{ applicationId, year: 2027, unit: { name, type: 'county', prefectures: [prefecture] }, applicant: { name: `${name}人民政府`, contactEmail: `gov-${applicationId.slice(0, 6)}@unit.example`, sub: `a-${applicationId}` }, materials: [], submittedAt: new Date().toISOString() }],
  });
  return { applicationId, handle };
}

describe('ops', () => {
  it('quotes filter values and refuses anything else', () => {
    expect(workflowQuery({ stage: 'prefectureReview', prefecture: '520300', year: 2027, status: 'running' })).toBe(
      '(LsStage = "prefectureReview" OR LsBaseStatus = "prefectureReview") AND LsPrefecture = "520300" AND LsYear = 2027 AND ExecutionStatus = "Running"',
    );
    expect(() => workflowQuery({ stage: 'x" OR WorkflowId != "' })).toThrow(RangeError);
  });

  it('lists workflows by stage and prefecture, also from the CLI', async () => {
    const zunyi = await startApplication('正安县', '520300');
    const bijie = await startApplication('赫章县', '520500');
    const inZunyi = await eventually(
      () => listWorkflows(harness.env.client, { stage: 'prefectureReview', prefecture: '520300', status: 'running' }),
      (rows) => rows.some((r) => r.workflowId === zunyi.handle.workflowId),
    );
    expect(inZunyi.map((r) => r.workflowId)).not.toContain(bijie.handle.workflowId);
    expect(inZunyi.find((r) => r.workflowId === zunyi.handle.workflowId)).toMatchObject({ type: 'applicationWorkflow', status: 'RUNNING', stage: 'prefectureReview', prefectures: ['520300'], year: 2027 });

    const { stdout } = await promisify(execFile)(path.resolve('node_modules/.bin/tsx'), ['scripts/ops.ts', 'workflows', '--prefecture', '520500', '--status', 'running'], {
      env: { ...process.env, DATABASE_URL: harness.database.url, TEMPORAL_ADDRESS: harness.env.address, TEMPORAL_NAMESPACE: harness.env.namespace },
      timeout: 60_000,
    });
    expect(stdout).toContain(bijie.handle.workflowId);
    expect(stdout).not.toContain(zunyi.handle.workflowId);
  });

  it('tells a history in words from Temporal, and from the archive once Temporal no longer has the run', async () => {
    const { handle } = await startApplication('务川县', '520300');
    const applicant = handle.workflowId.replace('application-', 'a-');
    await handle.executeUpdate(decideUpdate, { updateId: 'ops-w-2', args: [{ decisionId: 'ops-w-2', action: 'withdraw', actor: { sub: applicant, role: 'applicant', prefecture: '520300' } }] });
    await handle.result();
    const live = await workflowHistory(harness.env.client, harness.database.db, handle.workflowId, { namespace: harness.env.namespace!, webUiBase: 'http://localhost:8233' });
    expect(live).toMatchObject({ source: 'temporal', webUiUrl: expect.stringContaining(`/namespaces/${harness.env.namespace}/workflows/${handle.workflowId}/`) });
    expect(live!.lines.filter((l) => l.kind === 'decision').map((l) => l.detail?.decisionId)).toEqual(['ops-w-2']);

    for (let n = 0; n < 50 && !(await harness.database.db.workflowHistory.findFirst({ where: { workflowId: handle.workflowId } })); n++) {
      await harness.env.client.workflow.execute(historyArchiveWorkflow, { taskQueue: harness.taskQueue, workflowId: `archive-${randomUUID()}` });
    }
    // A run Temporal no longer has (past the namespace retention): its archived
    // row under an id Temporal never saw stands for it.
    const kept = await harness.database.db.workflowHistory.findFirstOrThrow({ where: { workflowId: handle.workflowId } });
    const goneId = `application-gone-${randomUUID()}`;
    await harness.database.db.workflowHistory.create({ data: { ...kept, runId: randomUUID(), workflowId: goneId, history: kept.history as object } });
    const archived = await workflowHistory(harness.env.client, harness.database.db, goneId, { namespace: harness.env.namespace! });
    expect(archived).toMatchObject({ source: 'archive', workflowId: goneId, webUiUrl: null });
    expect(archived!.lines).toEqual(live!.lines);
    expect(await workflowHistory(harness.env.client, harness.database.db, 'application-unknown', { namespace: harness.env.namespace! })).toBeNull();
  });

  it('lists the outbox and resends a mail that had no recipients to corrected ones', async () => {
    const row = await harness.database.db.notification.create({ data: { subjectId: 'ops-test', key: 'k-1', to: [], subject: '【待办】测试', text: '测试', status: 'failed', lastError: 'no recipients' } });
    expect((await listNotifications(harness.database.db, { status: 'failed' })).map((n) => n.id)).toContain(row.id);
    const mailer = createSmtpMailer(harness.sink.url);
    try {
      expect(await resendNotification(harness.database.db, mailer, 'test@liangshan.example', row.id, ['office@zunyi.example'])).toMatchObject({ status: 'sent' });
      expect(await resendNotification(harness.database.db, mailer, 'test@liangshan.example', row.id)).toMatchObject({ status: 'alreadySent' });
      expect(await resendNotification(harness.database.db, mailer, 'test@liangshan.example', randomUUID())).toBeNull();
    } finally {
      mailer.close();
    }
    await harness.sink.waitFor((m) => m.filter((x) => x.to.includes('office@zunyi.example')).length === 1);
  });

  it('answers the same over HTTP, for ops only: workflows, a history with its Web UI link, the outbox and a resend run by the worker', async () => {
    const base = await harness.listen({ temporalUiUrl: 'http://localhost:8233' });
    const token = async (role: 'ops' | 'provinceOfficer') => `Bearer ${await signDevToken(TEST_JWT_SECRET, { sub: `${role}-1`, role })}`;
    const get = async (url: string, role: 'ops' | 'provinceOfficer' = 'ops') => {
      const res = await fetch(`${base}${url}`, { headers: { authorization: await token(role) } });
      return { status: res.status, body: (await res.json()) as Record<string, unknown> };
    };
    const { handle } = await startApplication('绥阳县', '520300');
    const listed = await eventually(
      () => get(`/api/ops/workflows?prefecture=520300&stage=prefectureReview&status=running&year=2027`),
      (r) => (r.body.workflows as Array<{ workflowId: string }>).some((w) => w.workflowId === handle.workflowId),
    );
    expect(listed.status).toBe(200);
    expect((await get('/api/ops/workflows?stage=x%22%20OR%20true')).status).toBe(400);
    expect((await get('/api/ops/workflows', 'provinceOfficer')).status).toBe(403);

    const history = await get(`/api/ops/workflows/${handle.workflowId}/history`);
    expect(history.status).toBe(200);
    expect(history.body).toMatchObject({
      source: 'temporal',
      webUiUrl: `http://localhost:8233/namespaces/${harness.env.namespace}/workflows/${handle.workflowId}/${(await handle.describe()).runId}/history`,
    });
    expect((history.body.lines as Array<{ kind: string }>)[0]).toMatchObject({ kind: 'started' });
    expect((await get('/api/ops/workflows/application-nobody/history')).status).toBe(404);

    const row = await harness.database.db.notification.create({ data: { subjectId: 'ops-http', key: 'k-1', to: [], subject: '【待办】测试', text: '测试', status: 'failed', lastError: 'no recipients' } });
    const outbox = await get('/api/ops/notifications?status=failed');
    expect((outbox.body.notifications as Array<{ id: string }>).map((n) => n.id)).toContain(row.id);
    const post = async (id: string, body: unknown) => {
      const res = await fetch(`${base}/api/ops/notifications/${id}/resend`, { method: 'POST', headers: { authorization: await token('ops'), 'content-type': 'application/json' }, body: JSON.stringify(body) });
      return { status: res.status, body: (await res.json()) as Record<string, unknown> };
    };
    expect((await post(row.id, { to: ['not an address'] })).status).toBe(400);
    // Two clicks at once send one mail.
    const [first, second] = await Promise.all([post(row.id, { to: ['clerk@zunyi.example'] }), post(row.id, { to: ['clerk@zunyi.example'] })]);
    expect([first.status, second.status]).toEqual([200, 200]);
    expect([first.body.status, second.body.status].sort()).toEqual(expect.arrayContaining(['sent']));
    expect(await post(row.id, {})).toMatchObject({ status: 200, body: { status: 'alreadySent' } });
    // Each resend ops asked for is an act of record: who, when, to whom, what came of it.
    const resends = await harness.database.db.decision.findMany({ where: { subjectType: 'notification', subjectId: row.id, outcome: 'applied' } });
    expect(resends.map((d) => [d.action, d.actorRole])).toEqual([['resend', 'ops'], ['resend', 'ops'], ['resend', 'ops']]);
    expect((await post(randomUUID(), {})).status).toBe(404);
    await harness.sink.waitFor((m) => m.some((x) => x.to.includes('clerk@zunyi.example')));
    await new Promise((r) => setTimeout(r, 300));
    expect(harness.sink.messages().filter((x) => x.to.includes('clerk@zunyi.example'))).toHaveLength(1);
  });
});
