// Access control, audit and hostile input over real HTTP (issue 6): the API
// and a worker against the Temporal dev server, a real PostgreSQL and SMTP.
//
// - The access matrix: every route of the registry (api/openapi.ts) × every
//   role × own and foreign region, each cell's status asserted, and the
//   body checked against the documented schema. A route without a row, or a
//   row without a route, fails.
// - Hostile input: malformed bodies, wrong types, huge strings, unicode edge
//   cases, path traversal in uploaded file names, replayed decision ids.
// - The audit log: refused attempts recorded with who, role, when, what and
//   why; GET /api/ops/audit; `npm run audit:verify` detects a modified row.
// - A property-based fuzz run (fast-check) against GET /api/openapi.json.
//
// The data is built through the API and the real workflows (submission,
// pre-review, the prefecture's notice, a public complaint, the expert pool),
// except one row: the expert's assignment is written to the read model
// directly, because the workflow assigns experts only after the notice's
// five working days, which the dev server does not skip; only reads depend
// on it (an assigned expert sees the application, another does not).
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { randomUUID } from 'node:crypto';
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import fc from 'fast-check';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { SignJWT } from 'jose';
import type { z } from 'zod';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signDevToken } from '../../api/auth';
import { errorSchema, findRoute, registeredRoutes, routeKey, type RegisteredRoute } from '../../api/openapi';
import type { Actor } from '../../workflows/messages';
import type { TestDatabase } from '../support/database';
import { startHarness, TEST_JWT_SECRET, type Harness } from '../support/harness';
import { fromSchema, type JsonSchema } from '../support/json-schema-arbitrary';

const SECRET = TEST_JWT_SECRET;
const run = promisify(execFile);
let env: TestWorkflowEnvironment;
let database: TestDatabase;
let harness: Harness;
let base: string;
let filesDir: string;

// ---- the cast --------------------------------------------------------------

const applicantOwn: Actor = { sub: 'chishui', role: 'applicant', prefecture: '520300' };
const applicantForeign: Actor = { sub: 'qingzhen', role: 'applicant', prefecture: '520100' };
const prefectureOwn: Actor = { sub: 'zunyi-1', role: 'prefectureOfficer', prefecture: '520300' };
const prefectureForeign: Actor = { sub: 'guiyang-1', role: 'prefectureOfficer', prefecture: '520100' };
const province: Actor = { sub: 'province-1', role: 'provinceOfficer' };
const ops: Actor = { sub: 'ops-1', role: 'ops' };
// Experts sign in with sub = their id in the pool (set in beforeAll).
const expertAssigned: Actor = { sub: '', role: 'expert' };
const expertOther: Actor = { sub: '', role: 'expert' };

/**
 * The matrix's columns. Roles with a region come twice: in the subject's
 * region (own: the applicant who submitted it, an officer of 遵义市, the
 * expert assigned to it) and outside it (another applicant, an officer of
 * 贵阳市, an expert not assigned and from the unit's own prefecture). The
 * province, ops and the public have no region: one column each.
 */
const COLUMNS = [
  ['applicant/own', applicantOwn],
  ['applicant/foreign', applicantForeign],
  ['prefectureOfficer/own', prefectureOwn],
  ['prefectureOfficer/foreign', prefectureForeign],
  ['provinceOfficer', province],
  ['expert/assigned', expertAssigned],
  ['expert/other', expertOther],
  ['ops', ops],
  ['public', undefined],
] as const satisfies ReadonlyArray<readonly [string, Actor | undefined]>;
type Column = (typeof COLUMNS)[number][0];

// ---- HTTP ------------------------------------------------------------------

interface Reply {
  status: number;
  body: unknown;
  headers: Headers;
}

const tokenOf = (actor: Actor) => signDevToken(SECRET, actor);

async function send(method: string, url: string, options: { actor?: Actor; token?: string; body?: unknown; raw?: string | FormData | Uint8Array; headers?: Record<string, string> } = {}): Promise<Reply> {
  const headers: Record<string, string> = { ...(options.headers ?? {}) };
  const token = options.token ?? (options.actor ? await tokenOf(options.actor) : undefined);
  if (token) headers.authorization = `Bearer ${token}`;
  let body: string | FormData | Uint8Array | undefined;
  if (options.raw !== undefined) body = options.raw;
  else if (options.body !== undefined) body = JSON.stringify(options.body);
  if (typeof body === 'string') headers['content-type'] ??= 'application/json';
  // A request the API does not answer within 15 s is a failure too (an Update stuck behind an activity that cannot succeed).
  const res = await fetch(base + url, { method, headers, signal: AbortSignal.timeout(15_000), ...(body !== undefined ? { body } : {}) }).catch((error: unknown) => {
    throw new Error(`${method} ${url.slice(0, 200)}: no answer (${error instanceof Error ? error.name : String(error)})`);
  });
  const text = await res.text();
  let parsed: unknown = text;
  try {
    parsed = JSON.parse(text);
  } catch {
    // Left as text: the checks below say a JSON body was expected.
  }
  return { status: res.status, body: parsed, headers: res.headers };
}

/** What every response must be: JSON, with the security headers, a documented status, and the documented body. */
function checkAgainstDocument(r: RegisteredRoute, reply: Reply): string[] {
  const problems: string[] = [];
  if (reply.status >= 500) problems.push(`5xx: ${JSON.stringify(reply.body).slice(0, 300)}`);
  if (!r.statuses.includes(reply.status)) problems.push(`undocumented status ${reply.status}: ${JSON.stringify(reply.body).slice(0, 300)}`);
  // A download (GET /api/files/:id) answers one of its documented media types; everything else JSON.
  const mediaTypes = reply.status < 400 ? r.responses[reply.status]?.mediaTypes : undefined;
  const contentType = reply.headers.get('content-type') ?? '';
  if (mediaTypes ? !mediaTypes.includes(contentType) : !contentType.startsWith('application/json')) problems.push(`content-type ${contentType}`);
  for (const [h, v] of [['x-content-type-options', 'nosniff'], ['x-frame-options', 'DENY'], ['referrer-policy', 'no-referrer']] as const) {
    if (reply.headers.get(h) !== v) problems.push(`header ${h}: ${reply.headers.get(h)}`);
  }
  if (!reply.headers.get('content-security-policy')?.includes("default-src 'none'")) problems.push('no strict CSP');
  const schema: z.ZodType | undefined = reply.status < 400 ? r.responses[reply.status]?.schema : (r.responses[reply.status]?.schema ?? errorSchema);
  if (schema) {
    const parsed = schema.safeParse(reply.body);
    if (!parsed.success) problems.push(`body does not match the documented schema of ${reply.status}: ${parsed.error.issues.slice(0, 3).map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  }
  const text = JSON.stringify(reply.body);
  if (/\bat [^\s]+ \(|node:internal|\.ts:\d+:\d+/.test(text)) problems.push('a stack trace in the body');
  return problems;
}

// ---- the data --------------------------------------------------------------

let applicationId = '';
let noticeId = '';
let complaintId = '';
let spareExpertId = '';
let materialFileId = '';
const ACCEPT_ID = 'sec-accept-0001';
const NOTICE_ID = 'sec-notice-0001';

async function waitUntil<T>(what: string, read: () => Promise<T | null | undefined | false>): Promise<T> {
  for (let n = 0; n < 200; n++) {
    const value = await read();
    if (value) return value;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`timed out waiting for ${what}`);
}

async function upload(actor: Actor, bytes: string, name: string): Promise<Reply> {
  const form = new FormData();
  form.append('file', new Blob([bytes]), name);
  return send('POST', '/api/files', { actor, raw: form });
}

const chapters = ['background', 'overview', 'progress', 'approach', 'tasks', 'projects', 'safeguards'];

beforeAll(async () => {
  harness = await startHarness({ server: 'dev', name: 'security-http' });
  ({ env, database } = harness);
  filesDir = path.join('/tmp', `security-http-files-${randomUUID()}`);
  base = await harness.listen({
    // Submissions are judged as on a day in the 2027 window; everything else runs on the real clock.
    acceptanceClock: () => new Date('2027-03-02T02:00:00Z'),
    // The matrix and the fuzz run file many complaints from one address.
    complaintRateLimit: { limit: 1_000_000, windowMs: 60_000 },
    filesDir,
  });

  const ids: string[] = [];
  for (const name of ['letter', 'c1', 'c2', 'c3', 'c4', 'plan']) {
    const r = await upload(applicantOwn, `%PDF-1.7\n${name}\n%%EOF\n`, `${name}.pdf`);
    expect(r.status).toBe(201);
    ids.push((r.body as { fileId: string }).fileId);
  }
  const submitted = await send('POST', '/api/applications', {
    actor: applicantOwn,
    body: {
      year: 2027,
      unit: { name: '赤水市', type: 'county', prefectures: ['520300'], terrain: 'mountain' },
      applicant: { name: '赤水市人民政府', contactEmail: 'gov@chishui.example' },
      materials: [
        { kind: 'applicationLetter', fileId: ids[0] },
        ...[1, 2, 3, 4].map((condition) => ({ kind: 'conditionEvidence', condition, fileId: ids[condition], explanation: `条件${condition}` })),
        { kind: 'implementationPlan', fileId: ids[5], issuedBy: 'county', chapters },
      ],
    },
  });
  expect(submitted.status).toBe(201);
  applicationId = (submitted.body as { id: string }).id;
  materialFileId = ids[0]!;
  await waitUntil('the pre-review task', () => database.db.task.findFirst({ where: { applicationId, step: 'prefectureReview', status: 'open' } }));
  const accepted = await send('POST', `/api/applications/${applicationId}/decisions`, { actor: prefectureOwn, body: { decisionId: ACCEPT_ID, action: 'prefectureAccept', reason: '材料齐全' } });
  expect(accepted.status).toBe(200);
  const published = await send('POST', `/api/applications/${applicationId}/decisions`, { actor: prefectureOwn, body: { decisionId: NOTICE_ID, action: 'openNotice', workingDays: 5 } });
  expect(published.status).toBe(200);
  const notice = await waitUntil('the open notice', () => database.db.notice.findFirst({ where: { applicationId, status: 'open' } }));
  noticeId = notice.id;
  const filed = await send('POST', `/api/notices/${noticeId}/complaints`, { body: { complainant: { name: '李四', contact: 'lisi@example.org' }, content: '河道非法采砂' } });
  expect(filed.status).toBe(201);
  complaintId = (filed.body as { complaintId: string }).complaintId;

  const addExpert = async (name: string, prefecture: string) => {
    const r = await send('POST', '/api/experts', { actor: province, body: { requestId: `security-${randomUUID()}`, name, email: `${randomUUID().slice(0, 8)}@experts.example`, fields: ['生态'], region: prefecture } });
    expect(r.status).toBe(201);
    return (r.body as { id: string }).id;
  };
  expertAssigned.sub = await addExpert('王专家', '520100');
  expertOther.sub = await addExpert('赵专家', '520300');
  spareExpertId = await addExpert('钱专家', '520500');
  // The read-model row the workflow would write at assignExperts (see the header comment).
  await database.db.expertReview.create({ data: { id: `${applicationId}:${expertAssigned.sub}`, applicationId, expertId: expertAssigned.sub, assignedAt: new Date() } });
});

// A named base of 遵义市 held by the applicant of 遵义市 (issue 5): its
// read-model row only, no workflow, so an Update that passes every access
// check answers 409 (the base's process is not running).
let baseId = '';
beforeAll(async () => {
  baseId = randomUUID();
  await database.db.base.create({
    data: {
      id: baseId, workflowId: `base-${baseId}`, unitName: '矩阵县', unitType: 'county', prefectures: ['520300'], applicantSub: applicantOwn.sub,
      contactEmail: 'base@x.example', status: 'named', namedOn: '2027-06-01', termStartsOn: '2027-06-01', termEndsOn: '2030-05-31',
    },
  });
});

// The complaint's investigation task (遵义市's, not overdue), for the chase's row.
let chaseTaskId = '';
beforeAll(async () => {
  chaseTaskId = (await waitUntil('the investigation task', () => database.db.task.findFirst({ where: { applicationId, step: { contains: 'investigation' }, status: 'open' } }))).id;
});

afterAll(() => harness?.stop());

// ---- the matrix ------------------------------------------------------------

interface Row {
  /** The request this row sends; `cell` makes ids unique per cell where the route creates something. */
  request: (cell: Column) => { url: string; body?: unknown; form?: () => FormData };
  expect: Record<Column, number>;
  /** Optional: how many applications each column sees (list routes). */
  visible?: Partial<Record<Column, number>>;
}

const all = (status: number): Record<Column, number> => Object.fromEntries(COLUMNS.map(([c]) => [c, status])) as Record<Column, number>;
const signedIn = (status: number): Record<Column, number> => ({ ...all(status), public: 401 });
const only = (allowed: Partial<Record<Column, number>>): Record<Column, number> => ({ ...all(403), public: 401, ...allowed });

let cellCounter = 0;
const MATRIX: Record<string, Row> = {
  'GET /api/health': { request: () => ({ url: '/api/health' }), expect: all(200) },
  'GET /api/ready': { request: () => ({ url: '/api/ready' }), expect: all(200) },
  'GET /api/openapi.json': { request: () => ({ url: '/api/openapi.json' }), expect: all(200) },
  'GET /api/notices': { request: () => ({ url: '/api/notices?active=true' }), expect: all(200) },
  // The announcement of a published notice (issue 17.3): as public as the board.
  'GET /api/notices/:id/announcement.docx': { request: () => ({ url: `/api/notices/${encodeURIComponent(noticeId)}/announcement.docx` }), expect: all(200) },
  'GET /api/notices/:id/announcement.pdf': { request: () => ({ url: `/api/notices/${encodeURIComponent(noticeId)}/announcement.pdf` }), expect: all(200) },
  // Anyone may file a complaint while the notice runs; a token changes nothing.
  'POST /api/notices/:id/complaints': {
    request: () => ({ url: `/api/notices/${noticeId}/complaints`, body: { complainant: { name: '公众', contact: '13800000000' }, content: '矩阵测试' } }),
    expect: all(201),
  },
  'POST /api/files': {
    request: () => ({ url: '/api/files', form: () => { const f = new FormData(); f.append('file', new Blob(['%PDF-1.7\nm\n%%EOF\n']), 'm.pdf'); return f; } }),
    // Applicants upload materials, officers minutes and evidence (issue 15).
    expect: only({ 'applicant/own': 201, 'applicant/foreign': 201, 'prefectureOfficer/own': 201, 'prefectureOfficer/foreign': 201, provinceOfficer: 201 }),
  },
  // A material of the application (issue 16): read by whoever sees the application, 404 to everyone else.
  'GET /api/files/:id': {
    request: () => ({ url: `/api/files/${materialFileId}` }),
    expect: { 'applicant/own': 200, 'applicant/foreign': 404, 'prefectureOfficer/own': 200, 'prefectureOfficer/foreign': 404, provinceOfficer: 200, 'expert/assigned': 200, 'expert/other': 404, ops: 200, public: 401 },
  },
  // A submission without materials: the applicant of 遵义市 passes every
  // access check and gets the 422 listing what is missing; one of 贵阳市 may
  // not submit for a unit in 遵义市.
  'POST /api/applications': {
    request: () => ({ url: '/api/applications', body: { year: 2027, unit: { name: '矩阵县', type: 'county', prefectures: ['520300'] }, applicant: { name: '矩阵县政府', contactEmail: 'm@x.example' }, materials: [] } }),
    expect: only({ 'applicant/own': 422 }),
  },
  'GET /api/applications': {
    request: () => ({ url: '/api/applications' }),
    expect: signedIn(200),
    visible: { 'applicant/own': 1, 'applicant/foreign': 0, 'prefectureOfficer/own': 1, 'prefectureOfficer/foreign': 0, provinceOfficer: 1, 'expert/assigned': 1, 'expert/other': 0, ops: 1 },
  },
  'GET /api/applications/:id': {
    request: () => ({ url: `/api/applications/${applicationId}` }),
    expect: { 'applicant/own': 200, 'applicant/foreign': 404, 'prefectureOfficer/own': 200, 'prefectureOfficer/foreign': 404, provinceOfficer: 200, 'expert/assigned': 200, 'expert/other': 404, ops: 200, public: 401 },
  },
  // `recommend` while the notice runs: the prefecture of 遵义市 may recommend,
  // but not yet (409); whoever sees the application but is not that
  // prefecture is refused for role (403); whoever may not see it gets 404.
  'POST /api/applications/:id/decisions': {
    request: (cell) => ({ url: `/api/applications/${applicationId}/decisions`, body: { decisionId: `matrix-${cell.replace('/', '-')}-${++cellCounter}`, action: 'recommend', governmentConsent: true, opinion: '同意推荐' } }),
    expect: { 'applicant/own': 403, 'applicant/foreign': 404, 'prefectureOfficer/own': 409, 'prefectureOfficer/foreign': 404, provinceOfficer: 403, 'expert/assigned': 403, 'expert/other': 404, ops: 403, public: 401 },
  },
  // An outcome that does not exist: the officer in charge (遵义市, whose
  // notice it is) passes every access check and gets 422.
  'POST /api/complaints/:id/investigation': {
    request: (cell) => ({ url: `/api/complaints/${complaintId}/investigation`, body: { decisionId: `matrix-inv-${cell.replace('/', '-')}-${++cellCounter}`, outcome: 'maybe', findings: '矩阵测试' } }),
    expect: only({ 'prefectureOfficer/own': 422, 'prefectureOfficer/foreign': 404, provinceOfficer: 403 }),
  },
  // A dismissal naming a complaint that is not the notice's: the office of
  // 遵义市 (whose notice it is) passes every access check and gets 422; the
  // province sees the notice but does not run its investigations (403).
  'POST /api/notices/:id/complaints/dismissals': {
    request: (cell) => ({ url: `/api/notices/${noticeId}/complaints/dismissals`, body: { decisionId: `matrix-dismiss-${cell.replace('/', '-')}-${++cellCounter}`, complaintIds: [randomUUID()], reason: '矩阵测试' } }),
    expect: only({ 'prefectureOfficer/own': 422, 'prefectureOfficer/foreign': 404, provinceOfficer: 403 }),
  },
  'GET /api/tasks': { request: () => ({ url: '/api/tasks' }), expect: signedIn(200) },
  // A chase of the investigation task of 遵义市, not overdue: the province
  // passes every access check and gets 409; 遵义市 does not chase its own
  // office (403); another prefecture does not see it (404).
  'POST /api/tasks/:id/chase': {
    request: (cell) => ({ url: `/api/tasks/${encodeURIComponent(chaseTaskId)}/chase`, body: { chaseId: `matrix-chase-${cell.replace('/', '-')}-${++cellCounter}` } }),
    expect: only({ 'prefectureOfficer/own': 403, 'prefectureOfficer/foreign': 404, provinceOfficer: 409 }),
  },
  // The office directory (issue 18): the province and ops keep it; a prefecture office reads its own and sets only its own contact.
  'GET /api/offices': { request: () => ({ url: '/api/offices' }), expect: only({ provinceOfficer: 200, ops: 200, 'prefectureOfficer/own': 200, 'prefectureOfficer/foreign': 200 }) },
  'PUT /api/offices/:region': {
    request: () => ({ url: '/api/offices/520300', body: { contactPhone: `0851-${String(++cellCounter).padStart(8, '0')}` } }),
    expect: only({ provinceOfficer: 200, ops: 200, 'prefectureOfficer/own': 200 }),
  },
  'GET /api/experts': { request: () => ({ url: '/api/experts' }), expect: only({ provinceOfficer: 200 }) },
  'POST /api/experts': {
    request: (cell) => ({ url: '/api/experts', body: { name: `矩阵专家${cell}`, email: `m${++cellCounter}@experts.example`, requestId: `matrix-expert-${cellCounter}`, region: '520600' } }),
    expect: only({ provinceOfficer: 201 }),
  },
  'PATCH /api/experts/:id': { request: () => ({ url: `/api/experts/${spareExpertId}`, body: { requestId: `change-${randomUUID()}`, fields: ['水环境'] } }), expect: only({ provinceOfficer: 200 }) },
  // The dashboard (issue 17.4): officers only; a prefecture officer sees their own prefecture (the province's figures are not theirs: 403 when asked for).
  'GET /api/dashboard': { request: () => ({ url: '/api/dashboard' }), expect: only({ 'prefectureOfficer/own': 200, 'prefectureOfficer/foreign': 200, provinceOfficer: 200 }) },
  // Deadline feeds (issue 17.5): each office, unit and expert its own; another's feed does not exist for the caller; the .ics address needs no sign-in, only its secret.
  'POST /api/calendar-feeds': {
    request: () => ({ url: '/api/calendar-feeds', body: { requestId: `matrix-feed-${++cellCounter}` } }),
    expect: { ...only({ 'applicant/own': 201, 'applicant/foreign': 201, 'prefectureOfficer/own': 201, 'prefectureOfficer/foreign': 201, provinceOfficer: 201, 'expert/assigned': 201, 'expert/other': 201 }) },
  },
  'GET /api/calendar-feeds': { request: () => ({ url: '/api/calendar-feeds' }), expect: { ...signedIn(200), ops: 403 } },
  'DELETE /api/calendar-feeds/:id': { request: () => ({ url: `/api/calendar-feeds/${randomUUID()}` }), expect: { ...signedIn(404), ops: 403 } },
  'GET /api/calendar-feeds/ics/:secret': { request: () => ({ url: '/api/calendar-feeds/ics/no-such-feed-secret-0123456789' }), expect: all(404) },
  'PUT /api/ops/calendar/:year': { request: () => ({ url: '/api/ops/calendar/2031', body: { holidays: ['2031-01-01'], workdays: [] } }), expect: only({ ops: 200 }) },
  'GET /api/ops/audit': { request: () => ({ url: '/api/ops/audit?limit=5' }), expect: only({ ops: 200 }) },
  'GET /api/ops/refused-reads': { request: () => ({ url: '/api/ops/refused-reads?limit=5' }), expect: only({ ops: 200 }) },
  'GET /api/ops/workflows': { request: () => ({ url: '/api/ops/workflows?limit=5' }), expect: only({ ops: 200 }) },
  'GET /api/ops/workflows/:workflowId/history': { request: () => ({ url: `/api/ops/workflows/application-${applicationId}/history` }), expect: only({ ops: 200 }) },
  'GET /api/ops/notifications': { request: () => ({ url: '/api/ops/notifications?limit=5' }), expect: only({ ops: 200 }) },
  // An id with no mail: ops get 404, everyone else is refused before the lookup.
  'POST /api/ops/notifications/:id/resend': { request: () => ({ url: `/api/ops/notifications/${randomUUID()}/resend`, body: {} }), expect: only({ ops: 404 }) },
  // Bases (issue 5): experts have no business with bases; out of region → 404.
  'GET /api/bases': { request: () => ({ url: '/api/bases' }), expect: { ...signedIn(200), 'expert/assigned': 403, 'expert/other': 403 } },
  'GET /api/bases/:id': {
    request: () => ({ url: `/api/bases/${baseId}` }),
    expect: { ...only({ 'applicant/own': 200, 'applicant/foreign': 404, 'prefectureOfficer/own': 200, 'prefectureOfficer/foreign': 404, provinceOfficer: 200, ops: 200 }) },
  },
  'GET /api/bases/:id/evaluation': {
    request: () => ({ url: `/api/bases/${baseId}/evaluation` }),
    expect: { ...only({ 'applicant/own': 200, 'applicant/foreign': 404, 'prefectureOfficer/own': 200, 'prefectureOfficer/foreign': 404, provinceOfficer: 200, ops: 200 }) },
  },
  // The post-evaluation report (issue 17.3): scoped as the evaluation it is made of.
  'GET /api/bases/:id/evaluation-report.docx': {
    request: () => ({ url: `/api/bases/${baseId}/evaluation-report.docx` }),
    expect: { ...only({ 'applicant/own': 200, 'applicant/foreign': 404, 'prefectureOfficer/own': 200, 'prefectureOfficer/foreign': 404, provinceOfficer: 200, ops: 200 }) },
  },
  'GET /api/bases/:id/evaluation-report.pdf': {
    request: () => ({ url: `/api/bases/${baseId}/evaluation-report.pdf` }),
    expect: { ...only({ 'applicant/own': 200, 'applicant/foreign': 404, 'prefectureOfficer/own': 200, 'prefectureOfficer/foreign': 404, provinceOfficer: 200, ops: 200 }) },
  },
  // The naming list of a year (the matrix's base was named in 2027): the province's document.
  'GET /api/namings/:year.docx': { request: () => ({ url: '/api/namings/2027.docx' }), expect: only({ provinceOfficer: 200, ops: 200 }) },
  'GET /api/namings/:year.pdf': { request: () => ({ url: '/api/namings/2027.pdf' }), expect: only({ provinceOfficer: 200, ops: 200 }) },
  'POST /api/bases/:id/decisions': {
    request: (cell) => ({ url: `/api/bases/${baseId}/decisions`, body: { decisionId: `matrix-base-${cell.replace('/', '-')}-${++cellCounter}`, action: 'warn', ground: 1, reason: '矩阵测试' } }),
    expect: only({ provinceOfficer: 409 }),
  },
  'POST /api/bases/:id/annual-summaries': {
    request: () => ({ url: `/api/bases/${baseId}/annual-summaries`, body: { submissionId: `matrix-summary-${++cellCounter}`, year: 2027, fileId: 'no-such-file', summary: '矩阵测试' } }),
    expect: only({ 'applicant/own': 422, 'applicant/foreign': 404 }),
  },
  'POST /api/bases/:id/rectification-report': {
    request: () => ({ url: `/api/bases/${baseId}/rectification-report`, body: { reportId: `matrix-report-${++cellCounter}`, report: '矩阵测试' } }),
    expect: only({ 'applicant/own': 409, 'applicant/foreign': 404 }),
  },
  'POST /api/bases/:id/indicator-data': {
    request: () => ({ url: `/api/bases/${baseId}/indicator-data`, body: { submissionId: `matrix-data-${++cellCounter}`, year: 2027, values: { '1': 93 } } }),
    expect: only({ 'applicant/own': 422, 'applicant/foreign': 404 }),
  },
  // Indicator data by Excel template and lists as Excel (issue 17.1, 17.2): the template for a year that has not
  // ended → 422 to whoever sees the base; an upload that is not a template → 422 to the base's own applicant only.
  'GET /api/bases/:id/indicator-sheet.xlsx': {
    request: () => ({ url: `/api/bases/${baseId}/indicator-sheet.xlsx?from=2099&to=2099` }),
    expect: only({ 'applicant/own': 422, 'applicant/foreign': 404, 'prefectureOfficer/own': 422, 'prefectureOfficer/foreign': 404, provinceOfficer: 422, ops: 422 }),
  },
  'POST /api/bases/:id/indicator-sheet': {
    request: () => ({ url: `/api/bases/${baseId}/indicator-sheet`, form: () => { const f = new FormData(); f.append('file', new Blob(['not a workbook']), 'm.xlsx'); return f; } }),
    expect: only({ 'applicant/own': 422, 'applicant/foreign': 404 }),
  },
  'GET /api/bases/:id/evaluation.xlsx': {
    request: () => ({ url: `/api/bases/${baseId}/evaluation.xlsx` }),
    expect: { ...only({ 'applicant/own': 200, 'applicant/foreign': 404, 'prefectureOfficer/own': 200, 'prefectureOfficer/foreign': 404, provinceOfficer: 200, ops: 200 }) },
  },
  'GET /api/applications/export.xlsx': { request: () => ({ url: '/api/applications/export.xlsx' }), expect: signedIn(200) },
  'GET /api/bases/export.xlsx': { request: () => ({ url: '/api/bases/export.xlsx' }), expect: { ...signedIn(200), 'expert/assigned': 403, 'expert/other': 403 } },
  'GET /api/tasks/export.xlsx': { request: () => ({ url: '/api/tasks/export.xlsx' }), expect: signedIn(200) },
};

/** Every route Express actually serves, from its router stack (a route mounted without the registry shows up here). */
function expressRoutes(stack: unknown[], prefix = ''): string[] {
  const out: string[] = [];
  for (const layer of stack as Array<{ route?: { path: string; methods: Record<string, boolean> }; handle?: { stack?: unknown[] } }>) {
    if (layer.route) for (const m of Object.keys(layer.route.methods)) out.push(routeKey(m, `${prefix}${layer.route.path}`));
    else if (layer.handle?.stack) out.push(...expressRoutes(layer.handle.stack, '/api'));
  }
  return out;
}

describe('access matrix: every route × every role × own and foreign region', () => {
  it('has one row per registered route, and the registry has every route Express serves', async () => {
    const { createApp } = await import('../../api/app');
    const app = createApp({ db: database.db, temporal: env.client, taskQueue: harness.taskQueue, verify: async () => ops });
    const served = expressRoutes((app as unknown as { router: { stack: unknown[] } }).router.stack).sort();
    const registered = registeredRoutes().map((r) => routeKey(r.method, r.fullPath)).sort();
    expect(served).toEqual(registered);
    expect(Object.keys(MATRIX).sort()).toEqual(registered);
    // No route mints tokens (tokens come from the provider, or `npm run token` in development).
    expect(registered.filter((k) => /token|login|auth/i.test(k))).toEqual([]);
  });

  it('answers each cell with its expected status, in the documented shape', async () => {
    const failures: string[] = [];
    let cells = 0;
    for (const r of registeredRoutes()) {
      const row = MATRIX[routeKey(r.method, r.fullPath)];
      if (!row) continue;
      for (const [column, actor] of COLUMNS) {
        const req = row.request(column);
        const reply = await send(r.method.toUpperCase(), req.url, { ...(actor ? { actor } : {}), ...(req.form ? { raw: req.form() } : req.body !== undefined ? { body: req.body } : {}) });
        cells += 1;
        const where = `${r.method.toUpperCase()} ${r.fullPath} as ${column}`;
        if (reply.status !== row.expect[column]) failures.push(`${where}: expected ${row.expect[column]}, got ${reply.status} ${JSON.stringify(reply.body).slice(0, 200)}`);
        failures.push(...checkAgainstDocument(r, reply).map((p) => `${where}: ${p}`));
        const seen = row.visible?.[column];
        if (seen !== undefined && (reply.body as { applications?: unknown[] }).applications?.length !== seen) failures.push(`${where}: sees ${(reply.body as { applications?: unknown[] }).applications?.length} applications, expected ${seen}`);
      }
    }
    expect(failures).toEqual([]);
    expect(cells).toBe(registeredRoutes().length * COLUMNS.length);
    console.info(`access matrix: ${cells} cells (${registeredRoutes().length} routes × ${COLUMNS.length} columns)`);
  });

  it('records the refused attempts of the matrix in the audit log: who, role, when, what, why', async () => {
    const rows = await database.db.decision.findMany({ where: { outcome: 'refused', actorSub: prefectureForeign.sub }, orderBy: { seq: 'asc' } });
    const decision = rows.find((d) => d.subjectId === applicationId && d.action === 'recommend');
    expect(decision).toMatchObject({ actorRole: 'prefectureOfficer', actorPrefecture: '520100', applicationId, subjectType: 'application', refusal: expect.stringMatching(/^404 notFound/) });
    expect((decision!.payload as { decisionId?: string }).decisionId).toMatch(/^matrix-prefectureOfficer-foreign-/);
    expect(Date.now() - decision!.at.getTime()).toBeLessThan(120_000);
    // Refused reads are counted, not chained (issue 15): the foreign officer's 404 on the application is in RefusedRead.
    expect(rows.some((d) => d.subjectId === applicationId && d.action === 'read')).toBe(false);
    expect(await database.db.refusedRead.findFirst({ where: { actorSub: prefectureForeign.sub, route: '/api/applications/:id', status: 404 } })).toMatchObject({
      actorRole: 'prefectureOfficer', actorPrefecture: '520100', count: expect.any(Number), lastSubject: applicationId,
    });
    // ops may not decide at all: refused by the route's role check, before the body is read.
    const roleRefusal = await database.db.decision.findFirst({ where: { outcome: 'refused', actorSub: ops.sub, subjectId: `/api/applications/${applicationId}/decisions` } });
    expect(roleRefusal).toMatchObject({ actorRole: 'ops', action: 'POST /api/applications/:id/decisions', refusal: expect.stringMatching(/^403 forbidden/) });
    const wrongRole = await database.db.decision.findFirst({ where: { outcome: 'refused', actorSub: province.sub, action: 'recommend' } });
    expect(wrongRole?.refusal).toMatch(/^403 forbidden/);
    const stageRefusal = await database.db.decision.findFirst({ where: { outcome: 'refused', actorSub: prefectureOwn.sub, action: 'recommend' } });
    expect(stageRefusal?.refusal).toMatch(/^409 conflict/);
    // Nothing a complainant wrote is in the log, not even of refused complaints.
    const everything = JSON.stringify(await database.db.decision.findMany(), (_k, v: unknown) => (typeof v === 'bigint' ? String(v) : v));
    expect(everything).not.toContain('李四');
    expect(everything).not.toContain('lisi@example.org');
    expect(everything).not.toContain('13800000000');
  });
});

// ---- the public board -------------------------------------------------------

describe('the public sees only published notices', () => {
  it('hides a notice scheduled for later, on the board and for complaints', async () => {
    const ids: string[] = [];
    for (const name of ['l', '1', '2', '3', '4', 'p']) ids.push((((await upload(applicantOwn, `%PDF-1.7\nlater-${name}\n%%EOF\n`, 'x.pdf')).body) as { fileId: string }).fileId);
    const submitted = await send('POST', '/api/applications', {
      actor: applicantOwn,
      body: {
        year: 2027, unit: { name: '习水县', type: 'county', prefectures: ['520300'] }, applicant: { name: '习水县人民政府', contactEmail: 'gov@xishui.example' },
        materials: [
          { kind: 'applicationLetter', fileId: ids[0] },
          ...[1, 2, 3, 4].map((condition) => ({ kind: 'conditionEvidence', condition, fileId: ids[condition], explanation: 'x' })),
          { kind: 'implementationPlan', fileId: ids[5], issuedBy: 'county', chapters },
        ],
      },
    });
    expect(submitted.status).toBe(201);
    const later = (submitted.body as { id: string }).id;
    await waitUntil('the pre-review task', () => database.db.task.findFirst({ where: { applicationId: later, step: 'prefectureReview', status: 'open' } }));
    expect((await send('POST', `/api/applications/${later}/decisions`, { actor: prefectureOwn, body: { decisionId: 'later-accept-1', action: 'prefectureAccept' } })).status).toBe(200);
    const publishedAt = new Date(Date.now() + 30 * 24 * 3600_000).toISOString();
    expect((await send('POST', `/api/applications/${later}/decisions`, { actor: prefectureOwn, body: { decisionId: 'later-notice-1', action: 'openNotice', workingDays: 5, publishedAt } })).status).toBe(200);
    const scheduled = await waitUntil('the scheduled notice', () => database.db.notice.findFirst({ where: { applicationId: later } }));
    for (const url of ['/api/notices', '/api/notices?active=false', '/api/notices?active=true']) {
      const board = (await send('GET', url)).body as { notices: Array<{ id: string }> };
      expect(board.notices.map((n) => n.id), url).not.toContain(scheduled.id);
      expect(board.notices.map((n) => n.id), url).toContain(noticeId);
    }
    const early = await send('POST', `/api/notices/${encodeURIComponent(scheduled.id)}/complaints`, { body: { complainant: { name: '公众', contact: 'x' }, content: '提前投诉' } });
    expect(early.status).toBe(404);
    // The officers see it on the application.
    const detail = (await send('GET', `/api/applications/${later}`, { actor: prefectureOwn })).body as { notices: Array<{ id: string; status: string }> };
    expect(detail.notices).toEqual([expect.objectContaining({ id: scheduled.id, status: 'scheduled' })]);
  });
});

// ---- hostile input ---------------------------------------------------------

describe('hostile input', () => {
  const decisions = () => `/api/applications/${applicationId}/decisions`;

  it('refuses malformed JSON, wrong types and unknown shapes with 400 in the contract shape', async () => {
    for (const raw of ['{', '{"decisionId":', 'null', '[]', '"x"', '{"a":1}{', '\u0000']) {
      const r = await send('POST', decisions(), { actor: prefectureOwn, raw });
      expect(r.status, raw).toBe(400);
      expect(errorSchema.safeParse(r.body).success).toBe(true);
    }
    for (const body of [{ decisionId: 12345678, action: 'x' }, { decisionId: 'ok-id-0001', action: ['recommend'] }, { decisionId: 'a b c d e f', action: 'x' }, { decisionId: 'ok-id-0001' }]) {
      expect((await send('POST', decisions(), { actor: prefectureOwn, body })).status, JSON.stringify(body)).toBe(400);
    }
    const wrongTypes = await send('POST', '/api/notices/' + noticeId + '/complaints', { body: { complainant: { name: 1, contact: true }, content: ['x'] } });
    expect(wrongTypes.status).toBe(400);
    expect((wrongTypes.body as { error: { details: Array<{ path: string }> } }).error.details.map((d) => d.path).sort()).toEqual(['complainant.contact', 'complainant.name', 'content']);
    // A JSON body with the wrong content type is not parsed: the schema sees nothing.
    expect((await send('POST', decisions(), { actor: prefectureOwn, raw: '{"decisionId":"ok-id-0002","action":"x"}', headers: { 'content-type': 'text/plain' } })).status).toBe(400);
  });

  it('refuses huge strings with 400 and bodies over 1 MB with 413', async () => {
    const huge = await send('POST', decisions(), { actor: prefectureOwn, body: { decisionId: 'huge-0001', action: 'recommend', reason: '长'.repeat(5001) } });
    expect(huge.status).toBe(400);
    const tooLarge = await send('POST', decisions(), { actor: prefectureOwn, body: { decisionId: 'huge-0002', action: 'recommend', opinion: 'x'.repeat(1_100_000) } });
    expect(tooLarge.status).toBe(413);
    expect(tooLarge.body).toEqual({ error: { code: 'tooLarge', message: expect.any(String) } });
    const longId = await send('GET', `/api/applications/${'a'.repeat(5000)}`, { actor: province });
    expect(longId.status).toBe(400);
  });

  it('refuses NUL and lone surrogates (they cannot be stored as sent) and keeps RTL and zero-width text verbatim', async () => {
    for (const reason of ['a\u0000b', '\ud800', 'x\udfff', '\udc00\ud800']) {
      const r = await send('POST', decisions(), { actor: prefectureOwn, raw: JSON.stringify({ decisionId: `uni-${randomUUID()}`, action: 'recommend', reason }) });
      expect(r.status, JSON.stringify(reason)).toBe(400);
    }
    // NUL in a key, and in the path.
    expect((await send('POST', decisions(), { actor: prefectureOwn, raw: '{"decisionId":"uni-key-0001","action":"recommend","\\u0000":1}' })).status).toBe(400);
    expect((await send('GET', '/api/applications/%00', { actor: province })).status).toBe(400);
    expect((await send('GET', '/api/applications/%ED%A0%80', { actor: province })).status).toBe(400);
    expect((await send('GET', '/api/applications/%E0%A4%A', { actor: province })).status).toBe(400);
    expect((await send('POST', '/api/notices/%00/complaints', { body: { complainant: { name: 'a', contact: 'b' }, content: 'c' } })).status).toBe(400);

    // Right-to-left overrides, zero-width joiners and astral characters are text: stored and shown as sent.
    const content = '举报\u202Egnp.exe\u202C 零宽\u200B\u200D\uFEFF 𝕏👩‍👩‍👧 ‏עברית‎';
    const filed = await send('POST', `/api/notices/${noticeId}/complaints`, { body: { complainant: { name: '\u202E王五', contact: 'w@x.example' }, content } });
    expect(filed.status).toBe(201);
    const detail = await send('GET', `/api/applications/${applicationId}`, { actor: prefectureOwn });
    const complaints = (detail.body as { notices: Array<{ complaints: Array<{ id: string; content: string }> }> }).notices.flatMap((n) => n.complaints);
    expect(complaints.find((c) => c.id === (filed.body as { complaintId: string }).complaintId)?.content).toBe(content);
  });

  it('keeps path traversal in uploaded file names out of the file system', async () => {
    const before = await listFiles(filesDir);
    for (const [name, kept] of [
      ['../../../../etc/passwd.pdf', 'passwd.pdf'],
      ['..\\..\\windows\\win.pdf', 'win.pdf'],
      ['..', 'file'],
      ['/abs/olute.pdf', 'olute.pdf'],
      ['%2e%2e%2fescape.pdf', '%2e%2e%2fescape.pdf'],
    ] as const) {
      const r = await upload(applicantOwn, `%PDF-1.7\n${name}\n%%EOF\n`, name);
      expect(r.status, name).toBe(201);
      expect((r.body as { name: string }).name, name).toBe(kept);
    }
    // A NUL in the multipart header is refused as malformed.
    expect((await upload(applicantOwn, '%PDF-1.7\nx\n%%EOF\n', 'nul\u0000byte.pdf')).status).toBe(400);
    // Everything written is under FILES_DIR, named by its sha256.
    const after = await listFiles(filesDir);
    for (const f of after.filter((f) => !before.includes(f))) expect(f).toMatch(/^[0-9a-f]{2}\/[0-9a-f]{64}$/);
    // A traversal in the URL never reaches a file either.
    expect((await send('GET', '/api/applications/..%2F..%2Fetc%2Fpasswd', { actor: province })).status).toBe(404);
    // A file that claims to be a PDF but is not (type checked by content).
    expect((await upload(applicantOwn, 'MZ\u0090\u0000 not a pdf', 'tool.pdf')).status).toBe(422);
  });

  it('applies a replayed decision id once and refuses it for another action or subject', async () => {
    const before = await database.db.decision.count({ where: { outcome: 'applied' } });
    const replay = await send('POST', decisions(), { actor: prefectureOwn, body: { decisionId: ACCEPT_ID, action: 'prefectureAccept', reason: '材料齐全' } });
    expect(replay).toMatchObject({ status: 200, body: { decisionId: ACCEPT_ID, action: 'prefectureAccept', stage: 'prefectureNotice' } });
    const other = await send('POST', decisions(), { actor: prefectureOwn, body: { decisionId: ACCEPT_ID, action: 'prefectureReject', reason: '改主意' } });
    expect(other.status).toBe(409);
    // Another officer cannot learn anything by replaying someone's id on a subject it cannot see.
    expect((await send('POST', decisions(), { actor: prefectureForeign, body: { decisionId: NOTICE_ID, action: 'openNotice', workingDays: 5 } })).status).toBe(404);
    // The complaint endpoint: the same id on the investigation of another complaint is refused.
    expect((await send('POST', `/api/complaints/${complaintId}/investigation`, { actor: prefectureOwn, body: { decisionId: ACCEPT_ID, outcome: 'untrue', findings: 'x' } })).status).toBe(409);
    expect(await database.db.decision.count({ where: { outcome: 'applied' } })).toBe(before);
    // Each refused replay is its own row in the log.
    const refusedReplays = await database.db.decision.findMany({ where: { outcome: 'refused', payload: { path: ['decisionId'], equals: ACCEPT_ID } } });
    expect(refusedReplays.length).toBeGreaterThanOrEqual(2);
  });
});

async function listFiles(dir: string): Promise<string[]> {
  try {
    const entries = await readdir(dir, { recursive: true, withFileTypes: true });
    return entries.filter((e) => e.isFile()).map((e) => path.relative(dir, path.join(e.parentPath, e.name)));
  } catch {
    return [];
  }
}

// ---- the audit log ---------------------------------------------------------

describe('audit log', () => {
  it('GET /api/ops/audit filters by subject, actor, outcome and time, in pages by seq', async () => {
    const page = async (query: string) => (await send('GET', `/api/ops/audit?${query}`, { actor: ops })).body as { entries: Array<{ seq: string; outcome: string; actor: { sub: string }; subjectId: string; at: string }>; nextAfter: string | null };
    const applied = await page(`subject=${applicationId}&outcome=applied`);
    // The submission is an act of record too, applied by the applicant before any decision.
    expect(applied.entries.map((e) => (e as unknown as { decisionId: string }).decisionId)).toEqual([`submit.${applicationId}`, ACCEPT_ID, NOTICE_ID]);
    const foreign = await page(`actor=${prefectureForeign.sub}&outcome=refused`);
    expect(foreign.entries.length).toBeGreaterThan(0);
    expect(foreign.entries.every((e) => e.actor.sub === prefectureForeign.sub && e.outcome === 'refused')).toBe(true);
    // Pages of 3 walk the whole log in seq order.
    const everything = await page('limit=500');
    const walked: string[] = [];
    let after: string | null = null;
    do {
      const p = await page(`limit=3${after ? `&after=${after}` : ''}`);
      walked.push(...p.entries.map((e) => e.seq));
      after = p.nextAfter;
    } while (after);
    expect(walked).toEqual(everything.entries.map((e) => e.seq));
    expect(walked.map(BigInt)).toEqual([...walked.map(BigInt)].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)));
    // A time range.
    const first = everything.entries[0]!.at;
    const none = await page(`to=${encodeURIComponent(first)}`);
    expect(none.entries).toEqual([]);
    expect((await page(`from=${encodeURIComponent(first)}&limit=500`)).entries.length).toBe(everything.entries.length);
    // Bad filters are 400, and only ops may read the log.
    expect((await send('GET', '/api/ops/audit?outcome=maybe', { actor: ops })).status).toBe(400);
    expect((await send('GET', '/api/ops/audit?after=-1', { actor: ops })).status).toBe(400);
    expect((await send('GET', '/api/ops/audit', { actor: province })).status).toBe(403);
  });

  it('npm run audit:verify passes on the chain and names the first row someone modified', async () => {
    const verify = () =>
      run('npx', ['tsx', 'scripts/audit-verify.ts'], { env: { ...process.env, DATABASE_URL: database.url } }).then(
        ({ stdout }) => ({ code: 0, out: stdout }),
        (error: { code: number; stdout: string; stderr: string }) => ({ code: error.code, out: `${error.stdout}${error.stderr}` }),
      );
    const intact = await verify();
    expect(intact.code, intact.out).toBe(0);
    expect(intact.out).toMatch(/audit log intact: \d+ rows/);

    const target = await database.db.decision.findFirstOrThrow({ where: { decisionId: ACCEPT_ID } });
    await database.db.$executeRaw`UPDATE "Decision" SET reason = '材料不齐全' WHERE seq = ${target.seq}`;
    const tampered = await verify();
    expect(tampered.code).toBe(1);
    expect(tampered.out).toContain(`BROKEN at seq ${target.seq}`);
    expect(tampered.out).toContain('modified');

    // Back as it was: the chain holds again (the check is by content, not by a flag).
    await database.db.$executeRaw`UPDATE "Decision" SET reason = ${target.reason} WHERE seq = ${target.seq}`;
    expect((await verify()).code).toBe(0);

    // A deleted row breaks the link of the row after it.
    const victim = await database.db.decision.findFirstOrThrow({ where: { outcome: 'refused' }, orderBy: { seq: 'asc' } });
    const next = await database.db.decision.findFirstOrThrow({ where: { seq: { gt: victim.seq } }, orderBy: { seq: 'asc' } });
    await database.db.$executeRaw`DELETE FROM "Decision" WHERE seq = ${victim.seq}`;
    const deleted = await verify();
    expect(deleted.code).toBe(1);
    expect(deleted.out).toContain(`BROKEN at seq ${next.seq}`);
    // Put it back, so that the fuzz run below starts on an intact chain.
    await database.db.decision.create({ data: { ...victim, payload: victim.payload as object } });
    expect((await verify()).code).toBe(0);
  });
});

// ---- the fuzz run ----------------------------------------------------------

type Operation = { parameters?: Array<{ name: string; in: string; style?: string; schema: JsonSchema }> };

/** The query parameters an operation documents: the properties of its query object (form, exploded), or single parameters. */
function queryProperties(op: Operation): Array<[string, JsonSchema]> {
  return (op.parameters ?? [])
    .filter((p) => p.in === 'query')
    .flatMap((p): Array<[string, JsonSchema]> => (p.schema.type === 'object' && p.style === 'form' ? Object.entries((p.schema.properties ?? {}) as Record<string, JsonSchema>) : [[p.name, p.schema]]));
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * The paths of the properties of a JSON value that its schema closes out
 * (`additionalProperties: false`), following oneOf by the alternative whose
 * constants the value carries (a decision's action, a material's kind).
 */
function strayFields(schema: JsonSchema, value: unknown, at = ''): string[] {
  const alternatives = (schema.oneOf ?? schema.anyOf) as JsonSchema[] | undefined;
  if (Array.isArray(alternatives)) {
    const constants = (a: JsonSchema) => Object.entries((a.properties ?? {}) as Record<string, JsonSchema>).filter(([, p]) => 'const' in p);
    const picked = alternatives.filter((a) => isRecord(value) && constants(a).length > 0 && constants(a).every(([k, p]) => Object.hasOwn(value, k) && value[k] === p.const));
    return picked.length === 1 ? strayFields(picked[0]!, value, at) : [];
  }
  if (schema.type === 'array' && Array.isArray(value) && schema.items) return value.flatMap((v, i) => strayFields(schema.items as JsonSchema, v, `${at}${i}.`));
  if (schema.type !== 'object' || !isRecord(value)) return [];
  const properties = (schema.properties ?? {}) as Record<string, JsonSchema>;
  return Object.entries(value).flatMap(([k, v]) =>
    Object.hasOwn(properties, k) ? strayFields(properties[k]!, v, `${at}${k}.`) : schema.additionalProperties === false ? [`${at}${k}`] : []);
}

// Multipart bodies as a hostile client builds them by hand (issue 23: one
// part named "" took the API down): 0 to 3 parts with names, file names and
// content types from the edges (empty, missing, quoted, NUL, RTL, paths,
// very long), a boundary that is sometimes odd, a body that is sometimes cut
// short; and now and then a well-formed upload of a real PDF.
const PART_NAMES = [null, '', 'file', 'file', 'File', 'files[]', '__proto__', 'constructor', 'a"b', 'x\u0000y', '名字', '\u202Efile', 'f'.repeat(300)];
const FILE_NAMES = [null, '', 'a.pdf', '../../etc/passwd', '..\\..\\boot.ini', '\u202Efdp.exe', '报告.pdf', 'a;b=c.pdf', '%00.pdf', 'x'.repeat(2000), '.', 'C:\\con.pdf'];
const PART_TYPES = [null, 'application/pdf', 'text/html', 'application/x-msdownload', 'multipart/mixed; boundary=zz', '', 'image/svg+xml', '\u0000'];
const BOUNDARIES = ['fuzzBoundary0001', 'fuzzBoundary0001', 'fuzzBoundary0001', 'x', 'a b', 'B'.repeat(90), '"quoted"', ''];
const multipartPart = fc.record({
  name: fc.constantFrom(...PART_NAMES),
  filename: fc.constantFrom(...FILE_NAMES),
  type: fc.constantFrom(...PART_TYPES),
  content: fc.oneof(fc.constant('%PDF-1.7\n%%EOF\n'), fc.string({ maxLength: 40 }), fc.constant('PK\u0003\u0004'), fc.constant('')),
});
const hostileMultipart = fc.record({
  boundary: fc.constantFrom(...BOUNDARIES),
  parts: fc.array(multipartPart, { maxLength: 3 }),
  cutAt: fc.option(fc.nat({ max: 400 }), { freq: 4 }),
  contentType: fc.constantFrom('multipart/form-data; boundary=', 'multipart/form-data; boundary=', 'multipart/form-data', 'application/json', 'text/plain; boundary='),
}).map(({ boundary, parts, cutAt, contentType }) => {
  const quote = (v: string) => `"${v}"`;
  const text = parts.map((p) => {
    const disposition = ['form-data', ...(p.name !== null ? [`name=${quote(p.name)}`] : []), ...(p.filename !== null ? [`filename=${quote(p.filename)}`] : [])].join('; ');
    return `--${boundary}\r\nContent-Disposition: ${disposition}\r\n${p.type !== null ? `Content-Type: ${p.type}\r\n` : ''}\r\n${p.content}\r\n`;
  }).join('') + `--${boundary}--\r\n`;
  const bytes = Buffer.from(text, 'utf8');
  return { body: cutAt === null ? bytes : bytes.subarray(0, cutAt), contentType: contentType.endsWith('=') ? contentType + boundary : contentType };
});

describe('fuzz against GET /api/openapi.json', () => {
  it('finds no 5xx and no response outside the document', async () => {
    const doc = (await send('GET', '/api/openapi.json')).body as { openapi: string; paths: Record<string, Record<string, { 'x-roles': string[]; parameters?: Array<{ name: string; in: string; schema: JsonSchema }>; requestBody?: { content: Record<string, { schema: JsonSchema }> } }>> };
    expect(doc.openapi).toBe('3.1.0');
    const operations = Object.entries(doc.paths).flatMap(([p, methods]) => Object.entries(methods).map(([method, op]) => ({ path: p, method, op })));
    expect(operations.length).toBe(registeredRoutes().length);

    const expired = await new SignJWT({ role: 'ops' }).setProtectedHeader({ alg: 'HS256' }).setSubject('ops-1').setExpirationTime(Math.floor(Date.now() / 1000) - 60).sign(new TextEncoder().encode(SECRET));
    const forged = await new SignJWT({ role: 'ops' }).setProtectedHeader({ alg: 'HS256' }).setSubject('ops-1').setExpirationTime('1h').sign(new TextEncoder().encode('not-the-secret-0123456789abcdef'));
    const badTokens = [undefined, 'garbage', expired, forged];
    const signed = await Promise.all(COLUMNS.flatMap(([, a]) => (a ? [tokenOf(a).then((token) => ({ role: a.role as string, token }))] : [])));
    // Mostly ids that exist (so that requests reach the workflows), sometimes ones that do not or are hostile.
    const realIds = [applicationId, encodeURIComponent(noticeId), complaintId, spareExpertId, expertAssigned.sub, '2031'];
    const otherIds = ['2027', 'nonexistent', '..%2F..%2Fetc%2Fpasswd', '%00', '%ED%A0%80', '%E2%80%AE', '%F0%9F%92%A9', 'a'.repeat(300), '0', '-1', '1e9'];
    const decisionIds = [ACCEPT_ID, NOTICE_ID, 'fuzz-0001', 'x'];

    // Mostly callers the route admits (so that requests get past the role check), sometimes anyone, sometimes a bad token.
    const tokenFor = (roles: string[]) => {
      const admitted = signed.filter((s) => roles.includes(s.role)).map((s) => s.token);
      return fc.oneof(
        { weight: admitted.length ? 6 : 0, arbitrary: fc.constantFrom(...(admitted.length ? admitted : ['-'])) },
        { weight: 2, arbitrary: fc.constantFrom(...signed.map((s) => s.token)) },
        { weight: 2, arbitrary: fc.constantFrom(...badTokens) },
      );
    };
    const request = fc.record({
      // The uploads five times as often: hand-built multipart bodies have the most shapes to try.
      operation: fc.constantFrom(...operations.flatMap((o) => (o.op.requestBody?.content['multipart/form-data'] ? [o, o, o, o, o] : [o]))),
      pathValue: fc.oneof({ weight: 3, arbitrary: fc.constantFrom(...realIds) }, { weight: 1, arbitrary: fc.constantFrom(...otherIds) }),
    }).chain(({ operation, pathValue }) => tokenFor(operation.op['x-roles']).map((token) => ({ operation, pathValue, token }))).chain(({ operation, token, pathValue }) => {
      const known = fc.record(
        // Values capped at 4000 characters: Node refuses a request line over 16 KB with 431 before the app sees it.
        Object.fromEntries(queryProperties(operation.op).map(([name, schema]) => [name, fromSchema(schema, 2).map((v) => (typeof v === 'string' ? v : JSON.stringify(v)).slice(0, 4000))])),
        { requiredKeys: [] },
      );
      // Now and then a parameter the document does not name (strict queries, issue 15: never accepted).
      const query = fc.oneof(
        { weight: 9, arbitrary: known },
        { weight: 1, arbitrary: fc.tuple(known, fc.constantFrom('isAdmin', 'debug', '__proto__', 'x'), fc.string({ maxLength: 8 })).map(([q, k, v]) => ({ ...(q as Record<string, unknown>), [k]: v })) },
      );
      const jsonSchema = operation.op.requestBody?.content['application/json']?.schema;
      const isMultipartOp = !!operation.op.requestBody?.content['multipart/form-data'];
      const body = isMultipartOp
        ? fc.oneof({ weight: 1, arbitrary: fc.constant(undefined) }, { weight: 3, arbitrary: hostileMultipart })
        : jsonSchema
        ? fc.oneof(
            // Bodies the document allows (deeper paths: the workflows' refusals), and the same with hostile parts.
            { weight: 4, arbitrary: fromSchema(jsonSchema, 0) },
            { weight: 4, arbitrary: fromSchema(jsonSchema, 1) },
            { weight: 1, arbitrary: fc.constantFrom(...decisionIds).map((decisionId) => ({ decisionId, action: 'prefectureAccept' })) },
            { weight: 1, arbitrary: fc.string({ maxLength: 50 }).map((raw) => ({ raw })) },
          )
        : fc.constant(undefined);
      return fc.record({ operation: fc.constant(operation), token: fc.constant(token), pathValue: fc.constant(pathValue), query, body });
    });

    let cases = 0;
    let strayRequests = 0;
    let multipartRequests = 0;
    const callers = new Map<string, number>();
    const statuses = new Map<number, number>();
    const started = Date.now();
    await fc.assert(
      fc.asyncProperty(request, async ({ operation, token, pathValue, query, body }) => {
        cases += 1;
        const url = operation.path.replace(/\{[^}]+\}/g, pathValue) + (Object.keys(query).length ? `?${new URLSearchParams(query as Record<string, string>)}` : '');
        const isMultipart = !!operation.op.requestBody?.content['multipart/form-data'];
        let options: Parameters<typeof send>[2] = token ? { token } : {};
        if (isMultipart && body && typeof body === 'object' && 'contentType' in body) {
          const { body: bytes, contentType } = body as { body: Buffer; contentType: string };
          options = { ...options, raw: new Uint8Array(bytes), headers: { 'content-type': contentType } };
          multipartRequests += 1;
        } else if (isMultipart) {
          const form = new FormData();
          form.append('file', new Blob([`%PDF-1.7\n${cases}\n%%EOF\n`]), '../fuzz.pdf');
          options = { ...options, raw: form };
        } else if (body && typeof body === 'object' && 'raw' in body && Object.keys(body).length === 1) {
          options = { ...options, raw: String((body as { raw: string }).raw) };
        } else if (body !== undefined) {
          options = { ...options, body };
        }
        const reply = await send(operation.method.toUpperCase(), url, options);
        statuses.set(reply.status, (statuses.get(reply.status) ?? 0) + 1);
        const caller = signed.find((s) => s.token === token)?.role ?? (token ? 'bad token' : 'no token');
        callers.set(caller, (callers.get(caller) ?? 0) + 1);
        // After each batch the API still answers (issue 23: a request that ends the process ends every later one).
        if (cases % 25 === 0) expect((await send('GET', '/api/health')).status, `after request ${cases}`).toBe(200);
        const expressPath = operation.path.replace(/\{([^}]+)\}/g, ':$1');
        const r = findRoute(operation.method, expressPath)!;
        const problems = checkAgainstDocument(r, reply);
        // A field the document does not name (additionalProperties: false), in the query or the JSON body, is never accepted.
        const names = new Set(queryProperties(operation.op).map(([name]) => name));
        const jsonBody = operation.op.requestBody?.content['application/json']?.schema;
        const stray = [
          ...Object.keys(query).filter((k) => !names.has(k)),
          ...(jsonBody && options.body !== undefined ? strayFields(jsonBody, JSON.parse(JSON.stringify(options.body)) as unknown) : []),
        ];
        if (stray.length && reply.status < 300) problems.push(`accepted ${reply.status} with fields the document does not name: ${stray.join(', ')}`);
        if (stray.length) strayRequests += 1;
        if (problems.length) throw new Error(`${problems.join('; ')} ← ${operation.method.toUpperCase()} ${url.slice(0, 300)} ${JSON.stringify(body ?? null).slice(0, 300)}`);
      }),
      { numRuns: Number(process.env.FUZZ_RUNS ?? 1500), interruptAfterTimeLimit: 50_000, markInterruptAsFailure: false, verbose: 1 },
    );
    console.info(`fuzz: ${cases} requests in ${((Date.now() - started) / 1000).toFixed(1)} s; statuses ${JSON.stringify(Object.fromEntries([...statuses].sort(([a], [b]) => a - b)))}`);
    console.info(`fuzz: callers ${JSON.stringify(Object.fromEntries(callers))}; hand-built multipart bodies ${multipartRequests}`);
    expect(cases).toBeGreaterThan(100);
    expect((await send('GET', '/api/health')).status).toBe(200);
    // Every role signed in, a bad token and none at all were among the callers, and the uploads got hostile bodies.
    for (const role of [...new Set(signed.map((s) => s.role))]) expect(callers.get(role), role).toBeGreaterThan(0);
    expect(callers.get('no token')).toBeGreaterThan(0);
    expect(multipartRequests).toBeGreaterThan(0);
    // The strict-input check above did run (about one request in ten carries a field the document does not name).
    expect(strayRequests).toBeGreaterThan(0);
    // The log is still a chain after everything the fuzz run did.
    const { verifyAuditChain } = await import('../../activities/audit');
    expect(await verifyAuditChain(database.db)).toMatchObject({ ok: true });
  }, 120_000);
});
