// Issue 23: a malformed multipart body of any shape, sent to either upload
// (POST /api/files, POST /api/bases/:id/indicator-sheet), is answered 400
// (413 for size) in Chinese saying what is wrong, nothing is stored, and the
// API keeps answering. Before the fix, the first case below (a field with
// `name=""`) threw inside busboy's event handler: in this test process that
// is an uncaught exception, which vitest reports as a failure of the run.
// Over real HTTP against the API with PostgreSQL and a Temporal test server.
import { randomUUID } from 'node:crypto';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signDevToken } from '../../api/auth';
import { SHEET_MAX_BYTES } from '../../api/indicator-sheet';
import type { Actor } from '../../workflows/messages';
import { startHarness, TEST_JWT_SECRET, type Harness } from '../support/harness';

const applicant: Actor = { sub: 'applicant-malformed', role: 'applicant', prefecture: '520300' };
const MAX_BYTES = 64 * 1024;
let harness: Harness;
let api: string;
let filesDir: string;
let baseId: string;
let token: string;

beforeAll(async () => {
  harness = await startHarness({ server: 'timeSkipping', name: 'malformed-uploads' });
  filesDir = await mkdtemp(path.join(tmpdir(), 'liangshan-malformed-files-'));
  api = await harness.listen({ filesDir, filesMaxBytes: MAX_BYTES });
  token = await signDevToken(TEST_JWT_SECRET, applicant);
  // A named base's read-model row only: the sheet's body is read before any workflow is asked.
  baseId = randomUUID();
  await harness.database.db.base.create({
    data: {
      id: baseId, workflowId: `base-${baseId}`, unitName: '上传县', unitType: 'county', prefectures: ['520300'], applicantSub: applicant.sub,
      contactEmail: 'base@upload.example', status: 'named', namedOn: '2027-06-01', termStartsOn: '2027-06-01', termEndsOn: '2030-05-31',
    },
  });
});
afterAll(async () => {
  await harness?.stop();
  if (filesDir) await rm(filesDir, { recursive: true, force: true });
});

const CRLF = '\r\n';
const PDF = '%PDF-1.4\n申报材料\n%%EOF\n';
/** One part: its header lines (after Content-Disposition) and its body. */
const part = (disposition: string, body: string | Buffer, headers: string[] = []) =>
  Buffer.concat([Buffer.from(`Content-Disposition: ${disposition}${CRLF}${headers.map((h) => h + CRLF).join('')}${CRLF}`), Buffer.isBuffer(body) ? body : Buffer.from(body)]);
/** A multipart body with this boundary, closed unless `open`. */
const multipart = (boundary: string, parts: Buffer[], options: { open?: boolean } = {}) =>
  Buffer.concat([...parts.flatMap((p) => [Buffer.from(`--${boundary}${CRLF}`), p, Buffer.from(CRLF)]), Buffer.from(options.open ? '' : `--${boundary}--${CRLF}`)]);
const filePart = (name = 'file', filename = 'a.pdf', body: string | Buffer = PDF, type = 'application/pdf') => part(`form-data; name="${name}"; filename="${filename}"`, body, [`Content-Type: ${type}`]);

async function post(url: string, body: Buffer, contentType: string | null): Promise<{ status: number; body: { error?: { code: string; message: string } } }> {
  const headers: Record<string, string> = { authorization: `Bearer ${token}` };
  if (contentType !== null) headers['content-type'] = contentType;
  const res = await fetch(api + url, { method: 'POST', headers, body });
  const text = await res.text();
  return { status: res.status, body: text ? (JSON.parse(text) as { error?: { code: string; message: string } }) : {} };
}

async function filesOnDisk(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true }).catch(() => []);
  return entries.filter((e) => e.isFile()).map((e) => path.join(e.parentPath, e.name));
}

async function healthy(): Promise<void> {
  expect((await fetch(`${api}/api/health`)).status).toBe(200);
}

const type = (boundary: string) => `multipart/form-data; boundary=${boundary}`;
/** Each malformed shape, with the status it gets and a word its Chinese message must contain. */
const CASES: Array<{ what: string; body: Buffer; contentType: string | null; status: number; says: RegExp }> = [
  // The reproduction of issue 23, as sent by curl.
  { what: 'a field with an empty name, then the file', body: multipart('XX', [part('form-data; name=""', '{}'), filePart()]), contentType: type('XX'), status: 400, says: /不认识的字段：（未命名的字段）/ },
  { what: 'a field with no name at all', body: multipart('XX', [part('form-data', 'v'), filePart()]), contentType: type('XX'), status: 400, says: /未命名的字段/ },
  { what: 'a file part with an empty name', body: multipart('XX', [filePart('')]), contentType: type('XX'), status: 400, says: /未命名的字段/ },
  { what: 'a file part with no name', body: multipart('XX', [part('form-data; filename="a.pdf"', PDF, ['Content-Type: application/pdf'])]), contentType: type('XX'), status: 400, says: /未命名的字段/ },
  { what: 'a file under another name', body: multipart('XX', [filePart('document')]), contentType: type('XX'), status: 400, says: /不认识的字段：document/ },
  { what: 'two file parts named file', body: multipart('XX', [filePart(), filePart()]), contentType: type('XX'), status: 400, says: /只能上传一个文件/ },
  { what: 'no part at all', body: multipart('XX', []), contentType: type('XX'), status: 400, says: /文件/ },
  { what: 'an empty body', body: Buffer.alloc(0), contentType: type('XX'), status: 400, says: /格式错误|文件/ },
  { what: 'a body cut off inside the file', body: multipart('XX', [filePart()], { open: true }).subarray(0, 120), contentType: type('XX'), status: 400, says: /不完整|格式错误/ },
  { what: 'a body that never closes its boundary', body: multipart('XX', [filePart()], { open: true }), contentType: type('XX'), status: 400, says: /不完整|格式错误/ },
  { what: 'a part whose headers never end', body: Buffer.from(`--XX${CRLF}Content-Disposition: form-data; name="file"; filename="a.pdf"${CRLF}X-A: ${'a'.repeat(100)}`), contentType: type('XX'), status: 400, says: /不完整|格式错误/ },
  { what: 'no boundary in the content type', body: multipart('XX', [filePart()]), contentType: 'multipart/form-data', status: 400, says: /multipart\/form-data/ },
  { what: 'a boundary other than the body uses', body: multipart('XX', [filePart()]), contentType: type('YY'), status: 400, says: /不完整|格式错误|文件/ },
  { what: 'a boundary of 300 characters', body: multipart('B'.repeat(300), [filePart()]), contentType: type('B'.repeat(300)), status: 400, says: /分隔符（boundary）不合规/ },
  { what: 'a quoted boundary with a quote in it', body: multipart('a b"c', [filePart()]), contentType: 'multipart/form-data; boundary="a b\\"c"', status: 400, says: /分隔符（boundary）不合规/ },
  { what: 'an empty boundary', body: multipart('', [filePart()]), contentType: 'multipart/form-data; boundary=', status: 400, says: /分隔符|multipart\/form-data/ },
  { what: 'no content type', body: multipart('XX', [filePart()]), contentType: null, status: 400, says: /multipart\/form-data/ },
  { what: 'a JSON content type', body: Buffer.from('{"file":"x"}'), contentType: 'application/json', status: 400, says: /multipart\/form-data/ },
  { what: 'a part header with a NUL in it', body: multipart('XX', [part('form-data; name="fi\u0000le"', 'x'), filePart()]), contentType: type('XX'), status: 400, says: /格式错误/ },
  { what: 'a file name with a NUL in it', body: multipart('XX', [filePart('file', 'a\u0000b.pdf')]), contentType: type('XX'), status: 400, says: /格式错误/ },
  { what: 'thirty fields before the file', body: multipart('XX', [...Array.from({ length: 30 }, (_, i) => part(`form-data; name="f${i}"`, 'v')), filePart()]), contentType: type('XX'), status: 400, says: /不认识的字段|表单字段过多/ },
];

describe('a malformed multipart body is refused in Chinese, stores nothing, and the API keeps serving', () => {
  for (const [route, url] of [['POST /api/files', () => '/api/files'], ['POST /api/bases/:id/indicator-sheet', () => `/api/bases/${baseId}/indicator-sheet`]] as const) {
    it(`${route}: every shape`, async () => {
      const rowsBefore = await harness.database.db.file.count();
      const refusals: string[] = [];
      for (const c of CASES) {
        const reply = await post(url(), c.body, c.contentType);
        const message = reply.body.error?.message ?? '';
        if (reply.status !== c.status || !c.says.test(message) || !/[\u4e00-\u9fff]/.test(message)) refusals.push(`${c.what}: ${reply.status} ${message}`);
        await healthy();
      }
      expect(refusals).toEqual([]);
      expect(await harness.database.db.file.count()).toBe(rowsBefore);
      expect(await filesOnDisk(filesDir)).toEqual([]);
    });
  }

  it('refuses a part over the size limit with 413 and keeps nothing of it', async () => {
    const big = Buffer.concat([Buffer.from('%PDF-1.4\n'), Buffer.alloc(MAX_BYTES, 0x20)]);
    const files = await post('/api/files', multipart('XX', [filePart('file', 'big.pdf', big)]), type('XX'));
    expect(files.status).toBe(413);
    expect(files.body.error?.message).toMatch(/文件超过大小上限 64 KiB/);
    const sheet = await post(`/api/bases/${baseId}/indicator-sheet`, multipart('XX', [filePart('file', 'big.xlsx', Buffer.alloc(SHEET_MAX_BYTES + 1, 0x50))]), type('XX'));
    expect(sheet.status).toBe(413);
    expect(sheet.body.error?.message).toMatch(/文件超过大小上限 2 MiB/);
    expect(await filesOnDisk(filesDir)).toEqual([]);
    await healthy();
  });

  it('keeps hostile file names and content types out of what it stores: the type is the bytes\', the name a clean last segment', async () => {
    const names = ['../../etc/passwd.pdf', '..\\..\\win.ini', '报告\u202Efdp.exe', 'a\tb.pdf', '\u200B'.repeat(3), "'; drop table File; --.pdf", '%00.pdf', 'x'.repeat(1000) + '.pdf', '.'];
    const stored: string[] = [];
    for (const [i, name] of names.entries()) {
      // A claimed type that is not the bytes' (and one that would be a page) changes nothing.
      const reply = await post('/api/files', multipart('XX', [filePart('file', name, `${PDF}${i}\n`, i % 2 ? 'text/html' : 'application/x-msdownload')]), type('XX'));
      expect(reply.status, `${JSON.stringify(name)}: ${JSON.stringify(reply.body)}`).toBe(201);
      const body = reply.body as unknown as { contentType: string; name: string };
      expect(body.contentType).toBe('application/pdf');
      stored.push(body.name);
    }
    for (const name of stored) {
      expect(name).not.toMatch(/[/\\\u0000-\u001f\u202a-\u202e]/);
      expect([...name].length).toBeLessThanOrEqual(200);
    }
    expect(stored[0]).toBe('passwd.pdf');
    expect(stored[2]).toBe('报告fdp.exe');
    expect(stored[8]).toBe('file');
    // Only the content-addressed files themselves are on disk: no name of the client's became a path.
    expect((await filesOnDisk(filesDir)).every((f) => /[0-9a-f]{64}$/.test(f))).toBe(true);
    await healthy();
  });
});
