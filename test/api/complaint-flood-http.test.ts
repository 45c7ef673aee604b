// A flood of complaints on the public board (issue 15, item 6) over real
// HTTP: the API and a worker with the real activities against the Temporal
// time-skipping server (so the digest's window and the notice's working days
// pass in moments), a real PostgreSQL and a real SMTP server. Ten complaints
// from ten addresses (the per-address limit stays): the office gets one
// digest mail, not ten; one request dismisses all ten (each recorded in the
// audit log), a retry is applied once, and the notice runs to its closing
// instant and ends clear.
import { randomUUID } from 'node:crypto';
import { request as httpRequest } from 'node:http';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { until } from '../support/eventually';
import { signDevToken } from '../../api/auth';
import { COMPLAINT_DIGEST_WINDOW_MS } from '../../domain/complaints';
import type { SmtpSink } from '../../infra/smtp-sink';
import type { Actor } from '../../workflows/messages';
import { noticeWorkflow } from '../../workflows/notice';
import type { NoticeInput } from '../../workflows/notice-messages';
import type { TestDatabase } from '../support/database';
import { startHarness, TEST_JWT_SECRET, type Harness } from '../support/harness';

let env: TestWorkflowEnvironment;
let database: TestDatabase;
let sink: SmtpSink;
let harness: Harness;
let base: string;
/** The API's clock: the time-skipping server's, read before every request (as test/api/lifecycle-http.test.ts). */
let serverNow = new Date();
const syncClock = async () => void (serverNow = new Date(await env.currentTimeMs()));

beforeAll(async () => {
  harness = await startHarness({ server: 'timeSkipping', name: 'complaint-flood-http' });
  ({ env, database, sink } = harness);
  base = await harness.listen({ clock: () => serverNow });
  await syncClock();
});

afterAll(() => harness?.stop());

type Body = Record<string, unknown>;

/** A request from a given client address on the loopback network (127.0.0.0/8), so the API's per-address limit sees ten people. */
async function call(method: string, path: string, options: { actor?: Actor; body?: unknown; from?: string } = {}): Promise<{ status: number; body: Body }> {
  await syncClock();
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (options.actor) headers.authorization = `Bearer ${await signDevToken(TEST_JWT_SECRET, options.actor)}`;
  const data = options.body === undefined ? undefined : Buffer.from(JSON.stringify(options.body));
  if (data) headers['content-length'] = String(data.length);
  return new Promise((resolve, reject) => {
    const req = httpRequest(base + path, { method, headers, ...(options.from ? { localAddress: options.from } : {}) }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(Buffer.concat(chunks).toString('utf8')) as Body }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(data);
  });
}


const zunyi: Actor = { sub: 'zunyi-1', role: 'prefectureOfficer', prefecture: '520300' };
const guiyang: Actor = { sub: 'guiyang-1', role: 'prefectureOfficer', prefecture: '520100' };
const OFFICE = 'lsjd-520300@sthj.guizhou.example';

describe('a flood of complaints over HTTP: one digest mail, one dismissal, the notice runs on', () => {
  let input: NoticeInput;
  const complaintIds: string[] = [];

  beforeAll(async () => {
    const applicationId = randomUUID();
    await database.db.application.create({
      data: {
        id: applicationId, workflowId: `application-${applicationId}`, year: 2027, unitName: '赤水市', unitType: 'county', prefectures: ['520300'],
        applicantName: '赤水市人民政府', applicantSub: `applicant-${applicationId}`, contactEmail: 'gov@example.org', materials: [], stage: 'prefectureNotice', submittedAt: new Date(),
      },
    });
    input = {
      noticeId: `application-${applicationId}:notice:prefecture`, applicationId, level: 'prefecture', prefectures: ['520300'],
      unit: { name: '赤水市', type: 'county' }, year: 2027, workingDays: 5, publishedAt: new Date((await env.currentTimeMs()) - 60_000).toISOString(),
    };
    await env.client.workflow.start(noticeWorkflow, { taskQueue: harness.taskQueue, workflowId: input.noticeId, args: [input] });
    await until('the open notice', async () => (await database.db.notice.findUnique({ where: { id: input.noticeId } }))?.status === 'open');
  });

  it('takes ten complaints from ten addresses and tells the office once, in one digest mail', async () => {
    const path = `/api/notices/${encodeURIComponent(input.noticeId)}/complaints`;
    for (let i = 0; i < 10; i++) {
      const filed = await call('POST', path, { from: `127.0.0.${i + 2}`, body: { complainant: { name: `投诉人${i}`, contact: `1390000000${i}` }, content: `第${i + 1}条：该县河道存在非法采砂，请核查。` } });
      expect(filed.status, JSON.stringify(filed.body)).toBe(201);
      complaintIds.push(String(filed.body.complaintId));
    }
    // Each complaint has its task.
    await until('ten investigation tasks', async () => (await database.db.task.count({ where: { id: { in: complaintIds.map((c) => `${input.noticeId}:investigation.${c}`) } } })) === 10);

    await env.sleep(COMPLAINT_DIGEST_WINDOW_MS + 60_000);
    const mails = await sink.waitFor((m) => m.some((x) => x.subject.startsWith('【投诉举报汇总】赤水市')));
    const digests = mails.filter((x) => x.subject.startsWith('【投诉举报汇总】赤水市'));
    expect(digests).toHaveLength(1);
    const digest = digests[0]!;
    expect(digest.to).toEqual([OFFICE]);
    expect(digest.subject).toBe('【投诉举报汇总】赤水市：市（州）公示期间新收到投诉举报10件');
    for (let i = 0; i < 10; i++) expect(digest.text).toContain(`${i + 1}. `);
    expect(digest.text).toContain('（北京时间）收到：“第1条：该县河道存在非法采砂，请核查。”');
    // Never the complainants' names or contacts; no internal id.
    expect(digest.text).not.toMatch(/投诉人\d|1390000000/);
    for (const id of complaintIds) expect(digest.text).not.toContain(id);
    // And no mail per task.
    expect(sink.messages().filter((x) => x.subject.startsWith('【待办】赤水市'))).toEqual([]);
  });

  it('dismisses all ten in one request (all or nothing, each act in the audit log); a retry is applied once', async () => {
    const path = `/api/notices/${encodeURIComponent(input.noticeId)}/complaints/dismissals`;
    const reason = '匿名批量提交，内容与本次公示无关，不予受理';
    // Refused as a whole: one id that is not this notice's, named by its place; nothing applied.
    const unknown = await call('POST', path, { actor: zunyi, body: { decisionId: `dismiss-bad-${randomUUID()}`, complaintIds: [...complaintIds, randomUUID()], reason } });
    expect(unknown.status).toBe(422);
    expect(unknown.body.error).toMatchObject({ code: 'invalid', message: expect.stringContaining('第11项不是本次公示收到的投诉举报'), details: [expect.objectContaining({ field: 'complaintIds.10' })] });
    expect(await database.db.complaint.count({ where: { noticeId: input.noticeId, status: 'open' } })).toBe(10);
    // An officer of another prefecture does not see the notice; a body with an unknown field is malformed.
    expect((await call('POST', path, { actor: guiyang, body: { decisionId: `dismiss-${randomUUID()}`, complaintIds, reason } })).status).toBe(404);
    expect((await call('POST', path, { actor: zunyi, body: { decisionId: `dismiss-${randomUUID()}`, complaintIds, reason, outcome: 'untrue' } })).status).toBe(400);

    const request = { decisionId: `dismiss-${randomUUID()}`, complaintIds, reason };
    const done = await call('POST', path, { actor: zunyi, body: request });
    expect(done.status, JSON.stringify(done.body)).toBe(200);
    expect(done.body.decisionId).toBe(request.decisionId);
    expect((done.body.complaints as Body[]).map((c) => [c.complaintId, c.status, c.outcome, c.findings])).toEqual(complaintIds.map((id) => [id, 'closed', 'dismissed', reason]));
    expect(JSON.stringify(done.body)).not.toMatch(/投诉人\d|1390000000/);

    // The same request again: the same answer, applied once.
    expect(await call('POST', path, { actor: zunyi, body: request })).toEqual(done);
    const acts = await database.db.decision.findMany({ where: { subjectId: input.applicationId, action: 'dismissComplaint', outcome: 'applied' }, orderBy: { seq: 'asc' } });
    expect(acts).toHaveLength(10);
    expect(acts.map((a) => [a.decisionId, a.actorSub, a.reason])).toEqual(complaintIds.map((id) => [`${request.decisionId}/${id}`, 'zunyi-1', reason]));
    // Each complaint closed with its task.
    const tasks = await database.db.task.findMany({ where: { id: { in: complaintIds.map((c) => `${input.noticeId}:investigation.${c}`) } } });
    expect(tasks.map((t) => [t.status, t.closedBy])).toEqual(expect.arrayContaining(complaintIds.map((id) => ['done', `${request.decisionId}/${id}`])));
    expect(tasks.every((t) => t.status === 'done')).toBe(true);

    // The same id with other complaints is another decision; a new request naming a dismissed complaint is refused, naming it.
    expect((await call('POST', path, { actor: zunyi, body: { ...request, complaintIds: complaintIds.slice(0, 2) } })).status).toBe(409);
    const again = await call('POST', path, { actor: zunyi, body: { decisionId: `dismiss-${randomUUID()}`, complaintIds: [complaintIds[3]], reason } });
    expect(again.status).toBe(409);
    expect(again.body.error).toMatchObject({ message: expect.stringMatching(/第1项（北京时间.+收到）已办结/), details: [expect.objectContaining({ field: 'complaintIds.0', code: 'alreadyConcluded' })] });
  });

  it("refuses the dismissal's decisionId on an investigation with 409 naming the dismissal, not the dismissal's answer", async () => {
    const dismissal = await database.db.decision.findFirstOrThrow({ where: { subjectId: input.applicationId, action: 'dismissComplaint', outcome: 'applied' } });
    const decisionId = dismissal.decisionId.split('/')[0]!;
    const before = await database.db.decision.count({ where: { outcome: 'applied' } });
    const reused = await call('POST', `/api/complaints/${complaintIds[0]}/investigation`, { actor: zunyi, body: { decisionId, outcome: 'untrue', findings: '经查不属实' } });
    expect(reused.status).toBe(409);
    expect(reused.body.error).toMatchObject({
      code: 'conflict',
      message: '该编号已用于「投诉举报不予受理」，不能再用于本次「调查核实投诉举报」：请换一个新的编号后重新提交',
      details: [expect.objectContaining({ field: 'decisionId', code: 'idReused' })],
    });
    expect(await database.db.decision.count({ where: { outcome: 'applied' } })).toBe(before);
    // Recorded as a refused attempt under the id it reused.
    expect(await database.db.decision.count({ where: { outcome: 'refused', action: 'investigate', payload: { path: ['decisionId'], equals: decisionId } } })).toBe(1);
  });

  it('lets the notice run to its closing instant and end clear: dismissed complaints do not stop it', async () => {
    const notice = await database.db.notice.findUniqueOrThrow({ where: { id: input.noticeId } });
    expect(notice).toMatchObject({ status: 'open', outcome: null });
    await env.sleep(notice.closesAt.getTime() - (await env.currentTimeMs()) + 3600_000);
    expect(await env.client.workflow.getHandle(input.noticeId).result()).toMatchObject({ outcome: 'clear', reason: null, complaints: 10 });
    expect(await database.db.notice.findUniqueOrThrow({ where: { id: input.noticeId } })).toMatchObject({ status: 'closed', outcome: 'clear' });
    expect(await database.db.task.count({ where: { workflowId: input.noticeId, status: 'open' } })).toBe(0);
    // Still only the one digest mail.
    expect(sink.messages().filter((x) => x.subject.startsWith('【投诉举报汇总】赤水市'))).toHaveLength(1);
  });
});
