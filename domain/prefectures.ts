// Guizhou's nine prefecture-level divisions, named by their administrative
// division codes (docs/ARCHITECTURE.md "The API's contract"). A unit lies in one prefecture, or in
// several for a cross-prefecture unit (Art. 11).

export const PREFECTURES = [
  { code: '520100', zh: '贵阳市' },
  { code: '520200', zh: '六盘水市' },
  { code: '520300', zh: '遵义市' },
  { code: '520400', zh: '安顺市' },
  { code: '520500', zh: '毕节市' },
  { code: '520600', zh: '铜仁市' },
  { code: '522300', zh: '黔西南州' },
  { code: '522600', zh: '黔东南州' },
  { code: '522700', zh: '黔南州' },
] as const;

export type PrefectureCode = (typeof PREFECTURES)[number]['code'];

export const PREFECTURE_CODES: readonly PrefectureCode[] = PREFECTURES.map((p) => p.code);

export function isPrefectureCode(value: unknown): value is PrefectureCode {
  return typeof value === 'string' && (PREFECTURE_CODES as readonly string[]).includes(value);
}

export function prefectureName(code: string): string {
  return PREFECTURES.find((p) => p.code === code)?.zh ?? code;
}

/** Art. 11: a unit spanning two or more prefectures may apply directly to the province (domain/submission-path.ts). */
export function isCrossPrefecture(prefectures: readonly string[]): boolean {
  return new Set(prefectures).size >= 2;
}
