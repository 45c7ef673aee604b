import net from 'node:net';

/** A TCP port that was free a moment ago on 127.0.0.1. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/** True when nothing holds `port` on `host`: a listen there succeeds (and is closed at once). */
export function portIsFree(port: number, host = '127.0.0.1'): Promise<boolean> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once('error', () => resolve(false));
    server.listen({ port, host, exclusive: true }, () => server.close(() => resolve(true)));
  });
}

/** A port a process of ours is about to listen on, and what moves it elsewhere. */
export interface PlannedPort {
  port: number;
  /** Who listens there, as a person calls it ("the API", "PostgreSQL"). */
  service: string;
  /** The variable that moves it. */
  variable: string;
}

/**
 * One line per planned port something else already holds, saying which
 * service wanted it and how to move it; empty when all are free. Checked
 * before anything starts, so a taken port stops the launcher with its name
 * rather than half-way with a child's error.
 */
export async function busyPortMessages(planned: PlannedPort[]): Promise<string[]> {
  const busy: string[] = [];
  for (const p of planned) {
    if (p.port === 0 || (await portIsFree(p.port))) continue;
    busy.push(`port ${p.port} (${p.service}) is in use by another program: stop it, or set ${p.variable} to a free port, e.g. ${p.variable}=${p.port + 1} npm start`);
  }
  return busy;
}
