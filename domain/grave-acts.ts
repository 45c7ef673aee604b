// Grave acts: naming (Art. 16, 「按程序审议通过后命名」), warning and
// revocation (Art. 24) change a county's standing and can be contested, so
// each records the deliberation it rests on (the body that deliberated, the
// date, the minutes as an uploaded file) and, for Art. 24, the evidence its
// ground names (domain/sanctions.ts GroundEvidence). Which files exist and
// who uploaded them is checked by the API (it has the database); everything
// else here, so the workflow, the API and the console apply one rule.
import { cstDateOf, isCalendarDate, type InstantInput } from './dates';
import { groundCitationZh } from './names';
import { type FieldSpec } from './payloads';
import { problem, type Problem } from './problems';
import { sanctionGround } from './sanctions';

/** The edition of the rules that asks for these records (domain/payloads.ts RULES_EDITION). */
const EDITION = 2;

export const DELIBERATION_FIELDS: readonly FieldSpec[] = [
  { name: 'deliberationBody', type: 'text', maxLength: 100, required: true, zh: '审议机构（如厅务会、厅党组会议）', since: EDITION },
  { name: 'deliberationDate', type: 'date', required: true, zh: '审议日期', since: EDITION },
  { name: 'minutesFileId', type: 'file', required: true, zh: '审议纪要（上传文件）', since: EDITION },
];

/** Required or not by the ground (evidenceProblems): optional as fields, so that ground 6 needs none. */
export const EVIDENCE_FIELDS: readonly FieldSpec[] = [
  { name: 'evidenceTitle', type: 'text', maxLength: 200, required: false, zh: '所依据的材料名称（第二十四条各项所需）', since: EDITION },
  { name: 'evidenceDate', type: 'date', required: false, zh: '所依据材料的日期', since: EDITION },
  { name: 'evidenceFileIds', type: 'fileList', required: false, zh: '所依据的文件（上传）', since: EDITION },
];

/** The payload fields that hold uploaded files' ids, for the API's check of who uploaded them. */
export const RECORD_FILE_FIELDS = ['minutesFileId', 'evidenceFileIds'] as const;

const has = (payload: Record<string, unknown>, key: string) => payload[key] !== undefined && payload[key] !== null;

/** The deliberation was held, so it cannot be dated after today (CST). */
export function deliberationProblems(payload: Record<string, unknown>, at: InstantInput, edition: number): Problem[] {
  if (edition < EDITION) return [];
  const d = payload.deliberationDate;
  return isCalendarDate(d) && d > cstDateOf(at) ? [problem('deliberationDate', 'inTheFuture', '审议日期不能晚于今天', 'deliberationDate cannot be in the future')] : [];
}

/**
 * What the ground's evidence lacks, each missing item its own problem (all
 * at once, so the officer completes the form in one go). Ground 6 needs
 * none: the verification is on record (the workflow cites it).
 */
export function evidenceProblems(payload: Record<string, unknown>, at: InstantInput, edition: number): Problem[] {
  if (edition < EDITION || typeof payload.ground !== 'number') return [];
  const info = sanctionGround(payload.ground);
  if (!info || info.evidence === 'onRecord') return [];
  const { titleZh, dateZh, minFiles } = info.evidence;
  const ground = groundCitationZh(info.ground);
  const problems: Problem[] = [];
  if (!has(payload, 'evidenceTitle')) problems.push(problem('evidenceTitle', 'missing', `${ground}须写明${titleZh}`, `ground ${info.ground} needs evidenceTitle`));
  if (!has(payload, 'evidenceDate')) problems.push(problem('evidenceDate', 'missing', `${ground}须写明${dateZh}`, `ground ${info.ground} needs evidenceDate`));
  else if (isCalendarDate(payload.evidenceDate) && payload.evidenceDate > cstDateOf(at)) {
    problems.push(problem('evidenceDate', 'inTheFuture', `${dateZh}不能晚于今天`, 'evidenceDate cannot be in the future'));
  }
  const files = Array.isArray(payload.evidenceFileIds) ? payload.evidenceFileIds.length : 0;
  if (files < minFiles) {
    problems.push(problem('evidenceFileIds', 'missing', minFiles > 1 ? `${ground}须上传至少 ${minFiles} 份文件：${info.requiresZh}` : `${ground}须上传所依据的文件：${info.requiresZh}`, `ground ${info.ground} needs at least ${minFiles} evidence file(s)`));
  }
  return problems;
}

/** The grave acts, each with its consequence in words: the console asks for confirmation stating it before sending. */
export const GRAVE_ACT_CONSEQUENCE_ZH = {
  name: '命名后，该单元获得贵州省“两山”实践创新基地称号，有效期3年，向社会公布，并开始基地的年度总结和后评估。',
  warn: '警告将记入该基地的记录并通知建设主体，可被申诉；附整改要求的，基地同时进入整改。',
  revoke: '撤销后，该基地不再持有“两山”实践创新基地称号，未办结的任务全部关闭；撤销记入审计日志，不能在系统中恢复。',
} as const satisfies Record<string, string>;

export type GraveAct = keyof typeof GRAVE_ACT_CONSEQUENCE_ZH;

/** The grave acts' ids (what the API looks up a base's grave acts by). */
export const GRAVE_ACTS = Object.keys(GRAVE_ACT_CONSEQUENCE_ZH) as GraveAct[];

export function isGraveAct(action: string): action is GraveAct {
  return Object.hasOwn(GRAVE_ACT_CONSEQUENCE_ZH, action);
}
