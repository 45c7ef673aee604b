// Chinese mail texts, one function per kind of message: a subject and a body
// that one renderer turns into an HTML part and a plain-text part (so the two
// never drift), with a link to the console page where the person acts (under
// PUBLIC_URL, built from the mail's subject). Workflows name a template and give its
// parameters; the words live here, not in workflow histories. The names of
// steps and actions come from domain/names.ts (as do the templates' own names,
// MAIL_TEMPLATE_ZH), like everywhere else a person reads them.
import { formatCstInstantZh } from '../domain/dates';
import { actionZh, noticeLevelZh, stepZh } from '../domain/names';
import { prefectureName } from '../domain/prefectures';

/** A mail as sent: subject, the plain-text part and the HTML part, from one body (renderBody). */
export interface RenderedMail {
  subject: string;
  text: string;
  html: string;
}

/**
 * Where a mail's link leads: the console's public address (PUBLIC_URL,
 * infra/config.ts, no trailing slash) and the outbox subject the mail is
 * about (an application's id; a base has its application's id; an
 * acceptance window's key). The notify activity (activities/index.ts) gives
 * both, so mails of runs recorded before links existed get them too.
 */
export interface MailContext {
  publicUrl: string;
  subjectId?: string | undefined;
  /** The mail's due date was counted on a year whose holiday schedule is not known yet (domain/provisional-calendar.ts): the mail says so. */
  provisionalDeadline?: boolean | undefined;
}

/** What a mail with a provisional due date adds (docs/ARCHITECTURE.md "Provisional calendar"). */
export const PROVISIONAL_DEADLINE_ZH = '（暂定）该期限所在年度的法定节假日安排尚未公布，期限暂按周末推算；安排公布后可能调整，以系统中显示的期限为准。';

/** The console of `npm start` (infra/config.ts falls back to http://localhost:<PORT>). */
export const DEFAULT_PUBLIC_URL = 'http://localhost:3000';

/** A paragraph (its "\n" a line break), or a numbered list. */
type Block = string | { numbered: string[] };

/** What a template says, before it becomes text and HTML: one source, so the two parts never drift. */
interface MailBody {
  subject: string;
  /** The addressee, written "X：" above the first paragraph. */
  greeting?: string | undefined;
  blocks: Block[];
  /** The console page where the person acts or reads on (web/src/App.tsx), and the link's words. */
  link: { path: string; label: string };
}

const SIGNATURE_ZH = '贵州省“两山”实践创新基地管理系统（本邮件由系统自动发送，请勿直接回复）';

/** For HTML text and attribute values alike. */
export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

/** The absolute address of a console page under PUBLIC_URL. */
export function pageUrl(publicUrl: string, path: string): string {
  return `${publicUrl.replace(/\/+$/, '')}${path}`;
}

const escapeLines = (s: string) => escapeHtml(s).replace(/\r?\n/g, '<br>');

/** The one renderer of both parts: the same blocks, the link as its full URL in text and as words in HTML. */
function renderBody(given: MailBody, context: MailContext): RenderedMail {
  const body = context.provisionalDeadline ? { ...given, blocks: [...given.blocks, PROVISIONAL_DEADLINE_ZH] } : given;
  const url = pageUrl(context.publicUrl, body.link.path);
  const textBlocks = body.blocks.map((b) => (typeof b === 'string' ? b : b.numbered.map((item, i) => `${i + 1}. ${item.replace(/\n/g, '\n   ')}`).join('\n')));
  const text = [
    ...(body.greeting ? [`${body.greeting}：`] : []),
    ...textBlocks,
    `${body.link.label}：${url}`,
  ].join('\n\n') + `\n\n——\n${SIGNATURE_ZH}`;
  const htmlBlocks = body.blocks.map((b) =>
    typeof b === 'string' ? `<p>${escapeLines(b)}</p>` : `<ol>${b.numbered.map((item) => `<li>${escapeLines(item)}</li>`).join('')}</ol>`,
  );
  const html = [
    '<!DOCTYPE html>',
    '<html lang="zh-CN">',
    `<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${escapeHtml(body.subject)}</title></head>`,
    '<body style="font-family: sans-serif; font-size: 15px; line-height: 1.7; color: #1f2328;">',
    ...(body.greeting ? [`<p>${escapeHtml(body.greeting)}：</p>`] : []),
    ...htmlBlocks,
    `<p><a href="${escapeHtml(url)}" style="display: inline-block; padding: 6px 16px; background: #1a7f37; color: #ffffff; text-decoration: none; border-radius: 4px;">${escapeHtml(body.link.label)}</a></p>`,
    `<hr style="border: none; border-top: 1px solid #d0d7de;"><p style="font-size: 12px; color: #656d76;">${escapeHtml(SIGNATURE_ZH)}</p>`,
    '</body>',
    '</html>',
  ].join('\n');
  return { subject: body.subject, text, html };
}

/** An instant in China Standard Time for a mail (domain/dates.ts), saying so. */
export function formatCst(iso: string): string {
  return `${formatCstInstantZh(iso)}（北京时间）`;
}

/** The steps a base's run opens (domain/names.ts STEP_PATTERNS); every other step is an application's. */
const BASE_STEP_HEADS = new Set(['annualSummary', 'postEvaluation', 'rectification']);

const idPath = (list: string, id: string | undefined) => (id ? `${list}/${encodeURIComponent(id)}` : list);
const applicationPage = (id: string | undefined) => ({ path: idPath('/applications', id), label: '查看申报详情' });
const basePage = (id: string | undefined) => ({ path: idPath('/bases', id), label: '查看基地详情' });
/** A task is done on its subject's page: the application's or the base's. */
const taskPage = (step: string, id: string | undefined) => ({
  path: BASE_STEP_HEADS.has(step.split('.')[0] ?? '') ? idPath('/bases', id) : idPath('/applications', id),
  label: '打开办理页面',
});

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

/** The page of an acceptance-window mail: applicants go to the submission form, prefecture offices to the applications. */
const ACCEPTANCE_PAGE: Record<AcceptanceWindowMail['audience'], MailBody['link']> = {
  prefecture: { path: '/applications', label: '查看申报' },
  applicant: { path: '/applications/new', label: '在线填报申报' },
};

/**
 * Each template: its parameters (the activity's input, recorded in workflow
 * histories: new ones stay optional) and the mail context, to a body.
 */
const bodies = {
  /**
   * The receipt names where the application goes (Art. 9–11): the prefecture
   * that pre-reviews it (`prefecture`, its code), or, when null, 省生态环境厅
   * for a cross-prefecture unit that applied directly. `applicationId` stays
   * in the parameters of recorded runs, but a person is not shown it.
   */
  applicationReceived: (p: { unitName: string; applicationId: string; year: number; prefecture?: string | null }, c: MailContext): MailBody => ({
    subject: `【两山基地申报】${p.unitName}的${p.year}年度申报已受理`,
    greeting: p.unitName,
    blocks: [
      `贵单位提交的${p.year}年度“两山”实践创新基地申报材料已收到，` +
        (p.prefecture
          ? `现转${prefectureName(p.prefecture)}生态环境主管部门预审（第九条）；预审通过后由其组织公示，并经市（州）政府同意后推荐报省生态环境厅（第十条、第十一条）。`
          : '现直接报省生态环境厅（第十一条），不经市（州）预审、公示和推荐，由省生态环境厅组织核查评估（第十三条）。') +
        '请登录系统查看办理进度。',
    ],
    link: applicationPage(p.applicationId || c.subjectId),
  }),
  taskAssigned: (p: { unitName: string; step: string; dueAt: string }, c: MailContext): MailBody => ({
    subject: `【待办】${p.unitName}：${stepZh(p.step)}，${formatCstInstantZh(p.dueAt)}前办理`,
    blocks: [`您有一项新的待办事项：${p.unitName}的${stepZh(p.step)}。\n办理期限：${formatCst(p.dueAt)}前。`],
    link: taskPage(p.step, c.subjectId),
  }),
  taskReminder: (p: { unitName: string; step: string; dueAt: string }, c: MailContext): MailBody => ({
    subject: `【催办提醒】${p.unitName}：${stepZh(p.step)}将于${formatCstInstantZh(p.dueAt)}到期`,
    blocks: [`${p.unitName}的${stepZh(p.step)}将于${formatCst(p.dueAt)}到期，请及时办理。`],
    link: taskPage(p.step, c.subjectId),
  }),
  taskEscalated: (p: { unitName: string; step: string; overdueSince: string; level: number; dueAt: string }, c: MailContext): MailBody => ({
    subject: `【逾期督办】${p.unitName}：${stepZh(p.step)}已逾期，请于${formatCstInstantZh(p.dueAt)}前办理`,
    blocks: [`${p.unitName}的${stepZh(p.step)}已于${formatCst(p.overdueSince)}逾期未办理，现提级督办（第${p.level}级）。\n新的办理期限：${formatCst(p.dueAt)}前。`],
    link: taskPage(p.step, c.subjectId),
  }),
  /**
   * A chase (催办, domain/chase.ts): an officer urges whoever must act on an
   * overdue task. `dueAt` is the task's current due date; `escalationLevel`
   * ≥ 1 says it is already overdue and escalated (its due date moved on).
   */
  taskChased: (p: { unitName: string; step: string; dueAt: string; escalationLevel: number; chasedBy: string; message?: string | null | undefined }, c: MailContext): MailBody => ({
    subject: `【催办】${p.unitName}：${stepZh(p.step)}已逾期，请尽快办理`,
    blocks: [
      `${p.chasedBy}催办：${p.unitName}的${stepZh(p.step)}已逾期，请尽快办理。\n` +
        (p.escalationLevel >= 1
          ? `该待办已逾期并提级督办（第${p.escalationLevel}级），当前办理期限：${formatCst(p.dueAt)}前。`
          : `办理期限：${formatCst(p.dueAt)}，已过期限。`),
      ...(p.message ? [`催办意见：${p.message}`] : []),
    ],
    link: taskPage(p.step, c.subjectId),
  }),
  complaintDigest: (p: ComplaintDigestMail, c: MailContext): MailBody => ({
    subject: `【投诉举报汇总】${p.unitName}：${noticeLevelZh(p.level)}期间新收到投诉举报${p.complaints.length}件`,
    blocks: [
      `${p.unitName}${noticeLevelZh(p.level)}期间新收到投诉举报${p.complaints.length}件，每件已生成一项“${stepZh(`${p.level}Notice.investigation`)}”待办：`,
      { numbered: p.complaints.map((x) => `${formatCst(x.receivedAt)}收到：“${x.excerpt}”${x.dueAt ? `\n办理期限：${formatCst(x.dueAt)}前` : ''}`) },
      '请登录系统查看全文并逐件调查核实；对不予受理的投诉举报，可在申报详情的“公示与投诉举报”中勾选多件，填写理由后一并办理。',
    ],
    link: { path: applicationPage(c.subjectId).path, label: '打开办理页面' },
  }),
  decisionMade: (p: { unitName: string; action: string; reason?: string | undefined }, c: MailContext): MailBody => ({
    subject: `【两山基地申报】${p.unitName}：${actionZh(p.action)}`,
    greeting: p.unitName,
    blocks: [`贵单位的申报已办理：${actionZh(p.action)}。${p.reason ? `\n理由：${p.reason}` : ''}`],
    link: applicationPage(c.subjectId),
  }),
  noticeEnded: (p: { unitName: string; level: 'prefecture' | 'province'; stopped: boolean; reason?: string | null }, c: MailContext): MailBody => {
    const who = p.level === 'prefecture' ? '市（州）' : '省';
    const next = p.level === 'prefecture' ? '市（州）生态环境部门将按程序推荐报省（第十一条）' : '省生态环境厅将按程序命名授牌（第十六条）';
    return {
      subject: `【两山基地申报】${p.unitName}：${who}公示${p.stopped ? '期间投诉举报经查属实，申报终止' : '结束'}`,
      greeting: p.unitName,
      blocks: [
        p.stopped
          ? `${who}公示期间收到的投诉举报经调查核实属实，本次申报终止。${p.reason ? `\n核查结论：${p.reason}` : ''}`
          : `${who}公示已结束，无投诉举报或投诉举报经调查核实不属实。${next}。`,
      ],
      link: applicationPage(c.subjectId),
    };
  },
  baseDue: (p: { unitName: string; what: string; dueAt: string; daysLeft: number }, c: MailContext): MailBody => ({
    subject: `【两山基地】${p.unitName}：${p.what}还有${p.daysLeft}天到期，${formatCstInstantZh(p.dueAt)}前办理`,
    greeting: p.unitName,
    blocks: [`${p.what}的期限为${formatCst(p.dueAt)}，距到期还有${p.daysLeft}天，请及时办理。`],
    link: { path: basePage(c.subjectId).path, label: '打开办理页面' },
  }),
  baseStatusChanged: (p: { unitName: string; action: string; statusZh: string; reason?: string | null | undefined }, c: MailContext): MailBody => ({
    subject: `【两山基地】${p.unitName}：${actionZh(p.action)}`,
    greeting: p.unitName,
    blocks: [`省生态环境厅已办理：${actionZh(p.action)}。基地当前状态：${p.statusZh}。${p.reason ? `\n理由：${p.reason}` : ''}`],
    link: basePage(c.subjectId),
  }),
  acceptanceWindowOpening: (p: AcceptanceWindowMail): MailBody => ({
    subject: `【两山基地申报】${p.year}年度申报受理期已开始`,
    greeting: p.recipientName,
    blocks: [`省生态环境厅受理${p.year}年度“两山”实践创新基地申报，受理期为${windowText(p)}（第十一条）。\n${ACCEPTANCE_ASK[p.audience]}`],
    link: ACCEPTANCE_PAGE[p.audience],
  }),
  acceptanceWindowClosing: (p: AcceptanceWindowMail & { daysLeft: number }): MailBody => ({
    subject: `【两山基地申报】${p.year}年度申报受理期还有${p.daysLeft}天截止`,
    greeting: p.recipientName,
    blocks: [`${p.year}年度“两山”实践创新基地申报受理期将于${formatCst(p.closesAt)}截止，距截止还有${p.daysLeft}天；受理期外提交的申报不予受理（第十一条）。\n${ACCEPTANCE_ASK[p.audience]}`],
    link: ACCEPTANCE_PAGE[p.audience],
  }),
} as const;

type Bodies = typeof bodies;
export type TemplateName = keyof Bodies;
export type TemplateParams<T extends TemplateName> = Parameters<Bodies[T]>[0];

/** Every template, by name: its parameters and context to the mail as sent. */
export const templates = Object.fromEntries(
  Object.entries(bodies).map(([name, body]) => [name, (p: never, context: MailContext = { publicUrl: DEFAULT_PUBLIC_URL }) => renderBody((body as (p: never, c: MailContext) => MailBody)(p, context), context)]),
) as { [T in TemplateName]: (p: TemplateParams<T>, context?: MailContext) => RenderedMail };

/**
 * The mail of a template: subject, text and HTML, with its link under
 * `context.publicUrl` (without a context, under DEFAULT_PUBLIC_URL, and a
 * subject's page falls back to its list).
 */
export function renderMail<T extends TemplateName>(name: T, params: TemplateParams<T>, context: MailContext = { publicUrl: DEFAULT_PUBLIC_URL }): RenderedMail {
  const body = (bodies[name] as (p: TemplateParams<T>, c: MailContext) => MailBody)(params, context);
  return renderBody(body, context);
}
