// Art. 11 over HTTP: a unit spanning two or more prefectures chooses, when it
// submits, to apply directly to the province or through ONE of its own
// prefectures (`submitVia`). Through 遵义市, 遵义 alone pre-reviews, runs the
// notice, investigates its complaints and recommends, while 毕节市 sees the
// application and may do none of it; directly, the province's expert
// assignment comes first. The receipt mail names where the application goes.
// A real worker, the time-skipping server, PostgreSQL and the SMTP sink.
import { randomUUID } from 'node:crypto';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signDevToken } from '../../api/auth';
import type { SmtpSink } from '../../infra/smtp-sink';
import type { Actor } from '../../workflows/messages';
import { startHarness, TEST_JWT_SECRET, type Harness } from '../support/harness';

const SECRET = TEST_JWT_SECRET;
const DAY = 24 * 3600_000;
let env: TestWorkflowEnvironment;
let sink: SmtpSink;
let harness: Harness;
let base: string;
/** The API's clock: the time-skipping server's, read before every request. */
let serverNow = new Date();

async function syncClock(): Promise<void> {
  serverNow = new Date(await env.currentTimeMs());
}

beforeAll(async () => {
  harness = await startHarness({ server: 'timeSkipping', name: 'cross-prefecture-http' });
  ({ env, sink } = harness);
  base = await harness.listen({ clock: () => serverNow });
  // Into the 2027 acceptance window (1 January - 30 June CST).
  await syncClock();
  const target = Date.parse('2027-03-01T01:00:00Z');
  if (serverNow.getTime() < target) await env.sleep(target - serverNow.getTime());
  await syncClock();
});

afterAll(() => harness?.stop());

type Body = Record<string, unknown>;
async function call(method: string, url: string, actor?: Actor, body?: unknown): Promise<{ status: number; body: Body }> {
  await syncClock();
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (actor) headers.authorization = `Bearer ${await signDevToken(SECRET, actor)}`;
  const res = await fetch(base + url, { method, headers, ...(body !== undefined ? { body: JSON.stringify(body) } : {}) });
  return { status: res.status, body: (await res.json()) as Body };
}

const detail = async (id: string, actor: Actor) => (await call('GET', `/api/applications/${id}`, actor)).body;

async function eventually<T>(read: () => Promise<T>, ok: (value: T) => boolean, what: string): Promise<T> {
  let value = await read();
  for (let n = 0; n < 100 && !ok(value); n++) {
    await new Promise((r) => setTimeout(r, 100));
    value = await read();
  }
  if (!ok(value)) throw new Error(`${what}: not reached; last read ${JSON.stringify(value).slice(0, 500)}`);
  return value;
}

const applicant: Actor = { sub: 'chishuihe-gov', role: 'applicant', prefecture: '520300', email: 'gov@chishuihe.example' };
const zunyi: Actor = { sub: 'zunyi-officer', role: 'prefectureOfficer', prefecture: '520300' };
const bijie: Actor = { sub: 'bijie-officer', role: 'prefectureOfficer', prefecture: '520500' };
const guiyang: Actor = { sub: 'guiyang-officer', role: 'prefectureOfficer', prefecture: '520100' };
const province: Actor = { sub: 'province-officer', role: 'provinceOfficer' };
const chapters = ['background', 'overview', 'progress', 'approach', 'tasks', 'projects', 'safeguards'];

let counter = 0;
const decision = (action: string, fields: Body = {}) => ({ decisionId: `cross-${++counter}-${randomUUID().slice(0, 8)}`, action, ...fields });

async function uploadPdf(name: string): Promise<string> {
  const form = new FormData();
  form.append('file', new Blob([`%PDF-1.7\n${name}\n%%EOF\n`], { type: 'application/pdf' }), `${name}.pdf`);
  const res = await fetch(`${base}/api/files`, { method: 'POST', headers: { authorization: `Bearer ${await signDevToken(SECRET, applicant)}` }, body: form });
  expect(res.status).toBe(201);
  return String(((await res.json()) as { fileId: string }).fileId);
}

let materials: Body[];
beforeAll(async () => {
  const ids: string[] = [];
  for (const name of ['letter', 'condition-1', 'condition-2', 'condition-3', 'condition-4', 'plan']) ids.push(await uploadPdf(name));
  materials = [
    { kind: 'applicationLetter', fileId: ids[0] },
    ...[1, 2, 3, 4].map((condition) => ({ kind: 'conditionEvidence', condition, fileId: ids[condition], explanation: `第${condition}项条件的说明` })),
    { kind: 'implementationPlan', fileId: ids[5], issuedBy: 'prefecture', chapters },
  ];
});

function submission(name: string, prefectures: string[], submitVia?: string): Body {
  return {
    year: 2027,
    unit: { name, type: 'watershed', prefectures, terrain: 'mountain' },
    applicant: { name: `${name}管理机构`, contactEmail: applicant.email },
    materials,
    ...(submitVia !== undefined ? { submitVia } : {}),
  };
}

const CROSS = ['520300', '520500'];
const problemsOf = (body: Body) => ((body.error as { details?: Array<{ field: string; code: string }> }).details ?? []).map((d) => `${d.field}:${d.code}`);

describe('a cross-prefecture unit chooses its path (Art. 11)', () => {
  it('documents submitVia in the OpenAPI document', async () => {
    const doc = (await call('GET', '/api/openapi.json')).body as { paths: Record<string, Record<string, { requestBody: { content: Record<string, { schema: { properties: Record<string, { description?: string }> } }> } }>> };
    const schema = doc.paths['/api/applications']!.post!.requestBody.content['application/json']!.schema;
    expect(schema.properties.submitVia?.description).toContain('Art. 11');
  });

  it('refuses a missing path, a prefecture not the unit\'s, and a path for a single-prefecture unit (422 naming submitVia), starting nothing', async () => {
    const missing = await call('POST', '/api/applications', applicant, submission('赤水河流域', CROSS));
    expect(missing.status).toBe(422);
    expect(problemsOf(missing.body)).toEqual(['submitVia:missing']);
    expect((missing.body.error as { message: string }).message).toContain('申报途径');
    const foreign = await call('POST', '/api/applications', applicant, submission('赤水河流域', CROSS, '520100'));
    expect(foreign.status).toBe(422);
    expect(problemsOf(foreign.body)).toEqual(['submitVia:notUnitPrefecture']);
    expect((foreign.body.error as { message: string }).message).toContain('贵阳市不是该建设单元所在的市（州）');
    const single = await call('POST', '/api/applications', applicant, submission('赤水市', ['520300'], '520300'));
    expect(single.status).toBe(422);
    expect(problemsOf(single.body)).toEqual(['submitVia:notCrossPrefecture']);
    // Not a path at all: malformed (400), naming the field.
    const malformed = await call('POST', '/api/applications', applicant, submission('赤水河流域', CROSS, 'zunyi'));
    expect(malformed.status).toBe(400);
    expect((malformed.body.error as { details: Array<{ path: string }> }).details.map((d) => d.path)).toContain('submitVia');
    expect(await harness.database.db.application.count()).toBe(0);
  });

  it('through 遵义市: 遵义 alone pre-reviews, notices, investigates and recommends; 毕节 sees it and is refused (403); the receipt names 遵义', async () => {
    const submitted = await call('POST', '/api/applications', applicant, submission('赤水河流域', CROSS, '520300'));
    expect(submitted).toMatchObject({ status: 201, body: { stage: 'prefectureReview', submitVia: '520300' } });
    const id = String(submitted.body.id);
    // A retry with another path answers the application as first submitted.
    expect((await call('POST', '/api/applications', applicant, submission('赤水河流域', CROSS, 'province'))).body).toMatchObject({ id, duplicate: true, submitVia: '520300' });

    // Both prefectures see it; only 遵义 may act on it, and only 遵义 has the task.
    const seenByZunyi = await eventually(() => detail(id, zunyi), (d) => (d.openTasks as unknown[] | undefined)?.length === 1, 'the pre-review task');
    expect(seenByZunyi).toMatchObject({ stage: 'prefectureReview', submitVia: '520300', actions: ['prefectureAccept', 'prefectureReject'] });
    expect(await detail(id, bijie)).toMatchObject({ id, submitVia: '520300', actions: [] });
    expect((await call('GET', `/api/applications/${id}`, guiyang)).status).toBe(404);
    expect(((await call('GET', '/api/tasks', zunyi)).body.tasks as Body[]).map((t) => [t.subjectId, t.step, t.prefecture])).toEqual([[id, 'prefectureReview', '520300']]);
    expect((await call('GET', '/api/tasks', bijie)).body.tasks).toEqual([]);
    const listed = (await call('GET', '/api/applications', bijie)).body.applications as Body[];
    expect(listed).toEqual([expect.objectContaining({ id, submitVia: '520300' })]);

    const refused = await call('POST', `/api/applications/${id}/decisions`, bijie, decision('prefectureAccept'));
    expect(refused.status).toBe(403);
    expect((refused.body.error as { message: string }).message).toContain('经遵义市申报');
    expect((await call('POST', `/api/applications/${id}/decisions`, zunyi, decision('prefectureAccept'))).status).toBe(200);
    expect((await call('POST', `/api/applications/${id}/decisions`, bijie, decision('openNotice', { workingDays: 5 }))).status).toBe(403);
    expect((await call('POST', `/api/applications/${id}/decisions`, zunyi, decision('openNotice', { workingDays: 5 }))).status).toBe(200);

    // 遵义 runs the notice: a complaint is 遵义's to investigate.
    const notice = await eventually(async () => ((await detail(id, zunyi)).notices as Body[])[0], (n) => n?.status === 'open', 'the open notice');
    expect(notice).toMatchObject({ level: 'prefecture', prefecture: '520300' });
    const complaint = await call('POST', `/api/notices/${encodeURIComponent(String(notice!.id))}/complaints`, undefined, { complainant: { name: '张某', contact: '13800000000' }, content: '流域内存在违规采砂' });
    expect(complaint.status).toBe(201);
    const complaintId = String(complaint.body.complaintId);
    const investigation = { outcome: 'untrue', findings: '经现场核查不属实' };
    const notBijie = await call('POST', `/api/complaints/${complaintId}/investigation`, bijie, { decisionId: `inv-${randomUUID()}`, ...investigation });
    expect(notBijie.status).toBe(403);
    expect((notBijie.body.error as { message: string }).message).toContain('遵义市生态环境主管部门');
    expect((await call('POST', `/api/complaints/${complaintId}/investigation`, zunyi, { decisionId: `inv-${randomUUID()}`, ...investigation })).status).toBe(200);
    for (let n = 0; n < 40 && (await detail(id, zunyi)).stage !== 'prefectureRecommendation'; n++) await env.sleep(DAY);
    expect((await detail(id, zunyi)).stage).toBe('prefectureRecommendation');

    const recommendation = { governmentConsent: true, opinion: '经遵义市人民政府同意，推荐报省' };
    expect((await call('POST', `/api/applications/${id}/decisions`, bijie, decision('recommend', recommendation))).status).toBe(403);
    expect((await call('POST', `/api/applications/${id}/decisions`, zunyi, decision('recommend', recommendation))).body).toMatchObject({ stage: 'expertAssignment' });

    const mails = await sink.waitFor((m) => m.some((x) => x.to.includes(applicant.email!) && x.subject === '【两山基地申报】赤水河流域的2027年度申报已受理'));
    const receipt = mails.find((x) => x.subject === '【两山基地申报】赤水河流域的2027年度申报已受理')!;
    expect(receipt.text).toContain('现转遵义市生态环境主管部门预审');
    // The application's id appears only inside the link to its page, never in the words.
    expect(receipt.text.replace(/https?:\/\/\S+/g, '')).not.toContain(id);
    // The prefecture's tasks were mailed to 遵义's office, never to 毕节's.
    expect(mails.filter((x) => x.subject.includes('赤水河流域') && x.to.includes('lsjd-520500@sthj.guizhou.example'))).toEqual([]);
    await call('POST', `/api/applications/${id}/decisions`, applicant, decision('withdraw'));
  });

  it('directly: the province\'s expert assignment comes first and no prefecture may act; the receipt names the province', async () => {
    const submitted = await call('POST', '/api/applications', applicant, submission('乌江流域', ['520300', '520500', '520600'], 'province'));
    expect(submitted).toMatchObject({ status: 201, body: { stage: 'expertAssignment', submitVia: 'province' } });
    const id = String(submitted.body.id);
    const seen = await eventually(() => detail(id, province), (d) => (d.openTasks as unknown[] | undefined)?.length === 1, 'the assignment task');
    expect(seen).toMatchObject({ stage: 'expertAssignment', submitVia: 'province', actions: ['assignExperts'] });
    expect(await detail(id, zunyi)).toMatchObject({ submitVia: 'province', actions: [] });
    expect((await call('POST', `/api/applications/${id}/decisions`, zunyi, decision('prefectureAccept'))).status).toBe(409);

    const mails = await sink.waitFor((m) => m.some((x) => x.subject === '【两山基地申报】乌江流域的2027年度申报已受理'));
    const receipt = mails.find((x) => x.subject === '【两山基地申报】乌江流域的2027年度申报已受理')!;
    expect(receipt.text).toContain('现直接报省生态环境厅');
    expect(receipt.text).not.toContain('预审（第九条）');
    await call('POST', `/api/applications/${id}/decisions`, applicant, decision('withdraw'));
  });
});
