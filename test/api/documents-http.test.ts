// The documents over real HTTP (issue 17.3): the API and a worker against the
// Temporal time-skipping server, a real PostgreSQL and SMTP. A notice and a
// base are started as their workflows (the application workflow starts them
// as children); indicator data and the post-evaluation's conclusion go
// through the API. Each document is fetched as PDF and as Word, and its text
// read back: the PDF with pdf-parse, the Word file from its word/document.xml.
import { randomUUID } from 'node:crypto';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { PDFParse } from 'pdf-parse';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signDevToken } from '../../api/auth';
import { cstDateOf, formatCstDateZh, formatCstInstantZh } from '../../domain/dates';
import { postEvaluationSchedule, titleTerm } from '../../domain/deadlines';
import { INDICATORS } from '../../domain/ls-index/catalogue';
import { baseWorkflow } from '../../workflows/base';
import type { BaseInput } from '../../workflows/base-messages';
import type { Actor } from '../../workflows/messages';
import { noticeWorkflow } from '../../workflows/notice';
import type { NoticeInput } from '../../workflows/notice-messages';
import type { TestDatabase } from '../support/database';
import { docxText } from '../support/docx-text';
import { until } from '../support/eventually';
import { startHarness, TEST_JWT_SECRET, type Harness } from '../support/harness';

let env: TestWorkflowEnvironment;
let database: TestDatabase;
let harness: Harness;
let api: string;
let serverNow = new Date();

const province: Actor = { sub: 'province-1', role: 'provinceOfficer' };
const zunyi: Actor = { sub: 'zunyi-1', role: 'prefectureOfficer', prefecture: '520300' };
const bijie: Actor = { sub: 'bijie-1', role: 'prefectureOfficer', prefecture: '520500' };
const applicant: Actor = { sub: 'applicant-chishui', role: 'applicant', prefecture: '520300' };

const PDF = 'application/pdf';
const DOCX = 'application/vnd.openxmlformats-officedocument.wordprocessingml.document';

beforeAll(async () => {
  harness = await startHarness({ server: 'timeSkipping', name: 'documents-http' });
  ({ env, database } = harness);
  api = await harness.listen({ clock: () => serverNow });
});
afterAll(() => harness?.stop());

async function send(method: string, url: string, actor?: Actor, body?: unknown): Promise<Response> {
  serverNow = new Date(await env.currentTimeMs());
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (actor) headers.authorization = `Bearer ${await signDevToken(TEST_JWT_SECRET, actor)}`;
  return fetch(api + url, { method, headers, ...(body !== undefined ? { body: JSON.stringify(body) } : {}) });
}

/** A document as a client gets it: status, type, file name, and its text (whitespace removed: the PDF wraps lines where it must). */
async function download(url: string, actor?: Actor): Promise<{ status: number; type: string | null; disposition: string | null; text: string }> {
  const res = await send('GET', url, actor);
  const bytes = Buffer.from(await res.arrayBuffer());
  const type = res.headers.get('content-type');
  let text = '';
  if (res.status === 200 && type === PDF) text = (await new PDFParse({ data: bytes }).getText()).text;
  else if (res.status === 200 && type === DOCX) text = docxText(bytes);
  else text = bytes.toString('utf8');
  return { status: res.status, type, disposition: res.headers.get('content-disposition'), text: text.replace(/\s+/g, '') };
}
const flat = (s: string) => s.replace(/\s+/g, '');

/** A notice of 遵义市 on a fresh application, as the application workflow would start it. */
async function startNotice(unitName: string, publishedAt: string): Promise<NoticeInput> {
  const applicationId = randomUUID();
  await database.db.application.create({
    data: {
      id: applicationId, workflowId: `application-${applicationId}`, year: 2027, unitName, unitType: 'county', prefectures: ['520300'],
      applicantName: `${unitName}人民政府`, applicantSub: `applicant-${applicationId}`, contactEmail: 'gov@example.org', materials: [],
      stage: 'prefectureNotice', submittedAt: new Date(),
    },
  });
  const input: NoticeInput = {
    noticeId: `application-${applicationId}:notice:prefecture`, applicationId, level: 'prefecture', prefectures: ['520300'],
    unit: { name: unitName, type: 'county' }, year: 2027, workingDays: 5, publishedAt,
  };
  await env.client.workflow.start(noticeWorkflow, { taskQueue: harness.taskQueue, workflowId: input.noticeId, args: [input] });
  await until('the Notice row', () => database.db.notice.findUnique({ where: { id: input.noticeId } }));
  return input;
}

describe('documents over HTTP', () => {
  it('the announcement of a published notice: public, the unit, the period in 北京时间, the office’s contact as it set it', async () => {
    const notice = await startNotice('赤水市', new Date(await env.currentTimeMs()).toISOString());
    const row = await database.db.notice.findUniqueOrThrow({ where: { id: notice.noticeId } });
    const url = `/api/notices/${encodeURIComponent(notice.noticeId)}/announcement`;

    // The seeded office of 遵义市 has no public contact yet: the announcement says so.
    const pdf = await download(`${url}.pdf`);
    expect(pdf).toMatchObject({ status: 200, type: PDF });
    expect(pdf.disposition).toContain(`filename*=UTF-8''${encodeURIComponent('赤水市市（州）公示.pdf')}`);
    for (const s of ['关于赤水市2027年度贵州省“两山”实践创新基地预审推荐情况的公示', '赤水市', '县域', '遵义市', `${formatCstInstantZh(row.opensAt)}至${formatCstInstantZh(row.closesAt)}（北京时间），共5个工作日`, '第十条', '遵义市生态环境局尚未登记对外联系方式']) {
      expect(pdf.text).toContain(flat(s));
    }
    // The office sets its contact (another screen's work; written here directly): the next download carries it.
    await database.db.office.update({ where: { region: '520300' }, data: { contactPhone: '0851-28221234', contactEmail: 'lsjd@zunyi.example', updatedBy: 'documents-test' } });
    const docx = await download(`${url}.docx`);
    expect(docx).toMatchObject({ status: 200, type: DOCX });
    expect(docx.disposition).toContain(`filename*=UTF-8''${encodeURIComponent('赤水市市（州）公示.docx')}`);
    for (const s of ['赤水市', formatCstInstantZh(row.closesAt), '（北京时间）', '联系电话：0851-28221234', '电子邮箱：lsjd@zunyi.example']) expect(docx.text).toContain(flat(s));
    expect(docx.text).not.toContain('尚未登记对外联系方式');
    expect((await download(`${url}.pdf`)).text).toContain('联系电话：0851-28221234');

    // Not yet published: unknown to everyone, as on the board.
    const later = await startNotice('习水县', new Date((await env.currentTimeMs()) + 30 * 86_400_000).toISOString());
    expect((await download(`/api/notices/${encodeURIComponent(later.noticeId)}/announcement.pdf`)).status).toBe(404);
    expect((await download('/api/notices/no-such-notice/announcement.docx')).status).toBe(404);
  });

  it('the post-evaluation report and the naming list: the 20 indicators, dates in Chinese, the conclusion; in scope only', async () => {
    // Named two years ago: two ended years of data, this term's post-evaluation still ahead.
    const today = cstDateOf(await env.currentTimeMs());
    const namingYear = Number(today.slice(0, 4)) - 2;
    const namedOn = `${namingYear}-12-01`;
    const input: BaseInput = {
      baseId: randomUUID(),
      unit: { name: '赤水市', type: 'county', prefectures: ['520300'] },
      applicant: { name: '赤水市人民政府', contactEmail: 'chishui-base@unit.example', sub: applicant.sub },
      namedOn,
    };
    await env.client.workflow.start(baseWorkflow, { taskQueue: harness.taskQueue, workflowId: `base-${input.baseId}`, args: [input] });
    await until('the Base row', () => database.db.base.findUnique({ where: { id: input.baseId } }));
    const id = input.baseId;

    for (const [k, year] of [namingYear, namingYear + 1].entries()) {
      const values = {
        '1': 0.9 + k * 0.02, '2': 1, '3': 0.8 + k * 0.05, '4': 0.7, '5': 0.97, '6': 0.96, '7': 0.62, '8': 120 + k, '9': { redLine: 300, protectedArea: 120 }, '10': 800 + k * 50,
        '11': 0.1 + k * 0.01, '12': 0.2, '13': 0.3, '14': 0.4, '15': 0.05, '16': true, '17': 0.97, '18': true, '19': true, '20': 0.035,
      };
      const r = await send('POST', `/api/bases/${id}/indicator-data`, applicant, { submissionId: `docs-data-${year}`, year, values, provincialAverages: { '1': 0.9 } });
      expect(r.status).toBe(200);
    }

    const url = `/api/bases/${id}/evaluation-report`;
    const before = await download(`${url}.pdf`, zunyi);
    expect(before).toMatchObject({ status: 200, type: PDF });
    expect(before.text).toContain('贵州省生态环境厅尚未作出本期后评估结论');

    // The post-evaluation opens; the province concludes it.
    await env.sleep(Date.parse(postEvaluationSchedule(titleTerm(namedOn)).opensAt) + 3600_000 - (await env.currentTimeMs()));
    const concluded = await send('POST', `/api/bases/${id}/decisions`, province, { decisionId: `docs-${randomUUID()}`, action: 'concludeEvaluation', outcome: 'pass', reason: '建设成效明显' });
    expect(concluded.status).toBe(200);

    const term = titleTerm(namedOn);
    const expected = [
      '赤水市贵州省“两山”实践创新基地后评估报告',
      `第1期：${formatCstDateZh(namedOn)}至${formatCstDateZh(term.endsOn)}`,
      `${namingYear}年`, `${namingYear + 1}年`,
      '通过（可续期）', '理由：建设成效明显',
      ...INDICATORS.map((i) => i.zh),
    ];
    for (const [format, type] of [['pdf', PDF], ['docx', DOCX]] as const) {
      const doc = await download(`${url}.${format}`, applicant);
      expect(doc, format).toMatchObject({ status: 200, type });
      expect(doc.disposition).toContain(`filename*=UTF-8''${encodeURIComponent(`赤水市后评估报告.${format}`)}`);
      for (const s of expected) expect(doc.text, `${format}: ${s}`).toContain(flat(s));
      // Signed by the province, dated the day it was generated.
      expect(doc.text).toContain(flat(`贵州省生态环境厅${formatCstDateZh(cstDateOf(await env.currentTimeMs()))}`));
    }
    // As for the evaluation itself: another prefecture, another applicant and experts get nothing.
    expect((await download(`${url}.pdf`, bijie)).status).toBe(404);
    expect((await download(`${url}.docx`, { sub: 'other', role: 'applicant', prefecture: '520300' })).status).toBe(404);
    expect((await download(`${url}.pdf`, { sub: 'e', role: 'expert' })).status).toBe(403);
    expect((await download(`${url}.pdf`)).status).toBe(401);

    // The naming list of the year: the unit, its naming day and term, in Chinese; the province's document.
    for (const [format, type] of [['pdf', PDF], ['docx', DOCX]] as const) {
      const doc = await download(`/api/namings/${namingYear}.${format}`, province);
      expect(doc, format).toMatchObject({ status: 200, type });
      for (const s of [`${namingYear}年度贵州省“两山”实践创新基地命名名单`, '赤水市', '遵义市', `${formatCstDateZh(namedOn)}至${formatCstDateZh(term.endsOn)}`, '第十六条', '有效期3年']) expect(doc.text, `${format}: ${s}`).toContain(flat(s));
    }
    expect((await download(`/api/namings/${namingYear - 1}.pdf`, province)).status).toBe(404);
    expect((await download(`/api/namings/not-a-year.pdf`, province)).status).toBe(404);
    expect((await download(`/api/namings/${namingYear}.pdf`, zunyi)).status).toBe(403);
  });
});
