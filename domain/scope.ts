// Who may see and who may decide on what (docs/RULES.md "Roles and scope", Art. 26).
// Scope is enforced on every read and every decision: an officer of 遵义市
// never sees or decides on an application of 贵阳市.
import { prefectureName } from './prefectures';
import { prefectureOfRegion, regionConflictsWithUnit, regionPathZh } from './regions';
import { refusal, type Refusal } from './problems';
import type { Actor } from './roles';

/** What scope needs to know about an application or a base. */
export interface Subject {
  kind: 'application' | 'base';
  /** The unit's prefecture codes: one, or several for a cross-prefecture unit. */
  prefectures: readonly string[];
  /** The applicant's user id (`sub`). */
  applicantSub: string;
  /** Experts assigned to review it (applications only). */
  assignedExpertIds?: readonly string[];
  /**
   * A cross-prefecture application that goes through one of the unit's
   * prefectures (Art. 11, domain/submission-path.ts viaPrefectureOf): only
   * that prefecture's officers decide in scope `unitPrefecture`; every
   * prefecture of the unit still sees it. Absent or null: any of them.
   */
  viaPrefecture?: string | null;
}

/**
 * How a decision is scoped:
 * - `ownUnit`: the applicant who submitted it;
 * - `unitPrefecture`: an officer of one of the unit's prefectures (of the one a
 *   cross-prefecture application goes through, when it chose one: Art. 11);
 * - `province`: any province officer;
 * - `assignedExpert`: an expert assigned to it and without a conflict of interest.
 */
export type ScopeKind = 'ownUnit' | 'unitPrefecture' | 'province' | 'assignedExpert';

export const SCOPE_ZH: Readonly<Record<ScopeKind, string>> = {
  ownUnit: '本单位的申报或基地',
  unitPrefecture: '建设单元所在市（州）',
  province: '全省',
  assignedExpert: '指派给本人且无利益冲突',
};

const ART_26 = '第二十六条';

/**
 * Art. 26 [interpretation: conflict of interest]: an expert from one of the
 * unit's prefectures may not review it. An expert whose prefecture is not
 * known is treated as without conflict (the pool records it: `prefecture` of
 * POST/PATCH /api/experts).
 */
/**
 * Recusal (Art. 26's integrity rule, as this project reads it): an expert
 * registered in any prefecture of the unit, or in one of its counties, does
 * not review it (domain/regions.ts regionConflictsWithUnit). `prefecture` is
 * what an expert actor carried before experts had a region (runs started
 * then); `region` wins when both are there.
 */
export function expertHasConflict(expert: { region?: string | null; prefecture?: string | null }, prefectures: readonly string[]): boolean {
  return regionConflictsWithUnit(expert.region ?? expert.prefecture, prefectures);
}

/** Why this expert must not review this unit, in words (`登记在遵义市 汇川区，…`), or null when they may. */
export function expertRecusalZh(expert: { region?: string | null; prefecture?: string | null }, prefectures: readonly string[]): string | null {
  const region = expert.region ?? expert.prefecture;
  if (!region || !expertHasConflict(expert, prefectures)) return null;
  return `登记在${regionPathZh(region)}，与申报单元同属${prefectureName(prefectureOfRegion(region) ?? region)}，应回避（第二十六条，本系统的解释）`;
}

/** Is the actor within the scope? `null` when yes, else a 403 refusal saying why. */
export function checkScope(actor: Actor, subject: Subject, scope: ScopeKind): Refusal | null {
  switch (scope) {
    case 'ownUnit':
      return actor.role === 'applicant' && actor.sub === subject.applicantSub
        ? null
        : refusal('forbidden', 'notOwnUnit', '只有该申报（基地）的建设主体可以办理', 'Only the applicant of this subject may do this');
    case 'unitPrefecture':
      if (actor.role !== 'prefectureOfficer') return refusal('forbidden', 'wrongRole', '只有市（州）生态环境主管部门可以办理', 'Only a prefecture officer may do this');
      if (!actor.prefecture || !subject.prefectures.includes(actor.prefecture)) {
        const names = subject.prefectures.map(prefectureName).join('、');
        return refusal('forbidden', 'wrongRegion', `该事项属于${names}，不在您所在市（州）的管辖范围内`, `This subject belongs to ${subject.prefectures.join(', ')}, outside your prefecture`);
      }
      if (subject.viaPrefecture && actor.prefecture !== subject.viaPrefecture) {
        const via = prefectureName(subject.viaPrefecture);
        return refusal('forbidden', 'wrongRegion', `该跨市（州）建设单元选择经${via}申报，预审、公示和推荐由${via}办理`, `This cross-prefecture unit applies through ${subject.viaPrefecture}, which alone takes the prefecture steps`, '第十一条');
      }
      return null;
    case 'province':
      return actor.role === 'provinceOfficer' ? null : refusal('forbidden', 'wrongRole', '只有省生态环境厅可以办理', 'Only a province officer may do this');
    case 'assignedExpert':
      if (actor.role !== 'expert') return refusal('forbidden', 'wrongRole', '只有指派的专家可以办理', 'Only an assigned expert may do this');
      if (!(subject.assignedExpertIds ?? []).includes(actor.sub)) return refusal('forbidden', 'notAssigned', '您未被指派评审该申报', 'You are not assigned to review this application', '第十三条');
      if (expertHasConflict(actor, subject.prefectures)) {
        return refusal('forbidden', 'conflictOfInterest', `您${expertRecusalZh(actor, subject.prefectures) ?? '应回避'}`, 'An expert may not review an application from their own prefecture', ART_26);
      }
      return null;
  }
}

/**
 * May this caller see this subject (its details, timeline, materials)?
 * `null` when yes. The API answers 404 rather than 403 for a subject the
 * caller may not see, so that its existence is not revealed.
 */
export function checkVisibility(actor: Actor, subject: Subject): Refusal | null {
  switch (actor.role) {
    case 'provinceOfficer':
    case 'ops':
      // ops is read-only but sees everything it must inspect (docs/RULES.md "Roles and scope").
      return null;
    case 'prefectureOfficer':
      // Every prefecture of a cross-prefecture unit sees it: each supervises
      // the part in its jurisdiction (Art. 19), also when it goes through
      // another of them (Art. 11).
      return checkScope(actor, { ...subject, viaPrefecture: null }, 'unitPrefecture');
    case 'applicant':
      return checkScope(actor, subject, 'ownUnit');
    case 'expert':
      if (subject.kind !== 'application') return refusal('forbidden', 'notAssigned', '专家只能查看指派给本人的申报', 'Experts see only applications assigned to them');
      return checkScope(actor, subject, 'assignedExpert');
    case 'public':
      return refusal('forbidden', 'notSignedIn', '公众只能查看正在公示的内容', 'The public sees only active notices');
  }
}

export function maySee(actor: Actor, subject: Subject): boolean {
  return checkVisibility(actor, subject) === null;
}

/** A prefecture filter for lists: null = all prefectures, [] = none, else only these (applicants and experts filter by id instead). */
export function listPrefectureFilter(actor: Actor): string[] | null {
  if (actor.role === 'provinceOfficer' || actor.role === 'ops') return null;
  if (actor.role === 'prefectureOfficer') return actor.prefecture ? [actor.prefecture] : [];
  return [];
}
