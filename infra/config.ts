// Process configuration from the environment (README.md "Configuration" lists
// the variables). One reader so the API, the worker and the launcher agree.
import { parseLogLevel, type LogLevel } from './logger';
import { temporalConnection, TemporalConnectionError, type TemporalConnection } from './temporal-connection';

export interface Config {
  port: number;
  /**
   * Temporal's address, namespace, TLS and API key (infra/temporal-connection.ts:
   * a TOML profile and the TEMPORAL_* variables, by @temporalio/envconfig).
   */
  temporal: TemporalConnection;
  /** temporal.address and temporal.namespace, for the logs. */
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
  /**
   * An S3-compatible object store for the uploaded documents instead of
   * FILES_DIR (FILES_S3_BUCKET and the other FILES_S3_* variables), so that
   * API processes on several machines share them (infra/file-store.ts).
   */
  filesS3: FilesS3Config | undefined;
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
  /**
   * The worker's Worker Deployment Version (docs/PRODUCTION.md "Upgrading a
   * release"): WORKER_BUILD_ID names the release, WORKER_DEPLOYMENT_NAME
   * (default liangshan) the deployment. Unset build id: the worker is
   * unversioned, as `npm start` and the tests run it.
   */
  workerVersion: WorkerVersion | undefined;
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

/** A release of the worker in Temporal's Worker Deployments: the deployment and the build's id. */
export interface WorkerVersion {
  deploymentName: string;
  buildId: string;
}

export const DEFAULT_WORKER_DEPLOYMENT_NAME = 'liangshan';

export class ConfigError extends Error {}

/** FILES_S3_*: where the uploaded documents' bodies live when they are not on a local folder. */
export interface FilesS3Config {
  bucket: string;
  region: string;
  /** An S3-compatible server's address (FILES_S3_ENDPOINT); unset: AWS S3 itself. */
  endpoint: string | undefined;
  /** Both or neither: unset, the AWS SDK's own chain (environment, profile, instance role) supplies credentials. */
  accessKeyId: string | undefined;
  secretAccessKey: string | undefined;
  /** Bucket in the path (`<endpoint>/<bucket>/<key>`), as most S3-compatible servers want; default: on when FILES_S3_ENDPOINT is set. */
  forcePathStyle: boolean;
}

export const DEFAULT_FILES_S3_REGION = 'us-east-1';

function booleanSetting(env: NodeJS.ProcessEnv, name: string, fallback: boolean): boolean {
  const raw = env[name]?.trim().toLowerCase();
  if (raw === undefined || raw === '') return fallback;
  if (['1', 'true', 'yes', 'on'].includes(raw)) return true;
  if (['0', 'false', 'no', 'off'].includes(raw)) return false;
  throw new ConfigError(`${name} must be true or false, got "${env[name]}"`);
}

/** FILES_S3_*: unset FILES_S3_BUCKET means the local folder (FILES_DIR); any other FILES_S3_* without it is a mistake. */
export function filesS3(env: NodeJS.ProcessEnv): FilesS3Config | undefined {
  const bucket = env.FILES_S3_BUCKET?.trim();
  const others = ['FILES_S3_ENDPOINT', 'FILES_S3_REGION', 'FILES_S3_ACCESS_KEY_ID', 'FILES_S3_SECRET_ACCESS_KEY', 'FILES_S3_FORCE_PATH_STYLE'].filter((n) => env[n]?.trim());
  if (!bucket) {
    if (others.length) throw new ConfigError(`${others.join(', ')} set without FILES_S3_BUCKET: set the bucket to store files on S3, or unset them to keep FILES_DIR`);
    return undefined;
  }
  // S3's rules for bucket names: 3-63 lower-case letters, digits, dots and hyphens.
  if (!/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(bucket)) throw new ConfigError(`FILES_S3_BUCKET must be a bucket name (3-63 lower-case letters, digits, "." or "-"), got "${bucket}"`);
  const endpointRaw = env.FILES_S3_ENDPOINT?.trim() || undefined;
  let endpoint: string | undefined;
  if (endpointRaw) {
    let url: URL;
    try {
      url = new URL(endpointRaw);
    } catch {
      throw new ConfigError(`FILES_S3_ENDPOINT must be the object store's http(s) address, e.g. https://oss.example.gov.cn, got "${endpointRaw}"`);
    }
    if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new ConfigError(`FILES_S3_ENDPOINT must be an http(s) URL, got "${endpointRaw}"`);
    if (url.username || url.password) throw new ConfigError('FILES_S3_ENDPOINT must not carry credentials: set FILES_S3_ACCESS_KEY_ID and FILES_S3_SECRET_ACCESS_KEY');
    endpoint = endpointRaw.replace(/\/+$/, '');
  }
  const accessKeyId = env.FILES_S3_ACCESS_KEY_ID?.trim() || undefined;
  const secretAccessKey = env.FILES_S3_SECRET_ACCESS_KEY?.trim() || undefined;
  if (!accessKeyId !== !secretAccessKey) throw new ConfigError('set both FILES_S3_ACCESS_KEY_ID and FILES_S3_SECRET_ACCESS_KEY, or neither (then the AWS SDK\'s own credential chain is used)');
  const region = env.FILES_S3_REGION?.trim() || DEFAULT_FILES_S3_REGION;
  if (!/^[a-z0-9-]{2,40}$/.test(region)) throw new ConfigError(`FILES_S3_REGION must be a region name such as cn-southwest-2 or us-east-1, got "${region}"`);
  return { bucket, region, endpoint, accessKeyId, secretAccessKey, forcePathStyle: booleanSetting(env, 'FILES_S3_FORCE_PATH_STYLE', endpoint !== undefined) };
}

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

/**
 * WORKER_BUILD_ID and WORKER_DEPLOYMENT_NAME. Temporal writes a version as
 * `<deployment>.<build id>` (and `<deployment>:<build id>` in visibility
 * queries), so the deployment name takes neither separator.
 */
function workerVersion(env: NodeJS.ProcessEnv): WorkerVersion | undefined {
  const buildId = env.WORKER_BUILD_ID?.trim();
  if (!buildId) return undefined;
  if (!/^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/.test(buildId)) {
    throw new ConfigError(`WORKER_BUILD_ID must be letters, digits, ".", "_" or "-" (at most 128), e.g. 2027.03.1 or a commit hash, got "${buildId}"`);
  }
  const deploymentName = env.WORKER_DEPLOYMENT_NAME?.trim() || DEFAULT_WORKER_DEPLOYMENT_NAME;
  if (!/^[A-Za-z0-9][A-Za-z0-9_-]{0,127}$/.test(deploymentName)) {
    throw new ConfigError(`WORKER_DEPLOYMENT_NAME must be letters, digits, "_" or "-" (no "." or ":"), got "${deploymentName}"`);
  }
  return { deploymentName, buildId };
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

function temporalSettings(env: NodeJS.ProcessEnv): TemporalConnection {
  try {
    return temporalConnection(env);
  } catch (error) {
    if (error instanceof TemporalConnectionError) throw new ConfigError(error.message);
    throw error;
  }
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
  const temporal = temporalSettings(env);
  return {
    port: apiPort,
    temporal,
    temporalAddress: temporal.address,
    temporalNamespace: temporal.namespace,
    taskQueue: env.TEMPORAL_TASK_QUEUE || 'liangshan',
    databaseUrl: required(env, 'DATABASE_URL'),
    smtpUrl: required(env, 'SMTP_URL'),
    mailFrom: env.MAIL_FROM || '贵州省生态环境厅 <noreply@sthjt.guizhou.example>',
    publicUrl: publicUrl(env, `http://localhost:${apiPort}`),
    authJwtSecret,
    authJwksUrl,
    filesDir: env.FILES_DIR || DEFAULT_FILES_DIR,
    filesS3: filesS3(env),
    filesMaxBytes: positiveInteger(env, 'FILES_MAX_BYTES', DEFAULT_FILES_MAX_BYTES),
    devNow: devNow(env, env.NODE_ENV === 'development'),
    development: env.NODE_ENV === 'development',
    temporalUiUrl: env.TEMPORAL_UI_URL || undefined,
    logLevel: logLevel(env),
    workerMetricsAddress: bindAddress(env, 'WORKER_METRICS_ADDRESS', DEFAULT_WORKER_METRICS_ADDRESS),
    workerMaxCachedWorkflows: cacheSize(env),
    workerVersion: workerVersion(env),
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
