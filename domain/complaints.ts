// Investigating complaints received during a notice. Prefecture notice
// (Art. 10): the prefecture's department investigates. Province notice
// (Art. 15): the province investigates, or delegates to a prefecture.
// The office in charge may also dismiss (不予受理) several complaints at once,
// and learns of new complaints by a digest mail, not one mail each (issue 15).
import { formatCstInstantZh } from './dates';
import { prefectureName } from './prefectures';
import { invalidPayload, problem, refusal, type Problem, type Refusal } from './problems';
import type { Actor } from './roles';
import { INVESTIGATION_OUTCOMES, type InvestigationOutcome } from './notice';

export interface ComplaintFacts {
  /** Whose notice the complaint was filed on. */
  level: 'prefecture' | 'province';
  /** The unit's prefectures. */
  prefectures: readonly string[];
  /**
   * For a prefecture notice: the prefecture that runs it (a cross-prefecture
   * unit's notice is run by the prefecture it applied through, Art. 11).
   * Absent or null: any of the unit's prefectures.
   */
  runBy?: string | null;
  /** For a province notice: the prefecture the province delegated the investigation to. */
  delegatedTo?: string | null;
  /** The complaint already has an outcome. */
  investigated: boolean;
}

export interface InvestigationPayload {
  outcome?: unknown;
  findings?: unknown;
  delegateTo?: unknown;
}

export type InvestigationCheck =
  | { ok: true; kind: 'outcome'; outcome: InvestigationOutcome }
  | { ok: true; kind: 'delegation'; delegateTo: string }
  | { ok: false; refusal: Refusal };

const ART_10 = '第十条';
const ART_15 = '第十五条';

/**
 * May this actor record this investigation result or delegation?
 * The body of POST /api/complaints/:id/investigation: `{ outcome, findings }`,
 * or for a province notice `{ delegateTo }`.
 * [interpretation] The province may delegate only to one of the unit's
 * prefectures, once; it keeps the right to investigate itself.
 */
export function checkInvestigation(facts: ComplaintFacts, actor: Actor, payload: InvestigationPayload): InvestigationCheck {
  const article = facts.level === 'prefecture' ? ART_10 : ART_15;
  const delegating = payload.delegateTo !== undefined && payload.delegateTo !== null;

  if (delegating) {
    if (actor.role !== 'provinceOfficer') return { ok: false, refusal: refusal('forbidden', 'wrongRole', '只有省生态环境厅可以委托市（州）调查核实', 'Only the province may delegate an investigation', ART_15) };
    if (facts.level !== 'province') return { ok: false, refusal: refusal('conflict', 'notDelegable', '市（州）公示期间的投诉举报由市（州）调查核实，不能委托', 'Complaints on a prefecture notice are investigated by the prefecture', ART_10) };
    if (facts.investigated) return { ok: false, refusal: refusal('conflict', 'alreadyInvestigated', '该投诉举报已有调查结论', 'This complaint has already been investigated', article) };
    if (facts.delegatedTo) return { ok: false, refusal: refusal('conflict', 'alreadyDelegated', `已委托${prefectureName(facts.delegatedTo)}调查核实`, `Already delegated to ${facts.delegatedTo}`, ART_15) };
    const problems: Problem[] = [];
    if (payload.outcome !== undefined) problems.push(problem('outcome', 'notWithDelegation', '委托调查时不能同时填写调查结论', 'outcome cannot be given with delegateTo'));
    if (typeof payload.delegateTo !== 'string' || !facts.prefectures.includes(payload.delegateTo)) {
      problems.push(problem('delegateTo', 'notUnitPrefecture', '只能委托建设单元所在的市（州）', 'delegateTo must be one of the unit’s prefectures'));
    }
    if (problems.length) return { ok: false, refusal: invalidPayload(problems, ART_15) };
    return { ok: true, kind: 'delegation', delegateTo: payload.delegateTo as string };
  }

  const allowed = inCharge(facts, actor);
  if (!allowed) {
    const who = facts.level === 'prefecture' ? prefectureOfficeZh(facts.runBy) : facts.delegatedTo ? `省生态环境厅或受委托的${prefectureName(facts.delegatedTo)}` : '省生态环境厅';
    return { ok: false, refusal: refusal('forbidden', actor.role === 'prefectureOfficer' || actor.role === 'provinceOfficer' ? 'wrongRegion' : 'wrongRole', `该投诉举报由${who}调查核实`, 'You are not in charge of investigating this complaint', article) };
  }
  if (facts.investigated) return { ok: false, refusal: refusal('conflict', 'alreadyInvestigated', '该投诉举报已有调查结论', 'This complaint has already been investigated', article) };
  const problems: Problem[] = [];
  const outcomes = INVESTIGATION_OUTCOMES.map((o) => o.outcome as string);
  if (typeof payload.outcome !== 'string' || !outcomes.includes(payload.outcome)) {
    problems.push(problem('outcome', 'notAllowed', `调查结论须为 ${INVESTIGATION_OUTCOMES.map((o) => `${o.outcome}（${o.zh}）`).join('、')} 之一`, `outcome must be one of ${outcomes.join(', ')}`));
  }
  if (typeof payload.findings !== 'string' || !payload.findings.trim()) problems.push(problem('findings', 'missing', '须填写调查核实情况', 'findings are required'));
  if (problems.length) return { ok: false, refusal: invalidPayload(problems, article) };
  return { ok: true, kind: 'outcome', outcome: payload.outcome as InvestigationOutcome };
}

/** The office that runs a prefecture notice, in words. */
const prefectureOfficeZh = (runBy: string | null | undefined) => (runBy ? `${prefectureName(runBy)}生态环境主管部门` : '建设单元所在市（州）生态环境主管部门');

/** Who investigates (or dismisses) this complaint: the prefecture running the notice (Art. 10, 11); the province, or the prefecture it delegated to (Art. 15). */
function inCharge(facts: Pick<ComplaintFacts, 'level' | 'prefectures' | 'delegatedTo' | 'runBy'>, actor: Actor): boolean {
  if (facts.level === 'prefecture') {
    if (actor.role !== 'prefectureOfficer' || !actor.prefecture) return false;
    return facts.runBy ? actor.prefecture === facts.runBy : facts.prefectures.includes(actor.prefecture);
  }
  return actor.role === 'provinceOfficer' || (actor.role === 'prefectureOfficer' && !!facts.delegatedTo && actor.prefecture === facts.delegatedTo);
}

// ---------------------------------------------------------------- dismissal (不予受理)

/** [interpretation] At most this many complaints in one dismissal request (a page of the console). */
export const MAX_DISMISSAL_COMPLAINTS = 200;
/** [interpretation] The longest reason accepted for a dismissal. */
export const MAX_DISMISSAL_REASON_LENGTH = 2000;

/** One complaint a dismissal request names, as the notice knows it (null: the notice has no such complaint). */
export interface DismissalCandidate {
  complaintId: string;
  complaint: (Omit<ComplaintFacts, 'level' | 'prefectures' | 'runBy'> & { receivedAt: string }) | null;
}

export interface DismissalPayload {
  complaintIds?: unknown;
  reason?: unknown;
}

/** `第3项（北京时间2027年3月2日 10:15收到）`: a complaint as a person reads it in a refusal, by its place in the request and when it came in. */
function named(index: number, receivedAt?: string): string {
  return `第${index + 1}项${receivedAt ? `（北京时间${formatCstInstantZh(receivedAt)}收到）` : ''}`;
}

/**
 * May this actor dismiss these complaints of one notice, all of them at once
 * (POST /api/notices/:id/complaints/dismissals)? All or nothing: the first
 * kind of refusal found answers for the whole request, naming every complaint
 * it concerns (problems: `complaintIds.<index>`, as the request lists them).
 * In order: the actor runs none of this notice's investigations (403); the
 * request names no complaint, one twice, one the notice does not have, or
 * gives no reason (422); a complaint of a province notice that the province
 * delegated to another prefecture (403); a complaint already concluded (409).
 * [interpretation] Dismissing is the office's act on complaints it does not
 * take up (anonymous noise, off-topic, repeated); it settles a complaint like
 * an untrue one, so it never stops the notice (Art. 16 stops it only for a
 * substantiated complaint), and it is recorded, with its reason, per complaint.
 */
export function checkDismissal(
  notice: { level: 'prefecture' | 'province'; prefectures: readonly string[]; runBy?: string | null },
  candidates: readonly DismissalCandidate[],
  actor: Actor,
  payload: DismissalPayload,
): { ok: true } | { ok: false; refusal: Refusal } {
  const article = notice.level === 'prefecture' ? ART_10 : ART_15;
  const mayAct =
    notice.level === 'prefecture'
      ? inCharge({ ...notice, delegatedTo: null }, actor)
      : actor.role === 'provinceOfficer' || (actor.role === 'prefectureOfficer' && !!actor.prefecture && notice.prefectures.includes(actor.prefecture));
  if (!mayAct) {
    const who = notice.level === 'prefecture' ? prefectureOfficeZh(notice.runBy) : '省生态环境厅（或受委托调查核实的市〔州〕）';
    const code = actor.role === 'prefectureOfficer' || actor.role === 'provinceOfficer' ? 'wrongRegion' : 'wrongRole';
    return { ok: false, refusal: refusal('forbidden', code, `本次公示的投诉举报由${who}办理`, 'You do not handle the complaints of this notice', article) };
  }

  const problems: Problem[] = [];
  if (!Array.isArray(payload.complaintIds) || payload.complaintIds.length === 0) {
    problems.push(problem('complaintIds', 'missing', '请至少选择一件投诉举报', 'complaintIds must name at least one complaint'));
  } else if (payload.complaintIds.length > MAX_DISMISSAL_COMPLAINTS) {
    problems.push(problem('complaintIds', 'tooMany', `一次最多办理${MAX_DISMISSAL_COMPLAINTS}件投诉举报`, `At most ${MAX_DISMISSAL_COMPLAINTS} complaints at once`));
  }
  const seen = new Set<string>();
  candidates.forEach((c, i) => {
    if (seen.has(c.complaintId)) problems.push(problem(`complaintIds.${i}`, 'duplicate', `${named(i, c.complaint?.receivedAt)}重复选择`, `complaint ${c.complaintId} is listed twice`));
    seen.add(c.complaintId);
    if (!c.complaint) problems.push(problem(`complaintIds.${i}`, 'unknownComplaint', `${named(i)}不是本次公示收到的投诉举报`, `No complaint ${c.complaintId} on this notice`));
  });
  if (typeof payload.reason !== 'string' || !payload.reason.trim()) {
    problems.push(problem('reason', 'missing', '须填写不予受理的理由', 'reason is required'));
  } else if (payload.reason.length > MAX_DISMISSAL_REASON_LENGTH) {
    problems.push(problem('reason', 'tooLong', `理由不超过${MAX_DISMISSAL_REASON_LENGTH}字`, `reason is longer than ${MAX_DISMISSAL_REASON_LENGTH} characters`));
  }
  if (problems.length) return { ok: false, refusal: invalidPayload(problems, article) };

  const known = candidates.flatMap((c, i) => (c.complaint ? [{ i, id: c.complaintId, ...c.complaint }] : []));
  const notTheirs = known.filter((c) => !inCharge({ ...notice, delegatedTo: c.delegatedTo ?? null }, actor));
  if (notTheirs.length) {
    const list = notTheirs.map((c) => problem(`complaintIds.${c.i}`, 'wrongRegion', `${named(c.i, c.receivedAt)}不由您办理`, `complaint ${c.id} is not yours to handle`));
    return { ok: false, refusal: refusal('forbidden', 'wrongRegion', `所选投诉举报中有${list.length}件不由您办理：${list.map((p) => p.zh).join('；')}`, 'Some complaints are not yours to handle', ART_15, list) };
  }
  const concluded = known.filter((c) => c.investigated);
  if (concluded.length) {
    const list = concluded.map((c) => problem(`complaintIds.${c.i}`, 'alreadyConcluded', `${named(c.i, c.receivedAt)}已办结`, `complaint ${c.id} is already concluded`));
    return { ok: false, refusal: refusal('conflict', 'alreadyConcluded', `所选投诉举报中有${list.length}件已办结，本次未作任何处理：${list.map((p) => p.zh).join('；')}`, 'Some complaints are already concluded; nothing was applied', article, list) };
  }
  return { ok: true };
}

// ---------------------------------------------------------------- the digest of new complaints

/**
 * [interpretation] New complaints are announced to the office in one mail per
 * window: the first complaint opens a window of 30 minutes, every complaint
 * that comes in meanwhile joins its mail. A flood of junk complaints costs the
 * office at most 48 mails a day instead of one each, and a genuine one is
 * announced within half an hour; each complaint still gets its own task.
 */
export const COMPLAINT_DIGEST_WINDOW_MS = 30 * 60_000;

/** [interpretation] How much of a complaint's text a digest mail quotes. */
export const COMPLAINT_EXCERPT_LENGTH = 60;

/** The start of a complaint's text for a digest mail: one line, at most COMPLAINT_EXCERPT_LENGTH characters (never the complainant's name or contact). */
export function complaintExcerpt(content: string, length = COMPLAINT_EXCERPT_LENGTH): string {
  const line = content.replace(/\s+/g, ' ').trim();
  const chars = Array.from(line);
  return chars.length <= length ? line : `${chars.slice(0, length).join('')}……`;
}
