// Uploads and submission checks over real HTTP: POST /api/files against a
// real files directory and PostgreSQL, and POST /api/applications refusing
// what Art. 7, 8, 11 and 12 refuse before any workflow starts. The Temporal
// dev server is there for the one valid submission (no worker is needed to
// start a workflow).
import { createHash, randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pdf, zip } from '../support/documents';
import { createApp } from '../../api/app';
import { createVerifier, signDevToken } from '../../api/auth';
import { checkOfficerFiles } from '../../api/files';
import type { Actor } from '../../workflows/messages';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { devServerEnv } from '../support/temporal';

const SECRET = 'files-secret-0123456789abcdef0123456789';
const MAX_BYTES = 256 * 1024;
let env: TestWorkflowEnvironment;
let database: TestDatabase;
let filesDir: string;
let server: Server;
let base: string;
let now = new Date('2027-03-02T02:00:00Z');

beforeAll(async () => {
  [env, database] = await Promise.all([devServerEnv(), createTestDatabase()]);
  filesDir = await mkdtemp(path.join(tmpdir(), 'liangshan-files-'));
  const app = createApp({
    db: database.db,
    temporal: env.client,
    taskQueue: 'files-test-no-worker',
    verify: createVerifier({ jwtSecret: SECRET }),
    clock: () => now,
    filesDir,
    filesMaxBytes: MAX_BYTES,
  });
  server = app.listen(0, '127.0.0.1');
  await new Promise((r) => server.once('listening', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise((r) => server?.close(r));
  await env?.teardown();
  await database?.drop();
  if (filesDir) await rm(filesDir, { recursive: true, force: true });
});

const applicant: Actor = { sub: 'chishui', role: 'applicant', prefecture: '520300' };
const otherApplicant: Actor = { sub: 'xishui', role: 'applicant', prefecture: '520300' };
const officer: Actor = { sub: 'zunyi-1', role: 'prefectureOfficer', prefecture: '520300' };
const province: Actor = { sub: 'province-1', role: 'provinceOfficer' };
const expert: Actor = { sub: 'expert-1', role: 'expert' };
const ops: Actor = { sub: 'ops-1', role: 'ops' };

/** A multipart body written by hand, so file names reach the server exactly as given. */
function multipart(parts: Array<{ field: string; filename?: string; data: Buffer | string }>) {
  const boundary = `----ls${randomBytes(8).toString('hex')}`;
  const chunks: Buffer[] = [];
  for (const p of parts) {
    const disposition = `form-data; name="${p.field}"${p.filename !== undefined ? `; filename="${p.filename}"` : ''}`;
    const type = p.filename !== undefined ? 'Content-Type: application/octet-stream\r\n' : '';
    chunks.push(Buffer.from(`--${boundary}\r\nContent-Disposition: ${disposition}\r\n${type}\r\n`));
    chunks.push(Buffer.isBuffer(p.data) ? p.data : Buffer.from(p.data));
    chunks.push(Buffer.from('\r\n'));
  }
  chunks.push(Buffer.from(`--${boundary}--\r\n`));
  return { body: Buffer.concat(chunks), contentType: `multipart/form-data; boundary=${boundary}` };
}

async function upload(actor: Actor | undefined, data: Buffer, filename = 'doc.pdf', extraParts: Array<{ field: string; filename?: string; data: Buffer | string }> = []) {
  const { body, contentType } = multipart([{ field: 'file', filename, data }, ...extraParts]);
  const headers: Record<string, string> = { 'content-type': contentType };
  if (actor) headers.authorization = `Bearer ${await signDevToken(SECRET, actor)}`;
  const res = await fetch(`${base}/api/files`, { method: 'POST', headers, body });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

async function call(method: string, urlPath: string, actor: Actor, body?: unknown) {
  const res = await fetch(base + urlPath, {
    method,
    headers: { 'content-type': 'application/json', authorization: `Bearer ${await signDevToken(SECRET, actor)}` },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');


/** What is in the files directory besides the (empty) temporary folder. */
async function storedFiles(): Promise<string[]> {
  const out: string[] = [];
  for (const dir of await readdir(filesDir)) {
    if (dir === '.tmp') continue;
    for (const f of await readdir(path.join(filesDir, dir))) out.push(`${dir}/${f}`);
  }
  return out.sort();
}

describe('POST /api/files', () => {
  it('stores a PDF at its content address and answers its sha256, size and type', async () => {
    const bytes = pdf('申报函 赤水市');
    const res = await upload(applicant, bytes, '申报函.pdf');
    expect(res.status).toBe(201);
    const hash = sha256(bytes);
    expect(res.body).toEqual({ fileId: expect.any(String), sha256: hash, size: bytes.length, contentType: 'application/pdf', name: '申报函.pdf' });
    expect(await readFile(path.join(filesDir, hash.slice(0, 2), hash))).toEqual(bytes);
    const row = await database.db.file.findUniqueOrThrow({ where: { id: String(res.body.fileId) } });
    expect(row).toMatchObject({ sha256: hash, uploadedBy: 'chishui', originalName: '申报函.pdf', storagePath: path.join(hash.slice(0, 2), hash) });
  });

  it('stores the same bytes once, however often and by whom they are uploaded', async () => {
    const bytes = pdf(`same ${randomBytes(4).toString('hex')}`);
    const before = await storedFiles();
    const a = await upload(applicant, bytes);
    const b = await upload(otherApplicant, bytes, 'copy.pdf');
    expect([a.status, b.status]).toEqual([201, 201]);
    expect(a.body.fileId).not.toBe(b.body.fileId);
    expect(a.body.sha256).toBe(b.body.sha256);
    expect(await storedFiles()).toEqual([...before, `${sha256(bytes).slice(0, 2)}/${sha256(bytes)}`].sort());
    expect(await database.db.file.count({ where: { sha256: sha256(bytes) } })).toBe(2);
  });

  it('recognises PNG, JPEG, docx, xlsx and OFD by their bytes, whatever the name says', async () => {
    const png = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), randomBytes(64)]);
    const jpeg = Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), randomBytes(64)]);
    const docx = zip({ '[Content_Types].xml': '<Types/>', 'word/document.xml': '<w:document/>' });
    const xlsx = zip({ '[Content_Types].xml': '<Types/>', 'xl/workbook.xml': '<workbook/>' });
    const ofd = zip({ 'OFD.xml': '<ofd:OFD/>', 'Doc_0/Document.xml': '<ofd:Document/>' });
    const types = [];
    for (const [bytes, name] of [[png, 'a.exe'], [jpeg, 'b.pdf'], [docx, 'c.zip'], [xlsx, 'd.docx'], [ofd, 'e.txt']] as const) {
      types.push((await upload(applicant, bytes, name)).body.contentType);
    }
    expect(types).toEqual([
      'image/png',
      'image/jpeg',
      'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
      'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
      'application/ofd',
    ]);
  });

  it('refuses an executable, unknown bytes or a plain zip with 422 naming the allowed types, keeping nothing', async () => {
    const before = await storedFiles();
    const exe = Buffer.concat([Buffer.from('MZ\x90\x00\x03\x00\x00\x00', 'latin1'), randomBytes(1024)]);
    const plainZip = zip({ 'setup.exe': 'MZ', 'readme.txt': 'hi' });
    for (const [bytes, name] of [[exe, 'plan.pdf'], [Buffer.from('just text, no magic'), 'a.pdf'], [plainZip, 'plan.docx'], [Buffer.from('%P'), 'short.pdf']] as const) {
      const res = await upload(applicant, bytes, name);
      expect(res.status).toBe(422);
      expect(res.body.error).toMatchObject({ code: 'invalid', message: expect.stringContaining('PDF、PNG 图片、JPEG 图片、Word 文档（.docx）、Excel 表格（.xlsx）、OFD 版式文件') });
    }
    expect(await storedFiles()).toEqual(before);
    expect(await readdir(path.join(filesDir, '.tmp'))).toEqual([]);
  });

  it('accepts a file of exactly the limit and refuses a larger one with 413, leaving no partial file', async () => {
    const atLimit = Buffer.concat([Buffer.from('%PDF-1.7\n'), randomBytes(MAX_BYTES - 9)]);
    expect((await upload(applicant, atLimit)).status).toBe(201);
    const before = await storedFiles();
    const tooBig = Buffer.concat([Buffer.from('%PDF-1.7\n'), randomBytes(MAX_BYTES * 4)]);
    const res = await upload(applicant, tooBig);
    expect(res.status).toBe(413);
    expect(res.body.error).toEqual({ code: 'tooLarge', message: '文件超过大小上限 256 KiB' });
    expect(await storedFiles()).toEqual(before);
    expect(await readdir(path.join(filesDir, '.tmp'))).toEqual([]);
    expect(await database.db.file.count({ where: { sha256: sha256(tooBig) } })).toBe(0);
  });

  it('keeps a traversal file name as harmless metadata and stores by content only', async () => {
    const bytes = pdf(`traversal ${randomBytes(4).toString('hex')}`);
    const parent = path.dirname(filesDir);
    const res = await upload(applicant, bytes, '../../etc/passwd');
    expect(res.status).toBe(201);
    expect(res.body.name).toBe('passwd');
    const win = await upload(applicant, pdf('windows'), '..\\..\\Windows\\evil.pdf');
    expect(win.body.name).toBe('evil.pdf');
    const dots = await upload(applicant, pdf('dots'), '..');
    expect(dots.body.name).toBe('file');
    expect(existsSync(path.join(parent, 'etc', 'passwd'))).toBe(false);
    expect(existsSync(path.join(filesDir, '..', 'passwd'))).toBe(false);
    const hash = sha256(bytes);
    expect(await readFile(path.join(filesDir, hash.slice(0, 2), hash))).toEqual(bytes);
    expect((await readdir(filesDir)).every((d) => d === '.tmp' || /^[0-9a-f]{2}$/.test(d))).toBe(true);
  });

  it('takes exactly one file: none or two are refused with 400', async () => {
    const two = await upload(applicant, pdf('one'), 'one.pdf', [{ field: 'file2', filename: 'two.pdf', data: pdf('two') }]);
    expect(two.status).toBe(400);
    const none = multipart([{ field: 'note', data: 'no file here' }]);
    const res = await fetch(`${base}/api/files`, {
      method: 'POST',
      headers: { 'content-type': none.contentType, authorization: `Bearer ${await signDevToken(SECRET, applicant)}` },
      body: none.body,
    });
    expect(res.status).toBe(400);
    const json = await fetch(`${base}/api/files`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${await signDevToken(SECRET, applicant)}` },
      body: '{}',
    });
    expect(json.status).toBe(400);
  });

  it('takes uploads from applicants and officers, recording who uploaded in which role and prefecture; 403 for an expert or ops, 401 without a token', async () => {
    const minutes = await upload(officer, pdf(`会议纪要 ${randomBytes(4).toString('hex')}`), '集体审议会议纪要.pdf');
    expect(minutes.status).toBe(201);
    expect(await database.db.file.findUniqueOrThrow({ where: { id: String(minutes.body.fileId) } })).toMatchObject({
      uploadedBy: officer.sub, uploaderRole: 'prefectureOfficer', uploaderPrefecture: '520300', originalName: '集体审议会议纪要.pdf',
    });
    const evidence = await upload(province, pdf(`证据 ${randomBytes(4).toString('hex')}`), '督察证据.pdf');
    expect(evidence.status).toBe(201);
    expect(await database.db.file.findUniqueOrThrow({ where: { id: String(evidence.body.fileId) } })).toMatchObject({ uploaderRole: 'provinceOfficer', uploaderPrefecture: null });
    const own = await upload(applicant, pdf(`材料 ${randomBytes(4).toString('hex')}`));
    expect(await database.db.file.findUniqueOrThrow({ where: { id: String(own.body.fileId) } })).toMatchObject({ uploaderRole: 'applicant', uploaderPrefecture: '520300' });

    const count = await database.db.file.count();
    for (const refused of [expert, ops]) {
      const res = await upload(refused, pdf(refused.role));
      expect(res.status, refused.role).toBe(403);
      expect(res.body.error).toMatchObject({ code: 'forbidden' });
    }
    const anonymous = await upload(undefined, pdf('anonymous'));
    expect(anonymous.status).toBe(401);
    expect(anonymous.body.error).toMatchObject({ code: 'unauthorized' });
    expect(await database.db.file.count()).toBe(count);
  });
});

describe('checkOfficerFiles: the files an officer\'s act cites', () => {
  it('names each id that is unknown or not uploaded by an officer of the actor\'s office, by its field', async () => {
    const byProvince = String((await upload(province, pdf(`省厅证据 ${randomBytes(4).toString('hex')}`), '证据.pdf')).body.fileId);
    const byZunyi = String((await upload(officer, pdf(`遵义纪要 ${randomBytes(4).toString('hex')}`), '纪要.pdf')).body.fileId);
    const byApplicant = String((await upload(applicant, pdf(`申报 ${randomBytes(4).toString('hex')}`))).body.fileId);

    expect(await checkOfficerFiles(database.db, [byProvince], province, 'evidenceFileIds')).toEqual([]);
    expect(await checkOfficerFiles(database.db, [], province)).toEqual([]);
    const problems = await checkOfficerFiles(database.db, [byProvince, byZunyi, 'no-such-file', byApplicant], province, 'evidenceFileIds', '所依据的文件');
    // The person reads which field and which of its files, never a file's id.
    expect(problems).toEqual([
      { field: 'evidenceFileIds.1', code: 'notOfficerFile', zh: '所依据的文件中的第2个文件须由贵州省生态环境厅工作人员上传', en: expect.any(String) },
      { field: 'evidenceFileIds.2', code: 'unknownFile', zh: '所依据的文件中的第3个文件不存在，请重新上传', en: expect.any(String) },
      { field: 'evidenceFileIds.3', code: 'notOfficerFile', zh: '所依据的文件中的第4个文件须由贵州省生态环境厅工作人员上传', en: expect.any(String) },
    ]);
    // A prefecture officer's act cites files of the same prefecture's officers.
    expect(await checkOfficerFiles(database.db, [byZunyi], officer)).toEqual([]);
    const foreign = await checkOfficerFiles(database.db, [byZunyi, byProvince], { sub: 'guiyang-1', role: 'prefectureOfficer', prefecture: '520100' }, 'minutesFileIds');
    expect(foreign.map((p) => [p.field, p.code])).toEqual([['minutesFileIds.0', 'notOfficerFile'], ['minutesFileIds.1', 'notOfficerFile']]);
    expect(foreign[0]!.zh).toContain('贵阳市');
    // Rows from before the uploader's role was recorded count as no officer's.
    const old = await database.db.file.create({ data: { sha256: 'c'.repeat(64), size: 1, contentType: 'application/pdf', originalName: 'old.pdf', storagePath: 'cc/c', uploadedBy: province.sub } });
    expect((await checkOfficerFiles(database.db, [old.id], province)).map((p) => p.code)).toEqual(['notOfficerFile']);
  });
});

describe('POST /api/applications: window, materials and files', () => {
  const unit = { name: '习水县', type: 'county', prefectures: ['520300'], terrain: 'mountain' };
  const applicantInfo = { name: '习水县人民政府', contactEmail: 'gov@xishui.example' };
  const chapters = ['background', 'overview', 'progress', 'approach', 'tasks', 'projects', 'safeguards'];

  async function uploadedIds(actor: Actor, n: number): Promise<string[]> {
    const ids: string[] = [];
    for (let i = 0; i < n; i++) {
      const res = await upload(actor, pdf(`${actor.sub} material ${i} ${randomBytes(4).toString('hex')}`));
      ids.push(String(res.body.fileId));
    }
    return ids;
  }

  function materials(ids: string[]) {
    return [
      { kind: 'applicationLetter', fileId: ids[0] },
      ...[1, 2, 3, 4].map((condition) => ({ kind: 'conditionEvidence', condition, fileId: ids[condition], explanation: `对照第${condition}项条件的说明` })),
      { kind: 'implementationPlan', fileId: ids[5], issuedBy: 'county', chapters },
    ];
  }

  it('refuses a submission outside the acceptance window with 409 naming the next window', async () => {
    const ids = await uploadedIds(otherApplicant, 6);
    now = new Date('2026-11-28T04:00:00Z');
    try {
      const late = await call('POST', '/api/applications', otherApplicant, { year: 2026, unit, applicant: applicantInfo, materials: materials(ids) });
      expect(late.status).toBe(409);
      expect(late.body.error).toMatchObject({
        code: 'conflict',
        message: expect.stringContaining('下一个受理期：2027年1月1日 00:00 至 2027年6月30日 24:00（北京时间），申报年度填 2027'),
        details: { code: 'outsideAcceptanceWindow', nextWindow: { year: 2027, opensAt: '2026-12-31T16:00:00.000Z', closesAt: '2027-06-30T16:00:00.000Z' } },
      });
      const early = await call('POST', '/api/applications', otherApplicant, { year: 2027, unit, applicant: applicantInfo, materials: materials(ids) });
      expect(early.status).toBe(409);
      expect((early.body.error as { message: string }).message).toContain('2027年1月1日');
      // 30 June 24:00 CST is the end: one second later is outside.
      now = new Date('2027-06-30T16:00:00Z');
      const closed = await call('POST', '/api/applications', otherApplicant, { year: 2027, unit, applicant: applicantInfo, materials: materials(ids) });
      expect(closed.status).toBe(409);
      expect((closed.body.error as { message: string }).message).toContain('2028年1月1日');
      now = new Date('2027-03-02T02:00:00Z');
      const wrongYear = await call('POST', '/api/applications', otherApplicant, { year: 2028, unit, applicant: applicantInfo, materials: materials(ids) });
      expect(wrongYear.status).toBe(409);
      expect((wrongYear.body.error as { message: string }).message).toContain('现在只受理 2027 年的申报');
    } finally {
      now = new Date('2027-03-02T02:00:00Z');
    }
    expect(await database.db.registeredApplicant.count()).toBe(0);
  });

  it('refuses missing materials with 422 listing every one in Chinese with its key', async () => {
    const [letter] = await uploadedIds(otherApplicant, 1);
    const res = await call('POST', '/api/applications', otherApplicant, {
      year: 2027,
      unit,
      applicant: applicantInfo,
      materials: [
        { kind: 'applicationLetter', fileId: letter },
        { kind: 'conditionEvidence', condition: 2, fileId: letter },
        { kind: 'implementationPlan', fileId: letter, chapters: ['background', 'overview'] },
      ],
    });
    expect(res.status).toBe(422);
    const error = res.body.error as { code: string; message: string; details: Array<{ field: string; zh: string }> };
    expect(error.code).toBe('invalid');
    expect(error.details.map((d) => d.field)).toEqual([
      'conditionEvidence.1',
      'conditionEvidence.2',
      'conditionEvidence.3',
      'conditionEvidence.4',
      'implementationPlan.issuedBy',
      'implementationPlan.chapters.progress',
      'implementationPlan.chapters.approach',
      'implementationPlan.chapters.tasks',
      'implementationPlan.chapters.projects',
      'implementationPlan.chapters.safeguards',
    ]);
    expect(error.details[1]!.zh).toBe('申报条件第（二）项缺少说明（conditionEvidence.2.explanation）');
    expect(error.message).toContain('缺少申报条件第（一）项的说明材料及证明文件');
    expect(error.message).toContain('建设实施方案缺少第三章《“两山”实践探索成效与问题分析》');
    const nothing = await call('POST', '/api/applications', otherApplicant, { year: 2027, unit, applicant: applicantInfo, materials: [] });
    expect((nothing.body.error as { details: Array<{ field: string }> }).details.map((d) => d.field)).toEqual([
      'applicationLetter',
      'conditionEvidence.1',
      'conditionEvidence.2',
      'conditionEvidence.3',
      'conditionEvidence.4',
      'implementationPlan',
    ]);
    // A material of a kind the regulation does not know, or a fifth condition, is malformed.
    const odd = await call('POST', '/api/applications', otherApplicant, { year: 2027, unit, applicant: applicantInfo, materials: [{ kind: 'photo', fileId: letter }, { kind: 'conditionEvidence', condition: 5 }] });
    expect(odd.status).toBe(400);
    expect(await database.db.registeredApplicant.count()).toBe(0);
  });

  it('refuses unknown file ids and files uploaded by another applicant with 422', async () => {
    const ids = await uploadedIds(otherApplicant, 6);
    const [foreign] = await uploadedIds(applicant, 1);
    const unknown = materials(ids.map((id, i) => (i === 3 ? 'no-such-file' : id)));
    const res = await call('POST', '/api/applications', otherApplicant, { year: 2027, unit, applicant: applicantInfo, materials: unknown });
    expect(res.status).toBe(422);
    expect(res.body.error).toMatchObject({ code: 'invalid', details: [expect.objectContaining({ field: 'materials.3.fileId', code: 'unknownFile' })] });
    const stolen = materials(ids.map((id, i) => (i === 0 ? foreign! : id)));
    const other = await call('POST', '/api/applications', otherApplicant, { year: 2027, unit, applicant: applicantInfo, materials: stolen });
    expect(other.status).toBe(422);
    expect((other.body.error as { message: string }).message).toContain(foreign);
    expect(await database.db.registeredApplicant.count()).toBe(0);
  });

  it('accepts a complete submission in the window with the applicant\'s own files, and registers the applicant', async () => {
    const ids = await uploadedIds(otherApplicant, 6);
    const res = await call('POST', '/api/applications', otherApplicant, { year: 2027, unit, applicant: applicantInfo, materials: materials(ids) });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ id: expect.any(String), workflowId: `application-${String(res.body.id)}`, stage: 'prefectureReview' });
    expect(await database.db.registeredApplicant.findUnique({ where: { sub: 'xishui' } })).toMatchObject({
      name: '习水县人民政府',
      email: 'gov@xishui.example',
      prefecture: '520300',
    });
    const description = await env.client.workflow.getHandle(String(res.body.workflowId)).describe();
    expect(description.status.name).toBe('RUNNING');
    await env.client.workflow.getHandle(String(res.body.workflowId)).terminate('test over: no worker runs here');
  });
});
