// What most integration tests stand on: a real Temporal server (a time-skipping
// server of its own, or a namespace of its own on the run's dev server), a
// fresh migrated and seeded PostgreSQL database, an SMTP
// sink, and one worker with the real activities on a task queue of its own;
// optionally the API on a free port. One place to start and stop them, in
// the right order.
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import { createActivities, type Activities } from '../../activities';
import { createDbCalendar } from '../../activities/calendar';
import { createSmtpMailer, type Mailer } from '../../activities/mailer';
import { createApp, type AppDeps } from '../../api/app';
import { createVerifier } from '../../api/auth';
import { startSmtpSink, type SmtpSink } from '../../infra/smtp-sink';
import { seed } from '../../prisma/seed';
import { createTestDatabase, type TestDatabase } from './database';
import { devServerEnv, installTestRuntime, timeSkippingEnv, workflowBundle } from './temporal';

export interface Harness {
  env: TestWorkflowEnvironment;
  database: TestDatabase;
  sink: SmtpSink;
  taskQueue: string;
  /** Starts the API on 127.0.0.1 and a free port; answers its base URL. Stopped by `stop()`. */
  listen(deps?: Partial<AppDeps>): Promise<string>;
  stop(): Promise<void>;
}

/** The secret the harness's API verifies tokens with (sign them with signDevToken). */
export const TEST_JWT_SECRET = 'test-secret-harness-0123456789abcdef';

export async function startHarness(options: {
  server: 'timeSkipping' | 'dev';
  name: string;
  /** Wraps the real activities, e.g. to hold one write back (test/workflows/base-decisions.test.ts). */
  wrapActivities?: (real: Activities) => Activities;
}): Promise<Harness> {
  installTestRuntime();
  const [env, database, sink] = await Promise.all([
    options.server === 'dev' ? devServerEnv() : timeSkippingEnv(),
    createTestDatabase(),
    startSmtpSink(),
  ]);
  await seed(database.db);
  const mailer: Mailer = createSmtpMailer(sink.url);
  const taskQueue = `${options.name}-${randomUUID()}`;
  const worker = await Worker.create({
    connection: env.nativeConnection,
    namespace: env.namespace ?? 'default',
    taskQueue,
    workflowBundle: await workflowBundle(),
    activities: (options.wrapActivities ?? ((a: Activities) => a))(
      createActivities({ db: database.db, mailer, mailFrom: 'test@liangshan.example', calendar: createDbCalendar(database.db), temporal: env.client }),
    ),
  });
  const running = worker.run();
  const servers: Server[] = [];
  // Uploads go to a directory of this harness's own, removed by stop().
  const filesDir = await mkdtemp(path.join(tmpdir(), `liangshan-${options.name}-files-`));

  return {
    env,
    database,
    sink,
    taskQueue,
    async listen(deps = {}) {
      const app = createApp({ db: database.db, temporal: env.client, taskQueue, verify: createVerifier({ jwtSecret: TEST_JWT_SECRET }), filesDir, ...deps });
      const server = app.listen(0, '127.0.0.1');
      servers.push(server);
      await new Promise((r) => server.once('listening', r));
      return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    },
    async stop() {
      // The API first (no new Updates), then the worker drains, then what it used.
      await Promise.all(servers.map((s) => new Promise((r) => s.close(r))));
      worker.shutdown();
      await running;
      mailer.close();
      await Promise.all([env.teardown(), sink.close()]);
      await database.drop();
      await rm(filesDir, { recursive: true, force: true });
    },
  };
}
