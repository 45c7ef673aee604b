// A process that serves an app the way api/main.ts does (api/serve.ts: the
// request context, the last resort, the drain), with routes that raise what
// no route of the real API should: an exception in a request's timer, in a
// request's stream event, a rejected promise nobody handles, and an
// exception outside any request. test/api/last-resort-process.test.ts runs
// it and watches the process survive the first three and drain and exit on
// the last. It prints `listening <port>` when ready; logs are JSON lines.
import type { AddressInfo } from 'node:net';
import express from 'express';
import { createHttpMetrics, observeRequests } from '../../api/observability';
import { withRequestContext } from '../../api/request-context';
import { serve } from '../../api/serve';
import { createLogger } from '../../infra/logger';

const logger = createLogger({ name: 'api', level: 'info' });
const metrics = createHttpMetrics();
const app = express();
app.use(observeRequests({ logger, metrics }));
app.use(withRequestContext);

let failOutsideAnyRequest = false;
// A timer of the process, started before any request: what throws here belongs to no request.
setInterval(() => {
  if (!failOutsideAnyRequest) return;
  failOutsideAnyRequest = false;
  throw new Error('a shared timer failed');
}, 20);

app.get('/api/health', (_req, res) => void res.json({ ok: true }));
app.get('/metrics', async (_req, res) => void res.type('text/plain').send(await metrics.registry.metrics()));
app.get('/throw-in-timer', () => {
  setTimeout(() => {
    throw new TypeError('thrown in a timer a request started');
  }, 5);
});
app.post('/throw-in-stream-event', (req) => {
  req.on('data', () => {
    throw new TypeError('thrown in a body event handler');
  });
});
app.get('/reject-unhandled', () => {
  void Promise.reject(new Error('a promise nobody awaited'));
});
app.get('/throw-outside', (_req, res) => {
  failOutsideAnyRequest = true;
  res.status(202).json({ ok: true });
});
app.get('/slow', (_req, res) => {
  logger.info('slow request started');
  setTimeout(() => res.json({ finished: true }), 300);
});

const { server } = serve(app, {
  port: 0,
  host: '127.0.0.1',
  logger,
  metrics,
  close: async () => logger.info('closed what the app uses'),
  onListening: () => process.stdout.write(`listening ${(server.address() as AddressInfo).port}\n`),
});
