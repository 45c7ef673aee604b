// Art. 11: 跨市（州）区域的建设单元「可由」相应建设主体直接向省生态环境厅申报.
// A unit spanning two or more prefectures chooses, when it submits, the path
// of its application (`submitVia`): directly to the province, or through ONE
// of its own prefectures, which then pre-reviews it, runs its notice and
// recommends it (Art. 9–11) as for a single-prefecture unit. A
// single-prefecture unit has no choice: its prefecture takes those steps.
import { isCrossPrefecture, isPrefectureCode, prefectureName } from './prefectures';
import { problem, type Problem } from './problems';

/** `submitVia` of a cross-prefecture unit that applies directly to 省生态环境厅. */
export const SUBMIT_VIA_PROVINCE = 'province';

const ART_11 = '第十一条';

/**
 * The prefecture whose officers take the prefecture steps (pre-review,
 * notice, recommendation; Art. 9–11) and receive their tasks: the unit's only
 * prefecture; for a cross-prefecture unit the one it chose to apply through,
 * or null when it applies directly to the province. Without a choice (runs
 * and rows from before the choice existed) a cross-prefecture unit applies
 * directly, as it always did then.
 */
export function prefectureInCharge(prefectures: readonly string[], submitVia?: string | null): string | null {
  if (!isCrossPrefecture(prefectures)) return prefectures[0] ?? null;
  return submitVia && submitVia !== SUBMIT_VIA_PROVINCE && prefectures.includes(submitVia) ? submitVia : null;
}

/**
 * For a cross-prefecture application that goes through one of its
 * prefectures, that prefecture: only its officers decide on the prefecture
 * steps (domain/scope.ts, scope `unitPrefecture`), while every prefecture of
 * the unit still sees the application (Art. 19). Null otherwise.
 */
export function viaPrefectureOf(prefectures: readonly string[], submitVia?: string | null): string | null {
  return isCrossPrefecture(prefectures) ? prefectureInCharge(prefectures, submitVia) : null;
}

/** The path as the read model records it: `province`, or the code of the prefecture in charge. */
export function submissionPath(prefectures: readonly string[], submitVia?: string | null): string {
  return prefectureInCharge(prefectures, submitVia) ?? SUBMIT_VIA_PROVINCE;
}

/** Does the application go directly to the province (no prefecture steps)? */
export function goesDirectlyToProvince(prefectures: readonly string[], submitVia?: string | null): boolean {
  return prefectureInCharge(prefectures, submitVia) === null;
}

/** Where the application goes, as a person reads it: `省生态环境厅`, or the prefecture's name. */
export function submissionDestinationZh(path: string): string {
  return path === SUBMIT_VIA_PROVINCE ? '省生态环境厅' : prefectureName(path);
}

/** The path in words: `直接向省生态环境厅申报`, `经遵义市申报`. */
export function submissionPathZh(path: string): string {
  return path === SUBMIT_VIA_PROVINCE ? '直接向省生态环境厅申报' : `经${prefectureName(path)}申报`;
}

/**
 * The submission's `submitVia` checked (Art. 11), each problem naming the
 * field `submitVia`: required for a cross-prefecture unit (`province` or one
 * of its own prefectures' codes); refused for a single-prefecture unit, whose
 * prefecture pre-reviews it anyway. Unknown or duplicated prefectures are
 * reported by the unit's own checks (domain/materials.ts validateSubmission).
 */
export function submitViaProblems(prefectures: unknown, submitVia: unknown): Problem[] {
  // Unknown codes are the unit's own problem: the choice is checked against the known ones.
  const codes: readonly string[] = Array.isArray(prefectures) ? prefectures.filter(isPrefectureCode) : [];
  const given = submitVia !== undefined && submitVia !== null;
  if (!isCrossPrefecture(codes)) {
    return given
      ? [problem('submitVia', 'notCrossPrefecture', `只有跨市（州）的建设单元可以选择申报途径（submitVia，${ART_11}）；单一市（州）的建设单元由所在市（州）预审`, 'submitVia is only for a unit spanning several prefectures (Art. 11); a single-prefecture unit is pre-reviewed by its prefecture')]
      : [];
  }
  const own = [...new Set(codes)].map(prefectureName).join('、');
  if (!given) {
    return [problem('submitVia', 'missing', `跨市（州）的建设单元须选择申报途径（submitVia）：直接向省生态环境厅申报（province），或通过所在的一个市（州）申报（${own}之一的代码，${ART_11}）`, 'A cross-prefecture unit must choose submitVia: "province" or the code of one of its prefectures (Art. 11)')];
  }
  if (submitVia === SUBMIT_VIA_PROVINCE) return [];
  if (typeof submitVia !== 'string' || !codes.includes(submitVia)) {
    const what = typeof submitVia === 'string' && isPrefectureCode(submitVia) ? prefectureName(submitVia) : `“${String(submitVia)}”`;
    return [problem('submitVia', 'notUnitPrefecture', `${what}不是该建设单元所在的市（州）；只能通过${own}之一申报，或直接向省生态环境厅申报（submitVia，${ART_11}）`, 'submitVia must be "province" or one of the unit’s prefectures (Art. 11)')];
  }
  return [];
}
