import { canonicalName, MAX_NAME_LENGTH, Rcode, RRType, wireLength } from '@port53/wire';
import type { Name, RecordOf, ResourceRecord } from '@port53/wire';
import type { Catalog } from '../store/catalog.js';
import { suffixKeys } from '../store/suffixes.js';
import type { DnameTarget, SignedData, Zone, ZoneNode, ZoneWalk } from '../store/zone.js';
import { additionalAddresses, glue, rrsetKeys } from './additional.js';
import { MAX_CNAME_CHAIN } from './defaults.js';
import { delegationSecurity, denyExpansion, denyName, denyType, placeIn, signaturesOf, withSignatures } from './dnssec.js';

/** The sections of an answer from our zones, before the header and EDNS are put around them. */
export interface Answer {
  rcode: number;
  /** Authoritative answer: false only for a referral with nothing in the answer section. */
  aa: boolean;
  answers: ResourceRecord[];
  authorities: ResourceRecord[];
  additionals: ResourceRecord[];
  /** What kind of answer this is and from where, as response rate limiting groups them (see rrl.ts). */
  source: AnswerSource;
}

/**
 * The answer's kind and the name it comes from: the canonical qname for data found at it, the
 * wildcard's owner for data or NODATA synthesized from one (RFC 4592), the zone's apex for
 * NODATA and NXDOMAIN, the cut for a referral.
 */
export interface AnswerSource {
  kind: 'answer' | 'wildcard' | 'nodata' | 'nxdomain' | 'referral';
  name: Name;
}

export interface LookupOptions {
  /**
   * qtype ANY: every RRset of the name (TCP), or only the first by type number (UDP), as
   * RFC 8482 §4.2 allows, so ANY over UDP cannot amplify. Checked: Knot 3.2 sends that one RRset
   * over TCP too, NSD 4.6 one RRset (SOA at an apex) over both; we show all over TCP so that
   * `dig +tcp ANY` lists a name's data.
   */
  fullAny: boolean;
  /** DO was set (RFC 3225): RRSIGs and denial-of-existence records from signed zones (RFC 4035 §3.1). */
  dnssec?: boolean;
}

/** What one zone says about one name: the named branches of RFC 1034 §4.3.2 step 3. */
type ZoneStep =
  | { kind: 'answer'; records: ResourceRecord[]; node: ZoneNode; wildcard: boolean }
  | { kind: 'cname'; records: ResourceRecord[]; target: Name; node: ZoneNode; wildcard: boolean }
  /** RFC 6672 §3.2: the DNAME RRset and the CNAME synthesized from it (none when the new name is too long). */
  | { kind: 'dname'; records: readonly ResourceRecord[]; cname?: RecordOf<'CNAME'>; node: ZoneNode }
  | { kind: 'referral'; cut: ZoneNode }
  /** `node` is the name's own node, or the wildcard that stood in for it. */
  | { kind: 'nodata'; node: ZoneNode; wildcard: boolean }
  /** `node` is the closest encloser (RFC 4592 §3.3.1). */
  | { kind: 'nxdomain'; node: ZoneNode };

/**
 * Answers qname/qtype from the catalog (RFC 1034 §4.3.2 steps 2–6, RFC 4592, RFC 2308), or
 * returns undefined when no served zone contains qname (the caller refuses). Owners that equal
 * qname take its case as received, so the reply's answer names compress onto the question.
 */
export function lookup(catalog: Catalog, qname: Name, qtype: number, options: LookupOptions): Answer | undefined {
  let suffixes = suffixKeys(canonicalName(qname));
  let zone = catalog.zoneFor(suffixes, qtype === RRType.DS);
  if (!zone) return undefined;
  const result: Answer = { rcode: Rcode.NOERROR, aa: true, answers: [], authorities: [], additionals: [], source: { kind: 'answer', name: suffixes[0] } };
  const seen = new Set<Name>([suffixes[0]]);
  let name = qname;
  let first: ZoneStep | undefined;
  for (;;) {
    const step = answerFromZone(zone, name, suffixes, qtype, options);
    first ??= step;
    const signed = options.dnssec === true ? zone.signed : undefined;
    if (step.kind === 'answer' || step.kind === 'cname') {
      result.answers.push(...(signed ? withSignatures(signed, step.node, step.records, name) : step.records));
      if (signed && step.wildcard) result.authorities.push(...denyExpansion(signed, placeIn(zone, suffixes), step.node, false));
      if (step.kind === 'cname') {
        const next = followCname(catalog, step.target, qtype, seen);
        if (next) {
          ({ zone, suffixes, name } = next);
          continue;
        }
      }
    } else if (step.kind === 'dname') {
      // A chain can pass one DNAME more than once (a DNAME pointing below itself): list it once.
      if (!result.answers.includes(step.records[0])) {
        result.answers.push(...step.records);
        if (signed) result.answers.push(...signaturesOf(signed, step.node, RRType.DNAME, step.records[0].name));
      }
      // RFC 6672 §2.2: a substituted name over 255 octets is YXDOMAIN, with the DNAME only.
      if (!step.cname) {
        result.rcode = Rcode.YXDOMAIN;
        break;
      }
      result.answers.push(step.cname); // synthesized: unsigned (RFC 6672 §5.3.1)
      // qtype CNAME is answered by the synthesized CNAME itself, unchased (NSD, Knot).
      if (qtype === RRType.CNAME) break;
      const next = followCname(catalog, step.cname.data, qtype, seen);
      if (next) {
        ({ zone, suffixes, name } = next);
        continue;
      }
    } else if (step.kind === 'referral') {
      referral(result, zone, step.cut);
      result.source = { kind: 'referral', name: step.cut.key };
      if (signed) result.authorities.push(...delegationSecurity(signed, placeIn(zone, suffixes), step.cut));
    } else if (step.kind === 'nodata') {
      // After a CNAME too: random qtypes at an alias get the same CNAME and SOA.
      nodata(result, zone, signed);
      result.source = { kind: 'nodata', name: zone.key };
      if (signed) {
        const place = placeIn(zone, suffixes);
        result.authorities.push(...(step.wildcard ? denyExpansion(signed, place, step.node, true) : denyType(signed, place, step.node)));
      }
    } else {
      nxdomain(result, zone, signed);
      result.source = { kind: 'nxdomain', name: zone.key };
      if (signed) result.authorities.push(...denyName(signed, placeIn(zone, suffixes), step.node));
    }
    break;
  }
  // Synthesized for qname from a wildcard: every such name shares the wildcard's source.
  if (first !== undefined && 'wildcard' in first && first.wildcard && result.source.kind !== 'nxdomain') result.source = { kind: 'wildcard', name: first.node.key };
  const have = rrsetKeys(result.answers);
  for (const r of result.additionals) have.add(`${canonicalName(r.name)}/${r.type}`);
  result.additionals.push(...additionalAddresses(catalog, result.answers, have));
  return result;
}

/** RFC 1034 §4.3.2 step 3 inside one zone. */
function answerFromZone(zone: Zone, name: Name, suffixes: readonly Name[], qtype: number, options: LookupOptions): ZoneStep {
  const found = findClosestEncloser(zone, suffixes);
  // A DS RRset belongs to the parent side of the cut (RFC 4035 §3.1.4.1); NSD and Knot answer it there.
  if (found.cut && !(found.exact && qtype === RRType.DS)) return { kind: 'referral', cut: found.cut };
  if (found.dname) return substituteDname(found.node, found.dname, name);
  if (found.exact) return answerFromNode(found.node, name, qtype, options, false);
  return synthesizeWildcard(zone, found.node, name, qtype, options) ?? { kind: 'nxdomain', node: found.node };
}

/**
 * The deepest existing name on the path from the apex to qname (RFC 4592 §3.3.1), stopping at
 * the first zone cut: names below a cut are never answered from the parent. Every ancestor of a
 * name with data is a node (empty non-terminals included), so the walk stops at the first miss.
 */
function findClosestEncloser(zone: Zone, suffixes: readonly Name[]): ZoneWalk {
  return zone.walk(suffixes);
}

/** Step 3a at an existing node (or at a wildcard standing in for qname). */
function answerFromNode(node: ZoneNode, owner: Name, qtype: number, options: LookupOptions, wildcard: boolean): ZoneStep {
  if (qtype === RRType.ANY) {
    // With DO each RRset brings its own RRSIGs, so the RRSIG RRset is not listed as data.
    const all = options.dnssec ? [...node.rrsets.values()].filter((s) => s.code !== RRType.RRSIG) : [...node.rrsets.values()];
    if (all.length === 0) return { kind: 'nodata', node, wildcard };
    const sets = options.fullAny ? all : [all[0]];
    return { kind: 'answer', records: sets.flatMap((s) => withOwner(s.records, owner)), node, wildcard };
  }
  const set = node.rrsets.get(qtype);
  if (set) return { kind: 'answer', records: withOwner(set.records, owner), node, wildcard };
  const cname = node.rrsets.get(RRType.CNAME);
  if (cname && cname.records[0].type === 'CNAME') {
    return { kind: 'cname', records: withOwner(cname.records, owner), target: cname.records[0].data, node, wildcard };
  }
  return { kind: 'nodata', node, wildcard }; // an empty non-terminal, or a name without this type (RFC 2308 §2.2)
}

/**
 * RFC 6672 §3.2 step 3c: qname is below the DNAME owner `node`, so the answer is the DNAME RRset
 * and a CNAME from qname to qname with the owner's labels replaced by the target, with the
 * DNAME's TTL (§3.3). The CNAME's owner is qname as received; its prefix keeps the query's case.
 */
function substituteDname(node: ZoneNode, target: DnameTarget, qname: Name): ZoneStep {
  const dname = node.rrsets.get(RRType.DNAME)!.records;
  // Canonical names differ from received ones in ASCII case only, so the owner is a suffix of this length.
  const prefix = node.key === '.' ? qname : qname.slice(0, qname.length - node.key.length - 1);
  // The prefix's labels in wire form (without its root octet) plus the target's whole wire form.
  if (wireLength(prefix) - 1 + target.wireLength > MAX_NAME_LENGTH) return { kind: 'dname', records: dname, node };
  const substituted = target.name === '.' ? prefix : `${prefix}.${target.name}`;
  const cname: RecordOf<'CNAME'> = { name: qname, ttl: dname[0].ttl, class: 'IN', type: 'CNAME', data: substituted };
  return { kind: 'dname', records: dname, cname, node };
}

/**
 * RFC 4592 §3.3: qname does not exist; the source of synthesis is "*" below the closest
 * encloser. Any existing name (an empty non-terminal too) on the way already stopped the walk,
 * and so did a cut, so no wildcard matches at or below a delegation. The synthesized owner is qname.
 */
function synthesizeWildcard(zone: Zone, encloser: ZoneNode, qname: Name, qtype: number, options: LookupOptions): ZoneStep | undefined {
  const wildcard = zone.node(encloser.key === '.' ? '*' : `*.${encloser.key}`);
  if (!wildcard) return undefined;
  // A wildcard owning NS is a delegation of the name "*" only (RFC 4592 §4.2); refer as BIND does.
  if (wildcard.delegation && qtype !== RRType.DS) return { kind: 'referral', cut: wildcard };
  return answerFromNode(wildcard, qname, qtype, options, true);
}

/**
 * RFC 1034 §4.3.2 step 3a: restart at the CNAME target when we serve it (in this zone or
 * another). A loop or a chain longer than MAX_CNAME_CHAIN ends the chase with what we have.
 */
function followCname(catalog: Catalog, target: Name, qtype: number, seen: Set<Name>): { zone: Zone; suffixes: Name[]; name: Name } | undefined {
  const suffixes = suffixKeys(canonicalName(target));
  if (seen.has(suffixes[0]) || seen.size > MAX_CNAME_CHAIN) return undefined;
  seen.add(suffixes[0]);
  const zone = catalog.zoneFor(suffixes, qtype === RRType.DS);
  return zone ? { zone, suffixes, name: target } : undefined;
}

/** Step 3b: the cut's NS RRset in authority and glue in additional. Not authoritative (RFC 1034 §6.2.6). */
export function referral(result: Answer, zone: Zone, cut: ZoneNode): void {
  const ns = cut.rrsets.get(RRType.NS);
  if (!ns) return;
  result.aa = result.answers.length > 0; // AA describes the answer section's first owner, still ours after a CNAME
  result.authorities.push(...ns.records);
  const have = rrsetKeys(result.answers);
  result.additionals.push(...glue(zone, ns, have));
}

/** RFC 2308 §2.2: NOERROR with the zone's SOA in authority. */
export function nodata(result: Answer, zone: Zone, signed?: SignedData): void {
  result.authorities.push(...negativeSoa(zone, signed));
}

/** RFC 2308 §2.1: NXDOMAIN with the zone's SOA in authority (after a CNAME: of the target's zone, RFC 6604). */
export function nxdomain(result: Answer, zone: Zone, signed?: SignedData): void {
  result.rcode = Rcode.NXDOMAIN;
  result.authorities.push(...negativeSoa(zone, signed));
}

/**
 * RFC 2308 §5: the negative TTL is the smaller of the SOA's own TTL and its MINIMUM; its RRSIGs
 * (RFC 4035 §3.1.3) get the same TTL, as NSD and Knot send them.
 */
function negativeSoa(zone: Zone, signed: SignedData | undefined): ResourceRecord[] {
  const soa = zone.soa;
  const ttl = Math.min(soa.ttl, soa.data.minimum);
  const record = { ...soa, ttl };
  return signed ? [record, ...signaturesOf(signed, zone.apex, RRType.SOA, soa.name, ttl)] : [record];
}

function withOwner(records: readonly ResourceRecord[], owner: Name): ResourceRecord[] {
  if (records[0].name === owner) return [...records];
  return records.map((r) => ({ ...r, name: owner }));
}
