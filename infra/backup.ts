// A logical backup of the application's PostgreSQL database (`npm run
// db:backup`, `npm run db:restore`; docs/PRODUCTION.md "Backup and restore"):
// every table of the schema — the read model, the audit chain (Decision), the
// archived workflow histories (WorkflowHistory), the files' metadata (File),
// the outbox, the directories — read in one consistent snapshot and written
// as gzip'd JSON lines, one line per row as PostgreSQL's own `row_to_json`
// renders it.
//
// Why not pg_dump: pg_dump refuses a server of a newer major version than its
// own, and the embedded PostgreSQL (18, from npm) ships no pg_dump while the
// operating systems' clients are older (Debian 12: 15); a backup that only
// works with a client of exactly the server's version cannot be tested here
// nor run from the API's image. Reading rows through the `pg` driver works
// against any server the application runs on. The schema itself is not in
// the file: it is the migrations (prisma/migrations), which the file lists by
// name and checksum, and a restore applies exactly those before loading the
// rows, then the newer ones of the release that restores.
//
// File layout (one JSON value per line):
//   {"format":"liangshan-backup","version":1,"createdAt":…,"server":…,"migrations":[{name,checksum}],"tables":[…]}
//   {"table":"Application","columns":["id",…]}   then one {"row":{…}} per row, then {"end":"Application","rows":N}
//   … the next table, tables in an order where a row's references come first …
//   {"complete":true,"tables":T,"rows":R}
// A file without the last line (a cut-off copy) is refused by the restore.
import { createReadStream, createWriteStream } from 'node:fs';
import { cp, mkdtemp, rename, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { once } from 'node:events';
import type { Writable } from 'node:stream';
import { finished } from 'node:stream/promises';
import { createGunzip, createGzip } from 'node:zlib';
import pg from 'pg';
import { applyMigrations, MIGRATIONS_DIR, readMigrations } from './migrate';

export const BACKUP_FORMAT = 'liangshan-backup';
export const BACKUP_VERSION = 1;
const MIGRATIONS_TABLE = '_prisma_migrations';

export class BackupError extends Error {}

interface Header {
  format: string;
  version: number;
  createdAt: string;
  server: string;
  database: string;
  migrations: Array<{ name: string; checksum: string }>;
  tables: string[];
}

export interface BackupSummary {
  file: string;
  tables: Array<{ table: string; rows: number }>;
  migrations: number;
}

const quote = (identifier: string) => `"${identifier.replaceAll('"', '""')}"`;

/** The application's tables (the connection's schema, not the migrations' bookkeeping), referenced tables first. */
async function tablesInLoadOrder(client: pg.Client): Promise<string[]> {
  const { rows: tables } = await client.query<{ name: string }>(
    `SELECT c.relname AS name FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
     WHERE n.nspname = current_schema() AND c.relkind = 'r' AND c.relname <> $1 ORDER BY c.relname`,
    [MIGRATIONS_TABLE],
  );
  const { rows: refs } = await client.query<{ child: string; parent: string }>(
    `SELECT ch.relname AS child, pa.relname AS parent FROM pg_constraint k
     JOIN pg_class ch ON ch.oid = k.conrelid JOIN pg_class pa ON pa.oid = k.confrelid JOIN pg_namespace n ON n.oid = ch.relnamespace
     WHERE k.contype = 'f' AND n.nspname = current_schema() AND ch.oid <> pa.oid`,
  );
  const ordered: string[] = [];
  const placed = new Set<string>();
  const names = tables.map((t) => t.name);
  while (ordered.length < names.length) {
    const ready = names.filter((t) => !placed.has(t) && refs.every((r) => r.child !== t || placed.has(r.parent) || !names.includes(r.parent)));
    if (!ready.length) throw new BackupError(`the tables' foreign keys form a cycle among ${names.filter((t) => !placed.has(t)).join(', ')}`);
    for (const t of ready) {
      ordered.push(t);
      placed.add(t);
    }
  }
  return ordered;
}

async function columnsOf(client: pg.Client, table: string): Promise<string[]> {
  const { rows } = await client.query<{ name: string }>(
    `SELECT a.attname AS name FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace
     WHERE n.nspname = current_schema() AND c.relname = $1 AND a.attnum > 0 AND NOT a.attisdropped AND a.attgenerated = '' ORDER BY a.attnum`,
    [table],
  );
  return rows.map((r) => r.name);
}

async function writeLine(out: Writable, line: string): Promise<void> {
  if (!out.write(`${line}\n`)) await once(out, 'drain');
}

/**
 * Writes the backup of `databaseUrl` to `file` (through `<file>.partial`, renamed
 * when complete, so a file under the final name is always whole).
 */
export async function backupDatabase(databaseUrl: string, file: string): Promise<BackupSummary> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  const partial = `${file}.partial`;
  const gzip = createGzip();
  const sink = createWriteStream(partial, { flags: 'wx', mode: 0o600 });
  gzip.pipe(sink);
  const summary: BackupSummary = { file, tables: [], migrations: 0 };
  try {
    // One snapshot for every table: the audit chain, the rows it speaks of and the files' rows agree.
    await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
    const migrationsTable = await client.query<{ present: boolean }>('SELECT to_regclass($1) IS NOT NULL AS present', [quote(MIGRATIONS_TABLE)]);
    if (!migrationsTable.rows[0]!.present) throw new BackupError('the database has no migrations table: it is not this application\'s database (or was never migrated)');
    const migrations = (
      await client.query<{ name: string; checksum: string }>(
        `SELECT migration_name AS name, checksum FROM ${quote(MIGRATIONS_TABLE)} WHERE rolled_back_at IS NULL AND finished_at IS NOT NULL ORDER BY migration_name`,
      )
    ).rows;
    const tables = await tablesInLoadOrder(client);
    const { rows: about } = await client.query<{ server: string; database: string }>("SELECT current_setting('server_version') AS server, current_database() AS database");
    const header: Header = { format: BACKUP_FORMAT, version: BACKUP_VERSION, createdAt: new Date().toISOString(), server: about[0]!.server, database: about[0]!.database, migrations, tables };
    await writeLine(gzip, JSON.stringify(header));
    summary.migrations = migrations.length;
    for (const table of tables) {
      const columns = await columnsOf(client, table);
      await writeLine(gzip, JSON.stringify({ table, columns }));
      // A cursor: a table of archived histories is read a batch at a time, never whole.
      await client.query(`DECLARE backup_rows NO SCROLL CURSOR FOR SELECT row_to_json(t)::text AS j FROM (SELECT ${columns.map(quote).join(', ')} FROM ${quote(table)}) t`);
      let rows = 0;
      for (;;) {
        const batch = await client.query<{ j: string }>('FETCH 500 FROM backup_rows');
        for (const r of batch.rows) await writeLine(gzip, `{"row":${r.j}}`);
        rows += batch.rows.length;
        if (batch.rows.length < 500) break;
      }
      await client.query('CLOSE backup_rows');
      await writeLine(gzip, JSON.stringify({ end: table, rows }));
      summary.tables.push({ table, rows });
    }
    await writeLine(gzip, JSON.stringify({ complete: true, tables: tables.length, rows: summary.tables.reduce((n, t) => n + t.rows, 0) }));
    await client.query('COMMIT');
    gzip.end();
    await finished(sink);
    await rename(partial, file);
    return summary;
  } catch (error) {
    gzip.destroy();
    sink.destroy();
    await rm(partial, { force: true });
    throw error;
  } finally {
    await client.end().catch(() => {});
  }
}

export interface RestoreSummary {
  tables: Array<{ table: string; rows: number }>;
  /** Migrations of the backup, applied before loading; then those of this release it did not have. */
  migrationsFromBackup: number;
  migrationsAfter: string[];
  createdDatabase: boolean;
  backupCreatedAt: string;
}

/** Connects to the target, creating the database first when it does not exist (a fresh one is what a restore wants). */
async function connectOrCreate(databaseUrl: string): Promise<{ client: pg.Client; created: boolean }> {
  const client = new pg.Client({ connectionString: databaseUrl });
  try {
    await client.connect();
    return { client, created: false };
  } catch (error) {
    if ((error as { code?: string }).code !== '3D000') throw error;
  }
  const url = new URL(databaseUrl);
  const name = decodeURIComponent(url.pathname.slice(1));
  url.pathname = '/postgres';
  const admin = new pg.Client({ connectionString: url.toString() });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${quote(name)}`);
  } finally {
    await admin.end();
  }
  const fresh = new pg.Client({ connectionString: databaseUrl });
  await fresh.connect();
  return { client: fresh, created: true };
}

/** The lines of a backup file, one at a time. */
function linesOf(file: string): AsyncIterableIterator<string> {
  const input = createReadStream(file).pipe(createGunzip());
  return createInterface({ input, crlfDelay: Infinity })[Symbol.asyncIterator]();
}

async function next(lines: AsyncIterableIterator<string>, file: string): Promise<string> {
  const { value, done } = await lines.next();
  if (done) throw new BackupError(`${file} ends before its last line: the copy is incomplete (cut off in transfer?); use a whole backup`);
  return value;
}

/** The migrations of the backup, which must be this release's first ones, unedited. */
async function checkMigrations(header: Header): Promise<string> {
  const here = await readMigrations();
  header.migrations.forEach((m, i) => {
    const ours = here[i];
    if (!ours || ours.name !== m.name) {
      throw new BackupError(`the backup's database had migration ${m.name}, which this release does not have at that place: restore with the release that took the backup (or a newer one)`);
    }
    if (ours.checksum !== m.checksum) throw new BackupError(`migration ${m.name} differs between the backup and this release (checksum): restore with the release that took the backup`);
  });
  // A folder with just those migrations, so the schema is the backup's when the rows go in.
  const dir = await mkdtemp(path.join(tmpdir(), 'liangshan-restore-migrations-'));
  await Promise.all(header.migrations.map((m) => cp(path.join(MIGRATIONS_DIR, m.name), path.join(dir, m.name), { recursive: true })));
  return dir;
}

/** Rows per INSERT: bounded by count and by size (an archived history is large). */
const BATCH_ROWS = 500;
const BATCH_CHARS = 8 * 1024 * 1024;

/**
 * Restores `file` into `databaseUrl`: a database that does not exist is
 * created; one that has tables is refused unless `force` (then its tables
 * are dropped first). The backup's migrations are applied, every row loaded
 * in one transaction (all or nothing), the id sequences moved past the
 * loaded rows, then this release's newer migrations applied.
 */
export async function restoreDatabase(file: string, databaseUrl: string, options: { force?: boolean } = {}): Promise<RestoreSummary> {
  const lines = linesOf(file);
  let header: Header;
  try {
    header = JSON.parse(await next(lines, file)) as Header;
  } catch (error) {
    if (error instanceof BackupError) throw error;
    throw new BackupError(`${file} is not a backup written by npm run db:backup (${(error as Error).message})`);
  }
  if (header.format !== BACKUP_FORMAT) throw new BackupError(`${file} is not a backup written by npm run db:backup`);
  if (header.version !== BACKUP_VERSION) throw new BackupError(`${file} is a backup of format version ${header.version}; this release reads version ${BACKUP_VERSION}`);
  const migrationsDir = await checkMigrations(header);

  const { client, created } = await connectOrCreate(databaseUrl);
  let connected = true;
  const summary: RestoreSummary = { tables: [], migrationsFromBackup: header.migrations.length, migrationsAfter: [], createdDatabase: created, backupCreatedAt: header.createdAt };
  try {
    const { rows: existing } = await client.query<{ name: string }>(
      `SELECT c.relname AS name FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'p') ORDER BY 1`,
    );
    if (existing.length && !options.force) {
      const { rows: db } = await client.query<{ name: string }>('SELECT current_database() AS name');
      throw new BackupError(`database ${db[0]!.name} is not empty (${existing.length} tables, e.g. ${existing.slice(0, 3).map((t) => t.name).join(', ')}): restore into a fresh database, or pass --force to drop its tables first`);
    }
    for (const t of existing) await client.query(`DROP TABLE IF EXISTS ${quote(t.name)} CASCADE`);
    connected = false;
    await client.end();
    await applyMigrations(databaseUrl, migrationsDir);

    const loader = new pg.Client({ connectionString: databaseUrl });
    await loader.connect();
    try {
      await loader.query('BEGIN');
      let line = await next(lines, file);
      while (!line.startsWith('{"complete":')) {
        const { table, columns } = JSON.parse(line) as { table?: string; columns?: string[] };
        if (!table || !columns) throw new BackupError(`${file}: expected a table's first line, found ${line.slice(0, 80)}`);
        const cols = columns.map(quote).join(', ');
        const insert = `INSERT INTO ${quote(table)} (${cols}) SELECT ${cols} FROM json_populate_recordset(NULL::${quote(table)}, $1::json)`;
        let batch: string[] = [];
        let chars = 0;
        let rows = 0;
        const flush = async () => {
          if (!batch.length) return;
          // The rows' JSON text goes to PostgreSQL as written: numbers and timestamps are never re-parsed here.
          await loader.query(insert, [`[${batch.join(',')}]`]);
          rows += batch.length;
          batch = [];
          chars = 0;
        };
        for (line = await next(lines, file); line.startsWith('{"row":'); line = await next(lines, file)) {
          const row = line.slice('{"row":'.length, -1);
          batch.push(row);
          chars += row.length;
          if (batch.length >= BATCH_ROWS || chars >= BATCH_CHARS) await flush();
        }
        await flush();
        const end = JSON.parse(line) as { end?: string; rows?: number };
        if (end.end !== table || end.rows !== rows) throw new BackupError(`${file}: table ${table} has ${rows} rows where its last line says ${String(end.rows)}: the file is damaged`);
        summary.tables.push({ table, rows });
        line = await next(lines, file);
      }
      const complete = JSON.parse(line) as { tables: number; rows: number };
      if (complete.tables !== summary.tables.length) throw new BackupError(`${file}: ${summary.tables.length} tables read where the file says ${complete.tables}: the file is damaged`);
      // The sequences (Decision.seq, RefusedRead.id) continue after the loaded rows.
      const { rows: serials } = await loader.query<{ table: string; column: string; seq: string }>(
        `SELECT c.relname AS table, a.attname AS column, pg_get_serial_sequence(quote_ident(c.relname), a.attname) AS seq
         FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace
         WHERE n.nspname = current_schema() AND c.relkind = 'r' AND a.attnum > 0 AND NOT a.attisdropped
           AND pg_get_serial_sequence(quote_ident(c.relname), a.attname) IS NOT NULL`,
      );
      for (const s of serials) {
        await loader.query(`SELECT setval($1::regclass, COALESCE((SELECT max(${quote(s.column)}) FROM ${quote(s.table)}), 0) + 1, false)`, [s.seq]);
      }
      await loader.query('COMMIT');
    } catch (error) {
      await loader.query('ROLLBACK').catch(() => {});
      throw error;
    } finally {
      await loader.end().catch(() => {});
    }
    summary.migrationsAfter = await applyMigrations(databaseUrl);
    return summary;
  } finally {
    if (connected) await client.end().catch(() => {});
    await rm(migrationsDir, { recursive: true, force: true });
    await lines.return?.();
  }
}
