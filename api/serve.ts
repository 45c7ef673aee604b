// How an API process serves its app: listen, drain on SIGINT/SIGTERM, and
// the last resort for errors nothing caught (infra/process-guard.ts): one of
// a request is that request's 500 and the API keeps serving; one outside any
// request drains the API and exits with code 70, for its process manager
// (docs/PRODUCTION.md) or `npm start` to start a fresh one.
import type { Server } from 'node:http';
import type { Express } from 'express';
import type { Logger } from '../infra/logger';
import { guardProcess } from '../infra/process-guard';
import type { HttpMetrics } from './observability';
import { currentRequest } from './request-context';

export interface ServeOptions {
  port: number;
  host?: string;
  logger: Logger;
  /** The app's metrics: liangshan_uncaught_errors_total is counted there. */
  metrics: HttpMetrics;
  /** Closes what the app uses (database, Temporal) once no request is left. */
  close: () => Promise<void>;
  onListening?: () => void;
}

export function serve(app: Express, options: ServeOptions): { server: Server; drain: () => Promise<void> } {
  const server = options.host ? app.listen(options.port, options.host, options.onListening) : app.listen(options.port, options.onListening);

  /** Stops taking connections, lets the requests in flight finish, then closes what the app uses. */
  let drained: Promise<void> | undefined;
  const drain = () => {
    drained ??= new Promise<void>((resolve) => {
      server.close(() => void options.close().then(resolve, resolve));
      // Idle keep-alive connections would hold the close open.
      server.closeIdleConnections();
    });
    return drained;
  };

  guardProcess({ logger: options.logger, attribute: currentRequest, count: (outcome) => options.metrics.uncaught.inc({ outcome }), drain });

  const stop = (signal: string) => {
    options.logger.info({ signal }, 'api stopping');
    void drain().then(() => process.exit(0));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  return { server, drain };
}
