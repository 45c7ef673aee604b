// The audit log is append-only and hash-chained: each row's hash covers its
// content and the previous row's hash, so editing or deleting a row breaks
// every hash after it (issue 6 adds the verification command).
import { createHash } from 'node:crypto';
import type { Db } from '../infra/database';

export interface AuditEntry {
  decisionId: string;
  subjectType: 'application' | 'base';
  subjectId: string;
  applicationId?: string | null;
  workflowId?: string | null;
  action: string;
  actorSub: string;
  actorRole: string;
  actorPrefecture?: string | null;
  reason?: string | null;
  payload: unknown;
  outcome: 'applied' | 'refused';
  refusal?: string | null;
  resultStage?: string | null;
  /** ISO instant the decision was taken (from the workflow, not the retry). */
  at: string;
}

export const GENESIS_HASH = '0'.repeat(64);

/** Canonical JSON (sorted keys) so the hash does not depend on key order. */
function canonical(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value ?? null);
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(',')}}`;
}

export function auditHash(prevHash: string, entry: AuditEntry): string {
  const body = canonical({ ...entry, at: new Date(entry.at).toISOString(), prevHash });
  return createHash('sha256').update(body).digest('hex');
}

// Serialises appenders so the chain has no forks.
const CHAIN_LOCK = 72_019_002;

/** Appends once per (decisionId, outcome); a retry returns the existing row. */
export async function appendAudit(db: Db, entry: AuditEntry): Promise<{ seq: bigint; hash: string }> {
  return db.$transaction(async (tx) => {
    await tx.$executeRaw`SELECT pg_advisory_xact_lock(${CHAIN_LOCK})`;
    const existing = await tx.decision.findUnique({
      where: { decisionId_outcome: { decisionId: entry.decisionId, outcome: entry.outcome } },
      select: { seq: true, hash: true },
    });
    if (existing) return existing;
    const last = await tx.decision.findFirst({ orderBy: { seq: 'desc' }, select: { hash: true } });
    const prevHash = last?.hash ?? GENESIS_HASH;
    const hash = auditHash(prevHash, entry);
    return tx.decision.create({
      data: {
        decisionId: entry.decisionId,
        subjectType: entry.subjectType,
        subjectId: entry.subjectId,
        applicationId: entry.applicationId ?? null,
        workflowId: entry.workflowId ?? null,
        action: entry.action,
        actorSub: entry.actorSub,
        actorRole: entry.actorRole,
        actorPrefecture: entry.actorPrefecture ?? null,
        reason: entry.reason ?? null,
        payload: (entry.payload ?? {}) as object,
        outcome: entry.outcome,
        refusal: entry.refusal ?? null,
        resultStage: entry.resultStage ?? null,
        at: new Date(entry.at),
        prevHash,
        hash,
      },
      select: { seq: true, hash: true },
    });
  });
}
