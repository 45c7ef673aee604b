import { condition } from '@temporalio/workflow';

/**
 * Resolves true when `atMs` is reached, false if `stop` became true first (one
 * durable timer, named by `summary` in the Temporal UI and the ops history:
 * every timer has one).
 */
export async function sleepUntil(atMs: number, stop: () => boolean, summary: string): Promise<boolean> {
  const ms = atMs - Date.now();
  if (ms > 0 && (await condition(stop, ms, { summary }))) return false;
  return !stop();
}
