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

  it('the receipt names where the application goes: the prefecture that pre-reviews it, or the province directly (Art. 9, 11)', () => {
    const viaZunyi = renderMail('applicationReceived', { unitName: '赤水河流域', applicationId: 'abc123', year: 2027, prefecture: '520300' });
    expect(viaZunyi.subject).toBe('【两山基地申报】赤水河流域的2027年度申报已受理');
    expect(viaZunyi.text).toContain('现转遵义市生态环境主管部门预审');
    const direct = renderMail('applicationReceived', { unitName: '赤水河流域', applicationId: 'abc123', year: 2027, prefecture: null });
    expect(direct.text).toContain('直接报省生态环境厅');
    expect(direct.text).not.toContain('预审（');
    expect(direct.text).not.toContain('转');
    // No internal id is shown to a person.
    for (const m of [viaZunyi, direct]) expect(m.text).not.toContain('abc123');
  });

  it('lists a window of new complaints in one digest: count, when each came in (北京时间), the start of its text', () => {
    const mail = renderMail('complaintDigest', {
      unitName: '赤水市',
      level: 'prefecture',
      complaints: [
        { receivedAt: '2027-03-02T02:15:00.000Z', excerpt: '河道非法采砂', dueAt: '2027-03-16T16:00:00.000Z' },
        { receivedAt: '2027-03-02T02:20:00.000Z', excerpt: '数据造假……', dueAt: null },
      ],
    });
    expect(mail.subject).toBe('【投诉举报汇总】赤水市：市（州）公示期间新收到投诉举报2件');
    expect(mail.text).toContain('1. 2027年3月2日 10:15（北京时间）收到：“河道非法采砂”');
    expect(mail.text).toContain('办理期限：2027年3月16日 24:00（北京时间）前');
    expect(mail.text).toContain('2. 2027年3月2日 10:20（北京时间）收到：“数据造假……”');
    expect(mail.text).toContain('市（州）公示期间投诉举报的调查核实');
  });
});
