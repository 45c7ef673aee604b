// More than one of each (docs/PRODUCTION.md "Several machines"): two API
// processes (`api/main.ts`) and two worker processes (`worker/main.ts`),
// each a process of its own as on separate machines, against one Temporal
// server (`temporal server start-dev`), one PostgreSQL and one S3-compatible
// object store (s3rver) for the files. Decisions for several applications go
// alternately to both APIs, one of them sent again to the other API with
// the same decisionId; one worker is killed with SIGKILL while the mail
// activities those decisions started are in flight on it, and the other
// finishes everything.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyAuditChain } from '../../activities/audit';
import { signDevToken } from '../../api/auth';
import { freePort } from '../../infra/ports';
import { reconcileOnce } from '../../infra/reconcile';
import { temporalCliPath } from '../../infra/temporal-binaries';
import { startTemporalDevServer, type DevServer } from '../../infra/temporal-dev-server';
import { seed } from '../../prisma/seed';
import { applicationWorkflow, type ApplicationInput } from '../../workflows/application';
import type { Actor } from '../../workflows/messages';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { pdf } from '../support/documents';
import { startTestS3, type TestS3 } from '../support/s3';
import { stallingSmtp, type StallingSmtp } from '../support/stalling-smtp';

const ROOT = path.resolve(import.meta.dirname, '../..');
const SECRET = 'replicas-secret-0123456789abcdef0123456789';
const taskQueue = `replicas-${randomUUID()}`;
const officer: Actor = { sub: 'zunyi-officer', role: 'prefectureOfficer', prefecture: '520300' };
const applicant: Actor = { sub: 'applicant-replicas', role: 'applicant', prefecture: '520300' };
let dir: string;
let temporal: DevServer;
let database: TestDatabase;
let s3: TestS3;
let smtp: StallingSmtp;
let client: Client;
const apis: Array<{ url: string; process: ChildProcess; log: string[] }> = [];
const workers: ChildProcess[] = [];

/**
 * Process starts and the killed worker's activity timing out (its
 * startToClose, 30 s) take longer than the shared `until`'s 10 s: this
 * waits on the condition for as long as the step it names can take.
 */
async function until<T>(what: string, read: () => Promise<T | null | undefined | false>, timeoutMs = 20_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const value = await read().catch(() => null);
    if (value) return value;
    if (Date.now() > end) throw new Error(`${what}: not within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

function processEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  return {
    ...process.env,
    TEMPORAL_ADDRESS: temporal.address,
    TEMPORAL_NAMESPACE: 'default',
    TEMPORAL_TASK_QUEUE: taskQueue,
    DATABASE_URL: database.url,
    SMTP_URL: smtp.url,
    MAIL_FROM: 'test@liangshan.example',
    AUTH_JWT_SECRET: SECRET,
    ...s3.env,
    ...extra,
  };
}

/** `npm run api` on a port of its own; answers once GET /api/ready says so. Its error log lines are kept, to explain an unexpected answer. */
async function startApi(): Promise<{ url: string; process: ChildProcess; log: string[] }> {
  const port = await freePort();
  const child = spawn(process.execPath, ['--import', 'tsx', 'api/main.ts'], { cwd: ROOT, env: processEnv({ PORT: String(port), LOG_LEVEL: 'error' }), stdio: ['ignore', 'pipe', 'inherit'] });
  const log: string[] = [];
  child.stdout!.on('data', (d: Buffer) => log.push(d.toString()));
  const url = `http://127.0.0.1:${port}`;
  // One that never gets ready is not in `apis` yet: stopped here, or it outlives the test.
  await until(`the API on port ${port} ready`, async () => (await fetch(`${url}/api/ready`)).status === 200, 60_000).catch(async (error: unknown) => {
    await stop(child, 'SIGKILL');
    throw error;
  });
  return { url, process: child, log };
}

/** `npm run worker`; answers once it logs that it polls the task queue. */
async function startWorker(): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'worker/main.ts'], {
    cwd: ROOT,
    // Two workers on one machine: no metrics endpoint (they would share its port).
    env: processEnv({ LOG_LEVEL: 'info', WORKER_METRICS_ADDRESS: '' }),
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let out = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  workers.push(child);
  await until('the worker polling', async () => out.includes('worker polling task queue'), 60_000);
  return child;
}

async function stop(child: ChildProcess, signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((r) => child.once('exit', r));
  child.kill(signal);
  await exited;
}

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'liangshan-replicas-'));
  const [temporalPort, smtpPort] = [await freePort(), await freePort()];
  [temporal, database, s3, smtp] = await Promise.all([
    startTemporalDevServer({ cliPath: temporalCliPath()!, port: temporalPort, dbFile: path.join(dir, 'temporal.db'), logFile: path.join(dir, 'temporal.log') }),
    createTestDatabase(),
    startTestS3(),
    stallingSmtp(smtpPort, { stalling: false }),
  ]);
  await seed(database.db);
  client = new Client({ connection: await Connection.connect({ address: temporal.address }) });
  apis.push(await startApi(), await startApi());
}, 180_000);

afterAll(async () => {
  // Test processes: nothing of theirs needs a graceful end (a worker would wait on a stalled mail).
  await Promise.all([...apis.map((a) => stop(a.process, 'SIGKILL')), ...workers.map((w) => stop(w, 'SIGKILL'))]);
  await client?.connection.close();
  await database?.drop();
  await Promise.all([temporal?.stop(), s3?.close(), smtp?.close()]);
  if (dir) await rm(dir, { recursive: true, force: true });
});

function input(applicationId: string, name: string): ApplicationInput {
  return {
    applicationId,
    year: 2027,
    unit: { name, type: 'county', prefectures: ['520300'], terrain: 'mountain' },
    applicant: { name: `${name}人民政府`, contactEmail: `gov-${applicationId.slice(0, 8)}@unit.example`, sub: applicant.sub },
    materials: [],
    submittedAt: new Date().toISOString(),
  };
}

async function post(api: string, applicationId: string, body: Record<string, unknown>) {
  const res = await fetch(`${api}/api/applications/${applicationId}/decisions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${await signDevToken(SECRET, officer)}` },
    body: JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

/**
 * A client's decision: sent to one API; on 503 (Temporal did not answer in
 * time, e.g. while a dead worker's workflows move to the other) sent again
 * with the same decisionId, to the other API, as a browser behind the load
 * balancer would.
 */
async function decide(first: number, applicationId: string, body: Record<string, unknown>) {
  const end = Date.now() + 90_000;
  for (let n = first; ; n++) {
    const api = apis[n % 2]!;
    const res = await post(api.url, applicationId, body);
    if (res.status !== 503) {
      if (res.status >= 500) throw new Error(`API ${api.url} answered ${res.status} ${JSON.stringify(res.body)}; its log: ${api.log.join('').slice(-3000)}`);
      return res;
    }
    if (Date.now() > end) throw new Error(`decision ${String(body.decisionId)}: still 503 after 90 s`);
  }
}

describe('two APIs and two workers on one Temporal and one PostgreSQL', () => {
  it('applies each decision once whichever API receives it, and the surviving worker carries the work of the killed one', async () => {
    const names = ['湄潭县', '凤冈县', '余庆县', '绥阳县'];
    const ids = names.map(() => randomUUID());
    const workerA = await startWorker();

    // Files: received by one API, served by the other, through the bucket.
    const form = new FormData();
    const bytes = pdf('两台机器共享的文件');
    form.append('file', new Blob([new Uint8Array(bytes)]), '实施方案.pdf');
    const applicantAuth = { authorization: `Bearer ${await signDevToken(SECRET, applicant)}` };
    const uploaded = await fetch(`${apis[0]!.url}/api/files`, { method: 'POST', headers: applicantAuth, body: form });
    expect(uploaded.status).toBe(201);
    const { fileId } = (await uploaded.json()) as { fileId: string };
    const downloaded = await fetch(`${apis[1]!.url}/api/files/${fileId}`, { headers: applicantAuth });
    expect(downloaded.status).toBe(200);
    expect(Buffer.from(await downloaded.arrayBuffer())).toEqual(bytes);

    for (const [i, id] of ids.entries()) await client.workflow.start(applicationWorkflow, { taskQueue, workflowId: `application-${id}`, args: [input(id, names[i]!)] });
    for (const id of ids) await until(`the review task of ${id}`, () => database.db.task.findFirst({ where: { applicationId: id, step: 'prefectureReview', status: 'open' } }));
    const acknowledged = await database.db.notification.count({ where: { subjectId: { in: ids }, key: 'application.received', status: 'sent' } });
    expect(acknowledged).toBe(ids.length);
    // Each run's main line awaits the mail announcing its review task: stalled,
    // it would hold the run (and its next task) until that attempt times out
    // on the killed worker, past the waits below. Only the decisions' mails,
    // which nothing awaits, are to hang.
    await until('the review tasks announced', async () => (await database.db.notification.count({ where: { subjectId: { in: ids }, key: 'prefectureReview.assigned', status: { not: 'pending' } } })) === ids.length);
    // From here the mail server takes messages but never answers: the mails the decisions start hang in flight on worker A.
    smtp.state.stalling = true;

    // Decisions alternately to both APIs.
    const accept = ids.slice(0, 3).map((id, i) => ({ id, body: { decisionId: `replicas-accept-${i}-${randomUUID()}`, action: 'prefectureAccept', reason: '材料齐全，同意公示' } }));
    const reject = { id: ids[3]!, body: { decisionId: `replicas-reject-${randomUUID()}`, action: 'prefectureReject', reason: '申报材料不全' } };
    const answers = [];
    for (const [i, d] of [...accept, reject].entries()) answers.push(await decide(i, d.id, d.body));
    expect(answers.map((a) => a.status)).toEqual([200, 200, 200, 200]);
    // The first decision sent again, to the other API: the same answer, applied once.
    const retried = await decide(1, accept[0]!.id, accept[0]!.body);
    expect(retried).toEqual(answers[0]);

    // Worker B joins; worker A dies with its sends in flight; the mail server recovers.
    await until('decision mails in flight on worker A', async () => smtp.state.stalled > 0);
    await startWorker();
    await stop(workerA, 'SIGKILL');
    smtp.state.stalling = false;

    // More decisions, alternately: the workflows now run on worker B.
    const open = accept.slice(0, 2).map((d, i) => ({ id: d.id, body: { decisionId: `replicas-notice-${i}-${randomUUID()}`, action: 'openNotice', workingDays: 5 } }));
    for (const [i, d] of open.entries()) {
      await until(`the notice task of ${d.id}`, () => database.db.task.findFirst({ where: { applicationId: d.id, step: 'prefectureNotice.open', status: 'open' } }), 30_000);
      const res = await decide(i + 1, d.id, d.body);
      expect(res.status, JSON.stringify(res.body)).toBe(200);
    }
    const retriedNotice = await decide(0, open[0]!.id, open[0]!.body);
    expect(retriedNotice.status).toBe(200);
    for (const d of open) await until(`the notice of ${d.id} started by worker B`, () => database.db.notice.findFirst({ where: { applicationId: d.id } }), 30_000);

    // The rejected application's run waited for its mail, which A never finished: B sent it after the attempt timed out, and the run ended.
    const rejected = (await client.workflow.getHandle(`application-${reject.id}`).result()) as { stage: string };
    expect(rejected.stage).toBe('rejected');
    const acknowledgements = ids.map((id) => input(id, '').applicant.contactEmail);
    await until('no mail left pending', async () => (await database.db.notification.count({ where: { subjectId: { in: ids }, status: 'pending' } })) === 0, 90_000);
    // Every mail the outbox marks sent reached the server once: none twice for the attempt the killed worker left behind.
    for (const to of acknowledgements) {
      const sent = await database.db.notification.count({ where: { subjectId: { in: ids }, status: 'sent', to: { has: to } } });
      expect(sent, to).toBeGreaterThanOrEqual(1);
      expect(smtp.accepted.filter((r) => r.includes(to)).length, to).toBe(sent);
    }

    // Each decision is in the audit log once, the chain holds, and the read model agrees with Temporal.
    for (const d of [...accept, reject, ...open]) {
      expect(await database.db.decision.count({ where: { decisionId: d.body.decisionId, outcome: 'applied' } }), d.body.decisionId).toBe(1);
    }
    expect(await verifyAuditChain(database.db)).toMatchObject({ ok: true });
    const stages = await database.db.application.findMany({ where: { id: { in: ids } }, select: { id: true, stage: true } });
    expect(Object.fromEntries(stages.map((a) => [a.id, a.stage]))).toEqual({ [ids[0]!]: 'prefectureNotice', [ids[1]!]: 'prefectureNotice', [ids[2]!]: 'prefectureNotice', [ids[3]!]: 'rejected' });
    await until('the read model agreeing with Temporal', async () => (await reconcileOnce(client, database.db, taskQueue)).differences.length === 0);
  }, 300_000);
});
