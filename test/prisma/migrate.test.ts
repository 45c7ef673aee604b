// infra/migrate.ts, our stand-in for `prisma migrate deploy`, on real
// databases of the test server: it applies prisma/migrations once, records
// them the way Prisma does, refuses an edited migration, rolls a failing
// one back, and leaves a schema the generated Prisma Client can use.
import { createHash } from 'node:crypto';
import { appendFile, cp, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { applyMigrations, MIGRATIONS_DIR, MigrationError } from '../../infra/migrate';
import { createTestDatabase, type TestDatabase } from '../support/database';

interface MigrationRow {
  id: string;
  checksum: string;
  finished_at: Date | null;
  migration_name: string;
  logs: string | null;
  rolled_back_at: Date | null;
  started_at: Date;
  applied_steps_count: number;
}

async function query<T extends pg.QueryResultRow>(url: string, sql: string): Promise<T[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<T>(sql)).rows;
  } finally {
    await client.end();
  }
}

const migrationRows = (url: string) =>
  query<MigrationRow>(url, 'SELECT * FROM "_prisma_migrations" ORDER BY migration_name');

async function migrationNames(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true });
  return entries.filter((e) => e.isDirectory()).map((e) => e.name).sort();
}

describe('applyMigrations', () => {
  const databases: TestDatabase[] = [];
  let scratch: string;

  async function freshDatabase(): Promise<TestDatabase> {
    const database = await createTestDatabase({ migrate: false });
    databases.push(database);
    return database;
  }

  /** A private copy of prisma/migrations that a test may edit. */
  async function copyOfMigrations(): Promise<string> {
    const dir = await mkdtemp(path.join(scratch, 'migrations-'));
    await cp(MIGRATIONS_DIR, dir, { recursive: true });
    return dir;
  }

  beforeAll(async () => {
    scratch = await mkdtemp(path.join(tmpdir(), 'liangshan-migrate-'));
  });

  afterEach(async () => {
    for (const database of databases.splice(0)) await database.drop();
  });

  afterAll(async () => {
    await rm(scratch, { recursive: true, force: true });
  });

  it('applies every migration once, then none', async () => {
    const { url } = await freshDatabase();
    const all = await migrationNames(MIGRATIONS_DIR);
    expect(all.length).toBeGreaterThan(0);

    expect(await applyMigrations(url)).toEqual(all);
    expect(await applyMigrations(url)).toEqual([]);
    expect((await migrationRows(url)).map((r) => r.migration_name)).toEqual(all);
  });

  it("records them in Prisma's _prisma_migrations table with sha256 checksums", async () => {
    const { url } = await freshDatabase();
    await applyMigrations(url);

    const columns = await query<{ column_name: string; data_type: string; is_nullable: string; character_maximum_length: number | null }>(
      url,
      `SELECT column_name, data_type, is_nullable, character_maximum_length
         FROM information_schema.columns WHERE table_name = '_prisma_migrations' ORDER BY ordinal_position`,
    );
    // The table as `prisma migrate deploy` creates it, so the native CLI can
    // take over the same database.
    expect(columns).toEqual([
      { column_name: 'id', data_type: 'character varying', is_nullable: 'NO', character_maximum_length: 36 },
      { column_name: 'checksum', data_type: 'character varying', is_nullable: 'NO', character_maximum_length: 64 },
      { column_name: 'finished_at', data_type: 'timestamp with time zone', is_nullable: 'YES', character_maximum_length: null },
      { column_name: 'migration_name', data_type: 'character varying', is_nullable: 'NO', character_maximum_length: 255 },
      { column_name: 'logs', data_type: 'text', is_nullable: 'YES', character_maximum_length: null },
      { column_name: 'rolled_back_at', data_type: 'timestamp with time zone', is_nullable: 'YES', character_maximum_length: null },
      { column_name: 'started_at', data_type: 'timestamp with time zone', is_nullable: 'NO', character_maximum_length: null },
      { column_name: 'applied_steps_count', data_type: 'integer', is_nullable: 'NO', character_maximum_length: null },
    ]);

    const rows = await migrationRows(url);
    expect(rows.length).toBeGreaterThan(0);
    for (const row of rows) {
      const sql = await readFile(path.join(MIGRATIONS_DIR, row.migration_name, 'migration.sql'));
      expect(row.checksum).toBe(createHash('sha256').update(sql).digest('hex'));
      expect(row.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
      expect(row.finished_at).toBeInstanceOf(Date);
      expect(row.finished_at!.getTime()).toBeGreaterThanOrEqual(row.started_at.getTime());
      expect(row.rolled_back_at).toBeNull();
      expect(row.applied_steps_count).toBe(1);
    }
  });

  it('refuses a migration edited after it was applied', async () => {
    const { url } = await freshDatabase();
    const dir = await copyOfMigrations();
    await applyMigrations(url, dir);
    const [first] = await migrationNames(dir);
    await appendFile(path.join(dir, first!, 'migration.sql'), '\n-- edited afterwards\n');

    await expect(applyMigrations(url, dir)).rejects.toThrow(MigrationError);
    await expect(applyMigrations(url, dir)).rejects.toThrow(`migration ${first} was edited after it was applied`);
  });

  it('rolls a failing migration back and records no finished row', async () => {
    const { url } = await freshDatabase();
    const dir = await copyOfMigrations();
    const broken = '99990101000000_broken';
    await mkdir(path.join(dir, broken));
    // The first statement succeeds, the second fails: nothing of it may stay.
    await writeFile(
      path.join(dir, broken, 'migration.sql'),
      'CREATE TABLE "Partial" ("id" INTEGER);\nINSERT INTO "NoSuchTable" VALUES (1);\n',
    );

    await expect(applyMigrations(url, dir)).rejects.toThrow(`migration ${broken} failed`);

    const rows = await migrationRows(url);
    expect(rows.map((r) => r.migration_name)).toEqual(await migrationNames(MIGRATIONS_DIR));
    expect(rows.every((r) => r.finished_at !== null)).toBe(true);
    const partial = await query<{ name: string | null }>(url, `SELECT to_regclass('"Partial"')::text AS name`);
    expect(partial).toEqual([{ name: null }]);

    // Fixed, it applies on the next run.
    await writeFile(path.join(dir, broken, 'migration.sql'), 'CREATE TABLE "Partial" ("id" INTEGER);\n');
    expect(await applyMigrations(url, dir)).toEqual([broken]);
  });

  it('leaves a schema the generated Prisma Client writes and reads', async () => {
    const { url, db } = await freshDatabase();
    await applyMigrations(url);
    const at = new Date('2026-03-02T01:02:03.456Z');

    await db.application.create({
      data: {
        id: 'app-1', workflowId: 'wf-1', year: 2026, unitName: '赤水市', unitType: 'county',
        prefectures: ['520300'], applicantName: '张三', applicantSub: 'sub-1', contactEmail: 'a@example.cn',
        materials: { files: ['f-1'] }, stage: 'submitted', submittedAt: at,
      },
    });
    await db.task.create({
      data: {
        id: 'wf-1:prefectureReview:1', workflowId: 'wf-1', subjectType: 'application', subjectId: 'app-1',
        applicationId: 'app-1', step: 'prefectureReview', role: 'prefecture', prefecture: '520300', dueAt: at,
      },
    });
    const decision = await db.decision.create({
      data: {
        decisionId: 'd-1', subjectType: 'application', subjectId: 'app-1', applicationId: 'app-1', workflowId: 'wf-1',
        action: 'approve', actorSub: 'sub-2', actorRole: 'prefecture', payload: { note: 'ok' }, outcome: 'applied',
        at, prevHash: '0'.repeat(64), hash: 'a'.repeat(64),
      },
    });
    await db.notification.create({
      data: { subjectId: 'app-1', key: 'submitted', to: ['a@example.cn'], subject: '已受理', text: '您的申报已受理' },
    });
    const file = await db.file.create({
      data: {
        sha256: 'b'.repeat(64), size: 3, contentType: 'application/pdf', originalName: '材料.pdf',
        storagePath: 'bb/bbbb', uploadedBy: 'sub-1',
      },
    });
    await db.calendarYear.create({
      data: { year: 2026, holidays: ['2026-01-01'], workdays: ['2026-01-04'], updatedBy: 'ops' },
    });
    await db.office.create({ data: { region: '520000', name: '省厅', email: 'office@example.cn' } });

    const application = await db.application.findUniqueOrThrow({
      where: { id: 'app-1' },
      include: { tasks: true, decisions: true },
    });
    expect(application).toMatchObject({ unitName: '赤水市', prefectures: ['520300'], materials: { files: ['f-1'] }, submittedAt: at });
    expect(application.tasks.map((t) => [t.id, t.status, t.escalationLevel])).toEqual([['wf-1:prefectureReview:1', 'open', 0]]);
    expect(application.decisions.map((d) => d.seq)).toEqual([decision.seq]);
    expect(typeof decision.seq).toBe('bigint');
    expect(await db.notification.findUniqueOrThrow({ where: { subjectId_key: { subjectId: 'app-1', key: 'submitted' } } }))
      .toMatchObject({ status: 'pending', attempts: 0, to: ['a@example.cn'] });
    expect(await db.file.findUniqueOrThrow({ where: { id: file.id } })).toMatchObject({ originalName: '材料.pdf', size: 3 });
    expect(await db.calendarYear.findUniqueOrThrow({ where: { year: 2026 } })).toMatchObject({ holidays: ['2026-01-01'] });
    expect(await db.office.findUniqueOrThrow({ where: { region: '520000' } })).toMatchObject({ email: 'office@example.cn' });
  });
});
