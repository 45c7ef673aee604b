// Refused attempts in the audit log (issue 6; Art. 26 as this project reads
// it: who, role, when, what, why). Every route declares what an attempt is about (the route
// helper sets a default; handlers narrow it to the application, complaint or
// notice they found), and this error middleware appends a row with outcome
// `refused` for every refusal the API answers: 400, 403, 404, 409, 413 and
// 422 to a signed-in caller, and the public's refused complaints. Not
// recorded: 401 (no one to name) and 429 (recording a flood would let it
// reach the database). A complainant's name, contact and text are never in
// the row (they are personal data, Complaint in prisma/schema.prisma).
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
  }
}

/** Narrows what the current request attempts (later calls refine earlier ones). */
export function attempt(req: Request, fields: Partial<Attempt>): void {
  req.attempt = { ...(req.attempt ?? { subjectType: 'route', subjectId: `${req.method} ${req.path}`, action: req.method }), ...fields };
}

const RECORDED = new Set([400, 403, 404, 409, 413, 422]);

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
