// Backup and restore of the application's database (docs/PRODUCTION.md
// "Backup and restore"), with the commands an operator runs, as processes:
// real workflows on the Temporal dev server make the data (applications in
// several stages, a notice, an uploaded file, the audit chain), `npm run
// db:backup` writes it, `npm run db:restore` loads it into a fresh database,
// `npm run audit:verify` and `npm run reconcile` check the copy; a tampered
// copy is reported.
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { pipeline } from 'node:stream/promises';
import { createGunzip, createGzip } from 'node:zlib';
import pg from 'pg';
import { inject } from 'vitest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signDevToken } from '../../api/auth';
import { reconcileOnce } from '../../infra/reconcile';
import { applicationWorkflow, type ApplicationInput } from '../../workflows/application';
import type { Actor } from '../../workflows/messages';
import { pdf } from '../support/documents';
import { until } from '../support/eventually';
import { startHarness, TEST_JWT_SECRET, type Harness } from '../support/harness';

const ROOT = path.resolve(import.meta.dirname, '../..');
let harness: Harness;
let api: string;
let dir: string;
let backupFile: string;
const restoredName = `restored_${randomUUID().replaceAll('-', '').slice(0, 12)}`;
let restoredUrl: string;
const officer: Actor = { sub: 'zunyi-officer', role: 'prefectureOfficer', prefecture: '520300' };
const applicant: Actor = { sub: 'applicant-backup', role: 'applicant', prefecture: '520300' };
const ids = { accepted: randomUUID(), noticed: randomUUID(), rejected: randomUUID(), waiting: randomUUID() };

function databaseUrl(name: string): string {
  const url = new URL(inject('pgServerUrl'));
  url.pathname = `/${name}`;
  return url.toString();
}

/** One of the project's npm scripts (`tsx scripts/<name>.ts`) as its own process: exit code and output. */
function run(script: string, args: string[], env: Record<string, string>): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', `scripts/${script}.ts`, ...args], { cwd: ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.once('error', reject);
    child.once('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

const temporalEnv = () => ({ TEMPORAL_ADDRESS: harness.env.address, TEMPORAL_NAMESPACE: harness.env.namespace ?? 'default', TEMPORAL_TASK_QUEUE: harness.taskQueue });

function input(applicationId: string, name: string): ApplicationInput {
  return {
    applicationId,
    year: 2027,
    unit: { name, type: 'county', prefectures: ['520300'], terrain: 'mountain' },
    applicant: { name: `${name}人民政府`, contactEmail: `gov-${applicationId.slice(0, 8)}@unit.example`, sub: applicant.sub },
    materials: [],
    submittedAt: new Date().toISOString(),
  };
}

async function decide(applicationId: string, body: Record<string, unknown>): Promise<void> {
  const res = await fetch(`${api}/api/applications/${applicationId}/decisions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${await signDevToken(TEST_JWT_SECRET, officer)}` },
    body: JSON.stringify({ decisionId: randomUUID(), ...body }),
  });
  expect(res.status, await res.clone().text()).toBe(200);
}

/** Counts of every table of a database (the migrations' bookkeeping aside). */
async function tableCounts(url: string): Promise<Record<string, number>> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query<{ name: string }>("SELECT tablename AS name FROM pg_tables WHERE schemaname = 'public' AND tablename <> '_prisma_migrations' ORDER BY 1");
    const counts: Record<string, number> = {};
    for (const { name } of rows) counts[name] = Number((await client.query<{ n: string }>(`SELECT count(*) AS n FROM "${name}"`)).rows[0]!.n);
    return counts;
  } finally {
    await client.end();
  }
}

async function query<T extends pg.QueryResultRow>(url: string, sql: string, params: unknown[] = []): Promise<T[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<T>(sql, params)).rows;
  } finally {
    await client.end();
  }
}

beforeAll(async () => {
  harness = await startHarness({ server: 'dev', name: 'backup' });
  api = await harness.listen();
  dir = await mkdtemp(path.join(tmpdir(), 'liangshan-backup-'));
  backupFile = path.join(dir, 'liangshan.lsbackup.gz');
  restoredUrl = databaseUrl(restoredName);
  const { client } = harness.env;
  const names = { accepted: '湄潭县', noticed: '凤冈县', rejected: '余庆县', waiting: '绥阳县' } as const;
  for (const [key, id] of Object.entries(ids) as Array<[keyof typeof ids, string]>) {
    await client.workflow.start(applicationWorkflow, { taskQueue: harness.taskQueue, workflowId: `application-${id}`, args: [input(id, names[key])] });
  }
  const { db } = harness.database;
  for (const id of Object.values(ids)) await until(`the review task of ${id}`, () => db.task.findFirst({ where: { applicationId: id, step: 'prefectureReview', status: 'open' } }));
  await decide(ids.accepted, { action: 'prefectureAccept', reason: '材料齐全' });
  await decide(ids.noticed, { action: 'prefectureAccept', reason: '材料齐全' });
  await decide(ids.rejected, { action: 'prefectureReject', reason: '材料不全' });
  await until('the notice task', () => db.task.findFirst({ where: { applicationId: ids.noticed, step: 'prefectureNotice.open', status: 'open' } }));
  await decide(ids.noticed, { action: 'openNotice', workingDays: 5 });
  await until('the notice row', () => db.notice.findFirst({ where: { applicationId: ids.noticed } }));
  // A file's metadata, with its audit entry.
  const form = new FormData();
  form.append('file', new Blob([new Uint8Array(pdf('备份测试'))]), '申报函.pdf');
  const uploaded = await fetch(`${api}/api/files`, { method: 'POST', headers: { authorization: `Bearer ${await signDevToken(TEST_JWT_SECRET, applicant)}` }, body: form });
  expect(uploaded.status).toBe(201);
  // The read model and Temporal's visibility have caught up with every decision.
  await until('the source agreeing with Temporal', async () => (await reconcileOnce(client, db, harness.taskQueue)).differences.length === 0);
}, 180_000);

afterAll(async () => {
  await query(databaseUrl('postgres'), `DROP DATABASE IF EXISTS ${restoredName} WITH (FORCE)`).catch(() => {});
  await harness?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('backup and restore of the application database', () => {
  it('backs up, restores into a fresh database that holds the same rows; the audit chain verifies and the read model agrees with Temporal', async () => {
    const source = harness.database.url;
    const backup = await run('backup', ['--out', backupFile], { DATABASE_URL: source });
    expect(backup.code, backup.stderr).toBe(0);
    expect(backup.stdout).toMatch(/backup written: .*liangshan\.lsbackup\.gz \(\d+ tables, \d+ rows, \d+ migrations\)/);

    const restore = await run('restore', [backupFile, '--to', restoredUrl], {});
    expect(restore.code, restore.stderr).toBe(0);
    expect(restore.stdout).toContain('(database created)');

    const [before, after] = [await tableCounts(source), await tableCounts(restoredUrl)];
    expect(after).toEqual(before);
    for (const table of ['Application', 'Decision', 'File', 'Notice', 'Task', 'Notification']) expect(after[table], table).toBeGreaterThan(0);
    const chain = 'SELECT seq::text, hash, "prevHash" FROM "Decision" ORDER BY seq';
    expect(await query(restoredUrl, chain)).toEqual(await query(source, chain));
    const stages = 'SELECT id, stage, revision, materials, "submittedAt" FROM "Application" ORDER BY id';
    expect(await query(restoredUrl, stages)).toEqual(await query(source, stages));
    // The next audit entry continues the chain's numbering.
    const [next] = await query<{ value: string }>(restoredUrl, `SELECT nextval(pg_get_serial_sequence('"Decision"', 'seq'))::text AS value`);
    const [max] = await query<{ value: string }>(source, 'SELECT max(seq)::text AS value FROM "Decision"');
    expect(BigInt(next!.value)).toBe(BigInt(max!.value) + 1n);

    const verify = await run('audit-verify', [], { DATABASE_URL: restoredUrl });
    expect(verify.code, verify.stderr).toBe(0);
    expect(verify.stdout).toContain(`audit log intact: ${before.Decision} rows`);

    const reconcile = await run('reconcile', [], { DATABASE_URL: restoredUrl, ...temporalEnv() });
    expect(reconcile.code, reconcile.stdout + reconcile.stderr).toBe(0);
    expect(reconcile.stderr).toMatch(/compared 3 running application, 0 base and 1 notice workflows .* with 3 open applications, 0 bases and 1 notices in the read model: they agree/);
  });

  it('refuses to restore over a database that has tables, unless --force', async () => {
    const refused = await run('restore', [backupFile, '--to', restoredUrl], {});
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain(`db:restore refused: database ${restoredName} is not empty`);
    const forced = await run('restore', [backupFile, '--to', restoredUrl, '--force'], {});
    expect(forced.code, forced.stderr).toBe(0);
    expect(await tableCounts(restoredUrl)).toEqual(await tableCounts(harness.database.url));
  });

  it('refuses a backup cut short, loading nothing', async () => {
    const cut = path.join(dir, 'cut.lsbackup.gz');
    const lines: string[] = [];
    for await (const line of createInterface({ input: createReadStream(backupFile).pipe(createGunzip()) })) lines.push(line);
    const gzip = createGzip();
    const written = pipeline(gzip, createWriteStream(cut));
    gzip.end(`${lines.slice(0, -1).join('\n')}\n`);
    await written;
    const name = `cut_${randomUUID().replaceAll('-', '').slice(0, 12)}`;
    try {
      const res = await run('restore', [cut, '--to', databaseUrl(name)], {});
      expect(res.code).toBe(1);
      expect(res.stderr).toContain('ends before its last line: the copy is incomplete');
      expect(Object.values(await tableCounts(databaseUrl(name))).every((n) => n === 0)).toBe(true);
    } finally {
      await query(databaseUrl('postgres'), `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    }
  });

  it('reconcile reports a tampered copy in plain words and exits 1', async () => {
    await query(restoredUrl, `UPDATE "Application" SET stage = 'selection' WHERE id = $1`, [ids.waiting]);
    await query(restoredUrl, `UPDATE "Application" SET stage = 'prefectureReview' WHERE id = $1`, [ids.rejected]);
    await query(restoredUrl, `DELETE FROM "Notice" WHERE "applicationId" = $1 AND NOT EXISTS (SELECT 1 FROM "Complaint" c WHERE c."noticeId" = "Notice".id)`, [ids.noticed]);
    const res = await run('reconcile', ['--settle-ms', '100'], { DATABASE_URL: restoredUrl, ...temporalEnv() });
    expect(res.code).toBe(1);
    expect(res.stdout.trim().split('\n').sort()).toEqual([
      `application workflow application-${ids.rejected}: open in the read model (stage prefectureReview), but not running in Temporal`,
      `application workflow application-${ids.waiting}: Temporal says stage prefectureReview, the read model says selection`,
      `notice workflow application-${ids.noticed}:notice:prefecture: running in Temporal, but the read model has no row for it`,
    ].sort());
    expect(res.stderr).toContain('3 difference(s)');
  });
});
