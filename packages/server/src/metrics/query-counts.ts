/**
 * Queries by transport, qtype and rcode, counted on the query path in one Float64Array: an index
 * computed from three small lookups and one increment, nothing allocated. The metrics endpoint
 * reads the array when scraped.
 */
import { typeFromString } from '@port53/wire';
import { MISS, type AnswerCache } from '../answer/cache.js';
import type { Transport } from '../transport/bind-error.js';

/** The qtypes with their own label; the rest are "other" ("none" when there was no question). */
const QTYPES = ['A', 'NS', 'CNAME', 'SOA', 'PTR', 'MX', 'TXT', 'AAAA', 'SRV', 'NAPTR', 'DS', 'RRSIG', 'NSEC', 'DNSKEY', 'NSEC3', 'TLSA', 'SVCB', 'HTTPS', 'CAA', 'ANY', 'AXFR', 'IXFR', 'other', 'none'] as const;
const OTHER = QTYPES.indexOf('other');
const NONE = QTYPES.indexOf('none');
const QTYPE_INDEX = new Map<string, number>(QTYPES.map((t, i) => [t, i]));
/** The same labels by QTYPE number, for the UDP fast path, which has no qtype text. */
const QTYPE_INDEX_BY_NUMBER = new Uint8Array(65536).fill(OTHER);
for (const [i, t] of QTYPES.entries()) if (i !== OTHER && i !== NONE) QTYPE_INDEX_BY_NUMBER[typeFromString(t)!] = i;
/** RCODEs 0..23 (BADCOOKIE is 23) have their own slot; the last slot is "no reply" (dropped). */
const RCODE_SLOTS = 25;
const NO_REPLY = RCODE_SLOTS - 1;
const TRANSPORTS: readonly Transport[] = ['udp', 'tcp'];

export interface QueryCountRow {
  transport: Transport;
  qtype: string;
  /** The RCODE's number as text, or "none" when nothing was sent. */
  rcode: number | 'none';
  count: number;
}

export class QueryCounts {
  private readonly counts = new Float64Array(TRANSPORTS.length * QTYPES.length * RCODE_SLOTS);

  add(transport: Transport, qtype: string | undefined, rcode: number | undefined): void {
    const t = transport === 'udp' ? 0 : 1;
    const q = qtype === undefined ? NONE : (QTYPE_INDEX.get(qtype) ?? OTHER);
    const r = rcode === undefined || rcode < 0 || rcode >= NO_REPLY ? NO_REPLY : rcode;
    this.counts[(t * QTYPES.length + q) * RCODE_SLOTS + r]++;
  }

  /** add() for a query with a question, its QTYPE as a number (the same row as its text). */
  addType(transport: Transport, qtype: number, rcode: number): void {
    const t = transport === 'udp' ? 0 : 1;
    const r = rcode < 0 || rcode >= NO_REPLY ? NO_REPLY : rcode;
    this.counts[(t * QTYPES.length + QTYPE_INDEX_BY_NUMBER[qtype & 0xffff]) * RCODE_SLOTS + r]++;
  }

  /** Every non-zero cell. */
  rows(): QueryCountRow[] {
    const rows: QueryCountRow[] = [];
    for (let i = 0; i < this.counts.length; i++) {
      const count = this.counts[i];
      if (count === 0) continue;
      const r = i % RCODE_SLOTS;
      const q = Math.floor(i / RCODE_SLOTS) % QTYPES.length;
      const t = Math.floor(i / RCODE_SLOTS / QTYPES.length);
      rows.push({ transport: TRANSPORTS[t], qtype: QTYPES[q], rcode: r === NO_REPLY ? 'none' : r, count });
    }
    return rows;
  }
}

/** The counters a reply from the answer cache adds to: ServerStats on the main thread, WorkerCounts in a worker. */
export interface AnsweredCounts {
  queries: { udp: number };
  outcomes: { answered: number };
}

/**
 * A UDP query answered from `cache` straight into `out`, counted as handle() would count it (one
 * query, one answer, its type and RCODE): the reply's length, or MISS. One place for the main
 * thread's fast path and the workers', so that a query is counted alike whichever thread read it.
 */
export function answerFromCache(cache: AnswerCache, query: Uint8Array, length: number, out: Uint8Array, counts: AnsweredCounts, queryCounts: QueryCounts): number {
  const n = cache.answerInto(query, length, 'udp', out);
  if (n === MISS) return MISS;
  counts.queries.udp++;
  counts.outcomes.answered++;
  queryCounts.addType('udp', cache.lastQtype, cache.lastRcode);
  return n;
}
