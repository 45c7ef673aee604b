// `npm run db:restore -- <file> [--to <database url>] [--force]`: restores a
// backup of `npm run db:backup` (infra/backup.ts) into a fresh database
// (--to, else DATABASE_URL, else the embedded default), creating it when it
// does not exist. A database with tables is refused unless --force, which
// drops them first. Then check it: `npm run audit:verify` and `npm run
// reconcile` against it (docs/PRODUCTION.md "Backup and restore").
// Exit 0 restored, 1 refused (not empty, damaged or foreign file), 2 cannot run.
import { parseArgs } from 'node:util';
import { BackupError, restoreDatabase } from '../infra/backup';
import { databaseUrlOrEmbeddedDefault } from '../infra/embedded-default';
import { runScript } from './run-script';

const USAGE = `npm run db:restore -- <file> [--to <database url>] [--force]

  Restores <file> (written by npm run db:backup) into --to, else DATABASE_URL,
  else the embedded database of npm start. The database is created if missing;
  one that already has tables is refused unless --force (which drops them).`;

/** The URL without its password, for what is printed. */
function shown(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return '(the given database URL)';
  }
}

async function main(): Promise<number> {
  const { positionals, values } = parseArgs({
    allowPositionals: true,
    options: { to: { type: 'string' }, force: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } },
  });
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  const [file] = positionals;
  if (!file || positionals.length > 1) {
    console.error(USAGE);
    return 2;
  }
  const target = values.to ?? databaseUrlOrEmbeddedDefault();
  try {
    const summary = await restoreDatabase(file, target, { force: values.force ?? false });
    for (const t of summary.tables) console.log(`${t.table}\t${t.rows}`);
    const rows = summary.tables.reduce((n, t) => n + t.rows, 0);
    console.log(
      `restored ${file} (taken ${summary.backupCreatedAt}) into ${shown(target)}${summary.createdDatabase ? ' (database created)' : ''}: ${summary.tables.length} tables, ${rows} rows` +
        (summary.migrationsAfter.length ? `; then applied this release's newer migrations: ${summary.migrationsAfter.join(', ')}` : ''),
    );
    console.log('next: DATABASE_URL=<that database> npm run audit:verify && npm run reconcile');
    return 0;
  } catch (error) {
    if (error instanceof BackupError) {
      console.error(`db:restore refused: ${error.message}`);
      return 1;
    }
    throw error;
  }
}

runScript('db:restore', main);
