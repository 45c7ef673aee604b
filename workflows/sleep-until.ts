import { condition } from '@temporalio/workflow';

/** Resolves true when `atMs` is reached, false if `stop` became true first (one durable timer). */
export async function sleepUntil(atMs: number, stop: () => boolean): Promise<boolean> {
  const ms = atMs - Date.now();
  if (ms > 0 && (await condition(stop, ms))) return false;
  return !stop();
}
