// Prisma's schema engine, compiled to WASM (@prisma/schema-engine-wasm,
// pinned: its API is internal), driven through a migration-aware `pg`
// driver adapter. The Prisma 7 CLI only drives the native engine, which
// cannot be downloaded on a registry-only machine; this is what authors
// migrations (`npm run db:migration`) and checks for drift in the tests.
// Applying migrations stays with infra/migrate.ts.
//
// Pitfalls of @prisma/adapter-pg 7.10 in this role, handled below:
// - the engine reads catalog columns of type "char" (OID 18), which the
//   adapter refuses to decode: our pg Client lets them through as text and
//   the result calls them Character (as text, the engine panics);
// - the adapter's own shadow database reuses the main database when given a
//   connectionString, and drops it while its pool is still connected: we
//   create and drop the shadow database ourselves and connect to it with
//   discrete host/user/password/database fields;
// - the adapter's executeScript splits on every ';', breaking
//   dollar-quoted bodies and strings: a script goes to PostgreSQL as one
//   simple query;
// - the process stays up after the work: the engine never disposes of its
//   main connection, whose idle pg clients live 10 s (pg's default
//   idleTimeoutMillis), and timers it arms via setTimeout are never
//   cleared. dispose() ends every pool the engine opened and clears its
//   timers, which are unref'd anyway; callers must `await` an operation
//   before disposing (freeing the engine mid-operation corrupts WASM
//   memory: hence `return await` below).
// - an engine panic needs globalThis.PRISMA_WASM_PANIC_REGISTRY (installed
//   here) to keep its message; it then traps in a callback, i.e. as an
//   uncaught `RuntimeError: unreachable`, and lastEnginePanic() tells why.
import { randomUUID } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { PrismaPg } from '@prisma/adapter-pg';
import {
  bindMigrationAwareSqlAdapterFactory,
  ColumnTypeEnum,
  type IsolationLevel,
  type SqlDriverAdapter,
  type SqlMigrationAwareDriverAdapterFactory,
  type SqlQuery,
  type SqlResultSet,
  type Transaction,
} from '@prisma/driver-adapter-utils';
import * as bindings from '@prisma/schema-engine-wasm/schema_engine_bg';
import type { DiffTarget, MigrationList, SchemaEngine } from '@prisma/schema-engine-wasm/schema_engine_bg';
import pg from 'pg';
import { MIGRATIONS_DIR } from './migrate';

export const SCHEMA_PATH = fileURLToPath(new URL('../prisma/schema.prisma', import.meta.url));

const LOCKFILE = 'migration_lock.toml';

// ---------------------------------------------------------------------------
// Loading the WASM module

// The project's lib settings (ES2023, no DOM) do not declare the
// WebAssembly global; this is the one call used.
interface WasmApi {
  instantiate(
    bytes: Uint8Array,
    imports: Record<string, Record<string, unknown>>,
  ): Promise<{ instance: { exports: Record<string, unknown> } }>;
}

// Timers the engine armed that have not fired. The WASM instance is shared
// by all engines of the process, so they are cleared when the last engine
// is disposed of (a timer firing into a freed engine would touch freed
// memory).
const engineTimers = new Set<NodeJS.Timeout>();
let openEngines = 0;
let loaded: Promise<void> | undefined;

// The engine's panic hook writes the panic message here before it traps
// (Prisma's CLI installs the same object); without it the hook itself
// throws and the message is lost.
interface PanicRegistry {
  message: string;
  set_message(message: string): void;
}
const panics = globalThis as typeof globalThis & { PRISMA_WASM_PANIC_REGISTRY?: PanicRegistry };

/** The last panic message of the engine, if any, for error reports. */
export function lastEnginePanic(): string {
  return panics.PRISMA_WASM_PANIC_REGISTRY?.message ?? '';
}

/**
 * The package's entry point imports the .wasm file as an ES module, which
 * Node 20 only does behind --experimental-wasm-modules; instantiate it by
 * hand with the generated JS glue as its import object instead.
 */
function loadWasm(): Promise<void> {
  panics.PRISMA_WASM_PANIC_REGISTRY ??= {
    message: '',
    set_message(message: string) {
      this.message = message;
    },
  };
  loaded ??= (async () => {
    const require = createRequire(import.meta.url);
    const glue = require.resolve('@prisma/schema-engine-wasm/schema_engine_bg');
    const bytes = await readFile(path.join(path.dirname(glue), 'schema_engine_bg.wasm'));
    const imports: Record<string, unknown> = { ...bindings };
    for (const name of Object.keys(imports)) {
      if (!name.startsWith('__wbg_setTimeout_')) continue;
      // The engine has no clearTimeout import: what it arms stays pending
      // and would keep the process alive after the work is done. Its
      // operations hold sockets of their own, so unref is safe.
      imports[name] = (callback: () => void, ms: number) => {
        const timer = setTimeout(() => {
          engineTimers.delete(timer);
          callback();
        }, ms >>> 0);
        timer.unref();
        engineTimers.add(timer);
        return timer;
      };
    }
    const { instance } = await (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly.instantiate(bytes, {
      './schema_engine_bg.js': imports,
    });
    bindings.__wbg_set_wasm(instance.exports);
    (instance.exports.__wbindgen_start as () => void)();
  })();
  return loaded;
}

// ---------------------------------------------------------------------------
// The pg side

const CHAR_OID = 18;
const TEXT_OID = 25;

type FieldsCarrier = { fields?: { dataTypeID: number }[] };

/**
 * SQL text → indices of its "char" columns. A column's type is a property
 * of the query text over the fixed catalog, so the key is stable across
 * connections and concurrent queries.
 */
const charColumns = new Map<string, number[]>();

function charAsText<T>(sql: string | undefined, result: T): T {
  const results = (Array.isArray(result) ? result : [result]) as FieldsCarrier[];
  for (const r of results) {
    const indices: number[] = [];
    (r?.fields ?? []).forEach((field, i) => {
      if (field.dataTypeID !== CHAR_OID) return;
      field.dataTypeID = TEXT_OID;
      indices.push(i);
    });
    if (indices.length > 0 && sql !== undefined) charColumns.set(sql, indices);
  }
  return result;
}

/**
 * A pg Client whose results let "char" columns (pg_constraint.contype,
 * pg_class.relkind, ...) through the adapter's type check, which refuses
 * OID 18: they pass as text (pg returns their values as strings anyway) and
 * are remembered, so that the adapter's result can then call them
 * Character, which is what the engine reads them as.
 */
class CatalogClient extends pg.Client {}
const baseQuery = pg.Client.prototype.query as (...args: unknown[]) => unknown;
CatalogClient.prototype.query = function query(this: pg.Client, ...args: unknown[]) {
  const first = args[0];
  const sql = typeof first === 'string' ? first : (first as { text?: string } | undefined)?.text;
  const last = args.at(-1);
  if (typeof last === 'function') {
    args[args.length - 1] = (error: unknown, result: unknown) =>
      (last as (e: unknown, r: unknown) => void)(error, error ? result : charAsText(sql, result));
    return baseQuery.apply(this, args);
  }
  const returned = baseQuery.apply(this, args);
  return returned instanceof Promise ? returned.then((result) => charAsText(sql, result)) : returned;
} as typeof pg.Client.prototype.query;

function withCharacterColumns(query: SqlQuery, result: SqlResultSet): SqlResultSet {
  for (const i of charColumns.get(query.sql) ?? []) result.columnTypes[i] = ColumnTypeEnum.Character;
  return result;
}

/** Discrete connection fields: see the shadow-database pitfall above. */
function connectionFields(databaseUrl: string): pg.PoolConfig {
  const url = new URL(databaseUrl);
  const sslmode = url.searchParams.get('sslmode');
  return {
    host: url.searchParams.get('host') ?? (url.hostname.replace(/^\[|\]$/g, '') || 'localhost'),
    port: url.port ? Number(url.port) : 5432,
    // Absent, pg falls back to PGUSER / PGPASSWORD / .pgpass.
    user: url.username ? decodeURIComponent(url.username) : undefined,
    password: url.password ? decodeURIComponent(url.password) : undefined,
    database: decodeURIComponent(url.pathname.slice(1)) || 'postgres',
    ssl: !sslmode || sslmode === 'disable' || sslmode === 'prefer'
      ? undefined
      : { rejectUnauthorized: sslmode === 'verify-full' || sslmode === 'verify-ca' },
  };
}

/** CREATE/DROP DATABASE, which cannot run inside the engine's pools. */
async function adminQuery(config: pg.ClientConfig, sql: string): Promise<void> {
  const client = new pg.Client(config);
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

function quoteIdent(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

/** PrismaPg over our own pool: a script goes as one query, dispose ends the pool. */
class MigrationAdapter implements SqlDriverAdapter {
  readonly provider = 'postgres' as const;
  readonly adapterName: string;

  private constructor(
    private readonly inner: SqlDriverAdapter,
    private readonly onDispose: () => Promise<void>,
  ) {
    this.adapterName = inner.adapterName;
  }

  static async open(config: pg.PoolConfig, afterDispose: () => Promise<void> = async () => {}): Promise<MigrationAdapter> {
    const pool = new pg.Pool({ ...config, max: 4, Client: CatalogClient });
    // An idle client whose database goes away (the shadow database is dropped
    // with FORCE) emits 'error' on the pool; without a listener Node throws it
    // as an uncaught exception, which took down a test run. The next query on
    // that client fails and is reported as usual.
    pool.on('error', () => undefined);
    const inner = await new PrismaPg(pool).connect();
    return new MigrationAdapter(inner, async () => {
      await inner.dispose();
      await pool.end();
      await afterDispose();
    });
  }

  async queryRaw(query: SqlQuery): Promise<SqlResultSet> {
    return withCharacterColumns(query, await this.inner.queryRaw(query));
  }

  executeRaw(query: SqlQuery): Promise<number> {
    return this.inner.executeRaw(query);
  }

  // No parameters: pg sends it with the simple-query protocol, which takes
  // many statements at once, and errors are mapped like any other query's.
  async executeScript(script: string): Promise<void> {
    await this.inner.executeRaw({ sql: script, args: [], argTypes: [] });
  }

  async startTransaction(isolationLevel?: IsolationLevel): Promise<Transaction> {
    const tx = await this.inner.startTransaction(isolationLevel);
    const queryRaw = tx.queryRaw.bind(tx);
    tx.queryRaw = async (query) => withCharacterColumns(query, await queryRaw(query));
    return tx;
  }

  getConnectionInfo() {
    return this.inner.getConnectionInfo?.() ?? { supportsRelationJoins: true };
  }

  private disposing: Promise<void> | undefined;

  // Both the engine and our own cleanup may dispose: only once.
  dispose(): Promise<void> {
    this.disposing ??= this.onDispose();
    return this.disposing;
  }
}

/**
 * Connects to `databaseUrl`; each shadow database is a new database created
 * on the same server and dropped when the engine lets go of it.
 */
class MigrationAdapterFactory implements SqlMigrationAwareDriverAdapterFactory {
  readonly provider = 'postgres' as const;
  readonly adapterName = '@prisma/adapter-pg';
  private readonly fields: pg.PoolConfig;
  private readonly shadows = new Set<string>();

  constructor(databaseUrl: string) {
    this.fields = connectionFields(databaseUrl);
  }

  private readonly open = new Set<MigrationAdapter>();

  connect(): Promise<SqlDriverAdapter> {
    return this.track(this.fields);
  }

  async connectToShadowDb(): Promise<SqlDriverAdapter> {
    const database = `prisma_migrate_shadow_db_${randomUUID().replaceAll('-', '')}`;
    await this.admin(`CREATE DATABASE ${quoteIdent(database)}`);
    this.shadows.add(database);
    return this.track({ ...this.fields, database }, () => this.dropShadow(database));
  }

  /**
   * Closes the pools and drops the shadow databases the engine did not
   * dispose of itself (it keeps its main connection, and an error can leave
   * a shadow behind): an open pool would keep the process alive.
   */
  async close(): Promise<void> {
    for (const adapter of [...this.open]) await adapter.dispose();
    for (const database of [...this.shadows]) await this.dropShadow(database);
  }

  private async track(config: pg.PoolConfig, afterDispose?: () => Promise<void>): Promise<MigrationAdapter> {
    const adapter: MigrationAdapter = await MigrationAdapter.open(config, async () => {
      this.open.delete(adapter);
      await afterDispose?.();
    });
    this.open.add(adapter);
    return adapter;
  }

  private async dropShadow(database: string): Promise<void> {
    if (!this.shadows.delete(database)) return;
    await this.admin(`DROP DATABASE IF EXISTS ${quoteIdent(database)} WITH (FORCE)`);
  }

  private admin(sql: string): Promise<void> {
    return adminQuery(this.fields, sql);
  }
}

// ---------------------------------------------------------------------------
// The engine

export interface MigrationEngine {
  readonly engine: SchemaEngine;
  /** Frees the engine, drops leftover shadow databases, clears its timers. */
  dispose(): Promise<void>;
  [Symbol.asyncDispose](): Promise<void>;
}

/**
 * Opens the schema engine on `databaseUrl`. Shadow databases are created on
 * that server, so its user needs CREATEDB. Always dispose of the result.
 */
export async function openMigrationEngine(
  databaseUrl: string,
  onLog: (line: string) => void = () => {},
): Promise<MigrationEngine> {
  await loadWasm();
  const factory = new MigrationAdapterFactory(databaseUrl);
  const engine = await bindings.SchemaEngine.new(
    { datamodels: undefined },
    (line: string) => onLog(line),
    bindMigrationAwareSqlAdapterFactory(factory),
  );
  openEngines += 1;
  let disposed = false;
  const dispose = async () => {
    if (disposed) return;
    disposed = true;
    openEngines -= 1;
    engine.free();
    await factory.close();
    if (openEngines > 0) return;
    for (const timer of engineTimers) clearTimeout(timer);
    engineTimers.clear();
  };
  return { engine, dispose, [Symbol.asyncDispose]: dispose };
}

/** Reads a migrations directory the way the Prisma CLI hands it to the engine. */
export async function readMigrationList(dir = MIGRATIONS_DIR): Promise<MigrationList> {
  const entries = await readdir(dir, { withFileTypes: true }).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return [];
    throw error;
  });
  const names = entries.filter((e) => e.isDirectory()).map((e) => e.name).sort();
  const lockfile = await readFile(path.join(dir, LOCKFILE), 'utf8').catch(() => null);
  return {
    baseDir: dir,
    lockfile: { path: LOCKFILE, content: lockfile },
    shadowDbInitScript: '',
    migrationDirectories: await Promise.all(
      names.map(async (name) => {
        const file = path.join(dir, name, 'migration.sql');
        const content = await readFile(file, 'utf8').then(
          (value) => ({ tag: 'ok' as const, value }),
          (error: Error) => ({ tag: 'error' as const, value: error.message }),
        );
        return { path: name, migrationFile: { path: 'migration.sql', content } };
      }),
    ),
  };
}

async function schemaTarget(schemaPath: string): Promise<DiffTarget> {
  return { tag: 'schemaDatamodel', files: [{ path: schemaPath, content: await readFile(schemaPath, 'utf8') }] };
}

const NO_FILTER = { externalTables: [], externalEnums: [] };

async function diffScript(engine: SchemaEngine, from: DiffTarget, to: DiffTarget): Promise<string> {
  const result = await engine.diff({ from, to, script: true, exitCode: true, filters: NO_FILTER });
  // exitCode 2 means "not empty"; an empty diff still renders a comment.
  return result.exitCode === 2 ? (result.stdout ?? '') : '';
}

export interface DiffOptions {
  /** A server where shadow databases may be created. */
  shadowServerUrl: string;
  migrationsDir?: string;
  schemaPath?: string;
}

/**
 * The SQL that takes a database built from the migrations directory (applied
 * to a shadow database) to schema.prisma; '' when they agree.
 */
export async function diffMigrationsToSchema(options: DiffOptions): Promise<string> {
  await using handle = await openMigrationEngine(options.shadowServerUrl);
  const migrations = await readMigrationList(options.migrationsDir);
  // The engine takes the connector of a migrations directory from its lock
  // file; before the first migration there is none, and this project only
  // ever targets PostgreSQL.
  migrations.lockfile.content ??= MIGRATION_LOCK;
  // `return await`: the engine must not be freed while the diff still runs.
  return await diffScript(
    handle.engine,
    { tag: 'migrations', ...migrations },
    await schemaTarget(options.schemaPath ?? SCHEMA_PATH),
  );
}

export interface CreatedMigration {
  /** `<YYYYMMDDHHMMSS>_<name>` (UTC), the directory to create. */
  directory: string;
  /** The content of its migration.sql. */
  script: string;
}

/**
 * What `prisma migrate dev --create-only --name <name>` computes, by the
 * same engine calls the CLI makes, on a scratch development database
 * created on `serverUrl` (and dropped): applyMigrations, devDiagnostic
 * (which replays the migrations on a shadow database and caches the
 * result) and createMigration. The WASM engine's createMigration cannot
 * open a shadow database itself: it relies on that cache. The script is
 * byte for byte what the CLI writes, with its "Warnings" header for
 * destructive steps. Returns null when the schema needs no migration.
 * Writes nothing.
 */
export async function createMigration(options: DiffOptions & { name: string }): Promise<CreatedMigration | null> {
  const scratch = `prisma_migrate_dev_db_${randomUUID().replaceAll('-', '')}`;
  const serverUrl = options.shadowServerUrl;
  await adminQuery(connectionFields(serverUrl), `CREATE DATABASE ${quoteIdent(scratch)}`);
  try {
    const url = new URL(serverUrl);
    url.pathname = `/${scratch}`;
    await using handle = await openMigrationEngine(url.toString());
    const migrationsList = await readMigrationList(options.migrationsDir);
    const schemaPath = options.schemaPath ?? SCHEMA_PATH;
    await handle.engine.applyMigrations({ migrationsList, filters: NO_FILTER });
    const diagnostic = await handle.engine.devDiagnostic({ migrationsList, filters: NO_FILTER });
    if (diagnostic.action.tag === 'reset') {
      throw new Error(`the migrations do not replay cleanly: ${diagnostic.action.reason}`);
    }
    const output = await handle.engine.createMigration({
      draft: false,
      migrationName: options.name,
      migrationsList,
      schema: { files: [{ path: schemaPath, content: await readFile(schemaPath, 'utf8') }] },
      filters: NO_FILTER,
    });
    if (output.migrationScript === null) return null;
    return { directory: output.generatedMigrationName, script: output.migrationScript };
  } finally {
    // After the engine's pools are closed (`await using` above).
    await adminQuery(connectionFields(serverUrl), `DROP DATABASE IF EXISTS ${quoteIdent(scratch)} WITH (FORCE)`);
  }
}

/** The lock file `prisma migrate dev` writes next to the migrations. */
export const MIGRATION_LOCK = `# Please do not edit this file manually
# It should be added in your version-control system (e.g., Git)
provider = "postgresql"
`;
