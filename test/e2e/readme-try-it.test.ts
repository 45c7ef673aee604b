// The README's "Try it" block runs as written: the test takes it from
// README.md (the fenced block after its marker comment), feeds it to bash on
// stdin as a paste would, and checks what it printed. The block starts
// `npm start` itself; the test only moves its data and ports out of the way
// (DATA_DIR, PORT, DEV_*_PORT, as README "Configuration" lists), so the
// block's own DEV_NOW is what lets the submission into the window.
//
// The block's `npm start` logs into the same stdout as the block's results
// (a JSON line per log entry, from several processes), so the results are
// not read line by line: each is found by how it starts (`{"notices":`) and
// read as one balanced JSON value from there, whatever log text comes before
// it, after it on the same line (curl's output and echo's newline are two
// writes), or, written in the middle of it, as whole log lines.
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

/** The end of the JSON value (object or array) that starts at `from`, strings and escapes minded; -1 if it does not close. */
function closingOf(text: string, from: number): number {
  let depth = 0;
  let inString = false;
  for (let i = from; i < text.length; i++) {
    const c = text[i];
    if (inString) {
      if (c === '\\') i++;
      else if (c === '"') inString = false;
    } else if (c === '"') inString = true;
    else if (c === '{' || c === '[') depth++;
    else if (c === '}' || c === ']') {
      depth--;
      if (depth === 0) return i;
    }
  }
  return -1;
}

/** A log entry (infra/logger.ts: pino, one JSON object a line, `"level":"info"` first) written inside a result. */
const LOG_LINE = /\{"level":"[a-z]+"[^\n]*\n/g;

/**
 * Every JSON value in the output that starts with `start`, in order: read from
 * there to its balanced end; one that does not parse as it stands is read
 * again without the whole log lines written into it.
 */
export function resultsIn(out: string, start: string): unknown[] {
  const found: unknown[] = [];
  for (let at = out.indexOf(start); at >= 0; at = out.indexOf(start, at + 1)) {
    for (const text of [out.slice(at), out.slice(at).replace(LOG_LINE, '')]) {
      const end = closingOf(text, 0);
      if (end < 0) continue;
      try {
        found.push(JSON.parse(text.slice(0, end + 1)));
        break;
      } catch {
        // not this way: the next, or not a result
      }
    }
  }
  return found;
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

describe('the block\'s results in an output its `npm start` logs into', () => {
  const result = '{"notices":[{"id":"application-1:notice:prefecture","status":"open","subject":{"unitName":"赤水市（\\"}\\"）"}}]}';
  const log = (msg: string) => `{"level":"info","time":1,"msg":"${msg}"}\n`;
  const expected = { notices: [{ id: 'application-1:notice:prefecture', status: 'open', subject: { unitName: '赤水市（"}"）' } }] };

  it('are found on a line of their own, with a log line glued after (curl, then echo\'s newline), or after a log line cut short', () => {
    expect(resultsIn(`${log('a')}${result}\n${log('b')}`, '{"notices":')).toEqual([expected]);
    expect(resultsIn(`${result}${log('b')}\n`, '{"notices":')).toEqual([expected]);
    expect(resultsIn(`{"level":"info","msg":"cut ${result}\n"}\n`, '{"notices":')).toEqual([expected]);
  });

  it('are found with whole log lines written in the middle of them', () => {
    const [head, tail] = [result.slice(0, 40), result.slice(40)];
    expect(resultsIn(`${head}${log('x')}${log('y')}${tail}\n`, '{"notices":')).toEqual([expected]);
  });

  it('are not made up: none, or one cut off, is none', () => {
    expect(resultsIn(log('a'), '{"notices":')).toEqual([]);
    expect(resultsIn(`${result.slice(0, 30)}\n`, '{"notices":')).toEqual([]);
  });
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
    const submitted = resultsIn(out, '{"id":"').find((r): r is { id: string } => (r as { stage?: string; workflowId?: string }).stage === 'prefectureReview' && (r as { workflowId?: string }).workflowId === `application-${(r as { id: string }).id}`);
    expect(submitted, context).toBeDefined();
    const { id } = submitted!;
    // Each decision's answer, the first of its id (the last read lists the decisions again, in its own words).
    expect(resultsIn(out, '{"decisionId":"chishui-0001"')[0], context).toEqual({ decisionId: 'chishui-0001', action: 'prefectureAccept', stage: 'prefectureNotice' });
    expect(resultsIn(out, '{"decisionId":"chishui-0002"')[0], context).toMatchObject({ decisionId: 'chishui-0002', action: 'openNotice' });
    // The board, read once the notice was there: this application's notice, open now.
    const [board] = resultsIn(out, '{"notices":') as Array<{ notices: Array<{ id: string; status: string; subject: { unitName: string } }> }>;
    expect(board, context).toBeDefined();
    expect(board!.notices).toContainEqual(expect.objectContaining({ id: `application-${id}:notice:prefecture`, status: 'open', subject: expect.objectContaining({ unitName: '赤水市' }) }));
    // The last read: the application in its notice.
    expect(resultsIn(out, `{"id":"${id}"`).at(-1), context).toMatchObject({ id, stage: 'prefectureNotice' });
    // No scratch file left in the repository, and `kill $START` stopped all that `npm start` started.
    expect(existsSync(path.join(REPO, 'doc.pdf'))).toBe(false);
    expect(await portsStillOpen(ports)).toEqual([]);
  }, 240_000);
});
