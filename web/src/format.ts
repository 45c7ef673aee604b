// Words and dates as officers read them: China Standard Time whatever the
// browser's time zone, the regulation's terms from domain/.
import { roleZh, type Role } from '../../domain/roles';
import { stageZh } from '../../domain/stages';
import { prefectureName } from '../../domain/prefectures';
import { UNIT_TYPES } from '../../domain/materials';

export { roleZh, stageZh, prefectureName };

const DAY = 24 * 3600_000;
const CST = 8 * 3600_000;
const pad = (n: number) => String(n).padStart(2, '0');

/** `2027年3月16日 24:00` for an instant (midnight CST is written as 24:00 of the day before, as notices write it). */
export function formatCst(iso: string | null | undefined, withTime = true): string {
  if (!iso) return '—';
  const ms = Date.parse(iso);
  if (Number.isNaN(ms)) return iso;
  const t = new Date(ms + CST);
  const midnight = t.getUTCHours() === 0 && t.getUTCMinutes() === 0 && withTime;
  const day = midnight ? new Date(ms + CST - 1) : t;
  const date = `${day.getUTCFullYear()}年${day.getUTCMonth() + 1}月${day.getUTCDate()}日`;
  if (!withTime) return date;
  return `${date} ${midnight ? '24:00' : `${pad(t.getUTCHours())}:${pad(t.getUTCMinutes())}`}`;
}

/** `2027-03-02` → `2027年3月2日`. */
export function formatDate(date: string | null | undefined): string {
  if (!date) return '—';
  const [y, m, d] = date.split('-').map(Number);
  return y && m && d ? `${y}年${m}月${d}日` : date;
}

/** Whole days until the instant (negative when past), counted in CST calendar days. */
export function daysUntil(iso: string, now: number = Date.now()): number {
  const due = Date.parse(iso);
  // A due instant at 24:00 belongs to the day before.
  const dueDay = Math.floor((due - 1 + CST) / DAY);
  const today = Math.floor((now + CST) / DAY);
  return dueDay - today;
}

export function dueText(iso: string, overdue: boolean, now: number = Date.now()): string {
  const d = daysUntil(iso, now);
  if (overdue || Date.parse(iso) < now) return `已逾期 ${Math.max(1, -d)} 天`;
  if (d <= 0) return '今天到期';
  return `剩余 ${d} 天`;
}

/** Overdue first, then the higher escalation, then the earlier due date. */
export function byUrgency(a: { overdue: boolean; escalationLevel: number; dueAt: string }, b: { overdue: boolean; escalationLevel: number; dueAt: string }): number {
  return Number(b.overdue) - Number(a.overdue) || b.escalationLevel - a.escalationLevel || Date.parse(a.dueAt) - Date.parse(b.dueAt);
}

export function escalationZh(level: number | null | undefined): string {
  if (!level) return '未升级';
  return level === 1 ? '已升级（省生态环境厅督办）' : `已升级 ${level} 级`;
}

/** Task steps: a stage, `<stage>.open`, `<stage>.investigation`, or a base's steps (workflows/). */
export function stepZh(step: string): string {
  const [stage, part] = step.split('.');
  if (part === 'open') return `发布${stageZh(stage ?? step)}`;
  if (part === 'investigation') return `${stageZh(stage ?? step)}期间投诉举报的调查核实`;
  if (stage === 'annualSummary') return `${part}年度工作总结（逾期未提交，第十八条）`;
  if (stage === 'rectification') return '整改情况核查（第二十三条）';
  if (stage === 'postEvaluation') return '后评估结论（第二十二条）';
  return stageZh(stage ?? step);
}

const ACTIONS: Record<string, string> = {
  withdraw: '撤回申报',
  prefectureAccept: '预审通过',
  prefectureReject: '预审不通过',
  openNotice: '发布公示',
  recommend: '推荐报省（经市（州）政府同意）',
  assignExperts: '指派专家',
  reviewOpinion: '提交核查评估意见',
  concludeReview: '形成核查评估结论',
  select: '遴选入围',
  provinceReject: '未入选',
  name: '命名授牌',
  investigate: '调查核实投诉举报',
  delegateComplaint: '委托市（州）调查',
  requireRectification: '提出整改要求',
  verifyRectification: '核查整改情况',
  concludeEvaluation: '形成后评估结论',
  renew: '续期',
  warn: '警告',
  revoke: '撤销称号',
  recommendNational: '向生态环境部推荐',
  expire: '有效期届满',
};

export function actionZh(action: string): string {
  return ACTIONS[action] ?? action;
}

export function actorZh(actor: { sub?: string | null; role?: string | null } | null | undefined): string {
  if (!actor) return '—';
  const role = actor.role ? roleZh(actor.role as Role) : '';
  if (actor.role === 'system') return '系统';
  return [role, actor.sub].filter(Boolean).join(' · ');
}

export function unitTypeZh(type: string | null | undefined): string {
  return UNIT_TYPES.find((t) => t.type === type)?.zh ?? type ?? '';
}

export function prefecturesZh(codes: readonly string[] | null | undefined): string {
  return (codes ?? []).map(prefectureName).join('、');
}

const NOTICE_LEVEL: Record<string, string> = { prefecture: '市（州）公示', province: '省级公示' };
export const noticeLevelZh = (level: string) => NOTICE_LEVEL[level] ?? level;

const NOTICE_STATUS: Record<string, string> = { scheduled: '未开始', open: '公示中', closed: '已结束' };
export const noticeStatusZh = (s: string) => NOTICE_STATUS[s] ?? s;

const NOTICE_OUTCOME: Record<string, string> = { running: '进行中', awaitingInvestigation: '待调查核实', clear: '无异议', stopped: '投诉属实，终止' };
export const noticeOutcomeZh = (s: string | null | undefined) => (s ? (NOTICE_OUTCOME[s] ?? s) : '—');

const COMPLAINT_STATUS: Record<string, string> = { open: '待调查', received: '待调查', investigating: '调查中', delegated: '已委托调查', closed: '已办结' };
export const complaintStatusZh = (s: string) => COMPLAINT_STATUS[s] ?? s;

const OUTCOMES: Record<string, string> = { untrue: '经查不属实', noEvidence: '查无实据', resolved: '经认定得到有效解决', substantiated: '属实' };
export const investigationOutcomeZh = (s: string | null | undefined) => (s ? (OUTCOMES[s] ?? s) : '—');
