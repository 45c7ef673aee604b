import { describe, expect, it } from 'vitest';
import { accessAdvice, blockedFolders, canEnter, type FolderMode } from '../../infra/postgres-user-access';

const postgres = { uid: 101, gid: 104 };
const dir = (mode: number, uid = 0, gid = 0): FolderMode => ({ mode: 0o040000 | mode, uid, gid });

describe('whether the postgres user can reach the binaries and the data (infra/postgres-user-access.ts)', () => {
  it('reads the owner\'s, the group\'s or the others\' x bit, as the kernel chooses', () => {
    expect(canEnter(dir(0o700), postgres)).toBe(false);
    expect(canEnter(dir(0o701), postgres)).toBe(true);
    expect(canEnter(dir(0o700, 101), postgres)).toBe(true);
    expect(canEnter(dir(0o710, 0, 104), postgres)).toBe(true);
    // The owner's bit decides for the owner, even when others may pass.
    expect(canEnter(dir(0o601, 101), postgres)).toBe(false);
    // A user not created yet owns nothing: the others' bit.
    expect(canEnter(dir(0o755), undefined)).toBe(true);
  });

  it('lists each blocking folder once, outermost first, and stops at folders not made yet', () => {
    const modes: Record<string, FolderMode> = {
      '/': dir(0o755), '/root': dir(0o700), '/root/app': dir(0o755), '/root/app/node_modules': dir(0o755), '/root/app/.data': dir(0o700),
    };
    const statOf = (f: string) => modes[f];
    expect(blockedFolders(['/root/app/node_modules', '/root/app/.data', '/root/app/.data/new/deeper'], postgres, statOf)).toEqual(['/root', '/root/app/.data']);
    expect(blockedFolders(['/srv/app'], postgres, (f) => (f === '/' ? dir(0o755) : f === '/srv' ? dir(0o755) : undefined))).toEqual([]);
  });

  it('says what to do, with the exact command', () => {
    const advice = accessAdvice(['/root'], '/root/app/.data');
    expect(advice).toContain('chmod o+x "/root"');
    expect(advice).toContain('DATA_DIR=');
    expect(advice).toContain('not root');
  });
});
