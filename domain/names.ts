// The Chinese names of everything a person reads an identifier of: stages and
// base statuses, roles, task steps, the actions recorded in the audit log,
// the grounds of Art. 24, outcomes, notices and complaints, mail templates,
// and the words of a workflow's history. Defined here once: the domain's
// tables (stages.ts, roles.ts, sanctions.ts, transitions.ts, notice.ts), the
// mails (activities/mail-templates.ts), the console (web/src/format.ts), the
// history in words (infra/history-summary.ts) and docs/RULES.md take their
// names from this file. Names are Chinese only: an identifier without a name
// is shown as a neutral Chinese word, never as itself (test/domain/names.test.ts
// checks that every identifier the system writes has a name).
// Pure: imports nothing but types.
import type { ComplaintOutcome, NoticeOutcome } from './notice';
import { prefectureName } from './prefectures';
import type { Role } from './roles';
import type { SanctionGround } from './sanctions';

// ---------------------------------------------------------------- stages

/** Stages of an application (Art. 7-16), by id (domain/stages.ts APPLICATION_STAGES). */
export const APPLICATION_STAGE_ZH = {
  prefectureReview: '市（州）预审',
  prefectureNotice: '市（州）公示',
  prefectureRecommendation: '市（州）推荐',
  expertAssignment: '核查评估：指派专家',
  expertReview: '核查评估：专家资料审核和实地核查',
  reviewConclusion: '核查评估：形成结论',
  selection: '遴选',
  provinceNotice: '省级公示',
  naming: '审议命名',
  named: '已命名',
  rejected: '未通过',
  withdrawn: '已撤回',
  stopped: '因投诉举报属实终止',
} as const;

/** The three expert-review stages shown as one phase (domain/stages.ts applicationPhase). */
export const PHASE_ZH = { provinceReview: '核查评估' } as const;

/** Statuses of a named base (Art. 16-24), by id (domain/stages.ts BASE_STATUSES). */
export const BASE_STATUS_ZH = {
  named: '已命名（有效期内）',
  warned: '已警告',
  underRectification: '整改中',
  renewed: '已续期（新的3年有效期）',
  revoked: '已撤销称号',
  expired: '有效期届满',
} as const;

/**
 * A stage of an application, else a status of a base, else the province-review
 * phase. `named` is both: as a stage it reads 已命名 (the application's end).
 */
export function stageZh(stage: string): string {
  return lookup(APPLICATION_STAGE_ZH, stage) ?? lookup(BASE_STATUS_ZH, stage) ?? lookup(PHASE_ZH, stage) ?? '未知阶段';
}

/** A status of a base: `named` reads 已命名（有效期内）. */
export function baseStatusZh(status: string): string {
  return lookup(BASE_STATUS_ZH, status) ?? stageZh(status);
}

// ---------------------------------------------------------------- roles

/** The actors (docs/RULES.md "Roles and scope"), by the JWT `role` claim (domain/roles.ts ROLES). */
export const ROLE_ZH = {
  applicant: '建设主体',
  prefectureOfficer: '市（州）生态环境主管部门',
  provinceOfficer: '省生态环境厅',
  expert: '咨询服务专家',
  ops: '运维人员',
  public: '社会公众',
} as const satisfies Record<Role, string>;

/** Who else appears as an actor in the audit log: the workflows themselves. */
export const ACTOR_ZH = { system: '系统' } as const;

export function roleZh(role: string): string {
  return lookup(ROLE_ZH, role) ?? lookup(ACTOR_ZH, role) ?? '未知角色';
}

/**
 * The office a person acts for, as people name it: 遵义市生态环境局 for a
 * prefecture officer of 520300, 贵州省生态环境厅 for the province; the role's
 * name for anyone else (an applicant, an expert, ops). Never an account id.
 */
/** The province's department, as every page, mail and document names it. */
export const PROVINCE_OFFICE_ZH = '贵州省生态环境厅';

export function officeZh(role: string, prefecture?: string | null): string {
  if (role === 'prefectureOfficer' && prefecture) return `${prefectureName(prefecture)}生态环境局`;
  if (role === 'provinceOfficer') return PROVINCE_OFFICE_ZH;
  return roleZh(role);
}

// ---------------------------------------------------------------- actions

/**
 * Every action the audit log records, applied or refused, by its id: the
 * decisions of domain/transitions.ts, submissions and reports, complaints and
 * their investigation, and what the province and ops maintain. Also the
 * Updates of the workflows (`decide` and the submissions), which the history
 * in words names.
 */
export const ACTION_ZH = {
  // Decisions on an application (APPLICATION_TRANSITIONS).
  withdraw: '撤回申报',
  prefectureAccept: '预审通过',
  prefectureReject: '预审不通过',
  openNotice: '发布公示',
  recommend: '市（州）推荐报省',
  assignExperts: '指派专家核查评估',
  reviewOpinion: '专家提交核查评估意见',
  concludeReview: '形成核查评估结论',
  select: '遴选入围',
  provinceReject: '未入选',
  name: '命名授牌',
  // Decisions on a base (BASE_TRANSITIONS).
  requireRectification: '提出整改要求',
  verifyRectification: '核查整改情况',
  concludeEvaluation: '形成后评估结论',
  renew: '称号续期3年',
  warn: '警告',
  revoke: '撤销称号',
  recommendNational: '推荐申报全国“两山”基地',
  // Submissions and what the workflows record themselves.
  submit: '提交申报',
  reportRectification: '提交整改报告',
  submitSummary: '提交年度工作总结',
  submitIndicatorData: '报送“两山指数”指标数据',
  expire: '称号到期',
  // Moves the application's workflow makes by itself (domain/transitions.ts AUTOMATIC_TRANSITIONS), recorded for the timeline.
  noticeClear: '公示期满无异议，进入下一阶段',
  noticeStopped: '公示期间投诉举报经查属实，申报终止',
  // Complaints during a notice (Art. 10, 15, 16).
  fileComplaint: '提交投诉举报',
  investigate: '调查核实投诉举报',
  delegateComplaint: '委托市（州）调查核实投诉举报',
  dismissComplaint: '投诉举报不予受理',
  // An officer urges the holder of an overdue task (domain/chase.ts).
  chaseTask: '催办逾期待办',
  // The expert pool (Art. 25), the working-day calendar, the outbox.
  expertPoolChange: '维护专家库',
  expertAdded: '专家入库',
  expertUpdated: '修改专家信息',
  expertDeactivated: '停用专家',
  calendarOverride: '维护工作日历',
  resend: '重发邮件',
  // The office directory (mailboxes and notice contacts, api/offices.ts).
  officeUpdated: '维护办公室名录',
  // A person's deadline feed (iCalendar, api/calendar-feeds.ts): a secret address, so its creation and revocation are recorded.
  calendarFeedCreated: '创建截止日期日历订阅',
  calendarFeedRevoked: '撤销截止日期日历订阅',
  readDashboard: '查看统计概览',
  // Documents (POST /api/files): applicants' materials, officers' minutes and evidence.
  uploadFile: '上传文件',
  // What a refused attempt is recorded as before the route knows more (api/).
  decide: '办理决定',
  decision: '办理决定',
  read: '查看',
  readEvaluation: '查看后评估结果',
} as const;

export type NamedAction = keyof typeof ACTION_ZH;

/**
 * Ids that mean the same as another and take its name: the notice workflow
 * recorded the province's delegation as `delegateInvestigation` while the API
 * and the console called it `delegateComplaint` (rows with either id stay in
 * the hash-chained audit log and in workflow histories); the API records some
 * refused attempts under other ids than the applied rows.
 */
export const ACTION_ALIASES: Readonly<Record<string, NamedAction>> = {
  delegateInvestigation: 'delegateComplaint',
  annualSummary: 'submitSummary',
  indicatorData: 'submitIndicatorData',
  addExpert: 'expertAdded',
  changeExpert: 'expertUpdated',
  setCalendar: 'calendarOverride',
  resendNotification: 'resend',
  setOffice: 'officeUpdated',
  createCalendarFeed: 'calendarFeedCreated',
  revokeCalendarFeed: 'calendarFeedRevoked',
  // One request (the notice's Update) dismisses several complaints, each recorded as `dismissComplaint`.
  dismissComplaints: 'dismissComplaint',
  // Refused uploads were recorded as `upload` before uploads themselves were.
  upload: 'uploadFile',
};

/** Whether the id (or its alias) has a name. */
export function isNamedAction(action: string): boolean {
  return lookup(ACTION_ZH, action) !== undefined || lookup(ACTION_ALIASES, action) !== undefined;
}

export function actionZh(action: string): string {
  const alias = lookup(ACTION_ALIASES, action);
  return lookup(ACTION_ZH, alias ?? action) ?? (/^(GET|POST|PUT|PATCH|DELETE) \//.test(action) ? '调用接口' : '其他事项');
}

// ---------------------------------------------------------------- task steps

/**
 * The task steps the workflows open (workflows/await-decision.ts HumanStep.step),
 * as patterns: `<stage>` for the stage's decision (and `expertReview` for each
 * expert), `<stage>.open` for a notice to publish, `<stage>.investigation`
 * for a complaint received during that notice, `annualSummary.<year>`,
 * `postEvaluation`, `rectification.verify`.
 */
export const STEP_PATTERNS: readonly { pattern: string; examples: readonly string[] }[] = [
  { pattern: '<stage>', examples: ['prefectureReview', 'prefectureRecommendation', 'expertAssignment', 'expertReview', 'reviewConclusion', 'selection', 'naming'] },
  { pattern: '<stage>.open', examples: ['prefectureNotice.open', 'provinceNotice.open'] },
  { pattern: '<stage>.investigation', examples: ['prefectureNotice.investigation', 'provinceNotice.investigation'] },
  { pattern: 'annualSummary.<year>', examples: ['annualSummary.2027'] },
  { pattern: 'postEvaluation', examples: ['postEvaluation'] },
  { pattern: 'rectification.verify', examples: ['rectification.verify'] },
];

const NOTICE_STAGES = ['prefectureNotice', 'provinceNotice'];

/** The name of a task step, or undefined when it matches no pattern. */
export function stepName(step: string): string | undefined {
  const dot = step.indexOf('.');
  const head = dot < 0 ? step : step.slice(0, dot);
  const part = dot < 0 ? '' : step.slice(dot + 1);
  if (!part) {
    if (head === 'postEvaluation') return '后评估结论（第二十二条）';
    return lookup(APPLICATION_STAGE_ZH, head);
  }
  if (NOTICE_STAGES.includes(head) && part === 'open') return `发布${stageZh(head)}`;
  if (NOTICE_STAGES.includes(head) && part === 'investigation') return `${stageZh(head)}期间投诉举报的调查核实`;
  if (head === 'annualSummary' && /^\d{4}$/.test(part)) return `${part}年度工作总结（逾期未提交，第十八条）`;
  if (head === 'rectification' && part === 'verify') return '整改情况核查（第二十三条）';
  return undefined;
}

export function stepZh(step: string): string {
  return stepName(step) ?? '待办事项';
}

// ---------------------------------------------------------------- Art. 24

/** The seven grounds of Art. 24, in the regulation's words (domain/sanctions.ts). */
export const SANCTION_GROUND_ZH = {
  1: '中央和省委生态环境保护督察、国家自然资源督察、生态环境部各类专项督查发现重大问题的',
  2: '因发生土地、矿产等自然资源违法被国家或省级挂牌督办、问责的',
  3: '发生重大破坏森林资源案件，且未按计划完成整改任务的',
  4: '发生重、特大突发环境事件或生态破坏事件的',
  5: '生态环境质量出现下降趋势或明显下降的',
  6: '后评估要求整改，但未能有效完成的',
  7: '在后评估过程中存在弄虚作假行为的',
} as const satisfies Record<SanctionGround, string>;

const CHINESE_NUMERALS = ['', '一', '二', '三', '四', '五', '六', '七'];

/** `第二十四条第（一）项` for a ground (no words): the citation alone. */
export function groundCitationZh(ground: number): string {
  return `第二十四条第（${CHINESE_NUMERALS[ground] ?? ground}）项`;
}

/** `第二十四条第（一）项：…` for a ground, or a neutral phrase for a number that is none. */
export function groundZh(ground: number): string {
  const zh = lookup(SANCTION_GROUND_ZH, String(ground));
  return zh ? `${groundCitationZh(ground)}：${zh}` : '第二十四条所列情形以外';
}

// ---------------------------------------------------------------- outcomes

/**
 * How a complaint ended (Art. 16; domain/notice.ts INVESTIGATION_OUTCOMES):
 * an investigation's outcome, or not taken up (`dismissed`, several at once,
 * domain/complaints.ts checkDismissal).
 */
export const INVESTIGATION_OUTCOME_ZH = {
  untrue: '经查不属实',
  noEvidence: '查无实据',
  resolved: '经认定得到有效解决',
  substantiated: '属实',
  dismissed: '不予受理',
} as const satisfies Record<ComplaintOutcome, string>;

/** Post-evaluation conclusions (Art. 22-24; concludeEvaluation's `outcome`). */
export const EVALUATION_OUTCOME_ZH = {
  pass: '通过（可续期）',
  rectify: '需要整改',
  sanction: '需要警告或撤销',
} as const;

/** How a rectification ended (workflows/rectification-messages.ts RectificationOutcome). */
export const RECTIFICATION_OUTCOME_ZH = {
  completed: '已有效完成整改',
  notCompleted: '未完成整改',
  superseded: '被新的整改要求取代',
  ended: '称号终止，整改随之结束',
} as const;

/** What a notice led to (domain/notice.ts NoticeOutcome). */
export const NOTICE_OUTCOME_ZH = {
  running: '进行中',
  awaitingInvestigation: '待调查核实',
  clear: '无异议',
  stopped: '投诉属实，终止',
} as const satisfies Record<NoticeOutcome, string>;

export const NOTICE_LEVEL_ZH = { prefecture: '市（州）公示', province: '省级公示' } as const;
export const NOTICE_STATUS_ZH = { scheduled: '未开始', open: '公示中', closed: '已结束' } as const;
export const COMPLAINT_STATUS_ZH = { open: '待调查', received: '待调查', investigating: '调查中', delegated: '已委托调查', closed: '已办结' } as const;

/** Outcomes may not be there yet: `—` then. */
export const investigationOutcomeZh = (s: string | null | undefined): string => (s ? (lookup(INVESTIGATION_OUTCOME_ZH, s) ?? '其他结论') : '—');
export const evaluationOutcomeZh = (s: string | null | undefined): string => (s ? (lookup(EVALUATION_OUTCOME_ZH, s) ?? '其他结论') : '—');
export const noticeOutcomeZh = (s: string | null | undefined): string => (s ? (lookup(NOTICE_OUTCOME_ZH, s) ?? '其他结果') : '—');
export const noticeLevelZh = (s: string): string => lookup(NOTICE_LEVEL_ZH, s) ?? '公示';
export const noticeStatusZh = (s: string): string => lookup(NOTICE_STATUS_ZH, s) ?? '未知状态';
export const complaintStatusZh = (s: string): string => lookup(COMPLAINT_STATUS_ZH, s) ?? '未知状态';

/** An indicator's result in the 两山指数 evaluation (domain/ls-index/evaluate.ts IndicatorOutcome): the console's table and the evaluation's Excel export. */
export const INDICATOR_RESULT_ZH = { met: '达标', notMet: '未达标', noData: '无数据' } as const;
export const indicatorResultZh = (s: string): string => lookup(INDICATOR_RESULT_ZH, s) ?? '无数据';

/** A task's escalation level (督办): the inbox and the tasks' Excel export. */
export function escalationZh(level: number | null | undefined): string {
  if (!level) return '未升级';
  return level === 1 ? '已升级（省生态环境厅督办）' : `已升级 ${level} 级`;
}

/** Any recorded outcome: of an investigation, a post-evaluation, a rectification or a notice. */
export function outcomeZh(s: string | null | undefined): string {
  if (!s) return '—';
  return lookup(INVESTIGATION_OUTCOME_ZH, s) ?? lookup(EVALUATION_OUTCOME_ZH, s) ?? lookup(RECTIFICATION_OUTCOME_ZH, s) ?? lookup(NOTICE_OUTCOME_ZH, s) ?? '其他结果';
}

// ---------------------------------------------------------------- mails

/** The kinds of mail (activities/mail-templates.ts `templates`). */
export const MAIL_TEMPLATE_ZH = {
  applicationReceived: '申报受理通知',
  taskAssigned: '待办通知',
  taskReminder: '催办提醒',
  taskEscalated: '逾期督办通知',
  taskChased: '逾期待办催办通知',
  complaintDigest: '投诉举报汇总通知',
  decisionMade: '申报办理结果通知',
  noticeEnded: '公示结束通知',
  baseDue: '基地事项到期提醒',
  baseStatusChanged: '基地状态变化通知',
  acceptanceWindowOpening: '申报受理期开始通知',
  acceptanceWindowClosing: '申报受理期即将截止提醒',
} as const;

export const mailTemplateZh = (template: string): string => lookup(MAIL_TEMPLATE_ZH, template) ?? '系统邮件';

// ---------------------------------------------------------------- workflow histories

/** The workflows, by type, for ops' views (infra/history-summary.ts, the console's 运维 page). */
export const WORKFLOW_TYPE_ZH = {
  applicationWorkflow: '申报流程',
  noticeWorkflow: '公示流程',
  baseWorkflow: '基地流程',
  rectificationWorkflow: '整改流程',
  acceptanceWindowNoticeWorkflow: '申报受理期通知流程',
  historyArchiveWorkflow: '历史归档流程',
  resendNotificationWorkflow: '邮件重发流程',
} as const;

export const workflowTypeZh = (type: string): string => lookup(WORKFLOW_TYPE_ZH, type) ?? '其他流程';

/** The kinds of line of a history in words (infra/history-summary.ts SummaryLine.kind). */
export const HISTORY_KIND_ZH = {
  started: '启动',
  decision: '受理决定',
  decisionDone: '决定办结',
  decisionFailed: '决定失败',
  decisionRefused: '拒绝决定',
  timer: '计时器',
  timerFired: '计时器触发',
  timerCanceled: '计时器取消',
  activity: '活动',
  activityDone: '活动完成',
  activityFailed: '活动失败',
  localActivity: '本地活动',
  patch: '版本标记',
  child: '子流程',
  childDone: '子流程结束',
  signal: '信号',
  searchAttributes: '检索属性',
  completed: '结束',
  continuedAsNew: '延续运行',
  failed: '失败',
  terminated: '终止',
  canceled: '取消',
  workflowTaskFailed: '流程任务失败',
} as const;

export const historyKindZh = (kind: string): string => lookup(HISTORY_KIND_ZH, kind) ?? '其他事件';

// ---------------------------------------------------------------- helpers

function lookup<T extends Readonly<Record<string, string>>>(table: T, key: string): string | undefined {
  return Object.prototype.hasOwnProperty.call(table, key) ? table[key] : undefined;
}

// ---------------------------------------------------------------- form fields

/** The fields every act's body may carry, as a 400's details name them (api/validation.ts). */
export const ACT_FIELD_ZH = { decisionId: '办理编号', requestId: '办理编号', reason: '理由' } as const;

/** An expert's fields as the expert pool's forms label them (web/src/pages/Experts.tsx) and a 400's details name them. */
export const EXPERT_FIELD_ZH = { name: '姓名', email: '电子邮箱', fields: '专业领域', region: '所在地区', active: '状态', ...ACT_FIELD_ZH } as const;
