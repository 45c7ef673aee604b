// The worker's release in Temporal's Worker Deployments (infra/config.ts
// workerVersion; docs/PRODUCTION.md "Upgrading a release").
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../infra/config';
import { describeWorkerVersion, versionedDeployment, visibilityVersion } from '../../infra/worker-deployment';

const base = { DATABASE_URL: 'postgresql://x/y', SMTP_URL: 'smtp://127.0.0.1:25', AUTH_JWT_SECRET: 's' };

describe('the worker\'s release (WORKER_BUILD_ID, WORKER_DEPLOYMENT_NAME)', () => {
  it('is unversioned without a build id, as npm start and the tests run it', () => {
    expect(loadConfig(base).workerVersion).toBeUndefined();
    expect(loadConfig({ ...base, WORKER_BUILD_ID: ' ', WORKER_DEPLOYMENT_NAME: 'other' }).workerVersion).toBeUndefined();
    expect(describeWorkerVersion(undefined)).toMatch(/unversioned/);
  });

  it('is the build id in deployment liangshan unless WORKER_DEPLOYMENT_NAME says, every run PINNED by default', () => {
    const version = loadConfig({ ...base, WORKER_BUILD_ID: '2027.03.1' }).workerVersion!;
    expect(version).toEqual({ deploymentName: 'liangshan', buildId: '2027.03.1' });
    expect(loadConfig({ ...base, WORKER_BUILD_ID: 'a1b2c3d', WORKER_DEPLOYMENT_NAME: 'liangshan-staging' }).workerVersion).toEqual({ deploymentName: 'liangshan-staging', buildId: 'a1b2c3d' });
    expect(versionedDeployment(version)).toEqual({ version, useWorkerVersioning: true, defaultVersioningBehavior: 'PINNED' });
    expect(visibilityVersion(version)).toBe('liangshan:2027.03.1');
  });

  it('refuses names Temporal would split or quote wrongly', () => {
    for (const bad of ['-x', 'a b', "x'y", 'a:b', 'x'.repeat(129)]) expect(() => loadConfig({ ...base, WORKER_BUILD_ID: bad }), bad).toThrow(/WORKER_BUILD_ID must be/);
    for (const bad of ['a.b', 'a:b', 'a b']) expect(() => loadConfig({ ...base, WORKER_BUILD_ID: '1', WORKER_DEPLOYMENT_NAME: bad }), bad).toThrow(/WORKER_DEPLOYMENT_NAME must be/);
  });
});
