/**
 * The DNSSEC records an answer from a pre-signed zone carries when the query set DO
 * (RFC 4035 §3.1): the RRSIGs of every RRset in answer and authority, and the NSEC (RFC 4035
 * §3.1.3) or NSEC3 (RFC 5155 §7.2) records that prove a name or a type absent.
 */
import { RRType, typeFromString } from '@port53/wire';
import type { Name, ResourceRecord } from '@port53/wire';
import type { Nsec3Chain, Nsec3Link, SignedData, Zone, ZoneNode } from '../store/zone.js';

/** The RRSIGs at `node` covering type `code`, owned by `owner` (a wildcard's are owned by the name it stood in for). */
export function signaturesOf(signed: SignedData, node: ZoneNode, code: number, owner: Name, ttl?: number): ResourceRecord[] {
  const sigs = signed.signatures.get(node)?.get(code);
  if (!sigs) return [];
  if (owner === sigs[0].name && ttl === undefined) return sigs;
  return sigs.map((s) => ({ ...s, name: owner, ttl: ttl === undefined ? s.ttl : Math.min(s.ttl, ttl) }));
}

/** Appends after each RRset of `records` (as answerFromNode gives them: RRsets in a row) its RRSIGs. */
export function withSignatures(signed: SignedData, node: ZoneNode, records: readonly ResourceRecord[], owner: Name): ResourceRecord[] {
  const out: ResourceRecord[] = [];
  for (let i = 0; i < records.length; i++) {
    out.push(records[i]);
    const last = i + 1 === records.length || records[i + 1].type !== records[i].type;
    if (last && records[i].type !== 'RRSIG') out.push(...signaturesOf(signed, node, typeFromString(records[i].type) ?? -1, owner));
  }
  return out;
}

/** A proof's records, each RRset once: NSEC or NSEC3 and its RRSIGs. */
class Proof {
  readonly records: ResourceRecord[] = [];
  private readonly nodes = new Set<ZoneNode>();
  constructor(private readonly signed: SignedData) {}

  nsecAt(node: ZoneNode | undefined): void {
    if (!node || this.nodes.has(node)) return;
    const nsec = node.rrsets.get(RRType.NSEC);
    if (!nsec) return;
    this.nodes.add(node);
    this.records.push(...nsec.records, ...signaturesOf(this.signed, node, RRType.NSEC, nsec.records[0].name));
  }

  nsec3(link: Nsec3Link | undefined): void {
    if (!link || this.nodes.has(link.node)) return;
    this.nodes.add(link.node);
    this.records.push(link.record, ...signaturesOf(this.signed, link.node, RRType.NSEC3, link.record.name));
  }
}

/**
 * RFC 5155 §7.2.1: the closest provable encloser of `suffixes[0]` at or above `from` (an index
 * into suffixes of an existing name), its NSEC3 and the NSEC3 covering the next closer name.
 * Returns the index of the provable encloser in `suffixes`.
 */
function closestEncloserProof(chain: Nsec3Chain, suffixes: readonly Name[], from: number, apexIndex: number, proof: Proof): number {
  let at = from;
  while (at < apexIndex && !chain.match(chain.hash(suffixes[at]))) at++;
  proof.nsec3(chain.match(chain.hash(suffixes[at])));
  if (at > 0) proof.nsec3(chain.cover(chain.hash(suffixes[at - 1])));
  return at;
}

function wildcardOf(name: Name): Name {
  return name === '.' ? '*' : `*.${name}`;
}

/** Where the query's name stands: its canonical suffixes, and the index of the zone's apex among them. */
export interface Place {
  suffixes: readonly Name[];
  apexIndex: number;
}

export function placeIn(zone: Zone, suffixes: readonly Name[]): Place {
  return { suffixes, apexIndex: suffixes.indexOf(zone.key) };
}

/** NXDOMAIN (RFC 4035 §3.1.3.2, RFC 5155 §7.2.2): nothing matches the name, nor a wildcard at its closest encloser. */
export function denyName(signed: SignedData, place: Place, encloser: ZoneNode): ResourceRecord[] {
  const proof = new Proof(signed);
  const { suffixes, apexIndex } = place;
  if (signed.nsec3) {
    const ce = closestEncloserProof(signed.nsec3, suffixes, Math.max(0, suffixes.indexOf(encloser.key)), apexIndex, proof);
    proof.nsec3(signed.nsec3.cover(signed.nsec3.hash(wildcardOf(suffixes[ce]))));
  } else if (signed.nsec) {
    proof.nsecAt(signed.nsec.covering(suffixes[0]));
    proof.nsecAt(signed.nsec.covering(wildcardOf(encloser.key)));
  }
  return proof.records;
}

/**
 * NODATA (RFC 4035 §3.1.3.1, RFC 5155 §7.2.3 and §7.2.4): the name exists without the type. An
 * empty non-terminal has no NSEC of its own: the NSEC before it in the chain covers it.
 */
export function denyType(signed: SignedData, place: Place, node: ZoneNode): ResourceRecord[] {
  const proof = new Proof(signed);
  if (signed.nsec3) {
    const link = signed.nsec3.match(signed.nsec3.hash(place.suffixes[0]));
    if (link) proof.nsec3(link);
    else closestEncloserProof(signed.nsec3, place.suffixes, 0, place.apexIndex, proof); // opt-out (§7.2.4)
  } else if (signed.nsec) {
    if (node.rrsets.has(RRType.NSEC)) proof.nsecAt(node);
    else proof.nsecAt(signed.nsec.covering(place.suffixes[0]));
  }
  return proof.records;
}

/**
 * A wildcard stood in for the name (RFC 4035 §3.1.3.3, RFC 5155 §7.2.6): the name itself does not
 * exist. With `nodata` (RFC 4035 §3.1.3.4, RFC 5155 §7.2.5) the wildcard lacks the type as well.
 */
export function denyExpansion(signed: SignedData, place: Place, wildcard: ZoneNode, nodata: boolean): ResourceRecord[] {
  const proof = new Proof(signed);
  const { suffixes, apexIndex } = place;
  // The wildcard is "*" below the closest encloser, whose suffix index is found from its key.
  const encloserKey = wildcard.key === '*' ? '.' : wildcard.key.slice(2);
  const ce = suffixes.indexOf(encloserKey);
  if (signed.nsec3) {
    if (nodata) {
      closestEncloserProof(signed.nsec3, suffixes, ce, apexIndex, proof);
      proof.nsec3(signed.nsec3.match(signed.nsec3.hash(wildcard.key)));
    } else if (ce > 0) {
      proof.nsec3(signed.nsec3.cover(signed.nsec3.hash(suffixes[ce - 1])));
    }
  } else if (signed.nsec) {
    proof.nsecAt(signed.nsec.covering(suffixes[0]));
    if (nodata) proof.nsecAt(wildcard);
  }
  return proof.records;
}

/**
 * A referral (RFC 4035 §3.1.4): the DS RRset and its RRSIGs for a secure delegation, else the
 * proof that there is none (the cut's NSEC or NSEC3, or an opt-out span, RFC 5155 §7.2.7).
 */
export function delegationSecurity(signed: SignedData, place: Place, cut: ZoneNode): ResourceRecord[] {
  const ds = cut.rrsets.get(RRType.DS);
  if (ds) return [...ds.records, ...signaturesOf(signed, cut, RRType.DS, ds.records[0].name)];
  const proof = new Proof(signed);
  if (signed.nsec3) {
    const link = signed.nsec3.match(signed.nsec3.hash(cut.key));
    if (link) proof.nsec3(link);
    else closestEncloserProof(signed.nsec3, place.suffixes, Math.max(0, place.suffixes.indexOf(cut.key)), place.apexIndex, proof);
  } else if (signed.nsec) {
    proof.nsecAt(cut);
  }
  return proof.records;
}
