// The decisions bodies over HTTP (issue 14), on real servers: an action the
// table does not have, or a payload that does not fit its action, answers
// 422 naming the field in `details` (the domain's problems), for applications
// and bases; and the OpenAPI document served shows each body as oneOf one
// schema per action.
import { randomUUID } from 'node:crypto';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { graveRecords } from '../support/grave-acts';
import { signDevToken } from '../../api/auth';
import { errorSchema } from '../../api/openapi';
import { cstDateOf } from '../../domain/dates';
import { APPLICATION_TRANSITIONS, BASE_TRANSITIONS } from '../../domain/transitions';
import { applicationWorkflow } from '../../workflows/application';
import { baseWorkflow } from '../../workflows/base';
import type { Actor } from '../../workflows/messages';
import type { TestDatabase } from '../support/database';
import { startHarness, TEST_JWT_SECRET, type Harness } from '../support/harness';

let env: TestWorkflowEnvironment;
let database: TestDatabase;
let harness: Harness;
let api: string;
let serverNow = new Date();

const province: Actor = { sub: 'province-officer', role: 'provinceOfficer' };
const zunyi: Actor = { sub: 'zunyi-officer', role: 'prefectureOfficer', prefecture: '520300' };
const bijie: Actor = { sub: 'bijie-officer', role: 'prefectureOfficer', prefecture: '520500' };

let applicationId = '';
let baseId = '';

beforeAll(async () => {
  harness = await startHarness({ server: 'timeSkipping', name: 'decision-bodies-http' });
  ({ env, database } = harness);
  api = await harness.listen({ clock: () => serverNow });
  const unit = { name: '赤水市', type: 'county', prefectures: ['520300'] };
  applicationId = randomUUID();
  await env.client.workflow.start(applicationWorkflow, {
    taskQueue: harness.taskQueue,
    workflowId: `application-${applicationId}`,
    args: [{ applicationId, year: 2027, unit, applicant: { name: '赤水市人民政府', contactEmail: 'gov@chishui.example', sub: 'chishui' }, materials: [], submittedAt: new Date(await env.currentTimeMs()).toISOString() }],
  });
  baseId = randomUUID();
  await env.client.workflow.start(baseWorkflow, {
    taskQueue: harness.taskQueue,
    workflowId: `base-${baseId}`,
    args: [{ baseId, unit, applicant: { name: '赤水市人民政府', contactEmail: 'base@chishui.example', sub: 'chishui' }, namedOn: cstDateOf(await env.currentTimeMs()) }],
  });
  // The read model follows the workflows within moments.
  for (let n = 0; n < 200; n++) {
    const [app, base] = await Promise.all([database.db.application.findUnique({ where: { id: applicationId } }), database.db.base.findUnique({ where: { id: baseId } })]);
    if (app && base) break;
    await new Promise((r) => setTimeout(r, 50));
  }
});
afterAll(() => harness?.stop());

interface Reply {
  status: number;
  body: { error?: { code: string; message: string; details?: Array<{ field: string; code: string; zh: string; en: string }> } } & Record<string, unknown>;
}

async function decide(url: string, actor: Actor, body: Record<string, unknown>): Promise<Reply> {
  serverNow = new Date(await env.currentTimeMs());
  const headers = { 'content-type': 'application/json', authorization: `Bearer ${await signDevToken(TEST_JWT_SECRET, actor)}` };
  const res = await fetch(api + url, { method: 'POST', headers, body: JSON.stringify({ decisionId: `bodies-${randomUUID()}`, ...body }) });
  return { status: res.status, body: (await res.json()) as Reply['body'] };
}

/** A 422 in the contract's shape whose details name these fields (and say why, in Chinese). */
function expect422(reply: Reply, fields: string[]): void {
  expect(reply.status, JSON.stringify(reply.body)).toBe(422);
  expect(errorSchema.safeParse(reply.body).success).toBe(true);
  expect(reply.body.error?.code).toBe('invalid');
  expect(reply.body.error?.details?.map((d) => d.field)).toEqual(fields);
  for (const d of reply.body.error?.details ?? []) expect(d.zh).toMatch(/[\u4e00-\u9fff]/);
}

describe('decisions bodies over HTTP', () => {
  it('answers an unknown action with 422 naming `action`', async () => {
    const applications = `/api/applications/${applicationId}/decisions`;
    const unknown = await decide(applications, zunyi, { action: 'approve' });
    expect422(unknown, ['action']);
    expect(unknown.body.error).toMatchObject({ message: '申报没有“approve”这项决定', details: [{ code: 'unknownAction' }] });
    // An action of the other table is unknown here too.
    expect422(await decide(applications, zunyi, { action: 'revoke', ground: 1, reason: '理由' }), ['action']);
    expect422(await decide(`/api/bases/${baseId}/decisions`, province, { action: 'prefectureAccept' }), ['action']);
    expect422(await decide(`/api/bases/${baseId}/decisions`, province, { action: 'approve' }), ['action']);
    // The refusal is in the audit log with its status (the row is appended as the answer goes out).
    let refused = null;
    for (let n = 0; n < 50 && !refused; n++) {
      refused = await database.db.decision.findFirst({ where: { outcome: 'refused', actorSub: zunyi.sub, subjectId: applicationId, refusal: { startsWith: '422' } } });
      if (!refused) await new Promise((r) => setTimeout(r, 50));
    }
    expect(refused?.refusal).toMatch(/^422 invalid/);
  });

  it('answers a payload that does not fit its action with 422 naming each field', async () => {
    const applications = `/api/applications/${applicationId}/decisions`;
    // prefectureReject always needs a reason (Art. 9).
    expect422(await decide(applications, zunyi, { action: 'prefectureReject' }), ['reason']);
    // Role and region still come first (403, 404), then the stage (409), then the payload (422).
    expect((await decide(applications, zunyi, { action: 'select' })).status).toBe(403);
    // A field that is no payload field of the action is refused first, as any malformed body (400, issue 15).
    expect((await decide(applications, zunyi, { action: 'select', stray: 'x' })).status).toBe(400);
    expect((await decide(applications, bijie, { action: 'prefectureReject' })).status).toBe(404);
    expect((await decide(applications, zunyi, { action: 'openNotice', workingDays: 'five' })).status).toBe(409);
    expect((await decide(applications, zunyi, { action: 'prefectureAccept' })).status).toBe(200);
    expect422(await decide(applications, zunyi, { action: 'openNotice', workingDays: 'five' }), ['workingDays']);
    expect422(await decide(applications, zunyi, { action: 'openNotice', workingDays: 3, publishedAt: 'tomorrow' }), ['workingDays', 'publishedAt']);
    expect422(await decide(applications, zunyi, { action: 'openNotice' }), ['workingDays']);

    const bases = `/api/bases/${baseId}/decisions`;
    // A warning rests on a deliberation and its ground's evidence (domain/grave-acts.ts); the fields are checked before the files.
    const records = graveRecords(1);
    expect422(await decide(bases, province, { action: 'warn', ground: '1', reason: '督察发现问题', ...records }), ['ground']);
    expect422(await decide(bases, province, { action: 'warn', ground: 1, ...records }), ['reason']);
    expect422(await decide(bases, province, { action: 'warn', ground: 1, reason: '督察发现问题' }), ['deliberationBody', 'deliberationDate', 'minutesFileId', 'evidenceTitle', 'evidenceDate', 'evidenceFileIds']);
    expect422(await decide(bases, province, { action: 'requireRectification', requirements: [], deadline: '2099-02-30' }), ['requirements', 'deadline']);
  });

  it('documents each decisions body as oneOf one schema per action of its table', async () => {
    const doc = (await (await fetch(`${api}/api/openapi.json`)).json()) as { paths: Record<string, { post: { requestBody: { content: { 'application/json': { schema: { oneOf: Array<{ properties: { action: { const: string } } }> } } } } } }> };
    const actionsOf = (path: string) => doc.paths[path]!.post.requestBody.content['application/json'].schema.oneOf.map((s) => s.properties.action.const);
    expect(actionsOf('/api/applications/{id}/decisions')).toEqual([...new Set(APPLICATION_TRANSITIONS.map((r) => r.action))]);
    expect(actionsOf('/api/bases/{id}/decisions')).toEqual([...new Set(BASE_TRANSITIONS.map((r) => r.action))]);
  });
});
