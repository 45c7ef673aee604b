// Art. 24: the seven grounds on which the province warns a base or revokes
// its title, "视情节轻重" (by severity: the choice of warning or revocation is
// the province's). Each ground names what the decision must rest on.
// The wording is the regulation's, not a paraphrase of it: ground 1 covers
// not only central or provincial inspections but also 国家自然资源督察 and
// the Ministry's special inspections, and ground 6 is a rectification
// "未能有效完成" (not effectively completed, not merely "not completed in
// time"), recorded here as a verifyRectification with completed=false,
// whether or not the deadline has passed.
import { SANCTION_GROUND_ZH } from './names';
import { refusal, type Refusal } from './problems';

export type SanctionGround = 1 | 2 | 3 | 4 | 5 | 6 | 7;

/** Facts about a base that some grounds depend on. */
export interface SanctionFacts {
  /** A post-evaluation has been held (Art. 22). */
  postEvaluationHeld?: boolean;
  /** A rectification required after post-evaluation was verified as not completed (Art. 23). */
  rectificationFailed?: boolean;
}

/**
 * The evidence a warning or revocation on a ground must cite (issue 15):
 * what the evidence is called, which date it carries, how many files at
 * least. `onRecord`: the system holds the evidence itself (ground 6: the
 * verification that found the rectification not completed).
 */
export type GroundEvidence = { titleZh: string; dateZh: string; minFiles: number } | 'onRecord';

export interface SanctionGroundInfo {
  ground: SanctionGround;
  evidence: GroundEvidence;
  /** The regulation's wording (names.ts). */
  zh: string;
  en: string;
  /** What the decision must rest on, for the officer (the evidence to cite in the reason). */
  requiresZh: string;
  /** A fact the system itself must have recorded before the ground can be used. */
  precondition: keyof SanctionFacts | null;
}

export const SANCTION_GROUNDS: readonly SanctionGroundInfo[] = [
  {
    ground: 1,
    zh: SANCTION_GROUND_ZH[1],
    en: 'Major problems found by central or provincial environmental inspection, national natural-resources inspection, or special inspections of the Ministry',
    requiresZh: '督察或督查的名称、时间及其发现的重大问题（督察反馈意见等）',
    evidence: { titleZh: '督察或督查的名称', dateZh: '督察反馈的日期', minFiles: 1 },
    precondition: null,
  },
  {
    ground: 2,
    zh: SANCTION_GROUND_ZH[2],
    en: 'Listed for supervision or held accountable at national or provincial level for land, mineral or other natural-resource violations',
    requiresZh: '国家或省级挂牌督办、问责的文件',
    evidence: { titleZh: '挂牌督办或问责文件的名称', dateZh: '文件的日期', minFiles: 1 },
    precondition: null,
  },
  {
    ground: 3,
    zh: SANCTION_GROUND_ZH[3],
    en: 'A major forest-destruction case whose rectification was not completed as planned',
    requiresZh: '案件情况，以及整改计划和未按计划完成的情况（两者都需要）',
    evidence: { titleZh: '毁林案件的名称', dateZh: '整改计划规定的完成日期', minFiles: 2 },
    precondition: null,
  },
  {
    ground: 4,
    zh: SANCTION_GROUND_ZH[4],
    en: 'A major or especially major environmental emergency or ecological destruction event',
    requiresZh: '事件的定级（重大、特别重大）及认定文件',
    evidence: { titleZh: '事件的名称及定级', dateZh: '认定的日期', minFiles: 1 },
    precondition: null,
  },
  {
    ground: 5,
    zh: SANCTION_GROUND_ZH[5],
    en: 'Environmental quality shows a declining trend or a marked decline',
    requiresZh: '监测数据（如两山指数环境质量指标）显示的下降趋势或明显下降',
    evidence: { titleZh: '监测数据的来源', dateZh: '数据截止的日期', minFiles: 1 },
    precondition: null,
  },
  {
    ground: 6,
    zh: SANCTION_GROUND_ZH[6],
    en: 'Rectification required after post-evaluation was not effectively completed',
    requiresZh: '后评估提出的整改要求，以及核查认定未完成整改的结论',
    evidence: 'onRecord',
    precondition: 'rectificationFailed',
  },
  {
    ground: 7,
    zh: SANCTION_GROUND_ZH[7],
    en: 'Fraud in the post-evaluation',
    requiresZh: '后评估中弄虚作假的事实和证据',
    evidence: { titleZh: '弄虚作假的事实', dateZh: '查实的日期', minFiles: 1 },
    precondition: 'postEvaluationHeld',
  },
];

export function sanctionGround(ground: number): SanctionGroundInfo | undefined {
  return SANCTION_GROUNDS.find((g) => g.ground === ground);
}

/** Can this ground be used for this base now? `null` when yes, else a 409 refusal. */
export function checkSanctionGround(ground: number, facts: SanctionFacts): Refusal | null {
  const info = sanctionGround(ground);
  if (!info) return refusal('invalid', 'unknownGround', `第二十四条只有第1至7项情形，没有第${ground}项`, `Art. 24 has grounds 1 to 7, not ${ground}`, '第二十四条');
  if (info.precondition === 'rectificationFailed' && !facts.rectificationFailed) {
    return refusal('conflict', 'groundNotEstablished', '第二十四条第（六）项要求后评估提出的整改经核查未完成，该基地没有这样的记录', 'Ground 6 requires a post-evaluation rectification verified as not completed; none is recorded', '第二十四条');
  }
  if (info.precondition === 'postEvaluationHeld' && !facts.postEvaluationHeld) {
    return refusal('conflict', 'groundNotEstablished', '第二十四条第（七）项针对后评估中的弄虚作假，该基地尚未进行后评估', 'Ground 7 concerns fraud in a post-evaluation; none has been held for this base', '第二十四条');
  }
  return null;
}
