import { isIP } from 'node:net';
import { AddressLookup, parseLookupArgs, type LookupAddress, type LookupAllOptions, type LookupOneOptions, type LookupOptions } from './lookup.js';

export type LookupCallback = (err: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void;

/** dns.lookup's callback form. */
export interface LookupFunction {
  (hostname: string, family: number, callback: (err: NodeJS.ErrnoException | null, address: string, family: number) => void): void;
  (hostname: string, options: LookupOneOptions, callback: (err: NodeJS.ErrnoException | null, address: string, family: number) => void): void;
  (hostname: string, options: LookupAllOptions, callback: (err: NodeJS.ErrnoException | null, addresses: LookupAddress[]) => void): void;
  (hostname: string, options: LookupOptions, callback: (err: NodeJS.ErrnoException | null, address: string | LookupAddress[], family: number) => void): void;
  (hostname: string, callback: (err: NodeJS.ErrnoException | null, address: string, family: number) => void): void;
}

/** dns.promises.lookup's form. */
export interface LookupPromiseFunction {
  (hostname: string, family: number): Promise<LookupAddress>;
  (hostname: string, options: LookupOneOptions): Promise<LookupAddress>;
  (hostname: string, options: LookupAllOptions): Promise<LookupAddress[]>;
  (hostname: string, options: LookupOptions): Promise<LookupAddress | LookupAddress[]>;
  (hostname: string): Promise<LookupAddress>;
}

/** dns.lookup over `source`: node's argument checks, numeric and empty hostnames as node, results always async. */
export function callbackLookup(source: AddressLookup): LookupFunction {
  function lookup(hostname: unknown, options: unknown, callback?: unknown): Record<string, never> {
    const { family, hints, all, order } = parseLookupArgs(hostname, options, callback, source.defaultOrder, false);
    const cb = (typeof options === 'function' ? options : callback) as LookupCallback;
    const done = early(hostname, family);
    if (done) {
      process.nextTick(() => (all ? cb(null, done.list) : cb(null, done.first.address as string, done.first.family)));
      return {};
    }
    source.addresses(hostname as string, family, hints, order).then(
      (list) => (all ? cb(null, list.map(plain)) : cb(null, list[0].address, list[0].family)),
      (err: NodeJS.ErrnoException) => cb(err, undefined as never),
    );
    return {};
  }
  return lookup as unknown as LookupFunction;
}

/** dns.promises.lookup over `source`. */
export function promiseLookup(source: AddressLookup): LookupPromiseFunction {
  function lookup(hostname: unknown, options?: unknown): Promise<LookupAddress | LookupAddress[]> {
    const { family, hints, all, order } = parseLookupArgs(hostname, options, undefined, source.defaultOrder, true);
    const done = early(hostname, family);
    if (done) return Promise.resolve(all ? done.list : (done.first as LookupAddress));
    return source.addresses(hostname as string, family, hints, order).then((list) => (all ? list.map(plain) : plain(list[0])));
  }
  return lookup as unknown as LookupPromiseFunction;
}

/** undici's `interceptors.dns({ lookup })` form: a URL's host, every address, TTLs in ms. */
export type OriginLookupFunction = (
  origin: { hostname: string },
  options: { dualStack?: boolean; affinity?: 4 | 6 | null },
  callback: (err: NodeJS.ErrnoException | null, addresses: { address: string; family: number; ttl?: number }[]) => void,
) => void;

export function originLookup(source: AddressLookup): OriginLookupFunction {
  return (origin, options, callback) => {
    const host = origin.hostname.replace(/^\[(.*)\]$/, '$1'); // URL keeps IPv6 literals in brackets
    const family = options?.dualStack === false && options.affinity ? options.affinity : 0;
    const ipFamily = isIP(host);
    if (ipFamily !== 0) return process.nextTick(callback, null, [{ address: host, family: ipFamily }]);
    source.addresses(host, family, 0, 'ipv4first').then(
      (list) => callback(null, list.map((a) => (a.ttl === undefined ? plain(a) : { address: a.address, family: a.family, ttl: a.ttl * 1000 }))),
      (err: NodeJS.ErrnoException) => callback(err, []),
    );
  };
}

const plain = (a: LookupAddress): LookupAddress => ({ address: a.address, family: a.family });

/** No query for an empty hostname (node answers null) or an IP address (itself). */
function early(hostname: unknown, family: number): { list: LookupAddress[]; first: { address: string | null; family: number } } | undefined {
  if (!hostname) return { list: [], first: { address: null, family: family === 6 ? 6 : 4 } };
  const ipFamily = isIP(hostname as string);
  if (ipFamily === 0) return undefined;
  const entry = { address: hostname as string, family: ipFamily };
  return { list: [entry], first: entry };
}
