// The base routes over HTTP (/api/bases...): scoped list and detail (out of
// scope → 404), annual summary with an uploaded file, indicator data checked
// per indicator and the 两山指数 evaluation with a reason per indicator,
// decisions as Updates with the same refusals as applications (403/409/422),
// a retried decisionId answering the same result, and a revocation.
import { randomUUID } from 'node:crypto';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signDevToken } from '../../api/auth';
import { cstDateOf } from '../../domain/dates';
import { postEvaluationSchedule, titleTerm } from '../../domain/deadlines';
import { baseWorkflow } from '../../workflows/base';
import type { BaseInput } from '../../workflows/base-messages';
import type { Actor } from '../../workflows/messages';
import type { TestDatabase } from '../support/database';
import { deliberation, uploadedGraveRecords, uploadPdf } from '../support/grave-acts';
import { startHarness, TEST_JWT_SECRET, type Harness } from '../support/harness';

let env: TestWorkflowEnvironment;
let database: TestDatabase;
let harness: Harness;
let api: string;
let serverNow = new Date();

const province: Actor = { sub: 'province-officer', role: 'provinceOfficer' };
const zunyi: Actor = { sub: 'zunyi-officer', role: 'prefectureOfficer', prefecture: '520300' };
const bijie: Actor = { sub: 'bijie-officer', role: 'prefectureOfficer', prefecture: '520500' };
const applicant: Actor = { sub: 'applicant-chishui', role: 'applicant', prefecture: '520300' };
const stranger: Actor = { sub: 'applicant-other', role: 'applicant', prefecture: '520300' };

beforeAll(async () => {
  harness = await startHarness({ server: 'timeSkipping', name: 'bases-http' });
  ({ env, database } = harness);
  api = await harness.listen({ clock: () => serverNow });
});
afterAll(() => harness?.stop());

type Body = Record<string, unknown>;
async function call(method: string, url: string, actor: Actor, body?: unknown): Promise<{ status: number; body: Body }> {
  serverNow = new Date(await env.currentTimeMs());
  const headers: Record<string, string> = { 'content-type': 'application/json', authorization: `Bearer ${await signDevToken(TEST_JWT_SECRET, actor)}` };
  const res = await fetch(api + url, { method, headers, ...(body !== undefined ? { body: JSON.stringify(body) } : {}) });
  return { status: res.status, body: (await res.json()) as Body };
}

describe('bases over HTTP', () => {
  it('lists, shows, takes summaries, indicator data and decisions, in scope only', async () => {
    // Named last year: a year that has ended, to report indicator data on (Art. 22).
    const today = cstDateOf(await env.currentTimeMs());
    const namedOn = `${Number(today.slice(0, 4)) - 1}-12-01`;
    const input: BaseInput = {
      baseId: randomUUID(),
      unit: { name: '赤水市', type: 'county', prefectures: ['520300'] },
      applicant: { name: '赤水市人民政府', contactEmail: 'chishui-base@unit.example', sub: applicant.sub },
      namedOn,
    };
    const handle = await env.client.workflow.start(baseWorkflow, { taskQueue: harness.taskQueue, workflowId: `base-${input.baseId}`, args: [input] });
    for (let n = 0; n < 100 && !(await database.db.base.findUnique({ where: { id: input.baseId } })); n++) await new Promise((r) => setTimeout(r, 50));
    const id = input.baseId;

    // What cannot be done yet is said in advance, with the rule's own reason: no post-evaluation before it opens, no renewal without a pass.
    const fresh = await call('GET', `/api/bases/${id}`, province);
    expect(fresh.body.actionsBlocked).toEqual([
      { action: 'concludeEvaluation', zh: '该基地称号未满3年或后评估尚未开始' },
      { action: 'renew', zh: '只有后评估通过的基地可以续期' },
    ]);
    expect((await call('POST', `/api/bases/${id}/decisions`, province, { decisionId: `web-${randomUUID()}`, action: 'renew' })).body).toMatchObject({ error: { message: expect.stringContaining('只有后评估通过的基地可以续期') } });

    // Scope: the province and the base's prefecture see it; another prefecture and another applicant do not.
    expect((await call('GET', '/api/bases', province)).body.bases).toEqual([expect.objectContaining({ id, status: 'named', namedOn, termNo: 1 })]);
    expect((await call('GET', '/api/bases', zunyi)).body.bases).toHaveLength(1);
    expect((await call('GET', '/api/bases', bijie)).body.bases).toHaveLength(0);
    expect((await call('GET', `/api/bases/${id}`, bijie)).status).toBe(404);
    expect((await call('GET', `/api/bases/${id}`, stranger)).status).toBe(404);

    // Annual summary with a file the applicant uploaded; visible to the prefecture.
    const file = await database.db.file.create({ data: { sha256: '0'.repeat(64), size: 1, contentType: 'application/pdf', originalName: 'summary.pdf', storagePath: 'x', uploadedBy: applicant.sub } });
    // The current year may be summarised before it ends; indicator data only for a year that has ended (last year).
    const year = Number(today.slice(0, 4));
    const dataYear = year - 1;
    expect(await call('POST', `/api/bases/${id}/annual-summaries`, applicant, { submissionId: 'summary-not-mine', year, fileId: 'not-mine', summary: '总结' })).toMatchObject({ status: 422 });
    expect(await call('POST', `/api/bases/${id}/annual-summaries`, applicant, { submissionId: 'summary-1', year, fileId: file.id, summary: '年度工作总结' })).toMatchObject({ status: 200, body: { year, late: false, version: 1 } });
    expect(await call('POST', `/api/bases/${id}/annual-summaries`, applicant, { submissionId: 'summary-future', year: year + 5, fileId: file.id, summary: '未来' })).toMatchObject({ status: 422 });
    expect((await call('GET', `/api/bases/${id}`, zunyi)).body.summaries).toEqual([expect.objectContaining({ year, fileId: file.id, late: false, version: 1, corrected: false })]);

    // Indicator data: every problem listed; valid data gives an evaluation with a reason per indicator.
    const bad = await call('POST', `/api/bases/${id}/indicator-data`, applicant, { submissionId: 'data-bad', year: dataYear, values: { '1': 93, '16': 'yes', '99': 1 } });
    expect(bad.status).toBe(422);
    expect(JSON.stringify(bad.body)).toContain('values.16');
    // Years are CST years from the naming to the last that has ended: this year and the next are refused.
    expect(await call('POST', `/api/bases/${id}/indicator-data`, applicant, { submissionId: 'data-next-year', year: year + 1, values: { '1': 0.96 } })).toMatchObject({ status: 422 });
    expect(await call('POST', `/api/bases/${id}/indicator-data`, applicant, { submissionId: 'data-this-year', year, values: { '1': 0.96 } })).toMatchObject({ status: 422 });
    expect((await call('POST', `/api/bases/${id}/indicator-data`, province, { submissionId: 'data-province', year: dataYear, values: { '1': 0.96 } })).status).toBe(403);
    const upload = { submissionId: 'data-1', year: dataYear, values: { '1': 0.96, '16': true }, provincialAverages: { '1': 0.95 } };
    const good = await call('POST', `/api/bases/${id}/indicator-data`, applicant, upload);
    expect(good.status).toBe(200);
    // The same upload retried (its answer lost) is recorded once, through the base's workflow.
    expect(await call('POST', `/api/bases/${id}/indicator-data`, applicant, upload)).toMatchObject({ status: 200, body: { years: [dataYear] } });
    expect(await database.db.decision.count({ where: { decisionId: 'data-1', outcome: 'applied', action: 'submitIndicatorData', subjectId: id } })).toBe(1);
    expect(await database.db.baseIndicatorData.count({ where: { baseId: id } })).toBe(1);
    const history = await handle.fetchHistory();
    expect(history.events?.filter((e) => e.workflowExecutionUpdateAcceptedEventAttributes?.acceptedRequest?.input?.name === 'submitIndicatorData')).toHaveLength(1);
    const evaluation = await call('GET', `/api/bases/${id}/evaluation`, province);
    const indicators = (evaluation.body.evaluation as { indicators: Array<{ id: string; result: string; reasonZh: string }> }).indicators;
    expect(indicators.length).toBeGreaterThanOrEqual(20);
    for (const i of indicators) expect(i.reasonZh.length).toBeGreaterThan(0);

    // Decisions: roles, rules and payloads as for applications.
    expect((await call('POST', `/api/bases/${id}/decisions`, province, { decisionId: `web-${randomUUID()}`, action: 'concludeEvaluation', outcome: 'pass' })).status).toBe(409);
    // Once the post-evaluation opens, the conclusion records the evaluation it was taken on.
    await env.sleep(Date.parse(postEvaluationSchedule(titleTerm(namedOn)).opensAt) + 3600_000 - (await env.currentTimeMs()));
    // The basis is the server's: a client's is refused as a field the action does not take (400, strict input).
    const forged = await call('POST', `/api/bases/${id}/decisions`, province, { decisionId: `web-${randomUUID()}`, action: 'concludeEvaluation', outcome: 'pass', evaluationBasis: 'forged' });
    expect(forged).toMatchObject({ status: 400, body: { error: { message: '不认识的字段：evaluationBasis' } } });
    const concluded = await call('POST', `/api/bases/${id}/decisions`, province, { decisionId: `web-${randomUUID()}`, action: 'concludeEvaluation', outcome: 'pass' });
    expect(concluded).toMatchObject({ status: 200, body: { stage: 'named' } });
    const conclusion = ((await call('GET', `/api/bases/${id}`, province)).body.timeline as Array<{ action: string; payload: Record<string, unknown> }>).find((d) => d.action === 'concludeEvaluation');
    expect(conclusion?.payload).toMatchObject({ outcome: 'pass', evaluationBasis: { years: [dataYear], overall: { met: expect.any(Number) }, notMet: expect.any(Array) } });

    // Grave acts rest on a deliberation and the evidence their ground names (Art. 16, 24): without them, 422 listing each.
    const provinceToken = await signDevToken(TEST_JWT_SECRET, province);
    const records1 = await uploadedGraveRecords(api, provinceToken, 1);
    const decisionId = `web-${randomUUID()}`;
    expect((await call('POST', `/api/bases/${id}/decisions`, zunyi, { decisionId: `web-${randomUUID()}`, action: 'warn', ground: 1, reason: '督察发现问题', ...records1 })).status).toBe(403);
    expect((await call('POST', `/api/bases/${id}/decisions`, province, { decisionId: `web-${randomUUID()}`, action: 'warn', ground: 9, reason: 'x', ...records1 })).status).toBe(422);
    expect((await call('POST', `/api/bases/${id}/decisions`, province, { decisionId: `web-${randomUUID()}`, action: 'revoke', ground: 6, reason: 'x', ...deliberation(records1.minutesFileId) })).status).toBe(409);
    const bare = await call('POST', `/api/bases/${id}/decisions`, province, { decisionId: `web-${randomUUID()}`, action: 'revoke', ground: 1, reason: '测试' });
    expect(bare.status).toBe(422);
    expect(((bare.body.error as Body).details as Array<{ field: string }>).map((p) => p.field)).toEqual(['deliberationBody', 'deliberationDate', 'minutesFileId', 'evidenceTitle', 'evidenceDate', 'evidenceFileIds']);
    // Files must be the province's own: minutes uploaded by the county itself are refused, naming the field.
    const countyFile = await uploadPdf(api, await signDevToken(TEST_JWT_SECRET, applicant), '自行上传的纪要');
    const foreign = await call('POST', `/api/bases/${id}/decisions`, province, { decisionId: `web-${randomUUID()}`, action: 'warn', ground: 1, reason: '督察发现问题', ...records1, minutesFileId: countyFile });
    expect(foreign.status).toBe(422);
    expect(((foreign.body.error as Body).details as Array<{ field: string; code: string }>).map((p) => [p.field, p.code])).toEqual([['minutesFileId.0', 'notOfficerFile']]);
    const missingFile = await call('POST', `/api/bases/${id}/decisions`, province, { decisionId: `web-${randomUUID()}`, action: 'warn', ground: 1, reason: '督察发现问题', ...records1, evidenceFileIds: ['no-such-file'] });
    expect(((missingFile.body.error as Body).details as Array<{ code: string }>).map((p) => p.code)).toEqual(['unknownFile']);
    expect(await database.db.decision.count({ where: { subjectId: id, action: 'warn', outcome: 'applied' } })).toBe(0);

    const warned = await call('POST', `/api/bases/${id}/decisions`, province, { decisionId, action: 'warn', ground: 1, reason: '中央生态环境保护督察发现重大问题', ...records1 });
    expect(warned).toMatchObject({ status: 200, body: { stage: 'warned' } });
    expect(await call('POST', `/api/bases/${id}/decisions`, province, { decisionId, action: 'warn', ground: 1, reason: '中央生态环境保护督察发现重大问题', ...records1 })).toMatchObject({ status: 200, body: { stage: 'warned' } });
    // Art. 6 「原则上」: a warned base is recommended only with a written exception reason, which the audit entry keeps.
    const notRecommended = await call('POST', `/api/bases/${id}/decisions`, province, { decisionId: `web-${randomUUID()}`, action: 'recommendNational' });
    expect(notRecommended).toMatchObject({ status: 409, body: { error: { message: expect.stringContaining('须写明例外推荐的理由') } } });
    const exception = { decisionId: `web-${randomUUID()}`, action: 'recommendNational', exceptionReason: '整改成效突出，经厅务会研究例外推荐' };
    expect(await call('POST', `/api/bases/${id}/decisions`, province, exception)).toMatchObject({ status: 200, body: { stage: 'warned' } });
    expect((await database.db.decision.findFirstOrThrow({ where: { decisionId: exception.decisionId } })).payload).toMatchObject({ exceptionReason: exception.exceptionReason });

    const records4 = await uploadedGraveRecords(api, provinceToken, 4);
    const revoked = await call('POST', `/api/bases/${id}/decisions`, province, { decisionId: `web-${randomUUID()}`, action: 'revoke', ground: 4, reason: '发生重大突发环境事件', ...records4 });
    expect(revoked).toMatchObject({ status: 200, body: { stage: 'revoked' } });
    expect(await handle.result()).toMatchObject({ status: 'revoked' });
    const detail = await call('GET', `/api/bases/${id}`, applicant);
    expect(detail.body).toMatchObject({ status: 'revoked', endReason: '发生重大突发环境事件' });
    // The county sees each act's ground, deliberation and evidence, the files by name.
    expect(detail.body.graveActs).toEqual([
      expect.objectContaining({ action: 'warn', groundZh: expect.stringContaining('第二十四条第（一）项'), deliberation: { body: '厅务会', date: '2026-01-05', minutes: { fileId: records1.minutesFileId, name: '厅务会审议纪要.pdf' } }, evidence: expect.objectContaining({ files: [expect.objectContaining({ name: '依据文件一.pdf' })] }) }),
      expect.objectContaining({ action: 'revoke', groundZh: expect.stringContaining('第二十四条第（四）项'), evidence: expect.objectContaining({ title: expect.stringContaining('事件的名称及定级') }) }),
    ]);
    // Every act of record on the base is on its timeline: the submissions as well as the decisions.
    expect((detail.body.timeline as Array<{ action: string }>).map((d) => d.action)).toEqual(['submitSummary', 'submitIndicatorData', 'concludeEvaluation', 'warn', 'recommendNational', 'revoke']);
    expect((await call('POST', `/api/bases/${id}/annual-summaries`, applicant, { submissionId: 'summary-after-revocation', year, fileId: file.id, summary: '再交' })).status).toBe(409);
  });
});
