// Art. 11: a cross-prefecture unit MAY apply directly to the province; it
// chooses its path at submission (domain/submission-path.ts), and only the
// prefecture it chose takes the prefecture steps (domain/scope.ts).
import { describe, expect, it } from 'vitest';
import {
  availableApplicationActions,
  checkApplicationDecision,
  checkDismissal,
  checkInvestigation,
  checkScope,
  initialApplicationStage,
  maySee,
  prefectureInCharge,
  submissionPath,
  submissionPathZh,
  submitViaProblems,
  validateSubmission,
  viaPrefectureOf,
  type Subject,
} from '../../domain';
import { actors, appFacts, AT, GUIYANG, ZUNYI } from './fixtures';

const BIJIE = '520500';
const bijieOfficer = { sub: 'po-bj', role: 'prefectureOfficer', prefecture: BIJIE } as const;
const CROSS = [ZUNYI, BIJIE];

describe('the path of an application (Art. 11)', () => {
  it('a cross-prefecture unit must choose: the province or one of its own prefectures, naming submitVia', () => {
    expect(submitViaProblems(CROSS, 'province')).toEqual([]);
    expect(submitViaProblems(CROSS, ZUNYI)).toEqual([]);
    expect(submitViaProblems(CROSS, BIJIE)).toEqual([]);
    const missing = submitViaProblems(CROSS, undefined);
    expect(missing).toMatchObject([{ field: 'submitVia', code: 'missing' }]);
    expect(missing[0]!.zh).toContain('遵义市、毕节市');
    const foreign = submitViaProblems(CROSS, GUIYANG);
    expect(foreign).toMatchObject([{ field: 'submitVia', code: 'notUnitPrefecture' }]);
    expect(foreign[0]!.zh).toContain('贵阳市不是该建设单元所在的市（州）');
    expect(submitViaProblems(CROSS, '529999')).toMatchObject([{ field: 'submitVia', code: 'notUnitPrefecture' }]);
    expect(submitViaProblems(CROSS, 7)).toMatchObject([{ field: 'submitVia', code: 'notUnitPrefecture' }]);
  });

  it('a single-prefecture unit has no choice: submitVia is refused, even its own prefecture', () => {
    expect(submitViaProblems([ZUNYI], undefined)).toEqual([]);
    expect(submitViaProblems([ZUNYI], null)).toEqual([]);
    expect(submitViaProblems([ZUNYI], ZUNYI)).toMatchObject([{ field: 'submitVia', code: 'notCrossPrefecture' }]);
    expect(submitViaProblems([ZUNYI], 'province')).toMatchObject([{ field: 'submitVia', code: 'notCrossPrefecture' }]);
    // The same prefecture twice is one prefecture (the duplicate is the unit's own problem).
    expect(submitViaProblems([ZUNYI, ZUNYI], undefined)).toEqual([]);
  });

  it('is part of the whole submission check, with the other problems', () => {
    const body = { year: 2027, unit: { name: '赤水河流域', type: 'watershed', prefectures: CROSS }, applicant: { name: '赤水河流域管理机构', contactEmail: 'a@b.example' }, materials: [] };
    expect(validateSubmission(body).map((p) => p.field)).toContain('submitVia');
    expect(validateSubmission({ ...body, submitVia: BIJIE }).map((p) => p.field)).not.toContain('submitVia');
    expect(validateSubmission({ ...body, unit: { ...body.unit, prefectures: [ZUNYI] }, submitVia: ZUNYI }).map((p) => p.field)).toContain('submitVia');
  });

  it('starts at the pre-review of the chosen prefecture, or at the province; without a choice (older runs) directly', () => {
    expect(initialApplicationStage(CROSS, ZUNYI)).toBe('prefectureReview');
    expect(initialApplicationStage(CROSS, 'province')).toBe('expertAssignment');
    expect(initialApplicationStage(CROSS)).toBe('expertAssignment');
    expect(initialApplicationStage([ZUNYI])).toBe('prefectureReview');
    expect(prefectureInCharge(CROSS, BIJIE)).toBe(BIJIE);
    expect(prefectureInCharge(CROSS, 'province')).toBeNull();
    expect(prefectureInCharge(CROSS, GUIYANG)).toBeNull();
    expect(prefectureInCharge([ZUNYI])).toBe(ZUNYI);
    expect(viaPrefectureOf([ZUNYI])).toBeNull();
    expect(viaPrefectureOf(CROSS, ZUNYI)).toBe(ZUNYI);
  });

  it('is recorded as `province` or the prefecture in charge, and read in Chinese', () => {
    expect(submissionPath(CROSS, ZUNYI)).toBe(ZUNYI);
    expect(submissionPath(CROSS, 'province')).toBe('province');
    expect(submissionPath(CROSS, null)).toBe('province');
    expect(submissionPath([GUIYANG], null)).toBe(GUIYANG);
    expect(submissionPathZh('province')).toBe('直接向省生态环境厅申报');
    expect(submissionPathZh(ZUNYI)).toBe('经遵义市申报');
  });
});

describe('only the chosen prefecture decides; every prefecture of the unit sees it', () => {
  const viaZunyi: Subject = { kind: 'application', prefectures: CROSS, applicantSub: 'app-1', viaPrefecture: ZUNYI };

  it('scope unitPrefecture admits the chosen prefecture only (403 naming it), visibility all of the unit', () => {
    expect(checkScope(actors.zunyiOfficer, viaZunyi, 'unitPrefecture')).toBeNull();
    const refused = checkScope(bijieOfficer, viaZunyi, 'unitPrefecture');
    expect(refused).toMatchObject({ kind: 'forbidden', code: 'wrongRegion' });
    expect(refused?.zh).toContain('经遵义市申报');
    expect(maySee(bijieOfficer, viaZunyi)).toBe(true);
    expect(maySee(actors.zunyiOfficer, viaZunyi)).toBe(true);
    expect(maySee(actors.guiyangOfficer, viaZunyi)).toBe(false);
  });

  it('the decisions of the prefecture steps: 遵义 accepts, 毕节 is refused before the stage is looked at', () => {
    const facts = appFacts('prefectureReview', { prefectures: CROSS, viaPrefecture: ZUNYI });
    expect(checkApplicationDecision(facts, { action: 'prefectureAccept', actor: actors.zunyiOfficer }, { at: AT })).toMatchObject({ ok: true, to: 'prefectureNotice' });
    expect(checkApplicationDecision(facts, { action: 'prefectureAccept', actor: bijieOfficer }, { at: AT })).toMatchObject({ ok: false, refusal: { kind: 'forbidden', code: 'wrongRegion' } });
    expect(checkApplicationDecision({ ...facts, stage: 'expertAssignment' }, { action: 'prefectureAccept', actor: bijieOfficer }, { at: AT })).toMatchObject({ ok: false, refusal: { code: 'wrongRegion' } });
    expect(availableApplicationActions(facts, actors.zunyiOfficer)).toEqual(['prefectureAccept', 'prefectureReject']);
    expect(availableApplicationActions(facts, bijieOfficer)).toEqual([]);
    // Without a chosen prefecture (a run from before the choice), any of the unit's prefectures, as before.
    expect(availableApplicationActions(appFacts('prefectureReview', { prefectures: CROSS }), bijieOfficer)).toEqual(['prefectureAccept', 'prefectureReject']);
  });

  it('the complaints of its prefecture notice are investigated and dismissed by the chosen prefecture only', () => {
    const facts = { level: 'prefecture' as const, prefectures: CROSS, runBy: ZUNYI, investigated: false };
    expect(checkInvestigation(facts, actors.zunyiOfficer, { outcome: 'untrue', findings: '经核查不属实' })).toMatchObject({ ok: true });
    const refused = checkInvestigation(facts, bijieOfficer, { outcome: 'untrue', findings: '经核查不属实' });
    expect(refused).toMatchObject({ ok: false, refusal: { kind: 'forbidden', code: 'wrongRegion' } });
    expect(refused.ok ? '' : refused.refusal.zh).toContain('遵义市生态环境主管部门');
    const candidates = [{ complaintId: 'c1', complaint: { receivedAt: AT, delegatedTo: null, investigated: false } }];
    expect(checkDismissal({ level: 'prefecture', prefectures: CROSS, runBy: ZUNYI }, candidates, actors.zunyiOfficer, { complaintIds: ['c1'], reason: '与公示内容无关' })).toEqual({ ok: true });
    expect(checkDismissal({ level: 'prefecture', prefectures: CROSS, runBy: ZUNYI }, candidates, bijieOfficer, { complaintIds: ['c1'], reason: '与公示内容无关' })).toMatchObject({ ok: false, refusal: { code: 'wrongRegion' } });
  });
});
