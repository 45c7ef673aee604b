// Guizhou's administrative divisions below the province: where an expert is
// registered (a prefecture or a county), and the recusal rule that keeps an
// expert off a unit in their own prefecture. The table is generated data
// (./regions-data, from GB/T 2260 codes); these functions read it only through
// the parent links, never by string prefixes, so a code that merely looks
// right (529999, 520399) is refused rather than guessed at.
//
// Prefecture display names are the project's short forms (黔西南州, not
// 黔西南布依族苗族自治州) and live once, in ./prefectures; only county names
// come from the generated table.
import { prefectureName } from './prefectures';
import { GUIZHOU_REGIONS, type RegionCode, type RegionRow } from './regions-data';

export type { RegionCode, RegionRow } from './regions-data';
export { GUIZHOU_REGIONS } from './regions-data';

/** The province itself: the reviewing body's own level, parent of every prefecture. */
export const PROVINCE_CODE = '520000';

export type RegionLevel = 'province' | 'prefecture' | 'county';

const BY_CODE: ReadonlyMap<string, RegionRow> = new Map(GUIZHOU_REGIONS.map((r) => [r.code, r]));

/**
 * True only for a code in the table. Narrowing to RegionCode (not just string)
 * keeps the false branch honest: a `string | null` that fails is still
 * `string | null`, not `null`.
 */
export function isRegionCode(code: unknown): code is RegionCode {
  return typeof code === 'string' && BY_CODE.has(code);
}

/** The official name; an unknown code is shown as itself, as prefectureName does, so a screen never goes blank. */
export function regionZh(code: string): string {
  return BY_CODE.get(code)?.zh ?? code;
}

/** Level from the parent chain (no parent: province; parent the province: prefecture); null for an unknown code. */
export function regionLevel(code: string): RegionLevel | null {
  const row = BY_CODE.get(code);
  if (!row) return null;
  if (row.parent === null) return 'province';
  return row.parent === PROVINCE_CODE ? 'prefecture' : 'county';
}

/** The prefecture a region lies in: itself for a prefecture, its parent for a county; null for the province or an unknown code. */
export function prefectureOfRegion(code: string): string | null {
  switch (regionLevel(code)) {
    case 'prefecture':
      return code;
    case 'county':
      return BY_CODE.get(code)?.parent ?? null;
    default:
      return null;
  }
}

/**
 * True when `inner` is `outer` or lies inside it. Walks inner's parent chain
 * rather than comparing prefixes, so only real divisions match; an unknown
 * code is inside nothing and contains nothing.
 */
export function regionContains(outer: string, inner: string): boolean {
  if (!BY_CODE.has(outer)) return false;
  for (let code: string | null = inner; code !== null; code = BY_CODE.get(code)?.parent ?? null) {
    if (code === outer) return BY_CODE.has(inner);
  }
  return false;
}

/**
 * How a person reads a region: '遵义市 汇川区' for a county, the prefecture's
 * short name for a prefecture, '贵州省' for the province. The province is left
 * out of longer paths because every region here is in it.
 */
export function regionPathZh(code: string): string {
  switch (regionLevel(code)) {
    case 'province':
      return regionZh(code);
    case 'prefecture':
      return prefectureName(code);
    case 'county':
      return `${prefectureName(prefectureOfRegion(code) ?? '')} ${regionZh(code)}`;
    default:
      return code;
  }
}

/** A prefecture's counties in code order, for a picker that asks the prefecture first; empty for anything not a prefecture. */
export function countiesOf(prefectureCode: string): readonly RegionRow[] {
  if (regionLevel(prefectureCode) !== 'prefecture') return [];
  return GUIZHOU_REGIONS.filter((r) => r.parent === prefectureCode);
}

/**
 * The recusal rule: an expert registered in any of the unit's prefectures
 * (the prefecture itself or one of its counties) does not review that unit.
 *
 * Interpretation: an expert registered at the province (520000), or with no
 * region, is NOT excluded by region. The province is the reviewing body
 * itself and contains every unit; excluding its experts would empty the
 * pool. An unknown code is treated like no region here: codes are checked
 * with isRegionCode where they enter the system, not at review time.
 * Only prefecture-level entries of `unitPrefectures` count, so a stray
 * 520000 there cannot exclude every expert either.
 */
export function regionConflictsWithUnit(expertRegion: string | null | undefined, unitPrefectures: readonly string[]): boolean {
  if (!expertRegion || regionLevel(expertRegion) === 'province') return false;
  return unitPrefectures.some((p) => regionLevel(p) === 'prefecture' && regionContains(p, expertRegion));
}
