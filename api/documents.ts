// The documents generated from the record (docs/DOCUMENTS.md), each as an
// editable Word file and as a PDF:
// - GET /api/notices/:id/announcement.{docx,pdf}: the 公示 of a notice
//   (Art. 10, 15), public like the board once the notice is published;
// - GET /api/bases/:id/evaluation-report.{docx,pdf}: the post-evaluation
//   report of a base's current term (Art. 22), to whoever may see the base;
// - GET /api/namings/:year.{docx,pdf}: the units named in a year with their
//   term (Art. 16), the province's document.
// The layouts are domain/documents.ts; infra/documents renders them.
import { createHash } from 'node:crypto';
import { Router, type Request, type Response } from 'express';
import { announcementDocument, evaluationReportDocument, namingDocument, type DocumentModel } from '../domain/documents';
import type { YearData } from '../domain/ls-index/evaluate';
import { officeZh } from '../domain/names';
import { PROVINCE_CODE } from '../domain/regions';
import { maySee } from '../domain/scope';
import type { Role } from '../domain/roles';
import type { Db } from '../infra/database';
import { CjkFontMissingError } from '../infra/documents/fonts';
import { DOCUMENT_FORMATS, renderDocument, type DocumentFormat, type RenderedDocument } from '../infra/documents';
import { attempt } from './audit-refusals';
import { termEvaluation } from './bases';
import { HttpError, notFound } from './errors';
import { contentDisposition } from './files';
import { route } from './openapi';

const FORMAT_ZH: Record<DocumentFormat, string> = { docx: 'Word', pdf: 'PDF' };
const BASE_READERS: readonly Role[] = ['applicant', 'prefectureOfficer', 'provinceOfficer', 'ops'];
const NAMING_READERS: readonly Role[] = ['provinceOfficer', 'ops'];

interface NoticeSummary {
  unitName?: string;
  unitType?: string;
  year?: number;
  prefectures?: string[];
}

/**
 * The last public announcements rendered, by their content: anyone may ask for
 * them without signing in, and a PDF costs tens of milliseconds of CPU, so the
 * same document asked again is sent from memory (a few hundred of ~40 KiB at
 * most). The key is the layout itself, so a changed office contact or window
 * renders anew.
 */
const PUBLIC_CACHE_ENTRIES = 200;
const publicCache = new Map<string, RenderedDocument>();

async function renderCached(model: DocumentModel, format: DocumentFormat): Promise<RenderedDocument> {
  const key = createHash('sha256').update(format).update(JSON.stringify(model)).digest('hex');
  const hit = publicCache.get(key);
  if (hit) return hit;
  const rendered = await renderDocument(model, format);
  if (publicCache.size >= PUBLIC_CACHE_ENTRIES) publicCache.delete(publicCache.keys().next().value as string);
  publicCache.set(key, rendered);
  return rendered;
}

/** Renders and sends a document; a missing font is the operator's to fix, said plainly (503), never a PDF of boxes. */
async function sendDocument(req: Request, res: Response, model: DocumentModel, format: DocumentFormat, render = renderDocument): Promise<void> {
  let rendered;
  try {
    rendered = await render(model, format);
  } catch (error) {
    if (!(error instanceof CjkFontMissingError)) throw error;
    req.log?.error({ err: { type: error.name, message: error.message } }, 'documents: the CJK font is missing');
    throw new HttpError(503, 'fontMissing', '服务器缺少生成 PDF 所需的中文字体，暂时无法生成 PDF，请联系运维人员（可先下载 Word 版）');
  }
  res.status(200);
  res.setHeader('Content-Type', rendered.contentType);
  res.setHeader('Content-Length', String(rendered.bytes.length));
  res.setHeader('Content-Disposition', contentDisposition(rendered.fileName, rendered.contentType));
  // As for stored files: never run as a page of this origin.
  res.setHeader('Content-Security-Policy', "default-src 'none'; sandbox; frame-ancestors 'none'; base-uri 'none'; form-action 'none'");
  res.setHeader('Cache-Control', 'private, no-store');
  res.end(rendered.bytes);
}

export function documentsRouter(deps: { db: Db; clock: () => Date }): { open: Router; authed: Router } {
  const open = Router();
  const authed = Router();

  /** The announcement of a published notice: the unit, the period, and how to object to the office running it. */
  async function announcement(req: Request): Promise<DocumentModel> {
    const id = String(req.params.id);
    const notice = id.length <= 200 ? await deps.db.notice.findUnique({ where: { id }, include: { application: { select: { unitName: true, unitType: true, year: true, prefectures: true } } } }) : null;
    // Not yet published is as good as unknown to the public (as the board and complaints).
    if (!notice || notice.opensAt > deps.clock()) throw notFound('没有这个公示');
    const summary = (notice.summary ?? {}) as NoticeSummary;
    const region = notice.level === 'province' ? PROVINCE_CODE : (notice.prefecture ?? PROVINCE_CODE);
    const office = await deps.db.office.findUnique({ where: { region } });
    return announcementDocument({
      notice: { level: notice.level, prefecture: notice.prefecture, workingDays: notice.workingDays, opensAt: notice.opensAt.toISOString(), closesAt: notice.closesAt.toISOString(), provisional: notice.provisional },
      units: [{
        name: summary.unitName ?? notice.application.unitName,
        type: summary.unitType ?? notice.application.unitType,
        prefectures: summary.prefectures ?? notice.application.prefectures,
        year: summary.year ?? notice.application.year,
      }],
      office: {
        name: office?.name ?? (region === PROVINCE_CODE ? officeZh('provinceOfficer') : officeZh('prefectureOfficer', region)),
        contactPhone: office?.contactPhone ?? null,
        contactAddress: office?.contactAddress ?? null,
        contactEmail: office?.contactEmail ?? null,
      },
    });
  }

  /** The post-evaluation report of a base the caller may see (else 404, as GET /api/bases/:id/evaluation). */
  async function evaluationReport(req: Request): Promise<DocumentModel> {
    const id = String(req.params.id);
    const base = id.length <= 200 ? await deps.db.base.findUnique({ where: { id } }) : null;
    if (base) attempt(req, { workflowId: base.workflowId });
    if (!base || !maySee(req.actor!, { kind: 'base', prefectures: base.prefectures, applicantSub: base.applicantSub })) throw notFound();
    const [rows, application, decisions] = await Promise.all([
      deps.db.baseIndicatorData.findMany({ where: { baseId: base.id }, orderBy: { year: 'asc' } }),
      deps.db.application.findUnique({ where: { id: base.id }, select: { terrain: true } }),
      deps.db.decision.findMany({ where: { subjectType: 'base', subjectId: base.id, outcome: 'applied', action: { in: ['renew', 'concludeEvaluation'] } }, orderBy: { seq: 'asc' } }),
    ]);
    const terrain = application?.terrain ?? null;
    const { years, evaluation } = termEvaluation(base, rows, terrain);
    // This term's conclusion: the latest one since the last renewal.
    const concluded = decisions.slice(decisions.findLastIndex((d) => d.action === 'renew') + 1).findLast((d) => d.action === 'concludeEvaluation');
    return evaluationReportDocument({
      base: { unitName: base.unitName, unitType: base.unitType, prefectures: base.prefectures, namedOn: base.namedOn, termStartsOn: base.termStartsOn, termEndsOn: base.termEndsOn, termNo: base.termNo, terrain },
      years,
      data: Object.fromEntries(rows.filter((r) => years.includes(r.year)).map((r) => [String(r.year), r.values as unknown as YearData])),
      evaluation,
      conclusion: concluded ? { outcome: String((concluded.payload as { outcome?: unknown }).outcome ?? ''), reason: concluded.reason, at: concluded.at.toISOString() } : null,
      generatedAt: deps.clock().toISOString(),
    });
  }

  /** The units first named in a year, as named. */
  async function naming(req: Request): Promise<DocumentModel> {
    const year = String(req.params.year);
    if (!/^\d{4}$/.test(year)) throw notFound('没有这个年度');
    const bases = await deps.db.base.findMany({ where: { namedOn: { startsWith: `${year}-` } }, select: { unitName: true, unitType: true, prefectures: true, namedOn: true }, take: 1000 });
    if (bases.length === 0) throw notFound(`${year}年度没有命名的基地`);
    return namingDocument({ year: Number(year), bases });
  }

  // One route per document and format, each path written out (docs/REGULATION.md names them).
  const paths = {
    announcement: [{ method: 'get', path: '/notices/:id/announcement.docx', format: 'docx' }, { method: 'get', path: '/notices/:id/announcement.pdf', format: 'pdf' }],
    evaluationReport: [{ method: 'get', path: '/bases/:id/evaluation-report.docx', format: 'docx' }, { method: 'get', path: '/bases/:id/evaluation-report.pdf', format: 'pdf' }],
    naming: [{ method: 'get', path: '/namings/:year.docx', format: 'docx' }, { method: 'get', path: '/namings/:year.pdf', format: 'pdf' }],
  } as const;
  const media = (format: DocumentFormat) => ({ 200: { description: `the document as ${FORMAT_ZH[format]}, named in Chinese (Content-Disposition filename*)`, mediaTypes: [DOCUMENT_FORMATS[format].contentType] } });

  for (const { method, path, format } of paths.announcement) {
    route(open, {
      method, path, summary: `The announcement (公示) of a published notice as ${FORMAT_ZH[format]}: the units, the period closing in Beijing time, how to object (Art. 10, 15)`, auth: 'public',
      roles: ['public', 'applicant', 'prefectureOfficer', 'provinceOfficer', 'expert', 'ops'], responses: media(format),
    }, async (req, res) => {
      attempt(req, { subjectType: 'notice', subjectId: String(req.params.id).slice(0, 200), action: 'read' });
      await sendDocument(req, res, await announcement(req), format, renderCached);
    });
  }
  for (const { method, path, format } of paths.evaluationReport) {
    route(authed, {
      method, path, summary: `The post-evaluation report of a base's current term as ${FORMAT_ZH[format]}: the 20 indicators, targets, verdicts, conclusion and charts (Art. 22)`, auth: 'bearer',
      roles: BASE_READERS, responses: media(format),
    }, async (req, res) => {
      attempt(req, { subjectType: 'base', subjectId: String(req.params.id).slice(0, 200), action: 'readEvaluation' });
      await sendDocument(req, res, await evaluationReport(req), format);
    });
  }
  for (const { method, path, format } of paths.naming) {
    route(authed, {
      method, path, summary: `The naming list of a year as ${FORMAT_ZH[format]}: the units named with their 3-year term (Art. 16)`, auth: 'bearer',
      roles: NAMING_READERS, responses: media(format),
    }, async (req, res) => {
      await sendDocument(req, res, await naming(req), format);
    });
  }
  return { open, authed };
}
