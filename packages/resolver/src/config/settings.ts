import type { Name } from '@port53/wire';
import type { CacheOptions } from '../cache/answer-cache.js';
import { DEFAULTS } from './defaults.js';
import { loadResolvConf, type ResolvConf } from './resolv-conf.js';
import { parseServer, type ServerAddress } from './server-address.js';

export interface ResolverOptions {
  /** 'ip', 'ip:port', '[ipv6]:port' (scope allowed: '[fe80::1%eth0]:53'). Default: resolv.conf's nameservers. */
  servers?: readonly string[];
  /** ms the first attempt waits; later rounds double it (with jitter) up to maxTimeout. */
  timeout?: number;
  /** Attempts per server. */
  tries?: number;
  /** ms cap for one attempt's wait. */
  maxTimeout?: number;
  /** ms for a whole call, whatever happens; ends in ETIMEOUT. */
  deadline?: number;
  /** Start each query at the next server instead of the first. */
  rotate?: boolean;
  /** Send an OPT record (EDNS(0), RFC 6891). */
  edns?: boolean;
  /** UDP payload size advertised with EDNS. */
  ednsPayload?: number;
  /** Randomize the query name's case and require it echoed exactly. */
  use0x20?: boolean;
  /** Query over TCP only. */
  tcp?: boolean;
  /** Queries in flight at once; further queries wait in a FIFO queue. */
  maxInFlight?: number;
  /**
   * Queries one UDP socket carries before it is replaced by one on a new random port (default 32;
   * 1: a fresh port per query, the most a forger must guess, at a cost in speed).
   */
  maxQueriesPerSocket?: number;
  /** Apply a search list: true for resolv.conf's, or the domains to use. */
  search?: boolean | readonly string[];
  /** Names with fewer dots than this try the search list first. */
  ndots?: number;
  /** Set RD (recursion desired). */
  recursion?: boolean;
  /** resolv.conf to read defaults from, or false to read none. */
  resolvConf?: string | false;
  /**
   * Cache answers (positive and negative, RFC 2308) and coalesce identical questions in flight,
   * for the node:dns-shaped methods and query() alike; `true` for the defaults. Off by default,
   * as node:dns's c-ares channel is on Node 20 (README: the resolver's cache).
   */
  cache?: boolean | CacheOptions;
}

/** Options after defaults, resolv.conf and the constructor have had their say. */
export interface Settings {
  servers: ServerAddress[];
  timeout: number;
  tries: number;
  maxTimeout: number;
  deadline: number;
  jitter: number;
  rotate: boolean;
  edns: boolean;
  ednsPayload: number;
  use0x20: boolean;
  tcp: boolean;
  maxInFlight: number;
  maxQueriesPerSocket: number;
  search: boolean;
  searchDomains: Name[];
  ndots: number;
  recursion: boolean;
  /** undefined: no cache. */
  cache: CacheOptions | undefined;
}

/** Constructor options over resolv.conf over DEFAULTS. Throws on a bad server string or number. */
export function settingsFrom(options: ResolverOptions): Settings {
  const path = options.resolvConf ?? DEFAULTS.resolvConf;
  const conf: ResolvConf = path === false ? { nameservers: [], search: [], ignored: [] } : loadResolvConf(path);
  const servers = options.servers
    ? options.servers.map((s) => parseServer(s))
    : conf.nameservers.length > 0
      ? conf.nameservers
      : [parseServer(DEFAULTS.fallbackServer)];
  const search = options.search ?? DEFAULTS.search;
  return {
    servers,
    timeout: positive('timeout', options.timeout ?? conf.timeout ?? DEFAULTS.timeout),
    tries: positive('tries', options.tries ?? conf.attempts ?? DEFAULTS.tries),
    maxTimeout: positive('maxTimeout', options.maxTimeout ?? DEFAULTS.maxTimeout),
    deadline: positive('deadline', options.deadline ?? DEFAULTS.deadline),
    jitter: DEFAULTS.jitter,
    rotate: options.rotate ?? conf.rotate ?? DEFAULTS.rotate,
    edns: options.edns ?? DEFAULTS.edns,
    ednsPayload: Math.max(512, Math.min(65535, options.ednsPayload ?? DEFAULTS.ednsPayload)),
    use0x20: options.use0x20 ?? DEFAULTS.use0x20,
    tcp: options.tcp ?? conf.tcp ?? DEFAULTS.tcp,
    maxInFlight: positive('maxInFlight', options.maxInFlight ?? DEFAULTS.maxInFlight),
    maxQueriesPerSocket: wholeAtLeastOne('maxQueriesPerSocket', options.maxQueriesPerSocket ?? DEFAULTS.maxQueriesPerSocket),
    search: search !== false,
    searchDomains: Array.isArray(search) ? search.map((d) => d.replace(/\.$/, '')) : conf.search,
    ndots: options.ndots ?? conf.ndots ?? DEFAULTS.ndots,
    recursion: options.recursion ?? DEFAULTS.recursion,
    cache: cacheOptions(options.cache ?? DEFAULTS.cache),
  };
}

function cacheOptions(cache: boolean | CacheOptions): CacheOptions | undefined {
  if (cache === true) return {};
  return cache === false ? undefined : cache;
}

function wholeAtLeastOne(what: string, n: number): number {
  if (!Number.isInteger(n) || n < 1) throw new RangeError(`${what} must be a whole number from 1 up, got ${n}`);
  return n;
}

function positive(what: string, n: number): number {
  if (!Number.isFinite(n) || n <= 0) throw new RangeError(`${what} must be a positive number, got ${n}`);
  return n;
}
