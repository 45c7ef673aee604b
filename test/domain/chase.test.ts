// The chase rule (domain/chase.ts): who may chase whom, and when.
import { describe, expect, it } from 'vitest';
import { checkChase, isTaskOverdue, mayChase, taskHolder, type ChaseableTask } from '../../domain';
import { actors, GUIYANG, ZUNYI } from './fixtures';

const NOW = Date.parse('2027-03-20T02:00:00.000Z');
const PAST = '2027-03-10T16:00:00.000Z';
const FUTURE = '2027-03-30T16:00:00.000Z';
const task = (extra: Partial<ChaseableTask> = {}): ChaseableTask => ({ step: 'prefectureReview', role: 'prefectureOfficer', prefecture: ZUNYI, dueAt: PAST, escalationLevel: 0, ...extra });
const summary = task({ step: 'annualSummary.2026' });
const review = task({ step: 'expertReview', role: 'expert', prefecture: null, assigneeSub: 'e1' });
const provinceTask = task({ step: 'selection', role: 'provinceOfficer', prefecture: null });

describe('who holds a task', () => {
  it('is the base for an overdue annual summary, the expert for a review, else the office', () => {
    expect(taskHolder(summary)).toEqual({ kind: 'unit' });
    expect(taskHolder(review)).toEqual({ kind: 'expert', expertId: 'e1' });
    expect(taskHolder(task())).toEqual({ kind: 'office', role: 'prefectureOfficer', prefecture: ZUNYI });
    expect(taskHolder(provinceTask)).toEqual({ kind: 'office', role: 'provinceOfficer', prefecture: null });
  });
});

describe('overdue', () => {
  it('is past the due date, or escalated (whose due date moved on)', () => {
    expect(isTaskOverdue({ dueAt: PAST, escalationLevel: 0 }, NOW)).toBe(true);
    expect(isTaskOverdue({ dueAt: FUTURE, escalationLevel: 0 }, NOW)).toBe(false);
    expect(isTaskOverdue({ dueAt: FUTURE, escalationLevel: 1 }, NOW)).toBe(true);
  });
});

describe('who may chase', () => {
  it('the province: any overdue task held by someone else, not its own', () => {
    for (const t of [task(), summary, review, task({ prefecture: GUIYANG })]) expect(checkChase(actors.province, t, [ZUNYI], NOW)).toBeNull();
    expect(checkChase(actors.province, provinceTask, [ZUNYI], NOW)).toMatchObject({ kind: 'forbidden', code: 'ownTask' });
  });

  it('a prefecture: the unit and experts of subjects in its prefecture, not an office', () => {
    expect(checkChase(actors.zunyiOfficer, summary, [ZUNYI], NOW)).toBeNull();
    expect(checkChase(actors.zunyiOfficer, review, [ZUNYI, GUIYANG], NOW)).toBeNull();
    expect(checkChase(actors.zunyiOfficer, task(), [ZUNYI], NOW)).toMatchObject({ kind: 'forbidden', code: 'ownTask' });
    expect(checkChase(actors.zunyiOfficer, task({ prefecture: GUIYANG }), [ZUNYI, GUIYANG], NOW)).toMatchObject({ kind: 'forbidden', code: 'notSupervised' });
    expect(checkChase(actors.zunyiOfficer, provinceTask, [ZUNYI], NOW)).toMatchObject({ kind: 'forbidden', code: 'notSupervised' });
    expect(checkChase(actors.guiyangOfficer, summary, [ZUNYI], NOW)).toMatchObject({ kind: 'forbidden', code: 'wrongRegion' });
    expect(checkChase(actors.officerWithoutPrefecture, summary, [ZUNYI], NOW)).toMatchObject({ kind: 'forbidden', code: 'wrongRegion' });
  });

  it('nobody else', () => {
    for (const a of [actors.applicant, actors.expert, actors.ops, actors.public]) expect(checkChase(a, summary, [ZUNYI], NOW)).toMatchObject({ kind: 'forbidden', code: 'wrongRole' });
  });

  it('refuses a task not overdue or closed with 409, after who may (403 first)', () => {
    expect(checkChase(actors.province, task({ dueAt: FUTURE }), [ZUNYI], NOW)).toMatchObject({ kind: 'conflict', code: 'notOverdue' });
    expect(checkChase(actors.province, task({ status: 'closed' }), [ZUNYI], NOW)).toMatchObject({ kind: 'conflict', code: 'taskClosed' });
    expect(checkChase(actors.province, task({ status: 'open' }), [ZUNYI], NOW)).toBeNull();
    expect(checkChase(actors.zunyiOfficer, task({ dueAt: FUTURE }), [ZUNYI], NOW)).toMatchObject({ kind: 'forbidden' });
    expect(mayChase(actors.zunyiOfficer, summary, [ZUNYI], NOW)).toBe(true);
    expect(mayChase(actors.zunyiOfficer, { ...summary, dueAt: FUTURE }, [ZUNYI], NOW)).toBe(false);
  });

  it('says why in Chinese, with no Latin letters', () => {
    const all = [
      checkChase(actors.province, provinceTask, [ZUNYI], NOW), checkChase(actors.zunyiOfficer, task(), [ZUNYI], NOW), checkChase(actors.zunyiOfficer, provinceTask, [ZUNYI], NOW),
      checkChase(actors.guiyangOfficer, summary, [ZUNYI], NOW), checkChase(actors.applicant, summary, [ZUNYI], NOW),
      checkChase(actors.province, task({ dueAt: FUTURE }), [ZUNYI], NOW), checkChase(actors.province, task({ status: 'closed' }), [ZUNYI], NOW),
    ];
    for (const r of all) expect(r?.zh).toMatch(/^[^A-Za-z]+$/);
  });
});
