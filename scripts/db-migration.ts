// `npm run db:migration -- <name>`: authors a new migration, as `prisma
// migrate dev --create-only --name <name>` would (the Prisma 7 CLI cannot
// run here: it needs the native schema engine). The WASM schema engine
// makes the CLI's own calls (infra/schema-engine.ts createMigration): the
// migrations are replayed on a shadow database, the step to
// prisma/schema.prisma is rendered (with Prisma's warnings for destructive
// changes) and written to prisma/migrations/<timestamp>_<name>/migration.sql.
// Nothing is applied to any real database: review the file, then
// `npm run db:migrate`.
//
// The scratch and shadow databases are created (and dropped) on the server
// named by SHADOW_DATABASE_URL (its user needs CREATEDB; the database it
// names is not touched), or else on an embedded PostgreSQL started in a
// temporary directory for this run.
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startEmbeddedPostgres } from '../infra/embedded-postgres';
import { MIGRATIONS_DIR } from '../infra/migrate';
import { createMigration, lastEnginePanic, MIGRATION_LOCK } from '../infra/schema-engine';
import { freePort } from '../infra/ports';

async function withShadowServer<T>(work: (serverUrl: string) => Promise<T>): Promise<T> {
  const configured = process.env.SHADOW_DATABASE_URL;
  if (configured) return work(configured);
  const dir = await mkdtemp(path.join(tmpdir(), 'liangshan-shadow-'));
  try {
    const server = await startEmbeddedPostgres({ dataDir: path.join(dir, 'db'), port: await freePort(), persistent: false });
    try {
      return await work(server.serverUrl);
    } finally {
      await server.stop();
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

async function main(): Promise<number> {
  const raw = process.argv.slice(2).join('_').trim();
  // Prisma's directory names are `<timestamp>_<name>`; keep the name to
  // characters that are safe in a path on every system.
  const name = raw.replace(/[^A-Za-z0-9_]+/g, '_').replace(/^_+|_+$/g, '').slice(0, 200);
  if (!name) {
    console.error('usage: npm run db:migration -- <name>');
    return 2;
  }
  const created = await withShadowServer((shadowServerUrl) => createMigration({ shadowServerUrl, name }));
  if (!created) {
    console.log('no changes: prisma/schema.prisma and prisma/migrations agree');
    return 0;
  }
  const dir = path.join(MIGRATIONS_DIR, created.directory);
  if (existsSync(dir)) throw new Error(`${dir} exists already`);
  await mkdir(dir, { recursive: true });
  await writeFile(path.join(dir, 'migration.sql'), created.script, 'utf8');
  await writeFile(path.join(MIGRATIONS_DIR, 'migration_lock.toml'), MIGRATION_LOCK, 'utf8');
  console.log(`wrote ${path.relative(process.cwd(), path.join(dir, 'migration.sql'))}`);
  return 0;
}

// A panic in the engine surfaces as an uncaught `RuntimeError: unreachable`
// from a WASM callback, not as a rejection; print what the engine said.
process.on('uncaughtException', (error) => {
  console.error(error);
  const panic = lastEnginePanic();
  if (panic) console.error(`schema engine panic: ${panic}`);
  process.exit(1);
});

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    console.error(error instanceof Error ? (error.stack ?? error.message) : error);
    process.exitCode = 1;
  },
);
