import { describe, expect, it } from 'vitest';
import { isDependencyUnavailable } from '../../infra/unavailable';

describe('isDependencyUnavailable', () => {
  it('recognises a database or Temporal that is down, also wrapped', () => {
    expect(isDependencyUnavailable(Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' }))).toBe(true);
    expect(isDependencyUnavailable({ name: 'PrismaClientKnownRequestError', code: 'P2039', meta: { driverAdapterError: { cause: { code: '57P03' } } } })).toBe(true);
    expect(isDependencyUnavailable({ name: 'PrismaClientInitializationError', message: 'cannot reach' })).toBe(true);
    expect(isDependencyUnavailable(Object.assign(new Error('14 UNAVAILABLE: No connection established'), { name: 'ServiceError', code: 14 }))).toBe(true);
  });

  it('leaves real bugs and refusals alone (they stay 500 or their own status)', () => {
    expect(isDependencyUnavailable(new TypeError('x is undefined'))).toBe(false);
    expect(isDependencyUnavailable({ name: 'PrismaClientKnownRequestError', code: 'P2002', message: 'Unique constraint failed' })).toBe(false);
    expect(isDependencyUnavailable(null)).toBe(false);
  });
});
