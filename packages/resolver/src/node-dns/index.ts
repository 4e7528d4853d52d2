/**
 * `@port53/resolver/dns`: node:dns's lookup and resolver surface (callback and promise) over
 * port53's Resolver. Drop-in: `import dns from '@port53/resolver/dns'` where code said `node:dns`.
 * What differs on purpose is listed in docs/node-dns.md.
 */
import { getDefaultResultOrder as nodeDefaultOrder } from 'node:dns';
import { callbackLookup, originLookup, promiseLookup, type LookupFunction, type LookupPromiseFunction, type OriginLookupFunction } from './lookup-api.js';
import { ADDRCONFIG, ALL, AddressLookup, RESULT_ORDERS, V4MAPPED, type AddressLookupOptions, type ResultOrder } from './lookup.js';
import { validateOneOf } from './validate.js';

export * from './constants.js';
export { ADDRCONFIG, ALL, V4MAPPED, AddressLookup };
export type { AddressLookupOptions, LookupAddress, LookupAllOptions, LookupOneOptions, LookupOptions, ResultOrder } from './lookup.js';
export type { LookupFunction, LookupPromiseFunction, OriginLookupFunction } from './lookup-api.js';
export type { NodeDnsError } from './errors.js';

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
  return { lookup: callbackLookup(source), promises: { lookup: promiseLookup(source) }, originLookup: originLookup(source), source };
}

/** The module-level functions' lookups: /etc/hosts, then resolv.conf's servers with its search list. */
let defaults: Lookups | undefined;
function defaultLookups(): Lookups {
  // Made on first use: importing the module reads no file and opens no socket.
  return (defaults ??= createLookup({ order: nodeDefaultOrder() as ResultOrder }));
}

/** dns.lookup: the hosts file, then DNS; node:dns's arguments, results and errors. */
export const lookup: LookupFunction = ((...args: unknown[]) =>
  Reflect.apply(defaultLookups().lookup, undefined, args)) as unknown as LookupFunction;

export function setDefaultResultOrder(order: ResultOrder): void {
  validateOneOf(order, 'dnsOrder', RESULT_ORDERS);
  defaultLookups().source.defaultOrder = order;
}

export function getDefaultResultOrder(): ResultOrder {
  return defaultLookups().source.defaultOrder;
}

export const promises = {
  lookup: ((...args: unknown[]) => Reflect.apply(defaultLookups().promises.lookup, undefined, args)) as unknown as LookupPromiseFunction,
  setDefaultResultOrder,
  getDefaultResultOrder,
};
