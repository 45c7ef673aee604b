// The README's "Try it" block runs as written: the test takes it from
// README.md (the fenced block after its marker comment), feeds it to bash on
// stdin as a paste would, and checks what it printed. The block starts
// `npm start` itself; the test only moves its data and ports out of the way
// (DATA_DIR, PORT, DEV_*_PORT, as README "Configuration" lists), so the
// block's own DEV_NOW is what lets the submission into the window.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { launcherEnv, launcherPorts, portsStillOpen, REPO, type LauncherPorts } from '../support/launcher';

const MARKER = '<!-- try-it:';

/** The first ```sh block after the marker, as it stands in the README. */
export function tryItBlock(readme: string): string {
  const marker = readme.indexOf(MARKER);
  if (marker < 0) throw new Error(`README.md has no ${MARKER} marker`);
  const open = readme.indexOf('```sh\n', marker);
  const close = readme.indexOf('\n```\n', open);
  if (open < 0 || close < 0) throw new Error('no ```sh block after the try-it marker');
  return readme.slice(open + '```sh\n'.length, close + 1);
}

let dataDir: string | undefined;
let ports: LauncherPorts | undefined;
let shell: ReturnType<typeof spawn> | undefined;

afterAll(async () => {
  // A block that failed half-way may have left its `npm start`: the shell's
  // process group (no job control: npm is in it) gets the SIGTERM.
  if (shell?.pid !== undefined && shell.exitCode === null) process.kill(-shell.pid, 'SIGTERM');
  if (ports) await portsStillOpen(ports);
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

describe('README "Try it"', () => {
  it('runs pasted into bash as written: the application reaches its notice and the public board lists it', async () => {
    const block = tryItBlock(await readFile(path.join(REPO, 'README.md'), 'utf8'));
    dataDir = await mkdtemp(path.join(tmpdir(), 'liangshan-try-it-'));
    ports = await launcherPorts();
    const env = launcherEnv(dataDir, ports);
    delete env.DEV_NOW;
    delete env.AUTH_JWT_SECRET;
    expect(existsSync(path.join(REPO, 'doc.pdf')), 'a doc.pdf is already in the repository').toBe(false);

    shell = spawn('bash', [], { cwd: REPO, env, detached: true, stdio: ['pipe', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    shell.stdout?.on('data', (d) => (out += String(d)));
    shell.stderr?.on('data', (d) => (err += String(d)));
    const exited = new Promise<number | null>((resolve) => shell?.once('exit', (code) => resolve(code)));
    shell.stdin?.end(block);
    const code = await exited;
    const context = `stdout:\n${out.slice(-4000)}\nstderr:\n${err.slice(-4000)}`;

    expect(code, context).toBe(0);
    expect(err, context).not.toMatch(/not seen:|command not found|undefined/);
    const submitted = /\{"id":"([^"]+)","workflowId":"application-\1","stage":"prefectureReview"/.exec(out);
    expect(submitted, context).not.toBeNull();
    const id = submitted![1];
    expect(out).toContain('{"decisionId":"chishui-0001","action":"prefectureAccept","stage":"prefectureNotice"}');
    expect(out).toMatch(/\{"decisionId":"chishui-0002","action":"openNotice"/);
    // The board, read once the notice was there: this application's notice, open now.
    const board = out.split('\n').find((line) => line.startsWith('{"notices":'));
    expect(board, context).toBeDefined();
    const notices = (JSON.parse(board!) as { notices: Array<{ id: string; status: string; subject: { unitName: string } }> }).notices;
    expect(notices).toContainEqual(expect.objectContaining({ id: `application-${id}:notice:prefecture`, status: 'open', subject: expect.objectContaining({ unitName: '赤水市' }) }));
    // The last read: the application in its notice.
    expect(out).toMatch(new RegExp(`\\{"id":"${id}".*"stage":"prefectureNotice"`));
    // No scratch file left in the repository, and `kill $START` stopped all that `npm start` started.
    expect(existsSync(path.join(REPO, 'doc.pdf'))).toBe(false);
    expect(await portsStillOpen(ports)).toEqual([]);
  }, 240_000);
});
