// POST /api/files: an applicant, or an officer (the deliberation minutes and
// evidence of a grave act), uploads one document (multipart, one file
// field). The type is decided by the bytes, never by the client's
// content-type or file name; the file is stored once per content under the
// key <sha256[0:2]>/<sha256> of the file store (infra/file-store.ts: the
// folder FILES_DIR, or an S3 bucket), written to a temporary file first and
// only then stored, so a reader never sees half a file and an aborted
// upload leaves nothing behind. The original name is kept as metadata only.
// An upload is an act of record (`uploadFile`): the File row, with who
// uploaded it in which role and prefecture, and its audit entry (name, type,
// size and sha256, never the content) are written in one transaction
// (activities/record-act.ts). `checkOfficerFiles` is what an officer's act
// that cites files checks them with.
// GET /api/files/:id streams a file back to its uploader or to whoever may
// see a subject that cites it (`mayRead`); anyone else gets 404.
import { createHash, randomUUID } from 'node:crypto';
import { mkdir, open, rm } from 'node:fs/promises';
import path from 'node:path';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { Router, type Request } from 'express';
import { z } from 'zod';
import { recordAct } from '../activities/record-act';
import { officeZh } from '../domain/names';
import { problem, type Problem } from '../domain/problems';
import { maySee, type Subject } from '../domain/scope';
import { viaPrefectureOf } from '../domain/submission-path';
import type { Db } from '../infra/database';
import { FileStoreError, type FileStore } from '../infra/file-store';
import type { Actor } from '../workflows/messages';
import { appliedByApi } from './acts';
import { attempt } from './audit-refusals';
import { forbidden, HttpError, notFound, unavailable, unprocessable } from './errors';
import { route } from './openapi';
import { receiveSingleFile } from './multipart';
import { wellFormed } from './validation';

export const ALLOWED_TYPES = [
  { contentType: 'application/pdf', zh: 'PDF' },
  { contentType: 'image/png', zh: 'PNG 图片' },
  { contentType: 'image/jpeg', zh: 'JPEG 图片' },
  { contentType: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document', zh: 'Word 文档（.docx）' },
  { contentType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', zh: 'Excel 表格（.xlsx）' },
  { contentType: 'application/ofd', zh: 'OFD 版式文件' },
] as const;
export type AllowedType = (typeof ALLOWED_TYPES)[number]['contentType'];

const ALLOWED_ZH = ALLOWED_TYPES.map((t) => t.zh).join('、');
const tooLarge = (maxBytes: number) => new HttpError(413, 'tooLarge', `文件超过大小上限 ${formatBytes(maxBytes)}`);
const unsupported = () =>
  unprocessable(`不支持的文件类型（按文件内容识别）：只接受 ${ALLOWED_ZH}`, { allowedTypes: ALLOWED_TYPES.map((t) => t.contentType) });

function formatBytes(n: number): string {
  if (n % (1024 * 1024) === 0) return `${n / (1024 * 1024)} MiB`;
  return n % 1024 === 0 ? `${n / 1024} KiB` : `${n} 字节`;
}

const PNG = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
const ZIP = Buffer.from([0x50, 0x4b, 0x03, 0x04]);
/** Enough leading bytes to tell the allowed formats apart. */
const HEAD_BYTES = 8;

/** What the leading bytes say: a final type, a zip to look into, or nothing we accept. */
export function sniff(head: Buffer): 'application/pdf' | 'image/png' | 'image/jpeg' | 'zip' | null {
  if (head.subarray(0, 5).toString('latin1') === '%PDF-') return 'application/pdf';
  if (head.subarray(0, 8).equals(PNG)) return 'image/png';
  if (head[0] === 0xff && head[1] === 0xd8 && head[2] === 0xff) return 'image/jpeg';
  if (head.subarray(0, 4).equals(ZIP)) return 'zip';
  return null;
}

/**
 * The entry names of a zip file, from its central directory (the end of the
 * file), without extracting anything. Null when the file is not a readable
 * zip (no end-of-central-directory record, or one pointing outside the file).
 */
export async function zipEntryNames(file: string, maxEntries = 20_000): Promise<string[] | null> {
  const handle = await open(file, 'r');
  try {
    const { size } = await handle.stat();
    // The end record is 22 bytes plus a comment of at most 65535 bytes.
    const tailLength = Math.min(size, 22 + 65_535);
    const tail = Buffer.alloc(tailLength);
    await handle.read(tail, 0, tailLength, size - tailLength);
    let eocd = -1;
    for (let i = tailLength - 22; i >= 0; i--) {
      if (tail.readUInt32LE(i) === 0x06054b50) {
        eocd = i;
        break;
      }
    }
    if (eocd < 0) return null;
    const entries = tail.readUInt16LE(eocd + 10);
    const cdSize = tail.readUInt32LE(eocd + 12);
    const cdOffset = tail.readUInt32LE(eocd + 16);
    if (cdOffset + cdSize > size || entries > maxEntries) return null;
    const cd = Buffer.alloc(cdSize);
    await handle.read(cd, 0, cdSize, cdOffset);
    const names: string[] = [];
    let at = 0;
    for (let n = 0; n < entries; n++) {
      if (at + 46 > cd.length || cd.readUInt32LE(at) !== 0x02014b50) return null;
      const nameLength = cd.readUInt16LE(at + 28);
      const extraLength = cd.readUInt16LE(at + 30);
      const commentLength = cd.readUInt16LE(at + 32);
      if (at + 46 + nameLength > cd.length) return null;
      names.push(cd.subarray(at + 46, at + 46 + nameLength).toString('utf8'));
      at += 46 + nameLength + extraLength + commentLength;
    }
    return names;
  } finally {
    await handle.close();
  }
}

/** A zip is accepted only as an OOXML document (docx, xlsx) or an OFD file (GB/T 33190). */
export function zipDocumentType(names: readonly string[]): AllowedType | null {
  const has = (name: string) => names.includes(name);
  const under = (prefix: string) => names.some((n) => n.startsWith(prefix));
  if (has('[Content_Types].xml') && has('word/document.xml')) return 'application/vnd.openxmlformats-officedocument.wordprocessingml.document';
  if (has('[Content_Types].xml') && has('xl/workbook.xml')) return 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
  if (has('OFD.xml') && under('Doc_')) return 'application/ofd';
  return null;
}

/**
 * The client's file name as metadata: its last path segment, without control
 * characters and without the invisible direction marks that make
 * `报告\u202Efdp.exe` read as `报告exe.pdf`, at most 200 characters. It never
 * becomes part of a path.
 */
export function sanitizeFileName(name: string | undefined): string {
  const last = (name ?? '').split(/[/\\]/).pop() ?? '';
  const clean = last.replace(/[\u0000-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]/g, '').trim();
  const visible = clean === '.' || clean === '..' ? '' : clean;
  return [...visible].slice(0, 200).join('') || 'file';
}

interface Received {
  tmp: string;
  sha256: string;
  size: number;
  head: Buffer;
  originalName: string;
}

/**
 * Streams the one file part (api/multipart.ts) to a temporary file, hashing
 * and counting as it goes and refusing early when the leading bytes are not
 * an allowed type or the size passes the limit. On any refusal the
 * temporary file is removed.
 */
function receiveOne(req: Request, tmpDir: string, maxBytes: number): Promise<Received> {
  return receiveSingleFile(req, {
    maxBytes,
    tooLarge: () => tooLarge(maxBytes),
    missingFile: '请求中没有文件（multipart 的 file 字段）',
    discard: (received) => rm(received.tmp, { force: true }),
    consume: async ({ stream, filename }) => {
      const tmp = path.join(tmpDir, randomUUID());
      const hash = createHash('sha256');
      let size = 0;
      let head = Buffer.alloc(0);
      const inspect = new Transform({
        transform(chunk: Buffer, _encoding, callback) {
          size += chunk.length;
          hash.update(chunk);
          if (head.length < HEAD_BYTES) {
            head = Buffer.concat([head, chunk.subarray(0, HEAD_BYTES - head.length)]);
            if (head.length >= HEAD_BYTES && !sniff(head)) return callback(unsupported());
          }
          callback(null, chunk);
        },
        flush(callback) {
          callback(sniff(head) ? null : unsupported());
        },
      });
      // Created before anything is piped, so that the removal below cannot run ahead of the file's creation.
      const handle = await open(tmp, 'wx', 0o640);
      try {
        await pipeline(stream, inspect, handle.createWriteStream());
      } catch (error) {
        await handle.close().catch(() => undefined);
        await rm(tmp, { force: true });
        throw error;
      }
      return { tmp, sha256: hash.digest('hex'), size, head, originalName: sanitizeFileName(filename) };
    },
  });
}

/** Who may upload: applicants their materials, officers their minutes and evidence. */
export const UPLOADER_ROLES = ['applicant', 'prefectureOfficer', 'provinceOfficer'] as const;

/**
 * The files an officer's act cites (e.g. the deliberation minutes and
 * evidence of the province's grave acts): one problem per id (at
 * `<field>.<index>`) that names no file, or a file not uploaded by an
 * officer of the actor's own office: for a province officer, by a province
 * officer; for a prefecture officer, by an officer of the same prefecture;
 * for any other role no file qualifies. Empty when all are fine.
 */
export async function checkOfficerFiles(db: Db, fileIds: readonly string[], actor: Actor, field = 'fileIds', fieldZh = '所引用的文件'): Promise<Problem[]> {
  const ids = [...new Set(fileIds)];
  const rows = ids.length ? await db.file.findMany({ where: { id: { in: ids } }, select: { id: true, uploaderRole: true, uploaderPrefecture: true } }) : [];
  const found = new Map(rows.map((f) => [f.id, f]));
  const office = officeZh(actor.role === 'prefectureOfficer' ? 'prefectureOfficer' : 'provinceOfficer', actor.prefecture);
  const ofOffice = (f: { uploaderRole: string | null; uploaderPrefecture: string | null }) =>
    actor.role === 'provinceOfficer'
      ? f.uploaderRole === 'provinceOfficer'
      : actor.role === 'prefectureOfficer' && f.uploaderRole === 'prefectureOfficer' && !!actor.prefecture && f.uploaderPrefecture === actor.prefecture;
  return fileIds.flatMap((id, index) => {
    const at = `${field}.${index}`;
    const f = found.get(id);
    // A person reads which field and which of its files, never the file's id.
    const which = fileIds.length > 1 ? `${fieldZh}中的第${index + 1}个文件` : fieldZh;
    if (!f) return [problem(at, 'unknownFile', `${which}不存在，请重新上传`, `${at}: file ${id} does not exist`)];
    if (!ofOffice(f)) return [problem(at, 'notOfficerFile', `${which}须由${office}工作人员上传`, `${at}: file ${id} was not uploaded by an officer of the ${actor.role === 'prefectureOfficer' ? 'prefecture' : 'province'}`)];
    return [];
  });
}

/** What a page shows for a cited file whose row is gone. */
export const MISSING_FILE_NAME = '（文件已不存在）';

/** The original names of these files, by id (for responses that list files: a person reads names, never ids). */
export async function fileNamesOf(db: Db, ids: readonly string[]): Promise<Map<string, string>> {
  const unique = [...new Set(ids)];
  const rows = unique.length ? await db.file.findMany({ where: { id: { in: unique } }, select: { id: true, originalName: true } }) : [];
  return new Map(rows.map((f) => [f.id, f.originalName]));
}

/** An application's materials as stored, each one that names a file with that file's `name` added. */
export async function materialsWithFileNames(db: Db, materials: unknown): Promise<unknown> {
  if (!Array.isArray(materials)) return materials;
  const fileIdOf = (m: unknown) => (m && typeof m === 'object' && typeof (m as { fileId?: unknown }).fileId === 'string' ? (m as { fileId: string }).fileId : null);
  const names = await fileNamesOf(db, materials.map(fileIdOf).filter((id): id is string => id !== null));
  return materials.map((m) => {
    const id = fileIdOf(m);
    return id === null ? m : { ...(m as Record<string, unknown>), name: names.get(id) ?? MISSING_FILE_NAME };
  });
}

/** The types a browser may show in place (PDF, images); every other type is offered as a download. */
const INLINE_TYPES: readonly string[] = ['application/pdf', 'image/png', 'image/jpeg'];

/**
 * `Content-Disposition` for a stored file: `inline` for PDF and images,
 * `attachment` otherwise; the name as RFC 6266 / 5987 `filename*` (UTF-8,
 * percent-encoded) with an ASCII `filename` fallback in which nothing could
 * end the quoted string or the header (quotes, backslashes, `%`, `;`,
 * control characters and non-ASCII become `_`).
 */
export function contentDisposition(name: string, contentType: string): string {
  const clean = wellFormed(name).replace(/[\u0000-\u001f\u007f]/g, '').trim() || 'file';
  const ext = /\.[A-Za-z0-9]{1,8}$/.exec(clean)?.[0] ?? '';
  const ascii = clean.replace(/[^\x20-\x7e]|["\\%;]/g, '_');
  // A name with nothing readable in ASCII falls back to `file.<ext>`.
  const fallback = /[A-Za-z0-9]/.test(ascii.slice(0, ascii.length - ext.length)) ? ascii : `file${ext}`;
  const encoded = encodeURIComponent(clean).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  return `${INLINE_TYPES.includes(contentType) ? 'inline' : 'attachment'}; filename="${fallback}"; filename*=UTF-8''${encoded}`;
}

interface StoredFile {
  id: string;
  uploadedBy: string;
  uploaderRole: string | null;
}

/**
 * May this caller read this file? Its uploader may (in the role they
 * uploaded it in); anyone else only when they may see (domain/scope.ts
 * maySee) a subject that cites it:
 * - an application whose materials name it (Application.materials);
 * - a base whose annual summary (any version, BaseSummary) names it;
 * - an applied act on an application or a base whose payload cites it: a
 *   grave act's minutes or evidence (minutesFileId, evidenceFileIds), and a
 *   rectification report's file (fileId; counted only when the report's
 *   author uploaded it, because that route does not check the file itself).
 * Notices and complaints cite no files. The queries read the read model only.
 */
async function mayRead(db: Db, actor: Actor, file: StoredFile): Promise<boolean> {
  if (file.uploadedBy === actor.sub && (file.uploaderRole === null || file.uploaderRole === actor.role)) return true;
  const [materials, summaries, acts] = await Promise.all([
    db.$queryRaw<Array<{ id: string }>>`
      SELECT "id" FROM "Application" WHERE "materials" @> jsonb_build_array(jsonb_build_object('fileId', ${file.id}::text))`,
    db.baseSummary.findMany({ where: { fileId: file.id }, select: { baseId: true }, distinct: ['baseId'] }),
    db.$queryRaw<Array<{ subjectType: string; subjectId: string }>>`
      SELECT DISTINCT "subjectType", "subjectId" FROM "Decision"
      WHERE "outcome" = 'applied' AND "subjectType" IN ('application', 'base') AND (
        "payload"->>'minutesFileId' = ${file.id}
        OR "payload"->'evidenceFileIds' @> jsonb_build_array(${file.id}::text)
        OR ("action" = 'reportRectification' AND "payload"->>'fileId' = ${file.id} AND "actorSub" = ${file.uploadedBy}))`,
  ]);
  const applicationIds = [...new Set([...materials.map((a) => a.id), ...acts.filter((a) => a.subjectType === 'application').map((a) => a.subjectId)])];
  const baseIds = [...new Set([...summaries.map((s) => s.baseId), ...acts.filter((a) => a.subjectType === 'base').map((a) => a.subjectId)])];
  const [applications, reviews, bases] = await Promise.all([
    applicationIds.length ? db.application.findMany({ where: { id: { in: applicationIds } }, select: { id: true, prefectures: true, applicantSub: true, submitVia: true } }) : [],
    applicationIds.length && actor.role === 'expert' ? db.expertReview.findMany({ where: { applicationId: { in: applicationIds } }, select: { applicationId: true, expertId: true } }) : [],
    baseIds.length ? db.base.findMany({ where: { id: { in: baseIds } }, select: { prefectures: true, applicantSub: true } }) : [],
  ]);
  const subjects: Subject[] = [
    ...applications.map((a): Subject => ({
      kind: 'application', prefectures: a.prefectures, applicantSub: a.applicantSub, viaPrefecture: viaPrefectureOf(a.prefectures, a.submitVia),
      assignedExpertIds: reviews.filter((r) => r.applicationId === a.id).map((r) => r.expertId),
    })),
    ...bases.map((b): Subject => ({ kind: 'base', prefectures: b.prefectures, applicantSub: b.applicantSub })),
  ];
  return subjects.some((subject) => maySee(actor, subject));
}

/**
 * A call to the file store: when the store cannot be used (the bucket gone,
 * the key pair refused, the object store down) the operator's message is
 * logged and the caller gets 503, to try again.
 */
async function fromStore<T>(req: Request, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    if (!(error instanceof FileStoreError)) throw error;
    req.log?.error({ err: { type: 'FileStoreError' } }, `files: ${error.message}`);
    throw unavailable('文件存储暂时不可用，请稍后重试');
  }
}

export function filesRouter(deps: { db: Db; store: FileStore; maxBytes: number }): Router {
  const router = Router();
  // For the local folder, under the same root, on the same file system, so the final rename is atomic.
  const tmpDir = deps.store.incomingDir;

  route(router, {
    method: 'post', path: '/files', summary: 'Upload one document (PDF, OFD, PNG, JPEG, DOCX, XLSX; checked by content)', auth: 'bearer', roles: UPLOADER_ROLES,
    body: 'multipart', errors: [403, 422],
    responses: { 201: { description: 'stored', schema: z.looseObject({ fileId: z.string(), sha256: z.string(), size: z.number(), contentType: z.string(), name: z.string() }) } },
  }, async (req, res) => {
    const actor = req.actor!;
    attempt(req, { subjectType: 'file', subjectId: 'upload', action: 'uploadFile' });
    if (!(UPLOADER_ROLES as readonly string[]).includes(actor.role)) throw forbidden('只有建设主体和市（州）、省生态环境主管部门工作人员可以上传文件');
    await mkdir(tmpDir, { recursive: true });
    let received: Received;
    try {
      received = await receiveOne(req, tmpDir, deps.maxBytes);
    } catch (error) {
      // The client may still be sending; do not keep its connection for more.
      res.setHeader('Connection', 'close');
      throw error;
    }
    try {
      let contentType: AllowedType | null = null;
      const kind = sniff(received.head);
      if (kind === 'zip') {
        const names = await zipEntryNames(received.tmp);
        contentType = names ? zipDocumentType(names) : null;
      } else {
        contentType = kind;
      }
      if (!contentType) throw unsupported();
      const storagePath = path.join(received.sha256.slice(0, 2), received.sha256);
      // Content-addressed: the same bytes are stored once (the store skips a key it already holds).
      await fromStore(req, () => deps.store.putFile(storagePath, received.tmp, { contentType, size: received.size }));
      const file = {
        id: randomUUID(),
        sha256: received.sha256,
        size: received.size,
        contentType,
        originalName: received.originalName,
        storagePath,
        uploadedBy: actor.sub,
        uploaderRole: actor.role,
        uploaderPrefecture: actor.role === 'provinceOfficer' ? null : (actor.prefecture ?? null),
      };
      // The upload is an act of record: who, role, when, and what (never the content), with its row.
      const details = { name: file.originalName, contentType, size: file.size, sha256: file.sha256 };
      await recordAct(deps.db, { audit: appliedByApi(actor, { subjectType: 'file', subjectId: file.id, action: 'uploadFile', payload: details }), changes: [{ kind: 'fileUploaded', file }] });
      res.status(201).json({ fileId: file.id, sha256: file.sha256, size: file.size, contentType: file.contentType, name: file.originalName });
    } finally {
      await rm(received.tmp, { force: true });
    }
  });

  route(router, {
    method: 'get', path: '/files/:id', summary: 'Download one document: its uploader, or whoever may see a subject that cites it (else 404)', auth: 'bearer',
    roles: ['applicant', 'prefectureOfficer', 'provinceOfficer', 'expert', 'ops'],
    responses: { 200: { description: 'the stored bytes, with their type; inline for PDF and images, else as an attachment', mediaTypes: ALLOWED_TYPES.map((t) => t.contentType) } },
  }, async (req, res) => {
    const actor = req.actor!;
    const id = String(req.params.id);
    attempt(req, { subjectType: 'file', subjectId: id, action: 'read' });
    const file = id.length <= 100 ? await deps.db.file.findUnique({ where: { id } }) : null;
    // Unknown and not readable answer alike: the file's existence is not revealed.
    if (!file || !(await mayRead(deps.db, actor, file))) throw notFound();
    const stored = await fromStore(req, () => deps.store.get(file.storagePath));
    if (!stored) throw notFound('文件内容已不存在');
    const { size } = stored;
    const contentType = (ALLOWED_TYPES as ReadonlyArray<{ contentType: string }>).some((t) => t.contentType === file.contentType) ? file.contentType : 'application/octet-stream';
    res.status(200);
    res.setHeader('Content-Type', contentType);
    res.setHeader('Content-Length', String(size));
    res.setHeader('Content-Disposition', contentDisposition(file.originalName, contentType));
    // Never run as a page of this origin, whatever the bytes are: no sniffing, a sandbox with nothing allowed.
    res.setHeader('X-Content-Type-Options', 'nosniff');
    res.setHeader('Content-Security-Policy', "default-src 'none'; sandbox; frame-ancestors 'none'; base-uri 'none'; form-action 'none'");
    res.setHeader('Cache-Control', 'private, no-store');
    if (req.method === 'HEAD') {
      stored.body.destroy();
      res.end();
      return;
    }
    // pipeline closes the file (or the object's stream) and ends (or destroys)
    // the response. Once the headers are out an error cannot become a JSON
    // answer: the connection is cut (the client sees a short body), and a
    // read error is logged.
    try {
      await pipeline(stored.body, res);
    } catch (error) {
      const code = (error as { code?: string } | null)?.code;
      if (code !== 'ERR_STREAM_PREMATURE_CLOSE') req.log?.error({ err: { type: error instanceof Error ? error.name : typeof error, ...(code ? { code } : {}) } }, 'files: download cut short');
      res.destroy();
    }
  });

  return router;
}
