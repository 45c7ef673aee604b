// Errors in the shape of the OpenAPI document (GET /api/openapi.json): { error: { code, message, details? } }.
// Bad input never becomes a 500, and no response carries a stack trace.
// A module every router and middleware of api/ imports: it imports nothing
// of api/ itself (test/unit/lint-boundaries.test.ts refuses an import cycle in api/).
import type { ErrorRequestHandler } from 'express';
import { createLogger, type Logger } from '../infra/logger';
import { isDependencyUnavailable } from '../infra/unavailable';

export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
  }
}

export const badRequest = (message: string, details?: unknown) => new HttpError(400, 'badRequest', message, details);
export const unauthorized = (message = '需要有效的登录凭证（Bearer token）') => new HttpError(401, 'unauthorized', message);
export const forbidden = (message: string) => new HttpError(403, 'forbidden', message);
export const notFound = (message = '未找到，或您无权查看') => new HttpError(404, 'notFound', message);
export const conflict = (message: string, details?: unknown) => new HttpError(409, 'conflict', message, details);
export const unprocessable = (message: string, details?: unknown) => new HttpError(422, 'invalid', message, details);
export const unavailable = (message: string) => new HttpError(503, 'unavailable', message);

/**
 * Every 503 for a dependency down says when to try again: a few seconds, as
 * a restarted frontend or database is usually back by then, and a retried
 * decision with the same decisionId applies once (docs/ARCHITECTURE.md).
 */
export const RETRY_AFTER_SECONDS = 5;

export const errorHandler: ErrorRequestHandler = (error, req, res, _next) => {
  if (error instanceof HttpError) {
    if (error.status === 503) res.set('retry-after', String(RETRY_AFTER_SECONDS));
    res.status(error.status).json({ error: { code: error.code, message: error.message, ...(error.details !== undefined ? { details: error.details } : {}) } });
    return;
  }
  // body-parser and other middleware mark client errors with a status.
  const status = typeof error?.status === 'number' ? error.status : typeof error?.statusCode === 'number' ? error.statusCode : 500;
  if (status >= 400 && status < 500) {
    const message = error.type === 'entity.too.large' ? '请求体过大' : error.type === 'entity.parse.failed' ? '请求体不是有效的 JSON' : '请求无效';
    res.status(status).json({ error: { code: status === 413 ? 'tooLarge' : 'badRequest', message } });
    return;
  }
  if (isDependencyUnavailable(error)) {
    // Temporal silent past the request's deadline (api/app.ts) lands here too.
    res.status(503).set('retry-after', String(RETRY_AFTER_SECONDS)).json({ error: { code: 'unavailable', message: '服务暂时不可用（数据库或流程引擎连接中断或无响应），请稍后重试' } });
    return;
  }
  // The message of a database or workflow error can quote the request's
  // values (a complainant's name or contact, prisma/schema.prisma Complaint): the log
  // gets the error's kind, code and stack frames, never its message; the
  // client gets neither, only the request id (x-request-id) to quote.
  const frames = typeof error?.stack === 'string' ? error.stack.split('\n').filter((l: string) => /^\s+at /.test(l)).slice(0, 8).map((l: string) => l.trim()) : [];
  (req.log ?? fallbackLogger()).error(
    { err: { type: error?.constructor?.name ?? typeof error, ...(error?.code ? { code: String(error.code) } : {}), frames, ...causesOf(error) }, method: req.method, route: req.routePattern ?? '(before a route)' },
    'unhandled error',
  );
  res.status(500).json({ error: { code: 'internal', message: '服务器内部错误' } });
};

/**
 * The kinds and codes of the errors an error wraps (a Temporal ServiceError
 * keeps the gRPC status as its `cause`): what tells a refused call from a
 * lost one in the log, again without any message.
 */
function causesOf(error: unknown): { causes?: Array<{ type: string; code?: string }> } {
  const causes: Array<{ type: string; code?: string }> = [];
  for (let e = (error as { cause?: unknown } | null)?.cause; e && typeof e === 'object' && causes.length < 4; e = (e as { cause?: unknown }).cause) {
    const { code } = e as { code?: unknown };
    causes.push({ type: e.constructor?.name ?? typeof e, ...(code !== undefined ? { code: String(code) } : {}) });
  }
  return causes.length ? { causes } : {};
}

let fallback: Logger | undefined;
/** For an app mounted without api/observability.ts's middleware (no req.log). */
function fallbackLogger(): Logger {
  fallback ??= createLogger({ name: 'api' });
  return fallback;
}
