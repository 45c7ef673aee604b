// Guizhou's divisions (domain/regions.ts over the generated domain/regions-data.ts):
// the table's shape, a sample of known codes, refusal of look-alike codes,
// containment by the parent chain, and the recusal rule.
import { describe, expect, it } from 'vitest';
import { PREFECTURE_CODES } from '../../domain/prefectures';
import {
  GUIZHOU_REGIONS, PROVINCE_CODE, countiesOf, isRegionCode, prefectureOfRegion, regionConflictsWithUnit, regionContains, regionLevel,
  regionPathZh, regionZh,
} from '../../domain/regions';

const prefectures = GUIZHOU_REGIONS.filter((r) => r.parent === PROVINCE_CODE);
const counties = GUIZHOU_REGIONS.filter((r) => r.parent !== null && r.parent !== PROVINCE_CODE);

describe('the generated table', () => {
  it('has the province alone at the top', () => {
    expect(GUIZHOU_REGIONS.filter((r) => r.parent === null)).toEqual([{ code: '520000', zh: '贵州省', parent: null }]);
  });

  it('has the nine prefectures of domain/prefectures.ts, with their official full names', () => {
    expect(prefectures.map((p) => p.code)).toEqual([...PREFECTURE_CODES]);
    expect(regionZh('522300')).toBe('黔西南布依族苗族自治州');
    expect(regionZh('522600')).toBe('黔东南苗族侗族自治州');
    expect(regionZh('522700')).toBe('黔南布依族苗族自治州');
  });

  it('has unique six-digit codes and every parent exists', () => {
    const codes = new Set(GUIZHOU_REGIONS.map((r) => r.code));
    expect(codes.size).toBe(GUIZHOU_REGIONS.length);
    for (const r of GUIZHOU_REGIONS) {
      expect(r.code).toMatch(/^52\d{4}$/);
      if (r.parent !== null) expect(codes.has(r.parent), `${r.code}'s parent ${r.parent}`).toBe(true);
    }
  });

  it('puts every county under a prefecture sharing its first four digits', () => {
    expect(counties.length).toBeGreaterThan(80);
    for (const c of counties) {
      expect(regionLevel(c.parent ?? ''), c.code).toBe('prefecture');
      expect(c.code.slice(0, 4), c.code).toBe(c.parent?.slice(0, 4));
    }
  });

  it.each([
    ['520102', '南明区', '520100'],
    ['520302', '红花岗区', '520300'],
    ['520303', '汇川区', '520300'],
    ['520381', '赤水市', '520300'],
    ['522701', '都匀市', '522700'],
    ['522301', '兴义市', '522300'],
    ['520581', '黔西市', '520500'],
  ])('knows %s %s', (code, zh, prefecture) => {
    expect(isRegionCode(code)).toBe(true);
    expect(regionZh(code)).toBe(zh);
    expect(regionLevel(code)).toBe('county');
    expect(prefectureOfRegion(code)).toBe(prefecture);
  });
});

describe('isRegionCode', () => {
  it('accepts the province, a prefecture and a county', () => {
    expect(isRegionCode('520000')).toBe(true);
    expect(isRegionCode('520300')).toBe(true);
    expect(isRegionCode('520302')).toBe(true);
  });

  it.each([['529999'], ['520399'], [''], ['520300x'], ['5203'], ['52'], [' 520300'], [520300], [null], [undefined]])('refuses %j', (code) => {
    expect(isRegionCode(code)).toBe(false);
  });
});

describe('levels, prefectures and names', () => {
  it('tells the level from the parent chain', () => {
    expect(regionLevel('520000')).toBe('province');
    expect(regionLevel('522600')).toBe('prefecture');
    expect(regionLevel('522601')).toBe('county');
    expect(regionLevel('529999')).toBeNull();
  });

  it('finds the prefecture: itself for a prefecture, none for the province', () => {
    expect(prefectureOfRegion('520300')).toBe('520300');
    expect(prefectureOfRegion('520000')).toBeNull();
    expect(prefectureOfRegion('520399')).toBeNull();
  });

  it('reads a path with the prefecture short name', () => {
    expect(regionPathZh('520303')).toBe('遵义市 汇川区');
    expect(regionPathZh('522301')).toBe('黔西南州 兴义市');
    expect(regionPathZh('522300')).toBe('黔西南州');
    expect(regionPathZh('520000')).toBe('贵州省');
    expect(regionPathZh('529999')).toBe('529999');
  });

  it('lists a prefecture\'s counties for a picker, and nothing for other codes', () => {
    const zunyi = countiesOf('520300');
    expect(zunyi.map((c) => c.zh)).toContain('赤水市');
    expect(zunyi.every((c) => c.parent === '520300')).toBe(true);
    expect(PREFECTURE_CODES.reduce((n, p) => n + countiesOf(p).length, 0)).toBe(counties.length);
    expect(countiesOf('520000')).toEqual([]);
    expect(countiesOf('520302')).toEqual([]);
    expect(countiesOf('529900')).toEqual([]);
  });
});

describe('regionContains', () => {
  it('holds down the chain and for the region itself', () => {
    expect(regionContains('520300', '520302')).toBe(true);
    expect(regionContains('520000', '520302')).toBe(true);
    expect(regionContains('520000', '522700')).toBe(true);
    expect(regionContains('520302', '520302')).toBe(true);
  });

  it('does not hold up the chain', () => {
    expect(regionContains('520302', '520300')).toBe(false);
    expect(regionContains('520300', '520000')).toBe(false);
  });

  it('does not hold across prefectures or for unknown codes', () => {
    expect(regionContains('520100', '520302')).toBe(false);
    expect(regionContains('522700', '522601')).toBe(false);
    expect(regionContains('520300', '520399')).toBe(false);
    expect(regionContains('529999', '529999')).toBe(false);
  });
});

describe('regionConflictsWithUnit (recusal by region)', () => {
  it('excludes a county expert from a unit in their prefecture', () => {
    expect(regionConflictsWithUnit('520302', ['520300'])).toBe(true);
  });

  it('does not exclude a county expert from a unit in another prefecture', () => {
    expect(regionConflictsWithUnit('520302', ['520100'])).toBe(false);
  });

  it('excludes a prefecture expert when any of a cross-prefecture unit\'s prefectures is theirs', () => {
    expect(regionConflictsWithUnit('520300', ['520100', '520300'])).toBe(true);
    expect(regionConflictsWithUnit('520302', ['520100', '520300'])).toBe(true);
    expect(regionConflictsWithUnit('520300', ['520100', '522700'])).toBe(false);
  });

  it('does not exclude a province-level expert or one with no region', () => {
    expect(regionConflictsWithUnit('520000', ['520300'])).toBe(false);
    expect(regionConflictsWithUnit(null, ['520300'])).toBe(false);
    expect(regionConflictsWithUnit(undefined, ['520300'])).toBe(false);
    expect(regionConflictsWithUnit('', ['520300'])).toBe(false);
  });

  it('ignores entries of the unit that are not prefectures', () => {
    expect(regionConflictsWithUnit('520302', ['520000'])).toBe(false);
    expect(regionConflictsWithUnit('520302', [])).toBe(false);
  });
});
