import { describe, expect, it } from 'vitest';
import { checkSanctionGround, SANCTION_GROUNDS, sanctionGround } from '../../domain';

describe('Art. 24 grounds', () => {
  it('are the seven of the regulation, each saying what it requires', () => {
    expect(SANCTION_GROUNDS.map((g) => g.ground)).toEqual([1, 2, 3, 4, 5, 6, 7]);
    for (const g of SANCTION_GROUNDS) {
      expect(g.zh.length).toBeGreaterThan(5);
      expect(g.requiresZh.length).toBeGreaterThan(5);
    }
    expect(sanctionGround(1)?.zh).toContain('国家自然资源督察');
    expect(sanctionGround(3)?.zh).toContain('未按计划完成整改');
    expect(sanctionGround(8)).toBeUndefined();
  });

  it('grounds 1–5 need no recorded fact; 6 needs a failed rectification; 7 a held post-evaluation', () => {
    for (const g of [1, 2, 3, 4, 5]) expect(checkSanctionGround(g, {})).toBeNull();
    expect(checkSanctionGround(6, {})).toMatchObject({ kind: 'conflict', code: 'groundNotEstablished' });
    expect(checkSanctionGround(6, { rectificationFailed: true })).toBeNull();
    expect(checkSanctionGround(7, { rectificationFailed: true })).toMatchObject({ kind: 'conflict' });
    expect(checkSanctionGround(7, { postEvaluationHeld: true })).toBeNull();
    expect(checkSanctionGround(0, {})).toMatchObject({ kind: 'invalid', code: 'unknownGround' });
  });
});
