import { canonicalName, isSubdomain, RRType, typeFromString } from '@port53/wire';
import type { Name, RecordOf, ResourceRecord, TypeName } from '@port53/wire';
import { suffixKeys } from './suffixes.js';

/** What the store needs from a loaded zone; the zone parser's `LoadedZone` satisfies it. */
export interface ZoneContents {
  origin: Name;
  records: readonly ResourceRecord[];
  serial?: number;
}

/** All records of one owner, class and type (RFC 2181 §5). */
export interface RRset {
  /** The owner as written in the zone (case preserved). */
  name: Name;
  type: TypeName;
  /** The type's number; the node's RRsets are ordered by it. */
  code: number;
  records: readonly ResourceRecord[];
}

/**
 * One name of the zone tree. A node without RRsets is an empty non-terminal (RFC 4592 §2.2.2):
 * it exists because a name below it exists.
 */
export interface ZoneNode {
  name: Name;
  key: Name;
  rrsets: Map<number, RRset>;
  /** NS at a name other than the apex: a zone cut (RFC 1034 §4.2.1). */
  delegation: boolean;
}

/** Where a walk from the apex towards a name stopped. */
export interface ZoneWalk {
  /** The deepest existing node on the way: the name itself when `exact`, else the closest encloser (RFC 4592 §3.3.1). */
  node: ZoneNode;
  exact: boolean;
  /** Set when the walk met a delegation at or above the name; `node` is then that cut. */
  cut?: ZoneNode;
}

export type ZoneStoreErrorCode = 'NO_SOA' | 'OUT_OF_ZONE';

/** A zone's records cannot form a zone tree (the zone parser's checks should have caught it). */
export class ZoneStoreError extends Error {
  override readonly name = 'ZoneStoreError';
  constructor(
    readonly code: ZoneStoreErrorCode,
    readonly zone: Name,
    message: string,
  ) {
    super(`${zone}: ${message}`);
  }
}

/** One zone as a tree of canonical names → nodes with RRsets by type. */
export class Zone {
  readonly origin: Name;
  readonly key: Name;
  readonly serial: number;
  readonly soa: RecordOf<'SOA'>;
  readonly apex: ZoneNode;
  readonly recordCount: number;
  private readonly nodes: Map<Name, ZoneNode>;
  /** Labels in the apex: a name's suffixes below the apex are the first (labels(name) − this) entries. */
  private readonly apexLabels: number;

  constructor(contents: ZoneContents) {
    this.origin = contents.origin;
    this.key = canonicalName(contents.origin);
    this.apexLabels = suffixKeys(this.key).length - 1;
    this.nodes = new Map();
    this.apex = this.ensureNode(this.origin, this.key);
    const byOwnerType = new Map<ZoneNode, Map<number, ResourceRecord[]>>();
    for (const record of contents.records) {
      if (!isSubdomain(record.name, this.origin)) {
        throw new ZoneStoreError('OUT_OF_ZONE', this.origin, `${record.name} is outside the zone`);
      }
      const node = this.ensurePath(record.name);
      const code = typeFromString(record.type) ?? 0;
      let types = byOwnerType.get(node);
      if (!types) byOwnerType.set(node, (types = new Map()));
      const list = types.get(code);
      if (list) list.push(record);
      else types.set(code, [record]);
    }
    for (const [node, types] of byOwnerType) {
      for (const code of [...types.keys()].sort((a, b) => a - b)) {
        const records = types.get(code)!;
        node.rrsets.set(code, { name: records[0].name, type: records[0].type, code, records });
      }
      node.delegation = node !== this.apex && node.rrsets.has(RRType.NS);
    }
    const soa = this.apex.rrsets.get(RRType.SOA)?.records[0];
    if (!soa || soa.type !== 'SOA') throw new ZoneStoreError('NO_SOA', this.origin, 'no SOA record at the apex');
    this.soa = soa;
    this.serial = contents.serial ?? soa.data.serial;
    this.recordCount = contents.records.length;
  }

  /** The node of a canonical name, including empty non-terminals and names below cuts (glue). */
  node(key: Name): ZoneNode | undefined {
    return this.nodes.get(key);
  }

  /**
   * Walks from the apex down to `suffixes[0]` (the canonical name's suffixes, see suffixKeys),
   * stopping at the first delegation (RFC 1034 §4.3.2 step 3b) or at the first missing name.
   * The name must be at or below the apex.
   */
  walk(suffixes: readonly Name[]): ZoneWalk {
    let node = this.apex;
    for (let i = suffixes.length - 2 - this.apexLabels; i >= 0; i--) {
      const next = this.nodes.get(suffixes[i]);
      if (!next) return { node, exact: false };
      node = next;
      if (node.delegation) return { node, exact: i === 0, cut: node };
    }
    return { node, exact: true };
  }

  /** Adds a node for `name` and every empty non-terminal between it and the apex. */
  private ensurePath(name: Name): ZoneNode {
    const key = canonicalName(name);
    const existing = this.nodes.get(key);
    if (existing) return existing;
    const suffixes = suffixKeys(key);
    for (let i = suffixes.length - 2 - this.apexLabels; i >= 0; i--) {
      const k = suffixes[i];
      // Lower-casing changes only ASCII letters, so an ancestor's text sits at the same offset.
      this.ensureNode(name.slice(name.length - k.length), k);
    }
    return this.nodes.get(key)!;
  }

  private ensureNode(name: Name, key: Name): ZoneNode {
    let node = this.nodes.get(key);
    if (!node) {
      node = { name, key, rrsets: new Map(), delegation: false };
      this.nodes.set(key, node);
    }
    return node;
  }
}

export function buildZone(contents: ZoneContents): Zone {
  return new Zone(contents);
}
