// Observability over real HTTP and real processes (issue 7): the API's
// request log (JSON lines, read from a stream given to the logger), its
// request ids, GET /metrics and GET /api/ready, on the API and a worker
// against the Temporal dev server, a real PostgreSQL and SMTP; and
// `npm run worker` as a child process whose Temporal SDK metrics endpoint
// (WORKER_METRICS_ADDRESS) is scraped and whose SDK logs arrive as JSON.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import net from 'node:net';
import path from 'node:path';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signDevToken } from '../../api/auth';
import { createLogger } from '../../infra/logger';
import { freePort } from '../../infra/ports';
import { historyArchiveWorkflow } from '../../workflows/history-archive';
import type { Actor } from '../../workflows/messages';
import { noticeWorkflow } from '../../workflows/notice';
import type { NoticeInput } from '../../workflows/notice-messages';
import { startHarness, TEST_JWT_SECRET, type Harness } from '../support/harness';

let harness: Harness;
let base: string;
/** Every line the API logged, parsed. */
const lines: Array<Record<string, unknown>> = [];
let rawLog = '';

const applicant: Actor = { sub: 'obs-chishui', role: 'applicant', prefecture: '520300' };
const officer: Actor = { sub: 'obs-zunyi-1', role: 'prefectureOfficer', prefecture: '520300' };

beforeAll(async () => {
  harness = await startHarness({ server: 'dev', name: 'observability-http' });
  const destination = new Writable({
    write(chunk, _encoding, done) {
      const text = String(chunk);
      rawLog += text;
      for (const line of text.split('\n').filter(Boolean)) lines.push(JSON.parse(line) as Record<string, unknown>);
      done();
    },
  });
  base = await harness.listen({ logger: createLogger({ name: 'api', level: 'debug', destination }) });
});

afterAll(() => harness?.stop());

async function call(method: string, url: string, options: { actor?: Actor; body?: unknown; headers?: Record<string, string>; at?: string } = {}) {
  const headers: Record<string, string> = { ...(options.headers ?? {}) };
  if (options.actor) headers.authorization = `Bearer ${await signDevToken(TEST_JWT_SECRET, options.actor)}`;
  if (options.body !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch((options.at ?? base) + url, { method, headers, ...(options.body !== undefined ? { body: JSON.stringify(options.body) } : {}) });
  return { status: res.status, headers: res.headers, text: await res.text() };
}

async function until<T>(what: string, read: () => Promise<T | null | undefined | false> | T | null | undefined | false, timeoutMs = 10_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (value) return value;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** The log line of one request (written when its response is finished). */
const lineOf = (requestId: string) => until(`the log line of ${requestId}`, () => lines.find((l) => l.requestId === requestId && l.msg === 'request'));

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

describe('request ids', () => {
  it('echoes a sane x-request-id and makes one up otherwise, on success and error alike', async () => {
    const sane = await call('GET', '/api/health', { headers: { 'x-request-id': 'lb-7f3a.2027:req_1-x' } });
    expect(sane.status).toBe(200);
    expect(sane.headers.get('x-request-id')).toBe('lb-7f3a.2027:req_1-x');

    const none = await call('GET', '/api/no-such-route');
    expect(none.status).toBe(401);
    expect(none.headers.get('x-request-id')).toMatch(UUID);

    for (const bad of ['a'.repeat(101), '', 'has space', 'semi;colon', '<script>', '../etc/passwd', '%E4%BD%A0%E5%A5%BD']) {
      const r = await call('GET', '/api/health', { headers: { 'x-request-id': bad } });
      expect(r.headers.get('x-request-id'), bad).toMatch(UUID);
    }
    const hundred = 'b'.repeat(100);
    expect((await call('GET', '/api/health', { headers: { 'x-request-id': hundred } })).headers.get('x-request-id')).toBe(hundred);
    // Two requests without an id get two ids.
    const [a, b] = await Promise.all([call('GET', '/api/openapi.json'), call('GET', '/api/openapi.json')]);
    expect(a.headers.get('x-request-id')).not.toBe(b.headers.get('x-request-id'));
  });
});

describe('GET /api/ready', () => {
  it('answers 200 when PostgreSQL and Temporal answer and every migration is applied, 503 with a migration unfinished', async () => {
    const ready = await call('GET', '/api/ready');
    expect(ready.status).toBe(200);
    // With details for operators (api/readiness-details.ts): the seeded directory has every mailbox.
    expect(JSON.parse(ready.text)).toEqual({ status: 'ready', temporal: 'ok', database: 'ok', migrations: 'applied', details: expect.objectContaining({ officesWithoutMailbox: [], undeliverableMails: 0 }) });
    // /api/health is still there, as it was.
    expect(JSON.parse((await call('GET', '/api/health')).text)).toEqual({ status: 'ok', temporal: 'ok', database: 'ok' });

    // A migration started and never finished (a deploy that died half-way): not ready, healthy all the same.
    const id = randomUUID();
    await harness.database.db.$executeRaw`INSERT INTO "_prisma_migrations" (id, checksum, migration_name, started_at) VALUES (${id}, ${'0'.repeat(64)}, ${'99999999999999_unfinished'}, now())`;
    try {
      const notReady = await call('GET', '/api/ready');
      expect(notReady.status).toBe(503);
      expect(JSON.parse(notReady.text)).toEqual({ status: 'notReady', temporal: 'ok', database: 'ok', migrations: 'pending', details: null });
      expect((await call('GET', '/api/health')).status).toBe(200);
    } finally {
      await harness.database.db.$executeRaw`DELETE FROM "_prisma_migrations" WHERE id = ${id}`;
    }
    expect((await call('GET', '/api/ready')).status).toBe(200);
  });
});

describe('GET /metrics', () => {
  it('serves Prometheus text with the process metrics and the requests just made, labelled by route pattern, never by id', async () => {
    const applicationId = randomUUID();
    const seen = await call('GET', `/api/applications/${applicationId}`, { actor: applicant });
    expect(seen.status).toBe(404);
    // Refused before any route ran (no token): still labelled by the pattern the path matches.
    const anonymous = randomUUID();
    expect((await call('GET', `/api/applications/${anonymous}`)).status).toBe(401);
    const unknown = randomUUID();
    expect((await call('GET', `/api/nothing/${unknown}`, { actor: applicant })).status).toBe(404);
    // A decision refused for an application that does not exist.
    const decision = await call('POST', `/api/applications/${applicationId}/decisions`, { actor: officer, body: { decisionId: `obs-${applicationId}`, action: 'prefectureAccept', reason: '材料齐全' } });
    expect(decision.status).toBe(404);

    const scrape = await call('GET', '/metrics');
    expect(scrape.status).toBe(200);
    expect(scrape.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    const text = scrape.text;
    // prom-client's default process metrics.
    expect(text).toMatch(/^process_cpu_user_seconds_total \d/m);
    expect(text).toMatch(/^nodejs_heap_size_used_bytes \d/m);
    expect(text).toMatch(/^nodejs_eventloop_lag_seconds \d/m);
    // The requests above, by pattern.
    expect(text).toContain('# TYPE http_requests_total counter');
    expect(text).toMatch(/^http_requests_total\{method="GET",route="\/api\/applications\/:id",status="404"\} [1-9]/m);
    expect(text).toMatch(/^http_requests_total\{method="GET",route="\/api\/applications\/:id",status="401"\} [1-9]/m);
    expect(text).toMatch(/^http_requests_total\{method="GET",route="\(unmatched\)",status="404"\} [1-9]/m);
    expect(text).toMatch(/^http_request_duration_seconds_bucket\{le="\+Inf",method="GET",route="\/api\/applications\/:id",status="404"\} [1-9]/m);
    expect(text).toMatch(/^http_request_duration_seconds_count\{method="GET",route="\/api\/applications\/:id",status="404"\} [1-9]/m);
    expect(text).toMatch(/^liangshan_decisions_total\{subject="application",action="prefectureAccept",outcome="refused"\} [1-9]/m);
    // No id is a label value.
    for (const id of [applicationId, anonymous, unknown]) expect(text).not.toContain(id);
    const routes = new Set([...text.matchAll(/route="([^"]*)"/g)].map((m) => m[1]));
    for (const r of routes) expect(r, 'a route label is a pattern').toMatch(/^(\/api(\/[a-z.-]+|\/:[A-Za-z]+)*|\/metrics|\(unmatched\)|\(static\))$/);

    // The scrape counts itself on the next one; HEAD works; other methods do not reach it.
    expect((await call('GET', '/metrics')).text).toMatch(/^http_requests_total\{method="GET",route="\/metrics",status="200"\} [1-9]/m);
    expect((await call('HEAD', '/metrics')).status).toBe(200);
    expect((await call('POST', '/metrics')).status).toBe(404);
    // It is not part of the JSON API's document.
    expect(Object.keys((JSON.parse((await call('GET', '/api/openapi.json')).text) as { paths: Record<string, unknown> }).paths)).not.toContain('/metrics');
  });

  it('asks for METRICS_TOKEN when one is set', async () => {
    const guarded = await harness.listen({ metricsToken: 'metrics-token-0123456789' });
    const none = await call('GET', '/metrics', { at: guarded });
    expect(none.status).toBe(401);
    expect(none.headers.get('www-authenticate')).toMatch(/^Bearer/);
    expect(JSON.parse(none.text)).toMatchObject({ error: { code: 'unauthorized' } });
    expect((await call('GET', '/metrics', { at: guarded, headers: { authorization: 'Bearer wrong-token' } })).status).toBe(401);
    const ok = await call('GET', '/metrics', { at: guarded, headers: { authorization: 'Bearer metrics-token-0123456789' } });
    expect(ok.status).toBe(200);
    expect(ok.text).toContain('http_requests_total');
  });
});

describe('the request log', () => {
  it('writes one JSON line per request: request id, method, route pattern, status, duration, who; never a complainant', async () => {
    // An open notice to complain about (the application workflow starts it as a child; here it is started directly).
    const applicationId = randomUUID();
    await harness.database.db.application.create({
      data: {
        id: applicationId, workflowId: `application-${applicationId}`, year: 2027, unitName: '观测县', unitType: 'county', prefectures: ['520300'],
        applicantName: '观测县人民政府', applicantSub: applicant.sub, contactEmail: 'gov@guance.example', materials: [], stage: 'prefectureNotice', submittedAt: new Date(),
      },
    });
    const notice: NoticeInput = {
      noticeId: `application-${applicationId}:notice:prefecture`, applicationId, level: 'prefecture', prefectures: ['520300'],
      unit: { name: '观测县', type: 'county' }, year: 2027, workingDays: 5, publishedAt: new Date().toISOString(),
    };
    await harness.env.client.workflow.start(noticeWorkflow, { taskQueue: harness.taskQueue, workflowId: notice.noticeId, args: [notice] });
    await until('the Notice row', () => harness.database.db.notice.findUnique({ where: { id: notice.noticeId } }));

    const complainant = { name: '观测投诉人甲', contact: 'obs-complainant-4417@example.org' };
    const content = '观测测试：河道夜间非法采砂（投诉正文）';
    const filed = await call('POST', `/api/notices/${encodeURIComponent(notice.noticeId)}/complaints`, {
      body: { complainant, content },
      headers: { 'x-request-id': 'obs-complaint-0001', 'idempotency-key': 'obs-idempotency-0001' },
    });
    expect(filed.status, filed.text).toBe(201);
    expect(filed.headers.get('x-request-id')).toBe('obs-complaint-0001');
    // A refused complaint too (wrong types): its body never reaches the log either.
    const refused = await call('POST', `/api/notices/${encodeURIComponent(notice.noticeId)}/complaints`, {
      body: { complainant: { name: complainant.name, contact: 42 }, content },
      headers: { 'x-request-id': 'obs-complaint-0002' },
    });
    expect(refused.status).toBe(400);

    const line = await lineOf('obs-complaint-0001');
    expect(line).toMatchObject({ level: 'info', name: 'api', msg: 'request', method: 'POST', route: '/api/notices/:id/complaints', status: 201, requestId: 'obs-complaint-0001' });
    expect(typeof line.durationMs).toBe('number');
    expect(line.durationMs as number).toBeGreaterThan(0);
    expect(new Date(line.time as string).toISOString()).toBe(line.time);
    expect(line).not.toHaveProperty('actor');
    expect(await lineOf('obs-complaint-0002')).toMatchObject({ route: '/api/notices/:id/complaints', status: 400 });

    await until('the complaint in the read model', () => harness.database.db.complaint.findFirst({ where: { noticeId: notice.noticeId } }));

    // A signed-in caller is named by sub and role.
    const listed = await call('GET', '/api/applications', { actor: officer, headers: { 'x-request-id': 'obs-list-0001' } });
    expect(listed.status).toBe(200);
    expect(await lineOf('obs-list-0001')).toMatchObject({ route: '/api/applications', status: 200, actor: { sub: officer.sub, role: 'prefectureOfficer' } });
    // The id in the path is not in the line: the route pattern is.
    const detail = await call('GET', `/api/applications/${applicationId}`, { actor: officer, headers: { 'x-request-id': 'obs-detail-0001' } });
    expect(detail.status).toBe(200);
    const detailLine = await lineOf('obs-detail-0001');
    expect(detailLine).toMatchObject({ route: '/api/applications/:id', status: 200 });
    expect(JSON.stringify(detailLine)).not.toContain(applicationId);
    // Probes are logged at debug, the rest at info.
    await call('GET', '/api/ready', { headers: { 'x-request-id': 'obs-probe-0001' } });
    expect(await lineOf('obs-probe-0001')).toMatchObject({ level: 'debug', route: '/api/ready', status: 200 });

    // Nothing a complainant wrote, in any line (the complaint's detail was just read back by the officer, too).
    expect(detail.text).toContain(complainant.contact);
    for (const secret of [complainant.name, complainant.contact, content, '观测测试']) expect(rawLog).not.toContain(secret);
    // Every line is JSON with the fields a log pipeline keys on.
    for (const l of lines) expect(l).toMatchObject({ level: expect.any(String), time: expect.any(String), name: 'api', msg: expect.any(String) });
  });
});

// ---- the worker process ------------------------------------------------------

interface WorkerProcess {
  child: ChildProcess;
  lines: Array<Record<string, unknown>>;
  stderr: () => string;
  exited: Promise<number | null>;
}

/** `npm run worker` as a process of its own, on a queue of its own, its stdout read as JSON lines. */
function spawnWorker(taskQueue: string, metricsAddress: string): WorkerProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', 'worker/main.ts'], {
    cwd: path.resolve(import.meta.dirname, '../..'),
    env: {
      ...process.env,
      TEMPORAL_ADDRESS: harness.env.address,
      TEMPORAL_NAMESPACE: harness.env.namespace,
      TEMPORAL_TASK_QUEUE: taskQueue,
      DATABASE_URL: harness.database.url,
      SMTP_URL: harness.sink.url,
      MAIL_FROM: 'test@liangshan.example',
      AUTH_JWT_SECRET: TEST_JWT_SECRET,
      WORKER_METRICS_ADDRESS: metricsAddress,
      LOG_LEVEL: 'debug',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const out: Array<Record<string, unknown>> = [];
  let pending = '';
  let stderr = '';
  child.stdout!.on('data', (d) => {
    pending += String(d);
    const parts = pending.split('\n');
    pending = parts.pop() ?? '';
    // A line that is not JSON fails the test below (everything on stdout is pino's).
    for (const p of parts.filter(Boolean)) out.push(JSON.parse(p) as Record<string, unknown>);
  });
  child.stderr!.on('data', (d) => (stderr += String(d)));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, lines: out, stderr: () => stderr, exited };
}

describe('the worker process (npm run worker)', () => {
  it('serves the Temporal SDK metrics on WORKER_METRICS_ADDRESS and logs the SDK through pino as JSON', async () => {
    const port = await freePort();
    // A second worker whose address is taken: it logs why and runs without metrics.
    const blocker = net.createServer();
    const takenPort = await freePort();
    await new Promise<void>((r) => blocker.listen(takenPort, '127.0.0.1', () => r()));
    const queue = `observability-worker-${randomUUID()}`;
    const workers = [spawnWorker(queue, `127.0.0.1:${port}`), spawnWorker(`${queue}-b`, `127.0.0.1:${takenPort}`)];
    const [worker, blocked] = workers as [WorkerProcess, WorkerProcess];
    try {
      const polling = (w: WorkerProcess) => until('the worker polling', () => {
        if (w.child.exitCode !== null) throw new Error(`worker exited with ${w.child.exitCode}: ${w.stderr()}`);
        return w.lines.find((l) => String(l.msg).startsWith('worker polling task queue'));
      }, 120_000);
      expect(await polling(worker)).toMatchObject({ level: 'info', name: 'worker', taskQueue: queue });

      // The SDK's core exporter: Prometheus text with temporal_* series.
      const metrics = await until('temporal_ metrics', async () => {
        const res = await fetch(`http://127.0.0.1:${port}/metrics`).catch(() => null);
        const text = res?.ok ? await res.text() : '';
        return /^temporal_\w+/m.test(text) ? text : null;
      }, 30_000);
      expect(metrics).toMatch(new RegExp(`^temporal_\\w+\\{[^}]*task_queue="${queue}"`, 'm'));

      // A workflow on this worker (a pass of the history archive, which its Schedule starts
      // hourly): the SDK's lines about it carry the workflow's metadata as JSON fields.
      const archive = await harness.env.client.workflow.start(historyArchiveWorkflow, { taskQueue: queue, workflowId: `obs-archive-${randomUUID()}`, args: [] });
      await archive.result();
      const sdkLine = await until('an SDK line with workflow metadata', () =>
        worker.lines.find((l) => typeof l.sdkComponent === 'string' && typeof l.workflowId === 'string' && typeof l.runId === 'string'), 60_000);
      expect(sdkLine).toMatchObject({ name: 'worker', taskQueue: queue, workflowType: expect.any(String), level: expect.stringMatching(/^(trace|debug|info|warn|error)$/) });
      // Workflow task metrics once that ran.
      const after = await until('workflow metrics', async () => {
        const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
        return /^temporal_workflow_task_execution_latency/m.test(text) || /^temporal_workflow_completed/m.test(text) ? text : null;
      }, 30_000);
      expect(after).toContain('temporal_');

      // The other worker runs on, without its endpoint, and says so.
      expect(await polling(blocked)).toMatchObject({ name: 'worker' });
      expect(blocked.lines.find((l) => String(l.msg).startsWith('worker metrics endpoint could not start'))).toMatchObject({ level: 'error', metricsAddress: `127.0.0.1:${takenPort}` });
      // Nothing but JSON lines on stdout (the parser above would have thrown), and no SDK chatter on stderr.
      expect(worker.stderr()).toBe('');
    } finally {
      for (const w of workers) if (w.child.exitCode === null) w.child.kill('SIGTERM');
      const codes = await Promise.all(workers.map((w) => w.exited));
      await new Promise((r) => blocker.close(r));
      expect(codes).toEqual([0, 0]);
      expect(worker.lines.at(-1)).toMatchObject({ msg: 'worker stopped' });
    }
  }, 240_000);
});
