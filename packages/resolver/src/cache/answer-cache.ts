import type { QueryResult } from '../query/result.js';
import { freshness, MAX_NEGATIVE_TTL } from './ttl.js';

export interface CacheOptions {
  /** Entries kept at most; the least recently used goes first (default 10,000). */
  maxEntries?: number;
  /** Seconds an answer is reused at most, whatever its TTL says (default 3,600, as c-ares' qcache). */
  maxTtl?: number;
  /**
   * RFC 8767 serve-stale: when refreshing an expired answer fails (timeout, unreachable server,
   * SERVFAIL, REFUSED), give the expired answer with TTL 30 instead of the error. `true` keeps
   * expired answers for a day; a number says how many seconds. Default off.
   */
  serveStale?: boolean | number;
}

export interface CacheStats {
  /** Calls answered from a fresh entry. */
  hits: number;
  /** Calls that asked a server (nothing fresh cached, nobody asking already). */
  misses: number;
  /** Calls that waited for the same question already being asked. */
  coalesced: number;
  /** Calls answered with an expired entry because refreshing it failed (RFC 8767). */
  stale: number;
  /** Entries dropped to stay under maxEntries. */
  evictions: number;
  /** Entries held now, stale ones included. */
  entries: number;
}

/** What a Resolver's cache shows its users. */
export interface ResolverCache {
  readonly stats: Readonly<CacheStats>;
  /** Drops every entry (calls waiting on a question in flight still get its answer). */
  clear(): void;
}

/** RFC 8767 §4: a stale answer goes out with TTL 30. */
const STALE_TTL = 30;
const DAY = 86_400;

interface Entry {
  result: QueryResult;
  stored: number; // ms, performance.now()
  expires: number; // ms
  staleUntil: number; // ms
  /** The result with TTLs lowered by `viewAge` whole seconds, made at most once a second. */
  view: QueryResult;
  viewAge: number;
}

/** Who waits on a question in flight: told once, with the response or the error. */
export interface FlightWaiter {
  landed(error: unknown, result: QueryResult | undefined): void;
}

/**
 * The responses a Resolver got, by question and shape: positive and negative (RFC 2308)
 * answers for their TTL, clamped by maxTtl; a bounded LRU (a Map's insertion order); identical
 * questions in flight asked once; optional serve-stale (RFC 8767). No timers: entries expire by
 * their time when read.
 */
export class AnswerCache implements ResolverCache {
  readonly stats: CacheStats = { hits: 0, misses: 0, coalesced: 0, stale: 0, evictions: 0, entries: 0 };
  private readonly entries = new Map<string, Entry>();
  private readonly flights = new Map<string, FlightWaiter[]>();
  private readonly maxEntries: number;
  private readonly maxTtl: number;
  private readonly staleMs: number;

  constructor(options: CacheOptions, defaults: { maxEntries: number; maxTtl: number }) {
    this.maxEntries = wholeAtLeast('cache.maxEntries', options.maxEntries ?? defaults.maxEntries, 1);
    this.maxTtl = wholeAtLeast('cache.maxTtl', options.maxTtl ?? defaults.maxTtl, 0);
    const stale = options.serveStale === true ? DAY : options.serveStale === false || options.serveStale === undefined ? 0 : options.serveStale;
    this.staleMs = wholeAtLeast('cache.serveStale', stale, 0) * 1000;
  }

  /** The key of a question: its shape (what the caller decodes, flags), type and name in lower case (RFC 4343). */
  key(shape: string, name: string, type: string): string {
    return `${shape}${type} ${name.toLowerCase()}`;
  }

  /** A fresh response, with TTLs lowered by its age (shared by the callers of that second: read-only); undefined when there is none. */
  fresh(key: string): QueryResult | undefined {
    const entry = this.entries.get(key);
    if (entry === undefined) return undefined;
    const now = performance.now();
    if (now >= entry.expires) return undefined;
    this.entries.delete(key); // most recently used goes last
    this.entries.set(key, entry);
    this.stats.hits += 1;
    const age = Math.floor((now - entry.stored) / 1000);
    if (age !== entry.viewAge) {
      entry.view = withTtls(entry.result, (ttl) => Math.max(0, ttl - age));
      entry.viewAge = age;
    }
    return entry.view;
  }

  /** Joins the question in flight under `key`, if there is one. */
  join(key: string, waiter: FlightWaiter): boolean {
    const waiting = this.flights.get(key);
    if (waiting === undefined) return false;
    waiting.push(waiter);
    this.stats.coalesced += 1;
    return true;
  }

  /** The caller asks a server for `key`; later callers of the same question wait for it. */
  takeOff(key: string): void {
    this.flights.set(key, []);
    this.stats.misses += 1;
  }

  /** A waiter gave up (its call was cancelled). */
  leave(key: string, waiter: FlightWaiter): void {
    const waiting = this.flights.get(key);
    const i = waiting?.indexOf(waiter) ?? -1;
    if (i >= 0) waiting!.splice(i, 1);
  }

  /**
   * The question under `key` was answered (or failed): the response is stored if cacheable, an
   * expired one is given instead of a failure when serve-stale allows, and every waiter is told.
   * Returns what the asker itself should take.
   */
  land(key: string, type: string, error: unknown, result: QueryResult | undefined): { error: unknown; result: QueryResult | undefined } {
    const waiting = this.flights.get(key);
    this.flights.delete(key);
    if (result !== undefined && !isFailure(result)) this.store(key, type, result);
    else if (this.staleMs > 0 && (result !== undefined || isUnreachable(error))) {
      const stale = this.stale(key);
      if (stale !== undefined) {
        error = undefined;
        result = stale;
      }
    }
    if (waiting) for (const w of waiting) w.landed(error, result);
    return { error, result };
  }

  clear(): void {
    this.entries.clear();
    this.stats.entries = 0;
  }

  private store(key: string, type: string, result: QueryResult): void {
    const f = freshness(result, type);
    if (f === undefined) return;
    const seconds = Math.min(f.seconds, this.maxTtl, f.negative ? MAX_NEGATIVE_TTL : Infinity);
    if (seconds <= 0) return;
    const stored = performance.now();
    const expires = stored + seconds * 1000;
    this.entries.delete(key);
    this.entries.set(key, { result, stored, expires, staleUntil: expires + this.staleMs, view: result, viewAge: 0 });
    while (this.entries.size > this.maxEntries) {
      this.entries.delete(this.entries.keys().next().value!);
      this.stats.evictions += 1;
    }
    this.stats.entries = this.entries.size;
  }

  /** An expired entry still inside its stale window, with TTL 30 (RFC 8767 §4). */
  private stale(key: string): QueryResult | undefined {
    const entry = this.entries.get(key);
    if (entry === undefined) return undefined;
    if (performance.now() >= entry.staleUntil) {
      this.entries.delete(key);
      this.stats.entries = this.entries.size;
      return undefined;
    }
    this.stats.stale += 1;
    return withTtls(entry.result, () => STALE_TTL);
  }
}

/** RFC 8767 §4: serve stale when the refresh times out, cannot reach a server, or gets SERVFAIL/REFUSED. */
function isFailure(result: QueryResult): boolean {
  return result.rcodeName === 'SERVFAIL' || result.rcodeName === 'REFUSED';
}

function isUnreachable(error: unknown): boolean {
  const code = (error as { code?: unknown } | undefined)?.code;
  return code === 'ETIMEOUT' || code === 'ECONNREFUSED' || code === 'EBADRESP';
}

function withTtls(result: QueryResult, ttl: (old: number) => number): QueryResult {
  const map = (records: QueryResult['answers']) => records.map((r) => ({ ...r, ttl: ttl(r.ttl) }));
  return { ...result, answers: map(result.answers), authorities: map(result.authorities), additionals: map(result.additionals) };
}

function wholeAtLeast(what: string, n: number, min: number): number {
  if (!Number.isInteger(n) || n < min) throw new RangeError(`${what} must be a whole number from ${min} up, got ${n}`);
  return n;
}
