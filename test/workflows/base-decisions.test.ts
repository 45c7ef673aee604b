// A base's decisions and submissions as the read model and the audit log
// record them (issue 14's defects), on the time-skipping server with real
// activities on PostgreSQL:
// - two decisions in quick succession leave the later status in the Base row,
//   whichever write commits first (the first one's write is held back here
//   until the second one's has committed);
// - a decision just before the title lapses, then the expiry, leave
//   "expired" with the decision's own change;
// - a warning with rectification terms on a base already under
//   rectification applies them (a new rectification replaces the open one);
// - a rectification report sent twice with the same id is recorded once.
import { randomUUID } from 'node:crypto';
import type { WorkflowHandle } from '@temporalio/client';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { graveRecords } from '../support/grave-acts';
import type { ActRecord } from '../../activities/record-act';
import { addDays, cstDateOf } from '../../domain/dates';
import { titleTerm } from '../../domain/deadlines';
import { baseWorkflow } from '../../workflows/base';
import { baseStateQuery, reportRectificationUpdate, type BaseInput } from '../../workflows/base-messages';
import { decideBaseUpdate, type Actor } from '../../workflows/messages';
import { uncheckedBaseDecision, type LooseDecision } from '../support/decisions';
import { rectificationWorkflowId } from '../../workflows/rectification-messages';
import type { TestDatabase } from '../support/database';
import { startHarness, type Harness } from '../support/harness';
import { eventually } from '../support/eventually';

let harness: Harness;
let env: TestWorkflowEnvironment;
let database: TestDatabase;
let taskQueue: string;

/**
 * Acts whose write waits for another act's write to commit first: the
 * order in which concurrent writes reach PostgreSQL is not the order the
 * workflow applied them, and the row must still end right.
 */
const holds = new Map<string, { after: (act: ActRecord) => boolean; released: Promise<void>; release: () => void }>();
function holdUntil(decisionId: string, after: (act: ActRecord) => boolean): Promise<void> {
  let release!: () => void;
  const released = new Promise<void>((r) => (release = r));
  holds.set(decisionId, { after, released, release });
  return released;
}

beforeAll(async () => {
  harness = await startHarness({
    server: 'timeSkipping',
    name: 'base-decisions',
    wrapActivities: (real) => ({
      ...real,
      async recordAct(act: ActRecord) {
        const held = act.audit ? holds.get(act.audit.decisionId) : undefined;
        if (held) await held.released;
        await real.recordAct(act);
        for (const h of holds.values()) if (h.after(act)) h.release();
      },
    }),
  });
  ({ env, database, taskQueue } = harness);
});

afterAll(() => harness?.stop());

const province: Actor = { sub: 'province-officer', role: 'provinceOfficer' };
type Handle = WorkflowHandle<typeof baseWorkflow>;

function baseInput(namedOn: string): BaseInput {
  const id = randomUUID();
  return {
    baseId: id,
    unit: { name: '习水县', type: 'county', prefectures: ['520300'] },
    applicant: { name: '习水县人民政府', contactEmail: `xishui-${id.slice(0, 8)}@unit.example`, sub: `applicant-${id}` },
    namedOn,
  };
}

/**
 * A held local activity keeps its workflow task open: the next Update reaches
 * the workflow when the worker heartbeats that task, at 80% of its timeout.
 * A short timeout keeps the held-write test quick.
 */
async function startBase(namedOn: string): Promise<{ handle: Handle; input: BaseInput }> {
  const input = baseInput(namedOn);
  const handle = await env.client.workflow.start(baseWorkflow, { taskQueue, workflowId: `base-${input.baseId}`, args: [input], workflowTaskTimeout: '2s' });
  await eventually(() => database.db.base.findUnique({ where: { id: input.baseId } }), (b) => b !== null);
  return { handle, input };
}

function request(action: string, payload: Record<string, unknown> = {}, reason?: string): LooseDecision {
  return { decisionId: `d-${randomUUID()}`, action, actor: province, payload, ...(reason ? { reason } : {}) };
}
const decide = (handle: Handle, r: LooseDecision) => handle.executeUpdate(decideBaseUpdate, { updateId: r.decisionId, args: [uncheckedBaseDecision(r)] });

describe('base decisions in the read model', () => {
  it('two quick decisions leave the later status, whichever write commits first', async () => {
    const { handle, input } = await startBase(cstDateOf(await env.currentTimeMs()));
    const warn = request('warn', { ground: 1, ...graveRecords(1) }, '督察发现问题');
    const revoke = request('revoke', { ground: 4, ...graveRecords(4) }, '发生重大突发环境事件');
    // The warning's write waits until the revocation's has committed.
    const reordered = holdUntil(warn.decisionId, (act) => act.audit?.decisionId === revoke.decisionId);
    const [warned, revoked] = await Promise.all([decide(handle, warn), (async () => {
      // Sent once the warning is accepted, so it is checked against "warned".
      await eventually(() => handle.query(baseStateQuery), (s) => s.status === 'warned');
      return decide(handle, revoke);
    })()]);
    await reordered;
    expect([warned.stage, revoked.stage]).toEqual(['warned', 'revoked']);
    const row = await database.db.base.findUniqueOrThrow({ where: { id: input.baseId } });
    expect(row).toMatchObject({ status: 'revoked', endReason: '发生重大突发环境事件' });
    const audit = await database.db.decision.findMany({ where: { subjectId: input.baseId, outcome: 'applied' }, orderBy: { seq: 'asc' } });
    // The log is in commit order; both are there once.
    expect(audit.map((d) => d.action).sort()).toEqual(['revoke', 'warn']);
  });

  it('a decision just before the title lapses, then the expiry: "expired", with the decision kept', async () => {
    // Named almost three years ago: the title lapses within two days. (The
    // same with the decision's write committing after the expiry's is in
    // test/activities/record-act.test.ts: the time-skipping server does not
    // fire a timer while a local activity is held.)
    const now = await env.currentTimeMs();
    let namedOn = cstDateOf(now);
    while (Date.parse(titleTerm(namedOn).expiresAt) > now + 2 * 24 * 3600_000) namedOn = addDays(namedOn, -1);
    if (Date.parse(titleTerm(namedOn).expiresAt) <= now + 3600_000) namedOn = addDays(namedOn, 1);
    const { handle, input } = await startBase(namedOn);
    const recommend = request('recommendNational');
    expect((await decide(handle, recommend)).stage).toBe('named');
    await env.sleep(Date.parse(titleTerm(namedOn).expiresAt) - (await env.currentTimeMs()) + 60_000);
    expect(await handle.result()).toMatchObject({ status: 'expired' });
    const row = await eventually(() => database.db.base.findUniqueOrThrow({ where: { id: input.baseId } }), (b) => b.status === 'expired');
    expect(row).toMatchObject({ status: 'expired', nationalRecommended: true, endReason: '称号有效期届满，未续期' });
    expect(await database.db.decision.count({ where: { decisionId: recommend.decisionId, outcome: 'applied' } })).toBe(1);
    expect(await database.db.task.count({ where: { subjectId: input.baseId, status: 'open' } })).toBe(0);
  });

  it('a warning with terms during a rectification applies them', async () => {
    const { handle, input } = await startBase(cstDateOf(await env.currentTimeMs()));
    const today = cstDateOf(await env.currentTimeMs());
    await decide(handle, request('requireRectification', { requirements: ['完善制度'], deadline: addDays(today, 30) }));
    const first = rectificationWorkflowId(input.baseId, 1);
    await eventually(() => handle.query(baseStateQuery), (s) => s.rectification?.workflowId === first);
    const deadline = addDays(today, 60);
    const warned = await decide(handle, request('warn', { ground: 2, requirements: ['限期治理河道污染'], deadline, ...graveRecords(2) }, '整改期间发现新的突出问题'));
    expect(warned.stage).toBe('underRectification');
    const second = rectificationWorkflowId(input.baseId, 2);
    const s = await eventually(() => handle.query(baseStateQuery), (st) => st.rectification?.workflowId === second);
    expect(s.rectification).toMatchObject({ requirements: ['限期治理河道污染'], deadline });
    // It is still the status before the first rectification that a completed one returns to.
    expect(s.statusBeforeRectification).toBe('named');
    expect(await env.client.workflow.getHandle(first).result()).toMatchObject({ outcome: 'superseded' });
  });

  it('a rectification report sent twice with the same id is recorded once', async () => {
    const { handle, input } = await startBase(cstDateOf(await env.currentTimeMs()));
    const today = cstDateOf(await env.currentTimeMs());
    await decide(handle, request('requireRectification', { requirements: ['完善制度'], deadline: addDays(today, 30) }));
    const report = { reportId: `report-${randomUUID()}`, report: '已按要求完成整改', actor: { sub: input.applicant.sub, role: 'applicant' as const } };
    const a = await handle.executeUpdate(reportRectificationUpdate, { updateId: report.reportId, args: [report] });
    const b = await handle.executeUpdate(reportRectificationUpdate, { updateId: report.reportId, args: [report] });
    expect(b).toEqual(a);
    const rows = await database.db.decision.findMany({ where: { subjectId: input.baseId, action: 'reportRectification' } });
    expect(rows.map((r) => r.decisionId)).toEqual([report.reportId]);
  });
});
