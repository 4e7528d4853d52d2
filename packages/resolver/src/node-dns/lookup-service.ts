import { readFileSync } from 'node:fs';
import { isIP } from 'node:net';
import { NodeRangeError, dnsException, invalidArgValue, NodeArgumentError } from './errors.js';
import type { AddressLookup } from './lookup.js';
import { validateFunction, validateString } from './validate.js';
import { inspect } from 'node:util';

/** dns.lookupService's argument checks (lib/dns.js): a count check first, then address, port, callback. */
export function checkServiceArgs(args: readonly unknown[], promise: boolean): { address: string; port: number } {
  if (args.length !== (promise ? 2 : 3)) {
    throw new NodeArgumentError('ERR_MISSING_ARGS', promise ? 'The "address" and "port" arguments must be specified' : 'The "address", "port", and "callback" arguments must be specified');
  }
  const [address, port, callback] = args;
  validateString(address, 'address');
  if (isIP(address) === 0) throw invalidArgValue('address', address);
  if (
    (typeof port !== 'number' && typeof port !== 'string') ||
    (typeof port === 'string' && port.trim().length === 0) ||
    +port !== +port >>> 0 ||
    +port > 0xffff
  ) {
    throw new NodeRangeError('ERR_SOCKET_BAD_PORT', `Port should be >= 0 and < 65536. Received ${describe(port)}.`);
  }
  if (!promise) validateFunction(callback, 'callback');
  return { address, port: +port };
}

function describe(value: unknown): string {
  if (value == null) return String(value);
  if (typeof value === 'function') return `function ${value.name}`;
  if (typeof value === 'object') return `an instance of ${(value as object).constructor?.name ?? 'Object'}`;
  let shown = inspect(value);
  if (shown.length > 28) shown = `${shown.slice(0, 25)}...`;
  return `type ${typeof value} (${shown})`;
}

/**
 * getnameinfo(3) with NI_NAMEREQD, as libuv calls it for node:dns: the host's name from the hosts
 * file, else from its PTR records (ENOTFOUND when it has none); the service's name from
 * /etc/services (TCP), else the port as digits.
 */
export async function lookupService(source: AddressLookup, address: string, port: number): Promise<{ hostname: string; service: string }> {
  const hostname = await source.nameOf(address).catch(() => undefined);
  if (hostname === undefined) throw dnsException('ENOTFOUND', 'getnameinfo', address, { errno: -3008 });
  return { hostname, service: serviceName(port) };
}

let services: Map<number, string> | undefined;

function serviceName(port: number): string {
  if (!services) {
    services = new Map();
    let text = '';
    try {
      text = readFileSync('/etc/services', 'utf8');
    } catch {
      // No services file: every port is its number.
    }
    for (const line of text.split('\n')) {
      const m = /^([^\s#]+)\s+(\d+)\/tcp\b/.exec(line);
      if (m && !services.has(Number(m[2]))) services.set(Number(m[2]), m[1]);
    }
  }
  return services.get(port) ?? String(port);
}
