import type * as NodeDns from 'node:dns';
import { BINDINGS, RESOLVE_MAP, type MethodName, type ResolverMethodName } from './answers.js';
import { dnsException, invalidArgType, invalidArgValue } from './errors.js';
import { reverseName } from '../query/reverse-name.js';
import { answerAsLookup, isLookupCall } from './lookup-shape.js';
import { ResolverBase, type NodeCallOptions } from './resolver-base.js';
import { validateFunction, validateString } from './validate.js';

type Callback = (err: NodeJS.ErrnoException | null, value?: unknown) => void;

/** The methods node:dns's callback Resolver has, typed as node's types say. */
export type CallbackMethods = Pick<NodeDns.Resolver, ResolverMethodName>;

// eslint-disable-next-line @typescript-eslint/no-empty-interface, @typescript-eslint/no-unsafe-declaration-merging
export interface Resolver extends CallbackMethods {}

/**
 * node:dns's Resolver (callback form): `new Resolver({ timeout, tries })`, resolve4(name, [options],
 * callback) ... reverse(ip, callback), cancel(), getServers(), setServers(), setLocalAddress().
 * Callbacks are always called asynchronously, once; bad arguments throw node's TypeErrors at once.
 */
// eslint-disable-next-line @typescript-eslint/no-unsafe-declaration-merging
export class Resolver extends ResolverBase {}

/** Calls `callback` outside the promise chain, so that what it throws is an uncaught exception as with node:dns. */
function settle(promise: Promise<unknown>, callback: Callback): void {
  promise.then(
    (value) => process.nextTick(callback, null, value),
    (err: NodeJS.ErrnoException) => process.nextTick(callback, err),
  );
}

function query(method: MethodName) {
  return function (this: Resolver, name: unknown, options: unknown, callback?: unknown): void {
    if (arguments.length <= 2) {
      callback = options;
      options = undefined;
    }
    validateString(name, 'name');
    validateFunction(callback, 'callback');
    if ((method === 'resolve4' || method === 'resolve6') && isLookupCall(options)) {
      return answerAsLookup(this['ask'](method, name, undefined), method === 'resolve4' ? 4 : 6, options, callback as Callback);
    }
    settle(this['ask'](method, name, options as NodeCallOptions | undefined), callback as Callback);
  };
}

for (const method of Object.keys(BINDINGS) as MethodName[]) {
  if (method !== 'reverse') define(method, query(method));
}

define('resolve', function (this: Resolver, hostname: unknown, rrtype: unknown, callback?: unknown): void {
  let method: MethodName | undefined;
  if (isLookupCall(rrtype) && typeof callback === 'function') return (this.resolve4 as (...a: unknown[]) => void)(hostname, rrtype, callback);
  if (typeof rrtype === 'string') method = Object.hasOwn(RESOLVE_MAP, rrtype) ? RESOLVE_MAP[rrtype] : undefined;
  else if (typeof rrtype === 'function') {
    method = 'resolve4';
    callback = rrtype;
  } else throw invalidArgType('rrtype', 'of type string', rrtype);
  if (method === undefined) throw invalidArgValue('rrtype', rrtype);
  (this[method] as (name: unknown, cb: unknown) => void)(hostname, callback);
});

define('reverse', function (this: Resolver, ip: unknown, callback: unknown): void {
  validateString(ip, 'name');
  validateFunction(callback, 'callback');
  const name = reverseName(ip);
  // node:dns throws EINVAL at once when the address is not one (its binding refuses it).
  if (name === undefined) throw dnsException('EINVAL', BINDINGS.reverse[0], ip, { errno: -22 });
  settle(this['reverseOf'](ip, name), callback as Callback);
});

function define(name: string, value: (...args: never[]) => void): void {
  Object.defineProperty(Resolver.prototype, name, { value, writable: true, configurable: true, enumerable: false });
}

