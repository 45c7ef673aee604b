// Authoring migrations (`npm run db:migration`): the WASM engine's
// createMigration, reached the way `prisma migrate dev --create-only` does,
// writes what the CLI would write, and the script ends by itself.
import { spawn } from 'node:child_process';
import { cp, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { MIGRATIONS_DIR } from '../../infra/migrate';
import { createMigration, SCHEMA_PATH } from '../../infra/schema-engine';

const shadowServerUrl = inject('pgServerUrl');
const root = path.resolve(import.meta.dirname, '../..');

async function temporaryDatabases(): Promise<string[]> {
  const client = new pg.Client({ connectionString: shadowServerUrl });
  await client.connect();
  try {
    const { rows } = await client.query<{ datname: string }>(
      "SELECT datname FROM pg_database WHERE datname LIKE 'prisma_migrate_%'",
    );
    return rows.map((r) => r.datname);
  } finally {
    await client.end();
  }
}

describe('createMigration', () => {
  let dir: string;

  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'liangshan-authoring-'));
  });

  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('finds nothing to do for the committed schema', async () => {
    expect(await createMigration({ shadowServerUrl, name: 'nothing' })).toBeNull();
    expect(await temporaryDatabases()).toEqual([]);
  });

  it('renders the latest committed migration byte for byte from the ones before it', async () => {
    // What `npm run db:migration` wrote when the latest migration was authored:
    // the earlier migrations replayed on a shadow database, then the diff.
    const earlier = path.join(dir, 'earlier');
    await mkdir(earlier);
    const committed = (await readdir(MIGRATIONS_DIR, { withFileTypes: true })).filter((e) => e.isDirectory()).map((e) => e.name).sort();
    const latest = committed.at(-1)!;
    await cp(path.join(MIGRATIONS_DIR, 'migration_lock.toml'), path.join(earlier, 'migration_lock.toml'));
    for (const name of committed.slice(0, -1)) await cp(path.join(MIGRATIONS_DIR, name), path.join(earlier, name), { recursive: true });
    const name = latest.replace(/^\d{14}_/, '');

    const created = await createMigration({ shadowServerUrl, name, migrationsDir: earlier });

    expect(created?.directory).toMatch(new RegExp(`^\\d{14}_${name}$`));
    expect(created?.script).toBe(await readFile(path.join(MIGRATIONS_DIR, latest, 'migration.sql'), 'utf8'));
  });

  it('prefixes a destructive step with Prisma warnings', async () => {
    const schema = await readFile(SCHEMA_PATH, 'utf8');
    // The Office model's name column, and only that one.
    const modified = schema.replace(/(model Office \{[^}]*?)\n {2}name {11}String\n/, '$1\n');
    expect(modified).not.toBe(schema);
    const schemaPath = path.join(dir, 'schema.prisma');
    await writeFile(schemaPath, modified);

    const created = await createMigration({ shadowServerUrl, name: 'drop_office_name', schemaPath });

    expect(created?.directory).toMatch(/^\d{14}_drop_office_name$/);
    expect(created?.script).toBe(`/*
  Warnings:

  - You are about to drop the column \`name\` on the \`Office\` table. All the data in the column will be lost.

*/
-- AlterTable
ALTER TABLE "Office" DROP COLUMN "name";
`);
    expect(await temporaryDatabases()).toEqual([]);
  });

  it('`npm run db:migration` reports no changes and exits by itself', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'scripts/db-migration.ts', 'nothing'], {
      cwd: root,
      env: { ...process.env, SHADOW_DATABASE_URL: shadowServerUrl },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let stdout = '';
    let saidAt = 0;
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      if (!saidAt && stdout.includes('no changes')) saidAt = Date.now();
    });
    const killer = setTimeout(() => child.kill('SIGKILL'), 30_000);
    const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
    clearTimeout(killer);
    expect(code).toBe(0);
    expect(stdout).toContain('no changes');
    // From its last word to its exit: a pg pool left open would hold the
    // process for its 10 s idle timeout. Measured from the answer, not from
    // the start, so a loaded machine's slow start does not count.
    expect(Date.now() - saidAt).toBeLessThan(5_000);
  });
});
