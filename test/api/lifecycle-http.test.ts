// The application's happy path from submission to naming driven through the
// HTTP API alone, with tokens of each role: a real worker (real activities),
// the Temporal time-skipping server (so the notices' working days pass in
// moments), a real PostgreSQL and a real SMTP server. The only thing the test
// does besides HTTP is let time pass (env.sleep) while a notice runs; the
// API's clock follows the server's, so the public board and the workflows
// agree on what is open.
import { randomUUID } from 'node:crypto';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { uploadedGraveRecords } from '../support/grave-acts';
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
/**
 * The API's clock: the time-skipping server's time (which also runs on in
 * real time), read before every request.
 */
let serverNow = new Date();

async function syncClock(): Promise<void> {
  serverNow = new Date(await env.currentTimeMs());
}

beforeAll(async () => {
  harness = await startHarness({ server: 'timeSkipping', name: 'lifecycle-http' });
  ({ env, sink } = harness);
  base = await harness.listen({ clock: () => serverNow });
  // Move the server's clock into the 2027 acceptance window (1 January - 30 June CST).
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

let decisionCounter = 0;
/** A decision as an officer's client sends it: a fresh decisionId per click. */
async function decide(id: string, actor: Actor, action: string, fields: Body = {}) {
  const res = await call('POST', `/api/applications/${id}/decisions`, actor, { decisionId: `web-${++decisionCounter}-${randomUUID()}`, action, ...fields });
  expect(res, `${action} by ${actor.role}`).toMatchObject({ status: 200 });
  return res.body;
}

const detail = async (id: string, actor: Actor) => (await call('GET', `/api/applications/${id}`, actor)).body;

/** Polls the read model (it follows the workflow by moments) for a condition. */
async function eventually<T>(read: () => Promise<T>, ok: (value: T) => boolean, what: string): Promise<T> {
  let value = await read();
  for (let n = 0; n < 100 && !ok(value); n++) {
    await new Promise((r) => setTimeout(r, 100));
    value = await read();
  }
  if (!ok(value)) throw new Error(`${what}: not reached; last read ${JSON.stringify(value).slice(0, 500)}`);
  return value;
}

/** Lets a notice's days pass, a day at a time, until the application reaches the stage. */
async function letDaysPassUntil(id: string, actor: Actor, stage: string): Promise<void> {
  for (let n = 0; n < 40; n++) {
    if ((await detail(id, actor)).stage === stage) return;
    await env.sleep(DAY);
  }
  throw new Error(`stage ${stage} not reached; now ${String((await detail(id, actor)).stage)}`);
}

const applicant: Actor = { sub: 'chishui-gov', role: 'applicant', prefecture: '520300', email: 'gov@chishui.example' };
const zunyi: Actor = { sub: 'zunyi-officer', role: 'prefectureOfficer', prefecture: '520300' };
const province: Actor = { sub: 'province-officer', role: 'provinceOfficer' };
const chapters = ['background', 'overview', 'progress', 'approach', 'tasks', 'projects', 'safeguards'];
const scores = { '1': 90, '2': 85, '3': 88, '4': 80, '5': 75, '6': 82, '7': 70 };

async function uploadPdf(name: string): Promise<string> {
  const form = new FormData();
  form.append('file', new Blob([`%PDF-1.7\n${name}\n%%EOF\n`], { type: 'application/pdf' }), `${name}.pdf`);
  const res = await fetch(`${base}/api/files`, { method: 'POST', headers: { authorization: `Bearer ${await signDevToken(SECRET, applicant)}` }, body: form });
  expect(res.status).toBe(201);
  return String(((await res.json()) as { fileId: string }).fileId);
}

describe('the application lifecycle over HTTP', () => {
  it('goes from submission to naming with the right role at each step, and mails the people concerned', async () => {
    // The province keeps the expert pool (Art. 25); one expert is from the unit's own prefecture.
    const expert = async (name: string, email: string, prefecture: string) =>
      String((await call('POST', '/api/experts', province, { requestId: `expert-${email.split('@')[0]}`, name, email, region: prefecture, fields: ['生态保护'] })).body.id);
    const wang = await expert('王专家', 'wang@experts.example', '520100');
    const li = await expert('李专家', 'li@experts.example', '522600');
    // Registered in a county of the unit's prefecture (遵义市 红花岗区): recused by region (Art. 26, by hierarchy).
    const local = await expert('赵专家', 'zhao@experts.example', '520302');
    // A region that is not one of Guizhou's divisions is refused where it enters, naming the field.
    const unknownRegion = await call('POST', '/api/experts', province, { requestId: 'expert-qian', name: '钱专家', email: 'qian@experts.example', region: '529999' });
    expect(unknownRegion.status).toBe(422);
    expect((unknownRegion.body.error as { details: Array<{ field: string }> }).details.map((d) => d.field)).toEqual(['region']);
    expect((await call('GET', '/api/experts', province)).body.experts).toEqual(expect.arrayContaining([expect.objectContaining({ id: local, region: '520302', regionZh: '遵义市 红花岗区' })]));
    // Each change of the pool is an act of record; the expert's mail address stays out of the log.
    const added = await harness.database.db.decision.findMany({ where: { subjectType: 'expert', subjectId: { in: [wang, li, local] }, outcome: 'applied' } });
    expect(added.map((d) => [d.action, d.actorRole])).toEqual([['expertAdded', 'provinceOfficer'], ['expertAdded', 'provinceOfficer'], ['expertAdded', 'provinceOfficer']]);
    expect(JSON.stringify(added.map((d) => d.payload))).not.toContain('@experts.example');

    // The applicant uploads the materials and submits; the first try forgets the plan.
    const ids: string[] = [];
    for (const name of ['letter', 'condition-1', 'condition-2', 'condition-3', 'condition-4', 'plan']) ids.push(await uploadPdf(name));
    const materials = [
      { kind: 'applicationLetter', fileId: ids[0] },
      ...[1, 2, 3, 4].map((condition) => ({ kind: 'conditionEvidence', condition, fileId: ids[condition], explanation: `第${condition}项条件的说明` })),
    ];
    const submission = {
      year: 2027,
      unit: { name: '赤水市', type: 'county', prefectures: ['520300'], terrain: 'mountain' },
      applicant: { name: '赤水市人民政府', contactEmail: 'gov@chishui.example' },
      materials,
    };
    const incomplete = await call('POST', '/api/applications', applicant, submission);
    expect(incomplete.status).toBe(422);
    expect(JSON.stringify(incomplete.body)).toContain('implementationPlan');
    const complete = { ...submission, materials: [...materials, { kind: 'implementationPlan', fileId: ids[5], issuedBy: 'county', chapters }] };
    const submitted = await call('POST', '/api/applications', applicant, complete);
    expect(submitted.status).toBe(201);
    expect((await call('POST', '/api/applications', applicant, complete)).body).toMatchObject({ id: submitted.body.id, duplicate: true });
    const id = String(submitted.body.id);

    // The prefecture's pre-review (Art. 9) is a task for the prefecture officer.
    const tasks = await eventually(
      async () => (await call('GET', '/api/tasks', zunyi)).body.tasks as Body[],
      (t) => t.length > 0,
      'pre-review task',
    );
    expect(tasks).toEqual([expect.objectContaining({ subjectId: id, step: 'prefectureReview', role: 'prefectureOfficer' })]);
    await decide(id, zunyi, 'prefectureAccept', { reason: '材料齐全' });
    // The notice (Art. 10): at least 5 working days, published by the officer.
    expect((await call('POST', `/api/applications/${id}/decisions`, zunyi, { decisionId: 'too-short-1', action: 'openNotice', workingDays: 3 })).status).toBe(422);
    expect(await detail(id, zunyi)).toMatchObject({ actions: ['openNotice'], actionsBlocked: [] });
    await decide(id, zunyi, 'openNotice', { workingDays: 5 });
    // One notice per stage: the action is still listed, now blocked with the reason the workflow refuses it with (409).
    await eventually(() => detail(id, zunyi), (d) => JSON.stringify(d.actionsBlocked) === JSON.stringify([{ action: 'openNotice', zh: '本阶段的公示已经发布' }]), 'openNotice blocked');
    expect(await call('POST', `/api/applications/${id}/decisions`, zunyi, { decisionId: `again-${randomUUID()}`, action: 'openNotice', workingDays: 5 })).toMatchObject({ status: 409, body: { error: { message: expect.stringContaining('本阶段的公示已经发布') } } });

    // The public board shows it without a login; a member of the public complains.
    const board = await eventually(
      async () => (await call('GET', '/api/notices?active=true')).body.notices as Body[],
      (n) => n.length > 0,
      'active notice on the board',
    );
    expect(board).toEqual([expect.objectContaining({ level: 'prefecture', workingDays: 5, subject: expect.objectContaining({ unitName: '赤水市' }) })]);
    const noticeId = String(board[0]!.id);
    const complaint = await call('POST', `/api/notices/${encodeURIComponent(noticeId)}/complaints`, undefined, {
      complainant: { name: '张某', contact: '13800000000' },
      content: '项目区内存在违规建设',
    });
    expect(complaint.status).toBe(201);
    const complaintId = String(complaint.body.complaintId);

    // The notice closes, but the application waits for the investigation (Art. 10).
    await env.sleep(10 * DAY);
    expect((await detail(id, zunyi)).stage).toBe('prefectureNotice');
    const investigated = await call('POST', `/api/complaints/${complaintId}/investigation`, zunyi, {
      decisionId: `inv-${randomUUID()}`,
      outcome: 'untrue',
      findings: '经现场核查，所涉建设已依法审批',
    });
    expect(investigated).toMatchObject({ status: 200, body: { status: 'closed', outcome: 'untrue' } });
    await letDaysPassUntil(id, zunyi, 'prefectureRecommendation');

    // Recommendation with the government's consent (Art. 11), then the province.
    await decide(id, zunyi, 'recommend', { governmentConsent: true, opinion: '同意推荐' });
    const conflicted = await call('POST', `/api/applications/${id}/decisions`, province, { decisionId: `assign-${randomUUID()}`, action: 'assignExperts', expertIds: [wang, local] });
    expect(conflicted.status).toBe(422);
    // Said with the expert's name and region, never an id.
    expect((conflicted.body.error as { message: string }).message).toContain('专家“赵专家”登记在遵义市 红花岗区');
    const refusal = conflicted.body.error as { message: string; details: Array<{ zh: string }> };
    expect([refusal.message, ...refusal.details.map((d) => d.zh)].join()).not.toContain(local);
    await decide(id, province, 'assignExperts', { expertIds: [wang, li] });

    // One task per expert; each expert sees only their own (Art. 13, 26).
    for (const expertId of [wang, li]) {
      const own = await eventually(
        async () => (await call('GET', '/api/tasks', { sub: expertId, role: 'expert' })).body.tasks as Body[],
        (t) => t.length > 0,
        `task of expert ${expertId}`,
      );
      expect(own).toEqual([expect.objectContaining({ subjectId: id, step: 'expertReview' })]);
    }
    expect((await call('GET', `/api/applications/${id}`, { sub: local, role: 'expert' })).status).toBe(404);
    await decide(id, { sub: wang, role: 'expert' }, 'reviewOpinion', { criteria: scores, onSite: true, opinion: '基础扎实，成效明显' });
    // An opinion given is not offered again (Art. 13): blocked with the reason, for that expert only.
    await eventually(() => detail(id, { sub: wang, role: 'expert' }), (d) => JSON.stringify(d.actionsBlocked) === JSON.stringify([{ action: 'reviewOpinion', zh: '您已提交过评审意见' }]), 'reviewOpinion blocked');
    expect(await detail(id, { sub: li, role: 'expert' })).toMatchObject({ actions: ['reviewOpinion'], actionsBlocked: [] });
    await decide(id, { sub: li, role: 'expert' }, 'reviewOpinion', { criteria: scores, onSite: false, opinion: '同意' });
    await decide(id, province, 'concludeReview', { passed: true, reason: '核查评估通过' });
    await decide(id, province, 'select');
    await decide(id, province, 'openNotice', { workingDays: 7 });
    await letDaysPassUntil(id, province, 'naming');
    // Naming rests on the deliberation, its minutes uploaded by the province (Art. 16).
    const named = await decide(id, province, 'name', await uploadedGraveRecords(base, await signDevToken(SECRET, province)));
    expect(named.stage).toBe('named');

    // What the applicant sees at the end: the title, the notices and the whole timeline.
    const final = await eventually(() => detail(id, applicant), (d) => d.stage === 'named' && d.titleEndsOn !== null, 'named in the read model');
    const namedOn = String(final.namedOn);
    const [y, m, d] = namedOn.split('-').map(Number) as [number, number, number];
    expect(final.titleEndsOn).toBe(new Date(Date.UTC(y + 3, m - 1, d) - DAY).toISOString().slice(0, 10));
    expect(final.openTasks).toEqual([]);
    expect((final.notices as Body[]).map((n) => [n.level, n.status, n.outcome, n.provisional])).toEqual([
      ['prefecture', 'closed', 'clear', true],
      ['province', 'closed', 'clear', true],
    ]);
    expect((final.timeline as Body[]).map((t) => t.action)).toEqual([
      'submit', 'prefectureAccept', 'openNotice', 'investigate', 'noticeClear', 'recommend', 'assignExperts', 'reviewOpinion', 'reviewOpinion', 'concludeReview', 'select', 'openNotice', 'noticeClear', 'name',
    ]);
    const listed = (await call('GET', '/api/applications?stage=named', zunyi)).body.applications as Body[];
    expect(listed.map((a) => a.id)).toEqual([id]);

    // Mails: the applicant hears of every step, in Chinese, once each.
    const mails = await sink.waitFor((all) => all.some((x) => x.to.includes('gov@chishui.example') && x.subject.includes('命名授牌')));
    expect(mails.filter((x) => x.to.includes('gov@chishui.example')).map((x) => x.subject)).toEqual([
      '【两山基地申报】赤水市的2027年度申报已受理',
      '【两山基地申报】赤水市：预审通过',
      '【两山基地申报】赤水市：市（州）公示结束',
      '【两山基地申报】赤水市：市（州）推荐报省',
      '【两山基地申报】赤水市：指派专家核查评估',
      '【两山基地申报】赤水市：专家提交核查评估意见',
      '【两山基地申报】赤水市：形成核查评估结论',
      '【两山基地申报】赤水市：遴选入围',
      '【两山基地申报】赤水市：省公示结束',
      '【两山基地申报】赤水市：命名授牌',
    ]);
    // The experts were given their tasks; the unit's own-prefecture expert was never involved.
    expect(mails.filter((x) => x.to.includes('wang@experts.example')).map((x) => x.subject.replace(/，.*前办理$/, ''))).toContain('【待办】赤水市：核查评估：专家资料审核和实地核查');
    expect(mails.filter((x) => x.to.includes('li@experts.example')).length).toBeGreaterThan(0);
    expect(mails.filter((x) => x.to.includes('zhao@experts.example'))).toEqual([]);
    // The prefecture office was asked to pre-review (its mailbox from the seed).
    // Its mail says by when, and leads to the application's page: HTML with a plain-text part (PUBLIC_URL's default in tests).
    const review = mails.find((x) => x.subject.startsWith('【待办】赤水市：市（州）预审，'));
    expect(review?.subject).toMatch(/^【待办】赤水市：市（州）预审，\d{4}年\d{1,2}月\d{1,2}日 \d{2}:\d{2}前办理$/);
    expect(review?.text).toContain(`打开办理页面：http://localhost:3000/applications/${id}`);
    expect(review?.html).toContain(`<a href="http://localhost:3000/applications/${id}"`);
    expect(review?.html).toContain('打开办理页面</a>');
  });
});
