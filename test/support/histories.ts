// Recorded histories for the replay test (test/workflows/replay.test.ts).
// The lifecycle tests call `exportHistory` at the end of the scenarios worth
// keeping; it writes only when HISTORIES_EXPORT=1 (`npm run histories:record`)
// and does nothing, not even fetching the history, otherwise.
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { temporal } from '@temporalio/proto';

export const HISTORIES_DIR = path.resolve(import.meta.dirname, '..', 'histories');

export const exportingHistories = (): boolean => process.env.HISTORIES_EXPORT === '1';

type History = temporal.api.history.v1.IHistory;

/** A run: a workflow handle (its history is fetched when exporting), or a history already fetched. */
type Run = { workflowId: string; fetchHistory(): Promise<History> } | { workflowId: string; history: History };

/**
 * Writes a run's history to test/histories/<name>.json as protobufjs JSON
 * (History.fromObject reads it back), with the run's `workflowId` beside the
 * events: a history does not contain it, and a replay under another id gives
 * a workflow that derives ids from its own (an application's notice child)
 * other commands than the ones recorded.
 */
export async function exportHistory(name: string, run: Run): Promise<void> {
  if (!exportingHistories()) return;
  const history = 'history' in run ? run.history : await run.fetchHistory();
  const json = { workflowId: run.workflowId, ...temporal.api.history.v1.History.fromObject(history).toJSON() };
  await mkdir(HISTORIES_DIR, { recursive: true });
  await writeFile(path.join(HISTORIES_DIR, `${name}.json`), `${JSON.stringify(json, null, 1)}\n`);
}
