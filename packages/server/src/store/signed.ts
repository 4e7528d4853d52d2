/**
 * What a pre-signed zone adds to the tree (RFC 4035 §3.1, RFC 5155 §7.2): RRSIGs by the type they
 * cover, the NSEC chain in canonical order, and the NSEC3 chain in its own hashed-name space.
 * Built once at load; the answer path only searches it.
 */
import {
  canonicalOrderKey, compareCanonicalKeys, compareOctets, fromBase32Hex, nsec3Hash, NSEC3_OPT_OUT, readNsec3,
  readNsec3Params, RRType, rrsigTypeCovered, sameNsec3Chain, splitName,
} from '@port53/wire';
import type { Name, Nsec3Params, ResourceRecord } from '@port53/wire';
import type { ZoneNode } from './node.js';

/** One link of the NSEC3 chain: the hashed owner's node, its NSEC3 of this chain, and what it says. */
export interface Nsec3Link {
  hash: Uint8Array;
  node: ZoneNode;
  record: ResourceRecord;
  next: Uint8Array;
  optOut: boolean;
}

/** The NSEC3 chain NSEC3PARAM selects (RFC 5155 §4), sorted by hash. */
export class Nsec3Chain {
  constructor(
    readonly params: Nsec3Params,
    readonly links: readonly Nsec3Link[],
  ) {}

  get size(): number {
    return this.links.length;
  }

  /** IH(salt, name, iterations) of this chain. */
  hash(name: Name): Uint8Array {
    return nsec3Hash(name, this.params.salt, this.params.iterations);
  }

  /** The link whose owner is this hash. */
  match(hash: Uint8Array): Nsec3Link | undefined {
    const i = this.floor(hash);
    return i >= 0 && compareOctets(this.links[i].hash, hash) === 0 ? this.links[i] : undefined;
  }

  /** The link that covers this hash: owner < hash < next, the last link wrapping round (RFC 5155 §3.1.7). */
  cover(hash: Uint8Array): Nsec3Link | undefined {
    if (this.links.length === 0) return undefined;
    const i = this.floor(hash);
    const at = i >= 0 && compareOctets(this.links[i].hash, hash) === 0 ? i - 1 : i;
    return this.links[at < 0 ? this.links.length - 1 : at];
  }

  /** Index of the last link whose hash is <= `hash`, -1 when none. */
  private floor(hash: Uint8Array): number {
    let lo = 0;
    let hi = this.links.length - 1;
    let found = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (compareOctets(this.links[mid].hash, hash) <= 0) {
        found = mid;
        lo = mid + 1;
      } else {
        hi = mid - 1;
      }
    }
    return found;
  }
}

/** The owners of NSEC records in canonical order (RFC 4034 §6.1). */
export class NsecChain {
  private readonly keys: Uint8Array[][];
  constructor(private readonly nodes: readonly ZoneNode[]) {
    this.keys = nodes.map((n) => canonicalOrderKey(n.key));
  }

  get size(): number {
    return this.nodes.length;
  }

  /** The node whose NSEC covers `name` (owner < name, the last wrapping round to the apex), or owns it. */
  covering(name: Name): ZoneNode | undefined {
    if (this.nodes.length === 0) return undefined;
    const key = canonicalOrderKey(name);
    let lo = 0;
    let hi = this.keys.length - 1;
    let found = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (compareCanonicalKeys(this.keys[mid], key) <= 0) {
        found = mid;
        lo = mid + 1;
      } else {
        hi = mid - 1;
      }
    }
    return this.nodes[found < 0 ? this.nodes.length - 1 : found];
  }
}

/** The DNSSEC view of a built tree; `undefined` for a zone without any RRSIG, NSEC or NSEC3. */
export interface SignedData {
  /** Per node, its RRSIGs by the type they cover (RFC 4034 §3.1.1). */
  signatures: Map<ZoneNode, Map<number, ResourceRecord[]>>;
  /** Owners of nothing but NSEC3 and its RRSIGs: hashed names, not names of the zone (RFC 5155 §7.2.8). */
  hidden: Set<ZoneNode>;
  nsec?: NsecChain;
  nsec3?: Nsec3Chain;
}

/**
 * Indexes the signed parts of a zone's nodes: each node's RRSIGs by covered type; NSEC3-only
 * owners hidden from the tree (RFC 5155 §7.2.8: they are not names of the zone); the chains.
 */
export function indexSigned(apex: ZoneNode, nodes: readonly ZoneNode[]): SignedData | undefined {
  const nsecNodes: ZoneNode[] = [];
  const nsec3Nodes: ZoneNode[] = [];
  const signatures = new Map<ZoneNode, Map<number, ResourceRecord[]>>();
  const hidden = new Set<ZoneNode>();
  for (const node of nodes) {
    const sigs = node.rrsets.get(RRType.RRSIG);
    if (sigs) {
      const byType = new Map<number, ResourceRecord[]>();
      for (const sig of sigs.records) {
        if (!(sig.data instanceof Uint8Array)) continue;
        const covered = rrsigTypeCovered(sig.data);
        const list = byType.get(covered);
        if (list) list.push(sig);
        else byType.set(covered, [sig]);
      }
      signatures.set(node, byType);
    }
    if (node.rrsets.has(RRType.NSEC)) nsecNodes.push(node);
    if (node.rrsets.has(RRType.NSEC3)) nsec3Nodes.push(node);
  }
  if (signatures.size === 0 && nsecNodes.length === 0 && nsec3Nodes.length === 0) return undefined;
  const data: SignedData = { signatures, hidden };
  if (nsecNodes.length > 0) {
    const keyed = nsecNodes.map((node) => ({ node, key: canonicalOrderKey(node.key) }));
    keyed.sort((a, b) => compareCanonicalKeys(a.key, b.key));
    data.nsec = new NsecChain(keyed.map((k) => k.node));
  }
  const param = apex.rrsets.get(RRType.NSEC3PARAM)?.records.map((r) => (r.data instanceof Uint8Array ? readNsec3Params(r.data) : undefined)).find((p) => p !== undefined && p.hashAlgorithm === 1);
  if (param) {
    data.nsec3 = nsec3Chain(param, nsec3Nodes);
    // The chain's owners holding nothing but NSEC3 and its RRSIGs are hashes, not names. Without
    // NSEC3PARAM there is no chain, and NSEC3 records are served as any data (as NSD does).
    for (const link of data.nsec3.links) if (isHashOnly(link.node, signatures) && link.node !== apex) hidden.add(link.node);
  }
  return data;
}

function isHashOnly(node: ZoneNode, signatures: ReadonlyMap<ZoneNode, Map<number, ResourceRecord[]>>): boolean {
  for (const code of node.rrsets.keys()) if (code !== RRType.NSEC3 && code !== RRType.RRSIG) return false;
  for (const covered of signatures.get(node)?.keys() ?? []) if (covered !== RRType.NSEC3) return false;
  return true;
}

function nsec3Chain(params: Nsec3Params, nodes: readonly ZoneNode[]): Nsec3Chain {
  const links: Nsec3Link[] = [];
  for (const node of nodes) {
    const label = splitName(node.key)[0];
    const hash = label === undefined ? undefined : fromBase32Hex(label);
    if (!hash) continue;
    for (const record of node.rrsets.get(RRType.NSEC3)!.records) {
      const fields = record.data instanceof Uint8Array ? readNsec3(record.data) : undefined;
      if (!fields || !sameNsec3Chain(fields, params)) continue;
      links.push({ hash, node, record, next: fields.nextHashed, optOut: (fields.flags & NSEC3_OPT_OUT) !== 0 });
      break;
    }
  }
  links.sort((a, b) => compareOctets(a.hash, b.hash));
  return new Nsec3Chain(params, links);
}
