// The API never waits on Temporal past its deadline (issue 14, item 5): a
// frontend that stops answering without closing its socket (the dev server
// process stopped with SIGSTOP: the kernel keeps the connection, nothing
// replies) and a workflow whose worker is gone both cost the caller a 503
// with Retry-After within the configured deadline, and the same decisionId
// sent again once Temporal answers is applied exactly once. Real processes:
// `temporal server start-dev`, PostgreSQL, an SMTP sink, a worker, the API
// over HTTP with the production client (infra/temporal.ts connectClient).
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Client, Connection, type WorkflowHandle } from '@temporalio/client';
import { NativeConnection, Worker } from '@temporalio/worker';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createActivities } from '../../activities';
import { createDbCalendar } from '../../activities/calendar';
import { createSmtpMailer, type Mailer } from '../../activities/mailer';
import { createApp } from '../../api/app';
import { createVerifier, signDevToken } from '../../api/auth';
import { RETRY_AFTER_SECONDS } from '../../api/errors';
import { freePort } from '../../infra/ports';
import { isDependencyUnavailable } from '../../infra/unavailable';
import { startSmtpSink, type SmtpSink } from '../../infra/smtp-sink';
import { connectClient } from '../../infra/temporal';
import { temporalCliPath } from '../../infra/temporal-binaries';
import { startTemporalDevServer, type DevServer } from '../../infra/temporal-dev-server';
import { seed } from '../../prisma/seed';
import { applicationWorkflow, type ApplicationInput } from '../../workflows/application';
import type { Actor } from '../../workflows/messages';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { installTestRuntime, workflowBundle } from '../support/temporal';

/** The request's deadline (api/app.ts): small, to keep the test fast; production's default is 8 s (infra/config.ts). */
const DEADLINE_MS = 2000;
/**
 * The connection's default for a call made outside any request
 * (infra/temporal.ts). api/main.ts gives both the same value; here they
 * differ, so that a 503 within DEADLINE_MS shows the request's own deadline
 * reached the route, and a bare call ending at this one shows the default.
 */
const CONNECTION_DEFAULT_MS = 5000;
/** What an answer may take beyond its deadline: the reads before the Update and the error's way out. */
const SLACK_MS = 1500;
const SECRET = 'deadline-secret-0123456789abcdef0123456789';
const officer: Actor = { sub: 'zunyi-officer', role: 'prefectureOfficer', prefecture: '520300' };

let dir: string;
let temporal: DevServer;
let database: TestDatabase;
let sink: SmtpSink;
let mailer: Mailer;
let nativeConnection: NativeConnection;
/** The test's own view of Temporal (starting workflows, reading histories); not the API's. */
let client: Client;
/** The API's client, as api/main.ts builds it. */
let apiClient: Client;
let worker: Worker;
let running: Promise<void>;
let server: Server;
let base: string;
const taskQueue = `deadline-${randomUUID()}`;

async function startWorker(): Promise<void> {
  worker = await Worker.create({
    connection: nativeConnection,
    taskQueue,
    workflowBundle: await workflowBundle(),
    activities: createActivities({ db: database.db, mailer, mailFrom: 'test@liangshan.example', calendar: createDbCalendar(database.db), temporal: client }),
  });
  running = worker.run();
}

beforeAll(async () => {
  installTestRuntime();
  dir = await mkdtemp(path.join(tmpdir(), 'liangshan-deadline-'));
  const port = await freePort();
  [temporal, database, sink] = await Promise.all([
    startTemporalDevServer({ cliPath: temporalCliPath()!, port, dbFile: path.join(dir, 'temporal.db'), logFile: path.join(dir, 'temporal.log') }),
    createTestDatabase(),
    startSmtpSink(),
  ]);
  await seed(database.db);
  mailer = createSmtpMailer(sink.url);
  nativeConnection = await NativeConnection.connect({ address: temporal.address });
  client = new Client({ connection: await Connection.connect({ address: temporal.address }) });
  await startWorker();
  apiClient = connectClient({ address: temporal.address, namespace: 'default' }, { callDeadlineMs: CONNECTION_DEFAULT_MS });
  server = createApp({ db: database.db, temporal: apiClient, taskQueue, verify: createVerifier({ jwtSecret: SECRET }), temporalCallDeadlineMs: DEADLINE_MS }).listen(0, '127.0.0.1');
  await new Promise((r) => server.once('listening', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}, 180_000);

afterAll(async () => {
  // Never leave a stopped server behind, whatever failed.
  temporal?.process.kill('SIGCONT');
  await new Promise((r) => server?.close(r));
  worker?.shutdown();
  await running;
  mailer?.close();
  await apiClient?.connection.close();
  await client?.connection.close();
  await nativeConnection?.close();
  await Promise.all([temporal?.stop(), sink?.close()]);
  await database?.drop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

async function until<T>(what: string, read: () => Promise<T | null | undefined | false>, timeoutMs = 60_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const value = await read().catch(() => null);
    if (value) return value;
    if (Date.now() > end) throw new Error(`${what}: not within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

interface Answer {
  status: number;
  retryAfter: string | null;
  body: Record<string, unknown>;
  ms: number;
}

async function call(method: 'GET' | 'POST', url: string, body?: unknown): Promise<Answer> {
  const started = Date.now();
  const res = await fetch(base + url, {
    method,
    headers: { authorization: `Bearer ${await signDevToken(SECRET, officer)}`, ...(body ? { 'content-type': 'application/json' } : {}) },
    ...(body ? { body: JSON.stringify(body) } : {}),
    // The test's own bound, far beyond the API's: a hung API fails here, not at the test timeout.
    signal: AbortSignal.timeout(30_000),
  });
  return { status: res.status, retryAfter: res.headers.get('retry-after'), body: (await res.json()) as Record<string, unknown>, ms: Date.now() - started };
}

/** An application of 遵义市 (520300) waiting for its prefecture's pre-review. */
async function applicationInReview(name: string): Promise<{ id: string; handle: WorkflowHandle }> {
  const input: ApplicationInput = {
    applicationId: randomUUID(),
    year: 2027,
    unit: { name, type: 'county', prefectures: ['520300'], terrain: 'mountain' },
    applicant: { name: `${name}人民政府`, contactEmail: `gov-${randomUUID().slice(0, 8)}@unit.example`, sub: `applicant-${randomUUID().slice(0, 8)}` },
    materials: [],
    submittedAt: new Date().toISOString(),
  };
  const handle = await client.workflow.start(applicationWorkflow, { taskQueue, workflowId: `application-${input.applicationId}`, args: [input] });
  await until('the pre-review task', () => database.db.task.findFirst({ where: { applicationId: input.applicationId, status: 'open' } }));
  return { id: input.applicationId, handle };
}

const accept = (id: string, decisionId: string) => call('POST', `/api/applications/${id}/decisions`, { decisionId, action: 'prefectureAccept', reason: '材料齐全' });

function expectUnavailableInTime(answer: Answer): void {
  expect(answer.status).toBe(503);
  expect(answer.retryAfter).toBe(String(RETRY_AFTER_SECONDS));
  expect(answer.body).toMatchObject({ error: { code: 'unavailable', message: expect.stringMatching(/[\u4e00-\u9fff]/) } });
  // Ended by the deadline (not sooner, by something else), and not much after it.
  expect(answer.ms).toBeGreaterThanOrEqual(DEADLINE_MS - 50);
  expect(answer.ms).toBeLessThan(DEADLINE_MS + SLACK_MS);
}

/** Sent again until Temporal answers, then once more: one applied row, one accepted Update in the history, the stage moved once. */
async function expectAppliedOnce(id: string, handle: WorkflowHandle, decisionId: string): Promise<void> {
  // 503 while the client reconnects; anything else ends the wait and fails below.
  const applied = await until('the decision answered on a retry', async () => {
    const answer = await accept(id, decisionId);
    return answer.status === 503 ? null : answer;
  });
  expect(applied.status, JSON.stringify(applied.body)).toBe(200);
  expect(applied.body).toMatchObject({ decisionId, action: 'prefectureAccept', stage: 'prefectureNotice' });
  const again = await accept(id, decisionId);
  expect(again).toMatchObject({ status: 200, body: { decisionId, stage: 'prefectureNotice' } });

  expect(await database.db.decision.count({ where: { decisionId, outcome: 'applied' } })).toBe(1);
  expect(await database.db.application.findUnique({ where: { id }, select: { stage: true } })).toEqual({ stage: 'prefectureNotice' });
  const events = (await handle.fetchHistory()).events ?? [];
  const accepted = events.filter((e) => e.workflowExecutionUpdateAcceptedEventAttributes?.acceptedRequest?.meta?.updateId === decisionId);
  expect(accepted).toHaveLength(1);
  expect(events.filter((e) => e.workflowExecutionUpdateAcceptedEventAttributes)).toHaveLength(1);
}

describe('every call from the API to Temporal has a deadline', () => {
  it('a frontend that stops answering: 503 with Retry-After within the deadline, and the same decision applies once when it answers again', async () => {
    const { id, handle } = await applicationInReview('凤冈县');
    // The API's connection is open before the server stops: the hanging case, not a refused one.
    expect((await call('GET', '/api/health')).status).toBe(200);
    const decisionId = `deadline-stopped-${randomUUID()}`;
    temporal.process.kill('SIGSTOP');
    let stopped: Answer;
    let health: Answer;
    let bare: { error: unknown; ms: number };
    try {
      stopped = await accept(id, decisionId);
      health = await call('GET', '/api/health');
      // The API's client outside any request: the connection's default deadline.
      const started = Date.now();
      bare = await apiClient.workflow.getHandle(`application-${id}`).describe().then(
        () => ({ error: undefined, ms: Date.now() - started }),
        (error: unknown) => ({ error, ms: Date.now() - started }),
      );
    } finally {
      temporal.process.kill('SIGCONT');
    }
    expectUnavailableInTime(stopped);
    expect(health).toMatchObject({ status: 503, retryAfter: String(RETRY_AFTER_SECONDS), body: { temporal: 'down' } });
    expect(isDependencyUnavailable(bare.error)).toBe(true);
    expect(bare.ms).toBeGreaterThanOrEqual(CONNECTION_DEFAULT_MS - 50);
    expect(bare.ms).toBeLessThan(CONNECTION_DEFAULT_MS + SLACK_MS);
    await expectAppliedOnce(id, handle, decisionId);
  });

  it('a workflow whose worker is gone: the Update and its polling end at the deadline, and the decision applies once when the worker is back', async () => {
    const { id, handle } = await applicationInReview('余庆县');
    const decisionId = `deadline-no-worker-${randomUUID()}`;
    worker.shutdown();
    await running;
    try {
      // Temporal answers every poll here; only the request's one deadline ends them.
      expectUnavailableInTime(await accept(id, decisionId));
    } finally {
      await startWorker();
    }
    await expectAppliedOnce(id, handle, decisionId);
  });
});
