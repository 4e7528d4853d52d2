import { canonicalName, fqdn, isSubdomain, type Name, type ResourceRecord } from '@port53/wire';
import type { ZoneErrorCode, ZoneErrorSeverity } from './errors.js';
import type { LocatedRecord } from './parser.js';

export type CheckReport = (code: ZoneErrorCode, reason: string, at: LocatedRecord | undefined, severity?: ZoneErrorSeverity) => void;

/** Types that may sit beside a CNAME (RFC 4035 §2.5: DNSSEC's RRSIG and NSEC). */
const BESIDE_CNAME = new Set(['RRSIG', 'NSEC']);

/**
 * The zone-level checks of a parsed zone. Returns the records to serve: out-of-zone records
 * removed, exact duplicates dropped (as NSD and Knot do, with a warning), and each RRset's TTLs
 * set to its lowest (RFC 2181 §5.2, with a warning). Problems are reported in file order (those
 * of the whole zone last), never thrown.
 */
export function checkZone(origin: Name, located: readonly LocatedRecord[], report: CheckReport): LocatedRecord[] {
  const found: { order: number; args: Parameters<CheckReport> }[] = [];
  const order = new Map<string, number>();
  located.forEach((r, i) => {
    const key = placeKey(r);
    if (!order.has(key)) order.set(key, i);
  });
  const kept = runChecks(origin, located, (...args) => {
    found.push({ order: args[2] ? (order.get(placeKey(args[2])) ?? Infinity) : Infinity, args });
  });
  found.sort((a, b) => a.order - b.order); // stable: checks of one record keep their order
  for (const f of found) report(...f.args);
  return kept;
}

function placeKey(r: LocatedRecord): string {
  return `${r.file}\u0000${r.line}\u0000${r.column}`;
}

function runChecks(origin: Name, located: readonly LocatedRecord[], report: CheckReport): LocatedRecord[] {
  const inZone = located.filter((r) => {
    if (isSubdomain(r.rr.name, origin)) return true;
    report('OUTSIDE_ZONE', `${fqdn(r.rr.name)} is outside the zone ${fqdn(origin)}`, r);
    return false;
  });
  const records = lowestTtls(inZone, report);
  const kept = dropDuplicates(records, report);
  checkApex(origin, kept, report);
  checkCnames(kept, report);
  return kept;
}

function rrsetKey(rr: ResourceRecord): string {
  return `${canonicalName(rr.name)}\u0000${rr.type}`;
}

/** RFC 2181 §5.2: all TTLs of an RRset are equal; like NSD and Knot, warn and take the lowest. */
function lowestTtls(records: readonly LocatedRecord[], report: CheckReport): LocatedRecord[] {
  const lowest = new Map<string, number>();
  for (const r of records) {
    const key = rrsetKey(r.rr);
    lowest.set(key, Math.min(lowest.get(key) ?? Infinity, r.rr.ttl));
  }
  const warned = new Set<string>();
  const first = new Map<string, number>();
  return records.map((r) => {
    const key = rrsetKey(r.rr);
    const ttl = lowest.get(key) as number;
    const firstTtl = first.get(key);
    if (firstTtl === undefined) first.set(key, r.rr.ttl);
    else if (firstTtl !== r.rr.ttl && !warned.has(key)) {
      warned.add(key);
      report('TTL_MISMATCH', `TTL ${r.rr.ttl} differs from ${firstTtl} in the ${fqdn(r.rr.name)} ${r.rr.type} RRset; all take ${ttl}`, r, 'warning');
    }
    return r.rr.ttl === ttl ? r : { ...r, rr: { ...r.rr, ttl } };
  });
}

function dropDuplicates(records: readonly LocatedRecord[], report: CheckReport): LocatedRecord[] {
  const seen = new Map<string, LocatedRecord>();
  return records.filter((r) => {
    const key = `${rrsetKey(r.rr)}\u0000${rdataKey(r.rr.data)}`;
    const earlier = seen.get(key);
    if (earlier === undefined) {
      seen.set(key, r);
      return true;
    }
    report('DUPLICATE', `duplicate of the record at ${earlier.file}:${earlier.line}, ignored`, r, 'warning');
    return false;
  });
}

/** Comparable rdata: names compare case-insensitively (RFC 4343), octets exactly. */
function rdataKey(data: unknown): string {
  if (typeof data === 'string') return JSON.stringify(data.toLowerCase());
  if (typeof data === 'number') return String(data);
  if (data instanceof Uint8Array) return `x${Buffer.from(data).toString('hex')}`;
  if (Array.isArray(data)) return `[${data.map(rdataKey).join(',')}]`;
  const object = data as Record<string, unknown>;
  return `{${Object.keys(object).sort().map((k) => `${k}:${rdataKey(object[k])}`).join(',')}}`;
}

/** RFC 1035 §5.2: exactly one SOA, at the top of the zone; RFC 1034 §4.2.1: NS records there too. */
function checkApex(origin: Name, records: readonly LocatedRecord[], report: CheckReport): void {
  const apex = canonicalName(origin);
  let soa: LocatedRecord | undefined;
  let hasNs = false;
  for (const r of records) {
    const atApex = canonicalName(r.rr.name) === apex;
    if (r.rr.type === 'NS' && atApex) hasNs = true;
    if (r.rr.type !== 'SOA') continue;
    if (!atApex) report('SOA_NOT_AT_APEX', `SOA at ${fqdn(r.rr.name)}, below the zone's apex ${fqdn(origin)}`, r);
    else if (soa) report('MULTIPLE_SOA', `a second SOA at ${fqdn(origin)} (the first is at line ${soa.line})`, r);
    else soa = r;
  }
  if (!soa) report('NO_SOA', `no SOA record at the zone's apex ${fqdn(origin)}`, undefined);
  if (!hasNs) report('NO_NS', `no NS records at the zone's apex ${fqdn(origin)}`, soa);
}

/** RFC 1034 §3.6.2 and RFC 2181 §10.1: a CNAME is the only data at its name, and there is one. */
function checkCnames(records: readonly LocatedRecord[], report: CheckReport): void {
  const byName = new Map<string, LocatedRecord[]>();
  for (const r of records) {
    const key = canonicalName(r.rr.name);
    const list = byName.get(key);
    if (list) list.push(r);
    else byName.set(key, [r]);
  }
  for (const list of byName.values()) {
    const cnames = list.filter((r) => r.rr.type === 'CNAME');
    if (cnames.length === 0) continue;
    for (const extra of cnames.slice(1)) {
      report('CNAME_AND_OTHER_DATA', `a second CNAME at ${fqdn(extra.rr.name)} (the first is at line ${cnames[0].line})`, extra);
    }
    const others = [...new Set(list.filter((r) => r.rr.type !== 'CNAME' && !BESIDE_CNAME.has(r.rr.type)).map((r) => r.rr.type))];
    if (others.length > 0) {
      report('CNAME_AND_OTHER_DATA', `CNAME at ${fqdn(cnames[0].rr.name)} beside other data (${others.join(', ')})`, cnames[0]);
    }
  }
}
