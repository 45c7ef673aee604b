// The unit's terrain given with its indicator data (issue 16): a base whose
// application did not give its terrain cannot have indicator 7 (林草覆盖率)
// evaluated, its target depending on the terrain (Art. 22). POST
// /api/bases/:id/indicator-data takes `terrain` when none is on record: it is
// recorded with the act (audited, in its payload) and evaluates the year; a
// terrain on record is not changed this way (409 when another is sent,
// nothing recorded); an unknown terrain is 400 naming the field. On the
// time-skipping server with the real worker and PostgreSQL.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signDevToken } from '../../api/auth';
import { cstDateOf } from '../../domain/dates';
import type { Actor } from '../../workflows/messages';
import { startNamedBase } from '../support/console-session';
import { startHarness, TEST_JWT_SECRET, type Harness } from '../support/harness';

let harness: Harness;
let api: string;
let serverNow = new Date();
const applicant = { sub: 'applicant-suiyang', role: 'applicant', prefecture: '520300', name: '绥阳县人民政府', email: 'gov@suiyang.example' } satisfies Actor;

beforeAll(async () => {
  harness = await startHarness({ server: 'timeSkipping', name: 'indicator-terrain-http' });
  api = await harness.listen({ clock: () => serverNow });
});
afterAll(() => harness?.stop());

async function call(method: string, url: string, body?: unknown): Promise<{ status: number; body: Record<string, unknown> }> {
  serverNow = new Date(await harness.env.currentTimeMs());
  const headers = { 'content-type': 'application/json', authorization: `Bearer ${await signDevToken(TEST_JWT_SECRET, applicant)}` };
  const res = await fetch(api + url, { method, headers, ...(body !== undefined ? { body: JSON.stringify(body) } : {}) });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

describe('the unit’s terrain with its indicator data', () => {
  it('is recorded once when missing, never changed this way, and evaluates indicator 7', async () => {
    const year = Number(cstDateOf(await harness.env.currentTimeMs()).slice(0, 4));
    // Named last year: last year's data may be reported (a year that has ended).
    const id = await startNamedBase(harness, applicant, { name: '绥阳县', prefecture: '520300', terrain: null }, `${year - 1}-06-01`);
    const url = `/api/bases/${id}/indicator-data`;
    const db = harness.database.db;
    const indicator7 = async () => ((await call('GET', `/api/bases/${id}/evaluation`)).body.evaluation as { indicators: Array<{ id: string; result: string; reasonZh: string }> }).indicators.find((i) => i.id === '7');

    // Without a terrain: taken, indicator 7 has no target to meet.
    expect((await call('POST', url, { submissionId: `t0-${randomUUID()}`, year: year - 1, values: { '7': 0.5 } })).status).toBe(200);
    expect(await indicator7()).toMatchObject({ result: 'noData' });

    // An unknown terrain: 400 naming the field, nothing recorded.
    const unknown = await call('POST', url, { submissionId: `t1-${randomUUID()}`, year: year - 1, values: { '7': 0.5 }, terrain: 'volcano' });
    expect(unknown.status).toBe(400);
    expect(JSON.stringify(unknown.body)).toContain('terrain');

    // Given with the data: recorded with the act and on the unit; 50% meets a hill's 40%.
    const given = { submissionId: `t2-${randomUUID()}`, year: year - 1, values: { '7': 0.5 }, terrain: 'hill' };
    expect((await call('POST', url, given)).status).toBe(200);
    expect((await db.application.findUniqueOrThrow({ where: { id } })).terrain).toBe('hill');
    expect((await db.decision.findFirstOrThrow({ where: { decisionId: given.submissionId, outcome: 'applied' } })).payload).toMatchObject({ year: year - 1, terrain: 'hill' });
    expect(await indicator7()).toMatchObject({ result: 'met' });
    expect((await call('GET', `/api/bases/${id}`)).body.unit).toMatchObject({ terrain: 'hill' });
    // Sent again (its answer lost): applied once.
    expect((await call('POST', url, given)).status).toBe(200);
    expect(await db.decision.count({ where: { decisionId: given.submissionId, outcome: 'applied' } })).toBe(1);

    // On record now: another terrain is refused, naming the one on record; the same one is accepted as it is.
    const other = { submissionId: `t3-${randomUUID()}`, year: year - 1, values: { '7': 0.5 }, terrain: 'mountain' };
    const refused = await call('POST', url, other);
    expect(refused).toMatchObject({ status: 409, body: { error: { message: '建设单元的地形已登记为丘陵区，不能随指标数据更改' } } });
    expect(await db.decision.count({ where: { decisionId: other.submissionId, outcome: 'applied' } })).toBe(0);
    expect((await call('POST', url, { ...other, submissionId: `t4-${randomUUID()}`, terrain: 'hill' })).status).toBe(200);
    expect((await db.application.findUniqueOrThrow({ where: { id } })).terrain).toBe('hill');
  });
});
