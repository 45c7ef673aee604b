// The last resort's rules (infra/process-guard.ts), on a stand-in for the
// process's events: contained in the work it belongs to, fatal outside any
// (drain, then exit 70, also when the drain hangs), never contained when the
// runtime itself is inconsistent, and one drain however many errors follow.
import { EventEmitter } from 'node:events';
import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger } from '../../infra/logger';
import { EXIT_UNKNOWN_STATE, guardProcess, type Attribution, type Outcome } from '../../infra/process-guard';

function setUp(options: { work?: Attribution; drain?: () => Promise<void>; drainTimeoutMs?: number } = {}) {
  const lines: Array<Record<string, unknown>> = [];
  const destination = new Writable({ write(chunk: Buffer, _e, cb) { lines.push(JSON.parse(chunk.toString('utf8')) as Record<string, unknown>); cb(); } });
  const proc = new EventEmitter();
  const counted: Outcome[] = [];
  let drains = 0;
  let exitCode: number | undefined;
  const exited = new Promise<number>((resolve) => {
    const remove = guardProcess({
      logger: createLogger({ name: 'test', level: 'info', destination }),
      attribute: () => options.work,
      count: (o) => counted.push(o),
      drain: () => {
        drains += 1;
        return options.drain?.() ?? Promise.resolve();
      },
      drainTimeoutMs: options.drainTimeoutMs ?? 1000,
      process: proc as unknown as Pick<NodeJS.Process, 'on' | 'off'>,
      exit: (code) => {
        exitCode = code;
        resolve(code);
      },
    });
    void remove;
  });
  return { proc, lines, counted, exited, drains: () => drains, exitCode: () => exitCode };
}

describe('the last resort', () => {
  it('ends only the work an error belongs to, logs it with that work and its kind, and counts it', () => {
    let contained = 0;
    const g = setUp({ work: { context: { requestId: 'r-1', route: '/api/files' }, contain: () => void (contained += 1) } });
    g.proc.emit('uncaughtException', new TypeError('secret personal data'));
    g.proc.emit('unhandledRejection', new Error('another'));
    expect(contained).toBe(2);
    expect(g.counted).toEqual(['contained', 'contained']);
    expect(g.drains()).toBe(0);
    expect(g.lines[0]).toMatchObject({ level: 'error', requestId: 'r-1', route: '/api/files', how: 'uncaughtException', err: { type: 'TypeError' } });
    // The message may quote a request's personal data: never logged.
    expect(JSON.stringify(g.lines)).not.toContain('secret personal data');
  });

  it('outside any work: drains once, then exits with code 70, saying why', async () => {
    const g = setUp();
    g.proc.emit('uncaughtException', new Error('pool broke'));
    g.proc.emit('unhandledRejection', new Error('and again'));
    expect(await g.exited).toBe(EXIT_UNKNOWN_STATE);
    expect(g.drains()).toBe(1);
    expect(g.counted).toEqual(['fatal', 'fatal']);
    expect(g.lines.map((l) => l.msg)).toEqual([
      expect.stringMatching(/state is unknown.*exits with code 70/),
      'another uncaught error while draining',
      'drained; exiting',
    ]);
  });

  it('exits when the drain does not finish in time', async () => {
    const g = setUp({ drain: () => new Promise(() => {}), drainTimeoutMs: 30 });
    g.proc.emit('uncaughtException', new Error('stuck'));
    expect(await g.exited).toBe(EXIT_UNKNOWN_STATE);
    expect(g.lines.at(-1)).toMatchObject({ level: 'fatal', drain: 'timeout', msg: 'drain did not finish in time; exiting' });
  });

  it('never contains an error that says the runtime itself is inconsistent', async () => {
    const g = setUp({ work: { context: { requestId: 'r-2' }, contain: () => {} } });
    g.proc.emit('uncaughtException', Object.assign(new Error('internal'), { code: 'ERR_INTERNAL_ASSERTION' }));
    expect(await g.exited).toBe(EXIT_UNKNOWN_STATE);
    expect(g.counted).toEqual(['fatal']);
  });
});
