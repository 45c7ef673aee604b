// The one write path (activities/record-act.ts) on a real PostgreSQL: an
// act's audit entry, read-model changes and task closes are all recorded or
// none; a retry changes nothing twice; a write older than the row's revision
// (a decision's write that commits after the expiry's) leaves the row as the
// newer one set it; and 50 acts at once keep the audit chain whole without
// running out of pooled connections; the same act sent twice at once is
// recorded once, the second transaction rolled back under the chain's lock.
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AuditEntry } from '../../activities/audit';
import { verifyAuditChain } from '../../activities/audit';
import { recordAct, type ReadModelChange } from '../../activities/record-act';
import { createTestDatabase, type TestDatabase } from '../support/database';

let database: TestDatabase;

beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(() => database?.drop());

const entry = (subjectId: string, action: string, decisionId = `d-${randomUUID()}`): AuditEntry => ({
  decisionId, subjectType: 'base', subjectId, applicationId: null, workflowId: `base-${subjectId}`, action,
  actorSub: 'province-officer', actorRole: 'provinceOfficer', reason: null, payload: {}, outcome: 'applied', resultStage: null, at: new Date().toISOString(),
});

const status = (baseId: string, revision: number, s: string, extra: Record<string, unknown> = {}): ReadModelChange => ({
  kind: 'baseStatus', revision, change: { baseId, status: s, ...extra },
});

async function base(): Promise<string> {
  const id = randomUUID();
  await database.db.base.create({
    data: {
      id, workflowId: `base-${id}`, unitName: '习水县', unitType: 'county', prefectures: ['520300'], applicantSub: 'a', contactEmail: 'a@x.example',
      status: 'named', namedOn: '2026-01-05', termStartsOn: '2026-01-05', termEndsOn: '2029-01-04', termNo: 1,
    },
  });
  await database.db.task.create({
    data: { id: `base-${id}:postEvaluation`, workflowId: `base-${id}`, subjectType: 'base', subjectId: id, step: 'postEvaluation', role: 'provinceOfficer', dueAt: new Date() },
  });
  return id;
}

describe('recordAct', () => {
  it('keeps the newest revision when an older write commits last (a decision retried after the expiry)', async () => {
    const id = await base();
    // The expiry (revision 3) commits first; the decision taken before it (revision 2) is retried after.
    await recordAct(database.db, { changes: [status(id, 3, 'expired', { endReason: '称号有效期届满，未续期', nationalRecommended: true })] });
    await recordAct(database.db, { audit: entry(id, 'recommendNational'), changes: [status(id, 2, 'named', { nationalRecommended: true })] });
    expect(await database.db.base.findUniqueOrThrow({ where: { id } })).toMatchObject({ status: 'expired', revision: 3, nationalRecommended: true });
    // The decision is still in the log: it was taken.
    expect(await database.db.decision.count({ where: { subjectId: id, action: 'recommendNational' } })).toBe(1);
  });

  it('records an act once, however often it is retried', async () => {
    const id = await base();
    const act = {
      audit: entry(id, 'concludeEvaluation'),
      changes: [status(id, 1, 'named'), { kind: 'closeTasks', taskIds: [`base-${id}:postEvaluation`], closedBy: 'x', closedAt: new Date().toISOString() } as ReadModelChange],
    };
    await recordAct(database.db, act);
    // Meanwhile a later act moved the row on; the retry must not move it back.
    await recordAct(database.db, { audit: entry(id, 'warn'), changes: [status(id, 2, 'warned')] });
    await recordAct(database.db, act);
    expect(await database.db.decision.count({ where: { decisionId: act.audit.decisionId } })).toBe(1);
    expect(await database.db.base.findUniqueOrThrow({ where: { id } })).toMatchObject({ status: 'warned', revision: 2 });
    expect(await database.db.task.findUniqueOrThrow({ where: { id: `base-${id}:postEvaluation` } })).toMatchObject({ status: 'done', closedBy: 'x' });
  });

  it('records nothing of an act that cannot be recorded whole', async () => {
    const id = await base();
    const before = await database.db.decision.count();
    // Naming an application that does not exist fails after the status change was written.
    await expect(
      recordAct(database.db, {
        audit: entry(id, 'name'),
        changes: [status(id, 1, 'warned'), { kind: 'naming', applicationId: `missing-${id}`, namedOn: '2026-01-05', titleEndsOn: '2029-01-04' }],
      }),
    ).rejects.toThrow();
    expect(await database.db.decision.count()).toBe(before);
    expect(await database.db.base.findUniqueOrThrow({ where: { id } })).toMatchObject({ status: 'named', revision: 0 });
  });

  it('takes 50 acts at once with the chain whole', async () => {
    const ids = await Promise.all(Array.from({ length: 10 }, () => base()));
    await Promise.all(
      Array.from({ length: 50 }, (_, n) => recordAct(database.db, { audit: entry(ids[n % 10]!, 'recommendNational'), changes: [status(ids[n % 10]!, Math.floor(n / 10) + 1, 'named')] })),
    );
    const chain = await verifyAuditChain(database.db);
    expect(chain.ok).toBe(true);
    for (const id of ids) expect((await database.db.base.findUniqueOrThrow({ where: { id } })).revision).toBe(5);
  });
  it('records the same act sent twice at once once: the second finds it under the chain\'s lock and rolls back', async () => {
    const id = await base();
    const act = {
      audit: entry(id, 'concludeEvaluation'),
      changes: [status(id, 1, 'named'), { kind: 'closeTasks', taskIds: [`base-${id}:postEvaluation`], closedBy: 'x', closedAt: new Date().toISOString() } as ReadModelChange],
    };
    // Hold the chain's lock (activities/audit.ts CHAIN_LOCK) so that both pass the check for an
    // earlier entry before either appends: the first writes its changes and waits for the lock,
    // the second waits for the first's row (or, without changes, for the lock too).
    const holder = new pg.Client({ connectionString: database.url });
    await holder.connect();
    try {
      await holder.query('SELECT pg_advisory_lock(72019002)');
      const both = Promise.all([recordAct(database.db, act), recordAct(database.db, act)]);
      const waiting = async () =>
        Number((await holder.query<{ n: string }>(
          `SELECT count(*) AS n FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid WHERE a.datname = current_database() AND NOT l.granted`,
        )).rows[0]!.n);
      await expect.poll(waiting, { timeout: 10_000 }).toBe(2);
      await holder.query('SELECT pg_advisory_unlock(72019002)');
      await both;
    } finally {
      await holder.end();
    }
    expect(await database.db.decision.count({ where: { decisionId: act.audit.decisionId } })).toBe(1);
    expect(await database.db.base.findUniqueOrThrow({ where: { id } })).toMatchObject({ status: 'named', revision: 1 });
    expect(await database.db.task.findUniqueOrThrow({ where: { id: `base-${id}:postEvaluation` } })).toMatchObject({ status: 'done', closedBy: 'x' });
    expect((await verifyAuditChain(database.db)).ok).toBe(true);
  });
});
