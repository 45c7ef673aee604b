// Process configuration from the environment (../shared/API.md names the
// variables). One reader so the API, the worker and the launcher agree.

export interface Config {
  port: number;
  temporalAddress: string;
  temporalNamespace: string;
  taskQueue: string;
  databaseUrl: string;
  smtpUrl: string;
  mailFrom: string;
  authJwtSecret: string | undefined;
  authJwksUrl: string | undefined;
  /** Where uploaded documents are stored, by sha256. */
  filesDir: string;
  /** Development mode: the launcher's embedded default; enables dev helpers. */
  development: boolean;
}

export class ConfigError extends Error {}

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
  return {
    port: port(env, 'PORT', 3000),
    temporalAddress: env.TEMPORAL_ADDRESS || 'localhost:7233',
    temporalNamespace: env.TEMPORAL_NAMESPACE || 'default',
    taskQueue: env.TEMPORAL_TASK_QUEUE || 'liangshan',
    databaseUrl: required(env, 'DATABASE_URL'),
    smtpUrl: required(env, 'SMTP_URL'),
    mailFrom: env.MAIL_FROM || '贵州省生态环境厅 <noreply@sthjt.guizhou.example>',
    authJwtSecret,
    authJwksUrl,
    filesDir: env.FILES_DIR || '.data/files',
    development: env.NODE_ENV === 'development',
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
