// Public notices, complaints, investigations and the ops calendar over real
// HTTP: the API and a worker against the Temporal dev server (real time), a
// real PostgreSQL and a real SMTP server. Notices are started directly (the
// application workflow starts them as children).
import { randomUUID } from 'node:crypto';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signDevToken } from '../../api/auth';
import type { Actor } from '../../workflows/messages';
import { noticeWorkflow } from '../../workflows/notice';
import type { NoticeInput, NoticeLevel } from '../../workflows/notice-messages';
import type { TestDatabase } from '../support/database';
import { startHarness, TEST_JWT_SECRET, type Harness } from '../support/harness';

const SECRET = TEST_JWT_SECRET;
let env: TestWorkflowEnvironment;
let database: TestDatabase;
let harness: Harness;
let base: string;

beforeAll(async () => {
  harness = await startHarness({ server: 'dev', name: 'notices-http' });
  ({ env, database } = harness);
  base = await harness.listen();
});

afterAll(() => harness?.stop());

async function call(method: string, path: string, actor?: Actor, body?: unknown, headers: Record<string, string> = {}, at = base) {
  const h: Record<string, string> = { 'content-type': 'application/json', ...headers };
  if (actor) h.authorization = `Bearer ${await signDevToken(SECRET, actor)}`;
  const res = await fetch(at + path, { method, headers: h, ...(body !== undefined ? { body: JSON.stringify(body) } : {}) });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

async function waitUntil<T>(what: string, read: () => Promise<T | null | undefined | false>): Promise<T> {
  for (let n = 0; n < 200; n++) {
    const value = await read();
    if (value) return value;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`timed out waiting for ${what}`);
}

const zunyi: Actor = { sub: 'zunyi-1', role: 'prefectureOfficer', prefecture: '520300' };
const guiyang: Actor = { sub: 'guiyang-1', role: 'prefectureOfficer', prefecture: '520100' };
const province: Actor = { sub: 'province-1', role: 'provinceOfficer' };
const ops: Actor = { sub: 'ops-1', role: 'ops' };

/** Starts a notice on a fresh application and waits for its row. */
async function startNotice(unitName: string, level: NoticeLevel, publishedAt: string): Promise<NoticeInput> {
  const applicationId = randomUUID();
  await database.db.application.create({
    data: {
      id: applicationId, workflowId: `application-${applicationId}`, year: 2027, unitName, unitType: 'county', prefectures: ['520300'],
      applicantName: `${unitName}人民政府`, applicantSub: `applicant-${applicationId}`, contactEmail: 'gov@example.org', materials: [],
      stage: `${level}Notice`, submittedAt: new Date(),
    },
  });
  const input: NoticeInput = {
    noticeId: `application-${applicationId}:notice:${level}`, applicationId, level, prefectures: ['520300'],
    unit: { name: unitName, type: 'county' }, year: 2027, workingDays: 5, publishedAt,
  };
  await env.client.workflow.start(noticeWorkflow, { taskQueue: harness.taskQueue, workflowId: input.noticeId, args: [input] });
  await waitUntil('the Notice row', () => database.db.notice.findUnique({ where: { id: input.noticeId } }));
  return input;
}

const complaintBody = { complainant: { name: '李四', contact: 'lisi@example.org' }, content: '该县河道存在非法采砂' };

describe('public notices and complaints over HTTP', () => {
  let open: NoticeInput;
  let closed: NoticeInput;
  let complaintId: string;

  beforeAll(async () => {
    open = await startNotice('赤水市', 'prefecture', new Date().toISOString());
    // The worked example of domain/notice.ts noticeWindow lies in the past: that notice is already over.
    closed = await startNotice('习水县', 'prefecture', '2026-09-28T01:00:00.000Z');
    await waitUntil('the past notice to end', async () => (await database.db.notice.findUniqueOrThrow({ where: { id: closed.noticeId } })).outcome === 'clear');
  });

  it('lists active notices to anyone, without a token and without complaints or personal data', async () => {
    const active = await call('GET', '/api/notices?active=true');
    expect(active.status).toBe(200);
    const notices = active.body.notices as Array<Record<string, unknown>>;
    expect(notices.map((n) => n.id)).toContain(open.noticeId);
    expect(notices.map((n) => n.id)).not.toContain(closed.noticeId);
    const shown = notices.find((n) => n.id === open.noticeId)!;
    expect(Object.keys(shown).sort()).toEqual(['closesAt', 'id', 'level', 'opensAt', 'provisional', 'status', 'subject', 'workingDays']);
    expect(shown).toMatchObject({
      level: 'prefecture', status: 'open', provisional: false, workingDays: 5,
      subject: { unitName: '赤水市', unitType: 'county', year: 2027, prefectures: [{ code: '520300', name: '遵义市' }] },
    });
    expect(String(shown.closesAt)).toMatch(/T16:00:00\.000Z$/);

    const all = await call('GET', '/api/notices');
    expect((all.body.notices as Array<{ id: string; status: string }>).find((n) => n.id === closed.noticeId)).toMatchObject({ status: 'closed', closesAt: '2026-10-09T16:00:00.000Z' });
    expect((await call('GET', '/api/notices?active=maybe')).status).toBe(400);
  });

  it('takes a complaint without a token (once per Idempotency-Key), and refuses bad ones, unknown and closed notices', async () => {
    const path = `/api/notices/${encodeURIComponent(open.noticeId)}/complaints`;
    const first = await call('POST', path, undefined, complaintBody, { 'idempotency-key': 'client-key-0001' });
    expect(first.status).toBe(201);
    expect(first.body).toEqual({ complaintId: expect.stringMatching(/^[0-9a-f-]{36}$/), receivedAt: expect.any(String) });
    const retry = await call('POST', path, undefined, complaintBody, { 'idempotency-key': 'client-key-0001' });
    expect(retry).toEqual(first);
    complaintId = String(first.body.complaintId);
    expect(await database.db.complaint.count({ where: { noticeId: open.noticeId } })).toBe(1);
    // The board still shows nothing of it.
    expect(JSON.stringify((await call('GET', '/api/notices')).body)).not.toContain('李四');

    expect((await call('POST', path, undefined, { complainant: { name: '', contact: 'x' }, content: 'x' })).status).toBe(400);
    expect((await call('POST', path, undefined, { ...complaintBody, content: 'x'.repeat(20_001) })).status).toBe(400);
    expect((await call('POST', '/api/notices/no-such-notice/complaints', undefined, complaintBody)).status).toBe(404);
    const late = await call('POST', `/api/notices/${encodeURIComponent(closed.noticeId)}/complaints`, undefined, complaintBody);
    expect(late.status).toBe(409);
    expect(late.body.error).toMatchObject({ code: 'conflict', message: expect.stringContaining('2026年9月28日 09:00 至 2026年10月9日 24:00') });

    // The investigating office has its task; it hears of it in the digest of the
    // window (30 minutes of real time here: test/api/complaint-flood-http.test.ts
    // reads that mail on the time-skipping server).
    await waitUntil('the investigation task', () => database.db.task.findUnique({ where: { id: `${open.noticeId}:investigation.${complaintId}` } }));
  });

  it('lets the officer in charge investigate: 404 for another prefecture, 403 for others, 422 for a bad outcome, once per decisionId', async () => {
    const path = `/api/complaints/${complaintId}/investigation`;
    const decision = { decisionId: 'http-inv-0001', outcome: 'untrue', findings: '经现场核查，反映的采砂点已依法取缔' };
    expect((await call('POST', path, undefined, decision)).status).toBe(401);
    // An officer of another prefecture may not even see the application: 404 (out of scope, as unknown).
    expect((await call('POST', path, guiyang, decision)).status).toBe(404);
    // Those who may see it but are not in charge: 403.
    expect((await call('POST', path, { sub: 'a', role: 'applicant', prefecture: '520300' }, decision)).status).toBe(403);
    expect((await call('POST', path, province, decision)).status).toBe(403);
    const bad = await call('POST', path, zunyi, { ...decision, decisionId: 'http-inv-0002', outcome: 'probably' });
    expect(bad.status).toBe(422);
    expect(bad.body.error).toMatchObject({ code: 'invalid', details: [expect.objectContaining({ field: 'outcome' })] });
    expect((await call('POST', path, zunyi, { outcome: 'untrue' })).status).toBe(400);
    expect((await call('POST', '/api/complaints/no-such-complaint/investigation', zunyi, decision)).status).toBe(404);

    const done = await call('POST', path, zunyi, decision);
    expect(done.status).toBe(200);
    expect(done.body).toMatchObject({ complaintId, noticeId: open.noticeId, status: 'closed', outcome: 'untrue', findings: decision.findings, delegatedTo: null, investigatedBy: 'zunyi-1' });
    expect(await call('POST', path, zunyi, decision)).toEqual(done);
    expect((await call('POST', path, zunyi, { ...decision, decisionId: 'http-inv-0003' })).status).toBe(409);
    const task = await database.db.task.findUniqueOrThrow({ where: { id: `${open.noticeId}:investigation.${complaintId}` } });
    expect(task).toMatchObject({ status: 'done', closedBy: 'http-inv-0001' });
  });

  it('lets ops put a year\'s calendar (403 for others, 422 for bad dates) and moves running provisional notices', async () => {
    // 2027 has no schedule yet: Monday 2027-06-07 → Monday to Friday, closing at the end of 06-11.
    const provisional = await startNotice('湄潭县', 'prefecture', '2027-06-07T01:00:00.000Z');
    const before = await database.db.notice.findUniqueOrThrow({ where: { id: provisional.noticeId } });
    expect(before.provisional).toBe(true);
    expect(before.closesAt.toISOString()).toBe('2027-06-11T16:00:00.000Z');

    const schedule = { holidays: ['2027-06-09'], workdays: [] };
    expect((await call('PUT', '/api/ops/calendar/2027', province, schedule)).status).toBe(403);
    expect((await call('PUT', '/api/ops/calendar/2027', undefined, schedule)).status).toBe(401);
    const bad = await call('PUT', '/api/ops/calendar/2027', ops, { holidays: ['2027-02-30', '2026-10-01'], workdays: ['2027-06-08'] });
    expect(bad.status).toBe(422);
    expect((bad.body.error as { details: Array<{ field: string; code: string }> }).details.map((d) => d.code).sort()).toEqual(['notADate', 'notWeekend', 'wrongYear']);
    expect((await call('PUT', '/api/ops/calendar/next', ops, schedule)).status).toBe(400);
    expect(await database.db.calendarYear.count()).toBe(0);

    const stored = await call('PUT', '/api/ops/calendar/2027', ops, schedule);
    expect(stored.status).toBe(200);
    expect(stored.body).toMatchObject({ year: 2027, holidays: ['2027-06-09'], workdays: [], updatedBy: 'ops-1' });
    // The override is an act of record, with the refused tries before it.
    expect(await database.db.decision.findMany({ where: { subjectType: 'calendar', subjectId: '2027', outcome: 'applied' } })).toEqual([
      expect.objectContaining({ action: 'calendarOverride', actorSub: 'ops-1', actorRole: 'ops', payload: { year: 2027, holidays: ['2027-06-09'], workdays: [] } }),
    ]);
    expect(stored.body.noticesSignalled).toBeGreaterThanOrEqual(1);
    // Wednesday 06-09 off → Monday, Tuesday, Thursday, Friday, next Monday.
    const after = await waitUntil('the recomputed notice', async () => {
      const row = await database.db.notice.findUniqueOrThrow({ where: { id: provisional.noticeId } });
      return !row.provisional && row;
    });
    expect(after.closesAt.toISOString()).toBe('2027-06-14T16:00:00.000Z');
    await env.client.workflow.getHandle(provisional.noticeId).terminate('end of test');
  });

  it('answers 429 when one address files too many complaints', async () => {
    const limited = await harness.listen({ complaintRateLimit: { limit: 2, windowMs: 60_000 } });
    const path = `/api/notices/${encodeURIComponent(open.noticeId)}/complaints`;
    const statuses: number[] = [];
    for (let i = 0; i < 3; i++) statuses.push((await call('POST', path, undefined, complaintBody, {}, limited)).status);
    expect(statuses).toEqual([201, 201, 429]);
    await env.client.workflow.getHandle(open.noticeId).terminate('end of test');
  });
});
