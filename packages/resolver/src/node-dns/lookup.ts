import * as nodeDns from 'node:dns';
import { networkInterfaces } from 'node:os';
import { domainToASCII } from 'node:url';
import { DnsError, Resolver, type ResolverOptions } from '../index.js';
import { reverseName } from '../query/reverse-name.js';
import { recordsAtChainEnd } from '../results/node-shapes.js';
import { dnsException, invalidArgType, invalidArgValue, type NodeDnsError } from './errors.js';
import { HostsFile, type HostsAddress } from './hosts-file.js';
import { isLocalhost, isNeverResolved, LOOPBACK } from './special-names.js';
import { validateBoolean, validateFunction, validateNumber, validateOneOf, validateString } from './validate.js';

/** getaddrinfo hints: the platform's AI_* values, as node:dns exports them (32, 8, 16 with glibc). */
export const ADDRCONFIG: number = nodeDns.ADDRCONFIG;
export const V4MAPPED: number = nodeDns.V4MAPPED;
export const ALL: number = nodeDns.ALL;

export type ResultOrder = 'verbatim' | 'ipv4first' | 'ipv6first';
export const RESULT_ORDERS: readonly ResultOrder[] = ['verbatim', 'ipv4first', 'ipv6first'];

export interface LookupAddress {
  address: string;
  family: number;
}

/** An address with the TTL (seconds) DNS gave it; none for hosts-file, localhost and literal addresses. */
export interface TimedAddress extends LookupAddress {
  ttl?: number;
}

/** dns.lookup()'s options, as node:dns takes them. */
export interface LookupOptions {
  family?: number | 'IPv4' | 'IPv6' | undefined;
  hints?: number | undefined;
  all?: boolean | undefined;
  order?: ResultOrder | undefined;
  verbatim?: boolean | undefined;
}

export interface LookupOneOptions extends LookupOptions {
  all?: false | undefined;
}

export interface LookupAllOptions extends LookupOptions {
  all: true;
}

/** How a Lookup finds addresses: the hosts file, then DNS through a Resolver with resolv.conf's search list. */
export interface AddressLookupOptions {
  /**
   * The Resolver to ask, or options for the one made here (default: resolv.conf's servers, search
   * list and ndots, and the answer cache on).
   */
  resolver?: Resolver | ResolverOptions;
  /** hosts(5) file to read first, or false for none (default /etc/hosts). */
  hostsFile?: string | false;
  /** ms between checks that the hosts file changed (default 1000; 0: every lookup). */
  hostsCheckMs?: number;
  /** Order of results when the caller gives none (default: dns.getDefaultResultOrder() of this module). */
  order?: ResultOrder;
}

/** What the lookup settled on, before it is shaped as the caller asked. */
interface Parsed {
  family: 0 | 4 | 6;
  hints: number;
  all: boolean;
  order: ResultOrder;
}

/**
 * dns.lookup()'s arguments checked as node:dns checks them (lib/dns.js), throwing its TypeErrors
 * synchronously. `callback` is undefined for the promise form.
 */
export function parseLookupArgs(hostname: unknown, options: unknown, callback: unknown, defaultOrder: ResultOrder, promise: boolean): Parsed {
  let family: 0 | 4 | 6 = 0;
  let hints = 0;
  let all = false;
  let order = defaultOrder;
  if (hostname) validateString(hostname, 'hostname');
  if (!promise && typeof options === 'function') return { family, hints, all, order };
  if (typeof options === 'number') {
    if (!promise) validateFunction(callback, 'callback');
    validateOneOf(options, 'family', [0, 4, 6]);
    return { family: options as 0 | 4 | 6, hints, all, order };
  }
  if (options !== undefined && (typeof options !== 'object' || (promise && options === null))) {
    if (!promise) validateFunction(callback === undefined ? options : callback, 'callback');
    throw invalidArgType('options', 'of type object or integer', options);
  }
  if (!promise) validateFunction(callback, 'callback');
  const o = (options ?? {}) as Record<string, unknown>;
  if (o.hints != null) {
    validateNumber(o.hints, 'options.hints');
    hints = o.hints >>> 0;
    if ((hints & ~(ADDRCONFIG | ALL | V4MAPPED)) !== 0) throw invalidArgValue('hints', hints);
  }
  if (o.family != null) {
    if (o.family === 'IPv4') family = 4;
    else if (o.family === 'IPv6') family = 6;
    else {
      validateOneOf(o.family, 'options.family', [0, 4, 6]);
      family = o.family as 0 | 4 | 6;
    }
  }
  if (o.all != null) {
    validateBoolean(o.all, 'options.all');
    all = o.all;
  }
  if (o.verbatim != null) {
    validateBoolean(o.verbatim, 'options.verbatim');
    order = o.verbatim ? 'verbatim' : 'ipv4first';
  }
  if (o.order != null) {
    validateOneOf(o.order, 'options.order', RESULT_ORDERS);
    order = o.order;
  }
  return { family, hints, all, order };
}

/**
 * getaddrinfo done in JavaScript: RFC 6761 localhost, the hosts file (re-read when it changes),
 * then A and AAAA in parallel through a Resolver with resolv.conf's search list and ndots. Unlike
 * getaddrinfo on libuv's 4-thread pool, lookups never queue behind each other, and each ends by the
 * Resolver's deadline.
 */
export class AddressLookup {
  readonly resolver: Resolver;
  private readonly hosts: HostsFile | undefined;
  defaultOrder: ResultOrder;

  /**
   * The last addresses found per (family, hints, name), until the lowest of their TTLs: one map
   * read instead of two cached Resolver calls. The bench's cached lookups/s justify it (41,805/s
   * through the Resolver's cache alone against cacheable-lookup's 112,003/s). Kept only over a
   * Resolver made here, and emptied by its setServers().
   */
  private readonly recent: Map<string, Recent> | undefined;

  constructor(options: AddressLookupOptions = {}) {
    if (options.resolver instanceof Resolver) this.resolver = options.resolver;
    else {
      // A Resolver of our own caches answers (RFC 2308 negative ones too), as a host's stub cache would.
      const resolver = new Resolver({ search: true, cache: true, ...options.resolver });
      const recent = new Map<string, Recent>();
      const setServers = resolver.setServers.bind(resolver);
      resolver.setServers = (servers) => {
        setServers(servers);
        recent.clear();
      };
      this.resolver = resolver;
      this.recent = recent;
    }
    const hostsFile = options.hostsFile ?? '/etc/hosts';
    this.hosts = hostsFile === false ? undefined : new HostsFile(hostsFile, options.hostsCheckMs);
    this.defaultOrder = options.order ?? 'verbatim';
  }

  /** The addresses of `hostname` in `order`; rejects with node:dns's getaddrinfo errors. */
  async addresses(hostname: string, family: 0 | 4 | 6, hints: number, order: ResultOrder): Promise<TimedAddress[]> {
    const name = toAscii(hostname);
    const families = wantedFamilies(family, hints);
    const mapped = family === 6 && (hints & V4MAPPED) !== 0;
    let found: TimedAddress[];
    if (isNeverResolved(name)) throw notFound(hostname);
    const fromHosts = this.hosts?.get(name);
    const local = fromHosts ? pick(fromHosts, families, mapped, hints) : [];
    if (local.length > 0) found = local;
    else if (isLocalhost(name)) found = pick(LOOPBACK, families, mapped, hints);
    else {
      const key = `${family}/${hints}/${name}`;
      const kept = this.recent?.get(key);
      const now = performance.now();
      if (kept !== undefined && kept.until > now) found = aged(kept, now);
      else {
        found = await this.fromDns(hostname, name, families, mapped, hints);
        this.keep(key, found);
      }
    }
    if (found.length === 0) throw notFound(hostname);
    return sortAddresses(found, order);
  }

  /** The name of an address, as getnameinfo finds it: the hosts file, else its first PTR record; undefined if none. */
  async nameOf(address: string): Promise<string | undefined> {
    const listed = this.hosts?.nameOf(address);
    if (listed !== undefined) return listed;
    if (address === '127.0.0.1' || address === '::1') return 'localhost';
    const name = reverseName(address);
    if (name === undefined) return undefined;
    const result = await this.resolver.query(name, 'PTR');
    const { records } = recordsAtChainEnd(result.answers, result.questions[0]?.name ?? name, 'PTR');
    return records.length > 0 ? records[0].data : undefined;
  }

  private keep(key: string, list: TimedAddress[]): void {
    const recent = this.recent;
    if (recent === undefined) return;
    let ttl = Infinity;
    for (const a of list) ttl = Math.min(ttl, a.ttl ?? 0);
    if (!(ttl > 0 && ttl !== Infinity)) return;
    if (recent.size >= MAX_RECENT) recent.delete(recent.keys().next().value!);
    const now = performance.now();
    recent.set(key, { list, until: now + Math.min(ttl, MAX_RECENT_TTL) * 1000, at: now });
  }

  /** A and AAAA asked at once; what either found, or the error that says why neither did. */
  private async fromDns(hostname: string, name: string, families: Set<4 | 6>, mapped: boolean, hints: number): Promise<TimedAddress[]> {
    const askV4 = families.has(4) || mapped;
    const askV6 = families.has(6);
    const [v4, v6] = await Promise.all([askV4 ? this.ask(name, 'A') : undefined, askV6 ? this.ask(name, 'AAAA') : undefined]);
    const a = v4 && !(v4 instanceof Error) ? v4 : [];
    const aaaa = v6 && !(v6 instanceof Error) ? v6 : [];
    let out: TimedAddress[];
    if (mapped) {
      const asMapped = a.map(({ address, ttl }) => ({ address: `::ffff:${address}`, family: 6, ttl }));
      out = (hints & ALL) !== 0 ? [...aaaa, ...asMapped] : aaaa.length > 0 ? aaaa : asMapped;
    } else {
      out = families.has(4) ? [...a, ...aaaa] : aaaa;
    }
    if (out.length > 0) return out;
    // Nothing found: a name that does not exist is ENOTFOUND; a server that failed is EAI_AGAIN (try later).
    const failure = [v4, v6].find((r): r is Error => r instanceof Error && !isNameError(r));
    if (failure) throw tryAgain(hostname, failure);
    throw notFound(hostname, [v4, v6].find((r): r is DnsError => r instanceof DnsError));
  }

  /**
   * The addresses of one type, or the error that says why there are none (never rejects). Through
   * the node:dns-shaped methods, so that the Resolver's answer cache serves repeated names.
   */
  private ask(name: string, type: 'A' | 'AAAA'): Promise<TimedAddress[] | Error> {
    const family = type === 'A' ? 4 : 6;
    const asked = type === 'A' ? this.resolver.resolve4(name, WITH_TTL) : this.resolver.resolve6(name, WITH_TTL);
    return asked.then(
      (records) => records.map((r) => ({ address: r.address, family, ttl: r.ttl })),
      (err: unknown) => (err instanceof Error ? err : new Error(String(err))),
    );
  }
}

const WITH_TTL = { ttl: true } as const;

/** A kept answer: its addresses as of `at` (performance.now() ms), good until `until`. */
interface Recent {
  list: TimedAddress[];
  until: number;
  at: number;
}

/** The kept addresses with their TTLs lowered by the time kept, copied at most once a second. */
function aged(kept: Recent, now: number): TimedAddress[] {
  const seconds = Math.floor((now - kept.at) / 1000);
  if (seconds < 1) return kept.list;
  kept.list = kept.list.map((a) => ({ ...a, ttl: Math.max(0, (a.ttl ?? 0) - seconds) }));
  kept.at += seconds * 1000;
  return kept.list;
}
/** Bounds of AddressLookup's recent answers: entries, and seconds (the Resolver cache's default maxTtl). */
const MAX_RECENT = 10_000;
const MAX_RECENT_TTL = 3600;

function isNameError(err: Error): boolean {
  return err instanceof DnsError && (err.code === 'ENOTFOUND' || err.code === 'ENODATA' || err.code === 'EBADNAME');
}

/** The families to ask for; ADDRCONFIG keeps those this host has a non-loopback address of (getaddrinfo(3)). */
function wantedFamilies(family: 0 | 4 | 6, hints: number): Set<4 | 6> {
  const wanted = new Set<4 | 6>(family === 0 ? [4, 6] : [family]);
  if ((hints & ADDRCONFIG) === 0) return wanted;
  const configured = configuredFamilies();
  if (configured.size === 0) return wanted; // only loopback: nothing to judge by, as glibc
  for (const f of wanted) if (!configured.has(f)) wanted.delete(f);
  return wanted;
}

/** Families of this host's non-loopback addresses, looked at most once a second (net.connect asks ADDRCONFIG on every connect). */
let configured: { at: number; families: Set<4 | 6> } | undefined;
function configuredFamilies(): Set<4 | 6> {
  const now = performance.now();
  if (configured && now - configured.at < 1000) return configured.families;
  const families = new Set<4 | 6>();
  for (const list of Object.values(networkInterfaces())) {
    for (const i of list ?? []) if (!i.internal) families.add(i.family === 'IPv4' ? 4 : 6);
  }
  configured = { at: now, families };
  return families;
}

/** Hosts-file or loopback addresses of the families asked for (IPv4 as ::ffff:a.b.c.d under V4MAPPED). */
function pick(list: readonly HostsAddress[], families: Set<4 | 6>, mapped: boolean, hints: number): LookupAddress[] {
  const v6 = list.filter((a) => a.family === 6 && families.has(6)).map((a) => ({ address: a.address, family: 6 }));
  if (mapped) {
    const v4 = list.filter((a) => a.family === 4).map((a) => ({ address: `::ffff:${a.address}`, family: 6 }));
    return (hints & ALL) !== 0 ? [...v6, ...v4] : v6.length > 0 ? v6 : v4;
  }
  return list.filter((a) => families.has(a.family)).map((a) => ({ address: a.address, family: a.family }));
}

export function sortAddresses<T extends LookupAddress>(list: T[], order: ResultOrder): T[] {
  if (order === 'verbatim') return list;
  const first = order === 'ipv4first' ? 4 : 6;
  return [...list.filter((a) => a.family === first), ...list.filter((a) => a.family !== first)];
}

/** getaddrinfo's errno values as libuv reports them (UV_EAI_NONAME, UV_EAI_AGAIN). */
const EAI_NONAME = -3008;
const EAI_AGAIN = -3001;

export function notFound(hostname: string, cause?: DnsError): NodeDnsError {
  return dnsException('ENOTFOUND', 'getaddrinfo', hostname, { errno: EAI_NONAME, attempts: cause?.attempts });
}

function tryAgain(hostname: string, cause: Error): NodeDnsError {
  return dnsException('EAI_AGAIN', 'getaddrinfo', hostname, { errno: EAI_AGAIN, attempts: cause instanceof DnsError ? cause.attempts : undefined });
}

/** IDNA: node:dns passes names through ToASCII; an unconvertible name is asked as given. */
export function toAscii(name: string): string {
  // eslint-disable-next-line no-control-regex
  if (/^[\x00-\x7f]*$/.test(name)) return name;
  return domainToASCII(name) || name;
}

