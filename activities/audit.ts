// The audit log is append-only and hash-chained: each row's hash covers its
// content and the previous row's hash, so editing or deleting a row breaks
// every hash after it. `verifyAuditChain` (npm run audit:verify) walks the
// chain and names the first row that does not match.
import { createHash } from 'node:crypto';
import type { Prisma } from '../generated/prisma/client';
import type { Db } from '../infra/database';

export interface AuditEntry {
  decisionId: string;
  /** What was decided or attempted on: an application or a base, or for a refused attempt also a notice, complaint, file, expert, calendar year or API route. */
  subjectType: 'application' | 'base' | 'notice' | 'complaint' | 'file' | 'expert' | 'calendar' | 'notification' | 'office' | 'route';
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

/** Canonical JSON (sorted keys) so the hash does not depend on key order (also how the API compares a retried act's payload with the one recorded). */
export function canonical(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value ?? null);
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(',')}}`;
}

/**
 * The hash covers the entry as it is stored (absent optional fields are
 * NULL, an absent payload is {}), so that the verifier can recompute it from
 * the row alone.
 */
export function auditHash(prevHash: string, entry: AuditEntry): string {
  const stored = {
    ...entry,
    applicationId: entry.applicationId ?? null,
    workflowId: entry.workflowId ?? null,
    actorPrefecture: entry.actorPrefecture ?? null,
    reason: entry.reason ?? null,
    payload: entry.payload ?? {},
    refusal: entry.refusal ?? null,
    resultStage: entry.resultStage ?? null,
    at: new Date(entry.at).toISOString(),
    prevHash,
  };
  return createHash('sha256').update(canonical(stored)).digest('hex');
}

/** A stored row, as read back (Prisma's Decision model). */
export interface AuditRow {
  seq: bigint;
  decisionId: string;
  subjectType: string;
  subjectId: string;
  applicationId: string | null;
  workflowId: string | null;
  action: string;
  actorSub: string;
  actorRole: string;
  actorPrefecture: string | null;
  reason: string | null;
  payload: unknown;
  outcome: string;
  refusal: string | null;
  resultStage: string | null;
  at: Date;
  prevHash: string;
  hash: string;
}

/** The hash a stored row should carry, recomputed from its content and its stored prevHash. */
export function rowHash(row: AuditRow): string {
  return auditHash(row.prevHash, {
    decisionId: row.decisionId,
    subjectType: row.subjectType as AuditEntry['subjectType'],
    subjectId: row.subjectId,
    applicationId: row.applicationId,
    workflowId: row.workflowId,
    action: row.action,
    actorSub: row.actorSub,
    actorRole: row.actorRole,
    actorPrefecture: row.actorPrefecture,
    reason: row.reason,
    payload: row.payload,
    outcome: row.outcome as AuditEntry['outcome'],
    refusal: row.refusal,
    resultStage: row.resultStage,
    at: row.at.toISOString(),
  });
}

export type ChainCheck =
  | { ok: true; rows: number; lastSeq: string | null; lastHash: string }
  | { ok: false; rows: number; seq: string; problem: 'contentChanged' | 'brokenLink'; expected: string; found: string };

/**
 * Walks the chain in seq order, in pages: each row's prevHash must be the
 * previous row's hash (genesis for the first), and its hash must be what
 * its content gives. Stops at the first row that fails, which is the row
 * edited (contentChanged) or the one after a row deleted or re-hashed
 * (brokenLink).
 */
export async function verifyAuditChain(db: Db, pageSize = 1000): Promise<ChainCheck> {
  let prev = GENESIS_HASH;
  let after: bigint | undefined;
  let rows = 0;
  for (;;) {
    const page = (await db.decision.findMany({
      ...(after !== undefined ? { where: { seq: { gt: after } } } : {}),
      orderBy: { seq: 'asc' },
      take: pageSize,
    })) as AuditRow[];
    for (const row of page) {
      rows += 1;
      if (row.prevHash !== prev) return { ok: false, rows, seq: String(row.seq), problem: 'brokenLink', expected: prev, found: row.prevHash };
      const computed = rowHash(row);
      if (computed !== row.hash) return { ok: false, rows, seq: String(row.seq), problem: 'contentChanged', expected: computed, found: row.hash };
      prev = row.hash;
      after = row.seq;
    }
    if (page.length < pageSize) return { ok: true, rows, lastSeq: after !== undefined ? String(after) : null, lastHash: prev };
  }
}

// Serialises appenders so the chain has no forks.
const CHAIN_LOCK = 72_019_002;

type Tx = Prisma.TransactionClient;

/** Interactive transactions wait this long for a pooled connection and may run this long (Prisma's defaults, 2 s and 5 s, fail under 50 concurrent decisions). */
export const AUDIT_TRANSACTION_OPTIONS = { maxWait: 10_000, timeout: 15_000 } as const;

/**
 * Appends `entry` inside the caller's transaction, once per (decisionId,
 * outcome): a retry returns the existing row. The chain's lock is held from
 * here to the end of that transaction, so callers append last.
 */
export async function appendAuditInTransaction(tx: Tx, entry: AuditEntry): Promise<{ seq: bigint; hash: string; existed?: true }> {
  // Raw statements: Prisma's modelled queries cost ~2 ms each to compile
  // here, against ~0.4 ms for a raw round trip, and this runs in every
  // decision's answer (bench/decision-latency.ts). The lock first, then a new
  // statement (a new snapshot under READ COMMITTED) that sees every row
  // committed before the lock was granted.
  await tx.$executeRaw`SELECT pg_advisory_xact_lock(${CHAIN_LOCK})`;
  const [head] = await tx.$queryRaw<Array<{ last: string | null; seq: bigint | null; hash: string | null }>>`
    SELECT (SELECT "hash" FROM "Decision" ORDER BY "seq" DESC LIMIT 1) AS "last",
           d."seq", d."hash"
    FROM (SELECT 1) AS one
    LEFT JOIN "Decision" d ON d."decisionId" = ${entry.decisionId} AND d."outcome" = ${entry.outcome}`;
  if (head && head.seq !== null && head.hash !== null) return { seq: head.seq, hash: head.hash, existed: true };
  const prevHash = head?.last ?? GENESIS_HASH;
  const hash = auditHash(prevHash, entry);
  const [row] = await tx.$queryRaw<Array<{ seq: bigint; hash: string }>>`
    INSERT INTO "Decision" ("decisionId", "subjectType", "subjectId", "applicationId", "workflowId", "action", "actorSub", "actorRole",
                            "actorPrefecture", "reason", "payload", "outcome", "refusal", "resultStage", "at", "prevHash", "hash")
    VALUES (${entry.decisionId}, ${entry.subjectType}, ${entry.subjectId}, ${entry.applicationId ?? null}, ${entry.workflowId ?? null}, ${entry.action},
            ${entry.actorSub}, ${entry.actorRole}, ${entry.actorPrefecture ?? null}, ${entry.reason ?? null}, ${JSON.stringify(entry.payload ?? {})}::jsonb,
            ${entry.outcome}, ${entry.refusal ?? null}, ${entry.resultStage ?? null}, ${new Date(entry.at).toISOString()}::timestamptz, ${prevHash}, ${hash})
    RETURNING "seq", "hash"`;
  return row!;
}

/** Appends once per (decisionId, outcome) in a transaction of its own (refused attempts, which change nothing else). */
export async function appendAudit(db: Db, entry: AuditEntry): Promise<{ seq: bigint; hash: string }> {
  const { seq, hash } = await db.$transaction((tx) => appendAuditInTransaction(tx, entry), AUDIT_TRANSACTION_OPTIONS);
  return { seq, hash };
}
