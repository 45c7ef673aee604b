// Failures of the mail server, the Temporal server and the database cost
// time, never data (issue 7.3). Each part is a real process of its own here
// (an SMTP server, `temporal server start-dev` with its SQLite file, an
// embedded PostgreSQL), stopped and started again while a worker runs.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { bundleWorkflowCode, NativeConnection, Worker } from '@temporalio/worker';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createActivities } from '../../activities';
import { createDbCalendar } from '../../activities/calendar';
import { createSmtpMailer, type Mailer } from '../../activities/mailer';
import { createApp } from '../../api/app';
import { createVerifier, signDevToken } from '../../api/auth';
import { createDb, type Db } from '../../infra/database';
import { startEmbeddedPostgres, type EmbeddedPostgresHandle } from '../../infra/embedded-postgres';
import { applyMigrations } from '../../infra/migrate';
import { freePort } from '../../infra/ports';
import { startSmtpSink, type SmtpSink } from '../../infra/smtp-sink';
import { WORKFLOWS_PATH } from '../../infra/temporal';
import { temporalCliPath } from '../../infra/temporal-binaries';
import { startTemporalDevServer, type DevServer } from '../../infra/temporal-dev-server';
import { seed } from '../../prisma/seed';
import { applicationWorkflow, type ApplicationInput } from '../../workflows/application';
import { decideUpdate, type Actor } from '../../workflows/messages';
import { stallingSmtp } from '../support/stalling-smtp';

const SECRET = 'faults-secret-0123456789abcdef0123456789';
const officer: Actor = { sub: 'zunyi-officer', role: 'prefectureOfficer', prefecture: '520300' };
let dir: string;
let ports: { pg: number; temporal: number; smtp: number };
let pg: EmbeddedPostgresHandle;
let temporal: DevServer;
let sink: SmtpSink;
let db: Db;
let mailer: Mailer;
let connection: NativeConnection;
let client: Client;
let worker: Worker;
let running: Promise<void>;
let server: Server;
let base: string;
const taskQueue = `faults-${randomUUID()}`;

const startPostgres = () => startEmbeddedPostgres({ dataDir: path.join(dir, 'pg'), port: ports.pg, persistent: true });
const startTemporal = () =>
  startTemporalDevServer({ cliPath: temporalCliPath()!, port: ports.temporal, dbFile: path.join(dir, 'temporal.db'), logFile: path.join(dir, 'temporal.log') });

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'liangshan-faults-'));
  ports = { pg: await freePort(), temporal: await freePort(), smtp: await freePort() };
  [pg, temporal, sink] = await Promise.all([startPostgres(), startTemporal(), startSmtpSink({ port: ports.smtp })]);
  await pg.createDatabase('faults');
  await applyMigrations(pg.urlFor('faults'));
  db = createDb(pg.urlFor('faults'));
  await seed(db);
  mailer = createSmtpMailer(sink.url);
  connection = await NativeConnection.connect({ address: temporal.address });
  client = new Client({ connection: await Connection.connect({ address: temporal.address }) });
  worker = await Worker.create({
    connection,
    taskQueue,
    workflowBundle: await bundleWorkflowCode({ workflowsPath: WORKFLOWS_PATH, logger: { log() {}, trace() {}, debug() {}, info() {}, warn() {}, error: console.error } }),
    activities: createActivities({ db, mailer, mailFrom: 'test@liangshan.example', calendar: createDbCalendar(db) }),
  });
  running = worker.run();
  server = createApp({ db, temporal: client, taskQueue, verify: createVerifier({ jwtSecret: SECRET }) }).listen(0, '127.0.0.1');
  await new Promise((r) => server.once('listening', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}, 180_000);

afterAll(async () => {
  await new Promise((r) => server?.close(r));
  worker?.shutdown();
  await running;
  mailer?.close();
  await client?.connection.close();
  await connection?.close();
  await db?.$disconnect();
  await Promise.all([temporal?.stop(), sink?.close()]);
  await pg?.stop();
  await rm(dir, { recursive: true, force: true });
});

function input(name: string): ApplicationInput {
  return {
    applicationId: randomUUID(),
    year: 2027,
    unit: { name, type: 'county', prefectures: ['520300'], terrain: 'mountain' },
    applicant: { name: `${name}人民政府`, contactEmail: `gov-${randomUUID().slice(0, 8)}@unit.example`, sub: `applicant-${name}` },
    materials: [],
    submittedAt: new Date().toISOString(),
  };
}

const start = (i: ApplicationInput) => client.workflow.start(applicationWorkflow, { taskQueue, workflowId: `application-${i.applicationId}`, args: [i] });

async function until<T>(what: string, read: () => Promise<T | null | undefined | false>, timeoutMs = 60_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const value = await read().catch(() => null);
    if (value) return value;
    if (Date.now() > end) throw new Error(`${what}: not within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

async function get(url: string, actor?: Actor): Promise<{ status: number; body: Record<string, unknown> }> {
  const headers: Record<string, string> = actor ? { authorization: `Bearer ${await signDevToken(SECRET, actor)}` } : {};
  const res = await fetch(base + url, { headers });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

/** `npm run worker` as a process of its own, on a queue of its own, that the test can kill. */
function spawnWorker(queue: string, smtpUrl: string): ChildProcess {
  return spawn(process.execPath, ['--import', 'tsx', 'worker/main.ts'], {
    cwd: path.resolve(import.meta.dirname, '../..'),
    env: {
      ...process.env,
      TEMPORAL_ADDRESS: temporal.address,
      TEMPORAL_NAMESPACE: 'default',
      TEMPORAL_TASK_QUEUE: queue,
      DATABASE_URL: pg.urlFor('faults'),
      SMTP_URL: smtpUrl,
      MAIL_FROM: 'test@liangshan.example',
      AUTH_JWT_SECRET: SECRET,
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
}

describe('faults cost time, not data', () => {
  it('a worker killed while its activity sends a mail: the mail is sent once, by the next worker', async () => {
    const queue = `faults-kill-${randomUUID()}`;
    const smtpPort = await freePort();
    const smtp = await stallingSmtp(smtpPort, { stalling: true });
    const url = smtp.url;
    let child = spawnWorker(queue, url);
    try {
      const i = input('湄潭县');
      await client.workflow.start(applicationWorkflow, { taskQueue: queue, workflowId: `application-${i.applicationId}`, args: [i] });
      await until('the mail in flight', async () => smtp.state.stalled > 0, 90_000);
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGKILL');
      await exited;
      expect(await db.notification.findFirst({ where: { subjectId: i.applicationId, key: 'application.received' } })).toMatchObject({ status: 'pending' });
      smtp.state.stalling = false;
      child = spawnWorker(queue, url);
      // The killed attempt times out (startToClose 30 s); the retry sends it.
      await until('the mail accepted', async () => smtp.accepted.some((to) => to.includes(i.applicant.contactEmail)), 120_000);
      await until('the outbox row marked sent', () => db.notification.findFirst({ where: { subjectId: i.applicationId, key: 'application.received', status: 'sent' } }), 30_000);
      await new Promise((r) => setTimeout(r, 2000));
      expect(smtp.accepted.filter((to) => to.includes(i.applicant.contactEmail))).toHaveLength(1);
    } finally {
      const exited = new Promise((r) => child.once('exit', r));
      if (child.exitCode === null) child.kill('SIGTERM');
      await exited;
      await smtp.close();
    }
  }, 240_000);

  it('SMTP down: the mail waits in the outbox and goes out once when the server is back', async () => {
    await sink.close();
    const i = input('赤水市');
    await start(i);
    const pending = await until('a pending mail with the SMTP error', () =>
      db.notification.findFirst({ where: { subjectId: i.applicationId, key: 'application.received', status: 'pending', lastError: { not: null } } }),
    );
    expect(pending.attempts).toBeGreaterThanOrEqual(1);
    sink = await startSmtpSink({ port: ports.smtp });
    await sink.waitFor((m) => m.some((x) => x.to.includes(i.applicant.contactEmail)), 60_000);
    const sent = await until('the outbox row marked sent', () => db.notification.findFirst({ where: { id: pending.id, status: 'sent' } }));
    expect(sent.sentAt).not.toBeNull();
    // A second look after the retries have settled: one mail, not two.
    await new Promise((r) => setTimeout(r, 1000));
    expect(sink.messages().filter((x) => x.to.includes(i.applicant.contactEmail))).toHaveLength(1);
  });

  it('Temporal restarts with its database file: the running workflow, its task timer and its decisions resume', async () => {
    const i = input('习水县');
    const handle = await start(i);
    await until('the pre-review task', () => db.task.findFirst({ where: { applicationId: i.applicationId, status: 'open' } }));
    // The task row is written before the due-date timer starts: wait for the timer too.
    const timerStarted = async () => (await handle.fetchHistory()).events?.some((e) => e.timerStartedEventAttributes) || null;
    await until('the due-date timer', timerStarted);
    await temporal.stop();
    temporal = await startTemporal();
    // The worker and the client reconnect by themselves to the same address.
    const decisionId = `after-restart-${randomUUID()}`;
    const result = await until('a decision after the restart', () =>
      handle.executeUpdate(decideUpdate, { updateId: decisionId, args: [{ decisionId, action: 'prefectureAccept', actor: officer, reason: '材料齐全' }] }),
    );
    expect(result.stage).toBe('prefectureNotice');
    expect((await handle.describe()).status.name).toBe('RUNNING');
    // The timer started before the restart is still in the history after it.
    expect(await timerStarted()).toBe(true);
    expect(await db.decision.count({ where: { decisionId } })).toBe(1);
  });

  it('PostgreSQL down for 30 s: the API answers 503, the workflow waits, and nothing is lost when it returns', async () => {
    await pg.stop();
    const health = await get('/api/health');
    expect(health).toMatchObject({ status: 503, body: { database: 'down' } });
    const tasks = await get('/api/tasks', officer);
    expect(tasks.status).toBe(503);
    expect(tasks.body).toMatchObject({ error: { code: 'unavailable' } });
    // A submission while the database is down: the workflow starts, its first activity retries.
    const i = input('桐梓县');
    const handle = await start(i);
    await new Promise((r) => setTimeout(r, 30_000));
    pg = await startPostgres();
    await until('the application row', () => db.application.findUnique({ where: { id: i.applicationId } }), 120_000);
    await until('the pre-review task', () => db.task.findFirst({ where: { applicationId: i.applicationId, status: 'open' } }), 60_000);
    await sink.waitFor((m) => m.some((x) => x.to.includes(i.applicant.contactEmail)), 60_000);
    expect((await get('/api/health')).status).toBe(200);
    expect((await handle.describe()).status.name).toBe('RUNNING');
  });
});
