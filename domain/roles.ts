// The actors and what each may do (docs/RULES.md "Roles and scope"). Role names
// are the JWT `role` claim (api/auth.ts); `public` is anyone without a login. Their
// Chinese names are in names.ts.
import { ROLE_ZH } from './names';

export type Role = 'applicant' | 'prefectureOfficer' | 'provinceOfficer' | 'expert' | 'ops' | 'public';

/** Who acts, as the API authenticated them (compatible with workflows/messages.ts Actor). */
export interface Actor {
  /** User id; for an expert, the expert's id in the pool (an expert signs in with `sub` = that id). */
  sub: string;
  role: Role;
  /**
   * Prefecture code: of a prefecture officer's jurisdiction, of an
   * applicant, or of an expert (from the expert pool, for Art. 26 conflicts).
   */
  prefecture?: string | null;
  /** An expert's registered region (domain/regions.ts: province, prefecture or county), for recusal. */
  region?: string | null;
}

export interface RoleInfo {
  role: Role;
  zh: string;
  en: string;
  scopeZh: string;
  mayZh: string;
}

export const ROLES: readonly RoleInfo[] = [
  { role: 'applicant', zh: ROLE_ZH.applicant, en: 'applicant', scopeZh: '本单位的申报和基地', mayZh: '提交、撤回申报，上传材料，提交年度工作总结、指标数据、整改报告' },
  { role: 'prefectureOfficer', zh: ROLE_ZH.prefectureOfficer, en: 'prefecture officer', scopeZh: '本市（州）（含跨市（州）单元中涉及本市（州）的）', mayZh: '预审、组织市（州）公示、调查核实投诉举报、形成推荐意见（经市（州）政府同意），监督本辖区基地（第九至十一条、第十九条）' },
  { role: 'provinceOfficer', zh: ROLE_ZH.provinceOfficer, en: 'province officer', scopeZh: '全省', mayZh: '核查评估、指派专家、遴选、组织省级公示、调查或委托调查投诉、命名、后评估、整改、警告、撤销、向国家推荐（第六条、第十三至十六条、第二十二至二十四条）' },
  { role: 'expert', zh: ROLE_ZH.expert, en: 'expert', scopeZh: '指派给本人的核查评估（不得评审本人所在市（州）的申报）', mayZh: '提交评审意见和评分（第十三、十四条）' },
  { role: 'ops', zh: ROLE_ZH.ops, en: 'operations', scopeZh: '只读，全部', mayZh: '查看流程、历史、通知、审计日志；维护工作日历' },
  { role: 'public', zh: ROLE_ZH.public, en: 'public', scopeZh: '无（无需登录）', mayZh: '查看正在公示的公示；在公示期内投诉举报（第十条、第十五条）' },
];

export const ROLE_NAMES: readonly Role[] = ROLES.map((r) => r.role);

export function isRole(value: unknown): value is Role {
  return typeof value === 'string' && (ROLE_NAMES as readonly string[]).includes(value);
}

export { roleZh } from './names';
