import { describe, expect, it } from 'vitest';
import { checkComplaint, checkInvestigation, DEFAULT_CALENDAR, noticeOutcome, noticeWindow, type ComplaintFacts } from '../../domain';
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
