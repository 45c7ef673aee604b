// Which request the running code belongs to, for the last resort
// (infra/process-guard.ts): each request runs inside an AsyncLocalStorage
// store, which Node carries into the promises, timers and stream events that
// start from it. An exception nothing caught can then be told apart: one of
// a request (that request is answered 500 and the API keeps serving) or one
// of no request (the process's state is unknown: drain and exit).
import { AsyncLocalStorage } from 'node:async_hooks';
import type { Request, RequestHandler, Response } from 'express';
import type { Attribution } from '../infra/process-guard';
import { routeLabel } from './observability';

const current = new AsyncLocalStorage<{ req: Request; res: Response }>();

/** Early middleware: the rest of the request runs in its own store. */
export const withRequestContext: RequestHandler = (req, res, next) => {
  current.run({ req, res }, next);
};

/**
 * The request the code raising an error belongs to, with how to end it: a
 * 500 in the contract's shape when nothing was sent yet, else the connection
 * is cut (the client sees a short answer rather than a wrong one).
 */
export function currentRequest(): Attribution | undefined {
  const store = current.getStore();
  if (!store) return undefined;
  const { req, res } = store;
  return {
    context: { requestId: req.requestId, method: req.method, route: routeLabel(req), ...(req.actor ? { actor: { sub: req.actor.sub, role: req.actor.role } } : {}) },
    contain() {
      if (res.headersSent || res.writableEnded) {
        res.destroy();
        return;
      }
      res.setHeader('Connection', 'close');
      res.status(500).json({ error: { code: 'internal', message: '服务器内部错误' } });
    },
  };
}
