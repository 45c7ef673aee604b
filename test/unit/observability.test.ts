// The pieces of the logs that need no server: request ids, LOG_LEVEL and the
// other settings, the 5xx path of the error handler (no message, no body, no
// stack to the client), and the Temporal SDK's logger on pino.
import { Writable } from 'node:stream';
import type { Request, Response } from 'express';
import { describe, expect, it } from 'vitest';
import { errorHandler } from '../../api/errors';
import { requestIdFrom } from '../../api/observability';
import { ConfigError, DEFAULT_WORKER_MAX_CACHED_WORKFLOWS, loadConfig } from '../../infra/config';
import { createLogger, parseLogLevel, temporalLogger } from '../../infra/logger';

function capture() {
  const lines: Array<Record<string, unknown>> = [];
  let raw = '';
  const destination = new Writable({
    write(chunk, _encoding, done) {
      raw += String(chunk);
      for (const l of String(chunk).split('\n').filter(Boolean)) lines.push(JSON.parse(l) as Record<string, unknown>);
      done();
    },
  });
  return { lines, raw: () => raw, destination };
}

describe('request ids', () => {
  it('keeps a sane client id and replaces anything else', () => {
    expect(requestIdFrom('abc-123_x.y:z')).toBe('abc-123_x.y:z');
    expect(requestIdFrom(['first-id', 'second-id'])).toBe('first-id');
    for (const bad of [undefined, '', 'x'.repeat(101), 'a b', 'a\nb', '../x', '{"json":1}', '你好']) {
      expect(requestIdFrom(bad), String(bad)).toMatch(/^[0-9a-f-]{36}$/);
    }
  });
});

describe('settings', () => {
  const base = { DATABASE_URL: 'postgresql://x/y', SMTP_URL: 'smtp://127.0.0.1:25', AUTH_JWT_SECRET: 's' };

  it('LOG_LEVEL: info by default, pino levels, refused otherwise', () => {
    expect(parseLogLevel(undefined)).toBe('info');
    expect(parseLogLevel(' DEBUG ')).toBe('debug');
    expect(parseLogLevel('silent')).toBe('silent');
    expect(() => parseLogLevel('verbose')).toThrow(/LOG_LEVEL must be one of/);
    expect(loadConfig(base).logLevel).toBe('info');
    expect(loadConfig({ ...base, LOG_LEVEL: 'warn' }).logLevel).toBe('warn');
    expect(() => loadConfig({ ...base, LOG_LEVEL: 'loud' })).toThrow(ConfigError);
  });

  it('WORKER_METRICS_ADDRESS: 0.0.0.0:9464 by default, empty disables, host:port otherwise', () => {
    expect(loadConfig(base).workerMetricsAddress).toBe('0.0.0.0:9464');
    expect(loadConfig({ ...base, WORKER_METRICS_ADDRESS: '' }).workerMetricsAddress).toBeUndefined();
    expect(loadConfig({ ...base, WORKER_METRICS_ADDRESS: '127.0.0.1:19464' }).workerMetricsAddress).toBe('127.0.0.1:19464');
    expect(loadConfig({ ...base, WORKER_METRICS_ADDRESS: '[::]:9464' }).workerMetricsAddress).toBe('[::]:9464');
    for (const bad of ['9464', 'host:', 'host:99999', 'http://x:1']) {
      expect(() => loadConfig({ ...base, WORKER_METRICS_ADDRESS: bad }), bad).toThrow(/WORKER_METRICS_ADDRESS must be host:port/);
    }
  });

  it('WORKER_MAX_CACHED_WORKFLOWS: bounded by default, 0 or at least 2 otherwise', () => {
    expect(loadConfig(base).workerMaxCachedWorkflows).toBe(DEFAULT_WORKER_MAX_CACHED_WORKFLOWS);
    expect(loadConfig({ ...base, WORKER_MAX_CACHED_WORKFLOWS: '0' }).workerMaxCachedWorkflows).toBe(0);
    expect(loadConfig({ ...base, WORKER_MAX_CACHED_WORKFLOWS: '2000' }).workerMaxCachedWorkflows).toBe(2000);
    for (const bad of ['1', '-5', '2.5', 'many']) {
      expect(() => loadConfig({ ...base, WORKER_MAX_CACHED_WORKFLOWS: bad }), bad).toThrow(/WORKER_MAX_CACHED_WORKFLOWS must be 0/);
    }
  });

  it('METRICS_TOKEN: none by default', () => {
    expect(loadConfig(base).metricsToken).toBeUndefined();
    expect(loadConfig({ ...base, METRICS_TOKEN: 't0ken' }).metricsToken).toBe('t0ken');
  });
});

describe('an unexpected error (500)', () => {
  it('is logged with its kind, code and frames under the request id, never its message; the client gets neither', () => {
    const { lines, raw, destination } = capture();
    const logger = createLogger({ name: 'api', level: 'info', destination });
    const error = Object.assign(new Error('duplicate key value (complainant_contact)=(lisi@example.org, 李四)'), { code: 'P2002' });
    const req = { method: 'POST', originalUrl: '/api/notices/n-1/complaints', url: '/api/notices/n-1/complaints', routePattern: '/api/notices/:id/complaints', log: logger.child({ requestId: 'req-500-1' }) } as unknown as Request;
    let status = 0;
    let body: unknown;
    const res = { status(s: number) { status = s; return this; }, json(b: unknown) { body = b; return this; }, set() { return this; } } as unknown as Response;
    errorHandler(error, req, res, () => {});
    expect(status).toBe(500);
    expect(body).toEqual({ error: { code: 'internal', message: '服务器内部错误' } });
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ level: 'error', msg: 'unhandled error', requestId: 'req-500-1', method: 'POST', route: '/api/notices/:id/complaints', err: { type: 'Error', code: 'P2002', frames: expect.any(Array) } });
    expect((lines[0]!.err as { frames: string[] }).frames[0]).toMatch(/^at /);
    expect(raw()).not.toContain('lisi@example.org');
    expect(raw()).not.toContain('李四');
    expect(raw()).not.toContain('duplicate key');
  });
});

describe("the Temporal SDK's logger on pino", () => {
  it('maps the levels and keeps the metadata as fields', () => {
    const { lines, destination } = capture();
    const logger = temporalLogger(createLogger({ name: 'worker', level: 'debug', destination }));
    logger.info('Worker state changed', { sdkComponent: 'worker', taskQueue: 'q', state: 'RUNNING' });
    logger.log('WARN', 'Activity failed', { sdkComponent: 'activity', workflowId: 'application-1', runId: 'r', activityId: '3', error: new Error('smtp down') });
    logger.trace('below the level');
    logger.debug('Workflow started');
    expect(lines).toEqual([
      expect.objectContaining({ level: 'info', name: 'worker', msg: 'Worker state changed', sdkComponent: 'worker', taskQueue: 'q', state: 'RUNNING' }),
      expect.objectContaining({ level: 'warn', msg: 'Activity failed', workflowId: 'application-1', activityId: '3', error: expect.objectContaining({ type: 'Error', message: 'smtp down' }) }),
      expect.objectContaining({ level: 'debug', msg: 'Workflow started' }),
    ]);
  });
});
