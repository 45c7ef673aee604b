// Releases of the worker as Temporal Worker Deployment Versions
// (docs/PRODUCTION.md "Upgrading a release", docs/ARCHITECTURE.md
// "Versioning: releases over the years"). A worker started with
// WORKER_BUILD_ID polls as version <deployment>.<build id>; every workflow
// type is PINNED (the worker's default behaviour below), so a run finishes on
// the release that started it, and the operator makes a new release current with
// `npm run deployment -- promote <build id>` once its workers poll. The old
// release keeps its workers until no run is open on it (`npm run deployment
// -- status`).
import type { Client } from '@temporalio/client';
import proto from '@temporalio/proto';
import { moveToCurrentReleaseSignal } from '../workflows/base-messages';
import type { WorkerDeploymentOptions } from '@temporalio/worker';
import type { WorkerVersion } from './config';

/**
 * The worker option of a release: versioned, every workflow type PINNED. An
 * application ends on the code in force when it was submitted, as it keeps its
 * rules edition (workflows/rules-edition.ts; Art. 27 lets the province revise
 * the rules and sets no transitional provision, so a case runs to its end
 * under the rules it began under); its notices and a base's rectifications,
 * children on the same task queue, inherit their parent's release. A base
 * lives for years: each run is pinned, and the next one (the yearly
 * continue-as-new, or as soon as a newer release is current: workflows/base.ts
 * runEnds) starts on the current release. The behaviour is the worker's
 * default rather than set per workflow type because the SDK refuses a
 * per-type behaviour on an unversioned worker (every activation fails with
 * "versioning behavior cannot be specified without deployment options"),
 * and unversioned is the embedded default.
 */
export function versionedDeployment(version: WorkerVersion): WorkerDeploymentOptions {
  return { version, useWorkerVersioning: true, defaultVersioningBehavior: 'PINNED' };
}

export function describeWorkerVersion(version: WorkerVersion | undefined): string {
  return version ? `as release ${version.buildId} of deployment ${version.deploymentName}` : 'unversioned (WORKER_BUILD_ID unset)';
}

/** How Temporal's visibility names a version (the `TemporalWorkerDeploymentVersion` search attribute). */
export function visibilityVersion(version: WorkerVersion): string {
  return `${version.deploymentName}:${version.buildId}`;
}

export class DeploymentError extends Error {}

/**
 * Makes a release the current version of its deployment: new runs start on
 * it, and a base moves to it at its next continue-as-new. Refused (by the
 * server) while no worker of that release polls every task queue the
 * deployment knows, so a release is never promoted before it can run.
 */
export async function promote(client: Client, version: WorkerVersion): Promise<{ previous: string | null }> {
  try {
    const answer = await client.workflowService.setWorkerDeploymentCurrentVersion({
      namespace: client.options.namespace,
      deploymentName: version.deploymentName,
      buildId: version.buildId,
      identity: 'npm run deployment -- promote',
    });
    const previous = answer.previousDeploymentVersion;
    return { previous: previous?.buildId ? previous.buildId : null };
  } catch (error) {
    const message = (error as Error).message;
    if (/NOT_FOUND|FAILED_PRECONDITION/.test(message)) {
      throw new DeploymentError(
        `release ${version.buildId} is not polling deployment ${version.deploymentName} yet: start its workers (WORKER_BUILD_ID=${version.buildId}) and try again (${message})`,
      );
    }
    throw error;
  }
}

export type VersionStatus = 'current' | 'ramping' | 'draining' | 'drained' | 'inactive' | 'unknown';

export interface ReleaseState {
  buildId: string;
  status: VersionStatus;
  /** Runs still open on this release (visibility; a few seconds behind). */
  openRuns: number;
  /** No run is open on it and it is not current: its workers may be stopped. */
  retirable: boolean;
}

const STATUS: Record<string, VersionStatus> = {
  WORKER_DEPLOYMENT_VERSION_STATUS_CURRENT: 'current',
  WORKER_DEPLOYMENT_VERSION_STATUS_RAMPING: 'ramping',
  WORKER_DEPLOYMENT_VERSION_STATUS_DRAINING: 'draining',
  WORKER_DEPLOYMENT_VERSION_STATUS_DRAINED: 'drained',
  WORKER_DEPLOYMENT_VERSION_STATUS_INACTIVE: 'inactive',
};

function statusOf(raw: unknown): VersionStatus {
  // protobufjs answers enums as numbers or names depending on the decoder.
  if (typeof raw === 'string') return STATUS[raw] ?? 'unknown';
  const names = ['unknown', 'inactive', 'current', 'ramping', 'draining', 'drained'] as const;
  return typeof raw === 'number' ? (names[raw] ?? 'unknown') : 'unknown';
}

/** Open runs of one release, by visibility. */
export async function openRunsOn(client: Client, version: WorkerVersion): Promise<number> {
  const { count } = await client.workflowService.countWorkflowExecutions({
    namespace: client.options.namespace,
    query: `TemporalWorkerDeploymentVersion = '${visibilityVersion(version)}' AND ExecutionStatus = 'Running'`,
  });
  return Number(count ?? 0);
}

/**
 * Every release of the deployment, newest first: Temporal's status (the
 * server's drainage status lags by minutes, so the open runs are counted as
 * well) and whether its workers may be stopped.
 */
export async function releases(client: Client, deploymentName: string): Promise<ReleaseState[]> {
  const { workerDeploymentInfo } = await client.workflowService.describeWorkerDeployment({ namespace: client.options.namespace, deploymentName });
  const summaries = [...(workerDeploymentInfo?.versionSummaries ?? [])].sort((a, b) => Number(b.createTime?.seconds ?? 0) - Number(a.createTime?.seconds ?? 0));
  return Promise.all(
    summaries.map(async (v) => {
      const buildId = v.deploymentVersion?.buildId ?? '';
      const status = statusOf(v.status);
      const openRuns = await openRunsOn(client, { deploymentName, buildId });
      return { buildId, status, openRuns, retirable: status !== 'current' && status !== 'ramping' && openRuns === 0 };
    }),
  );
}

/** The open runs of a release, by visibility, as (workflowId, runId, type). */
async function openRuns(client: Client, version: WorkerVersion, extra = ''): Promise<Array<{ workflowId: string; runId: string; type: string }>> {
  const query = `TemporalWorkerDeploymentVersion = '${visibilityVersion(version)}' AND ExecutionStatus = 'Running'${extra}`;
  const runs: Array<{ workflowId: string; runId: string; type: string }> = [];
  for await (const w of client.workflow.list({ query })) runs.push({ workflowId: w.workflowId, runId: w.runId, type: w.type });
  return runs;
}

/**
 * Wakes every base whose run is pinned to `from`: each continues as new onto
 * the current release at once (workflows/base.ts runEnds) instead of at its
 * next timer or decision, at the latest on 1 January. Safe on any release:
 * the new code never replays the old run, it only reads its carried state.
 */
export async function drainBases(client: Client, from: WorkerVersion): Promise<string[]> {
  const bases = await openRuns(client, from, " AND WorkflowType = 'baseWorkflow'");
  for (const b of bases) await client.workflow.getHandle(b.workflowId, b.runId).signal(moveToCurrentReleaseSignal);
  return bases.map((b) => b.workflowId);
}

/**
 * Moves the open runs pinned to `from`, bases excepted (drainBases), onto
 * release `to` (a pinned override): their next task replays their whole
 * history on `to`'s code. Only for a release whose replay test passed on
 * those histories, every change behind patched() (docs/PRODUCTION.md
 * "Upgrading a release": an urgent fix, or retiring a release early).
 * A base is left alone: an override would stay with it across its
 * continue-as-new and keep it off every later release.
 */
export async function moveRuns(client: Client, from: WorkerVersion, to: WorkerVersion): Promise<string[]> {
  const runs = (await openRuns(client, from)).filter((r) => r.type !== 'baseWorkflow');
  const pinned = proto.temporal.api.workflow.v1.VersioningOverride.PinnedOverrideBehavior.PINNED_OVERRIDE_BEHAVIOR_PINNED;
  for (const r of runs) {
    await client.workflowService.updateWorkflowExecutionOptions({
      namespace: client.options.namespace,
      workflowExecution: { workflowId: r.workflowId, runId: r.runId },
      workflowExecutionOptions: { versioningOverride: { pinned: { behavior: pinned, version: to } } },
      updateMask: { paths: ['versioning_override'] },
      identity: 'npm run deployment -- move',
    });
  }
  return runs.map((r) => r.workflowId);
}
