// Chinese mail texts, one function per kind of message: subject and plain
// text (the part every client shows). Workflows name a template and give its
// parameters; the words live here, not in workflow histories. The names of
// steps and actions come from domain/names.ts (as do the templates' own names,
// MAIL_TEMPLATE_ZH), like everywhere else a person reads them.
import { formatCstInstantZh } from '../domain/dates';
import { actionZh, noticeLevelZh, stepZh } from '../domain/names';
import { prefectureName } from '../domain/prefectures';

export interface RenderedMail {
  subject: string;
  text: string;
}

const SIGNATURE = '\n\n——\n贵州省“两山”实践创新基地管理系统（本邮件由系统自动发送，请勿直接回复）';

/** An instant in China Standard Time for a mail (domain/dates.ts), saying so. */
export function formatCst(iso: string): string {
  return `${formatCstInstantZh(iso)}（北京时间）`;
}

/**
 * New complaints of one window, for the office that investigates them
 * (workflows/notice.ts sendDigest): when each came in and the start of its
 * text, never who filed it or how to reach them.
 */
export interface ComplaintDigestMail {
  unitName: string;
  level: 'prefecture' | 'province';
  complaints: Array<{ receivedAt: string; excerpt: string; dueAt: string | null }>;
}

/** The acceptance window (Art. 11) mails go to prefecture offices and to registered applicants. */
export interface AcceptanceWindowMail {
  year: number;
  audience: 'prefecture' | 'applicant';
  recipientName: string;
  /** YYYY-MM-DD (CST): 1 January. */
  opensOn: string;
  /** 30 June 24:00 CST, as an instant. */
  closesAt: string;
}

const ACCEPTANCE_ASK: Record<AcceptanceWindowMail['audience'], string> = {
  prefecture: '请组织辖区内有意向的建设主体准备申报材料，并做好预审（第九条）的安排。',
  applicant: '请在受理期内提交申报：申报函、对照第七条四项申报条件的说明及证明文件、县级以上地方政府发布实施的建设实施方案（第八条、第十二条）。',
};

/** The window from its first day (written 0:00, not “24:00 of 31 December”) to its closing instant. */
const windowText = (p: AcceptanceWindowMail) => {
  const [y, m, d] = p.opensOn.split('-').map(Number);
  return `${y}年${m}月${d}日 00:00 至 ${formatCst(p.closesAt)}`;
};

export const templates = {
  /**
   * The receipt names where the application goes (Art. 9–11): the prefecture
   * that pre-reviews it (`prefecture`, its code), or, when null, 省生态环境厅
   * for a cross-prefecture unit that applied directly. `applicationId` stays
   * in the parameters of recorded runs, but a person is not shown it.
   */
  applicationReceived: (p: { unitName: string; applicationId: string; year: number; prefecture?: string | null }): RenderedMail => ({
    subject: `【两山基地申报】${p.unitName}的${p.year}年度申报已受理`,
    text:
      `${p.unitName}：\n\n贵单位提交的${p.year}年度“两山”实践创新基地申报材料已收到，` +
      (p.prefecture
        ? `现转${prefectureName(p.prefecture)}生态环境主管部门预审（第九条）；预审通过后由其组织公示，并经市（州）政府同意后推荐报省生态环境厅（第十条、第十一条）。`
        : '现直接报省生态环境厅（第十一条），不经市（州）预审、公示和推荐，由省生态环境厅组织核查评估（第十三条）。') +
      `请登录系统查看办理进度。${SIGNATURE}`,
  }),
  taskAssigned: (p: { unitName: string; step: string; dueAt: string }): RenderedMail => ({
    subject: `【待办】${p.unitName}：${stepZh(p.step)}`,
    text: `您有一项新的待办事项：${p.unitName}的${stepZh(p.step)}。\n办理期限：${formatCst(p.dueAt)}前。${SIGNATURE}`,
  }),
  taskReminder: (p: { unitName: string; step: string; dueAt: string }): RenderedMail => ({
    subject: `【催办提醒】${p.unitName}：${stepZh(p.step)}即将到期`,
    text: `${p.unitName}的${stepZh(p.step)}将于${formatCst(p.dueAt)}到期，请及时办理。${SIGNATURE}`,
  }),
  taskEscalated: (p: { unitName: string; step: string; overdueSince: string; level: number; dueAt: string }): RenderedMail => ({
    subject: `【逾期督办】${p.unitName}：${stepZh(p.step)}已逾期`,
    text: `${p.unitName}的${stepZh(p.step)}已于${formatCst(p.overdueSince)}逾期未办理，现提级督办（第${p.level}级）。\n新的办理期限：${formatCst(p.dueAt)}前。${SIGNATURE}`,
  }),
  complaintDigest: (p: ComplaintDigestMail): RenderedMail => ({
    subject: `【投诉举报汇总】${p.unitName}：${noticeLevelZh(p.level)}期间新收到投诉举报${p.complaints.length}件`,
    text:
      `${p.unitName}${noticeLevelZh(p.level)}期间新收到投诉举报${p.complaints.length}件，每件已生成一项“${stepZh(`${p.level}Notice.investigation`)}”待办：\n\n` +
      p.complaints.map((c, i) => `${i + 1}. ${formatCst(c.receivedAt)}收到：“${c.excerpt}”${c.dueAt ? `\n   办理期限：${formatCst(c.dueAt)}前` : ''}`).join('\n') +
      `\n\n请登录系统查看全文并逐件调查核实；对不予受理的投诉举报，可在申报详情的“公示与投诉举报”中勾选多件，填写理由后一并办理。${SIGNATURE}`,
  }),
  decisionMade: (p: { unitName: string; action: string; reason?: string | undefined }): RenderedMail => ({
    subject: `【两山基地申报】${p.unitName}：${actionZh(p.action)}`,
    text: `${p.unitName}：\n\n贵单位的申报已办理：${actionZh(p.action)}。${p.reason ? `\n理由：${p.reason}` : ''}${SIGNATURE}`,
  }),
  noticeEnded: (p: { unitName: string; level: 'prefecture' | 'province'; stopped: boolean; reason?: string | null }): RenderedMail => {
    const who = p.level === 'prefecture' ? '市（州）' : '省';
    const next = p.level === 'prefecture' ? '市（州）生态环境部门将按程序推荐报省（第十一条）' : '省生态环境厅将按程序命名授牌（第十六条）';
    return {
      subject: `【两山基地申报】${p.unitName}：${who}公示${p.stopped ? '期间投诉举报经查属实，申报终止' : '结束'}`,
      text: p.stopped
        ? `${p.unitName}：\n\n${who}公示期间收到的投诉举报经调查核实属实，本次申报终止。${p.reason ? `\n核查结论：${p.reason}` : ''}${SIGNATURE}`
        : `${p.unitName}：\n\n${who}公示已结束，无投诉举报或投诉举报经调查核实不属实。${next}。${SIGNATURE}`,
    };
  },
  baseDue: (p: { unitName: string; what: string; dueAt: string; daysLeft: number }): RenderedMail => ({
    subject: `【两山基地】${p.unitName}：${p.what}还有${p.daysLeft}天到期`,
    text: `${p.unitName}：\n\n${p.what}的期限为${formatCst(p.dueAt)}，距到期还有${p.daysLeft}天，请及时办理。${SIGNATURE}`,
  }),
  baseStatusChanged: (p: { unitName: string; action: string; statusZh: string; reason?: string | null | undefined }): RenderedMail => ({
    subject: `【两山基地】${p.unitName}：${actionZh(p.action)}`,
    text: `${p.unitName}：\n\n省生态环境厅已办理：${actionZh(p.action)}。基地当前状态：${p.statusZh}。${p.reason ? `\n理由：${p.reason}` : ''}${SIGNATURE}`,
  }),
  acceptanceWindowOpening: (p: AcceptanceWindowMail): RenderedMail => ({
    subject: `【两山基地申报】${p.year}年度申报受理期已开始`,
    text: `${p.recipientName}：\n\n省生态环境厅受理${p.year}年度“两山”实践创新基地申报，受理期为${windowText(p)}（第十一条）。\n${ACCEPTANCE_ASK[p.audience]}${SIGNATURE}`,
  }),
  acceptanceWindowClosing: (p: AcceptanceWindowMail & { daysLeft: number }): RenderedMail => ({
    subject: `【两山基地申报】${p.year}年度申报受理期还有${p.daysLeft}天截止`,
    text: `${p.recipientName}：\n\n${p.year}年度“两山”实践创新基地申报受理期将于${formatCst(p.closesAt)}截止，距截止还有${p.daysLeft}天；受理期外提交的申报不予受理（第十一条）。\n${ACCEPTANCE_ASK[p.audience]}${SIGNATURE}`,
  }),
} as const;

export type TemplateName = keyof typeof templates;
export type TemplateParams<T extends TemplateName> = Parameters<(typeof templates)[T]>[0];

export function renderMail<T extends TemplateName>(name: T, params: TemplateParams<T>): RenderedMail {
  return (templates[name] as (p: TemplateParams<T>) => RenderedMail)(params);
}
