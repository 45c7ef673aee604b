// Application materials (Art. 7, 8, 12 and the appendix outline): what a
// submission must carry, and what is missing in words an officer understands.
import { isPrefectureCode } from './prefectures';
import { problem, type Problem } from './problems';
import { submitViaProblems } from './submission-path';

/** Art. 4: 县域、流域、园区、乡镇、村. */
export const UNIT_TYPES = [
  { type: 'county', zh: '县域' },
  { type: 'watershed', zh: '流域' },
  { type: 'park', zh: '园区' },
  { type: 'town', zh: '乡镇' },
  { type: 'village', zh: '村' },
] as const;
export type UnitType = (typeof UNIT_TYPES)[number]['type'];

/** The terrains of indicator 7 (林草覆盖率) of the 两山指数. */
export const TERRAINS = [
  { terrain: 'mountain', zh: '山区' },
  { terrain: 'hill', zh: '丘陵区' },
  { terrain: 'plain', zh: '平原区' },
  { terrain: 'arid', zh: '干旱半干旱地区' },
] as const;
export type Terrain = (typeof TERRAINS)[number]['terrain'];

/** Art. 7: the four conditions an applicant explains and evidences. */
export const CONDITIONS = [
  { condition: 1, zh: '（一）生态环境优良，环境质量和林草覆盖等现状在本市（州）内名列前茅，生态环境保护工作基础扎实' },
  { condition: 2, zh: '（二）“两山”转化具有较为明显成效，有典型案例' },
  { condition: 3, zh: '（三）具有有效推动“两山”转化的体制机制，转化模式凝练相对明晰' },
  { condition: 4, zh: '（四）近3年督察督查未发现重大问题，无重大生态环境破坏事件' },
] as const;

/** The seven chapters of the implementation-plan outline (建设实施方案编制大纲). */
export const PLAN_CHAPTERS = [
  { key: 'background', zh: '一、建设背景与意义' },
  { key: 'overview', zh: '二、区域概况' },
  { key: 'progress', zh: '三、“两山”实践探索成效与问题分析' },
  { key: 'approach', zh: '四、总体思路（含建设指标）' },
  { key: 'tasks', zh: '五、重点任务' },
  { key: 'projects', zh: '六、工程项目' },
  { key: 'safeguards', zh: '七、保障措施' },
] as const;
export type PlanChapter = (typeof PLAN_CHAPTERS)[number]['key'];

/** Art. 8: the plan is issued by a local government at county level or above (县级以上地方政府发布实施). */
export const PLAN_ISSUERS = [
  { issuedBy: 'county', zh: '县级人民政府' },
  { issuedBy: 'prefecture', zh: '市（州）人民政府' },
  { issuedBy: 'province', zh: '省人民政府' },
] as const;

/** The checklist, for the docs and for officers. */
export const MATERIAL_CHECKLIST = [
  { key: 'applicationLetter', zh: '申报函', article: '第十二条', needs: 'fileId' },
  ...CONDITIONS.map((c) => ({ key: `conditionEvidence.${c.condition}`, zh: `对照申报条件第${c.zh.slice(0, 3)}项的说明材料及证明文件`, article: '第七条、第十二条', needs: 'fileId, explanation' })),
  { key: 'implementationPlan', zh: '建设实施方案（县级以上地方政府发布实施，含大纲七章）', article: '第八条、第十二条、编制大纲', needs: 'fileId, issuedBy, chapters' },
] as const;

type Material = Record<string, unknown>;
const nonEmpty = (v: unknown): v is string => typeof v === 'string' && v.trim().length > 0;

/**
 * What is missing from the materials, each as a problem whose `field` is the
 * checklist key (`applicationLetter`, `conditionEvidence.2`,
 * `implementationPlan.chapters.progress`, ...). Empty when complete.
 */
export function missingMaterials(materials: unknown): Problem[] {
  const list: Material[] = Array.isArray(materials) ? materials.filter((m): m is Material => typeof m === 'object' && m !== null) : [];
  const problems: Problem[] = [];
  const ofKind = (k: string) => list.filter((m) => m.kind === k);

  if (!ofKind('applicationLetter').some((m) => nonEmpty(m.fileId))) {
    problems.push(problem('applicationLetter', 'missing', '缺少申报函（applicationLetter，第十二条）', 'The application letter is missing (Art. 12)'));
  }
  for (const c of CONDITIONS) {
    const evidence = ofKind('conditionEvidence').filter((m) => m.condition === c.condition);
    const key = `conditionEvidence.${c.condition}`;
    const label = `申报条件第${c.zh.slice(0, 3)}项`;
    if (evidence.length === 0) {
      problems.push(problem(key, 'missing', `缺少${label}的说明材料及证明文件（${key}，第七条、第十二条）`, `Explanation and evidence for condition ${c.condition} of Art. 7 are missing`));
      continue;
    }
    if (!evidence.some((m) => nonEmpty(m.fileId))) problems.push(problem(key, 'noFile', `${label}缺少证明文件（${key}.fileId）`, `Condition ${c.condition}: the evidence file is missing`));
    if (!evidence.some((m) => nonEmpty(m.explanation))) problems.push(problem(key, 'noExplanation', `${label}缺少说明（${key}.explanation）`, `Condition ${c.condition}: the explanation is missing`));
  }
  const unknownConditions = ofKind('conditionEvidence').filter((m) => !CONDITIONS.some((c) => c.condition === m.condition));
  for (const m of unknownConditions) {
    problems.push(problem('conditionEvidence', 'unknownCondition', `第七条只有第（一）至（四）项条件，没有“${String(m.condition)}”`, `Art. 7 has conditions 1 to 4, not ${String(m.condition)}`));
  }

  const plans = ofKind('implementationPlan');
  const plan = plans[0];
  if (!plan) {
    problems.push(problem('implementationPlan', 'missing', '缺少建设实施方案（implementationPlan，第八条、第十二条）', 'The implementation plan is missing (Art. 8, 12)'));
    return problems;
  }
  if (plans.length > 1) problems.push(problem('implementationPlan', 'duplicate', '只能提交一份建设实施方案', 'Only one implementation plan may be submitted'));
  if (!nonEmpty(plan.fileId)) problems.push(problem('implementationPlan.fileId', 'noFile', '建设实施方案缺少文件（implementationPlan.fileId）', 'The implementation plan file is missing'));
  if (!PLAN_ISSUERS.some((i) => i.issuedBy === plan.issuedBy)) {
    problems.push(problem('implementationPlan.issuedBy', 'notIssued', '建设实施方案须由县级以上地方政府发布实施（implementationPlan.issuedBy：county、prefecture 或 province，第八条）', 'The plan must be issued by a government at county level or above (Art. 8)'));
  }
  const chapters = Array.isArray(plan.chapters) ? plan.chapters : [];
  for (const ch of PLAN_CHAPTERS) {
    if (!chapters.includes(ch.key)) {
      const cut = ch.zh.indexOf('、');
      problems.push(problem(`implementationPlan.chapters.${ch.key}`, 'missingChapter', `建设实施方案缺少第${ch.zh.slice(0, cut)}章《${ch.zh.slice(cut + 1)}》（${ch.key}，编制大纲）`, `The plan lacks chapter “${ch.key}” of the outline`));
    }
  }
  return problems;
}

/**
 * Check a whole submission (the body of POST /api/applications): year, unit,
 * the path of a cross-prefecture unit (`submitVia`, Art. 11), applicant and materials. Returns every problem (422), empty when valid.
 * The acceptance window (409) is checked separately: checkAcceptanceWindow.
 */
export function validateSubmission(body: unknown): Problem[] {
  if (typeof body !== 'object' || body === null) return [problem('body', 'notAnObject', '申报内容须为 JSON 对象', 'The submission must be a JSON object')];
  const b = body as Record<string, unknown>;
  const problems: Problem[] = [];
  if (typeof b.year !== 'number' || !Number.isInteger(b.year) || b.year < 2000 || b.year > 2100) {
    problems.push(problem('year', 'invalid', '申报年度须为四位整数年份', 'year must be an integer year'));
  }
  const unit = (typeof b.unit === 'object' && b.unit !== null ? b.unit : {}) as Record<string, unknown>;
  if (!nonEmpty(unit.name)) problems.push(problem('unit.name', 'missing', '缺少建设单元名称', 'unit.name is required'));
  if (!UNIT_TYPES.some((t) => t.type === unit.type)) {
    problems.push(problem('unit.type', 'invalid', `建设单元类型须为 ${UNIT_TYPES.map((t) => `${t.type}（${t.zh}）`).join('、')} 之一（第四条）`, 'unit.type must be county, watershed, park, town or village (Art. 4)'));
  }
  const prefs = unit.prefectures;
  if (!Array.isArray(prefs) || prefs.length === 0) {
    problems.push(problem('unit.prefectures', 'missing', '须填写建设单元所在市（州）代码', 'unit.prefectures must list at least one prefecture code'));
  } else {
    for (const p of prefs) if (!isPrefectureCode(p)) problems.push(problem('unit.prefectures', 'unknownPrefecture', `“${String(p)}”不是贵州省的市（州）代码`, `${String(p)} is not a Guizhou prefecture code`));
    if (new Set(prefs).size !== prefs.length) problems.push(problem('unit.prefectures', 'duplicate', '市（州）代码重复', 'unit.prefectures has duplicates'));
  }
  // Art. 11: a cross-prefecture unit chooses its path (domain/submission-path.ts).
  problems.push(...submitViaProblems(prefs, b.submitVia));
  if (unit.terrain !== undefined && unit.terrain !== null && !TERRAINS.some((t) => t.terrain === unit.terrain)) {
    problems.push(problem('unit.terrain', 'invalid', `地形须为 ${TERRAINS.map((t) => `${t.terrain}（${t.zh}）`).join('、')} 之一`, 'unit.terrain must be mountain, hill, plain or arid'));
  }
  const applicant = (typeof b.applicant === 'object' && b.applicant !== null ? b.applicant : {}) as Record<string, unknown>;
  if (!nonEmpty(applicant.name)) problems.push(problem('applicant.name', 'missing', '缺少建设主体名称', 'applicant.name is required'));
  if (!nonEmpty(applicant.contactEmail) || !/^[^\s@]+@[^\s@]+$/.test(applicant.contactEmail)) {
    problems.push(problem('applicant.contactEmail', 'invalid', '须填写有效的联系邮箱', 'applicant.contactEmail must be an email address'));
  }
  return [...problems, ...missingMaterials(b.materials)];
}
