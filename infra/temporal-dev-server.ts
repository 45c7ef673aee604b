// Runs `temporal server start-dev` as a child process: SQLite persistence in
// a file (a second start finds the same workflows), the Web UI, and our
// search attributes registered.
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { readFile } from 'node:fs/promises';
import net from 'node:net';
import { searchAttributeKeys } from '../workflows/search-attributes';

const TYPE_NAMES: Record<string, string> = {
  KEYWORD: 'Keyword', KEYWORD_LIST: 'KeywordList', INT: 'Int', TEXT: 'Text', BOOL: 'Bool', DOUBLE: 'Double', DATETIME: 'Datetime',
};

export function searchAttributeArgs(): string[] {
  return searchAttributeKeys.flatMap((k) => ['--search-attribute', `${k.name}=${TYPE_NAMES[k.type] ?? k.type}`]);
}

export function waitForPort(port: number, host: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  return new Promise((resolve, reject) => {
    const attempt = () => {
      const socket = net.connect(port, host);
      socket.once('connect', () => {
        socket.destroy();
        resolve();
      });
      socket.once('error', () => {
        socket.destroy();
        if (Date.now() > deadline) reject(new Error(`nothing listens on ${host}:${port} after ${timeoutMs} ms`));
        else setTimeout(attempt, 200);
      });
    };
    attempt();
  });
}

export interface DevServer {
  process: ChildProcess;
  address: string;
  stop(): Promise<void>;
}

export async function startTemporalDevServer(options: {
  cliPath: string;
  port: number;
  uiPort?: number;
  dbFile: string;
  logFile: string;
  namespace?: string;
  /**
   * Its own process group (the launcher): a Ctrl-C in the terminal then
   * reaches the launcher only, which stops the server after the worker.
   */
  ownProcessGroup?: boolean;
}): Promise<DevServer> {
  const args = [
    'server', 'start-dev',
    '--ip', '127.0.0.1',
    '--port', String(options.port),
    '--namespace', options.namespace ?? 'default',
    '--db-filename', options.dbFile,
    '--log-format', 'json',
    ...(options.uiPort ? ['--ui-port', String(options.uiPort)] : ['--headless']),
    ...searchAttributeArgs(),
  ];
  const child = spawn(options.cliPath, args, { stdio: ['ignore', 'pipe', 'pipe'], detached: options.ownProcessGroup ?? false });
  const log = createWriteStream(options.logFile, { flags: 'a' });
  child.stdout?.pipe(log);
  child.stderr?.pipe(log);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const early = exited.then(async () => {
    // Its last words (a port taken, a locked database file) say why.
    const tail = (await readFile(options.logFile, 'utf8').catch(() => '')).trim().split('\n').slice(-5).join('\n');
    throw new Error(`temporal server start-dev (port ${options.port}) exited early; see ${options.logFile}:\n${tail}`);
  });
  await Promise.race([waitForPort(options.port, '127.0.0.1', 30_000), early]);
  early.catch(() => {});
  return {
    process: child,
    address: `127.0.0.1:${options.port}`,
    async stop() {
      if (child.exitCode !== null) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
    },
  };
}
