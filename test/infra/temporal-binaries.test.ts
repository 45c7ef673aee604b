// The Temporal binaries are found where provisioning put them, or where an
// env var points; otherwise the SDK's own download is the fallback.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { devServerExecutable, temporalCliPath, temporalTestServerPath, testServerExecutable } from '../../infra/temporal-binaries';
import { shellAssignment } from '../deploy/compose-checks';

describe('Temporal binaries', () => {
  it('finds the provisioned CLI and test server, and the CLI runs', () => {
    const cli = temporalCliPath({});
    expect(cli).toMatch(/\.temporal\/venv\/bin\/temporal$/);
    expect(temporalTestServerPath({})).toMatch(/\.temporal\/venv\/bin\/temporal-test-server$/);
    // The CLI and the server it embeds are the versions the provisioning script names (SERVER_VERSION: also docker-compose.yml's, test/deploy/compose.test.ts).
    const script = readFileSync(new URL('../../scripts/provision-temporal.sh', import.meta.url), 'utf8');
    const [cliVersion, serverVersion] = ['CLI_VERSION', 'SERVER_VERSION'].map((name) => shellAssignment(script, name));
    expect(execFileSync(cli!, ['--version'], { encoding: 'utf8' })).toContain(`temporal version ${cliVersion} (Server ${serverVersion},`);
    expect(devServerExecutable({})).toEqual({ type: 'existing-path', path: cli });
  });

  it('prefers the env vars, and refuses one that points nowhere', () => {
    expect(temporalCliPath({ TEMPORAL_CLI_PATH: process.execPath })).toBe(process.execPath);
    expect(testServerExecutable({ TEMPORAL_TEST_SERVER_PATH: process.execPath })).toEqual({ type: 'existing-path', path: process.execPath });
    expect(() => temporalCliPath({ TEMPORAL_CLI_PATH: '/nonexistent/temporal' })).toThrow(/does not exist/);
  });
});
