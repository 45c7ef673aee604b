// The console's words and dates (web/src/format.ts, web/src/session.ts): China
// Standard Time whatever the machine's zone, 24:00 for a midnight deadline,
// days left counted in CST days, the inbox's order of urgency.
import { describe, expect, it } from 'vitest';
import { byUrgency, daysUntil, dueText, formatCst, stepZh } from '../../web/src/format';
import { decodeToken } from '../../web/src/token';

describe('the console’s formats', () => {
  it('writes instants in China Standard Time, a midnight deadline as 24:00 of the day before', () => {
    expect(formatCst('2027-03-02T02:00:00Z')).toBe('2027年3月2日 10:00');
    expect(formatCst('2027-03-15T16:00:00Z')).toBe('2027年3月15日 24:00');
    expect(formatCst('2027-03-15T16:00:00Z', false)).toBe('2027年3月16日');
  });

  it('counts days left and overdue in CST calendar days', () => {
    const due = '2027-03-15T16:00:00Z'; // 15 March 24:00 CST
    expect(daysUntil(due, Date.parse('2027-03-15T01:00:00Z'))).toBe(0);
    expect(dueText(due, false, Date.parse('2027-03-15T01:00:00Z'))).toBe('今天到期');
    expect(dueText(due, false, Date.parse('2027-03-13T01:00:00Z'))).toBe('剩余 2 天');
    expect(dueText(due, true, Date.parse('2027-03-17T01:00:00Z'))).toBe('已逾期 2 天');
  });

  it('names task steps in the regulation’s words', () => {
    expect(stepZh('prefectureReview')).toBe('市（州）预审');
    expect(stepZh('prefectureNotice.open')).toBe('发布市（州）公示');
    expect(stepZh('provinceNotice.investigation')).toBe('省级公示期间投诉举报的调查核实');
  });

  it('puts overdue, then escalated, then the earliest due first', () => {
    const t = (id: string, dueAt: string, overdue = false, escalationLevel = 0) => ({ id, dueAt, overdue, escalationLevel });
    const sorted = [t('later', '2027-03-20T16:00:00Z'), t('escalated', '2027-03-25T16:00:00Z', false, 1), t('soon', '2027-03-10T16:00:00Z'), t('late', '2027-03-01T16:00:00Z', true)].sort(byUrgency);
    expect(sorted.map((x) => x.id)).toEqual(['late', 'escalated', 'soon', 'later']);
  });

  it('reads the claims of a token (the API alone decides whether it is valid)', () => {
    const part = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
    const token = `${part({ alg: 'HS256' })}.${part({ sub: 'chishui', role: 'applicant', prefecture: '520300', name: '赤水市人民政府' })}.sig`;
    expect(decodeToken(token)).toEqual({ sub: 'chishui', role: 'applicant', prefecture: '520300', name: '赤水市人民政府' });
    expect(decodeToken('not-a-token')).toBeNull();
  });
});
