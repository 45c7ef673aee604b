import { describe, expect, it } from 'vitest';
import { verdictLine, verdictPosition } from '../../domain/ls-index/verdict-line';

describe('the verdict line of a stored evaluation', () => {
  it('has one character per catalogue indicator, in catalogue order', () => {
    const line = verdictLine({ indicators: [{ id: '2', result: 'notMet' }, { id: '1', result: 'met' }, { id: '20', result: 'met' }, { id: '3', result: 'noData' }] });
    expect(line).toBe(`MN${'-'.repeat(17)}M`);
    expect(line).toHaveLength(20);
    expect(line?.[verdictPosition('20') - 1]).toBe('M');
  });

  it('leaves the plan\'s own indicators out and reads an unknown result as no data', () => {
    expect(verdictLine({ indicators: [{ id: '1', result: 'met', custom: true }, { id: '2', result: 'maybe' }] })).toBe('-'.repeat(20));
  });

  it('is null for an evaluation without indicators', () => {
    expect(verdictLine({})).toBeNull();
    expect(verdictLine(null)).toBeNull();
  });

  it('refuses a position for an indicator the catalogue does not have', () => {
    expect(() => verdictPosition('21')).toThrow(/21/);
  });
});
