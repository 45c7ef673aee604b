// Investigating complaints received during a notice. Prefecture notice
// (Art. 10): the prefecture's department investigates. Province notice
// (Art. 15): the province investigates, or delegates to a prefecture.
import { prefectureName } from './prefectures';
import { invalidPayload, problem, refusal, type Problem, type Refusal } from './problems';
import type { Actor } from './roles';
import { INVESTIGATION_OUTCOMES, type InvestigationOutcome } from './notice';

export interface ComplaintFacts {
  /** Whose notice the complaint was filed on. */
  level: 'prefecture' | 'province';
  /** The unit's prefectures. */
  prefectures: readonly string[];
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

const ART_10 = '第十条 / Art. 10';
const ART_15 = '第十五条 / Art. 15';

/**
 * May this actor record this investigation result or delegation?
 * The body of POST /api/complaints/:id/investigation: `{ outcome, findings }`,
 * or for a province notice `{ delegateTo }`.
 * [interpretation] The province may delegate only to one of the unit's
 * prefectures, once; it keeps the right to investigate itself.
 */
export function checkInvestigation(facts: ComplaintFacts, actor: Actor, payload: InvestigationPayload): InvestigationCheck {
  const article = facts.level === 'prefecture' ? ART_10 : ART_15;
  const isUnitOfficer = actor.role === 'prefectureOfficer' && !!actor.prefecture && facts.prefectures.includes(actor.prefecture);
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

  const allowed =
    facts.level === 'prefecture'
      ? isUnitOfficer
      : actor.role === 'provinceOfficer' || (actor.role === 'prefectureOfficer' && !!facts.delegatedTo && actor.prefecture === facts.delegatedTo);
  if (!allowed) {
    const who = facts.level === 'prefecture' ? '建设单元所在市（州）生态环境主管部门' : facts.delegatedTo ? `省生态环境厅或受委托的${prefectureName(facts.delegatedTo)}` : '省生态环境厅';
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
