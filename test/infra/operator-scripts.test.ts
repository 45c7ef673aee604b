// The operator scripts as an operator runs them, as child processes:
// - `npm run audit:verify` with DATABASE_URL unset checks the embedded
//   default's database (`npm start`'s PostgreSQL, here one started the same
//   way in a temporary data folder on the port DEV_POSTGRES_PORT names), as
//   `npm run ops` does, and names a modified row there;
// - `npm run offices:load` reports every problem of a file at once and writes
//   nothing, then loads a good file (JSON or CSV), one audited act per
//   office that changes, and a second run changes nothing.
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyAuditChain } from '../../activities/audit';
import { recordAct } from '../../activities/record-act';
import { appliedByApi } from '../../api/acts';
import { createDb } from '../../infra/database';
import { startEmbeddedPostgres, type EmbeddedPostgresHandle } from '../../infra/embedded-postgres';
import { applyMigrations } from '../../infra/migrate';
import { freePort } from '../../infra/ports';
import { seed } from '../../prisma/seed';
import { createTestDatabase, type TestDatabase } from '../support/database';

const root = path.resolve(import.meta.dirname, '../..');
const tsx = path.join(root, 'node_modules/.bin/tsx');

/** Runs a script; answers its exit code and output (a non-zero exit is an answer, not an error). */
async function run(script: string, args: string[], env: NodeJS.ProcessEnv): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await promisify(execFile)(tsx, [script, ...args], { cwd: root, env, timeout: 60_000 });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code?: number; stdout?: string; stderr?: string };
    if (typeof e.code !== 'number') throw error;
    return { code: e.code, stdout: e.stdout ?? '', stderr: e.stderr ?? '' };
  }
}

/** The environment without DATABASE_URL. */
function withoutDatabaseUrl(extra: Record<string, string>): NodeJS.ProcessEnv {
  const { DATABASE_URL: _unset, ...rest } = process.env;
  return { ...rest, ...extra };
}

describe('npm run audit:verify without DATABASE_URL', () => {
  let dataDir: string;
  let server: EmbeddedPostgresHandle | undefined;

  afterAll(async () => {
    await server?.stop();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  it("checks the embedded default's database, as npm run ops does", async () => {
    dataDir = await mkdtemp(path.join(tmpdir(), 'liangshan-default-'));
    const port = await freePort();
    // As scripts/dev.ts starts it: the `liangshan` database on DEV_POSTGRES_PORT, migrated.
    server = await startEmbeddedPostgres({ dataDir: path.join(dataDir, 'postgres'), port, persistent: false });
    await server.createDatabase('liangshan');
    const url = server.urlFor('liangshan');
    await applyMigrations(url);
    const db = createDb(url);
    try {
      for (const n of [1, 2]) {
        await recordAct(db, { audit: appliedByApi({ sub: 'ops-1', role: 'ops' }, { subjectType: 'calendar', subjectId: String(2040 + n), action: 'calendarOverride', payload: { n } }), changes: [] });
      }
      expect((await verifyAuditChain(db)).ok).toBe(true);
      const env = withoutDatabaseUrl({ DEV_POSTGRES_PORT: String(port) });
      const intact = await run('scripts/audit-verify.ts', [], env);
      expect(intact).toMatchObject({ code: 0, stdout: expect.stringContaining('audit log intact: 2 rows') });

      const client = new pg.Client({ connectionString: url });
      await client.connect();
      try {
        await client.query(`UPDATE "Decision" SET "reason" = '改过' WHERE "seq" = (SELECT min("seq") FROM "Decision")`);
      } finally {
        await client.end();
      }
      const broken = await run('scripts/audit-verify.ts', [], env);
      expect(broken.code).toBe(1);
      expect(broken.stderr).toContain('audit log BROKEN');
    } finally {
      await db.$disconnect();
    }
  });
});

describe('npm run offices:load', () => {
  let database: TestDatabase;
  let dir: string;
  beforeAll(async () => {
    database = await createTestDatabase();
    await seed(database.db);
    dir = await mkdtemp(path.join(tmpdir(), 'liangshan-offices-'));
  });
  afterAll(async () => {
    await database?.drop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });
  const env = () => ({ ...process.env, DATABASE_URL: database.url });

  it('reports every problem of a file at once and writes nothing', async () => {
    const file = path.join(dir, 'bad.json');
    await writeFile(file, JSON.stringify({ offices: [
      { region: '520300', name: '遵义市生态环境局', email: 'new@zunyi.example' },
      { region: '529999', name: '无此地' },
      { region: '520100', name: '', email: 'nope' },
    ] }));
    const result = await run('scripts/offices-load.ts', [file], env());
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('3 处问题，未写入任何内容');
    for (const field of ['offices[1].region', 'offices[2].name', 'offices[2].email']) expect(result.stderr).toContain(field);
    expect((await database.db.office.findUniqueOrThrow({ where: { region: '520300' } })).email).toBe('lsjd-520300@sthj.guizhou.example');
  });

  it('loads the example file and a CSV, one audited act per office that changes; a second run changes nothing', async () => {
    const example = path.join(root, 'deploy/offices.example.json');
    const first = await run('scripts/offices-load.ts', [example], env());
    expect(first.code).toBe(0);
    // The seed had the same province and prefecture mailboxes: the contacts and the county office change.
    const office = await database.db.office.findUniqueOrThrow({ where: { region: '520000' } });
    expect(office).toMatchObject({ contactPhone: '0851-00000000', updatedBy: 'offices-load' });
    expect(await database.db.office.findUniqueOrThrow({ where: { region: '520381' } })).toMatchObject({ email: null });
    const acts = await database.db.decision.count({ where: { subjectType: 'office', action: 'officeUpdated', actorSub: 'offices-load' } });
    expect(acts).toBeGreaterThan(0);
    const again = await run('scripts/offices-load.ts', [example], env());
    expect(again.stdout).toContain('0 个有变化已写入');
    expect(await database.db.decision.count({ where: { subjectType: 'office', action: 'officeUpdated' } })).toBe(acts);

    const csv = path.join(dir, 'offices.csv');
    await writeFile(csv, '\uFEFFregion,name,email,contactPhone,contactAddress,contactEmail\n520300,遵义市生态环境局,zunyi@gz.example,0851-28220000,"遵义市汇川区, 上海路",\n');
    expect((await run('scripts/offices-load.ts', [csv], env())).code).toBe(0);
    expect(await database.db.office.findUniqueOrThrow({ where: { region: '520300' } })).toMatchObject({ email: 'zunyi@gz.example', contactAddress: '遵义市汇川区, 上海路', contactEmail: null });
    expect((await verifyAuditChain(database.db)).ok).toBe(true);
  });
});
