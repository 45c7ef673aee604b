// schema.prisma and prisma/migrations must describe the same database: the
// WASM schema engine replays the migrations on a shadow database (on the
// test server) and diffs the result against the schema. A non-empty diff
// means someone changed the schema without `npm run db:migration -- <name>`.
import { cp, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { MIGRATIONS_DIR } from '../../infra/migrate';
import { diffMigrationsToSchema, SCHEMA_PATH } from '../../infra/schema-engine';

const shadowServerUrl = inject('pgServerUrl');

async function shadowDatabases(): Promise<string[]> {
  const client = new pg.Client({ connectionString: shadowServerUrl });
  await client.connect();
  try {
    const { rows } = await client.query<{ datname: string }>(
      "SELECT datname FROM pg_database WHERE datname LIKE 'prisma_migrate_shadow_db_%'",
    );
    return rows.map((r) => r.datname);
  } finally {
    await client.end();
  }
}

describe('schema drift', () => {
  let dir: string;

  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'liangshan-drift-'));
  });

  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('prisma/migrations produce exactly prisma/schema.prisma', async () => {
    const sql = await diffMigrationsToSchema({ shadowServerUrl });
    // On failure the message is the SQL a new migration needs.
    expect(sql, 'schema.prisma changed without a migration: run `npm run db:migration -- <name>`').toBe('');
    expect(await shadowDatabases()).toEqual([]);
  });

  it('reports a field added to the schema but to no migration', async () => {
    const schema = await readFile(SCHEMA_PATH, 'utf8');
    const modified = schema.replace(/^model Office \{\n/m, 'model Office {\n  driftProbe String?\n');
    expect(modified).not.toBe(schema);
    const schemaPath = path.join(dir, 'schema.prisma');
    await writeFile(schemaPath, modified);

    const sql = await diffMigrationsToSchema({ shadowServerUrl, schemaPath });

    expect(sql).toContain('ALTER TABLE "Office" ADD COLUMN     "driftProbe" TEXT;');
    expect(await shadowDatabases()).toEqual([]);
  });

  it('reports a migration whose model is missing from the schema', async () => {
    const schema = await readFile(SCHEMA_PATH, 'utf8');
    const modified = schema.replace(/^model Office \{[^}]*\}\n/m, '');
    expect(modified).not.toBe(schema);
    const schemaPath = path.join(dir, 'schema-without-office.prisma');
    await writeFile(schemaPath, modified);

    const sql = await diffMigrationsToSchema({ shadowServerUrl, schemaPath });

    expect(sql).toContain('DROP TABLE "Office";');
  });

  /** A copy of prisma/migrations plus one more migration. */
  async function migrationsWith(name: string, sql: string): Promise<string> {
    const copy = path.join(dir, name);
    await cp(MIGRATIONS_DIR, copy, { recursive: true });
    await mkdir(path.join(copy, `99990101000000_${name}`));
    await writeFile(path.join(copy, `99990101000000_${name}`, 'migration.sql'), sql);
    return copy;
  }

  it('replays a migration with semicolons inside dollar quotes and strings as one script', async () => {
    // Split on ';' (what the pg adapter's executeScript does), this function
    // body and the string literal would become broken statements.
    const migrationsDir = await migrationsWith('function', `CREATE FUNCTION "touch"() RETURNS trigger AS $$
BEGIN
  NEW."updatedAt" := now();
  RETURN NEW;
END;
$$ LANGUAGE plpgsql;
COMMENT ON FUNCTION "touch"() IS 'sets updatedAt; used by no table yet';
`);

    expect(await diffMigrationsToSchema({ shadowServerUrl, migrationsDir })).toBe('');
  });

  it('fails on a migration that does not apply, and drops its shadow database', async () => {
    const migrationsDir = await migrationsWith('broken', 'ALTER TABLE "NoSuchTable" ADD COLUMN "x" TEXT;\n');

    await expect(diffMigrationsToSchema({ shadowServerUrl, migrationsDir })).rejects.toThrow(/99990101000000_broken/);
    expect(await shadowDatabases()).toEqual([]);
  });
});
