import { pino, type Logger } from 'pino';
import type { LogLevel } from './defaults.js';

export type { Logger } from 'pino';

export interface LoggerOptions {
  level: LogLevel;
  /** Human-readable lines instead of JSON; the CLI turns this on when stderr is a terminal. */
  pretty?: boolean;
}

/**
 * The server's logger: pino writing to stderr, so stdout stays free for `--check` reports and
 * pipes (NSD and Knot log to stderr or syslog too). JSON by default; pino-pretty is loaded only
 * when asked for, which keeps it off the start-up path of a non-interactive server.
 */
export async function createLogger(options: LoggerOptions): Promise<Logger> {
  const base = { level: options.level, base: { name: 'port53d' } };
  if (options.pretty) {
    const { default: pretty } = await import('pino-pretty');
    return pino(base, pretty({ destination: 2, sync: true, colorize: true, singleLine: true, translateTime: 'SYS:HH:MM:ss.l', ignore: 'pid,hostname,name,event' }));
  }
  // Synchronous writes: a fatal line printed just before exit is never lost.
  return pino(base, pino.destination({ fd: 2, sync: true }));
}

/** A logger that drops everything: the library default, so embedding port53 prints nothing. */
export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}
