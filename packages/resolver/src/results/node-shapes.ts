import { namesEqual, type Name, type RecordOf, type ResourceRecord, type TypedTypeName } from '@port53/wire';
import type { NaptrRecord } from './naptr.js';

/** Result shapes of node:dns/promises, so code written for it runs unchanged. */
export interface RecordWithTtl { address: string; ttl: number }
export interface MxRecord { exchange: string; priority: number }
export interface SrvRecord { name: string; port: number; priority: number; weight: number }
export interface SoaRecord { nsname: string; hostmaster: string; serial: number; refresh: number; retry: number; expire: number; minttl: number }
export interface CaaRecord {
  critical: number;
  issue?: string;
  issuewild?: string;
  iodef?: string;
  contactemail?: string;
  contactphone?: string;
  [tag: string]: string | number | undefined;
}
export type AnyRecord =
  | { type: 'A'; address: string; ttl: number }
  | { type: 'AAAA'; address: string; ttl: number }
  | ({ type: 'CAA' } & CaaRecord)
  | { type: 'CNAME'; value: string }
  | ({ type: 'MX' } & MxRecord)
  | ({ type: 'NAPTR' } & NaptrRecord)
  | { type: 'NS'; value: string }
  | { type: 'PTR'; value: string }
  | ({ type: 'SOA' } & SoaRecord)
  | ({ type: 'SRV' } & SrvRecord)
  | { type: 'TXT'; entries: string[] };

const utf8 = new TextDecoder('utf-8');

/** node:dns writes the root as '' and other names without the final dot, as we do. */
export function nodeName(name: Name): string {
  return name === '.' ? '' : name;
}

/**
 * The records of `type` owned by `qname` or by the end of the CNAME chain starting at it, taken
 * from the answer section (as c-ares does). The chain is followed as far as the answer goes, as
 * c-ares follows it (no fixed hop limit; a loop ends it); `chainTtl` is the lowest TTL along it.
 */
export function recordsAtChainEnd<T extends TypedTypeName>(
  answers: readonly ResourceRecord[],
  qname: Name,
  type: T,
): { records: RecordOf<T>[]; chainTtl: number } {
  const records = answers.filter((r): r is RecordOf<T> => r.type === type && namesEqual(r.name, qname));
  if (records.length > 0 || type === 'CNAME') return { records, chainTtl: Infinity };
  // One pass to index the CNAMEs, so a long chain costs O(n), not O(n²), however the answer is ordered.
  let cnames: Map<string, RecordOf<'CNAME'>> | undefined;
  for (const r of answers) if (r.type === 'CNAME') (cnames ??= new Map()).set(r.name.toLowerCase(), r);
  if (cnames === undefined) return { records, chainTtl: Infinity };
  let owner = qname.toLowerCase();
  let chainTtl = Infinity;
  for (let hops = 0; hops < cnames.size; hops++) {
    const cname = cnames.get(owner);
    if (cname === undefined) break;
    chainTtl = Math.min(chainTtl, cname.ttl);
    owner = cname.data.toLowerCase();
  }
  return { records: answers.filter((r): r is RecordOf<T> => r.type === type && r.name.toLowerCase() === owner), chainTtl };
}

export function addresses(records: readonly RecordOf<'A' | 'AAAA'>[], chainTtl: number, withTtl: boolean): string[] | RecordWithTtl[] {
  return withTtl ? records.map((r) => ({ address: r.data, ttl: Math.min(r.ttl, chainTtl) })) : records.map((r) => r.data);
}

export const toMx = (r: RecordOf<'MX'>): MxRecord => ({ exchange: nodeName(r.data.exchange), priority: r.data.preference });
export const toTxt = (r: RecordOf<'TXT'>): string[] => r.data.map((s) => utf8.decode(s));
export const toSrv = (r: RecordOf<'SRV'>): SrvRecord => ({
  name: nodeName(r.data.target),
  port: r.data.port,
  priority: r.data.priority,
  weight: r.data.weight,
});
export const toSoa = (r: RecordOf<'SOA'>): SoaRecord => ({
  nsname: nodeName(r.data.mname),
  hostmaster: nodeName(r.data.rname),
  serial: r.data.serial,
  refresh: r.data.refresh,
  retry: r.data.retry,
  expire: r.data.expire,
  minttl: r.data.minimum,
});
export const toCaa = (r: RecordOf<'CAA'>): CaaRecord => ({ critical: r.data.flags, [r.data.tag]: utf8.decode(r.data.value) });
export const toName = (r: RecordOf<'NS' | 'CNAME' | 'PTR'>): string => nodeName(r.data);

/** One answer record in resolveAny()'s shape; undefined for types node:dns does not report. */
export function toAny(r: ResourceRecord): AnyRecord | undefined {
  switch (r.type) {
    case 'A':
    case 'AAAA':
      return { type: r.type, address: r.data, ttl: r.ttl };
    case 'CNAME':
    case 'NS':
    case 'PTR':
      return { type: r.type, value: nodeName(r.data) };
    case 'MX':
      return { type: 'MX', ...toMx(r) };
    case 'SOA':
      return { type: 'SOA', ...toSoa(r) };
    case 'SRV':
      return { type: 'SRV', ...toSrv(r) };
    case 'TXT':
      return { type: 'TXT', entries: toTxt(r) };
    case 'CAA':
      return { type: 'CAA', ...toCaa(r) };
    default:
      return undefined;
  }
}
