import { canonicalName, fqdn, isCanonicalSubdomain, type Name, type ResourceRecord } from '@port53/wire';
import type { ZoneErrorCode, ZoneErrorSeverity } from './errors.js';
import { NameTable } from '../store/names.js';
import { suffixKeys } from '../store/suffixes.js';
import type { NameIndex } from '../store/zone.js';
import { checkSignedZone } from './dnssec-checks.js';
import type { Place, RecordPlaces } from './places.js';

export type CheckReport = (code: ZoneErrorCode, reason: string, at: Place | undefined, severity?: ZoneErrorSeverity) => void;

/** Types that may sit beside a CNAME (RFC 4035 §2.5: DNSSEC's RRSIG and NSEC). */
const BESIDE_CNAME = new Set(['RRSIG', 'NSEC']);

/** Types whose records each keep the TTL written: signatures, one per covered RRset (RFC 4034 §3, RFC 2535 §4.1 for SIG). */
const OWN_TTL = new Set(['RRSIG', 'SIG']);

/** RRsets of one name searched one by one up to this many; past it, through a map. */
const LINEAR_TYPES = 16;

/** The checks in the order they report; a record's reports come in this order. */
const enum Phase {
  OutsideZone,
  Ttl,
  Duplicate,
  Apex,
  Cname,
  Dname,
  Dnssec,
}

/** The records to serve, and their owners numbered for the zone tree (see NameIndex). */
export interface CheckedRecords {
  records: ResourceRecord[];
  names: NameIndex;
}

/**
 * The zone-level checks of a parsed zone. Returns the records to serve, in `records` itself
 * (compacted in place: a million records need no second array): out-of-zone records
 * removed, exact duplicates dropped (as NSD and Knot do, with a warning), and each RRset's TTLs
 * set to its lowest (RFC 2181 §5.2, with a warning). Problems are reported in file order (those
 * of the whole zone last), never thrown.
 */
export function checkZone(origin: Name, records: ResourceRecord[], places: RecordPlaces, report: CheckReport): CheckedRecords {
  const found: { phase: Phase; index: number; args: Parameters<CheckReport> }[] = [];
  const checked = runChecks(origin, records, places, (phase, index, code, reason, severity) => {
    found.push({ phase, index, args: [code, reason, index < 0 ? undefined : places.at(index), severity] });
  });
  if (found.length === 0) return checked;
  // Records made by one $GENERATE share a place: they sort as the first of them.
  const order = new Map<string, number>();
  for (let i = 0; i < places.length; i++) {
    const key = places.key(i);
    if (!order.has(key)) order.set(key, i);
  }
  const sorted = found.map((f, seq) => ({ ...f, seq, order: f.index < 0 ? Infinity : (order.get(places.key(f.index)) as number) }));
  sorted.sort((a, b) => a.order - b.order || a.phase - b.phase || a.seq - b.seq);
  for (const f of sorted) report(...f.args);
  return checked;
}

/** A check's report about the record at `index` (-1: the whole zone). */
type PhaseReport = (phase: Phase, index: number, code: ZoneErrorCode, reason: string, severity?: ZoneErrorSeverity) => void;

/**
 * Names and RRsets numbered as they first appear, with per-RRset facts in flat arrays: a million
 * records need no per-record keys or objects beyond the records themselves.
 */
class RRsetIndex {
  readonly names = new NameTable();
  /** Per name: its first RRset (-1 none), and how many it has (counted up to 255). */
  private readonly firstSet: Int32Array;
  private readonly setCount: Uint8Array;
  /** Per RRset: the next RRset of its name, and its type (numbered in `typeIds`). */
  private readonly nextSet: Int32Array;
  private readonly setType: Uint16Array;
  private readonly typeIds = new Map<string, number>();
  /** Names with more than LINEAR_TYPES RRsets: `${name id} ${type id}` → RRset id. */
  private readonly wide = new Map<string, number>();
  /** Per RRset: lowest TTL, its first record's TTL, and whether it has more than one record. */
  readonly lowest: Uint32Array;
  readonly firstTtl: Uint32Array;
  readonly several: Uint8Array;
  sets = 0;

  constructor(capacity: number) {
    this.firstSet = new Int32Array(capacity).fill(-1);
    this.setCount = new Uint8Array(capacity);
    this.nextSet = new Int32Array(capacity);
    this.setType = new Uint16Array(capacity);
    this.lowest = new Uint32Array(capacity);
    this.firstTtl = new Uint32Array(capacity);
    this.several = new Uint8Array(capacity);
  }

  nameId(key: Name): number {
    return this.names.add(key);
  }

  /** The RRset of (name, type), added when new. TTLs are RFC 2181 §8 31-bit values. */
  set(nameId: number, type: string, ttl: number): number {
    let typeId = this.typeIds.get(type);
    if (typeId === undefined) this.typeIds.set(type, (typeId = this.typeIds.size));
    let s = -1;
    if (this.setCount[nameId] > LINEAR_TYPES) s = this.wide.get(`${nameId} ${typeId}`) ?? -1;
    else {
      for (let t = this.firstSet[nameId]; t >= 0; t = this.nextSet[t]) {
        if (this.setType[t] === typeId) {
          s = t;
          break;
        }
      }
    }
    if (s >= 0) {
      this.several[s] = 1;
      if (ttl < this.lowest[s]) this.lowest[s] = ttl;
      return s;
    }
    s = this.sets++;
    this.setType[s] = typeId;
    this.lowest[s] = ttl;
    this.firstTtl[s] = ttl;
    this.nextSet[s] = this.firstSet[nameId];
    this.firstSet[nameId] = s;
    const count = this.setCount[nameId] + 1;
    if (count <= 255) this.setCount[nameId] = count;
    if (count === LINEAR_TYPES + 1) {
      for (let t = this.firstSet[nameId]; t >= 0; t = this.nextSet[t]) this.wide.set(`${nameId} ${this.setType[t]}`, t);
    } else if (count > LINEAR_TYPES + 1) {
      this.wide.set(`${nameId} ${typeId}`, s);
    }
    return s;
  }
}

function runChecks(origin: Name, records: ResourceRecord[], places: RecordPlaces, report: PhaseReport): CheckedRecords {
  const apexKey = canonicalName(origin);
  // Indices of the records inside the zone, made once one is not (else record k is the k-th).
  let inZone: Int32Array | undefined;
  let n = 0;
  // Records of one owner usually follow each other and share its string: one check.
  let insideName: Name | undefined;
  for (let i = 0; i < records.length; i++) {
    const rr = records[i];
    if (rr.name === insideName || isCanonicalSubdomain(canonicalName(rr.name), apexKey)) {
      insideName = rr.name;
      if (inZone) inZone[n] = i;
      n++;
      continue;
    }
    if (!inZone) inZone = Int32Array.from({ length: records.length }, (_, j) => j);
    report(Phase.OutsideZone, i, 'OUTSIDE_ZONE', `${fqdn(rr.name)} is outside the zone ${fqdn(origin)}`);
  }

  const index = new RRsetIndex(n);
  const setOf = new Int32Array(n);
  const nameOf = new Int32Array(n);
  const hasCname = new Set<number>();
  // Canonical DNAME owners: only a zone with some pays for the walk up from each name.
  const dnameOwners = new Set<Name>();
  let signed = false;
  let lastName: Name | undefined;
  let id = -1;
  for (let k = 0; k < n; k++) {
    const rr = records[inZone ? inZone[k] : k];
    // Records of one owner usually follow each other and share its string: one lookup.
    if (rr.name !== lastName) {
      id = index.nameId(canonicalName(rr.name));
      lastName = rr.name;
    }
    nameOf[k] = id;
    setOf[k] = index.set(id, rr.type, rr.ttl);
    if (rr.type === 'CNAME') hasCname.add(id);
    else if (rr.type === 'DNAME') dnameOwners.add(canonicalName(rr.name));
    else if (rr.type === 'RRSIG' || rr.type === 'NSEC' || rr.type === 'NSEC3') signed = true;
  }
  // Before the loop below compacts `records`: the DNSSEC checks name records by their places.
  if (signed) {
    const indices = inZone ? inZone.subarray(0, n) : Int32Array.from({ length: n }, (_, k) => k);
    checkSignedZone(origin, records, indices, Math.floor(Date.now() / 1000), (i, code, reason) => report(Phase.Dnssec, i, code, reason, 'warning'));
  }

  const apexId = index.names.get(apexKey) ?? -1;
  const warned = new Set<number>();
  const seen = new Map<number, Map<string, number>>();
  const cnameNames = new Map<number, { cnames: number[]; names: Name[]; others: Set<string> }>();
  // The kept records are written over `records` from its start (kept <= k: nothing unread is lost).
  let kept = 0;
  // nameOf[j] for the j-th kept record, written over nameOf (j <= k, so nothing unread is lost).
  const keptNames = nameOf;
  let soa = -1;
  let hasNs = false;
  const firstDname = new Map<number, number>();
  const belowChecked = new Set<number>();
  for (let k = 0; k < n; k++) {
    const i = inZone ? inZone[k] : k;
    let rr = records[i];
    const s = setOf[k];
    const nameId = nameOf[k];
    // RFC 2181 §5.2: all TTLs of an RRset are equal; like NSD and Knot, warn and take the lowest.
    // Signatures are not such a set: each RRSIG carries the TTL of the RRset it covers (RFC 4034
    // §3), so RRSIGs of one owner over different types differ rightly, and each keeps its own.
    if (!OWN_TTL.has(rr.type)) {
      const ttl = index.lowest[s];
      const firstTtl = index.firstTtl[s];
      if (rr.ttl !== firstTtl && !warned.has(s)) {
        warned.add(s);
        report(Phase.Ttl, i, 'TTL_MISMATCH', `TTL ${rr.ttl} differs from ${firstTtl} in the ${fqdn(rr.name)} ${rr.type} RRset; all take ${ttl}`, 'warning');
      }
      if (rr.ttl !== ttl) rr = { ...rr, ttl };
    }

    if (index.several[s] === 1) {
      let set = seen.get(s);
      if (!set) seen.set(s, (set = new Map()));
      const key = rdataKey(rr.data);
      const earlier = set.get(key);
      if (earlier !== undefined) {
        const at = places.at(earlier);
        report(Phase.Duplicate, i, 'DUPLICATE', `duplicate of the record at ${at.file}:${at.line}, ignored`, 'warning');
        continue;
      }
      set.set(key, i);
    }
    keptNames[kept] = nameId;
    records[kept++] = rr;

    // RFC 1035 §5.2: exactly one SOA, at the top of the zone; RFC 1034 §4.2.1: NS records there too.
    const atApex = nameId === apexId;
    if (rr.type === 'NS' && atApex) hasNs = true;
    if (rr.type === 'SOA') {
      if (!atApex) report(Phase.Apex, i, 'SOA_NOT_AT_APEX', `SOA at ${fqdn(rr.name)}, below the zone's apex ${fqdn(origin)}`);
      else if (soa >= 0) report(Phase.Apex, i, 'MULTIPLE_SOA', `a second SOA at ${fqdn(origin)} (the first is at line ${places.line(soa)})`);
      else soa = i;
    }

    if (hasCname.has(nameId)) {
      let at = cnameNames.get(nameId);
      if (!at) cnameNames.set(nameId, (at = { cnames: [], names: [], others: new Set() }));
      if (rr.type === 'CNAME') {
        at.cnames.push(i);
        at.names.push(rr.name);
      }
      else if (!BESIDE_CNAME.has(rr.type)) at.others.add(rr.type);
    }

    if (dnameOwners.size > 0) {
      if (rr.type === 'DNAME') {
        const first = firstDname.get(nameId);
        if (first === undefined) firstDname.set(nameId, i);
        else report(Phase.Dname, i, 'MULTIPLE_DNAME', `a second DNAME at ${fqdn(rr.name)} (the first is at line ${places.line(first)})`);
      }
      // Reported once per name, at its first record, as NSD reports it once per node.
      if (!belowChecked.has(nameId)) {
        belowChecked.add(nameId);
        const owner = dnameAbove(canonicalName(rr.name), apexKey, dnameOwners);
        if (owner !== undefined) report(Phase.Dname, i, 'DATA_BELOW_DNAME', `${fqdn(rr.name)} is below the DNAME at ${fqdn(owner)}, which allows no data below it`);
      }
    }
  }
  if (soa < 0) report(Phase.Apex, -1, 'NO_SOA', `no SOA record at the zone's apex ${fqdn(origin)}`);
  // A warning, as Knot gives (NSD says nothing): test and generated zones often lack apex NS, and
  // answering from them is well defined; only delegating to the zone needs them (RFC 1034 §4.2.1).
  if (!hasNs) report(Phase.Apex, soa, 'NO_NS', `no NS records at the zone's apex ${fqdn(origin)}; a parent cannot delegate to it`, 'warning');

  // RFC 1034 §3.6.2 and RFC 2181 §10.1: a CNAME is the only data at its name, and there is one.
  for (const { cnames, names, others } of cnameNames.values()) {
    if (cnames.length === 0) continue;
    const first = cnames[0];
    for (let c = 1; c < cnames.length; c++) {
      report(Phase.Cname, cnames[c], 'CNAME_AND_OTHER_DATA', `a second CNAME at ${fqdn(names[c])} (the first is at line ${places.line(first)})`);
    }
    if (others.size > 0) {
      report(Phase.Cname, first, 'CNAME_AND_OTHER_DATA', `CNAME at ${fqdn(names[0])} beside other data (${[...others].join(', ')})`);
    }
  }
  records.length = kept;
  return { records, names: { names: index.names, nameOf: keptNames.subarray(0, kept) } };
}

/** The DNAME owner that is a proper ancestor of `key` inside the zone, if any (RFC 6672 §2.3). */
function dnameAbove(key: Name, apexKey: Name, owners: ReadonlySet<Name>): Name | undefined {
  const suffixes = suffixKeys(key);
  for (let i = 1; i < suffixes.length; i++) {
    if (owners.has(suffixes[i])) return suffixes[i];
    if (suffixes[i] === apexKey) return undefined;
  }
  return undefined;
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
