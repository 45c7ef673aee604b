// `npm run deployment -- <command>`: the operator's side of a release of the
// worker (docs/PRODUCTION.md "Upgrading a release"): make a release current
// once its workers poll, and see which releases still have open runs and
// which may be retired. The same calls as `temporal worker deployment
// set-current-version` / `describe`, plus the open runs each release holds.
import { parseArgs } from 'node:util';
import { DEFAULT_WORKER_DEPLOYMENT_NAME } from '../infra/config';
import { connectClient } from '../infra/temporal';
import { temporalConnection } from '../infra/temporal-connection';
import { drainBases, moveRuns, promote, DeploymentError, releases } from '../infra/worker-deployment';

const USAGE = `npm run deployment -- <command> [--json]

  status
      every release of the deployment: Temporal's status (current, draining, drained),
      the runs still open on it, and whether its workers may be stopped
  promote <buildId>
      make the release current: new runs start on it, bases move to it at their next
      continue-as-new; refused until a worker with WORKER_BUILD_ID=<buildId> polls
  drain-bases <oldBuildId>
      wake every base still on the old release: each continues as new onto the current one now
      (instead of at its next timer or decision, at the latest on 1 January)
  move <oldBuildId> <newBuildId>
      urgent fixes only: every other open run of the old release continues on the new one, which
      replays its history; only a release whose replay test passed (every change behind patched())

TEMPORAL_ADDRESS (default 127.0.0.1:7233), TEMPORAL_NAMESPACE (default), WORKER_DEPLOYMENT_NAME (${DEFAULT_WORKER_DEPLOYMENT_NAME}).`;

const env = process.env;
const { positionals, values } = parseArgs({ allowPositionals: true, options: { json: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } } });
const [command, argument] = positionals;
if (values.help || !command) {
  console.log(USAGE);
  process.exit(command || values.help ? 0 : 2);
}

const deploymentName = env.WORKER_DEPLOYMENT_NAME?.trim() || DEFAULT_WORKER_DEPLOYMENT_NAME;
const client = connectClient(temporalConnection(env, '127.0.0.1:7233'), { callDeadlineMs: 10_000 });

async function run(): Promise<number> {
  if (command === 'promote') {
    if (!argument) throw new DeploymentError('promote needs the build id of the release, e.g. npm run deployment -- promote 2027.03.1');
    const { previous } = await promote(client, { deploymentName, buildId: argument });
    const answer = { deploymentName, current: argument, previous };
    console.log(values.json ? JSON.stringify(answer) : `release ${argument} is current in ${deploymentName} (before: ${previous ?? 'unversioned'}); watch the old one drain with npm run deployment -- status`);
    return 0;
  }
  if (command === 'drain-bases' || command === 'move') {
    const target = positionals[2];
    if (!argument || (command === 'move' && !target)) throw new DeploymentError(`${command} needs the build ids, see the usage`);
    const from = { deploymentName, buildId: argument };
    const moved = command === 'move' ? await moveRuns(client, from, { deploymentName, buildId: target! }) : await drainBases(client, from);
    console.log(values.json ? JSON.stringify({ moved }) : `${moved.length} run(s) ${command === 'move' ? `moved to ${target}` : 'woken to continue as new'}: ${moved.join(' ')}`);
    return 0;
  }
  if (command === 'status') {
    const list = await releases(client, deploymentName);
    if (values.json) console.log(JSON.stringify({ deploymentName, releases: list }));
    else {
      console.log(`deployment ${deploymentName}`);
      for (const r of list) console.log(`  ${r.buildId.padEnd(24)} ${r.status.padEnd(9)} open runs ${String(r.openRuns).padStart(6)}  ${r.retirable ? 'may be retired' : 'keep its workers'}`);
    }
    return 0;
  }
  console.error(`unknown command "${command}"\n\n${USAGE}`);
  return 2;
}

try {
  process.exitCode = await run();
} catch (error) {
  // A gRPC failure is a sentence for the operator, not a stack trace.
  const message = error instanceof Error ? error.message : String(error);
  console.error(error instanceof DeploymentError ? message : `Temporal at ${env.TEMPORAL_ADDRESS || '127.0.0.1:7233'} (deployment ${deploymentName}): ${message}`);
  process.exitCode = 1;
} finally {
  await client.connection.close();
}
