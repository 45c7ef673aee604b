// Words and dates as officers read them: China Standard Time whatever the
// browser's time zone; every name of a stage, status, step, action, role,
// ground or outcome from domain/names.ts, the one place names are kept.
import { cstDateOf, formatCstDateZh, formatCstInstantZh, isCalendarDate } from '../../domain/dates';
import { prefectureName } from '../../domain/prefectures';
import { UNIT_TYPES } from '../../domain/materials';
import { officeZh } from '../../domain/names';

export {
  actionZh,
  baseStatusZh,
  complaintStatusZh,
  escalationZh,
  evaluationOutcomeZh,
  groundZh,
  historyKindZh,
  investigationOutcomeZh,
  noticeLevelZh,
  noticeOutcomeZh,
  noticeStatusZh,
  officeZh,
  outcomeZh,
  roleZh,
  stageZh,
  stepZh,
  workflowTypeZh,
} from '../../domain/names';
export { prefectureName };
export { submissionPathZh } from '../../domain/submission-path';

const DAY = 24 * 3600_000;
const CST = 8 * 3600_000;

/** `2027年3月16日 24:00` for an instant (domain/dates.ts); the date alone without the time. */
export function formatCst(iso: string | null | undefined, withTime = true): string {
  if (!iso) return '—';
  const ms = Date.parse(iso);
  if (Number.isNaN(ms)) return iso;
  return withTime ? formatCstInstantZh(ms) : formatCstDateZh(cstDateOf(ms));
}

/** `2027-03-02` → `2027年3月2日`. */
export function formatDate(date: string | null | undefined): string {
  if (!date) return '—';
  return isCalendarDate(date) ? formatCstDateZh(date) : date;
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

/** After a due date counted on a year whose holiday schedule is not yet published (the API's dueProvisional). */
export function provisionalZh(provisional: boolean | undefined): string {
  return provisional ? '（暂定）' : '';
}

/** Overdue first, then the higher escalation, then the earlier due date. */
export function byUrgency(a: { overdue: boolean; escalationLevel: number; dueAt: string }, b: { overdue: boolean; escalationLevel: number; dueAt: string }): number {
  return Number(b.overdue) - Number(a.overdue) || b.escalationLevel - a.escalationLevel || Date.parse(a.dueAt) - Date.parse(b.dueAt);
}


/** Who acted, by office (遵义市生态环境局, 贵州省生态环境厅) or role: never an account id. */
export function actorZh(actor: { sub?: string | null; role?: string | null; prefecture?: string | null } | null | undefined): string {
  if (!actor?.role) return '—';
  return officeZh(actor.role, actor.prefecture);
}

export function unitTypeZh(type: string | null | undefined): string {
  return UNIT_TYPES.find((t) => t.type === type)?.zh ?? type ?? '';
}

export function prefecturesZh(codes: readonly string[] | null | undefined): string {
  return (codes ?? []).map(prefectureName).join('、');
}

/**
 * A domain or API message as a person reads it: the field paths and ids the
 * API adds in parentheses for its clients (“（implementationPlan，第八条）”,
 * “（background，编制大纲）”, “(onSite)”) are left out, keeping the article
 * they cite, and the domain's “[interpretation]” marker reads （解释） (issue 16).
 */
export function plainZh(text: string): string {
  // Field paths and code values, not prose: an English sentence (“PKCE verification failed”, a provider's words) stays.
  const identifierLike = (part: string) => /[A-Za-z]/.test(part) && /^[\s\w.:：、,，\-[\]或和]+$/.test(part) && !/[A-Za-z] [A-Za-z]/.test(part);
  return text
    .replace(/\s*\[interpretation\]\s*/g, '（解释）')
    .replace(/\s*[（(]([^（）()]*)[）)]/g, (whole: string, inner: string) => {
      const parts = inner.split(/[，,；;]/);
      const kept = parts.filter((p) => !identifierLike(p));
      if (kept.length === parts.length) return whole;
      return kept.length ? `（${kept.map((p) => p.trim()).join('，')}）` : '';
    });
}
