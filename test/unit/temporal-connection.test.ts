import { describe, expect, it } from 'vitest';
import { describeConnection, temporalConnection } from '../../infra/temporal-connection';

// No file is read: TEMPORAL_CONFIG_FILE points nowhere (a missing file is no profile).
const none = { TEMPORAL_CONFIG_FILE: '/nonexistent/temporal.toml' };

describe('the Temporal connection from the environment (infra/temporal-connection.ts)', () => {
  it('keeps the old defaults when nothing is set: plain gRPC to localhost:7233, namespace default', () => {
    expect(temporalConnection(none)).toEqual({ address: 'localhost:7233', namespace: 'default' });
    expect(temporalConnection(none, '127.0.0.1:7233').address).toBe('127.0.0.1:7233');
    expect(temporalConnection({ ...none, TEMPORAL_ADDRESS: 'temporal:7233', TEMPORAL_NAMESPACE: 'liangshan' })).toEqual({ address: 'temporal:7233', namespace: 'liangshan' });
  });

  it('treats empty variables as unset (compose passes them empty)', () => {
    expect(temporalConnection({ ...none, TEMPORAL_ADDRESS: '', TEMPORAL_TLS: '', TEMPORAL_API_KEY: '', TEMPORAL_TLS_SERVER_CA_CERT_PATH: '' }))
      .toEqual({ address: 'localhost:7233', namespace: 'default' });
  });

  it('turns TLS on for TEMPORAL_TLS=true or an API key, and names it without the key', () => {
    const tls = temporalConnection({ ...none, TEMPORAL_ADDRESS: 'x:7233', TEMPORAL_TLS: 'true' });
    expect(tls.tls).toBeTruthy();
    const keyed = temporalConnection({ ...none, TEMPORAL_ADDRESS: 'x:7233', TEMPORAL_API_KEY: 'secret-key' });
    expect(keyed).toMatchObject({ apiKey: 'secret-key', tls: true });
    expect(describeConnection(keyed)).toBe('x:7233 (namespace default, TLS, API key)');
    expect(describeConnection(keyed)).not.toContain('secret-key');
    expect(describeConnection(temporalConnection(none))).toBe('localhost:7233 (namespace default, plain gRPC)');
  });

  it('names the file and profile when the profile is not there', () => {
    expect(() => temporalConnection({ TEMPORAL_CONFIG_FILE: '/nonexistent/temporal.toml', TEMPORAL_PROFILE: 'prod' })).toThrow(/TEMPORAL_PROFILE=prod.*'prod' not found/);
  });
});
