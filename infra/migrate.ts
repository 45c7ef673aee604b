// Applies the migrations in prisma/migrations (Prisma's layout) at start and
// in tests. The Prisma 7 CLI needs a native schema engine that cannot be
// downloaded on a registry-only machine, so the few lines that `prisma
// migrate deploy` amounts to live here: apply each new migration.sql in name
// order inside a transaction and record it in Prisma's own
// `_prisma_migrations` table (same columns, sha256 checksum), so a machine
// with the native engine can keep using `prisma migrate deploy` on the same
// database. An applied migration whose file was edited afterwards is refused.
import { createHash, randomUUID } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import type { Db } from './database';

export const MIGRATIONS_DIR = fileURLToPath(new URL('../prisma/migrations', import.meta.url));

export interface Migration {
  name: string;
  sql: string;
  checksum: string;
}

export class MigrationError extends Error {}

export async function readMigrations(dir = MIGRATIONS_DIR): Promise<Migration[]> {
  const entries = await readdir(dir, { withFileTypes: true });
  const names = entries.filter((e) => e.isDirectory()).map((e) => e.name).sort();
  return Promise.all(
    names.map(async (name) => {
      const sql = await readFile(path.join(dir, name, 'migration.sql'), 'utf8');
      return { name, sql, checksum: createHash('sha256').update(sql).digest('hex') };
    }),
  );
}

// The table exactly as Prisma creates it.
const CREATE_TABLE = `CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
  "id" VARCHAR(36) PRIMARY KEY NOT NULL,
  "checksum" VARCHAR(64) NOT NULL,
  "finished_at" TIMESTAMPTZ,
  "migration_name" VARCHAR(255) NOT NULL,
  "logs" TEXT,
  "rolled_back_at" TIMESTAMPTZ,
  "started_at" TIMESTAMPTZ NOT NULL DEFAULT now(),
  "applied_steps_count" INTEGER NOT NULL DEFAULT 0
)`;

// Any constant will do; it serialises concurrent starters (API and worker).
const LOCK_KEY = 72_019_001;

/** Applies pending migrations; returns the names applied by this call. */
export async function applyMigrations(databaseUrl: string, dir = MIGRATIONS_DIR): Promise<string[]> {
  const migrations = await readMigrations(dir);
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  const applied: string[] = [];
  try {
    await client.query('SELECT pg_advisory_lock($1)', [LOCK_KEY]);
    await client.query(CREATE_TABLE);
    const { rows } = await client.query<{ migration_name: string; checksum: string; finished_at: Date | null }>(
      'SELECT migration_name, checksum, finished_at FROM "_prisma_migrations" WHERE rolled_back_at IS NULL',
    );
    const done = new Map(rows.map((r) => [r.migration_name, r]));
    for (const migration of migrations) {
      const row = done.get(migration.name);
      if (row) {
        if (!row.finished_at) {
          throw new MigrationError(`migration ${migration.name} was started but never finished; resolve it by hand`);
        }
        if (row.checksum !== migration.checksum) {
          throw new MigrationError(`migration ${migration.name} was edited after it was applied; add a new migration instead`);
        }
        continue;
      }
      await client.query('BEGIN');
      try {
        const id = randomUUID();
        await client.query(
          'INSERT INTO "_prisma_migrations" (id, checksum, migration_name, started_at) VALUES ($1, $2, $3, now())',
          [id, migration.checksum, migration.name],
        );
        // One query for the whole file: splitting on ';' would break
        // dollar-quoted bodies and strings.
        await client.query(migration.sql);
        await client.query(
          // clock_timestamp(), not now(): now() is the transaction's start,
          // which would record every migration as finishing when it started.
          'UPDATE "_prisma_migrations" SET finished_at = clock_timestamp(), applied_steps_count = 1 WHERE id = $1',
          [id],
        );
        await client.query('COMMIT');
      } catch (error) {
        await client.query('ROLLBACK');
        throw new MigrationError(`migration ${migration.name} failed: ${(error as Error).message}`);
      }
      applied.push(migration.name);
    }
  } finally {
    await client.query('SELECT pg_advisory_unlock($1)', [LOCK_KEY]).catch(() => {});
    await client.end();
  }
  return applied;
}

export type MigrationState = 'applied' | 'pending' | 'unknown';

let onDisk: Promise<string[]> | undefined;

/**
 * For readiness checks (GET /api/ready), one cheap query: `applied` when
 * every migration of prisma/migrations (its names read once per process)
 * has a finished, not rolled back row in `_prisma_migrations` and no row is
 * unfinished; `pending` otherwise (also when the table does not exist yet);
 * `unknown` when the database does not answer. Migrations newer than this
 * process's code (a newer release migrated first) do not count against it.
 */
export async function migrationState(db: Db, dir = MIGRATIONS_DIR): Promise<MigrationState> {
  onDisk ??= readMigrations(dir).then((ms) => ms.map((m) => m.name), (error: unknown) => {
    onDisk = undefined;
    throw error;
  });
  let rows: Array<{ migration_name: string; finished: boolean }>;
  try {
    rows = await db.$queryRaw<Array<{ migration_name: string; finished: boolean }>>`
      SELECT migration_name, finished_at IS NOT NULL AS finished FROM "_prisma_migrations" WHERE rolled_back_at IS NULL`;
  } catch (error) {
    // 42P01: the table does not exist, so nothing was ever migrated.
    const code = (error as { code?: string; meta?: { code?: string } })?.meta?.code ?? (error as { code?: string })?.code;
    return code === '42P01' || /_prisma_migrations/.test(String((error as Error)?.message)) ? 'pending' : 'unknown';
  }
  if (rows.some((r) => !r.finished)) return 'pending';
  const finished = new Set(rows.map((r) => r.migration_name));
  return (await onDisk).every((name) => finished.has(name)) ? 'applied' : 'pending';
}
