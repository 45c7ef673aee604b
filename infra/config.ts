// Process configuration from the environment (README.md "Configuration" lists
// the variables). One reader so the API, the worker and the launcher agree.
import { parseLogLevel, type LogLevel } from './logger';

export interface Config {
  port: number;
  temporalAddress: string;
  temporalNamespace: string;
  taskQueue: string;
  databaseUrl: string;
  smtpUrl: string;
  mailFrom: string;
  /**
   * The console's address as people reach it (PUBLIC_URL, an absolute http(s)
   * URL, no trailing slash): the links in the mails the worker sends lead
   * there. Default http://localhost:<PORT>, the console of `npm start`.
   */
  publicUrl: string;
  authJwtSecret: string | undefined;
  authJwksUrl: string | undefined;
  /** Where uploaded documents are stored, by sha256. */
  filesDir: string;
  /** The largest upload accepted, in bytes (FILES_MAX_BYTES). */
  filesMaxBytes: number;
  /**
   * Development only (DEV_NOW): the acceptance-window check's clock starts
   * at this instant and runs on from there, so a submission (Art. 11) can be
   * tried on any day of the year. Refused outside development mode.
   */
  devNow: Date | undefined;
  /** Development mode: the launcher's embedded default; enables dev helpers. */
  development: boolean;
  /** The Temporal Web UI's address (TEMPORAL_UI_URL), linked from ops' workflow histories. */
  temporalUiUrl: string | undefined;
  /** How much the processes log (LOG_LEVEL): fatal, error, warn, info, debug, trace or silent. */
  logLevel: LogLevel;
  /**
   * Where the worker's Prometheus endpoint listens (WORKER_METRICS_ADDRESS,
   * host:port, default 0.0.0.0:9464; empty: no endpoint). The Temporal SDK's
   * core serves it (worker/main.ts).
   */
  workerMetricsAddress: string | undefined;
  /**
   * How many workflows the worker keeps in memory between their tasks
   * (WORKER_MAX_CACHED_WORKFLOWS; 0 keeps none). Bases wait on timers for
   * months: one evicted from the cache is replayed from its history (one
   * run, at most a few hundred events) when its timer fires. See
   * bench/README.md for the memory this bound saves.
   */
  workerMaxCachedWorkflows: number;
  /** When set (METRICS_TOKEN), the API's GET /metrics asks for `Authorization: Bearer <token>`. */
  metricsToken: string | undefined;
  /**
   * How long the API waits on Temporal while answering one request
   * (TEMPORAL_CALL_DEADLINE_MS): every call it makes then carries this
   * deadline, counted from when the request's body is read; past it the API
   * answers 503 with Retry-After instead of hanging on a silent frontend.
   */
  temporalCallDeadlineMs: number;
  /**
   * The console's sign-in through the OIDC provider (Authorization Code flow
   * with PKCE, a public client): AUTH_OIDC_ISSUER and AUTH_OIDC_CLIENT_ID,
   * AUTH_OIDC_SCOPE (default "openid profile"). Unset: no such sign-in.
   */
  oidc: OidcClientConfig | undefined;
}

/** What the console needs to send people to the OIDC provider (served at /console-config.json). */
export interface OidcClientConfig {
  issuer: string;
  clientId: string;
  scope: string;
}

export const DEFAULT_OIDC_SCOPE = 'openid profile';

export class ConfigError extends Error {}

export const DEFAULT_FILES_DIR = '.data/files';
export const DEFAULT_WORKER_METRICS_ADDRESS = '0.0.0.0:9464';
/**
 * The SDK's default sizes the cache from the V8 heap limit (2,310 workflows
 * on a 4 GiB heap): at about half a MiB per cached workflow that took a
 * worker to 1.6 GiB with 3,000 bases; 500 keeps 10,000 bases under 800 MiB
 * (bench/README.md, "Scale").
 */
export const DEFAULT_WORKER_MAX_CACHED_WORKFLOWS = 500;
/**
 * 8 s: an Update that waits for the workflow's answer takes well under a
 * second on a healthy cluster, and the caller gets its 503 within about
 * 10 s (the gRPC deadline, then the answer) when Temporal does not answer.
 */
export const DEFAULT_TEMPORAL_CALL_DEADLINE_MS = 8_000;
/** 50 MiB: a scanned implementation plan fits; a video does not. */
export const DEFAULT_FILES_MAX_BYTES = 50 * 1024 * 1024;

function positiveInteger(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isSafeInteger(value) || value <= 0) throw new ConfigError(`${name} must be a positive whole number, got "${raw}"`);
  return value;
}

/** The worker's sticky cache: 0 (none) or at least 2, as the SDK requires. */
function cacheSize(env: NodeJS.ProcessEnv): number {
  const raw = env.WORKER_MAX_CACHED_WORKFLOWS;
  if (raw === undefined || raw.trim() === '') return DEFAULT_WORKER_MAX_CACHED_WORKFLOWS;
  const value = Number(raw);
  if (!Number.isSafeInteger(value) || value < 0 || value === 1) {
    throw new ConfigError(`WORKER_MAX_CACHED_WORKFLOWS must be 0 (no cache) or a whole number of at least 2, got "${raw}"`);
  }
  return value;
}

function devNow(env: NodeJS.ProcessEnv, development: boolean): Date | undefined {
  const raw = env.DEV_NOW;
  if (raw === undefined || raw === '') return undefined;
  // A production API whose clock is not the real one would accept or refuse
  // applications on the wrong dates: refuse to start instead of ignoring it.
  if (!development) throw new ConfigError('DEV_NOW is honoured only in development mode (NODE_ENV=development); unset it');
  const at = new Date(raw);
  if (!/^\d{4}-\d{2}-\d{2}T/.test(raw) || Number.isNaN(at.getTime())) throw new ConfigError(`DEV_NOW must be an ISO 8601 instant such as 2027-03-02T10:00:00+08:00, got "${raw}"`);
  return at;
}

/**
 * The acceptance window's clock: the real one, or in development with
 * DEV_NOW one that started at DEV_NOW when the process started and
 * advances in real time.
 */
export function clockOf(config: Pick<Config, 'devNow'>, realNow: () => number = Date.now): () => Date {
  if (!config.devNow) return () => new Date(realNow());
  const offset = config.devNow.getTime() - realNow();
  return () => new Date(realNow() + offset);
}

function logLevel(env: NodeJS.ProcessEnv): LogLevel {
  try {
    return parseLogLevel(env.LOG_LEVEL);
  } catch (error) {
    throw new ConfigError((error as Error).message);
  }
}

/** host:port (IPv4, a name, or [IPv6]); unset means the default, empty means none. */
function bindAddress(env: NodeJS.ProcessEnv, name: string, fallback: string): string | undefined {
  const raw = env[name];
  if (raw === undefined) return fallback;
  if (raw.trim() === '') return undefined;
  const m = /^(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9.-]+):(\d{1,5})$/.exec(raw.trim());
  if (!m || Number(m[2]) > 65535) throw new ConfigError(`${name} must be host:port such as 0.0.0.0:9464 (empty: disabled), got "${raw}"`);
  return raw.trim();
}

function oidc(env: NodeJS.ProcessEnv): OidcClientConfig | undefined {
  const issuer = env.AUTH_OIDC_ISSUER?.trim() || undefined;
  const clientId = env.AUTH_OIDC_CLIENT_ID?.trim() || undefined;
  if (!issuer && !clientId) return undefined;
  if (!issuer || !clientId) throw new ConfigError('set both AUTH_OIDC_ISSUER and AUTH_OIDC_CLIENT_ID for the console\'s OIDC sign-in, or neither');
  let url: URL;
  try {
    url = new URL(issuer);
  } catch {
    throw new ConfigError(`AUTH_OIDC_ISSUER must be the provider's issuer URL, e.g. https://sso.example.gov.cn/realms/liangshan, got "${issuer}"`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new ConfigError(`AUTH_OIDC_ISSUER must be an https URL, got "${issuer}"`);
  const scope = env.AUTH_OIDC_SCOPE?.trim() || DEFAULT_OIDC_SCOPE;
  if (!scope.split(/\s+/).includes('openid')) throw new ConfigError(`AUTH_OIDC_SCOPE must include openid, got "${scope}"`);
  return { issuer, clientId, scope };
}

/** PUBLIC_URL: an absolute http(s) URL, kept without a trailing slash; a path prefix (behind a proxy) is kept. */
export function publicUrl(env: NodeJS.ProcessEnv, fallback: string): string {
  const raw = env.PUBLIC_URL?.trim();
  if (!raw) return fallback;
  const example = 'e.g. https://lsjd.sthjt.guizhou.gov.cn';
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new ConfigError(`PUBLIC_URL must be the console's absolute address, ${example}, got "${raw}"`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new ConfigError(`PUBLIC_URL must be an http(s) URL, ${example}, got "${raw}"`);
  if (url.username || url.password || url.search || url.hash) {
    throw new ConfigError(`PUBLIC_URL must be the console's address without credentials, query or fragment, ${example}, got "${raw}"`);
  }
  return `${url.origin}${url.pathname.replace(/\/+$/, '')}`;
}

function required(env: NodeJS.ProcessEnv, name: string): string {
  const value = env[name];
  if (!value) throw new ConfigError(`${name} is not set`);
  return value;
}

function port(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 0 || value > 65535) {
    throw new ConfigError(`${name} must be a port number, got "${raw}"`);
  }
  return value;
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const authJwtSecret = env.AUTH_JWT_SECRET || undefined;
  const authJwksUrl = env.AUTH_JWKS_URL || undefined;
  if (!authJwtSecret && !authJwksUrl) {
    throw new ConfigError('set AUTH_JWT_SECRET (HS256) or AUTH_JWKS_URL (OIDC provider) to verify tokens');
  }
  const apiPort = port(env, 'PORT', 3000);
  return {
    port: apiPort,
    temporalAddress: env.TEMPORAL_ADDRESS || 'localhost:7233',
    temporalNamespace: env.TEMPORAL_NAMESPACE || 'default',
    taskQueue: env.TEMPORAL_TASK_QUEUE || 'liangshan',
    databaseUrl: required(env, 'DATABASE_URL'),
    smtpUrl: required(env, 'SMTP_URL'),
    mailFrom: env.MAIL_FROM || '贵州省生态环境厅 <noreply@sthjt.guizhou.example>',
    publicUrl: publicUrl(env, `http://localhost:${apiPort}`),
    authJwtSecret,
    authJwksUrl,
    filesDir: env.FILES_DIR || DEFAULT_FILES_DIR,
    filesMaxBytes: positiveInteger(env, 'FILES_MAX_BYTES', DEFAULT_FILES_MAX_BYTES),
    devNow: devNow(env, env.NODE_ENV === 'development'),
    development: env.NODE_ENV === 'development',
    temporalUiUrl: env.TEMPORAL_UI_URL || undefined,
    logLevel: logLevel(env),
    workerMetricsAddress: bindAddress(env, 'WORKER_METRICS_ADDRESS', DEFAULT_WORKER_METRICS_ADDRESS),
    workerMaxCachedWorkflows: cacheSize(env),
    metricsToken: env.METRICS_TOKEN || undefined,
    temporalCallDeadlineMs: positiveInteger(env, 'TEMPORAL_CALL_DEADLINE_MS', DEFAULT_TEMPORAL_CALL_DEADLINE_MS),
    oidc: oidc(env),
  };
}

/** For process entry points: a configuration error is a message, not a stack trace. */
export function loadConfigOrExit(env: NodeJS.ProcessEnv = process.env): Config {
  try {
    return loadConfig(env);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    console.error(`configuration: ${error.message} (see README.md, Configuration)`);
    process.exit(2);
  }
}
