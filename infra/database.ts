// Prisma Client over the `pg` driver adapter: no native query engine needed.
// The adapter runs on a pg.Pool made here, which the write path of acts of
// record (activities/record-act.ts) also uses directly: one pool, one set of
// connections.
import { PrismaPg } from '@prisma/adapter-pg';
import pg from 'pg';
import { PrismaClient } from '../generated/prisma/client';

export type Db = PrismaClient;

const pools = new WeakMap<Db, pg.Pool>();

export function createDb(databaseUrl: string): Db {
  const pool = new pg.Pool({ connectionString: databaseUrl });
  // An idle connection lost (PostgreSQL restarted) is replaced by the pool;
  // without a listener it would end the process before Prisma adds its own.
  pool.on('error', () => undefined);
  // $disconnect() ends the pool, as it did when the adapter made its own.
  const db = new PrismaClient({ adapter: new PrismaPg(pool, { disposeExternalPool: true }) });
  pools.set(db, pool);
  return db;
}

/** The pg.Pool under `db` (createDb), while it is open: for statements that must not pay for Prisma's interactive transactions. */
export function pgPoolOf(db: Db): pg.Pool | undefined {
  const pool = pools.get(db);
  return pool && !pool.ending && !pool.ended ? pool : undefined;
}

/** True when the database answers a trivial query. */
export async function databaseIsUp(db: Db): Promise<boolean> {
  try {
    await db.$queryRaw`SELECT 1`;
    return true;
  } catch {
    return false;
  }
}
