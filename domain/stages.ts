// Stages of an application (Art. 7-16) and statuses of a named base
// (Art. 16-24); their Chinese names are in names.ts.
import { APPLICATION_STAGE_ZH, BASE_STATUS_ZH } from './names';
import { goesDirectlyToProvince } from './submission-path';

export const APPLICATION_STAGES = [
  { stage: 'prefectureReview', zh: APPLICATION_STAGE_ZH.prefectureReview, article: '第九条', terminal: false },
  { stage: 'prefectureNotice', zh: APPLICATION_STAGE_ZH.prefectureNotice, article: '第十条', terminal: false },
  { stage: 'prefectureRecommendation', zh: APPLICATION_STAGE_ZH.prefectureRecommendation, article: '第九条、第十一条', terminal: false },
  // provinceReview (核查评估, Art. 13-14) in three steps: the province assigns
  // an expert panel, the experts record opinions, the province concludes.
  { stage: 'expertAssignment', zh: APPLICATION_STAGE_ZH.expertAssignment, article: '第十三条、第二十五条', terminal: false },
  { stage: 'expertReview', zh: APPLICATION_STAGE_ZH.expertReview, article: '第十三条、第十四条', terminal: false },
  { stage: 'reviewConclusion', zh: APPLICATION_STAGE_ZH.reviewConclusion, article: '第十四条', terminal: false },
  { stage: 'selection', zh: APPLICATION_STAGE_ZH.selection, article: '第十五条', terminal: false },
  { stage: 'provinceNotice', zh: APPLICATION_STAGE_ZH.provinceNotice, article: '第十五条', terminal: false },
  { stage: 'naming', zh: APPLICATION_STAGE_ZH.naming, article: '第十六条', terminal: false },
  { stage: 'named', zh: APPLICATION_STAGE_ZH.named, article: '第十六条', terminal: true },
  { stage: 'rejected', zh: APPLICATION_STAGE_ZH.rejected, article: '第九条、第十四条、第十五条', terminal: true },
  { stage: 'withdrawn', zh: APPLICATION_STAGE_ZH.withdrawn, article: '第五条（自愿申报）', terminal: true },
  { stage: 'stopped', zh: APPLICATION_STAGE_ZH.stopped, article: '第十六条', terminal: true },
] as const;

export type ApplicationStage = (typeof APPLICATION_STAGES)[number]['stage'];

/** The three stages of the province review (核查评估, Art. 13-14), for lists that show one "provinceReview" phase. */
export const PROVINCE_REVIEW_STAGES: readonly ApplicationStage[] = ['expertAssignment', 'expertReview', 'reviewConclusion'];

export function applicationPhase(stage: ApplicationStage): ApplicationStage | 'provinceReview' {
  return PROVINCE_REVIEW_STAGES.includes(stage) ? 'provinceReview' : stage;
}

export const BASE_STATUSES = [
  { status: 'named', zh: BASE_STATUS_ZH.named, article: '第十六条', terminal: false },
  { status: 'warned', zh: BASE_STATUS_ZH.warned, article: '第二十四条', terminal: false },
  { status: 'underRectification', zh: BASE_STATUS_ZH.underRectification, article: '第二十三条', terminal: false },
  { status: 'renewed', zh: BASE_STATUS_ZH.renewed, article: '第二十二条', terminal: false },
  { status: 'revoked', zh: BASE_STATUS_ZH.revoked, article: '第二十四条', terminal: true },
  { status: 'expired', zh: BASE_STATUS_ZH.expired, article: '第十六条', terminal: true },
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

export { stageZh } from './names';

/**
 * Where a submitted application starts: with the prefecture's pre-review
 * (Art. 9), or, for a unit spanning several prefectures that chose to apply
 * directly, with the province review (Art. 11: 跨市（州）区域的建设单元可由相应建设主体直接向省生态环境厅申报).
 * The regulation says such units *may* apply directly: a cross-prefecture
 * unit chooses (`submitVia`, domain/submission-path.ts) between the province
 * and one of its own prefectures. Without a choice (runs started before it
 * existed) it applies directly, as every cross-prefecture unit did then.
 */
export function initialApplicationStage(prefectures: readonly string[], submitVia?: string | null): ApplicationStage {
  return goesDirectlyToProvince(prefectures, submitVia) ? 'expertAssignment' : 'prefectureReview';
}
