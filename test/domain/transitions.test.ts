import { describe, expect, it } from 'vitest';
import { graveRecords } from '../support/grave-acts';
import {
  APPLICATION_STAGES,
  AUTOMATIC_TRANSITIONS,
  automaticNext,
  APPLICATION_TRANSITIONS,
  BASE_STATUSES,
  BASE_TRANSITIONS,
  availableApplicationActions,
  availableBaseActions,
  checkApplicationDecision,
  checkBaseDecision,
  httpStatusOf,
  initialApplicationStage,
  isAfterRectificationDeadline,
  isTerminalStage,
  isTerminalStatus,
  splitDecisionBody,
  STAGE_ASSIGNEE,
  type Actor,
  type ApplicationStage,
  type BaseStatus,
  type DecisionInput,
} from '../../domain';
import { actors, appFacts, AT, baseFacts, fullCriteria, GUIYANG, ZUNYI } from './fixtures';

const ROLE_ACTOR: Record<string, Actor> = {
  applicant: actors.applicant,
  prefectureOfficer: actors.zunyiOfficer,
  provinceOfficer: actors.province,
  expert: actors.expert,
  ops: actors.ops,
  public: actors.public,
};

type Req = Omit<DecisionInput, 'actor'>;

/** A valid request for each application action. */
const validApp: Record<string, Req> = {
  withdraw: { action: 'withdraw' },
  prefectureAccept: { action: 'prefectureAccept' },
  prefectureReject: { action: 'prefectureReject', reason: '材料与实际不符' },
  openNotice: { action: 'openNotice', payload: { workingDays: 5 } },
  recommend: { action: 'recommend', payload: { governmentConsent: true, opinion: '同意推荐' } },
  assignExperts: { action: 'assignExperts', payload: { expertIds: ['e2', 'e3'] } },
  reviewOpinion: { action: 'reviewOpinion', payload: { criteria: fullCriteria, onSite: true, opinion: '基础扎实' } },
  concludeReview: { action: 'concludeReview', payload: { passed: true } },
  select: { action: 'select' },
  provinceReject: { action: 'provinceReject', reason: '名额有限，择优未入选' },
  name: { action: 'name', payload: { namedOn: '2027-03-01', ...graveRecords() } },
};

const validBase: Record<string, Req> = {
  requireRectification: { action: 'requireRectification', payload: { requirements: ['补齐污水处理设施'], deadline: '2027-09-30' } },
  verifyRectification: { action: 'verifyRectification', payload: { completed: true } },
  concludeEvaluation: { action: 'concludeEvaluation', payload: { outcome: 'pass' } },
  renew: { action: 'renew' },
  warn: { action: 'warn', payload: { ground: 1, ...graveRecords(1) }, reason: '中央督察发现重大问题' },
  revoke: { action: 'revoke', payload: { ground: 4, ...graveRecords(4) }, reason: '发生重大突发环境事件' },
  // Valid in every status it may be taken in: a base not in good standing needs the exception's reason (Art. 6).
  recommendNational: { action: 'recommendNational', payload: { exceptionReason: '生态修复成效突出，经厅务会研究例外推荐' } },
};

const app = (stage: ApplicationStage, actor: Actor, req: Req, extra = {}) =>
  checkApplicationDecision(appFacts(stage, extra), { ...req, actor }, { at: AT });
const base = (status: BaseStatus, actor: Actor, req: Req, extra = {}) =>
  checkBaseDecision(baseFacts(status, extra), { ...req, actor }, { at: AT });

const refusalOf = (r: ReturnType<typeof app> | ReturnType<typeof base>) => (r.ok ? null : { kind: r.refusal.kind, code: r.refusal.code });

describe('application transitions: every action in every stage', () => {
  const stages = APPLICATION_STAGES.map((s) => s.stage);
  for (const rule of APPLICATION_TRANSITIONS) {
    const actor = ROLE_ACTOR[rule.role] as Actor;
    for (const stage of stages) {
      it(`${rule.action} by ${rule.role} in ${stage}`, () => {
        const result = app(stage, actor, validApp[rule.action] as Req);
        const sameRole = APPLICATION_TRANSITIONS.find((r) => r.action === rule.action && r.role === rule.role && r.from.includes(stage));
        const otherRole = APPLICATION_TRANSITIONS.find((r) => r.action === rule.action && r.role !== rule.role && r.from.includes(stage));
        if (isTerminalStage(stage)) expect(refusalOf(result)).toEqual({ kind: 'conflict', code: 'finished' });
        else if (sameRole) {
          expect(result.ok).toBe(true);
          if (result.ok) expect(sameRole.to).toContain(result.to);
        } else if (otherRole) expect(refusalOf(result)).toEqual({ kind: 'forbidden', code: 'wrongRole' });
        else expect(refusalOf(result)).toEqual({ kind: 'conflict', code: 'wrongStage' });
      });
    }
  }

  it('moves each stage where the table says', () => {
    const moves: [ApplicationStage, Actor, string, ApplicationStage][] = [
      ['prefectureReview', actors.zunyiOfficer, 'prefectureAccept', 'prefectureNotice'],
      ['prefectureReview', actors.zunyiOfficer, 'prefectureReject', 'rejected'],
      ['prefectureNotice', actors.zunyiOfficer, 'openNotice', 'prefectureNotice'],
      ['prefectureRecommendation', actors.zunyiOfficer, 'recommend', 'expertAssignment'],
      ['expertAssignment', actors.province, 'assignExperts', 'expertReview'],
      ['expertReview', actors.province, 'assignExperts', 'expertReview'],
      ['expertReview', actors.expert, 'reviewOpinion', 'expertReview'],
      ['reviewConclusion', actors.province, 'concludeReview', 'selection'],
      ['selection', actors.province, 'select', 'provinceNotice'],
      ['selection', actors.province, 'provinceReject', 'rejected'],
      ['provinceNotice', actors.province, 'openNotice', 'provinceNotice'],
      ['naming', actors.province, 'name', 'named'],
      ['provinceNotice', actors.applicant, 'withdraw', 'withdrawn'],
    ];
    for (const [from, actor, action, to] of moves) {
      const r = app(from, actor, validApp[action] as Req);
      expect(r, `${action} from ${from}`).toEqual({ ok: true, action, from, to, article: expect.any(String) });
    }
  });

  it('concludeReview with passed=false rejects, and needs a reason', () => {
    expect(app('reviewConclusion', actors.province, { action: 'concludeReview', payload: { passed: false }, reason: '方案可操作性不足' })).toMatchObject({ ok: true, to: 'rejected' });
    const r = app('reviewConclusion', actors.province, { action: 'concludeReview', payload: { passed: false } });
    expect(refusalOf(r)).toEqual({ kind: 'invalid', code: 'invalidPayload' });
    expect(r.ok ? [] : r.refusal.problems?.map((p) => p.field)).toEqual(['reason']);
  });
});

describe('application refusals', () => {
  it('every role that is not the rule’s is forbidden (403)', () => {
    for (const rule of APPLICATION_TRANSITIONS) {
      const stage = rule.from[0] as ApplicationStage;
      for (const [role, actor] of Object.entries(ROLE_ACTOR)) {
        if (APPLICATION_TRANSITIONS.some((r) => r.action === rule.action && r.role === role)) continue;
        const r = app(stage, actor, validApp[rule.action] as Req);
        expect(refusalOf(r), `${rule.action} by ${role}`).toEqual({ kind: 'forbidden', code: 'wrongRole' });
        if (!r.ok) expect(httpStatusOf(r.refusal)).toBe(403);
      }
    }
  });

  it('an officer of another prefecture is forbidden, with the region named', () => {
    for (const [stage, action] of [['prefectureReview', 'prefectureAccept'], ['prefectureReview', 'prefectureReject'], ['prefectureNotice', 'openNotice'], ['prefectureRecommendation', 'recommend']] as const) {
      const r = app(stage, actors.guiyangOfficer, validApp[action] as Req);
      expect(refusalOf(r)).toEqual({ kind: 'forbidden', code: 'wrongRegion' });
      if (!r.ok) expect(r.refusal.zh).toContain('遵义市');
      expect(refusalOf(app(stage, actors.officerWithoutPrefecture, validApp[action] as Req))).toEqual({ kind: 'forbidden', code: 'wrongRegion' });
    }
  });

  it('another applicant may not withdraw', () => {
    expect(refusalOf(app('prefectureReview', actors.otherApplicant, validApp.withdraw as Req))).toEqual({ kind: 'forbidden', code: 'notOwnUnit' });
  });

  it('a prefecture officer may not open the province notice, nor the province the prefecture notice', () => {
    expect(refusalOf(app('provinceNotice', actors.zunyiOfficer, validApp.openNotice as Req))).toEqual({ kind: 'forbidden', code: 'wrongRole' });
    expect(refusalOf(app('prefectureNotice', actors.province, validApp.openNotice as Req))).toEqual({ kind: 'forbidden', code: 'wrongRole' });
  });

  it('role and region come before stage: an outsider learns nothing about the stage', () => {
    expect(refusalOf(app('named', actors.guiyangOfficer, validApp.prefectureAccept as Req))).toEqual({ kind: 'forbidden', code: 'wrongRegion' });
    expect(refusalOf(app('selection', actors.applicant, validApp.select as Req))).toEqual({ kind: 'forbidden', code: 'wrongRole' });
  });

  it('an unknown action is invalid (422), a base action on an application too', () => {
    expect(refusalOf(app('prefectureReview', actors.zunyiOfficer, { action: 'approve' }))).toEqual({ kind: 'invalid', code: 'unknownAction' });
    expect(refusalOf(app('naming', actors.province, { action: 'revoke', payload: { ground: 1 } }))).toEqual({ kind: 'invalid', code: 'unknownAction' });
  });

  it('prefectureReject and provinceReject need a reason', () => {
    expect(refusalOf(app('prefectureReview', actors.zunyiOfficer, { action: 'prefectureReject' }))).toEqual({ kind: 'invalid', code: 'invalidPayload' });
    expect(refusalOf(app('prefectureReview', actors.zunyiOfficer, { action: 'prefectureReject', reason: '   ' }))).toEqual({ kind: 'invalid', code: 'invalidPayload' });
    expect(refusalOf(app('selection', actors.province, { action: 'provinceReject' }))).toEqual({ kind: 'invalid', code: 'invalidPayload' });
  });

  it('openNotice: at least 5 working days, an instant not in the past, once per stage', () => {
    const fields = (payload: Record<string, unknown>, extra = {}) => {
      const r = app('prefectureNotice', actors.zunyiOfficer, { action: 'openNotice', payload }, extra);
      return r.ok ? 'ok' : r.refusal.problems?.map((p) => `${p.field}:${p.code}`) ?? r.refusal.code;
    };
    expect(fields({ workingDays: 5 })).toBe('ok');
    expect(fields({ workingDays: 8, publishedAt: '2027-03-02T00:00:00Z' })).toBe('ok');
    expect(fields({ workingDays: 5, publishedAt: AT })).toBe('ok');
    expect(fields({ workingDays: 4 })).toEqual(['workingDays:outOfRange']);
    expect(fields({})).toEqual(['workingDays:missing']);
    expect(fields({ workingDays: 5.5 })).toEqual(['workingDays:notInteger']);
    expect(fields({ workingDays: 31 })).toEqual(['workingDays:outOfRange']);
    expect(fields({ workingDays: 5, publishedAt: '2027-03-01T01:59:59Z' })).toEqual(['publishedAt:inThePast']);
    expect(fields({ workingDays: 5, publishedAt: '2027-03-02T10:00:00' })).toEqual(['publishedAt:notInstant']);
    expect(fields({ workingDays: 5 }, { noticeOpened: true })).toBe('noticeAlreadyOpen');
    const r = app('provinceNotice', actors.province, validApp.openNotice as Req, { noticeOpened: true });
    expect(refusalOf(r)).toEqual({ kind: 'conflict', code: 'noticeAlreadyOpen' });
  });

  it('recommend needs the prefecture government’s consent and a written opinion (Art. 9, 11)', () => {
    const r = app('prefectureRecommendation', actors.zunyiOfficer, { action: 'recommend', payload: { governmentConsent: false, opinion: ' ' } });
    expect(r.ok ? [] : r.refusal.problems?.map((p) => `${p.field}:${p.code}`)).toEqual(['governmentConsent:mustBeTrue', 'opinion:empty']);
    const missing = app('prefectureRecommendation', actors.zunyiOfficer, { action: 'recommend' });
    expect(missing.ok ? [] : missing.refusal.problems?.map((p) => p.field)).toEqual(['governmentConsent', 'opinion']);
  });

  it('assignExperts: a non-empty list, checked against the pool (Art. 25, 26)', () => {
    const pool = { e1: { prefecture: GUIYANG, active: true }, e2: { prefecture: GUIYANG, active: true }, e3: { prefecture: ZUNYI, active: true }, e4: { prefecture: GUIYANG, active: false } };
    const check = (expertIds: unknown, stage: ApplicationStage = 'expertAssignment') => {
      const r = checkApplicationDecision(appFacts(stage), { action: 'assignExperts', actor: actors.province, payload: { expertIds } }, { at: AT, expertPool: pool });
      return r.ok ? 'ok' : r.refusal.problems?.map((p) => p.code);
    };
    expect(check(['e2'])).toBe('ok');
    expect(check(['e3'])).toEqual(['conflictOfInterest']);
    expect(check(['e4'])).toEqual(['inactiveExpert']);
    expect(check(['e5'])).toEqual(['unknownExpert']);
    expect(check(['e1'], 'expertReview')).toEqual(['alreadyAssigned']);
    expect(check([])).toEqual(['notIdList']);
    expect(check(['e2', 'e2'])).toEqual(['duplicate']);
    expect(check('e2')).toEqual(['notIdList']);
  });

  it('reviewOpinion: only assigned experts without conflict, once, with all seven scores 0–100', () => {
    expect(refusalOf(app('expertReview', actors.unassignedExpert, validApp.reviewOpinion as Req))).toEqual({ kind: 'forbidden', code: 'notAssigned' });
    expect(refusalOf(app('expertReview', actors.zunyiExpert, validApp.reviewOpinion as Req, { assignedExpertIds: ['e-zy'] }))).toEqual({ kind: 'forbidden', code: 'conflictOfInterest' });
    expect(refusalOf(app('expertReview', actors.expert, validApp.reviewOpinion as Req, { opinionsFrom: ['e1'] }))).toEqual({ kind: 'conflict', code: 'opinionAlreadyGiven' });
    const partial = { ...fullCriteria } as Record<string, number>;
    delete partial['7'];
    const r = app('expertReview', actors.expert, { action: 'reviewOpinion', payload: { criteria: { ...partial, '3': 101, '8': 50 }, onSite: 'yes', opinion: '' } });
    expect(r.ok ? [] : r.refusal.problems?.map((p) => `${p.field}:${p.code}`)).toEqual(['criteria.3:outOfRange', 'criteria.7:missing', 'criteria.8:unknown', 'onSite:notBoolean', 'opinion:empty']);
    const notObject = app('expertReview', actors.expert, { action: 'reviewOpinion', payload: { criteria: [1, 2], onSite: false, opinion: 'x' } });
    expect(notObject.ok ? [] : notObject.refusal.problems?.map((p) => p.code)).toEqual(['notObject']);
  });

  it('name: namedOn is optional, a real date, not in the future', () => {
    expect(app('naming', actors.province, { action: 'name', payload: graveRecords() }).ok).toBe(true);
    expect(app('naming', actors.province, { action: 'name', payload: { namedOn: '2027-03-01', ...graveRecords() } }).ok).toBe(true);
    const future = app('naming', actors.province, { action: 'name', payload: { namedOn: '2027-03-02', ...graveRecords() } });
    expect(future.ok ? [] : future.refusal.problems?.map((p) => p.code)).toEqual(['inTheFuture']);
    const bad = app('naming', actors.province, { action: 'name', payload: { namedOn: '2027-02-30', ...graveRecords() } });
    expect(bad.ok ? [] : bad.refusal.problems?.map((p) => p.code)).toEqual(['notDate']);
  });

  it('refusals carry Chinese and English reasons and the article', () => {
    const r = app('selection', actors.province, validApp.prefectureAccept as Req);
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.refusal.kind).toBe('forbidden');
      expect(r.refusal.zh).toMatch(/市（州）/);
      expect(r.refusal.en).toMatch(/prefectureOfficer/);
      expect(r.refusal.article).toBe('第九条');
    }
    const stage = app('selection', actors.zunyiOfficer, validApp.prefectureAccept as Req);
    if (!stage.ok) {
      expect(httpStatusOf(stage.refusal)).toBe(409);
      expect(stage.refusal.zh).toContain('遴选');
    }
  });
});

describe('where an application starts (Art. 9, 11)', () => {
  it('single-prefecture units start with the prefecture review; cross-prefecture units go to the province', () => {
    expect(initialApplicationStage([ZUNYI])).toBe('prefectureReview');
    expect(initialApplicationStage([ZUNYI, GUIYANG])).toBe('expertAssignment');
    expect(initialApplicationStage([ZUNYI, ZUNYI])).toBe('prefectureReview');
  });

  it('a cross-prefecture unit’s prefecture officers cannot pre-review it (there is no such stage)', () => {
    const r = checkApplicationDecision(appFacts('expertAssignment', { prefectures: [ZUNYI, GUIYANG] }), { ...(validApp.prefectureAccept as Req), actor: actors.guiyangOfficer }, { at: AT });
    expect(refusalOf(r)).toEqual({ kind: 'conflict', code: 'wrongStage' });
  });

  it('names the assignee of each open stage', () => {
    expect(STAGE_ASSIGNEE.prefectureReview).toBe('prefectureOfficer');
    expect(STAGE_ASSIGNEE.expertReview).toBe('expert');
    expect(STAGE_ASSIGNEE.naming).toBe('provinceOfficer');
    expect(STAGE_ASSIGNEE.named).toBeNull();
  });

  it('lists what an actor may do now', () => {
    expect(availableApplicationActions(appFacts('prefectureReview'), actors.zunyiOfficer)).toEqual(['prefectureAccept', 'prefectureReject']);
    expect(availableApplicationActions(appFacts('prefectureReview'), actors.guiyangOfficer)).toEqual([]);
    expect(availableApplicationActions(appFacts('expertReview'), actors.province)).toEqual(['assignExperts']);
    expect(availableApplicationActions(appFacts('expertReview'), actors.expert)).toEqual(['reviewOpinion']);
    expect(availableApplicationActions(appFacts('selection'), actors.applicant)).toEqual(['withdraw']);
    expect(availableApplicationActions(appFacts('named'), actors.applicant)).toEqual([]);
  });
});

describe('base transitions: every action in every status', () => {
  const statuses = BASE_STATUSES.map((s) => s.status);
  for (const rule of BASE_TRANSITIONS) {
    for (const status of statuses) {
      it(`${rule.action} in ${status}`, () => {
        const r = base(status, actors.province, validBase[rule.action] as Req);
        if (isTerminalStatus(status)) expect(refusalOf(r)).toEqual({ kind: 'conflict', code: 'finished' });
        else if (rule.from.includes(status)) {
          expect(r.ok).toBe(true);
          if (r.ok) expect(rule.to).toContain(r.to);
        } else expect(refusalOf(r)).toEqual({ kind: 'conflict', code: 'wrongStage' });
      });
    }
    it(`${rule.action} by anyone but the province is forbidden`, () => {
      for (const actor of [actors.applicant, actors.zunyiOfficer, actors.expert, actors.ops, actors.public]) {
        expect(refusalOf(base('named', actor, validBase[rule.action] as Req))).toEqual({ kind: 'forbidden', code: 'wrongRole' });
      }
    });
  }
});

describe('base decisions in detail (Art. 22-24, Art. 6)', () => {
  it('requireRectification puts the base under rectification, with a future deadline', () => {
    expect(base('named', actors.province, validBase.requireRectification as Req)).toMatchObject({ ok: true, to: 'underRectification' });
    const today = base('named', actors.province, { action: 'requireRectification', payload: { requirements: 'x', deadline: '2027-03-01' } });
    expect(today.ok ? [] : today.refusal.problems?.map((p) => p.code)).toEqual(['notInFuture']);
    const empty = base('named', actors.province, { action: 'requireRectification', payload: { requirements: [], deadline: 'soon' } });
    expect(empty.ok ? [] : empty.refusal.problems?.map((p) => `${p.field}:${p.code}`)).toEqual(['requirements:empty', 'deadline:notDate']);
  });

  it('verifyRectification returns to the status before, or stays under rectification (ground 6)', () => {
    expect(base('underRectification', actors.province, validBase.verifyRectification as Req)).toMatchObject({ ok: true, to: 'warned' });
    expect(base('underRectification', actors.province, validBase.verifyRectification as Req, { statusBeforeRectification: null })).toMatchObject({ ok: true, to: 'named' });
    expect(base('underRectification', actors.province, { action: 'verifyRectification', payload: { completed: false }, reason: '未完成' })).toMatchObject({ ok: true, to: 'underRectification' });
    expect(refusalOf(base('underRectification', actors.province, { action: 'verifyRectification', payload: { completed: false } }))).toEqual({ kind: 'invalid', code: 'invalidPayload' });
  });

  it('concludeEvaluation only once the post-evaluation is open; negative outcomes need a reason', () => {
    expect(base('named', actors.province, validBase.concludeEvaluation as Req)).toMatchObject({ ok: true, to: 'named' });
    expect(refusalOf(base('named', actors.province, validBase.concludeEvaluation as Req, { postEvaluationOpen: false }))).toEqual({ kind: 'conflict', code: 'evaluationNotOpen' });
    expect(refusalOf(base('named', actors.province, { action: 'concludeEvaluation', payload: { outcome: 'sanction' } }))).toEqual({ kind: 'invalid', code: 'invalidPayload' });
    expect(base('renewed', actors.province, { action: 'concludeEvaluation', payload: { outcome: 'rectify' }, reason: '指标未达标' })).toMatchObject({ ok: true, to: 'renewed' });
    const bad = base('named', actors.province, { action: 'concludeEvaluation', payload: { outcome: 'excellent' } });
    expect(bad.ok ? [] : bad.refusal.problems?.map((p) => p.code)).toEqual(['notAllowed']);
  });

  it('renew only after a passed post-evaluation', () => {
    expect(base('named', actors.province, validBase.renew as Req)).toMatchObject({ ok: true, to: 'renewed' });
    expect(refusalOf(base('named', actors.province, validBase.renew as Req, { lastEvaluationOutcome: 'rectify' }))).toEqual({ kind: 'conflict', code: 'evaluationNotPassed' });
    expect(refusalOf(base('named', actors.province, validBase.renew as Req, { lastEvaluationOutcome: null }))).toEqual({ kind: 'conflict', code: 'evaluationNotPassed' });
  });

  it('warn names a ground 1–7 and a reason; it may carry a rectification', () => {
    expect(base('named', actors.province, validBase.warn as Req)).toMatchObject({ ok: true, to: 'warned' });
    expect(base('named', actors.province, { ...validBase.warn, payload: { ground: 5, requirements: '改善水质', deadline: '2027-12-31', ...graveRecords(5) } } as Req)).toMatchObject({ ok: true, to: 'underRectification' });
    const half = base('named', actors.province, { ...validBase.warn, payload: { ground: 5, requirements: '改善水质', ...graveRecords(5) } } as Req);
    expect(half.ok ? [] : half.refusal.problems?.map((p) => `${p.field}:${p.code}`)).toEqual(['deadline:missing']);
    const noReason = base('named', actors.province, { action: 'warn', payload: { ground: 1, ...graveRecords(1) } });
    expect(noReason.ok ? [] : noReason.refusal.problems?.map((p) => p.field)).toEqual(['reason']);
    const badGround = base('named', actors.province, { action: 'warn', payload: { ground: 8, ...graveRecords() }, reason: 'x' });
    expect(badGround.ok ? [] : badGround.refusal.problems?.map((p) => `${p.field}:${p.code}`)).toEqual(['ground:outOfRange']);
  });

  it('grounds 6 and 7 need the facts the system recorded', () => {
    expect(refusalOf(base('named', actors.province, { action: 'warn', payload: { ground: 6, ...graveRecords(6) }, reason: 'x' }, { rectificationFailed: false }))).toEqual({ kind: 'conflict', code: 'groundNotEstablished' });
    expect(refusalOf(base('named', actors.province, { action: 'revoke', payload: { ground: 7, ...graveRecords(7) }, reason: 'x' }, { postEvaluationHeld: false }))).toEqual({ kind: 'conflict', code: 'groundNotEstablished' });
    expect(base('underRectification', actors.province, { action: 'revoke', payload: { ground: 6, ...graveRecords(6) }, reason: '整改未完成' })).toMatchObject({ ok: true, to: 'revoked' });
  });

  it('grave acts rest on a deliberation and, for Art. 24, the evidence their ground names (all missing items at once)', () => {
    const bare = base('named', actors.province, { action: 'revoke', payload: { ground: 1 }, reason: '督察发现重大问题' });
    expect(bare.ok ? [] : bare.refusal.problems?.map((p) => `${p.field}:${p.code}`)).toEqual([
      'deliberationBody:missing', 'deliberationDate:missing', 'minutesFileId:missing', 'evidenceTitle:missing', 'evidenceDate:missing', 'evidenceFileIds:missing',
    ]);
    expect(bare.ok ? '' : bare.refusal.zh).toContain('第二十四条第（一）项须写明督察或督查的名称');
    // Ground 3 needs two documents (the case, and the plan not completed as planned).
    const oneFile = base('named', actors.province, { action: 'warn', payload: { ground: 3, ...graveRecords(3), evidenceFileIds: ['only-one'] }, reason: '毁林案件未按计划整改' });
    expect(oneFile.ok ? [] : oneFile.refusal.problems?.map((p) => `${p.field}:${p.code}`)).toEqual(['evidenceFileIds:missing']);
    // Ground 6: the verification is on record; the deliberation is still needed.
    const six = base('underRectification', actors.province, { action: 'revoke', payload: { ground: 6 }, reason: '整改未完成' }, { rectificationFailed: true });
    expect(six.ok ? [] : six.refusal.problems?.map((p) => p.field)).toEqual(['deliberationBody', 'deliberationDate', 'minutesFileId']);
    const ahead = app('naming', actors.province, { action: 'name', payload: { ...graveRecords(), deliberationDate: '2027-03-02' } });
    expect(ahead.ok ? [] : ahead.refusal.problems?.map((p) => `${p.field}:${p.code}`)).toEqual(['deliberationDate:inTheFuture']);
    const noMinutes = app('naming', actors.province, { action: 'name', payload: { deliberationBody: '厅务会', deliberationDate: '2027-02-01' } });
    expect(noMinutes.ok ? [] : noMinutes.refusal.problems?.map((p) => p.field)).toEqual(['minutesFileId']);
  });

  it('a run started under the first edition of the rules is not asked for records it did not know (its history replays)', () => {
    expect(checkBaseDecision(baseFacts('named'), { action: 'revoke', payload: { ground: 4 }, reason: '发生重大突发环境事件', actor: actors.province }, { at: AT, edition: 1 })).toMatchObject({ ok: true, to: 'revoked' });
    expect(checkApplicationDecision(appFacts('naming'), { action: 'name', actor: actors.province }, { at: AT, edition: 1 })).toMatchObject({ ok: true, to: 'named' });
  });

  it('revoke ends the title; nothing can be decided afterwards', () => {
    expect(base('warned', actors.province, validBase.revoke as Req)).toMatchObject({ ok: true, to: 'revoked' });
    expect(refusalOf(base('revoked', actors.province, validBase.warn as Req))).toEqual({ kind: 'conflict', code: 'finished' });
    expect(refusalOf(base('expired', actors.province, validBase.renew as Req))).toEqual({ kind: 'conflict', code: 'finished' });
  });

  it('recommendNational only for bases in good standing, status unchanged', () => {
    expect(base('renewed', actors.province, { action: 'recommendNational' })).toMatchObject({ ok: true, to: 'renewed' });
    // 「原则上」: a warned base, or one under rectification, only with a written exception reason (recorded with the decision).
    const warned = base('warned', actors.province, { action: 'recommendNational' });
    expect(refusalOf(warned)).toEqual({ kind: 'conflict', code: 'notInGoodStanding' });
    expect(warned.ok ? '' : warned.refusal.zh).toContain('例外推荐的理由');
    expect(base('warned', actors.province, validBase.recommendNational as Req)).toMatchObject({ ok: true, to: 'warned' });
    expect(base('underRectification', actors.province, validBase.recommendNational as Req)).toMatchObject({ ok: true, to: 'underRectification' });
  });

  it('rectification deadlines run to 24:00 CST', () => {
    expect(isAfterRectificationDeadline('2027-03-01', '2027-03-01T15:59:59.999Z')).toBe(false);
    expect(isAfterRectificationDeadline('2027-03-01', '2027-03-01T16:00:00.000Z')).toBe(true);
  });
});

describe('helpers for the API and the UI', () => {
  it('splits an API body into action, reason and payload', () => {
    expect(splitDecisionBody({ decisionId: 'd1', action: 'openNotice', reason: 'r', workingDays: 5 })).toEqual({ decisionId: 'd1', action: 'openNotice', reason: 'r', payload: { workingDays: 5 } });
    expect(splitDecisionBody({ action: 7, reason: {} })).toEqual({ decisionId: null, action: '', reason: null, payload: {} });
    expect(splitDecisionBody(null)).toEqual({ decisionId: null, action: '', reason: null, payload: {} });
    const split = splitDecisionBody({ decisionId: 'd2', action: 42 });
    const r = checkApplicationDecision(appFacts('prefectureReview'), { action: split.action, actor: actors.zunyiOfficer }, { at: AT });
    expect(refusalOf(r)).toEqual({ kind: 'invalid', code: 'unknownAction' });
  });

  it('lists what the province may do with a base now', () => {
    expect(availableBaseActions(baseFacts('named'), actors.province)).toEqual(['requireRectification', 'concludeEvaluation', 'renew', 'warn', 'revoke', 'recommendNational']);
    expect(availableBaseActions(baseFacts('underRectification'), actors.province)).toEqual(['verifyRectification', 'warn', 'revoke', 'recommendNational']);
    expect(availableBaseActions(baseFacts('named'), actors.zunyiOfficer)).toEqual([]);
    expect(availableBaseActions(baseFacts('revoked'), actors.province)).toEqual([]);
  });
});

describe('automatic moves: one table for the workflows and the docs', () => {
  it('knows where each workflow moves by itself, and nothing else', () => {
    expect(automaticNext('application', 'prefectureNotice', 'noticeClear')).toBe('prefectureRecommendation');
    expect(automaticNext('application', 'provinceNotice', 'noticeClear')).toBe('naming');
    expect(automaticNext('application', 'provinceNotice', 'noticeStopped')).toBe('stopped');
    expect(automaticNext('application', 'expertReview', 'allOpinionsIn')).toBe('reviewConclusion');
    for (const status of ['named', 'warned', 'underRectification', 'renewed'] as const) expect(automaticNext('base', status, 'termEnded')).toBe('expired');
    expect(() => automaticNext('base', 'revoked', 'termEnded')).toThrow();
    expect(() => automaticNext('application', 'selection', 'noticeClear')).toThrow();
  });

  it('starts an application where the table says (Art. 11)', () => {
    const start = (on: string) => AUTOMATIC_TRANSITIONS.find((t) => t.subject === 'application' && t.on === on)?.to;
    expect(initialApplicationStage(['520300'])).toBe(start('submitted'));
    expect(initialApplicationStage(['520300', '520500'])).toBe(start('submittedCrossPrefecture'));
  });
});
