// `npm start` as a person uses it: the launcher brings up Temporal (dev
// server with its SQLite file), PostgreSQL, the SMTP sink, a worker and the
// API; Ctrl-C (SIGINT to the process group) stops all of it; a second start
// finds the same workflows, rows and mails. An API or worker killed while it
// runs is restarted; the Temporal dev server or PostgreSQL killed stops
// everything, saying why.
import { execFileSync } from 'node:child_process';
import { chmod, mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Connection } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { signDevToken } from '../../api/auth';
import { interrupt, launch, launched, launcherEnv, launcherPorts, listening, portsStillOpen, type Launched, type LauncherPorts } from '../support/launcher';

let dataDir: string;
let launcher: Launched | undefined;
let ports: LauncherPorts;
const scratch: string[] = [];

/** The launcher on dataDir and ports (a port another program took meanwhile is moved: `ports` is updated). */
const start = () => launched(dataDir, ports);

/** The pid the launcher last printed for its child `name` ("api started (pid 123)", "api restarted (pid 456, restart #1)"). */
const childPid = (run: Launched, name: 'api' | 'worker') => Number([...run.output().matchAll(new RegExp(`^${name} (?:started|restarted) \\(pid (\\d+)`, 'gm'))].at(-1)?.[1]);

/** Whether the worker of `pid` polls the liangshan task queue for workflow tasks, as Temporal sees it. */
async function polling(connection: Connection, pid: number): Promise<boolean> {
  const { pollers } = await connection.workflowService.describeTaskQueue({
    namespace: 'default',
    taskQueue: { name: 'liangshan' },
    taskQueueType: temporal.api.enums.v1.TaskQueueType.TASK_QUEUE_TYPE_WORKFLOW,
  });
  return pollers.some((p) => p.identity?.startsWith(`${pid}@`));
}

/** Reads until the value is there, every 200 ms for `seconds` at most; fails naming `what` with the launcher's output. */
async function waitFor<T>(what: string, read: () => Promise<T | undefined | false>, seconds = 60): Promise<T> {
  const deadline = Date.now() + seconds * 1000;
  for (;;) {
    const value = await read().catch(() => undefined);
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`not reached in ${seconds} s: ${what}\n${launcher?.output()}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

afterEach(async () => {
  if (launcher && launcher.child.exitCode === null) await interrupt(launcher);
  launcher = undefined;
});

afterAll(async () => {
  for (const dir of [dataDir, ...scratch]) if (dir) await rm(dir, { recursive: true, force: true });
});

describe('npm start (scripts/dev.ts)', () => {
  it('runs the whole system, stops on Ctrl-C, and finds the same data on the next start', async () => {
    dataDir = await mkdtemp(path.join(tmpdir(), 'liangshan-dev-'));
    ports = await launcherPorts();
    // Read anew after each start, which may have moved a port taken meanwhile.
    const api = () => `http://127.0.0.1:${ports.api}`;

    launcher = await start();
    // "Up" once the worker polls (it bundles the workflows for 10–15 s after the API listens).
    const before = await Connection.connect({ address: `127.0.0.1:${ports.temporal}` });
    try {
      expect(await polling(before, childPid(launcher, 'worker'))).toBe(true);
    } finally {
      await before.close();
    }
    expect(launcher.output().indexOf('waiting for the worker to poll task queue liangshan')).toBeLessThan(launcher.output().indexOf('system is up'));
    expect(await (await fetch(`${api()}/api/health`)).json()).toEqual({ status: 'ok', temporal: 'ok', database: 'ok' });
    expect((await fetch(`http://127.0.0.1:${ports.ui}/`)).status).toBe(200);

    const secret = (await readFile(path.join(dataDir, 'dev-secret'), 'utf8')).trim();
    const token = await signDevToken(secret, { sub: 'chishui', role: 'applicant', prefecture: '520300' });
    // The materials are uploaded first (POST /api/files), then named by id.
    const ids: string[] = [];
    for (const name of ['letter', 'condition-1', 'condition-2', 'condition-3', 'condition-4', 'plan']) {
      const form = new FormData();
      form.append('file', new Blob([`%PDF-1.7\n${name}\n%%EOF\n`]), `${name}.pdf`);
      const uploaded = await fetch(`${api()}/api/files`, { method: 'POST', headers: { authorization: `Bearer ${token}` }, body: form });
      expect(uploaded.status).toBe(201);
      ids.push(((await uploaded.json()) as { fileId: string }).fileId);
    }
    const submitted = await fetch(`${api()}/api/applications`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        year: 2027,
        unit: { name: '赤水市', type: 'county', prefectures: ['520300'] },
        applicant: { name: '赤水市人民政府', contactEmail: 'gov@chishui.example' },
        materials: [
          { kind: 'applicationLetter', fileId: ids[0] },
          ...[1, 2, 3, 4].map((condition) => ({ kind: 'conditionEvidence', condition, fileId: ids[condition], explanation: `第${condition}项条件的说明` })),
          { kind: 'implementationPlan', fileId: ids[5], issuedBy: 'county', chapters: ['background', 'overview', 'progress', 'approach', 'tasks', 'projects', 'safeguards'] },
        ],
      }),
    });
    expect(submitted.status).toBe(201);
    const { id } = (await submitted.json()) as { id: string };
    const mailbox = () => `http://127.0.0.1:${ports.mailbox}/messages`;
    for (let n = 0; n < 100; n++) {
      if (((await (await fetch(mailbox())).json()) as unknown[]).length >= 2) break;
      await new Promise((r) => setTimeout(r, 200));
    }

    expect(await interrupt(launcher)).toBe(0);
    for (const port of Object.values(ports)) expect(await listening(port)).toBe(false);

    launcher = await start();
    const read = await fetch(`${api()}/api/applications/${id}`, { headers: { authorization: `Bearer ${token}` } });
    expect(read.status).toBe(200);
    expect(await read.json()).toMatchObject({ id, stage: 'prefectureReview', openTasks: [expect.objectContaining({ step: 'prefectureReview' })] });
    const mails = (await (await fetch(mailbox())).json()) as Array<{ subject: string }>;
    expect(mails.map((m) => m.subject)).toContain('【两山基地申报】赤水市的2027年度申报已受理');
    // The workflow kept running across the restart: the dev server's SQLite file held it.
    const officer = await signDevToken(secret, { sub: 'o', role: 'prefectureOfficer', prefecture: '520300' });
    const decided = await fetch(`${api()}/api/applications/${id}/decisions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${officer}`, 'content-type': 'application/json' },
      body: JSON.stringify({ decisionId: 'restart-0001', action: 'prefectureAccept' }),
    });
    expect(await decided.json()).toEqual({ decisionId: 'restart-0001', action: 'prefectureAccept', stage: 'prefectureNotice' });
    expect(await interrupt(launcher)).toBe(0);
  }, 360_000);

  it('stops everything when npm itself receives SIGTERM or SIGINT, or is killed outright, and the next start works', async () => {
    // npm passes SIGTERM and SIGINT to the launcher (package.json's start
    // `exec`s it); npm killed outright leaves it orphaned, which it notices
    // (infra/parent-watch.ts). Each time it stops what it started.
    dataDir ||= await mkdtemp(path.join(tmpdir(), 'liangshan-dev-'));
    ports = await launcherPorts();
    for (const signal of ['SIGTERM', 'SIGINT', 'SIGKILL'] as const) {
      launcher = await launched(dataDir, ports, 'npm');
      expect((await fetch(`http://127.0.0.1:${ports.api}/api/health`)).status).toBe(200);
      process.kill(launcher.child.pid!, signal);
      await launcher.exited;
      expect(await portsStillOpen(ports)).toEqual([]);
      expect(launcher.output()).toContain('stopping…');
    }
  }, 480_000);

  it('restarts an API or worker killed while it runs, with a growing delay, and Ctrl-C cancels a restart still waiting', async () => {
    dataDir ||= await mkdtemp(path.join(tmpdir(), 'liangshan-dev-'));
    ports = await launcherPorts();
    const health = async () => (await fetch(`http://127.0.0.1:${ports.api}/api/health`)).status === 200;
    launcher = await start();
    const run = launcher;

    // Both at once (their restarts overlap): the worker back and polling the task queue under
    // its new pid (the workflows go on), the API's /api/health answering again.
    const [worker, api] = [childPid(run, 'worker'), childPid(run, 'api')];
    process.kill(worker, 'SIGKILL');
    process.kill(api, 'SIGKILL');
    const connection = await Connection.connect({ address: `127.0.0.1:${ports.temporal}` });
    try {
      await Promise.all([
        waitFor('the restarted worker polling the task queue', async () => {
          const restarted = childPid(run, 'worker');
          return restarted !== worker && polling(connection, restarted);
        }),
        waitFor('/api/health answering after the API restarted', async () => childPid(run, 'api') !== api && health()),
      ]);
    } finally {
      await connection.close();
    }
    for (const name of ['worker', 'api']) {
      expect(run.output()).toContain(`${name} exited unexpectedly (killed by SIGKILL); restarting in 1 s (restart #1)`);
      expect(run.output()).toMatch(new RegExp(`^${name} restarted \\(pid \\d+, restart #1\\)$`, 'm'));
    }

    // Killed again soon after: twice the delay. A Ctrl-C meanwhile stops everything, and the restart is not made.
    process.kill(childPid(run, 'api'), 'SIGKILL');
    await waitFor('the second restart announced', async () => run.output().includes('api exited unexpectedly (killed by SIGKILL); restarting in 2 s (restart #2)'));
    expect(await interrupt(run)).toBe(0);
    expect(run.output().split('stopping…')[1]).not.toContain('api restarted');
    for (const port of Object.values(ports)) expect(await listening(port)).toBe(false);
  }, 240_000);

  // Not restarted: they hold the data, and what killed them may still be there.
  it.each([
    {
      service: 'the Temporal dev server',
      pid: (run: Launched) => Number(execFileSync('pgrep', ['-P', String(run.child.pid), '-f', 'server start-dev'], { encoding: 'utf8' }).split('\n')[0]),
      says: 'the Temporal dev server exited unexpectedly (killed by SIGKILL); stopping everything: it holds the workflows',
    },
    {
      service: 'PostgreSQL',
      pid: async () => Number((await readFile(path.join(dataDir, 'postgres', 'postmaster.pid'), 'utf8')).split('\n')[0]),
      says: "PostgreSQL exited unexpectedly (pid {pid} is gone); stopping everything: it holds the application's database",
    },
  ])('stops everything, saying why, when $service dies', async ({ pid, says }) => {
    dataDir ||= await mkdtemp(path.join(tmpdir(), 'liangshan-dev-'));
    ports = await launcherPorts();
    launcher = await start();
    const server = await pid(launcher);
    process.kill(server, 'SIGKILL');
    expect(await launcher.exited).toBe(1);
    expect(launcher.output()).toContain(says.replace('{pid}', String(server)));
    expect(launcher.output()).not.toContain('restarting in');
    expect(await portsStillOpen(ports)).toEqual([]);
  }, 240_000);

  it('names a port in use with its service and variable, and starts nothing', async () => {
    dataDir ||= await mkdtemp(path.join(tmpdir(), 'liangshan-dev-'));
    ports = await launcherPorts();
    const squatter = net.createServer();
    await new Promise<void>((resolve) => squatter.listen(ports.api, '127.0.0.1', resolve));
    try {
      const run = launch(launcherEnv(dataDir, ports));
      expect(await run.exited).toBe(1);
      expect(run.output()).toContain(`port ${ports.api} (the API and the console) is in use by another program: stop it, or set PORT to a free port`);
      expect(run.output()).toContain('Nothing was started.');
      const { api: _taken, ...others } = ports;
      for (const port of Object.values(others)) expect(await listening(port)).toBe(false);
    } finally {
      await new Promise((resolve) => squatter.close(resolve));
    }
  }, 60_000);

  it.runIf(process.getuid?.() === 0)('as root, with the data in a folder other users cannot enter, says what to do, and starts once it is done', async () => {
    // As root PostgreSQL runs as the `postgres` user (infra/postgres-user-access.ts),
    // which cannot pass a mode-700 folder, like a clone in /root.
    const privateDir = await mkdtemp(path.join(tmpdir(), 'liangshan-private-'));
    scratch.push(privateDir);
    await chmod(privateDir, 0o700);
    const data = path.join(privateDir, 'data');
    await mkdir(data);
    ports = await launcherPorts();
    const refused = launch(launcherEnv(data, ports));
    expect(await refused.exited).toBe(1);
    const advice = refused.output();
    expect(advice).toContain(`which cannot enter ${privateDir}`);
    expect(advice).not.toMatch(/EACCES|undefined/);
    expect(await portsStillOpen(ports)).toEqual([]);

    // The advice's command, as written, is enough.
    const command = /chmod o\+x .*/.exec(advice)?.[0];
    expect(command).toBe(`chmod o+x ${JSON.stringify(privateDir)}`);
    execFileSync('sh', ['-c', command!]);
    launcher = await launched(data, ports);
    expect(await (await fetch(`http://127.0.0.1:${ports.api}/api/health`)).json()).toMatchObject({ database: 'ok' });
  }, 240_000);
});
