import { Rcode, type TypeName } from '@port53/wire';
import type { QueryResult } from '../query/result.js';

/** How long a response may be reused, in seconds, and whether it says "no such data". */
export interface Freshness {
  seconds: number;
  negative: boolean;
}

/** RFC 2308 §5: "values of one to three hours ... would make a sensible default"; more is problematic. */
export const MAX_NEGATIVE_TTL = 10_800;

/**
 * Whether and how long a response may be cached, before clamping: a positive answer for the
 * lowest TTL among its answer records (RFC 2181 §5.2: an RRset has one TTL; a CNAME chain lives
 * as long as its shortest link); a negative one (NXDOMAIN, or NOERROR without the type: NODATA)
 * for the lower of the SOA's TTL and its MINIMUM field (RFC 2308 §5), and not at all without an
 * SOA in the authority section (RFC 2308 §5: SHOULD NOT be cached). SERVFAIL, REFUSED and the
 * like are not cached; nor is a TTL of 0 (RFC 1035 §3.2.1).
 */
export function freshness(result: QueryResult, type: TypeName | string): Freshness | undefined {
  const { rcode, answers } = result;
  let lowest = Infinity;
  let hasType = false;
  for (const r of answers) {
    if (r.ttl < lowest) lowest = r.ttl;
    if (r.type === type || type === 'ANY') hasType = true;
  }
  if (rcode === Rcode.NOERROR && hasType) return lowest > 0 ? { seconds: lowest, negative: false } : undefined;
  if (rcode !== Rcode.NOERROR && rcode !== Rcode.NXDOMAIN) return undefined;
  const soa = result.authorities.find((r) => r.type === 'SOA');
  if (soa === undefined || soa.type !== 'SOA') return undefined;
  const seconds = Math.min(lowest, soa.ttl, soa.data.minimum);
  return seconds > 0 ? { seconds, negative: true } : undefined;
}
