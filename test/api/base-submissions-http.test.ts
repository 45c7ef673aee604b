// A base's own submissions over HTTP (issue 15 item 5), on the time-skipping
// server with the API's clock following it:
// - annual summaries (Art. 18) as versions: a correction before the due date
//   (31 January 24:00 CST of the next year) is the year's next version, every
//   version kept and the latest current, one audit row each, a retried one
//   recorded once; after the due date a correction is refused (409, naming
//   the due date) and nothing is recorded; a first submission after it is
//   taken, late;
// - 两山指数 indicator data (Art. 22) only for years that have ended in CST:
//   the current year → 422 naming `year`, last year → 200.
import { randomUUID } from 'node:crypto';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signDevToken } from '../../api/auth';
import { cstDateOf, endOfCstDayMs } from '../../domain/dates';
import { baseWorkflow } from '../../workflows/base';
import type { BaseInput } from '../../workflows/base-messages';
import type { Actor } from '../../workflows/messages';
import type { TestDatabase } from '../support/database';
import { startHarness, TEST_JWT_SECRET, type Harness } from '../support/harness';

let env: TestWorkflowEnvironment;
let database: TestDatabase;
let harness: Harness;
let api: string;
let serverNow = new Date();

const applicant: Actor = { sub: 'applicant-meitan', role: 'applicant', prefecture: '520300' };
const zunyi: Actor = { sub: 'zunyi-officer', role: 'prefectureOfficer', prefecture: '520300' };

beforeAll(async () => {
  harness = await startHarness({ server: 'timeSkipping', name: 'base-submissions-http' });
  ({ env, database } = harness);
  api = await harness.listen({ clock: () => serverNow });
});
afterAll(() => harness?.stop());

type Body = Record<string, unknown>;
interface ErrorBody {
  error: { code: string; message: string; details?: Array<{ field: string; code: string; zh: string }> };
}
async function call(method: string, url: string, actor: Actor, body?: unknown): Promise<{ status: number; body: Body }> {
  serverNow = new Date(await env.currentTimeMs());
  const headers: Record<string, string> = { 'content-type': 'application/json', authorization: `Bearer ${await signDevToken(TEST_JWT_SECRET, actor)}` };
  const res = await fetch(api + url, { method, headers, ...(body !== undefined ? { body: JSON.stringify(body) } : {}) });
  return { status: res.status, body: (await res.json()) as Body };
}

/** Moves the server's clock to `atMs` (absolute). */
async function until(atMs: number): Promise<void> {
  const ms = atMs - (await env.currentTimeMs());
  if (ms > 0) await env.sleep(ms);
}

interface SummaryView {
  year: number;
  version: number;
  corrected: boolean;
  summary: string;
  late: boolean;
  dueAt: string;
  submittedAt: string;
  versions: Array<{ version: number; summary: string; late: boolean; submittedAt: string }>;
}

describe('a base’s summaries and indicator data over HTTP', () => {
  it('summaries are versions corrected until their due date; indicator data only for years that have ended', async () => {
    // After 1 February: last year's summary is past its due date, this year's is not.
    let year = Number(cstDateOf(await env.currentTimeMs()).slice(0, 4));
    if (cstDateOf(await env.currentTimeMs()) < `${year}-02-02`) await until(Date.parse(`${year}-02-02T02:00:00Z`));
    year = Number(cstDateOf(await env.currentTimeMs()).slice(0, 4));
    const input: BaseInput = {
      baseId: randomUUID(),
      unit: { name: '湄潭县', type: 'county', prefectures: ['520300'] },
      applicant: { name: '湄潭县人民政府', contactEmail: 'meitan-base@unit.example', sub: applicant.sub },
      namedOn: `${year - 1}-06-01`,
    };
    const handle = await env.client.workflow.start(baseWorkflow, { taskQueue: harness.taskQueue, workflowId: `base-${input.baseId}`, args: [input] });
    for (let n = 0; n < 100 && !(await database.db.base.findUnique({ where: { id: input.baseId } })); n++) await new Promise((r) => setTimeout(r, 50));
    const id = input.baseId;
    const url = `/api/bases/${id}/annual-summaries`;
    const file = await database.db.file.create({ data: { sha256: '1'.repeat(64), size: 1, contentType: 'application/pdf', originalName: 'summary.pdf', storagePath: 'x', uploadedBy: applicant.sub } });
    const applied = (decisionId: string) => database.db.decision.count({ where: { decisionId, outcome: 'applied', subjectId: id } });
    const versionsOf = (y: number) => database.db.baseSummary.findMany({ where: { baseId: id, year: y }, orderBy: { version: 'asc' } });

    // ---- Indicator data (Art. 22): the current year has not ended → 422 naming `year`; last year → 200.
    const current = await call('POST', `/api/bases/${id}/indicator-data`, applicant, { submissionId: `data-${randomUUID()}`, year, values: { '1': 0.96 } });
    expect(current.status).toBe(422);
    const refusal = current.body as unknown as ErrorBody;
    expect(refusal.error.details).toEqual([expect.objectContaining({ field: 'year', code: 'yearNotEnded' })]);
    expect(refusal.error.message).toContain(`${year}年尚未结束`);
    expect(refusal.error.message).toContain(`现可报送${year - 1}年度的数据`);
    const lastYear = await call('POST', `/api/bases/${id}/indicator-data`, applicant, { submissionId: `data-${randomUUID()}`, year: year - 1, values: { '1': 0.96 } });
    expect(lastYear).toMatchObject({ status: 200, body: { years: [year - 1] } });

    // ---- Last year's summary, past its due date: a first submission is taken, late; its correction is refused.
    const late = { submissionId: `late-${randomUUID()}`, year: year - 1, fileId: file.id, summary: '补交的年度工作总结' };
    expect(await call('POST', url, applicant, late)).toMatchObject({ status: 200, body: { year: year - 1, late: true, version: 1 } });
    const lateFix = { ...late, submissionId: `late-fix-${randomUUID()}`, summary: '逾期后的更正' };
    const closed = await call('POST', url, applicant, lateFix);
    expect(closed.status).toBe(409);
    expect((closed.body as unknown as ErrorBody).error.message).toBe(`${year - 1}年度工作总结已提交，更正截止于${year}年1月31日 24:00（北京时间），现已不能更正`);
    expect(await applied(lateFix.submissionId)).toBe(0);
    expect((await versionsOf(year - 1)).map((v) => v.summary)).toEqual(['补交的年度工作总结']);

    // ---- This year's summary: version 1, then a correction before 31 January next year: version 2, both kept.
    const first = { submissionId: `s1-${randomUUID()}`, year, fileId: file.id, summary: '年度工作总结（初稿）' };
    expect(await call('POST', url, applicant, first)).toMatchObject({ status: 200, body: { year, late: false, version: 1 } });
    const correction = { submissionId: `s2-${randomUUID()}`, year, fileId: file.id, summary: '年度工作总结（更正稿）' };
    expect(await call('POST', url, applicant, correction)).toMatchObject({ status: 200, body: { year, late: false, version: 2 } });
    // Retried (its answer lost): answered from the record, recorded once.
    expect(await call('POST', url, applicant, correction)).toMatchObject({ status: 200, body: { year, late: false, version: 2 } });
    expect(await applied(first.submissionId)).toBe(1);
    expect(await applied(correction.submissionId)).toBe(1);
    const rows = await versionsOf(year);
    expect(rows.map((v) => [v.version, v.summary, v.submissionId, v.late])).toEqual([
      [1, first.summary, first.submissionId, false],
      [2, correction.summary, correction.submissionId, false],
    ]);
    const audit = await database.db.decision.findFirstOrThrow({ where: { decisionId: correction.submissionId, outcome: 'applied' } });
    expect(audit).toMatchObject({ action: 'submitSummary', actorSub: applicant.sub, payload: { year, fileId: file.id, late: false, version: 2 } });
    // The base's workflow took each version once (the retry never reached it).
    const accepted = (await handle.fetchHistory()).events?.filter((e) => e.workflowExecutionUpdateAcceptedEventAttributes?.acceptedRequest?.input?.name === 'submitSummary') ?? [];
    expect(accepted.map((e) => e.workflowExecutionUpdateAcceptedEventAttributes?.protocolInstanceId)).toEqual([late.submissionId, first.submissionId, correction.submissionId]);

    // The base page: per year the current version, with its number and every version's submission time.
    const detail = await call('GET', `/api/bases/${id}`, zunyi);
    const summaries = detail.body.summaries as SummaryView[];
    expect(summaries.map((s) => [s.year, s.version, s.corrected, s.late])).toEqual([[year - 1, 1, false, true], [year, 2, true, false]]);
    const now = summaries[1]!;
    expect(now).toMatchObject({ summary: correction.summary, submittedAt: rows[1]!.submittedAt.toISOString(), dueAt: new Date(endOfCstDayMs(`${year + 1}-01-31`)).toISOString() });
    expect(now.versions).toEqual([
      expect.objectContaining({ version: 1, summary: first.summary, submittedAt: rows[0]!.submittedAt.toISOString() }),
      expect.objectContaining({ version: 2, summary: correction.summary, submittedAt: rows[1]!.submittedAt.toISOString() }),
    ]);
    // The timeline has one act per version.
    expect((detail.body.timeline as Array<{ action: string }>).filter((d) => d.action === 'submitSummary')).toHaveLength(3);

    // An id used for another act is not a summary.
    const reused = await call('POST', url, applicant, { ...correction, submissionId: (await database.db.decision.findFirstOrThrow({ where: { subjectId: id, action: 'submitIndicatorData', outcome: 'applied' } })).decisionId });
    expect(reused.status).toBe(409);

    // ---- After 31 January 24:00 CST of the next year: no more corrections (409, nothing recorded); the retry still answers.
    await until(endOfCstDayMs(`${year + 1}-01-31`) + 3600_000);
    const tooLate = { ...correction, submissionId: `s3-${randomUUID()}`, summary: '截止后的更正' };
    const refused = await call('POST', url, applicant, tooLate);
    expect(refused.status).toBe(409);
    expect((refused.body as unknown as ErrorBody).error.message).toContain(`更正截止于${year + 1}年1月31日 24:00（北京时间）`);
    expect(await applied(tooLate.submissionId)).toBe(0);
    expect(await database.db.decision.count({ where: { subjectId: id, outcome: 'refused', action: 'annualSummary', payload: { path: ['decisionId'], equals: tooLate.submissionId } } })).toBe(1);
    expect((await versionsOf(year)).map((v) => v.version)).toEqual([1, 2]);
    expect(await call('POST', url, applicant, correction)).toMatchObject({ status: 200, body: { year, version: 2 } });
    expect(await applied(correction.submissionId)).toBe(1);
    const after = (await call('GET', `/api/bases/${id}`, applicant)).body.summaries as SummaryView[];
    expect(after.find((s) => s.year === year)).toMatchObject({ version: 2, summary: correction.summary });
  });
});
