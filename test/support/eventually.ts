// Waiting on a condition instead of a fixed sleep: the read model and the
// mails follow the workflows within moments, so tests read until they see
// what they expect, and fail with `what` if it never comes.

/** Reads until `ok` holds (every 50 ms, 10 s at most) and answers what was read. */
export async function eventually<T>(read: () => Promise<T>, ok: (v: T) => boolean, what = 'the expected state'): Promise<T> {
  for (let n = 0; n < 200; n++) {
    const v = await read();
    if (ok(v)) return v;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`not reached: ${what}`);
}

/** Reads until the value is there (not null, undefined or false) and answers it. */
export async function until<T>(what: string, read: () => Promise<T | null | undefined | false>): Promise<T> {
  return (await eventually(read, (v) => v !== null && v !== undefined && v !== false, what)) as T;
}
