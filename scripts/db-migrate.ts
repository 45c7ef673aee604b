// `npm run db:migrate`: applies the pending migrations of prisma/migrations
// to DATABASE_URL (what `prisma migrate deploy` does; the Prisma 7 CLI
// cannot run here) and prints what it applied.
import { applyMigrations, MigrationError } from '../infra/migrate';

async function main(): Promise<number> {
  const databaseUrl = process.env.DATABASE_URL;
  if (!databaseUrl) {
    console.error('DATABASE_URL is not set');
    return 2;
  }
  const applied = await applyMigrations(databaseUrl);
  if (applied.length === 0) {
    console.log('no pending migrations: the database is up to date');
  } else {
    console.log(`applied ${applied.length} migration${applied.length === 1 ? '' : 's'}:`);
    for (const name of applied) console.log(`  ${name}`);
  }
  return 0;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    console.error(error instanceof MigrationError ? error.message : error);
    process.exitCode = 1;
  },
);
