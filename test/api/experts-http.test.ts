// The expert pool over HTTP (Art. 25): an add carries the client's requestId,
// so the same add sent twice (a retry after a lost answer) adds one expert and
// records one audit row; the same id with another expert is refused; a PATCH
// carries its requestId too (a retried change is applied once) and moves an
// expert to a county and deactivates it; a malformed body is answered in
// Chinese, naming the form's fields. Real API, PostgreSQL and
// Temporal (the harness), nothing faked.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signDevToken } from '../../api/auth';
import type { Actor } from '../../workflows/messages';
import { startHarness, TEST_JWT_SECRET, type Harness } from '../support/harness';

let harness: Harness;
let base: string;
const province: Actor = { sub: 'experts-province-1', role: 'provinceOfficer' };
const zunyi: Actor = { sub: 'experts-zunyi-1', role: 'prefectureOfficer', prefecture: '520300' };

beforeAll(async () => {
  harness = await startHarness({ server: 'dev', name: 'experts-http' });
  base = await harness.listen();
});

afterAll(() => harness?.stop());

type Body = Record<string, unknown>;
async function call(method: string, url: string, actor: Actor, body?: unknown): Promise<{ status: number; body: Body }> {
  const headers: Record<string, string> = { authorization: `Bearer ${await signDevToken(TEST_JWT_SECRET, actor)}` };
  if (body !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(base + url, { method, headers, ...(body !== undefined ? { body: JSON.stringify(body) } : {}) });
  const text = await res.text();
  return { status: res.status, body: (text ? JSON.parse(text) : {}) as Body };
}

const applied = (where: Record<string, unknown>) => harness.database.db.decision.findMany({ where: { ...where, outcome: 'applied' }, orderBy: { seq: 'asc' } });

describe('the expert pool over HTTP', () => {
  it('adds an expert once for the same requestId sent twice, also when both arrive together', async () => {
    const requestId = `expert-${randomUUID()}`;
    const add = { requestId, name: '孙专家', email: 'sun@experts.example', fields: ['生态保护', '水环境'], region: '520300', reason: '第二十五条：补充专家' };
    const first = await call('POST', '/api/experts', province, add);
    expect(first.status).toBe(201);
    expect(first.body).toMatchObject({ name: '孙专家', fields: ['生态保护', '水环境'], region: '520300', regionZh: '遵义市', active: true });
    const again = await call('POST', '/api/experts', province, add);
    expect(again.status).toBe(200);
    expect(again.body).toEqual(first.body);
    expect(await harness.database.db.expert.count({ where: { email: 'sun@experts.example' } })).toBe(1);
    const rows = await applied({ subjectType: 'expert', action: 'expertAdded', subjectId: String(first.body.id) });
    expect(rows.map((r) => r.decisionId)).toEqual([`expertAdded/${requestId}`]);
    expect(rows[0]!.reason).toBe('第二十五条：补充专家');
    expect(JSON.stringify(rows[0]!.payload)).not.toContain('sun@experts.example');

    // Two of the same add at once: still one expert, one row, and both answers name it.
    const together = { ...add, requestId: `expert-${randomUUID()}`, email: 'sun2@experts.example' };
    const both = await Promise.all([call('POST', '/api/experts', province, together), call('POST', '/api/experts', province, together)]);
    expect(both.map((r) => r.status).sort()).toEqual([200, 201]);
    expect(both[0]!.body.id).toBe(both[1]!.body.id);
    expect(await harness.database.db.expert.count({ where: { email: 'sun2@experts.example' } })).toBe(1);
    expect(await applied({ decisionId: `expertAdded/${together.requestId}` })).toHaveLength(1);
  });

  it('refuses the same requestId for another expert, and an add without one', async () => {
    const requestId = `expert-${randomUUID()}`;
    expect((await call('POST', '/api/experts', province, { requestId, name: '吴专家', email: 'wu@experts.example', region: '520100' })).status).toBe(201);
    const other = await call('POST', '/api/experts', province, { requestId, name: '郑专家', email: 'zheng@experts.example', region: '520100' });
    expect(other.status).toBe(409);
    // Named in Chinese, with the field in the details; never the other add's answer.
    expect((other.body.error as { message: string }).message).toMatch(/^该编号已用于.*「专家入库」/);
    expect((other.body.error as { details: Array<{ field: string; code: string }> }).details).toEqual([expect.objectContaining({ field: 'requestId', code: 'idReused' })]);
    expect(other.body).not.toHaveProperty('id');
    expect(await harness.database.db.expert.count({ where: { name: '郑专家' } })).toBe(0);
    const without = await call('POST', '/api/experts', province, { name: '郑专家', email: 'zheng@experts.example', region: '520100' });
    expect(without.status).toBe(400);
    expect(JSON.stringify(without.body)).toContain('requestId');
    // Only the province keeps the pool.
    expect((await call('POST', '/api/experts', zunyi, { requestId: `expert-${randomUUID()}`, name: '郑专家', email: 'zheng@experts.example' })).status).toBe(403);
    // The OpenAPI document names the field and requires it.
    const doc = (await (await fetch(`${base}/api/openapi.json`)).json()) as { paths: Record<string, { post?: { summary?: string; requestBody?: { content: Record<string, { schema: { required?: string[]; properties?: Record<string, unknown> } }> } } }> };
    const post = doc.paths['/api/experts']!.post!;
    expect(post.summary).toContain('requestId');
    const schema = post.requestBody!.content['application/json']!.schema;
    expect(schema.required).toContain('requestId');
    expect(Object.keys(schema.properties ?? {})).toContain('requestId');
  });

  it('moves an expert to a county, then deactivates and reactivates it, each with its audit row', async () => {
    const added = await call('POST', '/api/experts', province, { requestId: `expert-${randomUUID()}`, name: '冯专家', email: 'feng@experts.example', fields: ['生态'], region: '520300' });
    expect(added.status).toBe(201);
    const id = String(added.body.id);
    const moved = await call('PATCH', `/api/experts/${id}`, province, { requestId: `change-${randomUUID()}`, region: '520302', reason: '工作单位调整' });
    expect(moved.status).toBe(200);
    expect(moved.body).toMatchObject({ id, region: '520302', regionZh: '遵义市 红花岗区', fields: ['生态'], active: true });
    const off = await call('PATCH', `/api/experts/${id}`, province, { requestId: `change-${randomUUID()}`, active: false, reason: '本人申请暂停' });
    expect(off.status).toBe(200);
    expect(off.body).toMatchObject({ id, active: false, region: '520302' });
    const list = (await call('GET', '/api/experts', province)).body.experts as Body[];
    expect(list.find((e) => e.id === id)).toMatchObject({ active: false, regionZh: '遵义市 红花岗区' });
    expect((await call('PATCH', `/api/experts/${id}`, province, { requestId: `change-${randomUUID()}`, active: true })).body).toMatchObject({ active: true });
    const rows = await applied({ subjectType: 'expert', subjectId: id });
    expect(rows.map((r) => [r.action, r.reason])).toEqual([
      ['expertAdded', null],
      ['expertUpdated', '工作单位调整'],
      ['expertDeactivated', '本人申请暂停'],
      ['expertUpdated', null],
    ]);
  });

  it('applies a change once for the same requestId sent again, and refuses that id for another change, another expert or another act', async () => {
    const add = async (name: string) => String((await call('POST', '/api/experts', province, { requestId: `expert-${randomUUID()}`, name, email: `${randomUUID()}@experts.example`, fields: ['生态'], region: '520300' })).body.id);
    const id = await add('陈专家');
    const other = await add('褚专家');
    const requestId = `change-${randomUUID()}`;
    const change = { requestId, fields: ['水环境'], reason: '专家本人申请调整领域' };
    const first = await call('PATCH', `/api/experts/${id}`, province, change);
    expect(first).toMatchObject({ status: 200, body: { id, fields: ['水环境'] } });
    // Changed back meanwhile: the retried change answers the expert as it is and is not applied again.
    expect((await call('PATCH', `/api/experts/${id}`, province, { requestId: `change-${randomUUID()}`, fields: ['生态'] })).status).toBe(200);
    const again = await call('PATCH', `/api/experts/${id}`, province, change);
    expect(again).toMatchObject({ status: 200, body: { id, fields: ['生态'] } });
    expect((await applied({ decisionId: requestId })).map((r) => [r.subjectId, r.action])).toEqual([[id, 'expertUpdated']]);
    expect(await applied({ subjectType: 'expert', subjectId: id, action: 'expertUpdated' })).toHaveLength(2);
    // The same id with another change, on another expert, or for an add: 409 naming the conflict.
    for (const [url, method, body] of [
      [`/api/experts/${id}`, 'PATCH', { requestId, fields: ['大气'] }],
      [`/api/experts/${other}`, 'PATCH', change],
      [`/api/experts/${id}`, 'PATCH', { requestId, active: false }],
    ] as const) {
      const refused = await call(method, url, province, body);
      expect(refused.status, JSON.stringify(body)).toBe(409);
      expect((refused.body.error as { message: string }).message).toMatch(/^该编号已用于/);
    }
    expect((await call('GET', '/api/experts', province)).body.experts).toEqual(expect.arrayContaining([expect.objectContaining({ id: other, fields: ['生态'], active: true })]));
    // A change without its requestId is malformed.
    const without = await call('PATCH', `/api/experts/${id}`, province, { fields: ['大气'] });
    expect(without.status).toBe(400);
    expect(JSON.stringify(without.body)).toContain('requestId');
  });

  it('answers a malformed body in Chinese, naming the fields as the form does', async () => {
    const bad = await call('POST', '/api/experts', province, { requestId: `expert-${randomUUID()}`, name: '', email: 'not-an-address', fields: 'x' });
    expect(bad.status).toBe(400);
    const details = (bad.body.error as { details: Array<{ path: string; message: string }> }).details;
    expect(details.map((d) => d.path).sort()).toEqual(['email', 'fields', 'name']);
    for (const d of details) expect(d.message, d.path).toMatch(/^[^A-Za-z]*[\u4e00-\u9fff]/);
    expect(Object.fromEntries(details.map((d) => [d.path, d.message]))).toEqual({ name: '姓名：不能为空', email: '电子邮箱：无效电子邮件', fields: '专业领域：应为列表' });
    expect((bad.body.error as { message: string }).message).toMatch(/^请求内容不符合格式：.*姓名：不能为空/);
  });
});
