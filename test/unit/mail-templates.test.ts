import { describe, expect, it } from 'vitest';
import { formatCst, renderMail } from '../../activities/mail-templates';

describe('mail templates', () => {
  it('shows instants in China Standard Time whatever TZ the process has', () => {
    // 2026-10-09T16:00Z is the end of 9 October in Beijing: a deadline's 24:00.
    expect(formatCst('2026-10-09T16:00:00.000Z')).toBe('2026年10月9日 24:00（北京时间）');
    expect(formatCst('2026-10-09T16:01:00.000Z')).toBe('2026年10月10日 00:01（北京时间）');
    expect(formatCst('2026-12-31T15:59:00.000Z')).toBe('2026年12月31日 23:59（北京时间）');
  });

  it('renders Chinese subjects and plain text with the parameters', () => {
    const mail = renderMail('taskEscalated', { unitName: '赤水市', step: 'prefectureReview', overdueSince: '2027-01-15T16:00:00.000Z', level: 1, dueAt: '2027-02-05T16:00:00.000Z' });
    expect(mail.subject).toBe('【逾期督办】赤水市：市（州）预审已逾期');
    expect(mail.text).toContain('第1级');
    expect(mail.text).toContain('2027年2月5日 24:00（北京时间）');
  });
});
