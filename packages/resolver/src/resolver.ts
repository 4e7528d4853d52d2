import {
  classFromString,
  classToString,
  isAbsoluteText,
  namesEqual,
  Rcode,
  RRClass,
  typeFromString,
  typeToString,
  type ClassName,
  type TypedTypeName,
  type TypeName,
} from '@port53/wire';
import {
  addresses,
  recordsAtChainEnd,
  toAny,
  toCaa,
  toMx,
  toName,
  toSoa,
  toSrv,
  toTxt,
  type AnyRecord,
  type CaaRecord,
  type MxRecord,
  type RecordWithTtl,
  type SoaRecord,
  type SrvRecord,
} from './results/node-shapes.js';
import { Cancellation } from './query/cancellation.js';
import { DnsError, type DnsErrorCode } from './errors.js';
import { InFlightLimit } from './query/in-flight.js';
import { Call, type CallContext } from './query/call.js';
import { hostnameToAsk } from './query/hostname.js';
import { AnswerCache, type ResolverCache } from './cache/answer-cache.js';
import type { LookupPlan } from './query/failover.js';
import type { CallOptions, QueryOptions } from './query/options.js';
import type { QueryResult } from './query/result.js';
import { parseNaptr, type NaptrRecord } from './results/naptr.js';
import { reverseName } from './query/reverse-name.js';
import { searchCandidates } from './config/search.js';
import { formatServer, parseServer, type ServerAddress } from './config/server-address.js';
import { settingsFrom, type ResolverOptions, type Settings } from './config/settings.js';
import { UdpPool } from './transport/udp.js';
import { DEFAULTS } from './config/defaults.js';

export interface ResolverStats {
  /** Lookups started (one per name tried). */
  queries: number;
  /** Datagrams and TCP frames turned down: wrong ID or question, undecodable, after their lookup ended. */
  ignored: number;
  /**
   * Datagrams from another address or port than the server's: they reached a socket between its
   * bind and its connect (afterwards the kernel drops them). Counted, never read.
   */
  wrongSource: number;
  /** UDP sockets open now (each carries up to maxQueriesPerSocket queries; idle ones close soon). */
  sockets: number;
}

/** The record types resolve() accepts, as node:dns does. */
const RESOLVE_TYPES = ['A', 'AAAA', 'ANY', 'CAA', 'CNAME', 'MX', 'NAPTR', 'NS', 'PTR', 'SOA', 'SRV', 'TXT'] as const;
type ResolveType = (typeof RESOLVE_TYPES)[number];

/**
 * A stub resolver: node:dns/promises' Resolver API over a careful transport (connected UDP sockets
 * on random ports, each replaced after `maxQueriesPerSocket` queries, 32 by default; random IDs;
 * strict reply matching; retries with backoff, failover, TCP on truncation, EDNS, a deadline,
 * AbortSignal), plus query() for the whole response.
 */
export class Resolver {
  readonly stats: ResolverStats = { queries: 0, ignored: 0, wrongSource: 0, sockets: 0 };
  private settings: Settings;
  private readonly limit: InFlightLimit;
  private readonly udp: UdpPool;
  private readonly running = new Set<Cancellation>();
  private readonly countIgnored = (n: number) => (this.stats.ignored += n);
  private readonly context: CallContext;
  private rotation = 0;
  private readonly answers: AnswerCache | undefined;

  constructor(options: ResolverOptions = {}) {
    this.settings = settingsFrom(options);
    const cache = this.settings.cache;
    this.answers = cache && new AnswerCache(cache, { maxEntries: DEFAULTS.cacheMaxEntries, maxTtl: DEFAULTS.cacheMaxTtl });
    this.limit = new InFlightLimit(this.settings.maxInFlight);
    this.context = {
      limit: this.limit,
      stats: this.stats,
      running: this.running,
      cache: this.answers,
      queue: (call, deadlineAt) => this.queue(call, deadlineAt),
      plan: (options, answersOnly) => this.plan(options, answersOnly),
      firstServer: () => this.firstServer(),
    };
    this.udp = new UdpPool({
      maxQueriesPerSocket: this.settings.maxQueriesPerSocket,
      idleMs: DEFAULTS.idleSocketMs,
      onStray: () => (this.stats.ignored += 1),
      onWrongSource: () => (this.stats.wrongSource += 1),
      onSockets: (delta) => (this.stats.sockets += delta),
    });
  }

  /** Servers in node:dns form: '127.0.0.1', '127.0.0.1:5353', '[::1]:5353'. */
  getServers(): string[] {
    return this.settings.servers.map(formatServer);
  }

  /**
   * Replaces the servers; throws InvalidServerError (and changes nothing) if any is invalid. The
   * cache is emptied: its answers came from the old servers (c-ares flushes its cache too).
   */
  setServers(servers: readonly string[]): void {
    this.settings = { ...this.settings, servers: servers.map((s) => this.withLocalAddress(parseServer(s))) };
    this.methodsPlan = undefined;
    this.answers?.clear();
  }

  /**
   * Source addresses for queries, by the server's family (node:dns's setLocalAddress); undefined
   * lets the kernel choose again. Sockets opened from now on bind them.
   */
  setLocalAddress(ipv4?: string, ipv6?: string): void {
    this.localAddresses = { ipv4, ipv6 };
    this.settings = { ...this.settings, servers: this.settings.servers.map((s) => this.withLocalAddress(s)) };
    this.methodsPlan = undefined;
  }

  private localAddresses: { ipv4?: string; ipv6?: string } = {};

  private withLocalAddress(server: ServerAddress): ServerAddress {
    const { localAddress: _, ...plain } = server;
    const local = server.family === 4 ? this.localAddresses.ipv4 : this.localAddresses.ipv6;
    return local === undefined ? plain : { ...plain, localAddress: local };
  }

  /** The answer cache's counters and clear(), when the Resolver was made with `cache`. */
  get cache(): ResolverCache | undefined {
    return this.answers;
  }

  /** Ends every call in progress with ECANCELLED, as node:dns Resolver#cancel does, and closes idle sockets. */
  cancel(): void {
    for (const call of [...this.running]) call.cancel();
    this.udp.closeIdle();
  }

  /**
   * cancel(), then closes every socket at once instead of after the short idle wait. The Resolver
   * stays usable: a later call opens new sockets.
   */
  close(): void {
    this.cancel();
    this.udp.close();
  }

  /**
   * Sends one question and returns the whole response, whatever its RCODE (NXDOMAIN, SERVFAIL
   * ... are results). Throws DnsError only when no usable response came: ETIMEOUT, ECONNREFUSED,
   * EBADRESP, ECANCELLED; EBADNAME/EINVAL for bad arguments.
   */
  query(name: string, type: TypeName | string = 'A', options: QueryOptions = {}): Promise<QueryResult> {
    return this.run(name, type, options, false, asIs);
  }

  /** One call, one promise: `finish` turns the response into the method's value (Call, query/call.ts). */
  private run<T>(name: string, type: TypeName | string, options: QueryOptions, answersOnly: boolean, finish: (result: QueryResult) => T): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const qtype = typeFromString(type);
      if (qtype === undefined) throw new DnsError('EINVAL', { hostname: name, type, detail: `unknown type "${type}"` });
      const typeName = typeToString(qtype) as TypeName;
      const qclass = options.class === undefined ? RRClass.IN : classFromString(options.class);
      if (qclass === undefined) throw new DnsError('EINVAL', { hostname: name, type: typeName, detail: `unknown class "${options.class}"` });

      const s = this.settings;
      const useSearch = options.search ?? s.search;
      const ask = answersOnly ? hostnameToAsk(name, typeName) : name;
      let candidates: string[];
      try {
        candidates = searchCandidates(ask, isAbsoluteText(ask), useSearch ? s.searchDomains : [], s.ndots);
      } catch (err) {
        throw new DnsError('EBADNAME', { hostname: name, type: typeName, detail: (err as Error).message });
      }
      if (options.signal?.aborted) throw new DnsError('ECANCELLED', { hostname: name, type: typeName });
      new Call(this.context, {
        candidates,
        type: typeName,
        cls: classToString(qclass) as ClassName,
        options,
        answersOnly,
        cacheAs: this.answers && cacheShape(answersOnly, qclass, options, s),
        deadlineAt: performance.now() + (options.deadline ?? s.deadline),
        call: new Cancellation(),
        finish,
        resolve,
        reject,
      }).next();
    });
  }

  /**
   * Waits for a slot under maxInFlight until the deadline. Once a query holds a slot, the deadline
   * needs no timer of its own: every attempt's wait is cut to the time left (query/failover.ts).
   */
  private async queue(call: Cancellation, deadlineAt: number): Promise<boolean> {
    const timer = setTimeout(deadlineReached, deadlineAt - performance.now(), call);
    try {
      return await this.limit.acquire(call);
    } finally {
      clearTimeout(timer);
    }
  }

  /** The node:dns-shaped methods' plan (their options carry only a signal, callOptions()): made once per settings. */
  private methodsPlan: LookupPlan | undefined;

  private plan(options: QueryOptions, answersOnly: boolean): LookupPlan {
    if (answersOnly && this.methodsPlan !== undefined) return this.methodsPlan;
    const s = this.settings;
    const plan: LookupPlan = {
      servers: s.servers,
      udp: this.udp,
      tries: options.tries ?? s.tries,
      timeout: options.timeout ?? s.timeout,
      maxTimeout: Math.max(s.maxTimeout, options.timeout ?? 0),
      jitter: s.jitter,
      tcp: options.tcp ?? s.tcp,
      ednsPayload: options.edns ?? s.edns ? s.ednsPayload : undefined,
      use0x20: s.use0x20,
      answersOnly,
      recursion: options.recursion ?? s.recursion,
      checkingDisabled: options.checkingDisabled ?? false,
      dnssecOk: options.dnssecOk ?? false,
      udpAlone: s.maxQueriesPerSocket === 1,
      negativeAuthority: this.answers !== undefined,
      onIgnored: this.countIgnored,
    };
    if (answersOnly) this.methodsPlan = plan;
    return plan;
  }

  private firstServer(): number {
    const servers = this.settings.servers.length;
    return this.settings.rotate && servers > 0 ? this.rotation++ % servers : 0;
  }

  // ---- node:dns/promises-compatible methods -------------------------------------------------

  resolve(hostname: string, rrtype?: 'A' | 'AAAA' | 'CNAME' | 'NS' | 'PTR', options?: CallOptions): Promise<string[]>;
  resolve(hostname: string, rrtype: 'ANY', options?: CallOptions): Promise<AnyRecord[]>;
  resolve(hostname: string, rrtype: 'CAA', options?: CallOptions): Promise<CaaRecord[]>;
  resolve(hostname: string, rrtype: 'MX', options?: CallOptions): Promise<MxRecord[]>;
  resolve(hostname: string, rrtype: 'NAPTR', options?: CallOptions): Promise<NaptrRecord[]>;
  resolve(hostname: string, rrtype: 'SOA', options?: CallOptions): Promise<SoaRecord>;
  resolve(hostname: string, rrtype: 'SRV', options?: CallOptions): Promise<SrvRecord[]>;
  resolve(hostname: string, rrtype: 'TXT', options?: CallOptions): Promise<string[][]>;
  resolve(hostname: string, rrtype: string, options?: CallOptions): Promise<unknown>;
  async resolve(hostname: string, rrtype: string = 'A', options: CallOptions = {}): Promise<unknown> {
    const type = rrtype.toUpperCase() as ResolveType;
    switch (type) {
      case 'A':
        return this.resolve4(hostname, options);
      case 'AAAA':
        return this.resolve6(hostname, options);
      case 'ANY':
        return this.resolveAny(hostname, options);
      case 'CAA':
        return this.resolveCaa(hostname, options);
      case 'CNAME':
        return this.resolveCname(hostname, options);
      case 'MX':
        return this.resolveMx(hostname, options);
      case 'NAPTR':
        return this.resolveNaptr(hostname, options);
      case 'NS':
        return this.resolveNs(hostname, options);
      case 'PTR':
        return this.resolvePtr(hostname, options);
      case 'SOA':
        return this.resolveSoa(hostname, options);
      case 'SRV':
        return this.resolveSrv(hostname, options);
      case 'TXT':
        return this.resolveTxt(hostname, options);
      default:
        throw new DnsError('EINVAL', { hostname, type: rrtype, detail: `resolve() does not take type "${rrtype}"` });
    }
  }

  resolve4(hostname: string, options: CallOptions & { ttl: true }): Promise<RecordWithTtl[]>;
  resolve4(hostname: string, options?: CallOptions & { ttl?: false }): Promise<string[]>;
  resolve4(hostname: string, options: CallOptions & { ttl?: boolean } = {}): Promise<string[] | RecordWithTtl[]> {
    return this.addresses(hostname, 'A', options);
  }

  resolve6(hostname: string, options: CallOptions & { ttl: true }): Promise<RecordWithTtl[]>;
  resolve6(hostname: string, options?: CallOptions & { ttl?: false }): Promise<string[]>;
  resolve6(hostname: string, options: CallOptions & { ttl?: boolean } = {}): Promise<string[] | RecordWithTtl[]> {
    return this.addresses(hostname, 'AAAA', options);
  }

  async resolveMx(hostname: string, options: CallOptions = {}): Promise<MxRecord[]> {
    return (await this.records(hostname, 'MX', options)).map(toMx);
  }

  resolveNaptr(hostname: string, options: CallOptions = {}): Promise<NaptrRecord[]> {
    return this.run(hostname, 'NAPTR', callOptions(options), true, (response) => naptrRecords(answered(response, hostname, 'NAPTR'), hostname));
  }

  async resolveTxt(hostname: string, options: CallOptions = {}): Promise<string[][]> {
    return (await this.records(hostname, 'TXT', options)).map(toTxt);
  }

  async resolveSrv(hostname: string, options: CallOptions = {}): Promise<SrvRecord[]> {
    return (await this.records(hostname, 'SRV', options)).map(toSrv);
  }

  async resolveCname(hostname: string, options: CallOptions = {}): Promise<string[]> {
    return (await this.records(hostname, 'CNAME', options)).map(toName);
  }

  async resolveNs(hostname: string, options: CallOptions = {}): Promise<string[]> {
    return (await this.records(hostname, 'NS', options)).map(toName);
  }

  async resolvePtr(hostname: string, options: CallOptions = {}): Promise<string[]> {
    return (await this.records(hostname, 'PTR', options)).map(toName);
  }

  async resolveCaa(hostname: string, options: CallOptions = {}): Promise<CaaRecord[]> {
    return (await this.records(hostname, 'CAA', options)).map(toCaa);
  }

  /** node:dns returns one object, not an array, for SOA. */
  async resolveSoa(hostname: string, options: CallOptions = {}): Promise<SoaRecord> {
    return toSoa((await this.records(hostname, 'SOA', options))[0]);
  }

  resolveAny(hostname: string, options: CallOptions = {}): Promise<AnyRecord[]> {
    return this.run(hostname, 'ANY', callOptions(options), true, (response) => anyRecords(answered(response, hostname, 'ANY'), hostname));
  }

  /** The names of an address, from its PTR records (RFC 1035 §3.5, RFC 3596 §2.5). */
  async reverse(ip: string, options: CallOptions = {}): Promise<string[]> {
    const name = reverseName(ip);
    const where = { hostname: ip, type: 'PTR', syscall: 'getHostByAddr' };
    if (!name) throw new DnsError('EINVAL', { ...where, detail: 'not an IP address' });
    try {
      return await this.resolvePtr(name, options);
    } catch (err) {
      if (err instanceof DnsError) throw new DnsError(err.code, { ...where, attempts: err.attempts });
      throw err;
    }
  }

  private addresses(hostname: string, type: 'A' | 'AAAA', options: CallOptions & { ttl?: boolean }) {
    const ttl = options.ttl === true;
    return this.run(hostname, type, callOptions(options), true, (response) => addressesOf(answered(response, hostname, type), hostname, type, ttl));
  }

  private records<T extends TypedTypeName>(hostname: string, type: T, options: CallOptions) {
    return this.run(hostname, type, callOptions(options), true, (response) => recordsOf(answered(response, hostname, type), hostname, type));
  }
}

/** The records of the answer's type at the end of its CNAME chain; ENODATA when there are none. */
function recordsOf<T extends TypedTypeName>(result: QueryResult, hostname: string, type: T) {
  const { records } = recordsAtChainEnd(result.answers, result.questions[0]?.name ?? hostname, type);
  if (records.length === 0) throw new DnsError('ENODATA', { hostname, type, attempts: result.attempts });
  return records;
}

/** resolve4/resolve6's value: the addresses (with TTLs when asked) at the end of the CNAME chain. */
function addressesOf(result: QueryResult, hostname: string, type: 'A' | 'AAAA', ttl: boolean) {
  const { records, chainTtl } = recordsAtChainEnd(result.answers, result.questions[0]?.name ?? hostname, type);
  if (records.length === 0) throw new DnsError('ENODATA', { hostname, type, attempts: result.attempts });
  return addresses(records, chainTtl, ttl);
}

function naptrRecords(result: QueryResult, hostname: string): NaptrRecord[] {
  const owner = result.questions[0]?.name ?? hostname;
  const records = result.answers
    .filter((r) => namesEqual(r.name, owner))
    .map(parseNaptr)
    .filter((r): r is NaptrRecord => r !== undefined);
  if (records.length === 0) throw new DnsError('ENODATA', { hostname, type: 'NAPTR', attempts: result.attempts });
  return records;
}

function anyRecords(result: QueryResult, hostname: string): AnyRecord[] {
  const records = result.answers.map((r) => toAny(r) ?? naptrAny(r)).filter((r): r is AnyRecord => r !== undefined);
  if (records.length === 0) throw new DnsError('ENODATA', { hostname, type: 'ANY', attempts: result.attempts });
  return records;
}

function asIs(result: QueryResult): QueryResult {
  return result;
}

/** The node:dns methods' result check: an RCODE other than NOERROR becomes its node:dns error. */
function answered(result: QueryResult, hostname: string, type: string): QueryResult {
  if (result.rcode === Rcode.NOERROR) return result;
  const code = RCODE_ERRORS[result.rcode];
  throw new DnsError(code ?? 'EBADRESP', {
    hostname,
    type,
    attempts: result.attempts,
    detail: code ? undefined : `RCODE ${result.rcodeName}`,
  });
}

const NO_OPTIONS: QueryOptions = {};

/** Only the signal of a node:dns method's options reaches run() (ttl and the like are not query options). */
function callOptions(options: CallOptions): QueryOptions {
  return options.signal === undefined ? NO_OPTIONS : { signal: options.signal };
}

/**
 * What besides name and type tells one cached response from another: the node:dns-shaped methods'
 * (answer section only, default flags) or query()'s with its class and the flags that change the
 * response (RD, CD, DO, EDNS).
 */
function cacheShape(answersOnly: boolean, qclass: number, options: QueryOptions, s: Settings): string {
  if (answersOnly) return '';
  const bit = (b: boolean) => (b ? '1' : '0');
  return `q${qclass}${bit(options.recursion ?? s.recursion)}${bit(options.checkingDisabled ?? false)}${bit(options.dnssecOk ?? false)}${bit(options.edns ?? s.edns)} `;
}

function deadlineReached(call: Cancellation): void {
  call.cancel('deadline');
}

function naptrAny(r: Parameters<typeof parseNaptr>[0]): AnyRecord | undefined {
  const naptr = parseNaptr(r);
  return naptr && { type: 'NAPTR', ...naptr };
}

const RCODE_ERRORS: Partial<Record<number, DnsErrorCode>> = {
  [Rcode.FORMERR]: 'EFORMERR',
  [Rcode.SERVFAIL]: 'ESERVFAIL',
  [Rcode.NXDOMAIN]: 'ENOTFOUND',
  [Rcode.NOTIMP]: 'ENOTIMP',
  [Rcode.REFUSED]: 'EREFUSED',
};
