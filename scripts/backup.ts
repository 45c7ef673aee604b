// `npm run db:backup -- [--out <file>]`: a consistent backup of the
// application's database (DATABASE_URL, or the embedded default of `npm
// start`) into one gzip'd file (infra/backup.ts): read model, audit chain,
// archived histories, files' metadata, outbox, directories. The files'
// bodies (FILES_DIR or the S3 bucket) and Temporal's own databases are
// backed up beside it (docs/PRODUCTION.md "Backup and restore").
// Exit 0 written, 1 refused, 2 cannot run.
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { backupDatabase, BackupError } from '../infra/backup';
import { databaseUrlOrEmbeddedDefault } from '../infra/embedded-default';
import { runScript } from './run-script';

const USAGE = `npm run db:backup -- [--out <file>]

  Backs up DATABASE_URL (default: the embedded database of npm start) to <file>
  (default: liangshan-<UTC date and time>.lsbackup.gz in the current folder).
  Restore with: npm run db:restore -- <file>`;

async function main(): Promise<number> {
  const { values } = parseArgs({ options: { out: { type: 'string' }, help: { type: 'boolean', short: 'h' } } });
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  const stamp = new Date().toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');
  const file = path.resolve(values.out ?? `liangshan-${stamp}.lsbackup.gz`);
  await mkdir(path.dirname(file), { recursive: true });
  const databaseUrl = databaseUrlOrEmbeddedDefault();
  try {
    const summary = await backupDatabase(databaseUrl, file);
    const rows = summary.tables.reduce((n, t) => n + t.rows, 0);
    for (const t of summary.tables) console.log(`${t.table}\t${t.rows}`);
    console.log(`backup written: ${file} (${summary.tables.length} tables, ${rows} rows, ${summary.migrations} migrations)`);
    return 0;
  } catch (error) {
    if (error instanceof BackupError) {
      console.error(`db:backup refused: ${error.message}`);
      return 1;
    }
    throw error;
  }
}

runScript('db:backup', main);
