/**
 * `@port53/resolver/dns`: node:dns's lookup and resolver surface (callback and promise) over
 * port53's Resolver. Drop-in: `import dns from '@port53/resolver/dns'` where code said `node:dns`.
 * What differs on purpose is listed in docs/node-dns.md.
 */
import { getDefaultResultOrder as nodeDefaultOrder } from 'node:dns';
import type * as NodeDns from 'node:dns';
import { promisify } from 'node:util';
import { Resolver } from './callback-resolver.js';
import * as constants from './constants.js';
import { callbackLookup, originLookup, promiseLookup, type LookupFunction, type LookupPromiseFunction, type OriginLookupFunction } from './lookup-api.js';
import { checkServiceArgs, lookupService as serviceOf } from './lookup-service.js';
import { ADDRCONFIG, ALL, AddressLookup, RESULT_ORDERS, V4MAPPED, type AddressLookupOptions, type ResultOrder } from './lookup.js';
import { PromiseResolver } from './promise-resolver.js';
import { SHARED, type NodeResolverOptions } from './resolver-base.js';
import { validateOneOf } from './validate.js';

export * from './constants.js';
export { ADDRCONFIG, ALL, V4MAPPED, AddressLookup, Resolver, PromiseResolver };
export type { AddressLookupOptions, LookupAddress, LookupAllOptions, LookupOneOptions, LookupOptions, ResultOrder } from './lookup.js';
export type { LookupFunction, LookupPromiseFunction, OriginLookupFunction } from './lookup-api.js';
export type { NodeDnsError } from './errors.js';
export type { NodeCallOptions, NodeResolverOptions } from './resolver-base.js';

/** A dns.lookup (callback) and dns.promises.lookup over one AddressLookup, e.g. for net.connect's `lookup` option. */
export interface Lookups {
  lookup: LookupFunction;
  promises: { lookup: LookupPromiseFunction };
  /** For undici's `interceptors.dns({ lookup })`: takes the origin URL, gives every address with its DNS TTL. */
  originLookup: OriginLookupFunction;
  /** Where the addresses come from; its Resolver (`source.resolver`) can be closed or given other servers. */
  source: AddressLookup;
}

export function createLookup(options: AddressLookupOptions = {}): Lookups {
  const source = new AddressLookup(options);
  const lookup = callbackLookup(source);
  const promises = { lookup: promiseLookup(source) };
  Object.defineProperty(lookup, promisify.custom, { value: promises.lookup, enumerable: false });
  return { lookup, promises, originLookup: originLookup(source), source };
}

// ---- the module-level functions: made on first use, so importing reads no file and opens no socket.

let lookups: Lookups | undefined;
/** /etc/hosts, then resolv.conf's servers with its search list, as getaddrinfo; dns.setServers() does not change it (nor node's). */
function defaultLookups(): Lookups {
  return (lookups ??= createLookup({ order: nodeDefaultOrder() as ResultOrder }));
}

let resolvers: { callback: Resolver; promise: PromiseResolver } | undefined;
/** One port53 Resolver behind dns.* and dns.promises.*, as node:dns has one default c-ares channel. */
function defaultResolvers(): { callback: Resolver; promise: PromiseResolver } {
  if (!resolvers) {
    const callback = new Resolver();
    resolvers = { callback, promise: new PromiseResolver({ [SHARED]: callback.resolver } as NodeResolverOptions) };
  }
  return resolvers;
}

/** A module-level function that calls `method` of a default object, made when first called. */
function bound<T, K extends keyof T>(target: () => T, method: K): T[K] {
  const f = function (this: unknown, ...args: unknown[]): unknown {
    const self = target();
    return (self[method] as (...a: unknown[]) => unknown).apply(self, args);
  };
  Object.defineProperty(f, 'name', { value: String(method) });
  return f as T[K];
}

const cb = () => defaultResolvers().callback;
const pr = () => defaultResolvers().promise;

/** dns.lookup: the hosts file, then DNS; node:dns's arguments, results and errors. util.promisify gives promises.lookup, as node's. */
export const lookup = bound(defaultLookups, 'lookup') as unknown as typeof NodeDns.lookup;

/** dns.lookupService: getnameinfo's answer from the hosts file or PTR records, and /etc/services. */
export const lookupService = function lookupService(address: string, port: number, callback: (err: NodeJS.ErrnoException | null, hostname: string, service: string) => void): void {
  // eslint-disable-next-line prefer-rest-params
  const checked = checkServiceArgs([...arguments], false);
  serviceOf(defaultLookups().source, checked.address, checked.port).then(
    ({ hostname, service }) => process.nextTick(callback, null, hostname, service),
    (err: NodeJS.ErrnoException) => process.nextTick(callback, err),
  );
} as typeof NodeDns.lookupService;

export function setDefaultResultOrder(order: ResultOrder): void {
  validateOneOf(order, 'dnsOrder', RESULT_ORDERS);
  defaultLookups().source.defaultOrder = order;
}

export function getDefaultResultOrder(): ResultOrder {
  return defaultLookups().source.defaultOrder;
}

export const getServers: typeof NodeDns.getServers = bound(cb, 'getServers');
export const setServers: typeof NodeDns.setServers = bound(cb, 'setServers');
export const resolve: typeof NodeDns.resolve = bound(cb, 'resolve');
export const resolve4: typeof NodeDns.resolve4 = bound(cb, 'resolve4');
export const resolve6: typeof NodeDns.resolve6 = bound(cb, 'resolve6');
export const resolveAny: typeof NodeDns.resolveAny = bound(cb, 'resolveAny');
export const resolveCaa: typeof NodeDns.resolveCaa = bound(cb, 'resolveCaa');
export const resolveCname: typeof NodeDns.resolveCname = bound(cb, 'resolveCname');
export const resolveMx: typeof NodeDns.resolveMx = bound(cb, 'resolveMx');
export const resolveNaptr: typeof NodeDns.resolveNaptr = bound(cb, 'resolveNaptr');
export const resolveNs: typeof NodeDns.resolveNs = bound(cb, 'resolveNs');
export const resolvePtr: typeof NodeDns.resolvePtr = bound(cb, 'resolvePtr');
export const resolveSoa: typeof NodeDns.resolveSoa = bound(cb, 'resolveSoa');
export const resolveSrv: typeof NodeDns.resolveSrv = bound(cb, 'resolveSrv');
export const resolveTxt: typeof NodeDns.resolveTxt = bound(cb, 'resolveTxt');
export const reverse: typeof NodeDns.reverse = bound(cb, 'reverse');

/** dns.promises (also node:dns/promises). */
export const promises = {
  ...constants,
  Resolver: PromiseResolver,
  lookup: bound(() => defaultLookups().promises, 'lookup'),
  lookupService(address: string, port: number): Promise<{ hostname: string; service: string }> {
    // eslint-disable-next-line prefer-rest-params
    const checked = checkServiceArgs([...arguments], true);
    return serviceOf(defaultLookups().source, checked.address, checked.port);
  },
  setDefaultResultOrder,
  getDefaultResultOrder,
  getServers: bound(pr, 'getServers') as typeof NodeDns.promises.getServers,
  setServers: bound(pr, 'setServers') as typeof NodeDns.promises.setServers,
  resolve: bound(pr, 'resolve') as typeof NodeDns.promises.resolve,
  resolve4: bound(pr, 'resolve4') as typeof NodeDns.promises.resolve4,
  resolve6: bound(pr, 'resolve6') as typeof NodeDns.promises.resolve6,
  resolveAny: bound(pr, 'resolveAny') as typeof NodeDns.promises.resolveAny,
  resolveCaa: bound(pr, 'resolveCaa') as typeof NodeDns.promises.resolveCaa,
  resolveCname: bound(pr, 'resolveCname') as typeof NodeDns.promises.resolveCname,
  resolveMx: bound(pr, 'resolveMx') as typeof NodeDns.promises.resolveMx,
  resolveNaptr: bound(pr, 'resolveNaptr') as typeof NodeDns.promises.resolveNaptr,
  resolveNs: bound(pr, 'resolveNs') as typeof NodeDns.promises.resolveNs,
  resolvePtr: bound(pr, 'resolvePtr') as typeof NodeDns.promises.resolvePtr,
  resolveSoa: bound(pr, 'resolveSoa') as typeof NodeDns.promises.resolveSoa,
  resolveSrv: bound(pr, 'resolveSrv') as typeof NodeDns.promises.resolveSrv,
  resolveTxt: bound(pr, 'resolveTxt') as typeof NodeDns.promises.resolveTxt,
  reverse: bound(pr, 'reverse') as typeof NodeDns.promises.reverse,
};

Object.defineProperty(lookup, promisify.custom, { value: promises.lookup, enumerable: false });
Object.defineProperty(lookupService, promisify.custom, { value: promises.lookupService, enumerable: false });

/** `import dns from '@port53/resolver/dns'`, as `import dns from 'node:dns'`. */
const dns = {
  ...constants,
  ADDRCONFIG,
  ALL,
  V4MAPPED,
  Resolver,
  lookup,
  lookupService,
  setDefaultResultOrder,
  getDefaultResultOrder,
  getServers,
  setServers,
  resolve,
  resolve4,
  resolve6,
  resolveAny,
  resolveCaa,
  resolveCname,
  resolveMx,
  resolveNaptr,
  resolveNs,
  resolvePtr,
  resolveSoa,
  resolveSrv,
  resolveTxt,
  reverse,
  promises,
  createLookup,
};
export default dns;
