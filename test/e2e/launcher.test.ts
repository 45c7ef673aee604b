// `npm start` as a person uses it: the launcher brings up Temporal (dev
// server with its SQLite file), PostgreSQL, the SMTP sink, a worker and the
// API; Ctrl-C (SIGINT to the process group) stops all of it; a second start
// finds the same workflows, rows and mails.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { signDevToken } from '../../api/auth';
import { freePort } from '../../infra/ports';

let dataDir: string;
let launcher: ChildProcess | undefined;
const ports: Record<string, number> = {};

async function start(): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'scripts/dev.ts'], {
    cwd: path.resolve(import.meta.dirname, '../..'),
    env: {
      ...process.env,
      DATA_DIR: dataDir,
      PORT: String(ports.api),
      DEV_TEMPORAL_PORT: String(ports.temporal),
      DEV_TEMPORAL_UI_PORT: String(ports.ui),
      DEV_POSTGRES_PORT: String(ports.postgres),
      DEV_SMTP_PORT: String(ports.smtp),
      DEV_MAILBOX_PORT: String(ports.mailbox),
      // The acceptance window's development clock (README, Configuration): inside the 2027
      // acceptance window (Art. 11), so the submission is accepted on any day.
      DEV_NOW: '2027-03-02T10:00:00+08:00',
    },
    // Its own process group, like a shell's foreground job receiving Ctrl-C.
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (d) => (output += String(d)));
  child.stderr?.on('data', (d) => (output += String(d)));
  const deadline = Date.now() + 90_000;
  while (!output.includes('Ctrl-C stops everything')) {
    if (child.exitCode !== null) throw new Error(`launcher exited early:\n${output}`);
    if (Date.now() > deadline) throw new Error(`launcher not ready in 90 s:\n${output}`);
    await new Promise((r) => setTimeout(r, 250));
  }
  return child;
}

async function interrupt(child: ChildProcess): Promise<number | null> {
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  process.kill(-child.pid!, 'SIGINT');
  return exited;
}

const listening = (port: number) =>
  new Promise<boolean>((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    socket.once('connect', () => (socket.destroy(), resolve(true)));
    socket.once('error', () => resolve(false));
  });

afterAll(async () => {
  if (launcher && launcher.exitCode === null) await interrupt(launcher);
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

describe('npm start (scripts/dev.ts)', () => {
  it('runs the whole system, stops on Ctrl-C, and finds the same data on the next start', async () => {
    dataDir = await mkdtemp(path.join(tmpdir(), 'liangshan-dev-'));
    for (const name of ['api', 'temporal', 'ui', 'postgres', 'smtp', 'mailbox']) ports[name] = await freePort();
    const api = `http://127.0.0.1:${ports.api}`;

    launcher = await start();
    expect(await (await fetch(`${api}/api/health`)).json()).toEqual({ status: 'ok', temporal: 'ok', database: 'ok' });
    expect((await fetch(`http://127.0.0.1:${ports.ui}/`)).status).toBe(200);

    const secret = (await readFile(path.join(dataDir, 'dev-secret'), 'utf8')).trim();
    const token = await signDevToken(secret, { sub: 'chishui', role: 'applicant', prefecture: '520300' });
    // The materials are uploaded first (POST /api/files), then named by id.
    const ids: string[] = [];
    for (const name of ['letter', 'condition-1', 'condition-2', 'condition-3', 'condition-4', 'plan']) {
      const form = new FormData();
      form.append('file', new Blob([`%PDF-1.7\n${name}\n%%EOF\n`]), `${name}.pdf`);
      const uploaded = await fetch(`${api}/api/files`, { method: 'POST', headers: { authorization: `Bearer ${token}` }, body: form });
      expect(uploaded.status).toBe(201);
      ids.push(((await uploaded.json()) as { fileId: string }).fileId);
    }
    const submitted = await fetch(`${api}/api/applications`, {
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
    const mailbox = `http://127.0.0.1:${ports.mailbox}/messages`;
    for (let n = 0; n < 100; n++) {
      if (((await (await fetch(mailbox)).json()) as unknown[]).length >= 2) break;
      await new Promise((r) => setTimeout(r, 200));
    }

    expect(await interrupt(launcher)).toBe(0);
    for (const port of Object.values(ports)) expect(await listening(port)).toBe(false);

    launcher = await start();
    const read = await fetch(`${api}/api/applications/${id}`, { headers: { authorization: `Bearer ${token}` } });
    expect(read.status).toBe(200);
    expect(await read.json()).toMatchObject({ id, stage: 'prefectureReview', openTasks: [expect.objectContaining({ step: 'prefectureReview' })] });
    const mails = (await (await fetch(mailbox)).json()) as Array<{ subject: string }>;
    expect(mails.map((m) => m.subject)).toContain('【两山基地申报】赤水市的2027年度申报已受理');
    // The workflow kept running across the restart: the dev server's SQLite file held it.
    const officer = await signDevToken(secret, { sub: 'o', role: 'prefectureOfficer', prefecture: '520300' });
    const decided = await fetch(`${api}/api/applications/${id}/decisions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${officer}`, 'content-type': 'application/json' },
      body: JSON.stringify({ decisionId: 'restart-0001', action: 'prefectureAccept' }),
    });
    expect(await decided.json()).toEqual({ decisionId: 'restart-0001', action: 'prefectureAccept', stage: 'prefectureNotice' });
    expect(await interrupt(launcher)).toBe(0);
  }, 240_000);
});
