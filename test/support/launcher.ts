// `npm start` (scripts/dev.ts) as the tests run it: its own data folder and
// free ports, in a process group of its own like a shell's job, its output
// kept for the assertions.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { freePort, portIsFree } from '../../infra/ports';

export const REPO = path.resolve(import.meta.dirname, '../..');

export const LAUNCHER_PORTS = ['api', 'temporal', 'ui', 'postgres', 'smtp', 'mailbox', 'metrics'] as const;
export type LauncherPorts = Record<(typeof LAUNCHER_PORTS)[number], number>;

/** The variable that moves each port (scripts/dev.ts); the metrics port's is WORKER_METRICS_ADDRESS, never refused. */
const PORT_VARIABLES: Record<string, (typeof LAUNCHER_PORTS)[number]> = {
  PORT: 'api',
  DEV_TEMPORAL_PORT: 'temporal',
  DEV_TEMPORAL_UI_PORT: 'ui',
  DEV_POSTGRES_PORT: 'postgres',
  DEV_SMTP_PORT: 'smtp',
  DEV_MAILBOX_PORT: 'mailbox',
};

/** Linux's range of ports handed out to listen(0) and to outgoing connections; elsewhere the IANA one. */
function ephemeralRange(): [number, number] {
  try {
    const [low, high] = readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/).map(Number);
    if (low && high) return [low, high];
  } catch {
    // not Linux
  }
  return [49152, 65535];
}

/**
 * A port free a moment ago, none of `taken`. Picked at random below the
 * ephemeral range, where the kernel never hands a port to another process's
 * listen(0) or outgoing connection meanwhile (freePort's ports are there);
 * another run picking the same one is left to launched()'s retry.
 */
async function pickPort(taken: Iterable<number>): Promise<number> {
  const avoid = new Set(taken);
  const high = ephemeralRange()[0] - 1;
  const low = Math.max(10_000, high - 20_000);
  for (let tries = 0; tries < 200; tries++) {
    const port = low + Math.floor(Math.random() * (high - low));
    if (!avoid.has(port) && (await portIsFree(port))) return port;
  }
  return freePort();
}

export async function launcherPorts(): Promise<LauncherPorts> {
  const ports = {} as LauncherPorts;
  for (const name of LAUNCHER_PORTS) ports[name] = await pickPort(Object.values(ports));
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

/** How long launched() waits for the banner: PostgreSQL's first initdb, the dev server, then the worker's bundling (scripts/dev.ts waits 180 s at most for its polling). */
export const LAUNCHED_WITHIN_MS = 240_000;

/**
 * Starts the launcher on `dataDir` and `ports` and waits for its "up"
 * banner (its last line). A port another program took since it was picked
 * (the launcher names it and its variable and starts nothing; or a
 * child's EADDRINUSE) is moved and the launch made again, a few times:
 * `ports` is updated. Fails with the launcher's output when it exits
 * otherwise, or after LAUNCHED_WITHIN_MS, having stopped it and all it started.
 */
export async function launched(dataDir: string, ports: LauncherPorts, how: 'npm' | 'script' = 'script'): Promise<Launched> {
  const deadline = Date.now() + LAUNCHED_WITHIN_MS;
  for (let attempt = 1; ; attempt++) {
    const run = launch(launcherEnv(dataDir, ports), how);
    while (!run.output().includes('Ctrl-C stops everything')) {
      if (run.child.exitCode !== null) break;
      if (Date.now() > deadline) {
        await stop(run);
        throw new Error(`launcher not ready in ${LAUNCHED_WITHIN_MS / 1000} s (stopped):\n${run.output()}`);
      }
      await new Promise((r) => setTimeout(r, 250));
    }
    if (run.child.exitCode === null) return run;
    await run.exited;
    if (attempt >= 4 || !(await movePortsInUse(run.output(), ports))) throw new Error(`launcher exited early:\n${run.output()}`);
  }
}

/**
 * Moves the ports the launcher's output says are taken: by name ("port N
 * (…) is in use by another program: stop it, or set VAR …"), or by a child's
 * EADDRINUSE (all of them when it does not say which). False when it says neither.
 */
async function movePortsInUse(output: string, ports: LauncherPorts): Promise<boolean> {
  const named = [...output.matchAll(/^port (\d+) \(.*?\) is in use by another program: stop it, or set (\w+) /gm)].flatMap((m) => {
    const name = PORT_VARIABLES[m[2] ?? ''];
    return name && ports[name] === Number(m[1]) ? [name] : [];
  });
  let moving = named;
  if (moving.length === 0 && /EADDRINUSE|address already in use/i.test(output)) {
    const said = [...output.matchAll(/(?:EADDRINUSE|address already in use)\D{0,40}?:(\d+)/gi)].map((m) => Number(m[1]));
    moving = LAUNCHER_PORTS.filter((name) => said.includes(ports[name]));
    if (moving.length === 0) moving = [...LAUNCHER_PORTS];
  }
  for (const name of moving) ports[name] = await pickPort(Object.values(ports));
  return moving.length > 0;
}

/** The pids below `pid`, children first found first (read before any is killed: an orphan leaves the tree). */
function descendants(pid: number): number[] {
  let children: number[] = [];
  try {
    children = execFileSync('pgrep', ['-P', String(pid)], { encoding: 'utf8' }).split('\n').filter(Boolean).map(Number);
  } catch {
    // none (pgrep exits 1)
  }
  return children.flatMap((child) => [child, ...descendants(child)]);
}

/**
 * Stops a launcher that is still running with all it started: Ctrl-C (it
 * stops its children itself, the worker's drain and PostgreSQL's shutdown
 * included); still there after 90 s, SIGKILL to it and to every process
 * below it (the API, the worker and the dev server are in process groups
 * of their own).
 */
export async function stop(run: Launched): Promise<void> {
  if (run.child.exitCode !== null || run.child.signalCode !== null || run.child.pid === undefined) return;
  const pid = run.child.pid;
  try {
    process.kill(-pid, 'SIGINT');
  } catch {
    return;
  }
  const done = await Promise.race([run.exited.then(() => true), new Promise<false>((r) => setTimeout(() => r(false), 90_000))]);
  if (done) return;
  const below = descendants(pid);
  for (const target of [-pid, ...below]) {
    try {
      process.kill(target, 'SIGKILL');
    } catch {
      // gone already
    }
  }
  await run.exited;
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
