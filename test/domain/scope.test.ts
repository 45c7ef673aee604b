import { describe, expect, it } from 'vitest';
import { checkScope, checkVisibility, expertHasConflict, isCrossPrefecture, isRole, listPrefectureFilter, maySee, ROLE_NAMES, type Subject } from '../../domain';
import { actors, GUIYANG, ZUNYI } from './fixtures';

const application: Subject = { kind: 'application', prefectures: [ZUNYI], applicantSub: 'app-1', assignedExpertIds: ['e1', 'e-zy'] };
const crossUnit: Subject = { kind: 'application', prefectures: [ZUNYI, GUIYANG], applicantSub: 'app-1', assignedExpertIds: ['e9'] };
const baseOfZunyi: Subject = { kind: 'base', prefectures: [ZUNYI], applicantSub: 'app-1' };

describe('roles', () => {
  it('are the six actors of docs/RULES.md "Roles and scope"', () => {
    expect(ROLE_NAMES).toEqual(['applicant', 'prefectureOfficer', 'provinceOfficer', 'expert', 'ops', 'public']);
    expect(isRole('provinceOfficer')).toBe(true);
    expect(isRole('admin')).toBe(false);
  });
});

describe('who may see what', () => {
  it('province officers and ops see everything', () => {
    for (const s of [application, crossUnit, baseOfZunyi]) {
      expect(maySee(actors.province, s)).toBe(true);
      expect(maySee(actors.ops, s)).toBe(true);
    }
  });

  it('a prefecture officer sees its own prefecture only, including cross-prefecture units that touch it', () => {
    expect(maySee(actors.zunyiOfficer, application)).toBe(true);
    expect(maySee(actors.zunyiOfficer, baseOfZunyi)).toBe(true);
    expect(checkVisibility(actors.guiyangOfficer, application)).toMatchObject({ kind: 'forbidden', code: 'wrongRegion' });
    expect(maySee(actors.guiyangOfficer, baseOfZunyi)).toBe(false);
    expect(maySee(actors.guiyangOfficer, crossUnit)).toBe(true);
    expect(maySee(actors.zunyiOfficer, crossUnit)).toBe(true);
    expect(maySee({ sub: 'po-lps', role: 'prefectureOfficer', prefecture: '520200' }, crossUnit)).toBe(false);
    expect(maySee(actors.officerWithoutPrefecture, application)).toBe(false);
  });

  it('an applicant sees its own applications and bases only', () => {
    expect(maySee(actors.applicant, application)).toBe(true);
    expect(maySee(actors.applicant, baseOfZunyi)).toBe(true);
    expect(checkVisibility(actors.otherApplicant, application)).toMatchObject({ kind: 'forbidden', code: 'notOwnUnit' });
  });

  it('an expert sees only what it is assigned, never from its own prefecture, and no bases (Art. 26)', () => {
    expect(maySee(actors.expert, application)).toBe(true);
    expect(checkVisibility(actors.zunyiExpert, application)).toMatchObject({ kind: 'forbidden', code: 'conflictOfInterest', article: '第二十六条' });
    expect(checkVisibility(actors.unassignedExpert, application)).toMatchObject({ code: 'notAssigned' });
    // e9 is assigned to the cross-prefecture unit but comes from one of its prefectures
    expect(checkVisibility(actors.unassignedExpert, crossUnit)).toMatchObject({ code: 'conflictOfInterest' });
    expect(maySee({ sub: 'e9', role: 'expert', prefecture: '520200' }, crossUnit)).toBe(true);
    expect(maySee(actors.expert, baseOfZunyi)).toBe(false);
  });

  it('the public sees no application or base (only active notices)', () => {
    expect(checkVisibility(actors.public, application)).toMatchObject({ kind: 'forbidden', code: 'notSignedIn' });
    expect(maySee(actors.public, baseOfZunyi)).toBe(false);
  });

  it('filters lists by prefecture', () => {
    expect(listPrefectureFilter(actors.province)).toBeNull();
    expect(listPrefectureFilter(actors.ops)).toBeNull();
    expect(listPrefectureFilter(actors.zunyiOfficer)).toEqual([ZUNYI]);
    expect(listPrefectureFilter(actors.officerWithoutPrefecture)).toEqual([]);
    expect(listPrefectureFilter(actors.applicant)).toEqual([]);
  });
});

describe('decision scopes', () => {
  it('ownUnit, unitPrefecture, province and assignedExpert', () => {
    expect(checkScope(actors.applicant, application, 'ownUnit')).toBeNull();
    expect(checkScope(actors.zunyiOfficer, application, 'ownUnit')?.code).toBe('notOwnUnit');
    expect(checkScope(actors.zunyiOfficer, application, 'unitPrefecture')).toBeNull();
    expect(checkScope(actors.province, application, 'unitPrefecture')?.code).toBe('wrongRole');
    expect(checkScope(actors.guiyangOfficer, application, 'unitPrefecture')?.code).toBe('wrongRegion');
    expect(checkScope(actors.province, application, 'province')).toBeNull();
    expect(checkScope(actors.ops, application, 'province')?.code).toBe('wrongRole');
    expect(checkScope(actors.expert, application, 'assignedExpert')).toBeNull();
    expect(checkScope(actors.province, application, 'assignedExpert')?.code).toBe('wrongRole');
    expect(checkScope(actors.zunyiExpert, application, 'assignedExpert')?.code).toBe('conflictOfInterest');
  });

  it('an expert conflicts with any prefecture of a cross-prefecture unit; unknown prefecture means no known conflict', () => {
    expect(expertHasConflict({ prefecture: GUIYANG }, [ZUNYI, GUIYANG])).toBe(true);
    expect(expertHasConflict({ prefecture: '520200' }, [ZUNYI, GUIYANG])).toBe(false);
    expect(expertHasConflict({ prefecture: null }, [ZUNYI])).toBe(false);
    expect(isCrossPrefecture([ZUNYI, GUIYANG])).toBe(true);
    expect(isCrossPrefecture([ZUNYI])).toBe(false);
  });
});
