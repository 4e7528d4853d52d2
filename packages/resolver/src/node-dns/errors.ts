import { inspect } from 'node:util';
import type { Attempt } from '../index.js';

/**
 * node:dns's error for a failed query or getaddrinfo: a plain Error whose message is
 * `${syscall} ${code} ${hostname}` (lib/internal/errors.js DNSException), plus what we know
 * beyond node:dns — the attempts made — as a property, never in the message.
 */
export interface NodeDnsError extends Error {
  code: string;
  errno: number | undefined;
  syscall: string;
  hostname?: string;
  /** port53's detail: which servers were asked and what each did. */
  attempts?: readonly Attempt[];
}

export function dnsException(code: string, syscall: string, hostname: string | undefined, extra?: { errno?: number; attempts?: readonly Attempt[] }): NodeDnsError {
  const err = new Error(`${syscall} ${code}${hostname ? ` ${hostname}` : ''}`) as NodeDnsError;
  err.errno = extra?.errno;
  err.code = code;
  err.syscall = syscall;
  if (hostname) err.hostname = hostname;
  // Not enumerable, so util.inspect and deepEqual see node:dns's four keys.
  if (extra?.attempts) Object.defineProperty(err, 'attempts', { value: extra.attempts, enumerable: false, writable: true, configurable: true });
  return err;
}

/** node's argument errors: a TypeError or RangeError with a `code` such as ERR_INVALID_ARG_TYPE. */
export class NodeArgumentError extends TypeError {
  constructor(readonly code: string, message: string) {
    super(message);
  }
}

export class NodeRangeError extends RangeError {
  constructor(readonly code: string, message: string) {
    super(message);
  }
}

export class NodeError extends Error {
  constructor(readonly code: string, message: string) {
    super(message);
  }
}

/** ERR_INVALID_ARG_TYPE, worded as node's: `The "name" argument must be of type string. Received ...`. */
export function invalidArgType(name: string, expected: string, actual: unknown): NodeArgumentError {
  const kind = name.includes('.') ? 'property' : 'argument';
  return new NodeArgumentError('ERR_INVALID_ARG_TYPE', `The "${name}" ${kind} must be ${expected}. ${received(actual)}`);
}

/** ERR_INVALID_ARG_VALUE: `The argument 'name' is invalid. Received 'x'`. */
export function invalidArgValue(name: string, value: unknown, reason = 'is invalid'): NodeArgumentError {
  const kind = name.includes('.') ? 'property' : 'argument';
  let shown = inspect(value);
  if (shown.length > 128) shown = `${shown.slice(0, 128)}...`;
  return new NodeArgumentError('ERR_INVALID_ARG_VALUE', `The ${kind} '${name}' ${reason}. Received ${shown}`);
}

export function outOfRange(name: string, range: string, value: unknown): NodeRangeError {
  return new NodeRangeError('ERR_OUT_OF_RANGE', `The value of "${name}" is out of range. It must be ${range}. Received ${String(value)}`);
}

/** node's "Received ..." tail (lib/internal/errors.js determineSpecificType). */
function received(value: unknown): string {
  if (value == null) return `Received ${value}`;
  if (typeof value === 'function') return `Received function ${value.name}`;
  if (typeof value === 'object') {
    const ctor = (value as { constructor?: { name?: string } }).constructor?.name;
    return ctor ? `Received an instance of ${ctor}` : `Received ${inspect(value, { depth: -1 })}`;
  }
  let shown = inspect(value, { colors: false });
  if (shown.length > 28) shown = `${shown.slice(0, 25)}...`;
  return `Received type ${typeof value} (${shown})`;
}
