// `npm run api`: the HTTP API alone, against the configuration of
// README.md "Configuration". Migrations are applied first (idempotent, locked).
// Logs are JSON lines on stdout (infra/logger.ts, LOG_LEVEL); metrics are at
// GET /metrics (api/observability.ts, METRICS_TOKEN).
import { clockOf, loadConfigOrExit } from '../infra/config';
import { createDb } from '../infra/database';
import { checkFileStoreOrExit, fileStoreFor } from '../infra/file-store';
import { createLogger } from '../infra/logger';
import { applyMigrations } from '../infra/migrate';
import { connectClient } from '../infra/temporal';
import { createApp } from './app';
import { createVerifier } from './auth';
import { createHttpMetrics } from './observability';
import { serve } from './serve';

const config = loadConfigOrExit();
const logger = createLogger({ name: 'api', level: config.logLevel });
const applied = await applyMigrations(config.databaseUrl);
if (applied.length) logger.info({ migrations: applied }, 'migrations applied');
const db = createDb(config.databaseUrl);
// FILES_S3_* or FILES_DIR: a bucket that is missing or refuses the key pair stops the start with the setting to fix.
const fileStore = await checkFileStoreOrExit(fileStoreFor(config), logger);
// Each request scopes its Temporal calls to TEMPORAL_CALL_DEADLINE_MS (api/app.ts);
// the connection's default gives the same bound to a call made outside one.
const temporal = connectClient(config.temporal, { callDeadlineMs: config.temporalCallDeadlineMs });
const metrics = createHttpMetrics();
const app = createApp({
  metrics,
  db,
  temporal,
  taskQueue: config.taskQueue,
  acceptanceClock: clockOf(config),
  filesDir: config.filesDir,
  fileStore,
  filesMaxBytes: config.filesMaxBytes,
  temporalUiUrl: config.temporalUiUrl,
  logger,
  metricsToken: config.metricsToken,
  temporalCallDeadlineMs: config.temporalCallDeadlineMs,
  oidc: config.oidc,
  development: config.development,
  publicUrl: config.publicUrl,
  verify: createVerifier({ jwtSecret: config.authJwtSecret, jwksUrl: config.authJwksUrl, issuer: process.env.AUTH_ISSUER, audience: process.env.AUTH_AUDIENCE }),
});
if (config.devNow) logger.warn({ devNow: config.devNow.toISOString() }, 'acceptance-window clock set by DEV_NOW (development only)');
// Listening, the drain, the last resort and the signals (api/serve.ts).
serve(app, {
  port: config.port,
  logger,
  metrics,
  close: () => Promise.allSettled([db.$disconnect(), temporal.connection.close()]).then(() => undefined),
  onListening: () => logger.info({ port: config.port, metrics: config.metricsToken ? 'GET /metrics (METRICS_TOKEN required)' : 'GET /metrics' }, `api listening on http://localhost:${config.port}`),
});
