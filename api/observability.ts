// What the API tells its operators about itself: one JSON log line per
// request (infra/logger.ts) and Prometheus metrics at GET /metrics.
//
// - Every request gets an id: the client's `x-request-id` when it is sane
//   (1-100 characters of [A-Za-z0-9._:-]), a new uuid otherwise; it is echoed
//   in the `x-request-id` response header and is on every log line about the
//   request (`req.log`, used by api/errors.ts for 5xx).
// - The log line: requestId, method, route pattern, status, durationMs, and
//   the caller's sub and role when signed in, and `refusedRead: true` for a
//   read refused to a signed-in caller (api/audit-refusals.ts: counted in
//   liangshan_refused_reads_total and RefusedRead, not chained). Never the URL as sent, a query
//   string, a header value or a body: a complainant's name, contact and text
//   (POST /api/notices/:id/complaints) must not reach a log.
// - Metrics are labelled by the route's pattern from the registry
//   (api/openapi.ts: `/api/applications/:id`), never the URL as sent, so ids
//   do not become label values. Requests that match no route are counted
//   under `(unmatched)` (under /api) or `(static)` (the web console).
// - GET /metrics is mounted as middleware, outside /api and outside the route
//   registry: it is Prometheus text, not part of the JSON API or its OpenAPI
//   document. When METRICS_TOKEN is set it asks for
//   `Authorization: Bearer <token>`; either way a reverse proxy in front of
//   the API should not forward /metrics (README, docs/PRODUCTION.md).
import { createHash, randomUUID, timingSafeEqual } from 'node:crypto';
import type { Request, RequestHandler } from 'express';
import client from 'prom-client';
import { APPLICATION_ACTIONS, BASE_ACTIONS } from '../domain/transitions';
import type { Logger } from '../infra/logger';
import { unauthorized } from './errors';
import { matchRoute } from './openapi';

declare module 'express-serve-static-core' {
  interface Request {
    /** This request's id (x-request-id). */
    requestId?: string;
    /** The request's logger: every line carries its requestId. */
    log?: Logger;
    /** The registry's path of the route that took the request, e.g. `/api/applications/:id` (set by route()). */
    routePattern?: string;
  }
}

const SANE_REQUEST_ID = /^[A-Za-z0-9._:-]{1,100}$/;

/** The client's request id when it is sane, a fresh one otherwise. */
export function requestIdFrom(header: string | string[] | undefined): string {
  const value = Array.isArray(header) ? header[0] : header;
  return value !== undefined && SANE_REQUEST_ID.test(value) ? value : randomUUID();
}

export const METRICS_PATH = '/metrics';
/** Probes polled by load balancers and Prometheus: logged at debug when they succeed, so they do not drown the log. */
const PROBES = new Set([METRICS_PATH, '/api/health', '/api/ready']);

/** The route label of a request: the registry's pattern, never the URL as sent. */
export function routeLabel(req: Request): string {
  if (req.routePattern) return req.routePattern;
  // Refused before a route ran (401, a malformed body or path, 413): find the pattern the path would have taken.
  const path = (req.originalUrl ?? req.url).split('?')[0] ?? '';
  const matched = matchRoute(req.method === 'HEAD' ? 'get' : req.method, path);
  if (matched) return matched.fullPath;
  if (path === METRICS_PATH) return METRICS_PATH;
  return path === '/api' || path.startsWith('/api/') ? '(unmatched)' : '(static)';
}

// Decisions: the routes that turn a person's decision into a workflow Update.
const DECISION_ROUTES: Record<string, string> = {
  'POST /api/applications/:id/decisions': 'application',
  'POST /api/bases/:id/decisions': 'base',
  'POST /api/complaints/:id/investigation': 'complaint',
};
const KNOWN_ACTIONS = new Set<string>([...APPLICATION_ACTIONS, ...BASE_ACTIONS]);

function decisionAction(subject: string, body: unknown): string {
  const b = (body && typeof body === 'object' ? body : {}) as Record<string, unknown>;
  if (subject === 'complaint') return typeof b.delegateTo === 'string' ? 'delegate' : 'investigate';
  // Only actions the regulation's table knows become label values: a client cannot invent series.
  return typeof b.action === 'string' && KNOWN_ACTIONS.has(b.action) ? b.action : 'other';
}

export interface HttpMetrics {
  /** What GET /metrics serves: the process's default metrics and this app's. */
  registry: client.Registry;
  requests: client.Counter<'method' | 'route' | 'status'>;
  duration: client.Histogram<'method' | 'route' | 'status'>;
  decisions: client.Counter<'subject' | 'action' | 'outcome'>;
  /** Refused reads of signed-in callers (api/audit-refusals.ts): counted here and in RefusedRead, not chained. */
  refusedReads: client.Counter<'route' | 'status'>;
  /** Errors no handler caught (infra/process-guard.ts): contained in one request, or fatal to the process. */
  uncaught: client.Counter<'outcome'>;
}

// prom-client's default metrics (CPU, memory, event loop lag, GC, handles)
// describe the process, so one registry per process holds them; each app
// (tests build several in one process) has its own HTTP metrics.
let processRegistry: client.Registry | undefined;
function processMetrics(): client.Registry {
  if (!processRegistry) {
    processRegistry = new client.Registry();
    client.collectDefaultMetrics({ register: processRegistry });
  }
  return processRegistry;
}

export function createHttpMetrics(): HttpMetrics {
  const own = new client.Registry();
  const requests = new client.Counter({
    name: 'http_requests_total',
    help: 'HTTP requests answered, by method, route pattern and status (499: the client went away first)',
    labelNames: ['method', 'route', 'status'] as const,
    registers: [own],
  });
  const duration = new client.Histogram({
    name: 'http_request_duration_seconds',
    help: 'Time from receiving a request to finishing its response, by method, route pattern and status',
    labelNames: ['method', 'route', 'status'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers: [own],
  });
  const decisions = new client.Counter({
    name: 'liangshan_decisions_total',
    help: 'Decisions sent to the API (POST …/decisions, …/investigation) by subject, action and outcome: applied (2xx, a replayed decisionId included), refused (4xx), failed (5xx)',
    labelNames: ['subject', 'action', 'outcome'] as const,
    registers: [own],
  });
  const refusedReads = new client.Counter({
    name: 'liangshan_refused_reads_total',
    help: 'Reads (GET, HEAD) refused to a signed-in caller (400, 403, 404, 409, 413, 422), by route pattern and status; aggregated per caller and hour in RefusedRead, not in the audit chain',
    labelNames: ['route', 'status'] as const,
    registers: [own],
  });
  const uncaught = new client.Counter({
    name: 'liangshan_uncaught_errors_total',
    help: 'Errors no handler caught (an event handler, a timer, a client callback): contained (one request answered 500, the API kept serving) or fatal (outside any request: the API drained and exited to be restarted)',
    labelNames: ['outcome'] as const,
    registers: [own],
  });
  return { registry: client.Registry.merge([processMetrics(), own]), requests, duration, decisions, refusedReads, uncaught };
}

/**
 * First middleware of the app: the request id, the request's logger, and on
 * the way out the log line and the metrics.
 */
export function observeRequests(deps: { logger: Logger; metrics: HttpMetrics }): RequestHandler {
  return (req, res, next) => {
    const started = process.hrtime.bigint();
    const requestId = requestIdFrom(req.headers['x-request-id']);
    req.requestId = requestId;
    const log = deps.logger.child({ requestId });
    req.log = log;
    res.setHeader('x-request-id', requestId);
    res.once('close', () => {
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      // Closed before the response was finished: the client went away (nginx's 499).
      const status = res.writableFinished ? res.statusCode : 499;
      const route = routeLabel(req);
      const labels = { method: req.method, route, status: String(status) };
      deps.metrics.requests.inc(labels);
      deps.metrics.duration.observe(labels, seconds);
      const subject = req.method === 'POST' ? DECISION_ROUTES[`POST ${route}`] : undefined;
      if (req.refusedRead) deps.metrics.refusedReads.inc({ route, status: String(status) });
      if (subject) {
        deps.metrics.decisions.inc({ subject, action: decisionAction(subject, req.body), outcome: status < 400 ? 'applied' : status < 500 ? 'refused' : 'failed' });
      }
      const line = {
        method: req.method,
        route,
        status,
        durationMs: Math.round(seconds * 10_000) / 10,
        ...(req.actor ? { actor: { sub: req.actor.sub, role: req.actor.role } } : {}),
        // A refused read is not in the audit chain: this line, the counter and RefusedRead keep it visible.
        ...(req.refusedRead ? { refusedRead: true } : {}),
      };
      const level = status >= 500 ? 'error' : PROBES.has(route) && status < 400 ? 'debug' : 'info';
      log[level](line, 'request');
    });
    next();
  };
}

function digest(value: string): Buffer {
  return createHash('sha256').update(value).digest();
}

/** GET /metrics (Prometheus text exposition); with a token, only for `Authorization: Bearer <token>`. */
export function metricsEndpoint(deps: { metrics: HttpMetrics; token?: string | undefined }): RequestHandler {
  const expected = deps.token ? digest(deps.token) : undefined;
  return (req, res, next) => {
    if (req.path !== METRICS_PATH || (req.method !== 'GET' && req.method !== 'HEAD')) return next();
    if (expected) {
      const match = /^Bearer (.+)$/.exec(req.headers.authorization ?? '');
      if (!match || !timingSafeEqual(digest(match[1]!), expected)) {
        res.setHeader('www-authenticate', 'Bearer realm="metrics"');
        return next(unauthorized('需要 METRICS_TOKEN（Authorization: Bearer <token>）'));
      }
    }
    deps.metrics.registry.metrics().then(
      (text) => {
        res.setHeader('content-type', deps.metrics.registry.contentType);
        res.send(text);
      },
      (error: unknown) => next(error),
    );
  };
}
