import { isIP } from 'node:net';
import { DnsError, Resolver, type ResolverOptions } from '../index.js';
import { answerValue, BINDINGS, NoValue, RESOLVER_METHODS, type MethodName } from './answers.js';
import { dnsException, NodeArgumentError, type NodeDnsError } from './errors.js';
import { hostnameToAsk } from '../query/hostname.js';
import { invalidIp, nodeServerList } from './servers.js';
import { validateInt32, validateString } from './validate.js';

/**
 * node:dns's Resolver options, plus port53's own (servers, deadline, edns, ...). `timeout: -1`
 * (node's default) and an absent `tries` take port53's defaults: resolv.conf's timeout and attempts.
 */
export interface NodeResolverOptions extends Omit<ResolverOptions, 'timeout' | 'tries' | 'maxTimeout'> {
  /** ms for the first attempt; -1: the default. */
  timeout?: number;
  /** Attempts per server. */
  tries?: number;
  /** ms cap on one attempt's wait (node 22's option). */
  maxTimeout?: number;
}

/** Module-internal: lets dns.* and dns.promises.* share one Resolver, as they share one c-ares channel in node. */
export const SHARED = Symbol('port53.sharedResolver');

/** What each call may carry beyond node:dns's arguments. */
export interface NodeCallOptions {
  ttl?: boolean;
  /** port53: ends the call with ECANCELLED. */
  signal?: AbortSignal;
}

/**
 * What node:dns's callback and promise Resolvers share (lib/internal/dns/utils.js ResolverBase):
 * options checked as node checks them, servers, cancel, local address; the queries themselves go to
 * a port53 Resolver and come back in node:dns's shapes and errors.
 */
export class ResolverBase {
  /** The port53 Resolver doing the work (query(), stats, close()). */
  readonly resolver: Resolver;

  constructor(options?: NodeResolverOptions) {
    // Own bound copies of the methods: `lookup: resolver.resolve4` keeps `this` (node's would lose it).
    const proto = Object.getPrototypeOf(this) as Record<string, (...args: unknown[]) => unknown>;
    for (const name of RESOLVER_METHODS) {
      if (typeof proto[name] === 'function') Object.defineProperty(this, name, { value: proto[name].bind(this), writable: true, configurable: true, enumerable: false });
    }
    const shared = (options as { [SHARED]?: Resolver } | undefined)?.[SHARED];
    if (shared) {
      this.resolver = shared;
      return;
    }
    const opts = { ...options };
    const { timeout = -1, tries, maxTimeout } = opts;
    validateInt32(timeout, 'options.timeout', -1);
    if (tries !== undefined) validateInt32(tries, 'options.tries', 1);
    const rest: ResolverOptions = { ...opts, timeout: undefined, tries: undefined, maxTimeout: undefined };
    if (timeout !== -1) rest.timeout = Math.max(1, timeout);
    if (tries !== undefined) rest.tries = tries;
    if (typeof maxTimeout === 'number' && Number.isInteger(maxTimeout) && maxTimeout > 0) rest.maxTimeout = maxTimeout;
    for (const key of ['timeout', 'tries', 'maxTimeout'] as const) if (rest[key] === undefined) delete rest[key];
    this.resolver = new Resolver(rest);
  }

  /** 'ip' or 'ip:port' ('[ipv6]:port'), port shown only when not 53, as node:dns. */
  getServers(): string[] {
    return this.resolver.getServers();
  }

  /** node:dns's checks, then all at once: on a bad entry nothing changes. Queries in progress keep their servers. */
  setServers(servers: readonly string[]): void {
    const list = nodeServerList(servers);
    try {
      this.resolver.setServers(list);
    } catch (err) {
      const bad = (err as { server?: string }).server;
      throw invalidIp(bad ?? String(servers));
    }
  }

  /** Ends every query in progress with ECANCELLED, as node:dns's cancel(). */
  cancel(): void {
    this.resolver.cancel();
  }

  /**
   * The source addresses of queries, one per family, as node:dns's setLocalAddress (its checks,
   * either order); sockets opened from now on bind them, over UDP and TCP.
   */
  setLocalAddress(ipv4?: string, ipv6?: string): void {
    validateString(ipv4, 'ipv4');
    if (ipv6 !== undefined) validateString(ipv6, 'ipv6');
    const first = isIP(ipv4);
    if (first === 0) throw new NodeArgumentError('ERR_INVALID_ARG_VALUE', 'Invalid IP address.');
    if (ipv6 !== undefined) {
      const second = isIP(ipv6);
      if (second === 0) throw new NodeArgumentError('ERR_INVALID_ARG_VALUE', 'Invalid IP address.');
      if (second === first) throw new NodeArgumentError('ERR_INVALID_ARG_VALUE', `Cannot specify two IPv${first} addresses.`);
    }
    this.resolver.setLocalAddress(first === 4 ? ipv4 : ipv6, first === 6 ? ipv4 : ipv6);
  }

  /** reverse(): the PTR names of `ip` (its reverse name is `name`), failures as node:dns reports them. */
  protected reverseOf(ip: string, name: string, options?: NodeCallOptions): Promise<string[]> {
    return this.ask('reverse', name, options).then(
      (names) => names as string[],
      (err: NodeDnsError) => {
        const code = REVERSE_KEEPS.has(err.code) ? err.code : 'ENOTFOUND';
        throw dnsException(code, 'getHostByAddr', ip, { attempts: err.attempts });
      },
    );
  }

  /**
   * One node:dns query: `name` checked as a string (the caller did), asked, and settled as node:dns
   * settles it — the value, or an Error with node's code, syscall and hostname.
   */
  protected ask(method: MethodName, name: string, options: NodeCallOptions | undefined): Promise<unknown> {
    const [syscall, type] = BINDINGS[method];
    let asked: string;
    try {
      asked = hostnameToAsk(name, type); // IDNA, .onion (RFC 7686), c-ares's EBADNAME set
    } catch (err) {
      return Promise.reject(asNodeError(err, syscall, name));
    }
    const ttl = options?.ttl === true;
    const signal = options?.signal;
    return this.resolver.query(asked, type, signal ? { signal } : {}).then(
      (result) => {
        const value = answerValue(method, result, ttl);
        if (value instanceof NoValue) throw dnsException(value.code, syscall, name, { attempts: result.attempts });
        return value;
      },
      (err: unknown) => {
        throw asNodeError(err, syscall, name);
      },
    );
  }
}

/** c-ares's gethostbyaddr, as node:dns's reverse(): every failure but these reads ENOTFOUND ("no name for it"). */
const REVERSE_KEEPS = new Set(['ECANCELLED', 'ETIMEOUT', 'ECONNREFUSED', 'EBADNAME']);

/** A port53 DnsError as node:dns's: same code, node's message, the attempts as a property. */
export function asNodeError(err: unknown, syscall: string, hostname: string): NodeDnsError | unknown {
  if (!(err instanceof DnsError)) return err;
  const code = err.code === 'EINVAL' ? 'EBADNAME' : err.code;
  return dnsException(code, syscall, hostname, { attempts: err.attempts });
}
