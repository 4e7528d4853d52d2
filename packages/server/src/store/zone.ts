import { canonicalName, RRType, typeFromString } from '@port53/wire';
import type { Name, RecordOf, ResourceRecord } from '@port53/wire';
import { ZoneNode, type RRset } from './node.js';
import { suffixKeys } from './suffixes.js';

export { ZoneNode, type RRset, type RRsets } from './node.js';

/** What the store needs from a loaded zone; the zone parser's `LoadedZone` satisfies it. */
export interface ZoneContents {
  origin: Name;
  records: readonly ResourceRecord[];
  serial?: number;
  /** The tree of these records when the loader built it already (buildCatalog then takes it). */
  tree?: Zone;
}

/**
 * The zone checker's numbering of the records' owners, so that a load hashes each name once:
 * the tree takes `names` over as its own map of nodes (the caller must not use it afterwards).
 */
export interface NameIndex {
  /** Canonical owner → id. Every id is the owner of at least one record. */
  names: Map<Name, number>;
  /** Per record of the contents: its owner's id. */
  nameOf: Int32Array;
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

  /** Builds the tree of `contents`; with `index` (records already checked to be in the zone), from its names. */
  constructor(contents: ZoneContents, index?: NameIndex) {
    this.origin = contents.origin;
    this.key = canonicalName(contents.origin);
    this.apexLabels = suffixKeys(this.key).length - 1;
    // Until every id is replaced by its node, the map holds both (see NameIndex).
    this.nodes = index ? (index.names as Map<Name, unknown> as Map<Name, ZoneNode>) : new Map();
    this.apex = this.addNode(this.origin, this.key);
    const byId: (ZoneNode | undefined)[] = index ? new Array<ZoneNode | undefined>(index.names.size) : [];
    const codes = new Map<string, number>();
    // Nodes with more than LINEAR_TYPES RRsets (hostile zones) find them through a map.
    const wide = new Map<ZoneNode, Map<number, RRset>>();
    let lastName: Name | undefined;
    let node = this.apex;
    const records = contents.records;
    for (let j = 0; j < records.length; j++) {
      const record = records[j];
      if (index) {
        const id = index.nameOf[j];
        node = byId[id] ?? (byId[id] = this.nodeFromIndex(record.name));
      } else if (record.name !== lastName) {
        // Records of one owner usually follow each other and share its string: one lookup.
        const key = canonicalName(record.name);
        if (!isBelow(key, this.key)) throw new ZoneStoreError('OUT_OF_ZONE', this.origin, `${record.name} is outside the zone`);
        node = this.nodes.get(key) ?? this.addPath(record.name, key);
        lastName = record.name;
      }
      let code = codes.get(record.type);
      if (code === undefined) codes.set(record.type, (code = typeFromString(record.type) ?? 0));
      const types = wide.size > 0 ? wide.get(node) : undefined;
      if (!node.add(code, record, types)) continue;
      if (!types && node.size > LINEAR_TYPES) wide.set(node, node.restByCode());
      if (code === RRType.NS && node !== this.apex) node.delegation = true;
    }
    // A name without records would leave its id in the map where a node belongs.
    for (let id = 0; id < byId.length; id++) {
      if (byId[id] === undefined) throw new Error(`${this.origin}: name ${id} of the index has no records`);
    }
    for (const n of this.nodes.values()) n.seal();
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

  /** The node of an owner numbered by a NameIndex: the apex, or made now in place of its id. */
  private nodeFromIndex(name: Name): ZoneNode {
    const key = canonicalName(name);
    // Only the apex is made before its records; every other owner still has its id in the map.
    return key === this.key ? this.apex : this.addPath(name, key);
  }

  /**
   * Adds the node of a name not yet in the tree, and every missing empty non-terminal between it
   * and the apex: up from the name until an ancestor exists (the apex always does).
   */
  private addPath(name: Name, key: Name): ZoneNode {
    const node = this.addNode(name, key);
    for (let i = 0; i < key.length; i++) {
      const c = key.charCodeAt(i);
      if (c === BACKSLASH) {
        i += 1; // an escaped character (or the first digit of \DDD) is never a separator
        continue;
      }
      if (c !== DOT) continue;
      const parent = key.slice(i + 1);
      if (parent === this.key || this.nodes.has(parent)) break;
      // Lower-casing changes only ASCII letters, so an ancestor's text sits at the same offset.
      this.addNode(name.slice(i + 1), parent);
    }
    return node;
  }

  private addNode(name: Name, key: Name): ZoneNode {
    const node = new ZoneNode(name, key);
    this.nodes.set(key, node);
    return node;
  }
}

const BACKSLASH = 0x5c;
const DOT = 0x2e;
/** RRsets of one node searched one by one up to this many while building; past it, through a map. */
const LINEAR_TYPES = 16;

/** isSubdomain for canonical names: `key` is `apex` or below it, label-wise. */
function isBelow(key: Name, apex: Name): boolean {
  if (apex === '.' || apex === '' || key === apex) return true;
  if (key.length <= apex.length + 1 || !key.endsWith(apex) || key.charCodeAt(key.length - apex.length - 1) !== DOT) return false;
  let backslashes = 0;
  for (let i = key.length - apex.length - 2; i >= 0 && key.charCodeAt(i) === BACKSLASH; i--) backslashes++;
  return backslashes % 2 === 0;
}

export function buildZone(contents: ZoneContents): Zone {
  return new Zone(contents);
}
