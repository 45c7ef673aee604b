// Stages of an application (Art. 7-16) and statuses of a named base
// (Art. 16-24), with their Chinese names for officers and the docs.
import { isCrossPrefecture } from './prefectures';

export const APPLICATION_STAGES = [
  { stage: 'prefectureReview', zh: '市（州）预审', article: '第九条', terminal: false },
  { stage: 'prefectureNotice', zh: '市（州）公示', article: '第十条', terminal: false },
  { stage: 'prefectureRecommendation', zh: '市（州）推荐', article: '第九条、第十一条', terminal: false },
  // provinceReview (核查评估, Art. 13-14) in three steps: the province assigns
  // an expert panel, the experts record opinions, the province concludes.
  { stage: 'expertAssignment', zh: '核查评估：指派专家', article: '第十三条、第二十五条', terminal: false },
  { stage: 'expertReview', zh: '核查评估：专家资料审核和实地核查', article: '第十三条、第十四条', terminal: false },
  { stage: 'reviewConclusion', zh: '核查评估：形成结论', article: '第十四条', terminal: false },
  { stage: 'selection', zh: '遴选', article: '第十五条', terminal: false },
  { stage: 'provinceNotice', zh: '省级公示', article: '第十五条', terminal: false },
  { stage: 'naming', zh: '审议命名', article: '第十六条', terminal: false },
  { stage: 'named', zh: '已命名', article: '第十六条', terminal: true },
  { stage: 'rejected', zh: '未通过', article: '第九条、第十四条、第十五条', terminal: true },
  { stage: 'withdrawn', zh: '已撤回', article: '第五条（自愿申报）', terminal: true },
  { stage: 'stopped', zh: '因投诉举报属实终止', article: '第十六条', terminal: true },
] as const;

export type ApplicationStage = (typeof APPLICATION_STAGES)[number]['stage'];

/** The three stages of the province review (核查评估, Art. 13-14), for lists that show one "provinceReview" phase. */
export const PROVINCE_REVIEW_STAGES: readonly ApplicationStage[] = ['expertAssignment', 'expertReview', 'reviewConclusion'];

export function applicationPhase(stage: ApplicationStage): ApplicationStage | 'provinceReview' {
  return PROVINCE_REVIEW_STAGES.includes(stage) ? 'provinceReview' : stage;
}

export const BASE_STATUSES = [
  { status: 'named', zh: '已命名（有效期内）', article: '第十六条', terminal: false },
  { status: 'warned', zh: '已警告', article: '第二十四条', terminal: false },
  { status: 'underRectification', zh: '整改中', article: '第二十三条', terminal: false },
  { status: 'renewed', zh: '已续期（新的3年有效期）', article: '第二十二条', terminal: false },
  { status: 'revoked', zh: '已撤销称号', article: '第二十四条', terminal: true },
  { status: 'expired', zh: '有效期届满', article: '第十六条', terminal: true },
] as const;

export type BaseStatus = (typeof BASE_STATUSES)[number]['status'];

/** Statuses in which the base holds its title. */
export const TITLE_HELD_STATUSES: readonly BaseStatus[] = ['named', 'warned', 'underRectification', 'renewed'];

export function isApplicationStage(value: unknown): value is ApplicationStage {
  return APPLICATION_STAGES.some((s) => s.stage === value);
}

export function isBaseStatus(value: unknown): value is BaseStatus {
  return BASE_STATUSES.some((s) => s.status === value);
}

export function isTerminalStage(stage: ApplicationStage): boolean {
  return APPLICATION_STAGES.find((s) => s.stage === stage)?.terminal ?? false;
}

export function isTerminalStatus(status: BaseStatus): boolean {
  return BASE_STATUSES.find((s) => s.status === status)?.terminal ?? false;
}

export function stageZh(stage: string): string {
  return APPLICATION_STAGES.find((s) => s.stage === stage)?.zh ?? BASE_STATUSES.find((s) => s.status === stage)?.zh ?? stage;
}

/**
 * Where a submitted application starts: with the prefecture's pre-review
 * (Art. 9), or, for a unit spanning several prefectures, directly with the
 * province review (Art. 11: 跨市（州）区域的建设单元可由相应建设主体直接向省生态环境厅申报).
 * Note: the regulation says such units *may* apply directly; DOMAIN.md makes
 * it the rule (there is no single prefecture to pre-review them).
 */
export function initialApplicationStage(prefectures: readonly string[]): ApplicationStage {
  return isCrossPrefecture(prefectures) ? 'expertAssignment' : 'prefectureReview';
}
