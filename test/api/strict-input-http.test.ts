// Strict input everywhere (issue 15, item 3), over HTTP on real servers: a
// body, a query or a multipart upload naming a field the API does not know
// is refused with 400 naming each such field (and nothing is recorded); the
// decisions bodies take decisionId, action, reason and the payload fields of
// the action's rules (domain/transitions.ts), nothing else; texts have
// maximum lengths; and the OpenAPI document says so with
// `additionalProperties: false` on every request body and query.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signDevToken } from '../../api/auth';
import { errorSchema, registeredRoutes } from '../../api/openapi';
import { APPLICATION_TRANSITIONS, BASE_TRANSITIONS } from '../../domain/transitions';
import type { Actor } from '../../workflows/messages';
import type { TestDatabase } from '../support/database';
import { startHarness, TEST_JWT_SECRET, type Harness } from '../support/harness';
import type { JsonSchema } from '../support/json-schema-arbitrary';

let database: TestDatabase;
let harness: Harness;
let api: string;

const applicant: Actor = { sub: 'strict-chishui', role: 'applicant', prefecture: '520300' };
const officer: Actor = { sub: 'strict-zunyi-1', role: 'prefectureOfficer', prefecture: '520300' };
const province: Actor = { sub: 'strict-province-1', role: 'provinceOfficer' };
const chapters = ['background', 'overview', 'progress', 'approach', 'tasks', 'projects', 'safeguards'];

interface Reply {
  status: number;
  body: { error?: { code: string; message: string; details?: Array<{ path: string; message: string }> } } & Record<string, unknown>;
}

async function call(method: string, url: string, actor?: Actor, body?: unknown): Promise<Reply> {
  const headers: Record<string, string> = {};
  if (body !== undefined) headers['content-type'] = 'application/json';
  if (actor) headers.authorization = `Bearer ${await signDevToken(TEST_JWT_SECRET, actor)}`;
  const res = await fetch(api + url, { method, headers, ...(body !== undefined ? { body: JSON.stringify(body) } : {}) });
  return { status: res.status, body: (await res.json()) as Reply['body'] };
}

/** A 400 in the contract's shape naming exactly these unknown fields, in Chinese, with a detail per field. */
function expectUnknown(reply: Reply, paths: string[]): void {
  expect(reply.status, JSON.stringify(reply.body)).toBe(400);
  expect(errorSchema.safeParse(reply.body).success).toBe(true);
  expect(reply.body.error?.code).toBe('badRequest');
  expect(reply.body.error?.message).toBe(`不认识的字段：${paths.join('、')}`);
  expect(reply.body.error?.details).toEqual(paths.map((path) => ({ path, message: '不认识的字段' })));
}

async function upload(form: FormData): Promise<Reply> {
  const res = await fetch(`${api}/api/files`, { method: 'POST', headers: { authorization: `Bearer ${await signDevToken(TEST_JWT_SECRET, applicant)}` }, body: form });
  return { status: res.status, body: (await res.json()) as Reply['body'] };
}

const pdf = (text: string) => new Blob([`%PDF-1.7\n${text}\n%%EOF\n`]);

async function until<T>(what: string, read: () => Promise<T | null | undefined | false>): Promise<T> {
  for (let n = 0; n < 200; n++) {
    const value = await read();
    if (value) return value;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`timed out waiting for ${what}`);
}

let submission: {
  year: number;
  unit: { name: string; type: string; prefectures: string[]; terrain: string };
  applicant: { name: string; contactEmail: string };
  materials: Array<Record<string, unknown>>;
};
let applicationId = '';
let baseId = '';

beforeAll(async () => {
  harness = await startHarness({ server: 'dev', name: 'strict-input-http' });
  ({ database } = harness);
  // Submissions are judged as on a day in the 2027 window; everything else runs on the real clock.
  api = await harness.listen({ acceptanceClock: () => new Date('2027-03-02T02:00:00Z') });
  const ids: string[] = [];
  for (const name of ['letter', 'c1', 'c2', 'c3', 'c4', 'plan']) {
    const form = new FormData();
    form.append('file', pdf(`strict-${name}`), `${name}.pdf`);
    const r = await upload(form);
    expect(r.status).toBe(201);
    ids.push(String(r.body.fileId));
  }
  submission = {
    year: 2027,
    unit: { name: '赤水市', type: 'county', prefectures: ['520300'], terrain: 'mountain' },
    applicant: { name: '赤水市人民政府', contactEmail: 'gov@chishui.example' },
    materials: [
      { kind: 'applicationLetter', fileId: ids[0] },
      ...[1, 2, 3, 4].map((condition) => ({ kind: 'conditionEvidence', condition, fileId: ids[condition], explanation: `条件${condition}` })),
      { kind: 'implementationPlan', fileId: ids[5], issuedBy: 'county', chapters },
    ],
  };
  // A named base's read-model row only (no workflow): a decision body is parsed before the base is looked at.
  baseId = randomUUID();
  await database.db.base.create({
    data: {
      id: baseId, workflowId: `base-${baseId}`, unitName: '严格县', unitType: 'county', prefectures: ['520300'], applicantSub: applicant.sub,
      contactEmail: 'base@strict.example', status: 'named', namedOn: '2027-06-01', termStartsOn: '2027-06-01', termEndsOn: '2030-05-31',
    },
  });
});

afterAll(() => harness?.stop());

describe('strict request bodies', () => {
  it('refuses a submission with "isAdmin": true with 400 naming it, and records nothing; the same without it is submitted', async () => {
    const refused = await call('POST', '/api/applications', applicant, { ...submission, isAdmin: true });
    expectUnknown(refused, ['isAdmin']);
    expect(await database.db.application.count()).toBe(0);
    expect(await database.db.registeredApplicant.findUnique({ where: { sub: applicant.sub } })).toBeNull();

    const submitted = await call('POST', '/api/applications', applicant, submission);
    expect(submitted.status, JSON.stringify(submitted.body)).toBe(201);
    applicationId = String(submitted.body.id);
    expect(await database.db.application.count()).toBe(1);
  });

  it('names unknown fields of nested objects by their path, and every one of them', async () => {
    // In the order of the schema's fields, the unknown ones of the top level last.
    expectUnknown(await call('POST', '/api/applications', applicant, { ...submission, unit: { ...submission.unit, extra: 1 } }), ['unit.extra']);
    const materials = submission.materials.map((m, i) => (i === 1 ? { ...m, note: '附注' } : m));
    expectUnknown(await call('POST', '/api/applications', applicant, { ...submission, materials, applicant: { ...submission.applicant, role: 'admin' }, isAdmin: true }), ['applicant.role', 'materials.1.note', 'isAdmin']);
    // Unknown fields and a malformed one: both in the details, the message names the unknown ones.
    const mixed = await call('POST', '/api/applications', applicant, { ...submission, year: '2027', debug: true });
    expect(mixed.status).toBe(400);
    expect(mixed.body.error?.message).toMatch(/^不认识的字段：debug；另有 1 处不符合格式$/);
    expect(mixed.body.error?.details?.map((d) => d.path).sort()).toEqual(['debug', 'year']);
    // Other bodies: a complaint's complainant, an expert, a calendar, a resend.
    expectUnknown(await call('POST', '/api/experts', province, { requestId: 'strict-expert-0001', name: '严专家', email: 'yan@experts.example', admin: true }), ['admin']);
    expectUnknown(await call('PUT', '/api/ops/calendar/2032', { sub: 'strict-ops', role: 'ops' }, { holidays: [], workdays: [], force: true }), ['force']);
    expectUnknown(await call('POST', `/api/bases/${baseId}/annual-summaries`, applicant, { submissionId: 'strict-summary-1', year: 2027, fileId: 'f', summary: '总结', late: false }), ['late']);
    expect(await database.db.application.count()).toBe(1);
  });

  it('refuses a decision with a field that is no payload field of its action with 400 naming it; known fields work as before', async () => {
    await until('the pre-review task', () => database.db.task.findFirst({ where: { applicationId, step: 'prefectureReview', status: 'open' } }));
    const url = `/api/applications/${applicationId}/decisions`;
    expectUnknown(await call('POST', url, officer, { decisionId: 'strict-accept-0001', action: 'prefectureAccept', reason: '材料齐全', stage: 'named' }), ['stage']);
    // A payload field of another action is unknown for this one.
    expectUnknown(await call('POST', url, officer, { decisionId: 'strict-accept-0002', action: 'prefectureAccept', workingDays: 5 }), ['workingDays']);
    // An unknown action stays a 422 naming `action`, whatever else the body carries.
    const unknownAction = await call('POST', url, officer, { decisionId: 'strict-accept-0003', action: 'approve', isAdmin: true });
    expect(unknownAction.status).toBe(422);
    expect(unknownAction.body.error?.details).toEqual([expect.objectContaining({ field: 'action', code: 'unknownAction' })]);
    // Nothing of the refused ones was applied.
    expect(await database.db.decision.count({ where: { subjectId: applicationId, outcome: 'applied', action: 'prefectureAccept' } })).toBe(0);

    expect(await call('POST', url, officer, { decisionId: 'strict-accept-0004', action: 'prefectureAccept', reason: '材料齐全' })).toEqual({
      status: 200, body: { decisionId: 'strict-accept-0004', action: 'prefectureAccept', stage: 'prefectureNotice' },
    });
    // openNotice takes its table's payload fields (read from domain/transitions.ts), and nothing more.
    const openNotice = APPLICATION_TRANSITIONS.find((r) => r.action === 'openNotice')!;
    expect(openNotice.payload.map((f) => f.name)).toContain('workingDays');
    expectUnknown(await call('POST', url, officer, { decisionId: 'strict-notice-0001', action: 'openNotice', workingDays: 5, closesAt: '2027-12-31' }), ['closesAt']);
    const opened = await call('POST', url, officer, { decisionId: 'strict-notice-0002', action: 'openNotice', workingDays: 5 });
    expect(opened, JSON.stringify(opened.body)).toEqual({ status: 200, body: { decisionId: 'strict-notice-0002', action: 'openNotice', stage: 'prefectureNotice' } });

    // The base's decisions: the same rule (parsed before the base is looked at).
    expectUnknown(await call('POST', `/api/bases/${baseId}/decisions`, province, { decisionId: 'strict-warn-0001', action: 'warn', ground: 1, reason: '督察发现问题', severity: 'high' }), ['severity']);
  });

  it('refuses a complaint with an unknown field, and one whose text is too long', async () => {
    const notice = await until('the open notice', () => database.db.notice.findFirst({ where: { applicationId, status: 'open' } }));
    const url = `/api/notices/${notice.id}/complaints`;
    const complaint = { complainant: { name: '李四', contact: 'lisi@example.org' }, content: '河道非法采砂' };
    expectUnknown(await call('POST', url, undefined, { ...complaint, complainant: { ...complaint.complainant, idNumber: '5203' } }), ['complainant.idNumber']);
    const long = await call('POST', url, undefined, { ...complaint, content: '砂'.repeat(20_001) });
    expect(long.status).toBe(400);
    expect(long.body.error?.details?.map((d) => d.path)).toEqual(['content']);
    expect(await database.db.complaint.count()).toBe(0);
    expect((await call('POST', url, undefined, complaint)).status).toBe(201);
  });
});

describe('maximum lengths', () => {
  it('refuses texts over their maximum length with 400 naming the field', async () => {
    const tooLong = async (url: string, actor: Actor, body: unknown, path: string) => {
      const reply = await call('POST', url, actor, body);
      expect(reply.status, `${path}: ${JSON.stringify(reply.body).slice(0, 200)}`).toBe(400);
      expect(reply.body.error?.details?.map((d) => d.path)).toEqual([path]);
    };
    await tooLong('/api/applications', applicant, { ...submission, unit: { ...submission.unit, name: '县'.repeat(201) } }, 'unit.name');
    await tooLong('/api/applications', applicant, { ...submission, applicant: { ...submission.applicant, contactEmail: `${'a'.repeat(250)}@x.example` } }, 'applicant.contactEmail');
    await tooLong(`/api/applications/${applicationId}/decisions`, officer, { decisionId: 'strict-long-0001', action: 'prefectureReject', reason: '理'.repeat(5001) }, 'reason');
    await tooLong(`/api/applications/${applicationId}/decisions`, officer, { decisionId: 'x'.repeat(129), action: 'prefectureReject', reason: '理由' }, 'decisionId');
    await tooLong('/api/experts', province, { requestId: 'strict-expert-0002', name: '专'.repeat(101), email: 'long@experts.example' }, 'name');
  });

  it('gives every text payload field of the table a maximum length', () => {
    for (const rule of [...APPLICATION_TRANSITIONS, ...BASE_TRANSITIONS]) {
      for (const f of rule.payload) if (f.type === 'text' || f.type === 'textOrTextList') expect(f.maxLength, `${rule.action}.${f.name}`).toBeGreaterThan(0);
    }
  });
});

describe('strict queries', () => {
  it('refuses an unknown query parameter with 400 naming it, on a list route and on a route that takes none', async () => {
    expectUnknown(await call('GET', '/api/applications?isAdmin=true', officer), ['isAdmin']);
    expectUnknown(await call('GET', '/api/applications?stage=prefectureNotice&limit=5', officer), ['limit']);
    expectUnknown(await call('GET', '/api/notices?active=true&all=1'), ['all']);
    expectUnknown(await call('GET', '/api/tasks?debug=1', officer), ['debug']);
    expectUnknown(await call('GET', `/api/applications/${applicationId}?include=complainants`, officer), ['include']);
    // The known ones work as before.
    const listed = await call('GET', '/api/applications?stage=prefectureNotice', officer);
    expect(listed.status).toBe(200);
    expect((listed.body.applications as unknown[]).length).toBe(1);
    expect((await call('GET', '/api/notices?active=true')).status).toBe(200);
  });
});

describe('strict multipart uploads', () => {
  it('refuses a part other than the one file, naming it', async () => {
    const withNote = new FormData();
    withNote.append('file', pdf('strict-note'), 'note.pdf');
    withNote.append('note', '附注');
    expectUnknown(await upload(withNote), ['note']);
    const elsewhere = new FormData();
    elsewhere.append('document', pdf('strict-elsewhere'), 'doc.pdf');
    expectUnknown(await upload(elsewhere), ['document']);
  });
});

describe('the OpenAPI document', () => {
  type Operation = { parameters?: Array<{ name: string; in: string; style?: string; explode?: boolean; schema: JsonSchema }>; requestBody?: { content: Record<string, { schema: JsonSchema }> } };

  /** Every object schema in a request schema, with where it is; each must be closed. */
  function objects(schema: unknown, at: string, out: Array<{ at: string; schema: JsonSchema }> = []): Array<{ at: string; schema: JsonSchema }> {
    if (!schema || typeof schema !== 'object') return out;
    const s = schema as JsonSchema;
    if (s.type === 'object' || (Array.isArray(s.type) && s.type.includes('object')) || s.properties) out.push({ at, schema: s });
    for (const [k, v] of Object.entries((s.properties ?? {}) as Record<string, unknown>)) objects(v, `${at}.${k}`, out);
    if (s.items) objects(s.items, `${at}[]`, out);
    for (const key of ['oneOf', 'anyOf', 'allOf'] as const) if (Array.isArray(s[key])) (s[key] as unknown[]).forEach((a, i) => objects(a, `${at}/${key}/${i}`, out));
    return out;
  }

  it('has additionalProperties: false on every request body and query schema, nested objects and each decision action included', async () => {
    const doc = (await (await fetch(`${api}/api/openapi.json`)).json()) as { paths: Record<string, Record<string, Operation>> };
    const open: string[] = [];
    let bodies = 0;
    let queries = 0;
    for (const [path, methods] of Object.entries(doc.paths)) {
      for (const [method, op] of Object.entries(methods)) {
        const where = `${method.toUpperCase()} ${path}`;
        for (const [type, { schema }] of Object.entries(op.requestBody?.content ?? {})) {
          bodies += 1;
          const found = objects(schema, `${where} ${type}`);
          if (found.length === 0) open.push(`${where} ${type}: not an object schema`);
          for (const o of found) if (o.schema.additionalProperties !== false) open.push(o.at);
          // A decisions body: oneOf one closed object per action.
          if (Array.isArray(schema.oneOf)) for (const [i, branch] of (schema.oneOf as JsonSchema[]).entries()) if (branch.additionalProperties !== false) open.push(`${where} oneOf ${i}`);
        }
        for (const p of (op.parameters ?? []).filter((x) => x.in === 'query')) {
          queries += 1;
          // The query as one exploded object (`?a=1&b=2`), closed.
          expect(p, where).toMatchObject({ in: 'query', style: 'form', explode: true, schema: { type: 'object' } });
          for (const o of objects(p.schema, `${where} query`)) if (o.schema.additionalProperties !== false) open.push(o.at);
        }
      }
    }
    expect(open).toEqual([]);
    // Every route with a body or a query schema was seen.
    expect(bodies).toBe(registeredRoutes().filter((r) => r.body).length);
    expect(queries).toBe(registeredRoutes().filter((r) => r.query).length);
    const decisions = doc.paths['/api/applications/{id}/decisions']!.post!.requestBody!.content['application/json']!.schema;
    expect((decisions.oneOf as JsonSchema[]).length).toBe(new Set(APPLICATION_TRANSITIONS.map((r) => r.action)).size);
  });
});
