// A release deployed while runs of the previous one are open (issue 18 item 6;
// docs/PRODUCTION.md "Upgrading a release"). Real processes: a Temporal dev
// server, an embedded PostgreSQL, an SMTP sink, and two `npm run worker`
// processes, release-1 from this checkout and release-2 from a copy of it
// with the kind of change a release brings: a new rules edition, whose
// marker is recorded behind patched() (workflows/rules-edition.ts). The
// operator's steps are the documented ones: start release-2's worker beside
// release-1's, `npm run deployment -- promote release-2`, watch release-1
// drain with `npm run deployment -- status`, stop its worker.
//
// Expected, as infra/worker-deployment.ts designs it: the application started on
// release-1 finishes there (PINNED), a new one starts on release-2, the base
// started on release-1 moves to release-2 at its first task after the
// promotion (continue-as-new with AUTO_UPGRADE), and release-2's code replays
// release-1's histories and every recorded one (test/histories/).
import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { cp, mkdir, mkdtemp, readdir, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Client, Connection, type WorkflowHandle } from '@temporalio/client';
import { temporal as proto } from '@temporalio/proto';
import { bundleWorkflowCode, Worker } from '@temporalio/worker';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cstDateOf } from '../../domain/dates';
import { RULES_EDITION } from '../../domain/payloads';
import { startEmbeddedPostgres, type EmbeddedPostgresHandle } from '../../infra/embedded-postgres';
import { applyMigrations } from '../../infra/migrate';
import { freePort } from '../../infra/ports';
import { startSmtpSink, type SmtpSink } from '../../infra/smtp-sink';
import { temporalCliPath } from '../../infra/temporal-binaries';
import { startTemporalDevServer, type DevServer } from '../../infra/temporal-dev-server';
import { openRunsOn, promote, type ReleaseState } from '../../infra/worker-deployment';
import { createDb, type Db } from '../../infra/database';
import { seed } from '../../prisma/seed';
import { applicationWorkflow, type ApplicationInput } from '../../workflows/application';
import { baseWorkflow } from '../../workflows/base';
import { baseStateQuery, type BaseInput } from '../../workflows/base-messages';
import { decideBaseUpdate, decideUpdate } from '../../workflows/messages';
import { HISTORIES_DIR } from '../support/histories';
import { installTestRuntime } from '../support/temporal';

const ROOT = path.resolve(import.meta.dirname, '..', '..');
const SECRET = 'upgrade-secret-0123456789abcdef0123456789';
const DEPLOYMENT = 'liangshan';
const R1 = { deploymentName: DEPLOYMENT, buildId: 'release-1' };
const R2 = { deploymentName: DEPLOYMENT, buildId: 'release-2' };
/** The marker release-2's new rules edition records in a run's first task. */
const EDITION_MARKER = `rules-edition-${RULES_EDITION + 1}-release-2`;
const taskQueue = `upgrade-${randomUUID()}`;

type History = proto.api.history.v1.IHistory;

let dir: string;
let release2Root: string;
let pg: EmbeddedPostgresHandle;
let server: DevServer;
let sink: SmtpSink;
let db: Db;
let client: Client;
const workers: ChildProcess[] = [];
/** Workers the test stopped on purpose. */
const retired = new Set<ChildProcess>();

/**
 * Release-2: a copy of the worker's source (worker, infra, activities,
 * domain, workflows) with the next rules edition, as a release adds one
 * (domain/payloads.ts RULES_EDITION + 1, its marker at the end of
 * EDITION_PATCHES). Its node_modules, generated client and migrations are
 * this checkout's.
 */
async function prepareRelease2(): Promise<string> {
  const root = path.join(dir, 'release-2');
  await mkdir(root);
  for (const d of ['worker', 'infra', 'activities', 'domain', 'workflows']) await cp(path.join(ROOT, d), path.join(root, d), { recursive: true });
  for (const f of ['package.json', 'tsconfig.json']) await cp(path.join(ROOT, f), path.join(root, f));
  for (const shared of ['node_modules', 'generated', 'prisma']) await symlink(path.join(ROOT, shared), path.join(root, shared));
  await edit(path.join(root, 'domain', 'payloads.ts'), `export const RULES_EDITION = ${RULES_EDITION};`, `export const RULES_EDITION = ${RULES_EDITION + 1};`);
  const editions = path.join(root, 'workflows', 'rules-edition.ts');
  const line = (await readFile(editions, 'utf8')).split('\n').find((l) => l.startsWith('const EDITION_PATCHES = ['));
  expect(line).toMatch(/\] as const;$/);
  await edit(editions, line!, line!.replace(/\] as const;$/, `, '${EDITION_MARKER}'] as const;`));
  return root;
}

async function edit(file: string, from: string, to: string): Promise<void> {
  const source = await readFile(file, 'utf8');
  expect(source, file).toContain(from);
  await writeFile(file, source.replace(from, to));
}

/** `npm run worker` of a release, polling the test's task queue as that release. */
function startWorker(root: string, buildId: string): ChildProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', 'worker/main.ts'], {
    cwd: root,
    env: {
      ...process.env,
      TEMPORAL_ADDRESS: server.address,
      TEMPORAL_NAMESPACE: 'default',
      TEMPORAL_TASK_QUEUE: taskQueue,
      DATABASE_URL: pg.urlFor('upgrade'),
      SMTP_URL: sink.url,
      MAIL_FROM: 'test@liangshan.example',
      AUTH_JWT_SECRET: SECRET,
      WORKER_METRICS_ADDRESS: '',
      WORKER_BUILD_ID: buildId,
      WORKER_DEPLOYMENT_NAME: DEPLOYMENT,
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  workers.push(child);
  return child;
}

/** `npm run deployment -- <args> --json`, as the operator runs it. */
function deploymentCommand(...args: string[]): Promise<{ code: number | null; out: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'scripts/deployment.ts', ...args, '--json'], {
    cwd: ROOT,
    env: { ...process.env, TEMPORAL_ADDRESS: server.address, TEMPORAL_NAMESPACE: 'default', WORKER_DEPLOYMENT_NAME: DEPLOYMENT },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (out += d.toString()));
  return new Promise((resolve) => child.once('exit', (code) => resolve({ code, out })));
}

/**
 * Reads until the value is there. Bounded by `ms`: a worker process starts
 * (tsx, migrations, the workflow bundle) in tens of seconds on a busy
 * machine, beyond test/support/eventually.ts's 10 s.
 */
async function waitFor<T>(what: string, read: () => Promise<T | null | undefined | false>, ms = 120_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const value = await read().catch(() => null);
    if (value !== null && value !== undefined && value !== false) return value;
    const died = workers.find((w) => w.exitCode !== null && !retired.has(w));
    if (died) throw new Error(`a worker process exited (${died.exitCode}) while waiting for: ${what}`);
    if (Date.now() > end) throw new Error(`not reached within ${ms} ms: ${what}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

function applicationInput(name: string): ApplicationInput {
  return {
    applicationId: randomUUID(),
    year: 2027,
    unit: { name, type: 'county', prefectures: ['520300'], terrain: 'mountain' },
    applicant: { name: `${name}人民政府`, contactEmail: `gov-${randomUUID().slice(0, 8)}@unit.example`, sub: `applicant-${randomUUID()}` },
    materials: [],
    submittedAt: new Date().toISOString(),
  };
}

function baseInput(): BaseInput {
  const id = randomUUID();
  return {
    baseId: id,
    unit: { name: '习水县', type: 'county', prefectures: ['520300'] },
    applicant: { name: '习水县人民政府', contactEmail: `xishui-${id.slice(0, 8)}@unit.example`, sub: `applicant-${id}` },
    namedOn: cstDateOf(Date.now()),
  };
}

/** How Temporal routes a run (the latest without runId): its behaviour and release, as JSON. */
async function versioningOf(workflowId: string, runId?: string): Promise<Record<string, unknown> | null> {
  const info = await client.workflowService.describeWorkflowExecution({ namespace: 'default', execution: { workflowId, ...(runId ? { runId } : {}) } });
  const versioning = info.workflowExecutionInfo?.versioningInfo;
  return versioning ? (proto.api.workflow.v1.WorkflowExecutionVersioningInfo.fromObject(versioning).toJSON() as Record<string, unknown>) : null;
}

/** The release a run is pinned to, once its first task completed. */
async function releaseOf(handle: WorkflowHandle): Promise<string | null> {
  const versioning = await versioningOf(handle.workflowId);
  return versioning?.behavior === 'VERSIONING_BEHAVIOR_PINNED' ? ((versioning.deploymentVersion as { buildId?: string } | undefined)?.buildId ?? null) : null;
}

/** The releases that completed a run's workflow tasks, in order. */
function taskReleases(history: History): string[] {
  return (history.events ?? []).flatMap((e) => (e.workflowTaskCompletedEventAttributes ? [e.workflowTaskCompletedEventAttributes.deploymentVersion?.buildId ?? 'unversioned'] : []));
}

/** The patch ids a run recorded (patched() markers). */
function patchesOf(history: History): string[] {
  return (history.events ?? []).flatMap((e) => {
    const marker = e.markerRecordedEventAttributes;
    const data = marker?.markerName === 'core_patch' ? marker.details?.['patch-data']?.payloads?.[0]?.data : undefined;
    return data ? [(JSON.parse(Buffer.from(data).toString('utf8')) as { id: string }).id] : [];
  });
}

/** No workflow task or activity pending: the run waits on its timers. */
async function idle(workflowId: string): Promise<boolean> {
  const d = await client.workflowService.describeWorkflowExecution({ namespace: 'default', execution: { workflowId } });
  return !d.pendingWorkflowTask && (d.pendingActivities ?? []).length === 0;
}

async function historyOf(workflowId: string, runId: string): Promise<History> {
  return client.workflow.getHandle(workflowId, runId).fetchHistory();
}

beforeAll(async () => {
  installTestRuntime();
  dir = await mkdtemp(path.join(tmpdir(), 'liangshan-upgrade-'));
  const ports = { pg: await freePort(), temporal: await freePort(), smtp: await freePort() };
  [pg, server, sink, release2Root] = await Promise.all([
    startEmbeddedPostgres({ dataDir: path.join(dir, 'pg'), port: ports.pg, persistent: false }),
    startTemporalDevServer({ cliPath: temporalCliPath()!, port: ports.temporal, dbFile: path.join(dir, 'temporal.db'), logFile: path.join(dir, 'temporal.log') }),
    startSmtpSink({ port: ports.smtp }),
    prepareRelease2(),
  ]);
  await pg.createDatabase('upgrade');
  await applyMigrations(pg.urlFor('upgrade'));
  db = createDb(pg.urlFor('upgrade'));
  await seed(db);
  client = new Client({ connection: await Connection.connect({ address: server.address }) });
}, 180_000);

afterAll(async () => {
  await Promise.all(
    workers.map((w) => {
      if (w.exitCode !== null || w.signalCode !== null) return undefined;
      const exited = new Promise((r) => w.once('exit', r));
      w.kill('SIGTERM');
      return exited;
    }),
  );
  await client?.connection.close();
  await db?.$disconnect();
  await Promise.all([server?.stop(), sink?.close()]);
  await pg?.stop();
  await rm(dir, { recursive: true, force: true });
});

describe('a release deployed while runs of the previous one are open', () => {
  it('pinned runs finish on release-1, new runs and the continued base run on release-2, and release-2 replays release-1', async () => {
    // Release-1 polls and is made current, as the first versioned deployment is.
    const worker1 = startWorker(ROOT, R1.buildId);
    await waitFor('release-1 current', () => promote(client, R1).then(() => true));

    const a1Input = applicationInput('赤水市');
    const a1 = await client.workflow.start(applicationWorkflow, { taskQueue, workflowId: `application-${a1Input.applicationId}`, args: [a1Input] });
    const bInput = baseInput();
    const base = await client.workflow.start(baseWorkflow, { taskQueue, workflowId: `base-${bInput.baseId}`, args: [bInput] });
    // Two more for the operator's commands: an application to move, a base to drain.
    const a3Input = applicationInput('桐梓县');
    const a3 = await client.workflow.start(applicationWorkflow, { taskQueue, workflowId: `application-${a3Input.applicationId}`, args: [a3Input] });
    const b2Input = baseInput();
    const base2 = await client.workflow.start(baseWorkflow, { taskQueue, workflowId: `base-${b2Input.baseId}`, args: [b2Input] });
    for (const run of [a1, base, a3, base2]) expect(await waitFor(`${run.workflowId} pinned to release-1`, () => releaseOf(run))).toBe(R1.buildId);
    for (const id of [a1Input.applicationId, a3Input.applicationId]) await waitFor('the pre-review task', () => db.task.findFirst({ where: { applicationId: id, status: 'open' } }));
    // The bases wait on their timers, no task pending: only what the test does wakes them.
    for (const b of [base, base2]) await waitFor(`${b.workflowId} idle`, () => idle(b.workflowId));

    // Release-2 beside it, then promoted by the operator's command.
    startWorker(release2Root, R2.buildId);
    const promoted = await waitFor('release-2 promoted', async () => {
      const r = await deploymentCommand('promote', R2.buildId);
      return r.code === 0 && (JSON.parse(r.out) as { previous: string | null });
    });
    expect(promoted).toMatchObject({ previous: R1.buildId });

    // A new application starts on release-2, under its new edition.
    const a2Input = applicationInput('湄潭县');
    const a2 = await client.workflow.start(applicationWorkflow, { taskQueue, workflowId: `application-${a2Input.applicationId}`, args: [a2Input] });
    expect(await waitFor('the new application pinned', () => releaseOf(a2))).toBe(R2.buildId);
    expect(patchesOf(await a2.fetchHistory())).toContain(EDITION_MARKER);

    // The open application stays on release-1 to its end: withdrawn now, on release-1's worker.
    const applicant = { sub: a1Input.applicant.sub, role: 'applicant' as const, prefecture: '520300' };
    const withdrawn = await a1.executeUpdate(decideUpdate, { updateId: 'withdraw-1', args: [{ decisionId: 'withdraw-1', action: 'withdraw', actor: applicant, payload: {} }] });
    expect(withdrawn.stage).toBe('withdrawn');
    expect((await a1.result()).stage).toBe('withdrawn');
    const a1History = await a1.fetchHistory();
    expect(new Set(taskReleases(a1History))).toEqual(new Set([R1.buildId]));
    expect(patchesOf(a1History)).not.toContain(EDITION_MARKER);

    // The base moves at its first task after the promotion: a decision wakes it, the run continues as new.
    const firstRun = (await base.describe()).runId;
    const decision = { decisionId: 'recommend-1', action: 'recommendNational' as const, actor: { sub: 'province-officer', role: 'provinceOfficer' as const }, payload: {} };
    expect((await base.executeUpdate(decideBaseUpdate, { updateId: decision.decisionId, args: [decision] })).stage).toBe('named');
    const secondRun = await waitFor('the base continued as new', async () => {
      const d = await client.workflow.getHandle(base.workflowId).describe();
      return d.runId !== firstRun && d.runId;
    });
    const firstHistory = await historyOf(base.workflowId, firstRun);
    expect(firstHistory.events?.at(-1)?.workflowExecutionContinuedAsNewEventAttributes).toBeTruthy();
    expect(new Set(taskReleases(firstHistory))).toEqual(new Set([R1.buildId]));
    // Until its first task completes the new run shows the release it came from; then the current one.
    const secondHistory = await waitFor('the next run\'s first task', async () => {
      const h = await historyOf(base.workflowId, secondRun);
      return taskReleases(h).length > 0 && h;
    });
    expect(await versioningOf(base.workflowId, secondRun)).toMatchObject({
      behavior: 'VERSIONING_BEHAVIOR_PINNED',
      deploymentVersion: { buildId: R2.buildId },
      continueAsNewInitialVersioningBehavior: 'CONTINUE_AS_NEW_VERSIONING_BEHAVIOR_AUTO_UPGRADE',
    });
    expect(patchesOf(secondHistory)).toContain(EDITION_MARKER);
    expect(new Set(taskReleases(secondHistory))).toEqual(new Set([R2.buildId]));
    // The carried state came along: the same base, still named, the decision kept for retries.
    const retried = await client.workflow.getHandle(base.workflowId).executeUpdate(decideBaseUpdate, { updateId: 'recommend-1-again', args: [decision] });
    expect(retried).toMatchObject({ decisionId: 'recommend-1', stage: 'named' });

    // Urgent fix path: the operator moves the other open application onto release-2, which replays its history.
    await waitFor('the third application moved', async () => {
      const r = await deploymentCommand('move', R1.buildId, R2.buildId);
      return r.code === 0 && (JSON.parse(r.out) as { moved: string[] }).moved.includes(a3.workflowId);
    });
    const a3Applicant = { sub: a3Input.applicant.sub, role: 'applicant' as const, prefecture: '520300' };
    await a3.executeUpdate(decideUpdate, { updateId: 'withdraw-3', args: [{ decisionId: 'withdraw-3', action: 'withdraw', actor: a3Applicant, payload: {} }] });
    expect((await a3.result()).stage).toBe('withdrawn');
    const a3History = await a3.fetchHistory();
    const a3Tasks = taskReleases(a3History);
    expect([a3Tasks[0], a3Tasks.at(-1)]).toEqual([R1.buildId, R2.buildId]);
    expect(patchesOf(a3History)).not.toContain(EDITION_MARKER);

    // The operator drains the other base: woken, it continues as new onto release-2 without any decision.
    const base2First = (await base2.describe()).runId;
    await waitFor('the second base woken', async () => {
      const r = await deploymentCommand('drain-bases', R1.buildId);
      return r.code === 0 && (JSON.parse(r.out) as { moved: string[] }).moved.includes(base2.workflowId);
    });
    const base2Next = await waitFor('the second base continued as new', async () => {
      const d = await client.workflow.getHandle(base2.workflowId).describe();
      return d.runId !== base2First && d.runId;
    });
    await waitFor('its next run\'s first task', async () => taskReleases(await historyOf(base2.workflowId, base2Next)).length > 0);
    expect(await versioningOf(base2.workflowId, base2Next)).toMatchObject({ behavior: 'VERSIONING_BEHAVIOR_PINNED', deploymentVersion: { buildId: R2.buildId } });
    const base2FirstHistory = await historyOf(base2.workflowId, base2First);

    // Release-1 has drained: the operator's status says its workers may go.
    expect(await waitFor('no run open on release-1', async () => (await openRunsOn(client, R1)) === 0)).toBe(true);
    const status = await deploymentCommand('status');
    expect(status.code).toBe(0);
    const releases = (JSON.parse(status.out) as { releases: ReleaseState[] }).releases;
    expect(releases.find((r) => r.buildId === R2.buildId)).toMatchObject({ status: 'current', retirable: false });
    expect(releases.find((r) => r.buildId === R1.buildId)).toMatchObject({ openRuns: 0, retirable: true });
    const exited = new Promise<number | null>((r) => worker1.once('exit', (code) => r(code)));
    retired.add(worker1);
    worker1.kill('SIGTERM');
    expect(await exited).toBe(0);

    // With release-1 gone, release-2 still serves the base and the new application.
    expect((await client.workflow.getHandle(base.workflowId).query(baseStateQuery)).status).toBe('named');
    const w2 = { sub: a2Input.applicant.sub, role: 'applicant' as const, prefecture: '520300' };
    await a2.executeUpdate(decideUpdate, { updateId: 'withdraw-2', args: [{ decisionId: 'withdraw-2', action: 'withdraw', actor: w2, payload: {} }] });
    expect((await a2.result()).stage).toBe('withdrawn');

    // Release-2's code replays release-1's runs and every recorded history (the patched() path).
    const bundle = await bundleWorkflowCode({
      workflowsPath: path.join(release2Root, 'workflows', 'index.ts'),
      logger: { log() {}, trace() {}, debug() {}, info() {}, warn() {}, error: console.error },
    });
    const recorded = await Promise.all(
      (await readdir(HISTORIES_DIR)).filter((f) => f.endsWith('.json')).sort().map(async (f) => {
        const { workflowId, ...history } = JSON.parse(await readFile(path.join(HISTORIES_DIR, f), 'utf8')) as { workflowId?: string };
        return { workflowId: workflowId ?? f, history: proto.api.history.v1.History.fromObject(history) };
      }),
    );
    const runs = [
      { workflowId: a1.workflowId, history: a1History },
      { workflowId: a3.workflowId, history: a3History },
      { workflowId: base.workflowId, history: firstHistory },
      { workflowId: base2.workflowId, history: base2FirstHistory },
      ...recorded,
    ];
    const failures: string[] = [];
    for await (const r of Worker.runReplayHistories({ workflowBundle: bundle, replayName: 'release-2' }, runs)) if (r.error) failures.push(`${r.workflowId}: ${r.error.message}`);
    expect(failures).toEqual([]);
    expect(runs.length).toBeGreaterThan(20);
  }, 240_000);
});
