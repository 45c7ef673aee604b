// The last resort of the API and worker processes: an exception nothing
// caught (thrown in an event handler, a timer, a client's callback) or a
// promise rejected with no handler. Node's default is to end the process,
// which for the API meant any request reaching such a path could stop it
// for every user (issue 23).
//
// Two cases, told apart by whether the error belongs to a piece of work:
// - inside a request (API) or an activity (worker): the error is that
//   work's. It is logged with what identifies the work, counted, and the
//   work is ended (the request answered 500 or cut); the process keeps
//   serving everyone else, since what may be broken is that work's own.
// - outside any: shared state (a pool, a client, a timer of the process) may
//   be broken, and nobody can say how. The process stops taking new work,
//   drains what it has (bounded), logs why, and exits with EXIT_UNKNOWN_STATE
//   so that its process manager (or `npm start`) starts a fresh one.
import type { Logger } from './logger';

/** The exit code of a process that stopped because its state was unknown (EX_SOFTWARE). */
export const EXIT_UNKNOWN_STATE = 70;

/** The piece of work an error happened in, if any. */
export interface Attribution {
  /** What the log line says of the work (request id, method, route; activity type and workflow id). */
  context: Record<string, unknown>;
  /** Ends the work after its error (answer the request 500, or cut it). */
  contain(): void;
}

export type Outcome = 'contained' | 'fatal';

export interface GuardOptions {
  logger: Logger;
  /** The work running where the error was raised (an AsyncLocalStorage's store), or undefined. */
  attribute: () => Attribution | undefined;
  /** Counts each error in the process's metrics. */
  count: (outcome: Outcome) => void;
  /** Stops taking new work and finishes what is in flight. */
  drain: () => Promise<void>;
  /** How long the drain may take before the process exits anyway. */
  drainTimeoutMs?: number;
  /** For tests: the emitter of `uncaughtException`/`unhandledRejection` and the exit. */
  process?: Pick<NodeJS.Process, 'on' | 'off'>;
  exit?: (code: number) => void;
}

/**
 * Errors that say the runtime itself is inconsistent, wherever they happen:
 * never contained.
 */
function isRuntimeBroken(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  const name = (error as { name?: unknown } | null)?.name;
  return code === 'ERR_INTERNAL_ASSERTION' || name === 'AssertionError';
}

/** Kind and code of an error, and its first stack frames: never its message, which may quote a request's personal data. */
export function describeError(error: unknown): Record<string, unknown> {
  const e = error as { constructor?: { name?: string }; code?: unknown; stack?: unknown } | null;
  const frames = typeof e?.stack === 'string' ? e.stack.split('\n').filter((l) => /^\s+at /.test(l)).slice(0, 8).map((l) => l.trim()) : [];
  return { type: e?.constructor?.name ?? typeof error, ...(e?.code !== undefined ? { code: String(e.code) } : {}), frames };
}

/** Installs the last resort; answers a function that removes it. */
export function guardProcess(options: GuardOptions): () => void {
  const proc = options.process ?? process;
  const exit = options.exit ?? ((code: number) => process.exit(code));
  let draining = false;

  const onError = (how: 'uncaughtException' | 'unhandledRejection') => (error: unknown) => {
    const work = isRuntimeBroken(error) ? undefined : safely(options.attribute);
    if (work) {
      options.count('contained');
      options.logger.error({ err: describeError(error), how, ...work.context }, 'uncaught error in one piece of work: that work is ended, the process keeps serving');
      safely(() => work.contain());
      return;
    }
    options.count('fatal');
    if (draining) {
      options.logger.error({ err: describeError(error), how }, 'another uncaught error while draining');
      return;
    }
    draining = true;
    const timeoutMs = options.drainTimeoutMs ?? 10_000;
    options.logger.fatal(
      { err: describeError(error), how, exitCode: EXIT_UNKNOWN_STATE, drainTimeoutMs: timeoutMs },
      `uncaught error outside any request or activity: the process's state is unknown, so it stops taking work, drains (at most ${timeoutMs / 1000} s) and exits with code ${EXIT_UNKNOWN_STATE} to be restarted`,
    );
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<'timeout'>((resolve) => {
      timer = setTimeout(() => resolve('timeout'), timeoutMs);
    });
    void Promise.race([options.drain().then(() => 'drained' as const, () => 'drained' as const), timedOut]).then((how) => {
      clearTimeout(timer);
      options.logger.fatal({ exitCode: EXIT_UNKNOWN_STATE, drain: how }, how === 'drained' ? 'drained; exiting' : 'drain did not finish in time; exiting');
      exit(EXIT_UNKNOWN_STATE);
    });
  };
  const uncaught = onError('uncaughtException');
  const unhandled = onError('unhandledRejection');
  proc.on('uncaughtException', uncaught);
  proc.on('unhandledRejection', unhandled);
  return () => {
    proc.off('uncaughtException', uncaught);
    proc.off('unhandledRejection', unhandled);
  };
}

/** The last resort must not throw itself. */
function safely<T>(f: () => T): T | undefined {
  try {
    return f();
  } catch {
    return undefined;
  }
}
