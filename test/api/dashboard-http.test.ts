// GET /api/dashboard over HTTP (issue 17.4): a small province seeded straight
// into the read model (three prefectures, bases in each status, tasks overdue,
// due soon and beyond the horizon, indicator data with stored 两山指数
// verdicts), then the exact figures for the province, for 遵义市 as its own
// officer sees it, for a county, and the scope refusals.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signDevToken } from '../../api/auth';
import { addMonths, countyOfUnitName, dashboardHorizons } from '../../domain/dashboard';
import { buildCalendar } from '../../domain/calendar-defaults';
import { postEvaluationSchedule, titleTerm } from '../../domain/deadlines';
import type { Actor } from '../../workflows/messages';
import { startHarness, TEST_JWT_SECRET, type Harness } from '../support/harness';
import { verdictLine } from '../../domain/ls-index/verdict-line';

let harness: Harness;
let api: string;
/** A Wednesday; March 2027 has no holiday, so 10 working days from it end on Wednesday 24 March. */
const NOW = new Date('2027-03-10T10:00:00+08:00');

const province: Actor = { sub: 'province-officer', role: 'provinceOfficer' };
const zunyi: Actor = { sub: 'zunyi-officer', role: 'prefectureOfficer', prefecture: '520300' };
const applicant: Actor = { sub: 'applicant-chishui', role: 'applicant', prefecture: '520300' };

type Body = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
async function get(url: string, actor: Actor): Promise<{ status: number; body: Body }> {
  const res = await fetch(api + url, { headers: { authorization: `Bearer ${await signDevToken(TEST_JWT_SECRET, actor)}` } });
  return { status: res.status, body: (await res.json()) as Body };
}

const verdicts = (pairs: Record<string, 'met' | 'notMet' | 'noData'>, custom: Record<string, 'met' | 'notMet'> = {}) => ({
  indicators: [
    ...Object.entries(pairs).map(([id, result]) => ({ id, result, reasonZh: '测试', custom: false })),
    ...Object.entries(custom).map(([id, result]) => ({ id, result, reasonZh: '测试', custom: true })),
  ],
});

async function seedProvince(): Promise<void> {
  const db = harness.database.db;
  const base = (id: string, unitName: string, prefectures: string[], status: string, termStartsOn: string, termEndsOn: string) => ({
    id, workflowId: `base-${id}`, unitName, unitType: 'county', prefectures, applicantSub: `applicant-${id}`, contactEmail: `${id}@unit.example`,
    status, namedOn: termStartsOn, termStartsOn, termEndsOn,
  });
  await db.base.createMany({
    data: [
      base('b1', '赤水市', ['520300'], 'named', '2024-07-01', '2027-06-30'),
      base('b2', '湄潭县兴隆镇', ['520300'], 'warned', '2026-01-02', '2029-01-01'),
      base('b3', '遵义市生态园区', ['520300'], 'revoked', '2024-05-02', '2027-05-01'),
      base('b4', '清镇市', ['520100'], 'underRectification', '2024-05-01', '2027-04-30'),
      base('b5', '七星关区', ['520500'], 'named', '2026-01-01', '2028-12-31'),
      base('b6', '赤水河流域', ['520300', '520500'], 'renewed', '2024-09-01', '2027-08-31'),
    ],
  });
  const app = (id: string, year: number, stage: string, unitName: string, prefectures: string[]) => ({
    id, workflowId: `application-${id}`, year, unitName, unitType: 'county', prefectures, applicantName: `${unitName}人民政府`, applicantSub: `applicant-${id}`,
    contactEmail: `${id}@unit.example`, materials: [], stage, submittedAt: new Date('2027-02-01T02:00:00Z'),
  });
  await db.application.createMany({
    data: [
      app('a1', 2027, 'prefectureReview', '仁怀市', ['520300']),
      app('a2', 2027, 'prefectureReview', '开阳县', ['520100']),
      app('a3', 2026, 'rejected', '赤水市', ['520300']),
      app('a4', 2027, 'expertReview', '赤水河流域', ['520300', '520500']),
    ],
  });
  const task = (id: string, subjectType: string, subjectId: string, step: string, role: string, prefecture: string | null, dueAt: string, status = 'open') => ({
    id, workflowId: `${subjectType}-${subjectId}`, subjectType, subjectId, applicationId: subjectType === 'application' ? subjectId : null,
    step, role, prefecture, dueAt: new Date(dueAt), status,
  });
  await db.task.createMany({
    data: [
      task('t1', 'application', 'a1', 'prefectureReview', 'prefectureOfficer', '520300', '2027-03-05T16:00:00Z'),
      task('t2', 'application', 'a2', 'prefectureReview', 'prefectureOfficer', '520100', '2027-03-20T16:00:00Z'),
      // Due at 24:00 on the 10th working day: still due soon; the next one is beyond.
      task('t3', 'application', 'a4', 'expertAssignment', 'provinceOfficer', null, '2027-03-24T16:00:00Z'),
      task('t4', 'application', 'a1', 'prefectureReview', 'prefectureOfficer', '520300', '2027-03-25T16:00:00Z'),
      task('t5', 'base', 'b4', 'postEvaluation', 'provinceOfficer', null, '2027-03-01T16:00:00Z'),
      task('t6', 'application', 'a1', 'prefectureNotice.open', 'prefectureOfficer', '520300', '2027-03-01T16:00:00Z', 'done'),
      task('t7', 'base', 'b1', 'annualSummary.2026', 'prefectureOfficer', '520300', '2027-03-11T16:00:00Z'),
    ],
  });
  const data = (baseId: string, year: number, value: number, submittedAt: string, evaluation: unknown) => ({
    baseId, year, values: { values: { '1': value, '16': year % 2 === 0 } }, evaluation: evaluation as object, verdicts: verdictLine(evaluation), submittedBy: `applicant-${baseId}`, submittedAt: new Date(submittedAt),
  });
  await db.baseIndicatorData.createMany({
    data: [
      data('b1', 2025, 0.9, '2026-01-10T02:00:00Z', verdicts({ '1': 'met', '2': 'met' })),
      // The latest submission of the term carries the term's evaluation as it stands.
      data('b1', 2026, 0.92, '2027-01-15T02:00:00Z', verdicts({ '1': 'met', '2': 'notMet', '3': 'noData' }, { c1: 'met' })),
      data('b2', 2026, 0.8, '2027-01-20T02:00:00Z', verdicts({ '1': 'notMet', '2': 'met' })),
      // Before b2's term: not its current evaluation, though submitted last.
      data('b2', 2023, 0.5, '2027-02-01T02:00:00Z', verdicts({ '1': 'met', '2': 'met' })),
      // A revoked base: in the trends (data reported), not in the heat table (no title).
      data('b3', 2026, 0.7, '2027-01-05T02:00:00Z', verdicts({ '1': 'met' })),
    ],
  });
}

beforeAll(async () => {
  harness = await startHarness({ server: 'timeSkipping', name: 'dashboard-http' });
  api = await harness.listen({ clock: () => NOW });
  await seedProvince();
});
afterAll(() => harness?.stop());

const cell = (row: Body, indicator: string) => row.cells.find((c: Body) => c.indicator === indicator);

describe('the dashboard over HTTP', () => {
  it('states its horizons by the working-day calendar and the post-evaluation schedule', () => {
    const h = dashboardHorizons(buildCalendar(), '2027-03-10');
    expect(h).toMatchObject({ dueSoonDate: '2027-03-24', dueSoonBy: '2027-03-24T16:00:00.000Z', lookaheadUntil: '2027-09-10' });
    // A term ending on evaluationOpensByTermEnd has its post-evaluation opening exactly at the lookahead's end.
    expect(postEvaluationSchedule(titleTerm('2024-12-09')).opensOn).toBe(addMonths('2027-03-10', 6));
    expect(titleTerm('2024-12-09').endsOn).toBe(h.evaluationOpensByTermEnd);
    expect(addMonths('2026-08-31', 6)).toBe('2027-02-28');
    expect(countyOfUnitName('湄潭县兴隆镇', '520300')).toBe('520328');
    expect(countyOfUnitName('赤水河流域', '520300')).toBeNull();
  });

  it('gives the province its exact figures, by prefecture', async () => {
    const { status, body } = await get('/api/dashboard', province);
    expect(status).toBe(200);
    expect(body.scope).toEqual({ prefecture: null, county: null, zh: '全省', breakdown: 'prefecture' });
    expect(body.applications).toEqual([
      { year: 2027, stage: 'expertReview', stageZh: '核查评估：专家资料审核和实地核查', count: 1 },
      { year: 2027, stage: 'prefectureReview', stageZh: '市（州）预审', count: 2 },
      { year: 2026, stage: 'rejected', stageZh: '未通过', count: 1 },
    ]);
    expect(Object.fromEntries(body.bases.map((b: Body) => [b.status, b.count]))).toEqual({ named: 2, warned: 1, revoked: 1, underRectification: 1, renewed: 1 });
    expect(Object.fromEntries(body.tasks.map((t: Body) => [t.officeZh, [t.overdue, t.dueSoon]]))).toEqual({
      贵州省生态环境厅: [1, 1], 遵义市生态环境局: [1, 1], 贵阳市生态环境局: [0, 1],
    });
    // Lapsing by 10 September: 赤水市, 清镇市, 赤水河流域 (the revoked one holds no title). The open post-evaluation is 清镇市's;
    // opening by then: 赤水市 (2 April) and 赤水河流域 (3 June).
    expect(body.titles).toEqual({ lapsing: 3, evaluationsOpen: 1, evaluationsOpening: 2 });
    const areas = Object.fromEntries(body.areas.map((a: Body) => [a.zh, a]));
    expect(areas['遵义市']).toMatchObject({ key: '520300', bases: 4, held: 3, lapsing: 2, evaluationsOpen: 0, evaluationsOpening: 2, overdueTasks: 0 });
    expect(areas['毕节市']).toMatchObject({ bases: 2, held: 2, lapsing: 1, evaluationsOpening: 1 });
    expect(areas['贵阳市']).toMatchObject({ bases: 1, held: 1, lapsing: 1, evaluationsOpen: 1, overdueTasks: 1 });

    // The heat table: 遵义市 holds three titles, two with verdicts (赤水市's latest: 1 met, 2 not met; 湄潭县's in-term: 1 not met, 2 met).
    expect(body.heat.indicators).toHaveLength(20);
    const heat = Object.fromEntries(body.heat.rows.map((r: Body) => [r.zh, r]));
    expect(heat['遵义市']).toMatchObject({ held: 3, evaluated: 2 });
    expect(cell(heat['遵义市'], '1')).toEqual({ indicator: '1', met: 1, notMet: 1, noData: 1 });
    expect(cell(heat['遵义市'], '2')).toEqual({ indicator: '2', met: 1, notMet: 1, noData: 1 });
    expect(cell(heat['遵义市'], '3')).toEqual({ indicator: '3', met: 0, notMet: 0, noData: 3 });
    expect(cell(heat['毕节市'], '1')).toEqual({ indicator: '1', met: 0, notMet: 0, noData: 2 });

    // Trends: the mean of what the bases reported, per year.
    const trend = body.trends.find((t: Body) => t.indicator === '1');
    expect(trend.points.map((p: Body) => [p.year, Number(p.mean.toFixed(4)), p.bases])).toEqual([[2023, 0.5, 1], [2025, 0.9, 1], [2026, 0.8067, 3]]);
    expect(body.trends.find((t: Body) => t.indicator === '16').points.map((p: Body) => [p.year, p.mean])).toEqual([[2023, 0], [2025, 0], [2026, 1]]);
  });

  it('gives a prefecture officer their own prefecture, by county, and refuses another', async () => {
    const { status, body } = await get('/api/dashboard', zunyi);
    expect(status).toBe(200);
    expect(body.scope).toEqual({ prefecture: '520300', county: null, zh: '遵义市', breakdown: 'county' });
    expect(Object.fromEntries(body.bases.map((b: Body) => [b.status, b.count]))).toEqual({ named: 1, warned: 1, revoked: 1, renewed: 1 });
    expect(body.applications.map((a: Body) => [a.year, a.stage, a.count])).toEqual([[2027, 'expertReview', 1], [2027, 'prefectureReview', 1], [2026, 'rejected', 1]]);
    // Tasks on 遵义市's subjects, whoever holds them: the province's on the cross-prefecture application too.
    expect(Object.fromEntries(body.tasks.map((t: Body) => [t.officeZh, [t.overdue, t.dueSoon]]))).toEqual({ 贵州省生态环境厅: [0, 1], 遵义市生态环境局: [1, 1] });
    expect(body.titles).toEqual({ lapsing: 2, evaluationsOpen: 0, evaluationsOpening: 2 });
    expect(body.areas.map((a: Body) => [a.zh, a.bases, a.held])).toEqual([['未对应到县（市、区）', 2, 1], ['湄潭县', 1, 1], ['赤水市', 1, 1]]);
    expect((await get('/api/dashboard?prefecture=520300', zunyi)).status).toBe(200);
    const other = await get('/api/dashboard?prefecture=520100', zunyi);
    expect(other.status).toBe(403);
    expect(other.body.error.message).toContain('贵阳市不在您所在市（州）的管辖范围内');
    expect((await get('/api/dashboard?county=520181', zunyi)).status).toBe(403);
    expect((await get('/api/dashboard', applicant)).status).toBe(403);
  });

  it('drills down to a county and its bases', async () => {
    const { status, body } = await get('/api/dashboard?county=520381', province);
    expect(status).toBe(200);
    expect(body.scope).toEqual({ prefecture: '520300', county: '520381', zh: '遵义市 赤水市', breakdown: 'base' });
    expect(body.areas).toEqual([{ key: 'b1', zh: '赤水市', bases: 1, held: 1, lapsing: 1, evaluationsOpen: 0, evaluationsOpening: 1, overdueTasks: 0 }]);
    expect(body.heat.rows).toHaveLength(1);
    expect(cell(body.heat.rows[0], '2')).toEqual({ indicator: '2', met: 0, notMet: 1, noData: 0 });
    expect(body.tasks.map((t: Body) => [t.officeZh, t.overdue, t.dueSoon])).toEqual([['遵义市生态环境局', 0, 1]]);
    // A county outside the prefecture named is a 422 naming the field; a malformed code a 400.
    const outside = await get('/api/dashboard?prefecture=520300&county=520111', province);
    expect(outside.status).toBe(422);
    expect(outside.body.error.message).toContain('county');
    expect((await get('/api/dashboard?prefecture=52', province)).status).toBe(400);
    expect((await get('/api/dashboard?prefecture=529900', province)).status).toBe(422);
  });
});
