/**
 * Response rate limiting over UDP, as NSD, Knot and BIND do it: a forged source address can make
 * us send replies to a victim, so replies to one client prefix in one response category are
 * metered by a token bucket. Over the rate, a reply is dropped, or every `slip`-th one is sent
 * truncated (TC=1, no records) so that a real client behind that address retries over TCP,
 * which cannot be forged. TCP is never limited.
 */
import { Rcode } from '@port53/wire';
import { clientNetwork } from './transport/client-network.js';
import type { Outcome } from './answer/respond.js';

export interface RrlOptions {
  /** Replies per second per bucket; 0 turns limiting off. */
  rate: number;
  /** 0: drop every limited reply; N: send every Nth one truncated instead (1: all of them). */
  slip: number;
  /** Seconds of replies a quiet client may save up (the bucket holds rate × window). */
  window: number;
  /** Buckets kept at most; when full, the idle ones and then the oldest are forgotten. */
  maxEntries: number;
}

/** What RRL did; `limited` = `slipped` + `dropped`. */
export interface RrlCounters {
  limited: number;
  slipped: number;
  dropped: number;
}

export function rrlCounters(): RrlCounters {
  return { limited: 0, slipped: 0, dropped: 0 };
}

export type RrlVerdict = 'send' | 'slip' | 'drop';

interface Bucket {
  tokens: number;
  /** Milliseconds, when `tokens` was last brought up to date. */
  at: number;
  /** Limited replies so far, for the slip count. */
  limited: number;
}

/** Token buckets keyed by client prefix and response category, in a table of bounded size. */
export class RateLimiter {
  private readonly buckets = new Map<string, Bucket>();
  private readonly capacity: number;
  private readonly perMs: number;
  private readonly windowMs: number;

  constructor(
    private readonly options: RrlOptions,
    readonly counters: RrlCounters = rrlCounters(),
  ) {
    this.capacity = options.rate * options.window;
    this.perMs = options.rate / 1000;
    this.windowMs = options.window * 1000;
  }

  get size(): number {
    return this.buckets.size;
  }

  /** One reply of `category` to `address` at `nowMs`: send it, send it truncated, or drop it. */
  check(address: string, category: string, nowMs: number): RrlVerdict {
    const key = `${clientPrefix(address)} ${category}`;
    let bucket = this.buckets.get(key);
    if (bucket) {
      bucket.tokens = Math.min(this.capacity, bucket.tokens + (nowMs - bucket.at) * this.perMs);
      bucket.at = nowMs;
    } else {
      if (this.buckets.size >= this.options.maxEntries) this.evict(nowMs);
      bucket = { tokens: this.capacity, at: nowMs, limited: 0 };
      this.buckets.set(key, bucket);
    }
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return 'send';
    }
    this.counters.limited++;
    bucket.limited++;
    if (this.options.slip > 0 && bucket.limited % this.options.slip === 0) {
      this.counters.slipped++;
      return 'slip';
    }
    this.counters.dropped++;
    return 'drop';
  }

  /** A bucket idle for a whole window is full again, the same as a new one: forget those first. */
  private evict(nowMs: number): void {
    for (const [key, bucket] of this.buckets) if (nowMs - bucket.at >= this.windowMs) this.buckets.delete(key);
    // Still full (many clients busy at once): forget the oldest eighth, in insertion order.
    let excess = this.buckets.size - this.options.maxEntries + Math.ceil(this.options.maxEntries / 8);
    for (const key of this.buckets.keys()) {
      if (excess-- <= 0) break;
      this.buckets.delete(key);
    }
  }
}

/** The client's network: /24 for IPv4 and /56 for IPv6, as BIND and Knot group clients. */
export function clientPrefix(address: string): string {
  return clientNetwork(address, 24, 56);
}

/**
 * The response category of a reply, as BIND keys them: a positive answer by its name and type;
 * NXDOMAIN and NODATA by the zone and the kind, whatever the name and type asked (random names
 * or random qtypes share one bucket); data or NODATA synthesized from a wildcard by the wildcard's
 * owner, never by qtype; a referral by the delegation; every error (FORMERR, REFUSED, NOTIMP,
 * BADVERS, SERVFAIL) in one bucket per client.
 */
export function responseCategory(outcome: Outcome): string {
  const source = outcome.source;
  if (outcome.kind !== 'answered' || !source) return 'error';
  if (outcome.rcode !== Rcode.NOERROR && outcome.rcode !== Rcode.NXDOMAIN && outcome.rcode !== Rcode.YXDOMAIN) return 'error';
  // Only a positive answer's qtype counts: the qtypes a name has data for are few.
  return source.kind === 'answer' ? `answer ${source.name} ${outcome.qtype ?? ''}` : `${source.kind} ${source.name}`;
}
