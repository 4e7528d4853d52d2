import { canonicalName, fqdn, type Name } from '@port53/wire';
import type { ZoneErrorCode, ZoneErrorSeverity } from './errors.js';
import type { LocatedRecord } from './parser.js';

export type CheckReport = (code: ZoneErrorCode, reason: string, at: LocatedRecord | undefined, severity?: ZoneErrorSeverity) => void;

/** Types that may sit beside a CNAME (RFC 4035 §2.5: DNSSEC's RRSIG and NSEC). */
const BESIDE_CNAME = new Set(['RRSIG', 'NSEC']);

const BACKSLASH = 0x5c;
const DOT = 0x2e;
/** RRsets of one name searched one by one up to this many; past it, through a map. */
const LINEAR_TYPES = 16;

/** The checks in the order they report; a record's reports come in this order. */
const enum Phase {
  OutsideZone,
  Ttl,
  Duplicate,
  Apex,
  Cname,
}

/**
 * The zone-level checks of a parsed zone. Returns the records to serve: out-of-zone records
 * removed, exact duplicates dropped (as NSD and Knot do, with a warning), and each RRset's TTLs
 * set to its lowest (RFC 2181 §5.2, with a warning). Problems are reported in file order (those
 * of the whole zone last), never thrown.
 */
export function checkZone(origin: Name, located: readonly LocatedRecord[], report: CheckReport): LocatedRecord[] {
  const found: { phase: Phase; args: Parameters<CheckReport> }[] = [];
  const kept = runChecks(origin, located, (phase, ...args) => found.push({ phase, args }));
  if (found.length === 0) return kept;
  // Records made by one $GENERATE share a place: they sort as the first of them.
  const order = new Map<string, number>();
  located.forEach((r, i) => {
    const key = placeKey(r);
    if (!order.has(key)) order.set(key, i);
  });
  const sorted = found.map((f, seq) => ({ ...f, seq, order: f.args[2] ? (order.get(placeKey(f.args[2])) ?? Infinity) : Infinity }));
  sorted.sort((a, b) => a.order - b.order || a.phase - b.phase || a.seq - b.seq);
  for (const f of sorted) report(...f.args);
  return kept;
}

function placeKey(r: LocatedRecord): string {
  return `${r.file}\u0000${r.line}\u0000${r.column}`;
}

type PhaseReport = (phase: Phase, ...args: Parameters<CheckReport>) => void;

/**
 * Names and RRsets numbered as they first appear, with per-RRset facts in flat arrays: a million
 * records need no per-record keys or objects beyond the records themselves.
 */
class RRsetIndex {
  readonly names = new Map<Name, number>();
  /** Per name: its first RRset (-1 none); per RRset: the name's next one. */
  private readonly firstSet: Int32Array;
  private readonly nextSet: Int32Array;
  private readonly setCount: Int32Array;
  /** Names with more than LINEAR_TYPES RRsets: `${name id} type` → RRset id. */
  private readonly wide = new Map<string, number>();
  readonly types: string[] = [];
  /** Per RRset: lowest TTL, index of its first record, records in it. */
  readonly lowest: Float64Array;
  readonly first: Int32Array;
  readonly size: Int32Array;
  sets = 0;

  constructor(capacity: number) {
    this.firstSet = new Int32Array(capacity).fill(-1);
    this.nextSet = new Int32Array(capacity);
    this.setCount = new Int32Array(capacity);
    this.lowest = new Float64Array(capacity);
    this.first = new Int32Array(capacity);
    this.size = new Int32Array(capacity);
  }

  nameId(key: Name): number {
    let id = this.names.get(key);
    if (id === undefined) this.names.set(key, (id = this.names.size));
    return id;
  }

  /** The RRset of (name, type), added with record `index` when new. */
  set(nameId: number, type: string, index: number, ttl: number): number {
    let s = -1;
    if (this.setCount[nameId] > LINEAR_TYPES) s = this.wide.get(`${nameId} ${type}`) ?? -1;
    else for (let t = this.firstSet[nameId]; t >= 0; t = this.nextSet[t]) if (this.types[t] === type) { s = t; break; }
    if (s >= 0) {
      this.size[s]++;
      if (ttl < this.lowest[s]) this.lowest[s] = ttl;
      return s;
    }
    s = this.sets++;
    this.types.push(type);
    this.lowest[s] = ttl;
    this.first[s] = index;
    this.size[s] = 1;
    this.nextSet[s] = this.firstSet[nameId];
    this.firstSet[nameId] = s;
    const count = ++this.setCount[nameId];
    if (count === LINEAR_TYPES + 1) {
      for (let t = this.firstSet[nameId]; t >= 0; t = this.nextSet[t]) this.wide.set(`${nameId} ${this.types[t]}`, t);
    } else if (count > LINEAR_TYPES + 1) {
      this.wide.set(`${nameId} ${type}`, s);
    }
    return s;
  }
}

function runChecks(origin: Name, located: readonly LocatedRecord[], report: PhaseReport): LocatedRecord[] {
  const apexKey = canonicalName(origin);
  const inZone: LocatedRecord[] = [];
  for (const r of located) {
    if (isBelow(canonicalName(r.rr.name), apexKey)) inZone.push(r);
    else report(Phase.OutsideZone, 'OUTSIDE_ZONE', `${fqdn(r.rr.name)} is outside the zone ${fqdn(origin)}`, r);
  }

  const index = new RRsetIndex(inZone.length);
  const setOf = new Int32Array(inZone.length);
  const nameOf = new Int32Array(inZone.length);
  const hasCname = new Set<number>();
  for (let i = 0; i < inZone.length; i++) {
    const rr = inZone[i].rr;
    const id = index.nameId(canonicalName(rr.name));
    nameOf[i] = id;
    setOf[i] = index.set(id, rr.type, i, rr.ttl);
    if (rr.type === 'CNAME') hasCname.add(id);
  }

  const apexId = index.names.get(apexKey) ?? -1;
  const warned = new Set<number>();
  const seen = new Map<number, Map<string, LocatedRecord>>();
  const cnameNames = new Map<number, { cnames: LocatedRecord[]; others: Set<string> }>();
  const kept: LocatedRecord[] = [];
  let soa: LocatedRecord | undefined;
  let hasNs = false;
  for (let i = 0; i < inZone.length; i++) {
    let r = inZone[i];
    const s = setOf[i];
    // RFC 2181 §5.2: all TTLs of an RRset are equal; like NSD and Knot, warn and take the lowest.
    const ttl = index.lowest[s];
    const firstTtl = inZone[index.first[s]].rr.ttl;
    if (r.rr.ttl !== firstTtl && !warned.has(s)) {
      warned.add(s);
      report(Phase.Ttl, 'TTL_MISMATCH', `TTL ${r.rr.ttl} differs from ${firstTtl} in the ${fqdn(r.rr.name)} ${r.rr.type} RRset; all take ${ttl}`, r, 'warning');
    }
    if (r.rr.ttl !== ttl) r = { ...r, rr: { ...r.rr, ttl } };

    if (index.size[s] > 1) {
      let set = seen.get(s);
      if (!set) seen.set(s, (set = new Map()));
      const key = rdataKey(r.rr.data);
      const earlier = set.get(key);
      if (earlier !== undefined) {
        report(Phase.Duplicate, 'DUPLICATE', `duplicate of the record at ${earlier.file}:${earlier.line}, ignored`, r, 'warning');
        continue;
      }
      set.set(key, r);
    }
    kept.push(r);

    // RFC 1035 §5.2: exactly one SOA, at the top of the zone; RFC 1034 §4.2.1: NS records there too.
    const atApex = nameOf[i] === apexId;
    if (r.rr.type === 'NS' && atApex) hasNs = true;
    if (r.rr.type === 'SOA') {
      if (!atApex) report(Phase.Apex, 'SOA_NOT_AT_APEX', `SOA at ${fqdn(r.rr.name)}, below the zone's apex ${fqdn(origin)}`, r);
      else if (soa) report(Phase.Apex, 'MULTIPLE_SOA', `a second SOA at ${fqdn(origin)} (the first is at line ${soa.line})`, r);
      else soa = r;
    }

    if (hasCname.has(nameOf[i])) {
      let at = cnameNames.get(nameOf[i]);
      if (!at) cnameNames.set(nameOf[i], (at = { cnames: [], others: new Set() }));
      if (r.rr.type === 'CNAME') at.cnames.push(r);
      else if (!BESIDE_CNAME.has(r.rr.type)) at.others.add(r.rr.type);
    }
  }
  if (!soa) report(Phase.Apex, 'NO_SOA', `no SOA record at the zone's apex ${fqdn(origin)}`, undefined);
  if (!hasNs) report(Phase.Apex, 'NO_NS', `no NS records at the zone's apex ${fqdn(origin)}`, soa);

  // RFC 1034 §3.6.2 and RFC 2181 §10.1: a CNAME is the only data at its name, and there is one.
  for (const { cnames, others } of cnameNames.values()) {
    if (cnames.length === 0) continue;
    for (const extra of cnames.slice(1)) {
      report(Phase.Cname, 'CNAME_AND_OTHER_DATA', `a second CNAME at ${fqdn(extra.rr.name)} (the first is at line ${cnames[0].line})`, extra);
    }
    if (others.size > 0) {
      report(Phase.Cname, 'CNAME_AND_OTHER_DATA', `CNAME at ${fqdn(cnames[0].rr.name)} beside other data (${[...others].join(', ')})`, cnames[0]);
    }
  }
  return kept;
}

/** isSubdomain for canonical names: `key` is `apex` or below it, label-wise. */
function isBelow(key: Name, apex: Name): boolean {
  if (apex === '.' || apex === '' || key === apex) return true;
  if (key.length <= apex.length + 1 || !key.endsWith(apex) || key.charCodeAt(key.length - apex.length - 1) !== DOT) return false;
  // The dot before the apex must not be escaped: count the backslashes in front of it.
  let backslashes = 0;
  for (let i = key.length - apex.length - 2; i >= 0 && key.charCodeAt(i) === BACKSLASH; i--) backslashes++;
  return backslashes % 2 === 0;
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
