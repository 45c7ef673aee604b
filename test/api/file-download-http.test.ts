// Reading the materials (issue 16): GET /api/files/:id over real HTTP
// against a real files directory and PostgreSQL. Who may read a file: its
// uploader, and whoever may see a subject that cites it (an application's
// materials, a base's annual summaries, a grave act's minutes and evidence,
// a rectification report's file); everyone else 404, no token 401. The
// application, base and acts are read-model rows written here directly (the
// route reads nothing else); the files go through POST /api/files.
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pdf, zip } from '../support/documents';
import { appendAudit } from '../../activities/audit';
import { createApp } from '../../api/app';
import { createVerifier, signDevToken } from '../../api/auth';
import { contentDisposition } from '../../api/files';
import type { Actor } from '../../workflows/messages';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { devServerEnv } from '../support/temporal';

const SECRET = 'file-download-secret-0123456789abcdef';
let env: TestWorkflowEnvironment;
let database: TestDatabase;
let filesDir: string;
let server: Server;
let base: string;

const applicant: Actor = { sub: 'chishui', role: 'applicant', prefecture: '520300' };
const otherApplicant: Actor = { sub: 'xishui', role: 'applicant', prefecture: '520300' };
const officerOwn: Actor = { sub: 'zunyi-1', role: 'prefectureOfficer', prefecture: '520300' };
const officerForeign: Actor = { sub: 'guiyang-1', role: 'prefectureOfficer', prefecture: '520100' };
const province: Actor = { sub: 'province-1', role: 'provinceOfficer' };
const ops: Actor = { sub: 'ops-1', role: 'ops' };
const expertAssigned: Actor = { sub: randomUUID(), role: 'expert' };
const expertOther: Actor = { sub: randomUUID(), role: 'expert' };

/** A multipart body written by hand; the name goes as RFC 5987 `filename*`, so any character reaches the server. */
function multipart(data: Buffer, filename: string) {
  const boundary = `----ls${randomBytes(8).toString('hex')}`;
  const head = `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename*=UTF-8''${encodeURIComponent(filename)}\r\nContent-Type: application/octet-stream\r\n\r\n`;
  return { body: Buffer.concat([Buffer.from(head), data, Buffer.from(`\r\n--${boundary}--\r\n`)]), contentType: `multipart/form-data; boundary=${boundary}` };
}

async function upload(actor: Actor, data: Buffer, filename: string): Promise<{ fileId: string; name: string }> {
  const { body, contentType } = multipart(data, filename);
  const res = await fetch(`${base}/api/files`, { method: 'POST', headers: { 'content-type': contentType, authorization: `Bearer ${await signDevToken(SECRET, actor)}` }, body });
  expect(res.status).toBe(201);
  return (await res.json()) as { fileId: string; name: string };
}

async function download(actor: Actor | undefined, fileId: string) {
  const headers: Record<string, string> = actor ? { authorization: `Bearer ${await signDevToken(SECRET, actor)}` } : {};
  const res = await fetch(`${base}/api/files/${encodeURIComponent(fileId)}`, { headers });
  return { status: res.status, headers: res.headers, bytes: Buffer.from(await res.arrayBuffer()) };
}

async function getJson(actor: Actor, urlPath: string) {
  const res = await fetch(base + urlPath, { headers: { authorization: `Bearer ${await signDevToken(SECRET, actor)}` } });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}



const LETTER_NAME = '申报函"终稿".pdf';
const letterBytes = pdf('申报函');
const planBytes = zip({ '[Content_Types].xml': '<Types/>', 'word/document.xml': '<w:document/>' });
let letter = '';
let plan = '';
let applicationId = '';
let baseId = '';
let summaryFile = '';
let minutesFile = '';
let reportFile = '';
let strayFile = '';

beforeAll(async () => {
  [env, database] = await Promise.all([devServerEnv(), createTestDatabase()]);
  filesDir = await mkdtemp(path.join(tmpdir(), 'liangshan-download-'));
  const app = createApp({ db: database.db, temporal: env.client, taskQueue: 'file-download-no-worker', verify: createVerifier({ jwtSecret: SECRET }), filesDir });
  server = app.listen(0, '127.0.0.1');
  await new Promise((r) => server.once('listening', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  letter = (await upload(applicant, letterBytes, LETTER_NAME)).fileId;
  plan = (await upload(applicant, planBytes, '建设实施方案.docx')).fileId;
  applicationId = randomUUID().replaceAll('-', '').slice(0, 20);
  const db = database.db;
  await db.application.create({
    data: {
      id: applicationId, workflowId: `application-${applicationId}`, year: 2027, unitName: '赤水市', unitType: 'county', prefectures: ['520300'],
      applicantName: '赤水市人民政府', applicantSub: applicant.sub, contactEmail: 'gov@chishui.example', stage: 'provinceReview', submittedAt: new Date(),
      materials: [{ kind: 'applicationLetter', fileId: letter }, { kind: 'implementationPlan', fileId: plan, issuedBy: 'county', chapters: [] }],
    },
  });
  // Both experts from 贵阳市: no conflict with a unit of 遵义市; only one is assigned.
  for (const e of [expertAssigned, expertOther]) await db.expert.create({ data: { id: e.sub, name: '专家', email: `${e.sub.slice(0, 8)}@experts.example`, region: '520100' } });
  await db.expertReview.create({ data: { id: `${applicationId}:${expertAssigned.sub}`, applicationId, expertId: expertAssigned.sub, assignedAt: new Date() } });

  // A base of 遵义市 (another unit, so that the application's readers are not the base's by accident).
  baseId = randomUUID();
  await db.base.create({
    data: {
      id: baseId, workflowId: `base-${baseId}`, unitName: '习水县', unitType: 'county', prefectures: ['520300'], applicantSub: otherApplicant.sub,
      contactEmail: 'base@xishui.example', status: 'warned', namedOn: '2027-06-01', termStartsOn: '2027-06-01', termEndsOn: '2030-05-31',
    },
  });
  summaryFile = (await upload(otherApplicant, pdf('2027年度工作总结'), '2027年度工作总结.pdf')).fileId;
  await db.baseSummary.create({ data: { id: `${baseId}:2027:1`, baseId, year: 2027, version: 1, fileId: summaryFile, summary: '总结', late: false, submittedBy: otherApplicant.sub, submittedAt: new Date() } });
  minutesFile = (await upload(province, pdf('厅务会纪要'), '厅务会纪要.pdf')).fileId;
  const at = new Date().toISOString();
  await appendAudit(db, {
    decisionId: `warn-${baseId}`, subjectType: 'base', subjectId: baseId, workflowId: `base-${baseId}`, action: 'warn', actorSub: province.sub, actorRole: 'provinceOfficer',
    payload: { ground: 1, deliberationBody: '厅务会', deliberationDate: '2027-07-01', minutesFileId: minutesFile, evidenceFileIds: [] }, outcome: 'applied', resultStage: 'warned', at,
  });
  reportFile = (await upload(otherApplicant, pdf('整改报告'), '整改报告.pdf')).fileId;
  await appendAudit(db, {
    decisionId: `report-${baseId}`, subjectType: 'base', subjectId: baseId, workflowId: `base-${baseId}`, action: 'reportRectification', actorSub: otherApplicant.sub, actorRole: 'applicant',
    payload: { report: '已整改', fileId: reportFile }, outcome: 'applied', at,
  });
  // A rectification report that cites someone else's file (the route does not check it) grants nothing.
  strayFile = (await upload(applicant, pdf('别人的文件'), '别人的文件.pdf')).fileId;
  await appendAudit(db, {
    decisionId: `report2-${baseId}`, subjectType: 'base', subjectId: baseId, workflowId: `base-${baseId}`, action: 'reportRectification', actorSub: otherApplicant.sub, actorRole: 'applicant',
    payload: { report: '引用他人文件', fileId: strayFile }, outcome: 'applied', at,
  });
});

afterAll(async () => {
  await new Promise((r) => server?.close(r));
  await env?.teardown();
  await database?.drop();
  if (filesDir) await rm(filesDir, { recursive: true, force: true });
});

describe('GET /api/files/:id: who may read an application material', () => {
  it('answers 200 to whoever sees the application, 404 to everyone else, 401 without a token', async () => {
    const cells: Array<[string, Actor | undefined, number]> = [
      ['applicant (uploader)', applicant, 200],
      ['another applicant of the same prefecture', otherApplicant, 404],
      ['officer of 遵义市', officerOwn, 200],
      ['officer of 贵阳市', officerForeign, 404],
      ['province', province, 200],
      ['assigned expert', expertAssigned, 200],
      ['expert not assigned', expertOther, 404],
      ['ops', ops, 200],
      ['no token', undefined, 401],
    ];
    const got = await Promise.all(cells.map(async ([who, actor]) => [who, (await download(actor, letter)).status] as const));
    expect(Object.fromEntries(got)).toEqual(Object.fromEntries(cells.map(([who, , status]) => [who, status])));
  });

  it('serves the stored bytes as PDF, inline, with a safe name and headers that keep it from running in the console', async () => {
    const r = await download(officerOwn, letter);
    expect(r.status).toBe(200);
    expect(r.bytes.equals(letterBytes)).toBe(true);
    expect(r.headers.get('content-type')).toBe('application/pdf');
    expect(r.headers.get('content-length')).toBe(String(letterBytes.length));
    expect(r.headers.get('x-content-type-options')).toBe('nosniff');
    expect(r.headers.get('content-security-policy')).toMatch(/\bsandbox\b/);
    expect(r.headers.get('content-security-policy')).toContain("default-src 'none'");
    expect(r.headers.get('cache-control')).toContain('no-store');
    const disposition = r.headers.get('content-disposition')!;
    // The quote of the name never reaches the quoted fallback; the real name is in filename*.
    expect(disposition).toBe(`inline; filename="file.pdf"; filename*=UTF-8''${encodeURIComponent(LETTER_NAME)}`);
    expect(decodeURIComponent(/filename\*=UTF-8''(.+)$/.exec(disposition)![1]!)).toBe(LETTER_NAME);
  });

  it('serves a DOCX as an attachment with its type', async () => {
    const r = await download(expertAssigned, plan);
    expect(r.status).toBe(200);
    expect(r.bytes.equals(planBytes)).toBe(true);
    expect(r.headers.get('content-type')).toBe('application/vnd.openxmlformats-officedocument.wordprocessingml.document');
    expect(r.headers.get('content-disposition')).toBe(`attachment; filename="file.docx"; filename*=UTF-8''${encodeURIComponent('建设实施方案.docx')}`);
  });

  it('answers an unknown id like a hidden one, and counts refused reads without chaining them', async () => {
    expect((await download(province, randomUUID())).status).toBe(404);
    expect((await download(province, 'x'.repeat(300))).status).toBe(404);
    const hidden = await download(officerForeign, letter);
    expect(hidden.status).toBe(404);
    expect(JSON.parse(hidden.bytes.toString())).toMatchObject({ error: { code: 'notFound' } });
    expect(await database.db.refusedRead.findFirst({ where: { actorSub: officerForeign.sub, route: '/api/files/:id', status: 404 } })).toMatchObject({ lastSubject: letter });
    expect(await database.db.decision.count({ where: { outcome: 'refused', subjectType: 'file' } })).toBe(0);
  });

  it('lists the materials by name on the application', async () => {
    const r = await getJson(officerOwn, `/api/applications/${applicationId}`);
    expect(r.status).toBe(200);
    expect(r.body.materials).toEqual([
      { kind: 'applicationLetter', fileId: letter, name: LETTER_NAME },
      { kind: 'implementationPlan', fileId: plan, issuedBy: 'county', chapters: [], name: '建设实施方案.docx' },
    ]);
  });
});

describe('GET /api/files/:id: a base’s summaries, grave acts and rectification reports', () => {
  it('lets those who see the base read its summary, the minutes of its warning and its rectification report', async () => {
    for (const fileId of [summaryFile, minutesFile, reportFile]) {
      const statuses = {
        baseApplicant: (await download(otherApplicant, fileId)).status,
        officerOwn: (await download(officerOwn, fileId)).status,
        officerForeign: (await download(officerForeign, fileId)).status,
        province: (await download(province, fileId)).status,
        ops: (await download(ops, fileId)).status,
        expert: (await download(expertAssigned, fileId)).status,
        applicantElsewhere: (await download(applicant, fileId)).status,
      };
      expect(statuses).toEqual({ baseApplicant: 200, officerOwn: 200, officerForeign: 404, province: 200, ops: 200, expert: 404, applicantElsewhere: 404 });
    }
  });

  it('grants nothing through a report that cites a file its author did not upload', async () => {
    expect((await download(officerOwn, strayFile)).status).toBe(404);
    expect((await download(otherApplicant, strayFile)).status).toBe(404);
    expect((await download(applicant, strayFile)).status).toBe(200);
  });

  it('lists the annual summaries with their file’s name', async () => {
    const r = await getJson(officerOwn, `/api/bases/${baseId}`);
    expect(r.status).toBe(200);
    const [summary] = r.body.summaries as Array<{ fileId: string; name: string; versions: Array<{ name: string }> }>;
    expect(summary).toMatchObject({ fileId: summaryFile, name: '2027年度工作总结.pdf' });
    expect(summary!.versions[0]!.name).toBe('2027年度工作总结.pdf');
  });
});

describe('contentDisposition', () => {
  it('never lets a name end the header or the quoted string', () => {
    const header = contentDisposition('a"b\r\nSet-Cookie: x=1;\\%.pdf', 'application/pdf');
    expect(header).not.toMatch(/[\r\n]/);
    expect(header).toBe(`inline; filename="a_bSet-Cookie: x=1___.pdf"; filename*=UTF-8''a%22bSet-Cookie%3A%20x%3D1%3B%5C%25.pdf`);
    expect(contentDisposition("报告(终)'s*.xlsx", 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet')).toBe(
      `attachment; filename="__(_)'s*.xlsx"; filename*=UTF-8''%E6%8A%A5%E5%91%8A%28%E7%BB%88%29%27s%2A.xlsx`,
    );
  });
});
