import { describe, expect, it } from 'vitest';
import { checkComplaint, checkDismissal, checkInvestigation, complaintExcerpt, DEFAULT_CALENDAR, noticeOutcome, noticeWindow, type ComplaintFacts, type DismissalCandidate } from '../../domain';
import type { Actor } from '../../domain/roles';
import { actors, GUIYANG, ZUNYI } from './fixtures';

const window = noticeWindow(DEFAULT_CALENDAR, '2026-09-28T02:00:00.000Z');
const complaint = { complainant: { name: '张三', contact: '138' }, content: '该地存在违法排污' };

describe('filing a complaint (Art. 10, 15)', () => {
  it('is accepted only while the notice runs', () => {
    expect(checkComplaint(window, complaint, '2026-10-09T15:59:59.999Z')).toBeNull();
    expect(checkComplaint(window, complaint, '2026-10-09T16:00:00.000Z')).toMatchObject({ kind: 'conflict', code: 'noticeClosed' });
    expect(checkComplaint(window, complaint, '2026-09-28T01:00:00.000Z')).toMatchObject({ kind: 'conflict', code: 'noticeNotOpen' });
  });

  it('needs a name, a contact and content', () => {
    const r = checkComplaint(window, { complainant: { name: ' ' }, content: '' }, '2026-09-29T00:00:00Z');
    expect(r?.kind).toBe('invalid');
    expect(r?.problems?.map((p) => p.field)).toEqual(['complainant.name', 'complainant.contact', 'content']);
    expect(checkComplaint(window, { ...complaint, content: 'x'.repeat(20_001) }, '2026-09-29T00:00:00Z')?.problems?.map((p) => p.code)).toEqual(['tooLong']);
  });
});

describe('investigating a complaint', () => {
  const prefectureNotice: ComplaintFacts = { level: 'prefecture', prefectures: [ZUNYI], investigated: false };
  const provinceNotice: ComplaintFacts = { level: 'province', prefectures: [ZUNYI], investigated: false };
  const outcome = { outcome: 'untrue', findings: '经现场核查，不属实' };

  it('on a prefecture notice: the unit’s prefecture investigates (Art. 10)', () => {
    expect(checkInvestigation(prefectureNotice, actors.zunyiOfficer, outcome)).toEqual({ ok: true, kind: 'outcome', outcome: 'untrue' });
    expect(checkInvestigation(prefectureNotice, actors.guiyangOfficer, outcome)).toMatchObject({ ok: false, refusal: { kind: 'forbidden', code: 'wrongRegion' } });
    expect(checkInvestigation(prefectureNotice, actors.province, outcome)).toMatchObject({ ok: false, refusal: { kind: 'forbidden' } });
    expect(checkInvestigation(prefectureNotice, actors.applicant, outcome)).toMatchObject({ ok: false, refusal: { kind: 'forbidden', code: 'wrongRole' } });
    expect(checkInvestigation(prefectureNotice, actors.province, { delegateTo: ZUNYI })).toMatchObject({ ok: false, refusal: { kind: 'conflict', code: 'notDelegable' } });
  });

  it('on a province notice: the province investigates or delegates to the unit’s prefecture (Art. 15)', () => {
    expect(checkInvestigation(provinceNotice, actors.province, { outcome: 'substantiated', findings: '属实' })).toEqual({ ok: true, kind: 'outcome', outcome: 'substantiated' });
    expect(checkInvestigation(provinceNotice, actors.zunyiOfficer, outcome)).toMatchObject({ ok: false, refusal: { kind: 'forbidden' } });
    expect(checkInvestigation(provinceNotice, actors.province, { delegateTo: ZUNYI })).toEqual({ ok: true, kind: 'delegation', delegateTo: ZUNYI });
    expect(checkInvestigation(provinceNotice, actors.province, { delegateTo: GUIYANG })).toMatchObject({ ok: false, refusal: { kind: 'invalid' } });
    expect(checkInvestigation(provinceNotice, actors.province, { delegateTo: ZUNYI, outcome: 'untrue' })).toMatchObject({ ok: false, refusal: { kind: 'invalid' } });
    expect(checkInvestigation(provinceNotice, actors.zunyiOfficer, { delegateTo: ZUNYI })).toMatchObject({ ok: false, refusal: { kind: 'forbidden', code: 'wrongRole' } });
    const delegated = { ...provinceNotice, delegatedTo: ZUNYI };
    expect(checkInvestigation(delegated, actors.zunyiOfficer, outcome)).toMatchObject({ ok: true });
    expect(checkInvestigation(delegated, actors.province, outcome)).toMatchObject({ ok: true });
    expect(checkInvestigation(delegated, actors.province, { delegateTo: ZUNYI })).toMatchObject({ ok: false, refusal: { kind: 'conflict', code: 'alreadyDelegated' } });
  });

  it('once only, with an outcome of the four and findings', () => {
    expect(checkInvestigation({ ...prefectureNotice, investigated: true }, actors.zunyiOfficer, outcome)).toMatchObject({ ok: false, refusal: { kind: 'conflict', code: 'alreadyInvestigated' } });
    expect(checkInvestigation({ ...provinceNotice, investigated: true }, actors.province, { delegateTo: ZUNYI })).toMatchObject({ ok: false, refusal: { code: 'alreadyInvestigated' } });
    const r = checkInvestigation(prefectureNotice, actors.zunyiOfficer, { outcome: 'false', findings: '' });
    expect(r.ok ? [] : r.refusal.problems?.map((p) => p.field)).toEqual(['outcome', 'findings']);
  });
});

describe('dismissing several complaints at once (不予受理, issue 15)', () => {
  const prefectureNotice = { level: 'prefecture' as const, prefectures: [ZUNYI] };
  const provinceNotice = { level: 'province' as const, prefectures: [ZUNYI] };
  const open = (id: string, delegatedTo: string | null = null): DismissalCandidate => ({ complaintId: id, complaint: { receivedAt: '2027-03-02T02:15:00.000Z', delegatedTo, investigated: false } });
  const concluded = (id: string): DismissalCandidate => ({ complaintId: id, complaint: { receivedAt: '2027-03-02T03:40:00.000Z', delegatedTo: null, investigated: true } });
  const unknown = (id: string): DismissalCandidate => ({ complaintId: id, complaint: null });
  const body = (candidates: DismissalCandidate[], reason: unknown = '内容与本次公示无关') => ({ complaintIds: candidates.map((c) => c.complaintId), reason });
  const check = (notice: typeof prefectureNotice | typeof provinceNotice, candidates: DismissalCandidate[], actor: Actor = actors.zunyiOfficer, reason?: unknown) =>
    checkDismissal(notice, candidates, actor, body(candidates, ...(reason === undefined ? [] : [reason])));

  it('by the office that investigates the notice’s complaints (Art. 10, 15)', () => {
    const both = [open('a'), open('b')];
    expect(check(prefectureNotice, both)).toEqual({ ok: true });
    expect(check(prefectureNotice, both, actors.guiyangOfficer)).toMatchObject({ ok: false, refusal: { kind: 'forbidden', code: 'wrongRegion' } });
    expect(check(prefectureNotice, both, actors.province)).toMatchObject({ ok: false, refusal: { kind: 'forbidden' } });
    expect(check(prefectureNotice, both, actors.applicant)).toMatchObject({ ok: false, refusal: { kind: 'forbidden', code: 'wrongRole' } });
    expect(check(provinceNotice, both, actors.province)).toEqual({ ok: true });
    // On a province notice a prefecture dismisses only what the province delegated to it.
    expect(check(provinceNotice, [open('a', ZUNYI)], actors.zunyiOfficer)).toEqual({ ok: true });
    const mixed = check(provinceNotice, [open('a', ZUNYI), open('b')], actors.zunyiOfficer);
    expect(mixed).toMatchObject({ ok: false, refusal: { kind: 'forbidden', problems: [{ field: 'complaintIds.1', code: 'wrongRegion' }] } });
    expect(check(provinceNotice, both, actors.guiyangOfficer)).toMatchObject({ ok: false, refusal: { kind: 'forbidden' } });
  });

  it('all or nothing: names every complaint that is not the notice’s, listed twice, or already concluded', () => {
    const invalid = check(prefectureNotice, [open('a'), unknown('x'), open('a')], actors.zunyiOfficer, ' ');
    expect(invalid.ok ? [] : invalid.refusal.problems?.map((p) => [p.field, p.code])).toEqual([
      ['complaintIds.1', 'unknownComplaint'], ['complaintIds.2', 'duplicate'], ['reason', 'missing'],
    ]);
    expect(invalid).toMatchObject({ ok: false, refusal: { kind: 'invalid', zh: expect.stringContaining('第2项不是本次公示收到的投诉举报') } });
    const done = check(prefectureNotice, [open('a'), concluded('b')]);
    expect(done).toMatchObject({ ok: false, refusal: { kind: 'conflict', code: 'alreadyConcluded', problems: [{ field: 'complaintIds.1', code: 'alreadyConcluded' }] } });
    // Named by its place and when it came in (北京时间), never by its id.
    expect(done.ok ? '' : done.refusal.zh).toContain('第2项（北京时间2027年3月2日 11:40收到）已办结');
    expect(done.ok ? '' : done.refusal.zh).not.toContain('b）');
    expect(checkDismissal(prefectureNotice, [], actors.zunyiOfficer, { complaintIds: [], reason: '重复投诉' })).toMatchObject({ ok: false, refusal: { kind: 'invalid', problems: [{ field: 'complaintIds' }] } });
  });

  it('settles a complaint without stopping the notice (Art. 16)', () => {
    expect(noticeOutcome(true, [{ outcome: 'dismissed' }, { outcome: 'untrue' }])).toBe('clear');
    expect(noticeOutcome(true, [{ outcome: 'dismissed' }, { outcome: null }])).toBe('awaitingInvestigation');
  });

  it('quotes a complaint in the digest mail as one short line', () => {
    expect(complaintExcerpt('  河道\n\n非法采砂  ')).toBe('河道 非法采砂');
    expect(complaintExcerpt('采'.repeat(61))).toBe(`${'采'.repeat(60)}……`);
    expect(complaintExcerpt('采'.repeat(60))).toBe('采'.repeat(60));
  });
});

describe('what a notice leads to (Art. 16)', () => {
  it('clear after closing with no complaint, or all untrue, without evidence or resolved', () => {
    expect(noticeOutcome(true, [])).toBe('clear');
    expect(noticeOutcome(true, [{ outcome: 'untrue' }, { outcome: 'noEvidence' }, { outcome: 'resolved' }])).toBe('clear');
  });
  it('stopped by a substantiated complaint, even before closing', () => {
    expect(noticeOutcome(false, [{ outcome: 'substantiated' }])).toBe('stopped');
    expect(noticeOutcome(true, [{ outcome: 'untrue' }, { outcome: 'substantiated' }])).toBe('stopped');
  });
  it('running, or waiting for investigations after closing', () => {
    expect(noticeOutcome(false, [{ outcome: 'untrue' }])).toBe('running');
    expect(noticeOutcome(true, [{ outcome: 'untrue' }, { outcome: null }])).toBe('awaitingInvestigation');
  });
});
