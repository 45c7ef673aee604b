// One write path for every act of record (a decision, a submission, a report,
// an investigation, indicator data, an expert pool or calendar change, a
// resend, an upload): its audit entry, the read-model rows it changes and the tasks it
// closes are written in ONE PostgreSQL transaction, in the order the workflow
// (or the API) applied them. Either all of it is recorded or none of it is,
// and a retry finds the audit entry and changes nothing twice.
//
// Ordering between acts does not depend on which transaction commits first:
// an application's stage and a base's status carry the workflow's revision
// (its count of state changes), and a write older than the row's is skipped.
//
// The chain's lock (activities/audit.ts) is taken last, just before the
// audit row is appended, so concurrent acts hold it only for the append and
// not for their read-model writes.
//
// The transaction runs on one client of the database's pg.Pool (BEGIN …
// COMMIT), not in a Prisma interactive transaction: that costs about 6 ms of
// a decision's write on this machine (issue 24, bench/README.md) for the
// same statements. Acts that change the province's and ops' own records
// (modelled queries below, rare) still run in a Prisma transaction.
import type { Pool, PoolClient } from 'pg';
import type { Prisma } from '../generated/prisma/client';
import { pgPoolOf, type Db } from '../infra/database';
import type { OfficeFields } from '../domain/offices';
import { submissionPath } from '../domain/submission-path';
import { verdictLine } from '../domain/ls-index/verdict-line';
import { appendAuditInTransaction, AUDIT_TRANSACTION_OPTIONS, type AuditEntry } from './audit';
import type { BaseStatusChange, SummaryRecord } from './bases';
import type { ApplicationRecord } from './index';
import type { InvestigationRecord } from './notices';

/** A change to the read model that an act makes, applied in the order given. */
export type ReadModelChange =
  | { kind: 'applicationStage'; applicationId: string; revision: number; stage: string; endReason: string | null }
  | { kind: 'baseStatus'; revision: number; change: BaseStatusChange }
  | { kind: 'closeTasks'; taskIds: string[]; closedBy: string; closedAt: string }
  | { kind: 'expertAssignments'; applicationId: string; expertIds: string[]; assignedAt: string }
  | { kind: 'expertOpinion'; applicationId: string; expertId: string; criteria: unknown; onSite: boolean; opinion: string; submittedAt: string }
  | { kind: 'naming'; applicationId: string; namedOn: string; titleEndsOn: string }
  | { kind: 'summary'; summary: SummaryRecord }
  | { kind: 'indicatorData'; baseId: string; year: number; values: unknown; evaluation: unknown; submittedBy: string; submittedAt: string }
  /** The unit's terrain, given with its indicator data when not on record (a base's row id is its application's). */
  | { kind: 'unitTerrain'; applicationId: string; terrain: string }
  | { kind: 'investigation'; investigation: InvestigationRecord }
  | { kind: 'applicationSubmitted'; application: ApplicationRecord }
  | { kind: 'expertAdded'; id: string; data: NewExpert }
  | { kind: 'expertChanged'; id: string; data: Partial<NewExpert> }
  | { kind: 'calendarYear'; year: number; holidays: string[]; workdays: string[]; updatedBy: string }
  | { kind: 'fileUploaded'; file: UploadedFile }
  | { kind: 'calendarFeedCreated'; feed: { id: string; tokenHash: string; ownerSub: string; role: string; prefecture: string | null } }
  | { kind: 'calendarFeedRevoked'; id: string; revokedAt: string }
  | { kind: 'officeSet'; region: string; create: OfficeFields; update: Partial<OfficeFields>; updatedBy: string };

/** An uploaded document's metadata (POST /api/files); its bytes are already stored under their sha256. */
export interface UploadedFile {
  id: string;
  sha256: string;
  size: number;
  contentType: string;
  originalName: string;
  storagePath: string;
  uploadedBy: string;
  uploaderRole: string;
  uploaderPrefecture: string | null;
}

/** An expert of the pool as the province keeps it (Art. 25). */
export interface NewExpert {
  name: string;
  email: string;
  fields: string[];
  region: string | null;
  active: boolean;
}

export interface ActRecord {
  /** The act's entry in the audit log. A notice's outcome moving the application on is the system's act (actor `system`, workflows/decision-writes.ts automaticEntry), so the timeline shows it; absent only for writes that change nothing a person decided (a task row, a read-model refresh). */
  audit?: AuditEntry;
  changes: ReadModelChange[];
}

type Tx = Prisma.TransactionClient;

/** The statements the raw writes need: Prisma's transaction client, or a pg client in a transaction (pgTransaction). */
interface RawTx {
  $executeRaw(query: TemplateStringsArray, ...values: unknown[]): PromiseLike<number>;
  $queryRaw<T = unknown>(query: TemplateStringsArray, ...values: unknown[]): PromiseLike<T>;
}

/** Changes written with Prisma's modelled queries: the province's and ops' own records, changed rarely. */
const MODELLED = {
  applicationSubmitted: true, expertAdded: true, expertChanged: true, calendarYear: true, fileUploaded: true, officeSet: true,
  calendarFeedCreated: true, calendarFeedRevoked: true,
} as const satisfies Partial<Record<ReadModelChange['kind'], true>>;
type ModelledChange = Extract<ReadModelChange, { kind: keyof typeof MODELLED }>;
type RawChange = Exclude<ReadModelChange, ModelledChange>;
const isModelled = (change: ReadModelChange): change is ModelledChange => Object.hasOwn(MODELLED, change.kind);

/** JSON for a jsonb parameter (`::jsonb`): what Prisma would store for the value. */
const json = (v: unknown) => JSON.stringify(v ?? {});
const instant = (iso: string) => new Date(iso).toISOString();

// Raw statements, not Prisma's modelled queries: each of those costs ~2 ms to
// compile on this machine against ~0.4 ms for a raw round trip, and an act is
// recorded inside its decision's answer (bench/decision-latency.ts). Tables
// and columns are Prisma's (prisma/schema.prisma); `updatedAt`, which Prisma
// sets itself, is set here.
async function applyRaw(tx: RawTx, change: RawChange): Promise<void> {
  switch (change.kind) {
    case 'applicationStage':
      await tx.$executeRaw`
        UPDATE "Application" SET "stage" = ${change.stage}, "endReason" = ${change.endReason}, "revision" = ${change.revision}, "updatedAt" = now()
        WHERE "id" = ${change.applicationId} AND "revision" < ${change.revision}`;
      return;
    case 'baseStatus': {
      const c = change.change;
      // Absent fields keep their value (COALESCE); endReason may be set back to NULL only by naming it.
      await tx.$executeRaw`
        UPDATE "Base" SET "status" = ${c.status},
          "termStartsOn" = COALESCE(${c.termStartsOn ?? null}, "termStartsOn"),
          "termEndsOn" = COALESCE(${c.termEndsOn ?? null}, "termEndsOn"),
          "termNo" = COALESCE(${c.termNo ?? null}::int, "termNo"),
          "endReason" = CASE WHEN ${c.endReason !== undefined} THEN ${c.endReason ?? null} ELSE "endReason" END,
          "nationalRecommended" = COALESCE(${c.nationalRecommended ?? null}::boolean, "nationalRecommended"),
          "revision" = ${change.revision}, "updatedAt" = now()
        WHERE "id" = ${c.baseId} AND "revision" < ${change.revision}`;
      return;
    }
    case 'closeTasks':
      if (change.taskIds.length === 0) return;
      await tx.$executeRaw`
        UPDATE "Task" SET "status" = 'done', "closedBy" = ${change.closedBy}, "closedAt" = ${instant(change.closedAt)}::timestamptz
        WHERE "id" = ANY(${change.taskIds}::text[]) AND "status" = 'open'`;
      return;
    case 'expertAssignments':
      await tx.$executeRaw`
        INSERT INTO "ExpertReview" ("id", "applicationId", "expertId", "assignedAt")
        SELECT ${change.applicationId}::text || ':' || e, ${change.applicationId}, e, ${instant(change.assignedAt)}::timestamptz
        FROM unnest(${change.expertIds}::text[]) AS e
        ON CONFLICT ("id") DO NOTHING`;
      return;
    case 'expertOpinion':
      await tx.$executeRaw`
        UPDATE "ExpertReview" SET "criteria" = ${json(change.criteria)}::jsonb, "onSite" = ${change.onSite}, "opinion" = ${change.opinion},
          "submittedAt" = ${instant(change.submittedAt)}::timestamptz
        WHERE "id" = ${`${change.applicationId}:${change.expertId}`} AND "submittedAt" IS NULL`;
      return;
    case 'naming': {
      const named = await tx.$executeRaw`
        UPDATE "Application" SET "namedOn" = ${change.namedOn}, "titleEndsOn" = ${change.titleEndsOn}, "updatedAt" = now()
        WHERE "id" = ${change.applicationId}`;
      if (named !== 1) throw new Error(`no application ${change.applicationId} to name`);
      return;
    }
    case 'summary': {
      // One row per version; a version already written (a retried act) is left as it is.
      const s = change.summary;
      const version = s.version ?? 1;
      await tx.$executeRaw`
        INSERT INTO "BaseSummary" ("id", "baseId", "year", "version", "submissionId", "fileId", "summary", "late", "submittedBy", "submittedAt")
        VALUES (${`${s.baseId}:${s.year}:${version}`}, ${s.baseId}, ${s.year}, ${version}, ${s.submissionId ?? null}, ${s.fileId}, ${s.summary}, ${s.late}, ${s.submittedBy}, ${instant(s.submittedAt)}::timestamptz)
        ON CONFLICT ("baseId", "year", "version") DO NOTHING`;
      return;
    }
    case 'indicatorData':
      await tx.$executeRaw`
        INSERT INTO "BaseIndicatorData" ("id", "baseId", "year", "values", "evaluation", "verdicts", "submittedBy", "submittedAt")
        VALUES (gen_random_uuid()::text, ${change.baseId}, ${change.year}, ${json(change.values)}::jsonb, ${json(change.evaluation)}::jsonb,
                ${verdictLine(change.evaluation)}, ${change.submittedBy}, ${instant(change.submittedAt)}::timestamptz)
        ON CONFLICT ("baseId", "year") DO UPDATE SET "values" = EXCLUDED."values", "evaluation" = EXCLUDED."evaluation", "verdicts" = EXCLUDED."verdicts",
          "submittedBy" = EXCLUDED."submittedBy", "submittedAt" = EXCLUDED."submittedAt"`;
      return;
    case 'unitTerrain':
      // Only where none is on record: a terrain once given is not changed this way.
      await tx.$executeRaw`UPDATE "Application" SET "terrain" = ${change.terrain} WHERE "id" = ${change.applicationId} AND "terrain" IS NULL`;
      return;
    case 'investigation': {
      const i = change.investigation;
      if (i.delegatedTo) {
        await tx.$executeRaw`UPDATE "Complaint" SET "delegatedTo" = ${i.delegatedTo} WHERE "id" = ${i.complaintId} AND "status" = 'open'`;
        return;
      }
      await tx.$executeRaw`
        UPDATE "Complaint" SET "status" = 'closed', "outcome" = ${i.outcome ?? null}, "findings" = ${i.findings ?? null},
          "investigatedBy" = ${i.investigatedBy}, "decisionId" = ${i.decisionId}, "closedAt" = ${instant(i.at)}::timestamptz
        WHERE "id" = ${i.complaintId} AND "status" = 'open'`;
      return;
    }
  }
  // The compiler refuses a change kind without its write above.
  const unhandled: never = change;
  throw new Error(`unknown read-model change ${JSON.stringify(unhandled)}`);
}

async function applyModelled(tx: Tx, change: ModelledChange): Promise<void> {
  switch (change.kind) {
    case 'applicationSubmitted': {
      const a = change.application;
      await tx.application.upsert({
        where: { id: a.id },
        create: {
          id: a.id, workflowId: a.workflowId, year: a.year, unitName: a.unit.name, unitType: a.unit.type, prefectures: a.unit.prefectures,
          terrain: a.unit.terrain ?? null, applicantName: a.applicant.name, applicantSub: a.applicant.sub, contactEmail: a.applicant.contactEmail,
          materials: JSON.parse(json(a.materials)) as Prisma.InputJsonValue, stage: a.stage, submittedAt: new Date(a.submittedAt),
          submitVia: submissionPath(a.unit.prefectures, a.submitVia),
        },
        update: {},
      });
      return;
    }
    // The province's and ops' own records, changed rarely: Prisma's modelled queries.
    case 'expertAdded':
      await tx.expert.create({ data: { id: change.id, ...change.data } });
      return;
    case 'expertChanged':
      await tx.expert.update({ where: { id: change.id }, data: change.data });
      return;
    case 'calendarYear':
      await tx.calendarYear.upsert({
        where: { year: change.year },
        create: { year: change.year, holidays: change.holidays, workdays: change.workdays, updatedBy: change.updatedBy },
        update: { holidays: change.holidays, workdays: change.workdays, updatedBy: change.updatedBy },
      });
      return;
    case 'fileUploaded':
      await tx.file.create({ data: change.file });
      return;
    // The office directory (api/offices.ts): a new office, or the fields given changed.
    case 'officeSet':
      await tx.office.upsert({
        where: { region: change.region },
        create: { region: change.region, ...change.create, updatedBy: change.updatedBy },
        update: { ...change.update, updatedBy: change.updatedBy },
      });
      return;
    // A deadline feed (api/calendar-feeds.ts): only the hash of its secret is kept.
    case 'calendarFeedCreated':
      await tx.calendarFeed.create({ data: change.feed });
      return;
    case 'calendarFeedRevoked':
      await tx.calendarFeed.updateMany({ where: { id: change.id, revokedAt: null }, data: { revokedAt: new Date(change.revokedAt) } });
      return;
  }
  // The compiler refuses a change kind without its write above.
  const unhandled: never = change;
  throw new Error(`unknown read-model change ${JSON.stringify(unhandled)}`);
}

const apply = (tx: Tx, change: ReadModelChange) => (isModelled(change) ? applyModelled(tx, change) : applyRaw(tx, change));

/** How long an act waits for a pooled connection, and the longest any of its statements may run (the chain's lock included). */
const CONNECTION_WAIT_MS = AUDIT_TRANSACTION_OPTIONS.maxWait;
const STATEMENT_TIMEOUT_MS = AUDIT_TRANSACTION_OPTIONS.timeout;

/**
 * A tagged template as one parameterised statement ($1, $2, …), the values
 * sent as pg sends them: the raw writes above cast what PostgreSQL could not
 * infer, so they read the same under Prisma and here.
 */
const statement = (strings: TemplateStringsArray) => strings.reduce((sql, part, i) => `${sql}$${i}${part}`);

/** Runs `body` in one transaction on one client of `pool`: committed if it returns, rolled back if it throws. */
async function pgTransaction<T>(pool: Pool, body: (tx: RawTx) => Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const connecting = pool.connect();
  const client: PoolClient = await Promise.race([
    connecting,
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        // Given up on: a connection that comes later goes straight back.
        connecting.then((late) => late.release(), () => undefined);
        reject(new Error(`no pooled connection for an act of record within ${CONNECTION_WAIT_MS} ms`));
      }, CONNECTION_WAIT_MS);
    }),
  ]).finally(() => clearTimeout(timer));
  let broken: Error | undefined;
  try {
    // One round trip: the simple protocol takes both statements at once.
    await client.query(`BEGIN; SET LOCAL statement_timeout = ${STATEMENT_TIMEOUT_MS}`);
    const tx: RawTx = {
      $executeRaw: async (strings, ...values) => (await client.query(statement(strings), values)).rowCount ?? 0,
      $queryRaw: async <R>(strings: TemplateStringsArray, ...values: unknown[]) => (await client.query(statement(strings), values)).rows as R,
    };
    const result = await body(tx);
    await client.query('COMMIT');
    return result;
  } catch (error) {
    try {
      await client.query('ROLLBACK');
    } catch (rollbackFailed) {
      // The connection is unusable (PostgreSQL gone): not returned to the pool.
      broken = rollbackFailed as Error;
    }
    throw error;
  } finally {
    client.release(broken);
  }
}

/** The act's statements, in either kind of transaction. */
async function writeAct(tx: RawTx, act: ActRecord, applyChange: (change: ReadModelChange) => Promise<void>): Promise<void> {
  if (act.audit) {
    const done = await tx.$queryRaw<unknown[]>`SELECT 1 FROM "Decision" WHERE "decisionId" = ${act.audit.decisionId} AND "outcome" = ${act.audit.outcome}`;
    if (done.length > 0) return;
  }
  for (const change of act.changes) await applyChange(change);
  // The same act, sent twice at once, passes the check above twice: the one whose entry is
  // appended second finds the first's under the chain's lock and undoes its own changes.
  // (appendAuditInTransaction uses only $executeRaw and $queryRaw, which a pg transaction has too.)
  if (act.audit && (await appendAuditInTransaction(tx as unknown as Tx, act.audit)).existed) throw new ActRecordedMeanwhile();
}

/**
 * Records one act: all of its writes or none. An act whose audit entry is
 * already in the log was recorded by an earlier try: nothing is written again.
 */
export async function recordAct(db: Db, act: ActRecord): Promise<void> {
  const pool = pgPoolOf(db);
  try {
    if (pool && !act.changes.some(isModelled)) {
      await pgTransaction(pool, (tx) => writeAct(tx, act, (change) => applyRaw(tx, change as RawChange)));
    } else {
      await db.$transaction((tx) => writeAct(tx, act, (change) => apply(tx, change)), AUDIT_TRANSACTION_OPTIONS);
    }
  } catch (error) {
    if (!(error instanceof ActRecordedMeanwhile)) throw error;
  }
}

/** Rolls back a transaction whose act another one recorded first (recordAct). */
class ActRecordedMeanwhile extends Error {}
