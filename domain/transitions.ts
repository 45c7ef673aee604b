// The decisions of people, as one table: which action moves which stage (or
// base status) to which, who may take it, what payload it needs, and which
// article it comes from. The workflows' update validators, the API's checks
// and docs/RULES.md all read this table. Automatic moves (a notice closing,
// the last expert opinion arriving, a title lapsing) are in AUTOMATIC_TRANSITIONS.
import { cstDateOf, endOfCstDayMs, isCalendarDate, toEpochMs, type InstantInput } from './dates';
import { MAX_NOTICE_WORKING_DAYS, MIN_NOTICE_WORKING_DAYS, noticePayloadProblems } from './notice';
import { actionZh, evaluationOutcomeZh } from './names';
import { DELIBERATION_FIELDS, EVIDENCE_FIELDS, deliberationProblems, evidenceProblems } from './grave-acts';
import { RULES_EDITION, validateFields, type FieldSpec } from './payloads';
import { invalidPayload, problem, refusal, type Problem, type Refusal } from './problems';
import { roleZh, type Actor, type Role } from './roles';
import { checkSanctionGround, type SanctionFacts } from './sanctions';
import { checkScope, expertRecusalZh, type ScopeKind, type Subject } from './scope';
import { isTerminalStage, isTerminalStatus, stageZh, type ApplicationStage, type BaseStatus } from './stages';

/** The Art. 14 review criteria, scored 0-100 by each expert (reviewOpinion's `criteria`). */
export const REVIEW_CRITERIA = [
  { key: '1', zh: '申报材料齐全、规范，申报内容真实' },
  { key: '2', zh: '建设实施方案具有科学性、针对性、可操作性' },
  { key: '3', zh: '生态环境保持优良，生态资源优势突出' },
  { key: '4', zh: '“两山”转化成效显著，绿色发展水平逐步提高' },
  { key: '5', zh: '“两山”制度探索具有创新性，保障措施有力' },
  { key: '6', zh: '“两山”转化模式具有典型性、代表性和可推广性' },
  { key: '7', zh: '在省内外具有一定影响力，获得过其他关联品牌荣誉或省部级以上领导肯定性批示指示等' },
] as const;

export type ApplicationAction =
  | 'withdraw' | 'prefectureAccept' | 'prefectureReject' | 'openNotice' | 'recommend' | 'assignExperts'
  | 'reviewOpinion' | 'concludeReview' | 'select' | 'provinceReject' | 'name';

export type BaseAction = 'requireRectification' | 'verifyRectification' | 'concludeEvaluation' | 'renew' | 'warn' | 'revoke' | 'recommendNational';

export const APPLICATION_ACTIONS: readonly ApplicationAction[] = [
  'withdraw', 'prefectureAccept', 'prefectureReject', 'openNotice', 'recommend', 'assignExperts',
  'reviewOpinion', 'concludeReview', 'select', 'provinceReject', 'name',
];
export const BASE_ACTIONS: readonly BaseAction[] = ['requireRectification', 'verifyRectification', 'concludeEvaluation', 'renew', 'warn', 'revoke', 'recommendNational'];

/** What the workflow knows about an application when a decision arrives. */
export interface ApplicationFacts extends Omit<Subject, 'kind'> {
  stage: ApplicationStage;
  /** A notice has already been opened (or scheduled) in the current notice stage. */
  noticeOpened?: boolean;
  /** Experts who have already recorded their opinion. */
  opinionsFrom?: readonly string[];
}

/** What the workflow knows about a base when a decision arrives. */
export interface BaseFacts extends Omit<Subject, 'kind' | 'assignedExpertIds' | 'viaPrefecture'>, SanctionFacts {
  status: BaseStatus;
  /** The status to return to when a rectification is verified as completed. */
  statusBeforeRectification?: BaseStatus | null;
  /** The title has reached 3 years and the post-evaluation is open (Art. 22). */
  postEvaluationOpen?: boolean;
  /** The outcome of the latest concluded post-evaluation. */
  lastEvaluationOutcome?: 'pass' | 'rectify' | 'sanction' | null;
}

/** A decision as the API receives it (`{ decisionId, action, reason?, ...payload }`). */
export interface DecisionInput {
  action: string;
  actor: Actor;
  reason?: string | null;
  payload?: Record<string, unknown> | null;
}

/** The expert pool entries the caller can supply to check an assignment (Art. 25, 26): name, registered region (domain/regions.ts), active. */
export type ExpertPool = Record<string, { name?: string; region?: string | null; active: boolean }>;

export interface CheckOptions {
  /** The instant of the decision (workflow time or request time). */
  at: InstantInput;
  /** When given, `assignExperts` checks each id against the pool: known, active, no conflict. */
  expertPool?: ExpertPool;
  /**
   * The edition of the rules to check by (domain/payloads.ts RULES_EDITION,
   * the default): a workflow run passes the one it started under.
   */
  edition?: number;
}

interface GuardContext<F> {
  facts: F;
  request: DecisionInput;
  payload: Record<string, unknown>;
  options: CheckOptions;
}

export interface TransitionRule<S extends string, F> {
  action: string;
  subject: 'application' | 'base';
  from: readonly S[];
  /** Possible results; `resolve` picks one (default: the first). */
  to: readonly S[];
  role: Role;
  scope: ScopeKind;
  payload: readonly FieldSpec[];
  /** A stated reason is required (always, or only when the payload makes it a refusal). */
  reasonRequired: 'always' | 'never' | 'whenNegative';
  article: string;
  /** The action's name (names.ts). */
  zh: string;
  en: string;
  /** What the rule says beyond its name, for the docs and the decision form. */
  docZh?: string;
  /** Extra conditions, described for the docs. */
  guardZh?: string;
  /** How the result is chosen, described for the docs. */
  toZh?: string;
  guard?: (ctx: GuardContext<F>) => Refusal | Problem[] | null;
  /**
   * A condition of the subject's state that no payload can change (the
   * post-evaluation not open yet, no passed evaluation to renew on, a notice
   * already opened, an opinion already given): checked
   * before the payload (409 before 422), and told in advance, so the console
   * shows the action disabled with this reason instead of offering it.
   */
  blockedBy?: (facts: F, actor: Actor) => Refusal | null;
  /** Payload problems beyond each field's own (fields that depend on each other), reported with them, all at once. */
  payloadProblems?: (payload: Record<string, unknown>, at: InstantInput, edition: number) => Problem[];
  resolve?: (ctx: GuardContext<F>) => S;
  negative?: (payload: Record<string, unknown>) => boolean;
}

type AppRule = TransitionRule<ApplicationStage, ApplicationFacts>;
type BaseRule = TransitionRule<BaseStatus, BaseFacts>;

const NON_TERMINAL_STAGES: readonly ApplicationStage[] = [
  'prefectureReview', 'prefectureNotice', 'prefectureRecommendation', 'expertAssignment', 'expertReview', 'reviewConclusion', 'selection', 'provinceNotice', 'naming',
];
const TITLE_ACTIVE: readonly BaseStatus[] = ['named', 'warned', 'renewed'];

const noticeFields: readonly FieldSpec[] = [
  { name: 'workingDays', type: 'integer', min: MIN_NOTICE_WORKING_DAYS, max: MAX_NOTICE_WORKING_DAYS, required: true, zh: '公示期（工作日）' },
  { name: 'publishedAt', type: 'instant', required: false, zh: '发布时间（缺省为现在，不得早于现在）' },
];

/** One notice per notice stage (Art. 10, 15): once opened, opening another is not offered. */
const noticeBlocked = (facts: ApplicationFacts): Refusal | null =>
  facts.noticeOpened ? refusal('conflict', 'noticeAlreadyOpen', '本阶段的公示已经发布', 'The notice of this stage has already been opened', '第十条、第十五条') : null;

const noticeGuard = ({ payload, options }: GuardContext<ApplicationFacts>): Refusal | Problem[] | null => {
  const problems = noticePayloadProblems(payload, options.at);
  return problems.length ? problems : null;
};

export const APPLICATION_TRANSITIONS: readonly AppRule[] = [
  {
    action: 'withdraw', subject: 'application', from: NON_TERMINAL_STAGES, to: ['withdrawn'], role: 'applicant', scope: 'ownUnit', payload: [], reasonRequired: 'never',
    article: '第五条', zh: actionZh('withdraw'), docZh: '建设主体撤回申报（自愿申报）', en: 'The applicant withdraws the application',
  },
  {
    action: 'prefectureAccept', subject: 'application', from: ['prefectureReview'], to: ['prefectureNotice'], role: 'prefectureOfficer', scope: 'unitPrefecture', payload: [], reasonRequired: 'never',
    article: '第九条', zh: actionZh('prefectureAccept'), docZh: '市（州）预审通过，进入公示', en: 'The prefecture accepts in pre-review; the notice follows',
  },
  {
    action: 'prefectureReject', subject: 'application', from: ['prefectureReview'], to: ['rejected'], role: 'prefectureOfficer', scope: 'unitPrefecture', payload: [], reasonRequired: 'always',
    article: '第九条', zh: actionZh('prefectureReject'), docZh: '市（州）预审不通过（须说明理由）', en: 'The prefecture rejects in pre-review (with reasons)',
  },
  {
    action: 'openNotice', subject: 'application', from: ['prefectureNotice'], to: ['prefectureNotice'], role: 'prefectureOfficer', scope: 'unitPrefecture', payload: noticeFields, reasonRequired: 'never',
    article: '第十条', zh: actionZh('openNotice'), docZh: '发布市（州）公示，不少于5个工作日', en: 'The prefecture opens its notice, at least 5 working days',
    guardZh: '本阶段尚未发布公示；发布时间不早于现在', blockedBy: noticeBlocked, guard: noticeGuard,
  },
  // Art. 9: the department recommends "经市（州）政府同意后"; Art. 11 says the
  // prefecture government forms the written opinion. [interpretation, ours]
  // The prefecture officer writes it, recording the government's consent:
  // governmentConsent: true is that record.
  {
    action: 'recommend', subject: 'application', from: ['prefectureRecommendation'], to: ['expertAssignment'], role: 'prefectureOfficer', scope: 'unitPrefecture',
    payload: [
      { name: 'governmentConsent', type: 'true', required: true, zh: '市（州）政府同意' },
      { name: 'opinion', type: 'text', maxLength: 5000, required: true, zh: '书面预审推荐意见' },
    ],
    reasonRequired: 'never', article: '第九条、第十一条', zh: actionZh('recommend'), docZh: '经市（州）政府同意，形成书面推荐意见报省生态环境厅', en: 'With the prefecture government’s consent, the written recommendation goes to the province',
  },
  {
    action: 'assignExperts', subject: 'application', from: ['expertAssignment', 'expertReview'], to: ['expertReview'], role: 'provinceOfficer', scope: 'province',
    payload: [{ name: 'expertIds', type: 'idList', required: true, zh: '专家' }],
    reasonRequired: 'never', article: '第十三条、第二十五条、第二十六条', zh: actionZh('assignExperts'), docZh: '从专家库指派专家进行资料审核和实地核查（在专家评审阶段可增派）', en: 'The province assigns experts from the pool (more may be added during the review)',
    guardZh: '专家在库、在职、未被指派过，且不是登记在申报单元所在市（州）或其所辖县（市、区）的专家（回避，第二十六条的解释）；指派应回避的专家为提交内容有误（422）',
    guard: ({ facts, payload, options }) => {
      const ids = Array.isArray(payload.expertIds) ? (payload.expertIds as string[]) : [];
      const problems: Problem[] = [];
      for (const id of ids) {
        const e = options.expertPool?.[id];
        // A person reads the expert's name; the id is for a caller without the pool (the workflow).
        const who = e?.name ? `专家“${e.name}”` : '所选专家中有一位';
        if ((facts.assignedExpertIds ?? []).includes(id)) problems.push(problem('expertIds', 'alreadyAssigned', `${who}已被指派`, `Expert ${id} is already assigned`));
        if (!options.expertPool) continue;
        if (!e) problems.push(problem('expertIds', 'unknownExpert', '所选专家中有一位不在专家库中', `No expert ${id} in the pool`));
        else if (!e.active) problems.push(problem('expertIds', 'inactiveExpert', `${who}已停用`, `Expert ${id} is inactive`));
        else {
          const recusal = expertRecusalZh(e, facts.prefectures);
          if (recusal) problems.push(problem('expertIds', 'conflictOfInterest', `${who}${recusal}`, `Expert ${id} is registered in the unit's prefecture and must not review it (Art. 26, interpretation)`));
        }
      }
      return problems.length ? problems : null;
    },
  },
  {
    action: 'reviewOpinion', subject: 'application', from: ['expertReview'], to: ['expertReview'], role: 'expert', scope: 'assignedExpert',
    payload: [
      { name: 'criteria', type: 'scores', keys: REVIEW_CRITERIA.map((c) => c.key), min: 0, max: 100, required: true, zh: '第十四条七个方面的评分' },
      { name: 'onSite', type: 'boolean', required: true, zh: '是否实地核查' },
      { name: 'opinion', type: 'text', maxLength: 5000, required: true, zh: '评审意见' },
    ],
    reasonRequired: 'never', article: '第十三条、第十四条', zh: actionZh('reviewOpinion'), docZh: '专家提交资料审核和实地核查意见及评分', en: 'An assigned expert records an opinion and scores',
    guardZh: '每位专家只提交一次；全部专家提交后自动进入“形成结论”',
    blockedBy: (facts, actor) =>
      (facts.opinionsFrom ?? []).includes(actor.sub)
        ? refusal('conflict', 'opinionAlreadyGiven', '您已提交过评审意见', 'You have already recorded your opinion', '第十三条')
        : null,
  },
  {
    action: 'concludeReview', subject: 'application', from: ['reviewConclusion'], to: ['selection', 'rejected'], role: 'provinceOfficer', scope: 'province',
    payload: [{ name: 'passed', type: 'boolean', required: true, zh: '是否通过核查评估' }],
    reasonRequired: 'whenNegative', article: '第十四条、第十五条', zh: actionZh('concludeReview'), docZh: '省生态环境厅形成核查评估结论', en: 'The province concludes the review',
    toZh: 'passed=true → selection；passed=false → rejected（须说明理由）',
    negative: (p) => p.passed === false,
    resolve: ({ payload }) => (payload.passed === true ? 'selection' : 'rejected'),
  },
  {
    action: 'select', subject: 'application', from: ['selection'], to: ['provinceNotice'], role: 'provinceOfficer', scope: 'province', payload: [], reasonRequired: 'never',
    article: '第十五条', zh: actionZh('select'), docZh: '遴选入围，进入省级公示', en: 'The province selects the application; the province notice follows',
  },
  {
    action: 'provinceReject', subject: 'application', from: ['selection'], to: ['rejected'], role: 'provinceOfficer', scope: 'province', payload: [], reasonRequired: 'always',
    article: '第十五条', zh: actionZh('provinceReject'), docZh: '遴选未入选（须说明理由）', en: 'The province does not select the application (with reasons)',
  },
  {
    action: 'openNotice', subject: 'application', from: ['provinceNotice'], to: ['provinceNotice'], role: 'provinceOfficer', scope: 'province', payload: noticeFields, reasonRequired: 'never',
    article: '第十五条', zh: actionZh('openNotice'), docZh: '在官方网站、“两微”平台发布省级公示，不少于5个工作日', en: 'The province opens its notice, at least 5 working days',
    guardZh: '本阶段尚未发布公示；发布时间不早于现在', blockedBy: noticeBlocked, guard: noticeGuard,
  },
  {
    action: 'name', subject: 'application', from: ['naming'], to: ['named'], role: 'provinceOfficer', scope: 'province',
    payload: [{ name: 'namedOn', type: 'date', required: false, zh: '命名日期（缺省为当天）' }, ...DELIBERATION_FIELDS],
    payloadProblems: deliberationProblems,
    reasonRequired: 'never', article: '第十六条', zh: actionZh('name'), docZh: '按程序审议通过后命名并授牌，称号有效期3年；须记录审议机构、日期和审议纪要', en: 'The province names the base; the title is valid for 3 years',
    guardZh: '命名日期不晚于当天（北京时间）',
    guard: ({ payload, options }) =>
      isCalendarDate(payload.namedOn) && (payload.namedOn as string) > cstDateOf(options.at)
        ? [problem('namedOn', 'inTheFuture', '命名日期不能晚于今天', 'namedOn cannot be in the future')]
        : null,
  },
];

const groundField: FieldSpec = { name: 'ground', type: 'integer', min: 1, max: 7, required: true, zh: '第二十四条情形（1–7）' };

const rectificationDeadlineGuard = (payload: Record<string, unknown>, at: InstantInput): Problem[] => {
  const d = payload.deadline;
  return isCalendarDate(d) && d <= cstDateOf(at) ? [problem('deadline', 'notInFuture', '整改期限须晚于今天', 'deadline must be after today')] : [];
};

/** A warning or revocation: the deliberation, and the evidence its ground names. */
const graveActProblems = (payload: Record<string, unknown>, at: InstantInput, edition: number): Problem[] => [
  ...deliberationProblems(payload, at, edition),
  ...evidenceProblems(payload, at, edition),
];

const sanctionGuard = ({ facts, payload }: GuardContext<BaseFacts>): Refusal | Problem[] | null => {
  if (typeof payload.ground !== 'number' || !Number.isInteger(payload.ground)) return null; // reported by the field check
  return checkSanctionGround(payload.ground, facts);
};

export const BASE_TRANSITIONS: readonly BaseRule[] = [
  {
    action: 'requireRectification', subject: 'base', from: TITLE_ACTIVE, to: ['underRectification'], role: 'provinceOfficer', scope: 'province',
    payload: [
      { name: 'requirements', type: 'textOrTextList', maxLength: 5000, required: true, zh: '整改要求' },
      { name: 'deadline', type: 'date', required: true, zh: '整改期限（当天24:00止）' },
    ],
    reasonRequired: 'never', article: '第二十三条', zh: actionZh('requireRectification'), docZh: '根据后评估情况提出整改要求和限定期限', en: 'The province requires rectification by a deadline',
    guardZh: '期限晚于今天（整改中不能再提出新的整改：先核查）', guard: ({ payload, options }) => {
      const p = rectificationDeadlineGuard(payload, options.at);
      return p.length ? p : null;
    },
  },
  {
    action: 'verifyRectification', subject: 'base', from: ['underRectification'], to: ['named', 'warned', 'renewed', 'underRectification'], role: 'provinceOfficer', scope: 'province',
    payload: [{ name: 'completed', type: 'boolean', required: true, zh: '是否有效完成整改' }],
    reasonRequired: 'whenNegative', article: '第二十三条、第二十四条', zh: actionZh('verifyRectification'), en: 'The province verifies the rectification',
    toZh: 'completed=true → 整改前的状态；completed=false → 仍为整改中，并构成第二十四条第（六）项情形',
    negative: (p) => p.completed === false,
    resolve: ({ facts, payload }) => (payload.completed === true ? (facts.statusBeforeRectification ?? 'named') : 'underRectification'),
  },
  {
    action: 'concludeEvaluation', subject: 'base', from: TITLE_ACTIVE, to: TITLE_ACTIVE, role: 'provinceOfficer', scope: 'province',
    payload: [{ name: 'outcome', type: 'enum', values: ['pass', 'rectify', 'sanction'], required: true, zh: '后评估结论' }],
    reasonRequired: 'whenNegative', article: '第二十二条、第二十三条', zh: actionZh('concludeEvaluation'), docZh: '按“两山指数”形成后评估结论', en: 'The province concludes the post-evaluation by the 两山指数',
    guardZh: '称号满3年、后评估已开始', toZh: '状态不变；pass 之后可续期，rectify 之后提出整改，sanction 之后警告或撤销',
    negative: (p) => p.outcome === 'rectify' || p.outcome === 'sanction',
    blockedBy: (facts) => (facts.postEvaluationOpen ? null : refusal('conflict', 'evaluationNotOpen', '该基地称号未满3年或后评估尚未开始', 'The title has not reached 3 years or the post-evaluation has not started', '第二十二条')),
    resolve: ({ facts }) => facts.status,
  },
  {
    action: 'renew', subject: 'base', from: TITLE_ACTIVE, to: ['renewed'], role: 'provinceOfficer', scope: 'province', payload: [], reasonRequired: 'never',
    article: '第二十二条', zh: actionZh('renew'), docZh: '后评估通过，续期3年', en: 'After a passed post-evaluation, the title is renewed for 3 years [interpretation]',
    guardZh: `最近一次后评估结论为“${evaluationOutcomeZh('pass')}”`, toZh: '新的3年有效期（解释：条例未规定续期，后评估通过的基地可续期3年）',
    blockedBy: (facts) => (facts.lastEvaluationOutcome === 'pass' ? null : refusal('conflict', 'evaluationNotPassed', '只有后评估通过的基地可以续期', 'Only a base whose post-evaluation passed may be renewed', '第二十二条')),
  },
  {
    action: 'warn', subject: 'base', from: [...TITLE_ACTIVE, 'underRectification'], to: ['warned', 'underRectification'], role: 'provinceOfficer', scope: 'province',
    payload: [
      groundField,
      { name: 'requirements', type: 'textOrTextList', maxLength: 5000, required: false, zh: '随警告提出的整改要求' },
      { name: 'deadline', type: 'date', required: false, zh: '整改期限' },
      ...DELIBERATION_FIELDS,
      ...EVIDENCE_FIELDS,
    ],
    payloadProblems: graveActProblems,
    reasonRequired: 'always', article: '第二十四条', zh: actionZh('warn'), docZh: '须写明第二十四条情形和理由，记录审议和该情形所需的依据，可附整改要求', en: 'The province warns the base (naming an Art. 24 ground; may carry a rectification)',
    guardZh: '第（六）项须有未完成整改的记录，第（七）项须已进行后评估；整改要求和期限同时给出',
    toZh: '附整改要求 → underRectification；否则 → warned',
    guard: (ctx) => {
      const r = sanctionGuard(ctx);
      if (r) return r;
      const { payload, options } = ctx;
      const has = (k: string) => payload[k] !== undefined && payload[k] !== null;
      if (has('requirements') !== has('deadline')) return [problem(has('deadline') ? 'requirements' : 'deadline', 'missing', '整改要求和整改期限须同时填写', 'requirements and deadline go together')];
      const p = rectificationDeadlineGuard(payload, options.at);
      return p.length ? p : null;
    },
    resolve: ({ payload }) => (payload.requirements !== undefined && payload.requirements !== null ? 'underRectification' : 'warned'),
  },
  {
    action: 'revoke', subject: 'base', from: [...TITLE_ACTIVE, 'underRectification'], to: ['revoked'], role: 'provinceOfficer', scope: 'province',
    payload: [groundField, ...DELIBERATION_FIELDS, ...EVIDENCE_FIELDS], payloadProblems: graveActProblems,
    reasonRequired: 'always', article: '第二十四条', zh: actionZh('revoke'), docZh: '须写明第二十四条情形和理由，记录审议和该情形所需的依据', en: 'The province revokes the title (naming an Art. 24 ground, its deliberation and evidence)',
    guardZh: '第（六）项须有未完成整改的记录，第（七）项须已进行后评估', guard: sanctionGuard,
  },
  {
    action: 'recommendNational', subject: 'base', from: [...TITLE_ACTIVE, 'underRectification'], to: [...TITLE_ACTIVE, 'underRectification'], role: 'provinceOfficer', scope: 'province',
    payload: [{ name: 'exceptionReason', type: 'text', maxLength: 2000, required: false, zh: '例外推荐的理由（被警告或整改中的基地必填）' }],
    reasonRequired: 'never',
    article: '第六条', zh: actionZh('recommendNational'), docZh: '向生态环境部推荐申报全国“两山”基地', en: 'The province recommends the base for the national list',
    guardZh: '「原则上」从持有称号、状况良好（已命名、已续期）的基地中择优推荐；被警告或整改中的基地须写明例外理由',
    toZh: '状态不变',
    // Art. 6 says 「原则上」: the rule, with room for a stated exception. The
    // exception's reason is part of the payload, so it is in the audit entry.
    guard: ({ facts, payload }) =>
      (facts.status === 'named' || facts.status === 'renewed' || payload.exceptionReason !== undefined)
        ? null
        : refusal('conflict', 'notInGoodStanding', `该基地目前为“${stageZh(facts.status)}”，原则上不推荐；确需推荐的，须写明例外推荐的理由（第六条）`, 'A base not in good standing is recommended only with a written exception reason (Art. 6)', '第六条'),
    resolve: ({ facts }) => facts.status,
  },
];

export const ALL_TRANSITIONS: readonly (AppRule | BaseRule)[] = [...APPLICATION_TRANSITIONS, ...BASE_TRANSITIONS];

/** Moves made by the workflow itself, not by a person's decision (documented with the table). */
/** What makes a workflow move by itself. */
export type AutomaticEvent = 'submitted' | 'submittedCrossPrefecture' | 'noticeClear' | 'noticeStopped' | 'allOpinionsIn' | 'named' | 'termEnded';

export interface AutomaticTransition {
  subject: 'application' | 'base';
  /** The stages or statuses it moves from (empty: it starts the workflow). */
  from: readonly string[];
  to: string;
  on: AutomaticEvent;
  whenZh: string;
  article: string;
}

export const AUTOMATIC_TRANSITIONS: readonly AutomaticTransition[] = [
  { subject: 'application', from: [], to: 'prefectureReview', on: 'submitted', whenZh: '材料齐全、在受理期内提交，单一市（州）的建设单元，或选择通过所在的一个市（州）申报的跨市（州）建设单元（由该市〔州〕预审）', article: '第七条、第九条、第十一条、第十二条' },
  { subject: 'application', from: [], to: 'expertAssignment', on: 'submittedCrossPrefecture', whenZh: '跨市（州）的建设单元选择直接向省生态环境厅申报', article: '第十一条' },
  { subject: 'application', from: ['prefectureNotice'], to: 'prefectureRecommendation', on: 'noticeClear', whenZh: '公示期满，且所有投诉举报经查不属实、查无实据或得到有效解决', article: '第十条、第十一条' },
  { subject: 'application', from: ['prefectureNotice'], to: 'stopped', on: 'noticeStopped', whenZh: '投诉举报经查属实（解释：与第十六条同样处理）', article: '第十条、第十六条' },
  { subject: 'application', from: ['expertReview'], to: 'reviewConclusion', on: 'allOpinionsIn', whenZh: '所有指派的专家都已提交评审意见', article: '第十三条、第十四条' },
  { subject: 'application', from: ['provinceNotice'], to: 'naming', on: 'noticeClear', whenZh: '公示期满，且未收到投诉举报，或所有投诉举报经查不属实、查无实据或经认定得到有效解决', article: '第十六条' },
  { subject: 'application', from: ['provinceNotice'], to: 'stopped', on: 'noticeStopped', whenZh: '投诉举报经查属实', article: '第十六条' },
  { subject: 'base', from: [], to: 'named', on: 'named', whenZh: '申报命名后成为基地', article: '第十六条' },
  { subject: 'base', from: ['named', 'warned', 'underRectification', 'renewed'], to: 'expired', on: 'termEnded', whenZh: '有效期届满（三周年前一日24:00）且未续期、未撤销', article: '第十六条' },
];

/**
 * Where a workflow moves by itself from `from` on `on`: the table above is the
 * one source the workflows and docs/RULES.md read. A move the table does not
 * have is a programming error.
 */
export function automaticNext(subject: 'application', from: ApplicationStage, on: AutomaticEvent): ApplicationStage;
export function automaticNext(subject: 'base', from: BaseStatus, on: AutomaticEvent): BaseStatus;
export function automaticNext(subject: 'application' | 'base', from: string, on: AutomaticEvent): string {
  const move = AUTOMATIC_TRANSITIONS.find((t) => t.subject === subject && t.on === on && t.from.includes(from));
  if (!move) throw new Error(`no automatic move of a ${subject} from ${from} on ${on}`);
  return move.to;
}

export type DecisionCheck<S extends string> =
  | { ok: true; action: string; from: S; to: S; article: string }
  | { ok: false; refusal: Refusal };

function runChecks<S extends string, F extends { prefectures: readonly string[]; applicantSub: string }>(
  subjectKind: 'application' | 'base',
  rules: readonly TransitionRule<S, F>[],
  current: S,
  terminal: boolean,
  facts: F,
  subject: Subject,
  request: DecisionInput,
  options: CheckOptions,
): DecisionCheck<S> {
  const { action, actor } = request;
  const candidates = rules.filter((r) => r.action === action);
  const kindZh = subjectKind === 'application' ? '申报' : '基地';
  if (candidates.length === 0) {
    return { ok: false, refusal: refusal('invalid', 'unknownAction', `${kindZh}没有“${action}”这项决定`, `There is no decision “${action}” for a ${subjectKind}`) };
  }
  // Role first, then region, then stage: a caller outside the scope learns nothing about the stage.
  const roles = [...new Set(candidates.map((r) => r.role))];
  if (!roles.includes(actor.role)) {
    const who = roles.map(roleZh).join('或');
    return { ok: false, refusal: refusal('forbidden', 'wrongRole', `“${actionZh(action)}”只能由${who}办理`, `“${action}” may be taken only by ${roles.join(' or ')}`, candidates[0]?.article) };
  }
  for (const r of candidates.filter((c) => c.role === actor.role)) {
    const denied = checkScope(actor, subject, r.scope);
    if (denied) return { ok: false, refusal: denied };
  }
  if (terminal) {
    return { ok: false, refusal: refusal('conflict', 'finished', `该${kindZh}已结束（${stageZh(current)}），不能再办理“${actionZh(action)}”`, `This ${subjectKind} has ended (${current}); “${action}” is no longer possible`) };
  }
  const rule = candidates.find((r) => r.from.includes(current));
  if (!rule) {
    const stages = [...new Set(candidates.flatMap((r) => r.from))].map(stageZh).join('、');
    return { ok: false, refusal: refusal('conflict', 'wrongStage', `当前阶段是“${stageZh(current)}”，“${actionZh(action)}”只能在“${stages}”阶段办理`, `“${action}” is not possible in stage ${current}`, candidates[0]?.article) };
  }
  if (rule.role !== actor.role) {
    return { ok: false, refusal: refusal('forbidden', 'wrongRole', `“${stageZh(current)}”阶段的“${actionZh(action)}”由${roleZh(rule.role)}办理`, `In stage ${current}, “${action}” is taken by ${rule.role}`, rule.article) };
  }
  const blocked = rule.blockedBy?.(facts, actor);
  if (blocked) return { ok: false, refusal: blocked };
  const payload = request.payload ?? {};
  const edition = options.edition ?? RULES_EDITION;
  const problems = [...validateFields(rule.payload, payload, edition), ...(rule.payloadProblems?.(payload, options.at, edition) ?? [])];
  const negative = rule.negative?.(payload) ?? false;
  if ((rule.reasonRequired === 'always' || (rule.reasonRequired === 'whenNegative' && negative)) && !request.reason?.trim()) {
    problems.push(problem('reason', 'missing', '须说明理由', 'a reason is required'));
  }
  const ctx: GuardContext<F> = { facts, request, payload, options };
  if (problems.length === 0 && rule.guard) {
    const g = rule.guard(ctx);
    if (g && !Array.isArray(g)) return { ok: false, refusal: g };
    if (g) problems.push(...g);
  }
  if (problems.length) return { ok: false, refusal: invalidPayload(problems, rule.article) };
  const to = rule.resolve ? rule.resolve(ctx) : (rule.to[0] as S);
  return { ok: true, action, from: current, to, article: rule.article };
}

/**
 * May this decision be taken on this application now, and where does it
 * lead? The single entry point for the workflow's update validator and the
 * API. Refusals come in the order 403 (role, region) → 409 (stage, state) → 422 (payload).
 */
export function checkApplicationDecision(facts: ApplicationFacts, request: DecisionInput, options: CheckOptions): DecisionCheck<ApplicationStage> {
  const subject: Subject = { kind: 'application', prefectures: facts.prefectures, applicantSub: facts.applicantSub, assignedExpertIds: facts.assignedExpertIds ?? [], viaPrefecture: facts.viaPrefecture ?? null };
  return runChecks('application', APPLICATION_TRANSITIONS, facts.stage, isTerminalStage(facts.stage), facts, subject, request, options);
}

/** The same for a named base (Art. 22-24, Art. 6). */
export function checkBaseDecision(facts: BaseFacts, request: DecisionInput, options: CheckOptions): DecisionCheck<BaseStatus> {
  const subject: Subject = { kind: 'base', prefectures: facts.prefectures, applicantSub: facts.applicantSub };
  return runChecks('base', BASE_TRANSITIONS, facts.status, isTerminalStatus(facts.status), facts, subject, request, options);
}

/** The actions this actor could take on an application in its current stage (for the UI and task lists). */
export function availableApplicationActions(facts: ApplicationFacts, actor: Actor): ApplicationAction[] {
  const subject: Subject = { kind: 'application', prefectures: facts.prefectures, applicantSub: facts.applicantSub, assignedExpertIds: facts.assignedExpertIds ?? [], viaPrefecture: facts.viaPrefecture ?? null };
  if (isTerminalStage(facts.stage)) return [];
  return APPLICATION_TRANSITIONS.filter((r) => r.from.includes(facts.stage) && r.role === actor.role && !checkScope(actor, subject, r.scope)).map((r) => r.action as ApplicationAction);
}

/** Of `actions` (available in `current`), those the rules' `blockedBy` refuses now, each with its reason. */
function blockedOf<S extends string, F, A extends string>(rules: readonly TransitionRule<S, F>[], current: S, actions: readonly A[], facts: F, actor: Actor): Array<{ action: A; zh: string }> {
  return rules.filter((r) => actions.includes(r.action as A) && r.from.includes(current) && r.role === actor.role).flatMap((r) => {
    const blocked = r.blockedBy?.(facts, actor);
    return blocked ? [{ action: r.action as A, zh: blocked.zh }] : [];
  });
}

/**
 * Of the actions this actor could take on an application in its stage, those
 * its state does not allow (this stage's notice already opened, the expert's
 * opinion already given), each with the reason the API would give (the same
 * rule's `blockedBy`): the console shows them disabled, with the reason.
 */
export function blockedApplicationActions(facts: ApplicationFacts, actor: Actor): Array<{ action: ApplicationAction; zh: string }> {
  return blockedOf(APPLICATION_TRANSITIONS, facts.stage, availableApplicationActions(facts, actor), facts, actor);
}

/**
 * Of the actions this actor could take on a base in its status, those its
 * state does not allow yet, each with the reason the API would give (the
 * same rule's `blockedBy`): the console shows them disabled, with the reason.
 */
export function blockedBaseActions(facts: BaseFacts, actor: Actor): Array<{ action: BaseAction; zh: string }> {
  return blockedOf(BASE_TRANSITIONS, facts.status, availableBaseActions(facts, actor), facts, actor);
}

/** The actions this actor could take on a base in its current status. */
export function availableBaseActions(facts: BaseFacts, actor: Actor): BaseAction[] {
  const subject: Subject = { kind: 'base', prefectures: facts.prefectures, applicantSub: facts.applicantSub };
  if (isTerminalStatus(facts.status)) return [];
  return BASE_TRANSITIONS.filter((r) => r.from.includes(facts.status) && r.role === actor.role && !checkScope(actor, subject, r.scope)).map((r) => r.action as BaseAction);
}

/**
 * Split an API body `{ decisionId, action, reason?, ...payload }` into
 * the parts the checks take. Non-string `action`/`reason` become '' / null so
 * that the checks refuse them rather than throw.
 */
export function splitDecisionBody(body: unknown): { decisionId: string | null; action: string; reason: string | null; payload: Record<string, unknown> } {
  const b = typeof body === 'object' && body !== null && !Array.isArray(body) ? (body as Record<string, unknown>) : {};
  const { decisionId, action, reason, ...payload } = b;
  return {
    decisionId: typeof decisionId === 'string' && decisionId.trim() ? decisionId : null,
    action: typeof action === 'string' ? action : '',
    reason: typeof reason === 'string' ? reason : null,
    payload,
  };
}

/** Who acts next in each open stage, for task assignment and escalation (experts: each assigned expert). */
export const STAGE_ASSIGNEE: Readonly<Record<ApplicationStage, Role | null>> = {
  prefectureReview: 'prefectureOfficer',
  prefectureNotice: 'prefectureOfficer',
  prefectureRecommendation: 'prefectureOfficer',
  expertAssignment: 'provinceOfficer',
  expertReview: 'expert',
  reviewConclusion: 'provinceOfficer',
  selection: 'provinceOfficer',
  provinceNotice: 'provinceOfficer',
  naming: 'provinceOfficer',
  named: null,
  rejected: null,
  withdrawn: null,
  stopped: null,
};

/** A rectification deadline (a CST date) has passed at `at`: it ran to 24:00 CST at the end of that day (Art. 23). */
export function isAfterRectificationDeadline(deadline: string, at: InstantInput): boolean {
  return isCalendarDate(deadline) && toEpochMs(at) >= endOfCstDayMs(deadline);
}
