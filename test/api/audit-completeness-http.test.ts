// The audit log's completeness and its cost (issue 15, items 2 and 4), over
// real HTTP: the API and a worker against the Temporal dev server, a real
// PostgreSQL and SMTP.
//
// - Every successful act of record is a chained row naming who (sub and
//   prefecture), in which role, when, what (action, subject, payload) and,
//   where the act takes one, why (reason): the submission, the uploads, a
//   decision, the withdrawal, the expert pool, the working-day calendar, a
//   resend, and the base's annual summary, indicator data and rectification
//   report. Read back through GET /api/ops/audit, as ops would.
// - Refused reads are counted, not chained: 300 out-of-scope reads by one
//   prefecture officer add (next to) no chain row, one RefusedRead row
//   counting 300, the Prometheus counter and a log line each, and the chain
//   still verifies (verifyAuditChain, what `npm run audit:verify` runs). A
//   refused act by the same officer is still chained.
import { createHash, randomUUID } from 'node:crypto';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { until } from '../support/eventually';
import { verifyAuditChain } from '../../activities/audit';
import { signDevToken } from '../../api/auth';
import { cstDateOf } from '../../domain/dates';
import { createLogger } from '../../infra/logger';
import { baseWorkflow } from '../../workflows/base';
import type { BaseInput } from '../../workflows/base-messages';
import type { Actor } from '../../workflows/messages';
import type { TestDatabase } from '../support/database';
import { startHarness, TEST_JWT_SECRET, type Harness } from '../support/harness';

let harness: Harness;
let database: TestDatabase;
let api: string;
/** Every line the API logged, parsed. */
const lines: Array<Record<string, unknown>> = [];
const started = Date.now();

const applicant: Actor = { sub: 'audit-chishui', role: 'applicant', prefecture: '520300' };
const zunyi: Actor = { sub: 'audit-zunyi-1', role: 'prefectureOfficer', prefecture: '520300' };
const guiyang: Actor = { sub: 'audit-guiyang-1', role: 'prefectureOfficer', prefecture: '520100' };
const province: Actor = { sub: 'audit-province-1', role: 'provinceOfficer' };
const ops: Actor = { sub: 'audit-ops-1', role: 'ops' };

let applicationId = '';
const uploads: Array<{ fileId: string; bytes: Buffer; name: string }> = [];

beforeAll(async () => {
  harness = await startHarness({ server: 'dev', name: 'audit-completeness' });
  database = harness.database;
  const destination = new Writable({
    write(chunk, _encoding, done) {
      for (const line of String(chunk).split('\n').filter(Boolean)) lines.push(JSON.parse(line) as Record<string, unknown>);
      done();
    },
  });
  api = await harness.listen({
    // Submissions are judged as on a day in the 2027 window; everything else runs on the real clock.
    acceptanceClock: () => new Date('2027-03-02T02:00:00Z'),
    logger: createLogger({ name: 'api', level: 'info', destination }),
  });
});

afterAll(() => harness?.stop());

type Body = Record<string, unknown>;
async function call(method: string, url: string, actor: Actor | undefined, body?: unknown): Promise<{ status: number; body: Body }> {
  const headers: Record<string, string> = {};
  if (actor) headers.authorization = `Bearer ${await signDevToken(TEST_JWT_SECRET, actor)}`;
  if (body !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(api + url, { method, headers, ...(body !== undefined ? { body: JSON.stringify(body) } : {}) });
  const text = await res.text();
  return { status: res.status, body: (text ? JSON.parse(text) : {}) as Body };
}

async function upload(actor: Actor, text: string, name: string) {
  const bytes = Buffer.from(`%PDF-1.7\n${text}\n%%EOF\n`);
  const form = new FormData();
  form.append('file', new Blob([bytes]), name);
  const res = await fetch(`${api}/api/files`, { method: 'POST', headers: { authorization: `Bearer ${await signDevToken(TEST_JWT_SECRET, actor)}` }, body: form });
  return { status: res.status, body: (await res.json()) as Body, bytes };
}


interface Entry {
  seq: string;
  decisionId: string;
  subjectType: string;
  subjectId: string;
  action: string;
  actor: { sub: string; role: string; prefecture: string | null };
  reason: string | null;
  outcome: string;
  at: string;
  payload: Record<string, unknown>;
}

/** The applied rows of a subject, as ops read them (GET /api/ops/audit). */
async function appliedOn(subject: string): Promise<Entry[]> {
  const res = await call('GET', `/api/ops/audit?subject=${encodeURIComponent(subject)}&outcome=applied&limit=500`, ops);
  expect(res.status).toBe(200);
  return res.body.entries as Entry[];
}

/** One act of record: who (sub, prefecture), role, when, what and why. */
async function expectAct(subject: string, action: string, who: Actor, why: string | null, what: Record<string, unknown> = {}): Promise<Entry> {
  const entry = (await appliedOn(subject)).find((e) => e.action === action);
  expect(entry, `${action} on ${subject}`).toBeDefined();
  expect(entry).toMatchObject({ subjectId: subject, outcome: 'applied', actor: { sub: who.sub, role: who.role, prefecture: who.prefecture ?? null }, reason: why });
  expect(entry!.payload, action).toMatchObject(what);
  const at = Date.parse(entry!.at);
  expect(at, `${action}: when`).toBeGreaterThanOrEqual(started - 1000);
  expect(at, `${action}: when`).toBeLessThanOrEqual(Date.now() + 1000);
  return entry!;
}

const chapters = ['background', 'overview', 'progress', 'approach', 'tasks', 'projects', 'safeguards'];

describe('every act of record is in the chain: who, role, when, what, why', () => {
  it('uploads: the file, its name, type, size and sha256, never its content; by applicants and officers alike', async () => {
    for (const [i, name] of ['申报函.pdf', 'c1.pdf', 'c2.pdf', 'c3.pdf', 'c4.pdf', '实施方案.pdf'].entries()) {
      const r = await upload(applicant, `秘密内容-${i}-${randomUUID()}`, name);
      expect(r.status).toBe(201);
      uploads.push({ fileId: String(r.body.fileId), bytes: r.bytes, name });
    }
    const minutes = await upload(province, `省厅集体审议纪要-${randomUUID()}`, '集体审议会议纪要.pdf');
    expect(minutes.status).toBe(201);

    for (const [u, who] of [[uploads[0]!, applicant], [{ fileId: String(minutes.body.fileId), bytes: minutes.bytes, name: '集体审议会议纪要.pdf' }, province]] as const) {
      const entry = await expectAct(u.fileId, 'uploadFile', who, null, {
        name: u.name, contentType: 'application/pdf', size: u.bytes.length, sha256: createHash('sha256').update(u.bytes).digest('hex'),
      });
      expect(entry.subjectType).toBe('file');
      expect(Object.keys(entry.payload).sort()).toEqual(['contentType', 'name', 'sha256', 'size']);
      expect(JSON.stringify(entry)).not.toContain('秘密内容');
      expect(JSON.stringify(entry)).not.toContain('集体审议纪要-');
    }
  });

  it('the submission and a decision', async () => {
    const submitted = await call('POST', '/api/applications', applicant, {
      year: 2027,
      unit: { name: '赤水市', type: 'county', prefectures: ['520300'], terrain: 'mountain' },
      applicant: { name: '赤水市人民政府', contactEmail: 'gov@chishui.example' },
      materials: [
        { kind: 'applicationLetter', fileId: uploads[0]!.fileId },
        ...[1, 2, 3, 4].map((condition) => ({ kind: 'conditionEvidence', condition, fileId: uploads[condition]!.fileId, explanation: `条件${condition}` })),
        { kind: 'implementationPlan', fileId: uploads[5]!.fileId, issuedBy: 'county', chapters },
      ],
    });
    expect(submitted.status).toBe(201);
    applicationId = String(submitted.body.id);
    await until('the pre-review task', () => database.db.task.findFirst({ where: { applicationId, step: 'prefectureReview', status: 'open' } }));
    const submission = await expectAct(applicationId, 'submit', applicant, null, { year: 2027, unit: { name: '赤水市' } });
    expect((submission.payload.materials as unknown[]).length).toBe(6);

    expect((await call('POST', `/api/applications/${applicationId}/decisions`, zunyi, { decisionId: `audit-accept-${randomUUID()}`, action: 'prefectureAccept', reason: '材料齐全，符合申报条件' })).status).toBe(200);
    await expectAct(applicationId, 'prefectureAccept', zunyi, '材料齐全，符合申报条件');
  });

  it('the expert pool: added, changed, deactivated, with the reason and without the mail address', async () => {
    const added = await call('POST', '/api/experts', province, { requestId: 'audit-expert-zhou', name: '周专家', email: 'zhou@experts.example', fields: ['生态'], region: '520500', reason: '第二十五条：补充生态领域专家' });
    expect(added.status).toBe(201);
    const id = String(added.body.id);
    await expectAct(id, 'expertAdded', province, '第二十五条：补充生态领域专家', { name: '周专家', fields: ['生态'], region: '520500', active: true });
    expect((await call('PATCH', `/api/experts/${id}`, province, { requestId: `change-${randomUUID()}`, fields: ['水环境'], email: 'zhou2@experts.example', reason: '专家本人申请调整领域' })).status).toBe(200);
    const updated = await expectAct(id, 'expertUpdated', province, '专家本人申请调整领域', { fields: ['水环境'], emailChanged: true });
    // What the PATCH left out is neither changed nor claimed changed.
    expect(Object.keys(updated.payload).sort()).toEqual(['emailChanged', 'fields']);
    expect((await call('PATCH', `/api/experts/${id}`, province, { requestId: `change-${randomUUID()}`, active: false })).status).toBe(200);
    await expectAct(id, 'expertDeactivated', province, null, { active: false });
    // A reason alone changes nothing: refused like an empty change.
    expect((await call('PATCH', `/api/experts/${id}`, province, { requestId: `change-${randomUUID()}`, reason: '只有理由' })).status).toBe(400);
    const rows = JSON.stringify(await appliedOn(id));
    expect(rows).not.toContain('zhou@experts.example');
    expect(rows).not.toContain('zhou2@experts.example');
    expect(await database.db.expert.findUniqueOrThrow({ where: { id } })).toMatchObject({ fields: ['水环境'], region: '520500', active: false });
  });

  it('the working-day calendar and a resend', async () => {
    const calendar = await call('PUT', '/api/ops/calendar/2031', ops, { holidays: ['2031-01-01'], workdays: [], reason: '国务院办公厅2031年部分节假日安排的通知' });
    expect(calendar.status).toBe(200);
    await expectAct('2031', 'calendarOverride', ops, '国务院办公厅2031年部分节假日安排的通知', { year: 2031, holidays: ['2031-01-01'], workdays: [] });

    const mail = await database.db.notification.create({ data: { subjectId: 'audit-mail', key: `k-${randomUUID()}`, to: ['old@unit.example'], subject: '测试邮件', text: '正文', status: 'failed', lastError: 'mailbox full' } });
    const resent = await call('POST', `/api/ops/notifications/${mail.id}/resend`, ops, { to: ['new@unit.example'], reason: '收件地址已更正' });
    expect(resent).toMatchObject({ status: 200, body: { id: mail.id, status: 'sent' } });
    await expectAct(mail.id, 'resend', ops, '收件地址已更正', { status: 'sent' });
  });

  it("a base's annual summary, indicator data and rectification report, and the province's decision", async () => {
    // Named last year: this year's summary, and indicator data of last year (a year that has ended, Art. 22).
    const year = Number(cstDateOf(Date.now()).slice(0, 4));
    const namedOn = `${year - 1}-06-01`;
    const input: BaseInput = {
      baseId: randomUUID(),
      unit: { name: '赤水市', type: 'county', prefectures: ['520300'] },
      applicant: { name: '赤水市人民政府', contactEmail: 'base@chishui.example', sub: applicant.sub },
      namedOn,
    };
    const handle = await harness.env.client.workflow.start(baseWorkflow, { taskQueue: harness.taskQueue, workflowId: `base-${input.baseId}`, args: [input] });
    const id = input.baseId;
    await until('the base row', () => database.db.base.findUnique({ where: { id } }));

    const summaryFile = await upload(applicant, `年度工作总结-${randomUUID()}`, '年度总结.pdf');
    expect((await call('POST', `/api/bases/${id}/annual-summaries`, applicant, { submissionId: `audit-summary-${randomUUID()}`, year, fileId: summaryFile.body.fileId, summary: '年度工作总结' })).status).toBe(200);
    await expectAct(id, 'submitSummary', applicant, null, { year, fileId: summaryFile.body.fileId, late: false, version: 1 });

    const data = await call('POST', `/api/bases/${id}/indicator-data`, applicant, { submissionId: `audit-data-${randomUUID()}`, year: year - 1, values: { '1': 0.96 } });
    expect(data.status).toBe(200);
    await expectAct(id, 'submitIndicatorData', applicant, null, { year: year - 1, values: { '1': 0.96 } });

    const deadline = cstDateOf(Date.now() + 60 * 24 * 3600_000);
    const required = await call('POST', `/api/bases/${id}/decisions`, province, { decisionId: `audit-rect-${randomUUID()}`, action: 'requireRectification', requirements: ['完善生态补偿机制'], deadline, reason: '后评估发现问题' });
    expect(required).toMatchObject({ status: 200, body: { stage: 'underRectification' } });
    await expectAct(id, 'requireRectification', province, '后评估发现问题', { deadline });

    // An attachment the county did not upload itself is refused, naming the field; nothing is recorded.
    const othersFile = await upload(province, `省厅文件-${randomUUID()}`, '省厅文件.pdf');
    const foreign = await call('POST', `/api/bases/${id}/rectification-report`, applicant, { reportId: `audit-report-${randomUUID()}`, report: '已完成整改', fileId: othersFile.body.fileId });
    expect(foreign).toMatchObject({ status: 422, body: { error: { details: [{ field: 'fileId', code: 'unknownFile' }] } } });
    const reported = await call('POST', `/api/bases/${id}/rectification-report`, applicant, { reportId: `audit-report-${randomUUID()}`, report: '已完成整改', fileId: summaryFile.body.fileId });
    expect(reported.status).toBe(200);
    await expectAct(id, 'reportRectification', applicant, null, { report: '已完成整改', fileId: summaryFile.body.fileId });
    // The run stays open: the harness's dev server goes with it.
    expect((await handle.describe()).status.name).toBe('RUNNING');
  });
});

describe('refused reads are counted, not chained (issue 15)', () => {
  const READS = 300;

  it(`${READS} out-of-scope reads by one prefecture officer add no chain row; one RefusedRead row counts them; the chain verifies`, async () => {
    expect(applicationId).not.toBe('');
    const metric = async () => {
      const text = await (await fetch(`${api}/metrics`)).text();
      const m = /^liangshan_refused_reads_total\{route="\/api\/applications\/:id",status="404"\} (\d+)/m.exec(text);
      return m ? Number(m[1]) : 0;
    };
    const metricBefore = await metric();
    const chainBefore = await database.db.decision.count();
    const t0 = Date.now();
    for (let i = 0; i < READS; i++) {
      const r = await call('GET', `/api/applications/${applicationId}`, guiyang);
      expect(r.status).toBe(404);
    }
    const elapsed = Date.now() - t0;
    const chainAfter = await database.db.decision.count();
    const rows = await database.db.refusedRead.findMany({ where: { actorSub: guiyang.sub, route: '/api/applications/:id', status: 404 } });
    const counted = rows.reduce((n, r) => n + r.count, 0);
    console.info(`refused reads: ${READS} GETs in ${elapsed} ms added ${chainAfter - chainBefore} chain rows and ${rows.length} RefusedRead row(s) counting ${counted}`);

    expect(chainAfter - chainBefore).toBeLessThanOrEqual(2);
    expect(chainAfter - chainBefore).toBe(0);
    // One row per hour: two only when the run crossed an hour.
    expect(rows.length).toBeGreaterThanOrEqual(1);
    expect(rows.length).toBeLessThanOrEqual(2);
    expect(counted).toBe(READS);
    expect(rows[0]).toMatchObject({ actorRole: 'prefectureOfficer', actorPrefecture: '520100', lastSubject: applicationId });
    expect(rows[0]!.windowStart.getTime() % 3_600_000).toBe(0);
    expect(rows[0]!.firstAt.getTime()).toBeLessThanOrEqual(rows[0]!.lastAt.getTime());
    expect(await verifyAuditChain(database.db)).toMatchObject({ ok: true, rows: chainAfter });

    // Visible to ops: the counter by route and status (no user label), the log lines, the ops route.
    expect((await metric()) - metricBefore).toBe(READS);
    expect(await (await fetch(`${api}/metrics`)).text()).not.toMatch(/liangshan_refused_reads_total\{[^}]*audit-guiyang/);
    const logged = lines.filter((l) => l.msg === 'request' && l.route === '/api/applications/:id' && l.status === 404 && (l.actor as { sub?: string } | undefined)?.sub === guiyang.sub);
    expect(logged.length).toBe(READS);
    expect(logged.every((l) => l.refusedRead === true)).toBe(true);
    expect(JSON.stringify(logged)).not.toContain(applicationId);
    const page = await call('GET', `/api/ops/refused-reads?actor=${guiyang.sub}&route=${encodeURIComponent('/api/applications/:id')}`, ops);
    expect(page.status).toBe(200);
    expect((page.body.refusedReads as Array<{ count: number }>).reduce((n, r) => n + r.count, 0)).toBe(READS);
    expect(page.body.refusedReads).toContainEqual(expect.objectContaining({ actor: { sub: guiyang.sub, role: 'prefectureOfficer', prefecture: '520100' }, route: '/api/applications/:id', status: 404, lastSubject: applicationId }));
  });

  it('still chains a refused act of the same officer, one row per attempt', async () => {
    const before = await database.db.decision.count({ where: { actorSub: guiyang.sub, outcome: 'refused' } });
    const r = await call('POST', `/api/applications/${applicationId}/decisions`, guiyang, { decisionId: `audit-foreign-${randomUUID()}`, action: 'prefectureReject', reason: '越权' });
    expect(r.status).toBe(404);
    const rows = await database.db.decision.findMany({ where: { actorSub: guiyang.sub, outcome: 'refused' }, orderBy: { seq: 'asc' } });
    expect(rows.length).toBe(before + 1);
    expect(rows.at(-1)).toMatchObject({ action: 'prefectureReject', subjectId: applicationId, actorRole: 'prefectureOfficer', actorPrefecture: '520100', reason: '越权', refusal: expect.stringMatching(/^404 notFound/) });
    expect(await verifyAuditChain(database.db)).toMatchObject({ ok: true });
  });

  it('GET /api/ops/refused-reads: newest first, filters, pages, a strict query, ops only', async () => {
    // Two more kinds of refused read by the same officer: a base out of scope, and a route of another role.
    const baseId = randomUUID();
    await database.db.base.create({
      data: {
        id: baseId, workflowId: `base-${baseId}`, unitName: '遵义县', unitType: 'county', prefectures: ['520300'], applicantSub: applicant.sub,
        contactEmail: 'b@x.example', status: 'named', namedOn: '2027-06-01', termStartsOn: '2027-06-01', termEndsOn: '2030-05-31',
      },
    });
    expect((await call('GET', `/api/bases/${baseId}`, guiyang)).status).toBe(404);
    expect((await call('GET', '/api/ops/audit', guiyang)).status).toBe(403);
    expect((await call('HEAD', `/api/bases/${baseId}`, guiyang)).status).toBe(404);

    const all = (await call('GET', `/api/ops/refused-reads?actor=${guiyang.sub}&limit=500`, ops)).body.refusedReads as Array<{ route: string; status: number; count: number; windowStart: string; lastAt: string }>;
    expect(all.map((r) => `${r.route} ${r.status}`)).toEqual(expect.arrayContaining(['/api/applications/:id 404', '/api/bases/:id 404', '/api/ops/audit 403']));
    expect(all.find((r) => r.route === '/api/bases/:id')?.count).toBe(2);
    const starts = all.map((r) => Date.parse(r.windowStart));
    expect(starts).toEqual([...starts].sort((a, b) => b - a));
    expect(((await call('GET', `/api/ops/refused-reads?actor=${guiyang.sub}&status=403`, ops)).body.refusedReads as unknown[]).length).toBe(1);
    expect(((await call('GET', '/api/ops/refused-reads?role=prefectureOfficer&limit=500', ops)).body.refusedReads as unknown[]).length).toBeGreaterThanOrEqual(3);
    expect(((await call('GET', `/api/ops/refused-reads?actor=${guiyang.sub}&to=${encodeURIComponent('2000-01-01T00:00:00Z')}`, ops)).body.refusedReads as unknown[])).toEqual([]);

    // Pages of one walk every row once, in the same order.
    const walked: string[] = [];
    let before: string | null = null;
    do {
      const p: { body: Body } = await call('GET', `/api/ops/refused-reads?actor=${guiyang.sub}&limit=1${before ? `&before=${before}` : ''}`, ops);
      walked.push(...(p.body.refusedReads as Array<{ route: string; status: number }>).map((r) => `${r.route} ${r.status}`));
      before = p.body.nextBefore as string | null;
    } while (before);
    expect(walked).toEqual(all.map((r) => `${r.route} ${r.status}`));

    // Strict query, ops only.
    expect((await call('GET', '/api/ops/refused-reads?user=x', ops)).status).toBe(400);
    expect((await call('GET', '/api/ops/refused-reads?before=abc', ops)).status).toBe(400);
    expect((await call('GET', '/api/ops/refused-reads', province)).status).toBe(403);
    expect((await call('GET', '/api/ops/refused-reads', undefined)).status).toBe(401);
    // The document lists it, with its query.
    const doc = (await call('GET', '/api/openapi.json', undefined)).body as { paths: Record<string, { get?: { 'x-roles': string[]; parameters: unknown[] } }> };
    const operation = doc.paths['/api/ops/refused-reads']?.get;
    expect(operation?.['x-roles']).toEqual(['ops']);
    for (const name of ['actor', 'role', 'route', 'status', 'from', 'to', 'before', 'limit']) expect(JSON.stringify(operation?.parameters)).toContain(`"${name}"`);
  });
});

describe('the withdrawal', () => {
  it('is an act of record with its reason (and ends the run)', async () => {
    const withdrawn = await call('POST', `/api/applications/${applicationId}/decisions`, applicant, { decisionId: `audit-withdraw-${randomUUID()}`, action: 'withdraw', reason: '建设主体决定暂缓申报' });
    expect(withdrawn).toMatchObject({ status: 200, body: { stage: 'withdrawn' } });
    await expectAct(applicationId, 'withdraw', applicant, '建设主体决定暂缓申报');
    expect(await verifyAuditChain(database.db)).toMatchObject({ ok: true });
  });
});
