// Issue 23: no request can end the API process. A real process serving an
// app through api/serve.ts (test/support/guarded-api.ts): an exception
// thrown in a request's timer or stream event, and a promise rejected with
// no handler, answer that request 500 and are logged with the request and
// counted in /metrics, and the process keeps serving; an exception outside
// any request drains (a request in flight still finishes) and exits with
// code 70, saying why.
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EXIT_UNKNOWN_STATE } from '../../infra/process-guard';

const root = path.resolve(import.meta.dirname, '../..');
let child: ChildProcess;
let base: string;
let output = '';
let exited: Promise<number | null>;

beforeAll(async () => {
  child = spawn(path.join(root, 'node_modules/.bin/tsx'), ['test/support/guarded-api.ts'], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, LOG_LEVEL: 'info' } });
  child.stdout!.on('data', (c: Buffer) => (output += c.toString('utf8')));
  child.stderr!.on('data', (c: Buffer) => (output += c.toString('utf8')));
  exited = new Promise((resolve) => child.once('exit', (code) => resolve(code)));
  base = `http://127.0.0.1:${await seen(/listening (\d+)/)}`;
});
afterAll(() => {
  if (child.exitCode === null) child.kill('SIGKILL');
});

/** The first group of the pattern once the process has printed it (fails if the process ends first). */
function seen(pattern: RegExp): Promise<string> {
  return new Promise((resolve, reject) => {
    const check = () => {
      const match = pattern.exec(output);
      if (!match) return;
      child.stdout!.off('data', check);
      resolve(match[1] ?? match[0]);
    };
    child.stdout!.on('data', check);
    void exited.then((code) => reject(new Error(`exited with ${code} before printing ${pattern}: ${output}`)));
    check();
  });
}

const logLines = () => output.split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as Record<string, unknown>);
const health = async () => (await fetch(`${base}/api/health`)).status;

describe('the last resort of the API process', () => {
  it('answers the request whose code threw outside the error path 500, logs and counts it, and keeps serving', async () => {
    for (const [method, url] of [['GET', '/throw-in-timer'], ['POST', '/throw-in-stream-event'], ['GET', '/reject-unhandled']] as const) {
      const reply = await fetch(base + url, { method, ...(method === 'POST' ? { body: 'x'.repeat(10) } : {}) });
      expect(reply.status, url).toBe(500);
      expect(await reply.json()).toEqual({ error: { code: 'internal', message: '服务器内部错误' } });
      expect(await health()).toBe(200);
    }
    const contained = logLines().filter((l) => l.msg === 'uncaught error in one piece of work: that work is ended, the process keeps serving');
    expect(contained).toHaveLength(3);
    // The log says which request (its id, method, route pattern), the error's kind, never its message.
    for (const line of contained) expect(line).toMatchObject({ level: 'error', requestId: expect.any(String), method: expect.any(String), err: { type: expect.any(String) } });
    expect(JSON.stringify(contained)).not.toContain('thrown in');
    const metrics = await (await fetch(`${base}/metrics`)).text();
    expect(metrics).toMatch(/liangshan_uncaught_errors_total\{outcome="contained"\} 3/);
    expect(child.exitCode).toBeNull();
  });

  it('drains and exits with code 70 on an error outside any request, saying why; a request in flight still finishes', async () => {
    const inFlight = fetch(`${base}/slow`).then(async (r) => ({ status: r.status, body: await r.json() }));
    await seen(/slow request started/);
    expect((await fetch(`${base}/throw-outside`)).status).toBe(202);
    expect(await inFlight).toEqual({ status: 200, body: { finished: true } });
    expect(await exited).toBe(EXIT_UNKNOWN_STATE);
    const fatal = logLines().filter((l) => l.level === 'fatal');
    expect(fatal[0]!.msg).toMatch(/outside any request or activity: the process's state is unknown.*exits with code 70/);
    expect(fatal.at(-1)!.msg).toBe('drained; exiting');
    expect(logLines().some((l) => l.msg === 'closed what the app uses')).toBe(true);
  });
});
