// `npm start` (scripts/dev.ts) as the tests run it: its own data folder and
// free ports, in a process group of its own like a shell's job, its output
// kept for the assertions.
import { spawn, type ChildProcess } from 'node:child_process';
import net from 'node:net';
import path from 'node:path';
import { freePort } from '../../infra/ports';

export const REPO = path.resolve(import.meta.dirname, '../..');

export const LAUNCHER_PORTS = ['api', 'temporal', 'ui', 'postgres', 'smtp', 'mailbox', 'metrics'] as const;
export type LauncherPorts = Record<(typeof LAUNCHER_PORTS)[number], number>;

export async function launcherPorts(): Promise<LauncherPorts> {
  const ports = {} as LauncherPorts;
  for (const name of LAUNCHER_PORTS) ports[name] = await freePort();
  return ports;
}

/** The variables that move the launcher to `dataDir` and `ports`, with the development clock inside a window. */
export function launcherEnv(dataDir: string, ports: LauncherPorts): NodeJS.ProcessEnv {
  return {
    ...process.env,
    DATA_DIR: dataDir,
    PORT: String(ports.api),
    DEV_TEMPORAL_PORT: String(ports.temporal),
    DEV_TEMPORAL_UI_PORT: String(ports.ui),
    DEV_POSTGRES_PORT: String(ports.postgres),
    DEV_SMTP_PORT: String(ports.smtp),
    DEV_MAILBOX_PORT: String(ports.mailbox),
    WORKER_METRICS_ADDRESS: `127.0.0.1:${ports.metrics}`,
    // The acceptance window's development clock (README, Configuration): inside the 2027
    // acceptance window (Art. 11), so the submission is accepted on any day.
    DEV_NOW: '2027-03-02T10:00:00+08:00',
  };
}

export interface Launched {
  child: ChildProcess;
  output(): string;
  exited: Promise<number | null>;
}

/**
 * Starts the launcher: `npm start` as a person types it, or the script alone
 * (`node --import tsx scripts/dev.ts`), in its own process group.
 */
export function launch(env: NodeJS.ProcessEnv, how: 'npm' | 'script' = 'script'): Launched {
  const [command, args] = how === 'npm' ? ['npm', ['start']] : [process.execPath, ['--import', 'tsx', 'scripts/dev.ts']];
  const child = spawn(command, args, { cwd: REPO, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout?.on('data', (d) => (output += String(d)));
  child.stderr?.on('data', (d) => (output += String(d)));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, output: () => output, exited };
}

/** Waits for the launcher's "up" banner (its last line), or fails with its output. */
export async function launched(env: NodeJS.ProcessEnv, how: 'npm' | 'script' = 'script'): Promise<Launched> {
  const run = launch(env, how);
  const deadline = Date.now() + 90_000;
  while (!run.output().includes('Ctrl-C stops everything')) {
    if (run.child.exitCode !== null) throw new Error(`launcher exited early:\n${run.output()}`);
    if (Date.now() > deadline) throw new Error(`launcher not ready in 90 s:\n${run.output()}`);
    await new Promise((r) => setTimeout(r, 250));
  }
  return run;
}

export const listening = (port: number) =>
  new Promise<boolean>((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    socket.once('connect', () => (socket.destroy(), resolve(true)));
    socket.once('error', () => resolve(false));
  });

/** The ports still listened on, once none is or after 30 s (the launcher stops PostgreSQL last, in a few seconds). */
export async function portsStillOpen(ports: LauncherPorts): Promise<number[]> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const open: number[] = [];
    for (const port of Object.values(ports)) if (await listening(port)) open.push(port);
    if (open.length === 0 || Date.now() > deadline) return open;
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** Ctrl-C: SIGINT to the whole process group, as a terminal sends it. */
export async function interrupt(run: Launched): Promise<number | null> {
  if (run.child.exitCode === null && run.child.pid !== undefined) process.kill(-run.child.pid, 'SIGINT');
  return run.exited;
}
