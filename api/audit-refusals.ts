// Refused attempts in the audit log (issue 6; Art. 26 as this project reads
// it: who, role, when, what, why). Every route declares what an attempt is about (the route
// helper sets a default; handlers narrow it to the application, complaint or
// notice they found), and this error middleware appends a row with outcome
// `refused` for every refusal the API answers: 400, 403, 404, 409, 413 and
// 422 to a signed-in caller, and the public's refused complaints. Not
// recorded: 401 (no one to name) and 429 (recording a flood would let it
// reach the database). A complainant's name, contact and text are never in
// the row (they are personal data, Complaint in prisma/schema.prisma).
//
// Refused READS (GET, HEAD) are not chained (issue 15): one row per refused
// read let any signed-in user grow the chain, under its global lock, at will
// (a fuzzing run appended 11,212 rows). They are counted instead, per caller,
// route pattern, status and hour, in the RefusedRead table (one upsert, no
// chain lock; GET /api/ops/refused-reads), by the Prometheus counter
// liangshan_refused_reads_total{route,status} and on the request's log line
// (`refusedRead: true`, api/observability.ts). A refused read by the public
// names no one and is only logged and counted as any request is.
import { randomUUID } from 'node:crypto';
import type { ErrorRequestHandler, Request } from 'express';
import { appendAudit, type AuditEntry } from '../activities/audit';
import type { Db } from '../infra/database';
import { HttpError } from './errors';
import { wellFormed } from './validation';

export interface Attempt {
  subjectType: AuditEntry['subjectType'];
  subjectId: string;
  action: string;
  /** Set only when the application exists (the column is a foreign key). */
  applicationId?: string | null;
  workflowId?: string | null;
  /** The client's decisionId, when the attempt was a decision. */
  decisionId?: string;
  /** The stated reason, when the body had one. */
  reason?: string | null;
  /** What else identifies the attempt (never personal data). */
  details?: Record<string, unknown>;
}

declare module 'express-serve-static-core' {
  interface Request {
    attempt?: Attempt;
    /** Set when the request was a refused read of a signed-in caller (counted, not chained). */
    refusedRead?: boolean;
  }
}

/** Narrows what the current request attempts (later calls refine earlier ones). */
export function attempt(req: Request, fields: Partial<Attempt>): void {
  req.attempt = { ...(req.attempt ?? { subjectType: 'route', subjectId: `${req.method} ${req.path}`, action: req.method }), ...fields };
}

const RECORDED = new Set([400, 403, 404, 409, 413, 422]);
/** Reads: refused ones are counted (RefusedRead), not chained. Every other method attempts an act. */
const READS = new Set(['GET', 'HEAD']);

/** Lone surrogates and NUL cannot be stored as they are (PostgreSQL text/jsonb), and a changed value would break the row's hash. */
function storable(value: unknown): unknown {
  if (typeof value === 'string') return wellFormed(value.slice(0, 2000));
  if (Array.isArray(value)) return value.slice(0, 50).map(storable);
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).slice(0, 50).map(([k, v]) => [storable(k) as string, storable(v)]));
  return value;
}

export function recordRefusals(db: Db, clock: () => Date): ErrorRequestHandler {
  return async (error, req, _res, next) => {
    const status = error instanceof HttpError ? error.status : typeof error?.status === 'number' ? (error.status as number) : undefined;
    const a = req.attempt;
    if (status !== undefined && RECORDED.has(status) && a && READS.has(req.method)) {
      if (req.actor) {
        req.refusedRead = true;
        try {
          await countRefusedRead(db, {
            actorSub: req.actor.sub, actorRole: req.actor.role, actorPrefecture: req.actor.prefecture ?? null,
            route: req.routePattern ?? a.action, status, subject: a.subjectId, at: clock(),
          });
        } catch (countError) {
          const kind = countError instanceof Error ? countError.name : typeof countError;
          if (req.log) req.log.error({ err: { type: kind } }, 'audit: could not count a refused read');
          else console.error('audit: could not count a refused read', kind);
        }
      }
      return next(error);
    }
    if (status !== undefined && RECORDED.has(status) && a && (req.actor || a.subjectType === 'notice')) {
      const actor = req.actor;
      const code = error instanceof HttpError ? error.code : status === 413 ? 'tooLarge' : 'badRequest';
      const message = error instanceof HttpError ? error.message : '请求无效';
      try {
        await appendAudit(db, {
          // One row per attempt: a replayed decisionId that is refused again is a new attempt.
          decisionId: `refused/${randomUUID()}`,
          subjectType: a.subjectType,
          subjectId: storable(a.subjectId) as string,
          applicationId: a.applicationId ?? null,
          workflowId: a.workflowId ?? null,
          action: storable(a.action) as string,
          actorSub: actor?.sub ?? 'public',
          actorRole: actor?.role ?? 'public',
          actorPrefecture: actor?.prefecture ?? null,
          reason: a.reason === undefined || a.reason === null ? null : (storable(a.reason) as string),
          payload: storable({ method: req.method, path: req.originalUrl.slice(0, 500), ...(a.decisionId ? { decisionId: a.decisionId } : {}), ...(a.details ?? {}) }),
          outcome: 'refused',
          refusal: storable(`${status} ${code}: ${message}`) as string,
          at: clock().toISOString(),
        });
      } catch (auditError) {
        // The caller still gets its refusal; ops see that the row is missing.
        const kind = auditError instanceof Error ? auditError.name : typeof auditError;
        if (req.log) req.log.error({ err: { type: kind } }, 'audit: could not record a refused attempt');
        else console.error('audit: could not record a refused attempt', kind);
      }
    }
    next(error);
  };
}

export interface RefusedReadEntry {
  actorSub: string;
  actorRole: string;
  actorPrefecture: string | null;
  /** The route's pattern in the registry, e.g. `/api/applications/:id`. */
  route: string;
  status: number;
  /** What the read asked for (an id, or the path). */
  subject: string;
  at: Date;
}

const HOUR_MS = 3_600_000;

/**
 * Counts one refused read in its hour's row (RefusedRead): one upsert on the
 * row's unique key, so concurrent refusals add up without the chain's lock,
 * and a caller can add at most one row per route, status and hour.
 */
export async function countRefusedRead(db: Db, entry: RefusedReadEntry): Promise<void> {
  const at = entry.at.toISOString();
  const windowStart = new Date(Math.floor(entry.at.getTime() / HOUR_MS) * HOUR_MS).toISOString();
  const text = (s: string, max: number) => wellFormed(s.slice(0, max));
  await db.$executeRaw`
    INSERT INTO "RefusedRead" ("actorSub", "actorRole", "actorPrefecture", "route", "status", "windowStart", "count", "lastSubject", "firstAt", "lastAt")
    VALUES (${text(entry.actorSub, 200)}, ${text(entry.actorRole, 50)}, ${entry.actorPrefecture === null ? null : text(entry.actorPrefecture, 20)}, ${text(entry.route, 200)},
            ${entry.status}, ${windowStart}::timestamptz, 1, ${text(entry.subject, 500)}, ${at}::timestamptz, ${at}::timestamptz)
    ON CONFLICT ("actorSub", "actorRole", "route", "status", "windowStart") DO UPDATE SET
      "count" = "RefusedRead"."count" + 1,
      "actorPrefecture" = EXCLUDED."actorPrefecture",
      "lastSubject" = EXCLUDED."lastSubject",
      "firstAt" = LEAST("RefusedRead"."firstAt", EXCLUDED."firstAt"),
      "lastAt" = GREATEST("RefusedRead"."lastAt", EXCLUDED."lastAt")`;
}
