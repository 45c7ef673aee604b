// The Express app: authentication, then routes that read the read model or
// turn decisions into workflow Updates. The only process state is the
// public complaint endpoint's per-address rate limit (api/notices.ts).
// Every route is declared in the registry of api/openapi.ts, which renders
// GET /api/openapi.json; refused attempts go to the audit log on the way out
// (refused reads are counted instead: api/audit-refusals.ts).
// Every request is logged (one JSON line) and counted (GET /metrics) by
// api/observability.ts; GET /api/health and GET /api/ready are the probes.
import express from 'express';
import type { Client } from '@temporalio/client';
import { z } from 'zod';
import { DEFAULT_FILES_DIR, DEFAULT_FILES_MAX_BYTES, DEFAULT_TEMPORAL_CALL_DEADLINE_MS, type OidcClientConfig } from '../infra/config';
import { databaseIsUp, type Db } from '../infra/database';
import { localFileStore, type FileStore } from '../infra/file-store';
import { createLogger, type Logger } from '../infra/logger';
import { migrationState } from '../infra/migrate';
import { temporalIsUp } from '../infra/temporal';
import { applicationsRouter } from './applications';
import { recordRefusals } from './audit-refusals';
import { basesRouter } from './bases';
import { calendarFeedsRouter } from './calendar-feeds';
import { dashboardRouter } from './dashboard';
import { documentsRouter } from './documents';
import { requireAuth, type Verifier } from './auth';
import { complaintsRouter } from './complaints';
import { serveConsole } from './console';
import { errorHandler, notFound, RETRY_AFTER_SECONDS } from './errors';
import { expertsRouter } from './experts';
import { filesRouter } from './files';
import { noticesRouter, type RateLimit } from './notices';
import { createHttpMetrics, metricsEndpoint, observeRequests, type HttpMetrics } from './observability';
import { openApiDocument, route } from './openapi';
import { opsAuditRouter } from './ops-audit';
import { opsCalendarRouter } from './ops-calendar';
import { opsRefusedReadsRouter } from './ops-refused-reads';
import { opsWorkflowsRouter } from './ops-workflows';
import { officesRouter } from './offices';
import { registerOutboxMetrics } from './outbox-metrics';
import { withRequestContext } from './request-context';
import { readinessDetails, readinessDetailsSchema } from './readiness-details';
import { saneRequestPath, securityHeaders } from './security';
import { tasksRouter } from './tasks';

export interface AppDeps {
  db: Db;
  temporal: Client;
  taskQueue: string;
  verify: Verifier;
  clock?: () => Date;
  /**
   * The clock the acceptance window (Art. 11) is judged by; the API's clock
   * unless set. Development's DEV_NOW moves only this one, so that tasks,
   * notices and due dates stay on the clock the workflows run on.
   */
  acceptanceClock?: () => Date;
  /** Complaints filed per client address (public endpoint); default 10 a minute. */
  complaintRateLimit?: RateLimit;
  /** Where uploads are stored (FILES_DIR); default `.data/files`. */
  filesDir?: string;
  /** The uploads' store (infra/file-store.ts: S3 with FILES_S3_*); default the local folder `filesDir`. */
  fileStore?: FileStore;
  /** Largest upload in bytes (FILES_MAX_BYTES); default 50 MiB. */
  filesMaxBytes?: number;
  /** The Temporal Web UI (TEMPORAL_UI_URL), for links from workflow histories. */
  temporalUiUrl?: string | undefined;
  /** The built web console (`npm run build`); default web/dist. */
  consoleDir?: string | undefined;
  /** The console's sign-in through the OIDC provider (AUTH_OIDC_*), served at /console-config.json. */
  oidc?: OidcClientConfig | undefined;
  /** Development (NODE_ENV=development): the console's sign-in page also takes a pasted token. */
  development?: boolean | undefined;
  /** Where the request log goes (infra/logger.ts); default: stdout at LOG_LEVEL. */
  logger?: Logger;
  /** The metrics GET /metrics serves; default: a fresh set for this app. */
  metrics?: HttpMetrics;
  /** METRICS_TOKEN: when set, GET /metrics asks for `Authorization: Bearer <token>`. */
  metricsToken?: string | undefined;
  /** TEMPORAL_CALL_DEADLINE_MS: how long one request may wait on Temporal; default 8 s. */
  temporalCallDeadlineMs?: number | undefined;
  /** The console's address (PUBLIC_URL), in the deadline feeds' addresses and their events' links; default http://localhost:3000. */
  publicUrl?: string | undefined;
}

export function createApp(deps: AppDeps): express.Express {
  const clock = deps.clock ?? (() => new Date());
  const app = express();
  app.disable('x-powered-by');
  app.set('query parser', 'simple');
  // First: the request id, and on the way out the log line and the metrics (api/observability.ts).
  const metrics = deps.metrics ?? createHttpMetrics();
  registerOutboxMetrics(metrics, deps.db);
  app.use(observeRequests({ logger: deps.logger ?? createLogger({ name: 'api' }), metrics }));
  // The rest of the request runs in its own context, so that an error nothing caught is traced to it (api/request-context.ts).
  app.use(withRequestContext);
  app.use(securityHeaders);
  app.use(saneRequestPath);
  // Prometheus text, outside /api and the route registry (api/observability.ts).
  app.use(metricsEndpoint({ metrics, token: deps.metricsToken }));
  app.use(express.json({ limit: '1mb' }));
  // One deadline for every call to Temporal made while answering a request:
  // the SDK's Connection keeps it in AsyncLocalStorage and gives it to each
  // RPC, so an Update's start, its polls for the outcome and the retries
  // between them (infra/temporal.ts) all end by it, and a frontend that stops
  // answering costs a 503 with Retry-After (api/errors.ts), not a hung
  // request. After the body parser: its stream callbacks run outside any scope.
  const temporalCallDeadlineMs = deps.temporalCallDeadlineMs ?? DEFAULT_TEMPORAL_CALL_DEADLINE_MS;
  app.use((_req, _res, next) => {
    void deps.temporal.connection.withDeadline(Date.now() + temporalCallDeadlineMs, async () => next());
  });

  const open = express.Router();
  const health = z.object({ status: z.enum(['ok', 'degraded']), temporal: z.enum(['ok', 'down']), database: z.enum(['ok', 'down']) });
  route(open, {
    method: 'get', path: '/health', summary: 'Is the API up, and can it reach Temporal and PostgreSQL?', auth: 'public', roles: ['public'],
    responses: { 200: { description: 'all up', schema: health }, 503: { description: 'a dependency is down', schema: health } },
  }, async (_req, res) => {
    const [temporal, database] = await Promise.all([temporalIsUp(deps.temporal), databaseIsUp(deps.db)]);
    const ok = temporal && database;
    if (!ok) res.set('retry-after', String(RETRY_AFTER_SECONDS));
    res.status(ok ? 200 : 503).json({ status: ok ? 'ok' : 'degraded', temporal: temporal ? 'ok' : 'down', database: database ? 'ok' : 'down' });
  });
  const ready = z.object({
    status: z.enum(['ready', 'notReady']),
    temporal: z.enum(['ok', 'down']),
    database: z.enum(['ok', 'down']),
    migrations: z.enum(['applied', 'pending', 'unknown']),
    /** For operators, never a reason to be unready (api/readiness-details.ts); null while the database is down. */
    details: readinessDetailsSchema.nullable(),
  });
  route(open, {
    method: 'get', path: '/ready', summary: 'Readiness for a load balancer: Temporal and PostgreSQL answer and every migration of this release is applied', auth: 'public', roles: ['public'],
    responses: { 200: { description: 'ready to take traffic', schema: ready }, 503: { description: 'not ready: a dependency is down or a migration is missing', schema: ready } },
  }, async (_req, res) => {
    const [temporal, database, migrations] = await Promise.all([temporalIsUp(deps.temporal), databaseIsUp(deps.db), migrationState(deps.db)]);
    const applied = database && migrations === 'applied';
    const ok = temporal && applied;
    if (!ok) res.set('retry-after', String(RETRY_AFTER_SECONDS));
    const details = applied ? await readinessDetails(deps.db, clock()).catch(() => null) : null;
    res.status(ok ? 200 : 503).json({ status: ok ? 'ready' : 'notReady', temporal: temporal ? 'ok' : 'down', database: database ? 'ok' : 'down', migrations: database ? migrations : 'unknown', details });
  });
  route(open, {
    method: 'get', path: '/openapi.json', summary: 'This document', auth: 'public', roles: ['public'],
    responses: { 200: { description: 'OpenAPI 3.1', schema: z.looseObject({ openapi: z.string(), paths: z.record(z.string(), z.unknown()) }) } },
  }, (_req, res) => {
    res.json(openApiDocument());
  });
  app.use('/api', open);

  // The public board and complaints need no login (docs/RULES.md "Roles and scope": public),
  // so they are mounted before the authenticated routes.
  // A deadline feed is read by calendar programs, which cannot sign in: the secret in its address is the key (api/calendar-feeds.ts).
  const feeds = calendarFeedsRouter({ db: deps.db, clock, publicUrl: deps.publicUrl });
  app.use('/api', feeds.open);
  app.use('/api', noticesRouter({ db: deps.db, temporal: deps.temporal, clock, ...(deps.complaintRateLimit ? { complaintRateLimit: deps.complaintRateLimit } : {}) }));
  // A published notice's announcement is as public as the board; the other documents need a sign-in (api/documents.ts).
  const documents = documentsRouter({ db: deps.db, clock });
  app.use('/api', documents.open);

  const authed = express.Router();
  authed.use(requireAuth(deps.verify));
  authed.use(applicationsRouter({ db: deps.db, temporal: deps.temporal, taskQueue: deps.taskQueue, clock, acceptanceClock: deps.acceptanceClock ?? clock }));
  authed.use(filesRouter({ db: deps.db, store: deps.fileStore ?? localFileStore(deps.filesDir ?? DEFAULT_FILES_DIR), maxBytes: deps.filesMaxBytes ?? DEFAULT_FILES_MAX_BYTES }));
  authed.use(tasksRouter({ db: deps.db, clock, temporal: deps.temporal }));
  authed.use(basesRouter({ db: deps.db, temporal: deps.temporal, clock }));
  authed.use(documents.authed);
  authed.use(expertsRouter({ db: deps.db }));
  authed.use(officesRouter({ db: deps.db }));
  authed.use(dashboardRouter({ db: deps.db, clock }));
  authed.use(feeds.authed);
  authed.use(complaintsRouter({ db: deps.db, temporal: deps.temporal }));
  authed.use(opsCalendarRouter({ db: deps.db, temporal: deps.temporal }));
  authed.use(opsAuditRouter({ db: deps.db }));
  authed.use(opsRefusedReadsRouter({ db: deps.db }));
  authed.use(opsWorkflowsRouter({ db: deps.db, temporal: deps.temporal, taskQueue: deps.taskQueue, webUiUrl: deps.temporalUiUrl }));
  app.use('/api', authed);
  // The web console under `/` (api/console.ts): middleware, after every /api route.
  app.use(serveConsole({ dir: deps.consoleDir, oidc: deps.oidc, development: deps.development }));

  app.use((_req, _res, next) => next(notFound('没有这个接口')));
  app.use(recordRefusals(deps.db, clock));
  app.use(errorHandler);
  return app;
}
