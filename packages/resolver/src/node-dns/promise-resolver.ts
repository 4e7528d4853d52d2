import type * as NodeDns from 'node:dns';
import { reverseName } from '../query/reverse-name.js';
import { BINDINGS, RESOLVE_MAP, type MethodName, type ResolverMethodName } from './answers.js';
import { dnsException, invalidArgValue } from './errors.js';
import { answerAsLookup, isLookupCall } from './lookup-shape.js';
import { ResolverBase, type NodeCallOptions } from './resolver-base.js';
import { validateString } from './validate.js';

/** The methods node:dns/promises' Resolver has, typed as node's types say. */
export type PromiseMethods = Pick<NodeDns.promises.Resolver, ResolverMethodName>;

// eslint-disable-next-line @typescript-eslint/no-empty-interface, @typescript-eslint/no-unsafe-declaration-merging
export interface PromiseResolver extends PromiseMethods {}

/**
 * node:dns/promises' Resolver: the same methods returning promises. Bad arguments throw at once
 * (not a rejected promise), as node's do.
 */
// eslint-disable-next-line @typescript-eslint/no-unsafe-declaration-merging
export class PromiseResolver extends ResolverBase {}

function query(method: MethodName) {
  return function (this: PromiseResolver, name: unknown, options?: unknown, callback?: unknown): Promise<unknown> | undefined {
    validateString(name, 'name');
    // Given as a lookup option, a promise method is called with a callback: answer it, never hang.
    if ((method === 'resolve4' || method === 'resolve6') && isLookupCall(options) && typeof callback === 'function') {
      answerAsLookup(this['ask'](method, name, undefined), method === 'resolve4' ? 4 : 6, options, callback as (err: NodeJS.ErrnoException | null) => void);
      return undefined;
    }
    return this['ask'](method, name, options as NodeCallOptions | undefined);
  };
}

for (const method of Object.keys(BINDINGS) as MethodName[]) {
  if (method !== 'reverse') define(method, query(method));
}

define('resolve', function (this: PromiseResolver, hostname: unknown, rrtype?: unknown, callback?: unknown): Promise<unknown> | undefined {
  if (isLookupCall(rrtype) && typeof callback === 'function') return (this.resolve4 as unknown as (...a: unknown[]) => undefined)(hostname, rrtype, callback);
  let method: MethodName = 'resolve4';
  if (rrtype !== undefined) {
    validateString(rrtype, 'rrtype');
    const found = Object.hasOwn(RESOLVE_MAP, rrtype) ? RESOLVE_MAP[rrtype] : undefined;
    if (found === undefined) throw invalidArgValue('rrtype', rrtype);
    method = found;
  }
  return (this[method] as (name: unknown) => Promise<unknown>)(hostname);
});

define('reverse', function (this: PromiseResolver, ip: unknown, options?: unknown): Promise<unknown> {
  validateString(ip, 'name');
  const name = reverseName(ip);
  if (name === undefined) return Promise.reject(dnsException('EINVAL', BINDINGS.reverse[0], ip, { errno: -22 }));
  return this['reverseOf'](ip, name, options as NodeCallOptions | undefined);
});

function define(name: string, value: (...args: never[]) => unknown): void {
  Object.defineProperty(PromiseResolver.prototype, name, { value, writable: true, configurable: true, enumerable: false });
}
