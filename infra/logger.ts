// Structured logs: one JSON object per line on stdout (pino), for the API,
// the worker and anything else that runs as a process. `LOG_LEVEL` (fatal,
// error, warn, info, debug, trace, silent; default info) sets how much.
//
// What never goes into a log: request or response bodies, and the message
// of an unexpected error in the API (it can quote a complainant's name or
// contact, prisma/schema.prisma Complaint): see api/request-log.ts and api/errors.ts.
import pino, { type DestinationStream, type Level, type LevelWithSilent, type Logger } from 'pino';
import type { Logger as TemporalLogger, LogLevel as TemporalLogLevel, LogMetadata } from '@temporalio/common';

export type { Logger };

export const LOG_LEVELS: readonly LogLevel[] = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];
export type LogLevel = LevelWithSilent;
export const DEFAULT_LOG_LEVEL: LogLevel = 'info';

/** `LOG_LEVEL` as pino knows it; throws with the allowed values otherwise. */
export function parseLogLevel(raw: string | undefined): LogLevel {
  if (raw === undefined || raw === '') return DEFAULT_LOG_LEVEL;
  const level = raw.trim().toLowerCase();
  if (!(LOG_LEVELS as readonly string[]).includes(level)) throw new Error(`LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')}, got "${raw}"`);
  return level as LogLevel;
}

export interface LoggerOptions {
  /** Which process writes (`api`, `worker`): the `name` field of every line. */
  name: string;
  /** Default: LOG_LEVEL from the environment, else info. (The test runner sets LOG_LEVEL=silent, vitest.config.ts.) */
  level?: LogLevel | undefined;
  /** Where the lines go; stdout by default. Tests pass a stream they read. */
  destination?: DestinationStream | undefined;
}

export function createLogger(options: LoggerOptions): Logger {
  let level = options.level;
  if (level === undefined) {
    try {
      level = parseLogLevel(process.env.LOG_LEVEL);
    } catch {
      // The processes validate LOG_LEVEL with their configuration (infra/config.ts); a library default must not throw.
      level = DEFAULT_LOG_LEVEL;
    }
  }
  const settings: pino.LoggerOptions = {
    name: options.name,
    level,
    // ISO instants rather than epoch milliseconds: read by people as often as by machines.
    timestamp: pino.stdTimeFunctions.isoTime,
    // `level: "info"` rather than 30.
    formatters: { level: (label) => ({ level: label }) },
    serializers: { err: pino.stdSerializers.err, error: pino.stdSerializers.err },
  };
  // pino's default destination: stdout, written synchronously (nothing lost when a process exits).
  return options.destination ? pino(settings, options.destination) : pino(settings);
}

const TEMPORAL_LEVELS: Record<TemporalLogLevel, Level> = { TRACE: 'trace', DEBUG: 'debug', INFO: 'info', WARN: 'warn', ERROR: 'error' };

/**
 * The Temporal SDK's logger interface over pino, for `Runtime.install({ logger })`:
 * the SDK's own messages, the Rust core's (when forwarded), and the workflow
 * and activity context loggers (`log` from @temporalio/workflow and
 * @temporalio/activity) arrive here with their metadata (sdkComponent,
 * taskQueue, namespace, workflowId, runId, workflowType, activityId, …),
 * which become fields of the JSON line. pino filters by its own level.
 */
export function temporalLogger(logger: Logger): TemporalLogger {
  const write = (level: TemporalLogLevel, message: string, meta?: LogMetadata) => {
    const method = TEMPORAL_LEVELS[level] ?? 'info';
    if (meta && Object.keys(meta).length) logger[method](meta, message);
    else logger[method](message);
  };
  return {
    log: write,
    trace: (message, meta) => write('TRACE', message, meta),
    debug: (message, meta) => write('DEBUG', message, meta),
    info: (message, meta) => write('INFO', message, meta),
    warn: (message, meta) => write('WARN', message, meta),
    error: (message, meta) => write('ERROR', message, meta),
  };
}
