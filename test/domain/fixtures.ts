// Shared actors and facts for the domain tests.
import type { Actor, ApplicationFacts, ApplicationStage, BaseFacts, BaseStatus } from '../../domain';

export const ZUNYI = '520300';
export const GUIYANG = '520100';

export const actors = {
  applicant: { sub: 'app-1', role: 'applicant', prefecture: ZUNYI },
  otherApplicant: { sub: 'app-2', role: 'applicant', prefecture: ZUNYI },
  zunyiOfficer: { sub: 'po-zy', role: 'prefectureOfficer', prefecture: ZUNYI },
  guiyangOfficer: { sub: 'po-gy', role: 'prefectureOfficer', prefecture: GUIYANG },
  officerWithoutPrefecture: { sub: 'po-x', role: 'prefectureOfficer' },
  province: { sub: 'prov-1', role: 'provinceOfficer' },
  expert: { sub: 'e1', role: 'expert', prefecture: GUIYANG },
  zunyiExpert: { sub: 'e-zy', role: 'expert', prefecture: ZUNYI },
  unassignedExpert: { sub: 'e9', role: 'expert', prefecture: GUIYANG },
  ops: { sub: 'ops-1', role: 'ops' },
  public: { sub: 'anonymous', role: 'public' },
} satisfies Record<string, Actor>;

/** A decision instant: 1 March 2027, 10:00 CST. */
export const AT = '2027-03-01T02:00:00.000Z';

export function appFacts(stage: ApplicationStage, extra: Partial<ApplicationFacts> = {}): ApplicationFacts {
  return { stage, prefectures: [ZUNYI], applicantSub: 'app-1', assignedExpertIds: ['e1'], opinionsFrom: [], noticeOpened: false, ...extra };
}

export function baseFacts(status: BaseStatus, extra: Partial<BaseFacts> = {}): BaseFacts {
  return {
    status,
    prefectures: [ZUNYI],
    applicantSub: 'app-1',
    postEvaluationOpen: true,
    lastEvaluationOutcome: 'pass',
    postEvaluationHeld: true,
    rectificationFailed: true,
    statusBeforeRectification: 'warned',
    ...extra,
  };
}

export const fullCriteria = { '1': 80, '2': 75, '3': 90, '4': 70, '5': 60, '6': 85, '7': 0 };
