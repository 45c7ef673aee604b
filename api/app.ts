// The Express app: authentication, then routes that read the read model or
// turn decisions into workflow Updates. Nothing here holds process state.
import express from 'express';
import type { Client } from '@temporalio/client';
import { databaseIsUp, type Db } from '../infra/database';
import { temporalIsUp } from '../infra/temporal';
import { applicationsRouter } from './applications';
import { requireAuth, type Verifier } from './auth';
import { errorHandler, notFound } from './errors';
import { expertsRouter } from './experts';
import { tasksRouter } from './tasks';

export interface AppDeps {
  db: Db;
  temporal: Client;
  taskQueue: string;
  verify: Verifier;
  clock?: () => Date;
}

export function createApp(deps: AppDeps): express.Express {
  const clock = deps.clock ?? (() => new Date());
  const app = express();
  app.disable('x-powered-by');
  app.set('query parser', 'simple');
  app.use(express.json({ limit: '1mb' }));

  app.get('/api/health', async (_req, res) => {
    const [temporal, database] = await Promise.all([temporalIsUp(deps.temporal), databaseIsUp(deps.db)]);
    const ok = temporal && database;
    res.status(ok ? 200 : 503).json({ status: ok ? 'ok' : 'degraded', temporal: temporal ? 'ok' : 'down', database: database ? 'ok' : 'down' });
  });

  const authed = express.Router();
  authed.use(requireAuth(deps.verify));
  authed.use(applicationsRouter({ db: deps.db, temporal: deps.temporal, taskQueue: deps.taskQueue, clock }));
  authed.use(tasksRouter({ db: deps.db, clock }));
  authed.use(expertsRouter({ db: deps.db }));
  app.use('/api', authed);

  app.use((_req, _res, next) => next(notFound('没有这个接口')));
  app.use(errorHandler);
  return app;
}
