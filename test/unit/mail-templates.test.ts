import { describe, expect, it } from 'vitest';
import { formatCst, renderMail, templates, type RenderedMail, type TemplateName, type TemplateParams } from '../../activities/mail-templates';

describe('mail templates', () => {
  it('shows instants in China Standard Time whatever TZ the process has', () => {
    // 2026-10-09T16:00Z is the end of 9 October in Beijing: a deadline's 24:00.
    expect(formatCst('2026-10-09T16:00:00.000Z')).toBe('2026年10月9日 24:00（北京时间）');
    expect(formatCst('2026-10-09T16:01:00.000Z')).toBe('2026年10月10日 00:01（北京时间）');
    expect(formatCst('2026-12-31T15:59:00.000Z')).toBe('2026年12月31日 23:59（北京时间）');
  });

  it('renders Chinese subjects and plain text with the parameters', () => {
    const mail = renderMail('taskEscalated', { unitName: '赤水市', step: 'prefectureReview', overdueSince: '2027-01-15T16:00:00.000Z', level: 1, dueAt: '2027-02-05T16:00:00.000Z' });
    expect(mail.subject).toBe('【逾期督办】赤水市：市（州）预审已逾期，请于2027年2月5日 24:00前办理');
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
    // No internal id is shown to a person: only the link's address carries it.
    for (const m of [viaZunyi, direct]) {
      expect(withoutLink(m.text)).not.toContain('abc123');
      expect(visible(m.html)).not.toContain('abc123');
      expect(m.text).toContain('查看申报详情：http://localhost:3000/applications/abc123');
    }
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

  it('says in the subject what is to be done and by when (北京时间)', () => {
    const dueAt = '2027-03-16T16:00:00.000Z';
    expect(renderMail('taskAssigned', { unitName: '赤水市', step: 'prefectureReview', dueAt }).subject).toBe('【待办】赤水市：市（州）预审，2027年3月16日 24:00前办理');
    expect(renderMail('taskReminder', { unitName: '赤水市', step: 'prefectureReview', dueAt }).subject).toBe('【催办提醒】赤水市：市（州）预审将于2027年3月16日 24:00到期');
    expect(renderMail('baseDue', { unitName: '赤水市', what: '2026年度工作总结（第十八条）', dueAt: '2027-01-31T16:00:00.000Z', daysLeft: 7 }).subject)
      .toBe('【两山基地】赤水市：2026年度工作总结（第十八条）还有7天到期，2027年1月31日 24:00前办理');
  });

  it('renders every template as HTML and plain text from one body, linking to the page where the person acts', () => {
    const context = { publicUrl: 'https://lsjd.sthjt.example.gov.cn/ls', subjectId: 'app-7f3e' };
    const window = { year: 2027, recipientName: '遵义市生态环境局', opensOn: '2027-01-01', closesAt: '2027-06-30T16:00:00.000Z' };
    const samples: { [T in TemplateName]: Array<[TemplateParams<T>, string]> } = {
      applicationReceived: [[{ unitName: '赤水市', applicationId: 'app-7f3e', year: 2027, prefecture: '520300' }, '/applications/app-7f3e']],
      taskAssigned: [
        [{ unitName: '赤水市', step: 'prefectureReview', dueAt: '2027-03-16T16:00:00.000Z' }, '/applications/app-7f3e'],
        [{ unitName: '赤水市', step: 'rectification.verify', dueAt: '2027-03-16T16:00:00.000Z' }, '/bases/app-7f3e'],
      ],
      taskReminder: [
        [{ unitName: '赤水市', step: 'expertReview', dueAt: '2027-03-16T16:00:00.000Z' }, '/applications/app-7f3e'],
        [{ unitName: '赤水市', step: 'annualSummary.2026', dueAt: '2027-03-16T16:00:00.000Z' }, '/bases/app-7f3e'],
      ],
      taskEscalated: [
        [{ unitName: '赤水市', step: 'prefectureNotice.investigation', overdueSince: '2027-03-16T16:00:00.000Z', level: 1, dueAt: '2027-03-30T16:00:00.000Z' }, '/applications/app-7f3e'],
        [{ unitName: '赤水市', step: 'postEvaluation', overdueSince: '2027-03-16T16:00:00.000Z', level: 1, dueAt: '2027-03-30T16:00:00.000Z' }, '/bases/app-7f3e'],
      ],
      taskChased: [
        [{ unitName: '赤水市', step: 'expertReview', dueAt: '2027-03-16T16:00:00.000Z', escalationLevel: 0, chasedBy: '省生态环境厅', message: '请于本周内提交' }, '/applications/app-7f3e'],
        [{ unitName: '赤水市', step: 'annualSummary.2026', dueAt: '2027-03-16T16:00:00.000Z', escalationLevel: 1, chasedBy: '遵义市生态环境主管部门' }, '/bases/app-7f3e'],
      ],
      complaintDigest: [[{ unitName: '赤水市', level: 'province', complaints: [{ receivedAt: '2027-03-02T02:15:00.000Z', excerpt: '河道非法采砂', dueAt: null }] }, '/applications/app-7f3e']],
      decisionMade: [[{ unitName: '赤水市', action: 'prefectureAccept', reason: '材料齐全' }, '/applications/app-7f3e']],
      noticeEnded: [[{ unitName: '赤水市', level: 'prefecture', stopped: true, reason: '经查属实' }, '/applications/app-7f3e']],
      baseDue: [[{ unitName: '赤水市', what: '整改（第二十三条）', dueAt: '2027-03-16T16:00:00.000Z', daysLeft: 7 }, '/bases/app-7f3e']],
      baseStatusChanged: [[{ unitName: '赤水市', action: 'warn', statusZh: '警告', reason: '未按期整改' }, '/bases/app-7f3e']],
      acceptanceWindowOpening: [
        [{ ...window, audience: 'applicant' }, '/applications/new'],
        [{ ...window, audience: 'prefecture' }, '/applications'],
      ],
      acceptanceWindowClosing: [[{ ...window, audience: 'applicant', daysLeft: 7 }, '/applications/new']],
    };
    expect(Object.keys(samples).sort()).toEqual(Object.keys(templates).sort());
    for (const name of Object.keys(samples) as TemplateName[]) {
      for (const [params, path] of samples[name] as Array<[never, string]>) {
        const label = `${name} ${path}`;
        const mail: RenderedMail = renderMail(name, params, context);
        const url = `https://lsjd.sthjt.example.gov.cn/ls${path}`;
        // One link, absolute, under PUBLIC_URL: the full address in the text, words in the HTML.
        expect(mail.text, label).toMatch(new RegExp(`\n\n(打开办理页面|查看申报详情|查看基地详情|查看申报|在线填报申报)：${url.replace(/[/.]/g, '\\$&')}\n\n——\n`));
        expect([...mail.html.matchAll(/href="([^"]*)"/g)].map((m) => m[1]), label).toEqual([url]);
        expect(templates[name](params, context), label).toEqual(mail);
        // A document of its own, in Chinese, with nothing to fetch.
        expect(mail.html, label).toMatch(/^<!DOCTYPE html>\n<html lang="zh-CN">\n<head><meta charset="utf-8">/);
        expect(mail.html, label).not.toMatch(/<(script|img|link|iframe|style)\b|\ssrc=|url\(/i);
        // The text part is plain text: no markup, no entities.
        expect(mail.text, label).not.toMatch(/<[a-z/!]|&[a-z#0-9]+;/i);
        // The two parts say the same: the HTML's words are the text's, minus the link's address.
        expect(normalise(visible(mail.html)), label).toBe(normalise(`${mail.subject}${withoutLink(mail.text)}`));
        // No internal identifier is shown: the id is only in the address.
        expect(visible(mail.html), label).not.toContain('app-7f3e');
        expect(withoutLink(mail.text), label).not.toContain('app-7f3e');
      }
    }
  });

  it('escapes every value in the HTML part (unit names, reasons and complaints come from people) and keeps them as written in the text', () => {
    const unitName = '<script>alert("x")</script>赤水&市';
    const decision = renderMail('decisionMade', { unitName, action: 'prefectureReject', reason: '材料<img src=x onerror=alert(1)>不全\n见\'附件\'' }, { publicUrl: 'https://lsjd.example.gov.cn', subjectId: 'a"b<c' });
    expect(decision.html).not.toContain('<script');
    expect(decision.html).not.toContain('<img');
    expect(decision.html).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;赤水&amp;市');
    expect(decision.html).toContain('材料&lt;img src=x onerror=alert(1)&gt;不全<br>见&#39;附件&#39;');
    expect(decision.html).toContain('href="https://lsjd.example.gov.cn/applications/a%22b%3Cc"');
    expect(decision.text).toContain(`${unitName}：`);
    expect(decision.text).toContain('理由：材料<img src=x onerror=alert(1)>不全\n见\'附件\'');
    const digest = renderMail('complaintDigest', { unitName: '赤水市', level: 'prefecture', complaints: [{ receivedAt: '2027-03-02T02:15:00.000Z', excerpt: '</li><a href="https://evil.example">点此</a>', dueAt: null }] });
    expect(digest.html).toContain('<li>2027年3月2日 10:15（北京时间）收到：“&lt;/li&gt;&lt;a href=&quot;https://evil.example&quot;&gt;点此&lt;/a&gt;”</li>');
    expect([...digest.html.matchAll(/<a /g)]).toHaveLength(1);
  });
});

/** What a reader of the HTML part sees: its words, without tags (so without the link's address) or entities. */
function visible(html: string): string {
  return html.replace(/<[^>]*>/g, '').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&amp;/g, '&');
}

/** The plain-text part without the link's address. */
function withoutLink(text: string): string {
  return text.replace(/：https?:\/\/\S+/, '');
}

/** For comparing the parts' words: no whitespace, no list numbers, no text-only rule above the signature (an <hr> in HTML). */
const normalise = (s: string) => s.replace(/^\d+\. /gm, '').replace(/\s+|——/g, '');
