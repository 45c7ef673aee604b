import { describe, expect, it } from 'vitest';
import { pooledSmtpUrl } from '../../activities/mailer';

describe('pooledSmtpUrl', () => {
  it('pools connections unless the URL says otherwise', () => {
    expect(new URL(pooledSmtpUrl('smtp://relay:587')).searchParams.get('pool')).toBe('true');
    expect(new URL(pooledSmtpUrl('smtp://relay:587/?pool=false')).searchParams.get('pool')).toBe('false');
    expect(pooledSmtpUrl('smtps://user:p%40ss@relay:465/?maxConnections=10')).toBe('smtps://user:p%40ss@relay:465/?maxConnections=10&pool=true');
  });
});
