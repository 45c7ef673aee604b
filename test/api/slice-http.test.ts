// The slice over real HTTP: the API and a worker against the Temporal dev
// server (the `temporal` CLI), a real PostgreSQL and a real SMTP server.
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signDevToken } from '../../api/auth';
import type { SmtpSink } from '../../infra/smtp-sink';
import type { Actor } from '../../workflows/messages';
import { LsStage } from '../../workflows/search-attributes';
import type { TestDatabase } from '../support/database';
import { startHarness, TEST_JWT_SECRET, type Harness } from '../support/harness';

const SECRET = TEST_JWT_SECRET;
let env: TestWorkflowEnvironment;
let database: TestDatabase;
let sink: SmtpSink;
let harness: Harness;
let base: string;
/**
 * The API's clock: inside the 2027 acceptance window (Art. 11) for the
 * submission, whatever today's date is; then back to real time, which is the
 * clock the workflows on the dev server run on (task due dates, overdue).
 */
let apiNow: Date | undefined = new Date('2027-03-02T02:00:00Z');

beforeAll(async () => {
  harness = await startHarness({ server: 'dev', name: 'http' });
  ({ env, database, sink } = harness);
  base = await harness.listen({ clock: () => apiNow ?? new Date() });
});

afterAll(() => harness?.stop());

async function call(method: string, path: string, actor?: Actor, body?: unknown) {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (actor) headers.authorization = `Bearer ${await signDevToken(SECRET, actor)}`;
  const res = await fetch(base + path, { method, headers, ...(body !== undefined ? { body: JSON.stringify(body) } : {}) });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

const applicant: Actor = { sub: 'chishui', role: 'applicant', prefecture: '520300', email: 'gov@chishui.example' };
const officer: Actor = { sub: 'zunyi-1', role: 'prefectureOfficer', prefecture: '520300' };
const otherOfficer: Actor = { sub: 'guiyang-1', role: 'prefectureOfficer', prefecture: '520100' };
const chapters = ['background', 'overview', 'progress', 'approach', 'tasks', 'projects', 'safeguards'];
let submission: {
  year: number;
  unit: { name: string; type: string; prefectures: string[]; terrain: string };
  applicant: { name: string; contactEmail: string };
  materials: Array<Record<string, unknown>>;
};

/** Uploads one PDF as the applicant (POST /api/files) and answers its file id. */
async function uploadPdf(text: string): Promise<string> {
  const form = new FormData();
  form.append('file', new Blob([`%PDF-1.7\n${text}\n%%EOF\n`]), `${text}.pdf`);
  const res = await fetch(`${base}/api/files`, { method: 'POST', headers: { authorization: `Bearer ${await signDevToken(SECRET, applicant)}` }, body: form });
  expect(res.status).toBe(201);
  return String(((await res.json()) as { fileId: string }).fileId);
}

beforeAll(async () => {
  // A complete submission (Art. 7, 8, 12): the letter, four conditions and the plan.
  const ids: string[] = [];
  for (const name of ['letter', 'condition-1', 'condition-2', 'condition-3', 'condition-4', 'plan']) ids.push(await uploadPdf(name));
  submission = {
    year: 2027,
    unit: { name: '赤水市', type: 'county', prefectures: ['520300'], terrain: 'mountain' },
    applicant: { name: '赤水市人民政府', contactEmail: 'gov@chishui.example' },
    materials: [
      { kind: 'applicationLetter', fileId: ids[0] },
      ...[1, 2, 3, 4].map((condition) => ({ kind: 'conditionEvidence', condition, fileId: ids[condition], explanation: `第${condition}项条件的说明` })),
      { kind: 'implementationPlan', fileId: ids[5], issuedBy: 'county', chapters },
    ],
  };
});

describe('HTTP slice on the dev server', () => {
  it('reports Temporal and the database as ok', async () => {
    expect(await call('GET', '/api/health')).toEqual({ status: 200, body: { status: 'ok', temporal: 'ok', database: 'ok' } });
  });

  it('refuses requests without a valid token, in the error shape of the contract', async () => {
    const res = await call('GET', '/api/tasks');
    expect(res.status).toBe(401);
    expect(res.body).toEqual({ error: { code: 'unauthorized', message: expect.any(String) } });
    const bad = await fetch(`${base}/api/tasks`, { headers: { authorization: 'Bearer not.a.jwt' } });
    expect(bad.status).toBe(401);
  });

  it('refuses malformed submissions with 400 and a unit outside the applicant\'s prefecture with 403, starting nothing', async () => {
    const bad = await call('POST', '/api/applications', applicant, { ...submission, year: '2027', unit: { ...submission.unit, type: 'city' } });
    expect(bad.status).toBe(400);
    expect((bad.body.error as { details: Array<{ path: string }> }).details.map((d) => d.path).sort()).toEqual(['unit.type', 'year']);
    const foreign = await call('POST', '/api/applications', { ...applicant, prefecture: '520100' }, submission);
    expect(foreign.status).toBe(403);
    expect(await database.db.application.count()).toBe(0);
  });

  it('submits once, lists the task, applies a decision once, and mails the applicant', async () => {
    const first = await call('POST', '/api/applications', applicant, submission);
    expect(first.status).toBe(201);
    const retry = await call('POST', '/api/applications', applicant, submission);
    expect(retry.status).toBe(200);
    expect(retry.body.id).toBe(first.body.id);
    apiNow = undefined;
    const id = String(first.body.id);

    // The read model follows the workflow.
    let tasks: Array<Record<string, unknown>> = [];
    for (let n = 0; n < 100 && tasks.length === 0; n++) {
      tasks = (await call('GET', '/api/tasks', officer)).body.tasks as typeof tasks;
      if (tasks.length === 0) await new Promise((r) => setTimeout(r, 100));
    }
    expect(tasks).toHaveLength(1);
    expect(tasks[0]).toMatchObject({ subjectId: id, step: 'prefectureReview', escalationLevel: 0, overdue: false });
    expect((await call('GET', '/api/tasks', otherOfficer)).body.tasks).toEqual([]);
    expect((await call('GET', `/api/applications/${id}`, otherOfficer)).status).toBe(404);

    const forbidden = await call('POST', `/api/applications/${id}/decisions`, { sub: 'p', role: 'provinceOfficer' }, { decisionId: 'http-d-0001', action: 'prefectureAccept' });
    expect(forbidden.status).toBe(403);
    const invalid = await call('POST', `/api/applications/${id}/decisions`, officer, { decisionId: 'http-d-0002', action: 'prefectureReject' });
    expect(invalid.status).toBe(422);
    const malformed = await call('POST', `/api/applications/${id}/decisions`, officer, { action: 'prefectureAccept' });
    expect(malformed.status).toBe(400);

    const decision = { decisionId: 'http-d-0003', action: 'prefectureAccept', reason: '材料齐全，同意公示' };
    const applied = await call('POST', `/api/applications/${id}/decisions`, officer, decision);
    expect(applied).toEqual({ status: 200, body: { decisionId: 'http-d-0003', action: 'prefectureAccept', stage: 'prefectureNotice' } });
    const replayed = await call('POST', `/api/applications/${id}/decisions`, officer, decision);
    expect(replayed).toEqual(applied);
    const late = await call('POST', `/api/applications/${id}/decisions`, officer, { decisionId: 'http-d-0004', action: 'prefectureReject', reason: 'x' });
    expect(late.status).toBe(409);

    let detail = await call('GET', `/api/applications/${id}`, applicant);
    for (let n = 0; n < 100 && (detail.body.openTasks as unknown[]).length === 0; n++) {
      await new Promise((r) => setTimeout(r, 100));
      detail = await call('GET', `/api/applications/${id}`, applicant);
    }
    // The pre-review task is closed; the prefecture's next task is to publish its notice.
    expect(detail.body).toMatchObject({ id, stage: 'prefectureNotice', openTasks: [expect.objectContaining({ step: 'prefectureNotice.open' })] });
    expect(detail.body.timeline).toEqual([
      expect.objectContaining({ decisionId: `submit.${id}`, action: 'submit', actor: expect.objectContaining({ role: 'applicant' }) }),
      expect.objectContaining({ decisionId: 'http-d-0003', action: 'prefectureAccept', reason: '材料齐全，同意公示' }),
    ]);

    const mails = await sink.waitFor((m) => m.some((x) => x.subject.includes('赤水市：预审通过')));
    expect(mails.filter((x) => x.to.includes('gov@chishui.example')).map((x) => x.subject)).toEqual([
      '【两山基地申报】赤水市的2027年度申报已受理',
      '【两山基地申报】赤水市：预审通过',
    ]);

    // The dev server's visibility sees the stage through the typed search attribute.
    const { workflowId } = first.body as { workflowId: string };
    const description = await env.client.workflow.getHandle(workflowId).describe();
    expect(description.typedSearchAttributes.get(LsStage)).toBe('prefectureNotice');
  });
});
