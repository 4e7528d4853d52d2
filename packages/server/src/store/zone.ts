import { canonicalName, isCanonicalSubdomain, nameFromOctets, RRType, typeFromString, wireLength } from '@port53/wire';
import type { Name, RecordOf, ResourceRecord } from '@port53/wire';
import { NameTable } from './names.js';
import { ZoneNode, type RRset } from './node.js';
import { indexSigned, type SignedData } from './signed.js';
import { suffixKeys } from './suffixes.js';

export { ZoneNode, type RRset, type RRsets } from './node.js';
/** A DNAME's target, read once at load time so that answering never re-reads rdata. */
export interface DnameTarget {
  name: Name;
  /** Octets of the target in wire form, root included (RFC 6672 §2.1). */
  wireLength: number;
}
export type { Nsec3Chain, Nsec3Link, NsecChain, SignedData } from './signed.js';

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
 * the tree takes `names` over as its own map (the caller must not use it afterwards).
 */
export interface NameIndex {
  /** Canonical owner → id. Every id is the owner of at least one record. */
  names: NameTable;
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
  /** Set when a proper ancestor of the name owns a DNAME (RFC 6672 §3); `node` is then its owner. */
  dname?: DnameTarget;
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

/**
 * Builds a zone tree a slice of records at a time, so that a thread that answers queries can
 * build a large zone between them (see loading/); `new Zone(contents)` builds it in one go.
 */
export class ZoneBuilder {
  readonly origin: Name;
  readonly key: Name;
  readonly apexLabels: number;
  readonly ids: NameTable;
  readonly list: ZoneNode[];
  readonly apex: ZoneNode;
  dnames: Map<ZoneNode, DnameTarget> | undefined;
  /** An RRSIG, NSEC or NSEC3 was added: the zone is signed (store/signed.ts indexes it). */
  dnssec = false;
  /** Records added so far (the index of the next one in the index's numbering). */
  count = 0;
  private readonly named: number;
  /** Nodes of `list` sealed so far (sealSome). */
  private sealed = 0;
  private readonly codes = new Map<string, number>();
  // Nodes with more than LINEAR_TYPES RRsets (hostile zones) find them through a map.
  private readonly wide = new Map<ZoneNode, Map<number, RRset>>();
  private lastName: Name | undefined;
  private node: ZoneNode;

  constructor(
    origin: Name,
    private readonly index?: NameIndex,
  ) {
    this.origin = origin;
    this.key = canonicalName(origin);
    this.apexLabels = suffixKeys(this.key).length - 1;
    // The index's ids become the nodes' places in the list; other names are added after them.
    this.ids = index ? index.names : new NameTable();
    this.named = index ? index.names.size : 0;
    this.list = index ? new Array<ZoneNode>(this.named) : [];
    this.apex = new ZoneNode(origin, this.key);
    const apexId = this.ids.get(this.key);
    if (apexId === undefined) this.addNode(this.apex);
    else this.list[apexId] = this.apex;
    this.node = this.apex;
  }

  /** Adds records[from, to) (the records must come in the order the index numbered them). */
  add(records: readonly ResourceRecord[], from = 0, to = records.length): this {
    const { index, codes, wide } = this;
    let node = this.node;
    let lastName = this.lastName;
    for (let j = from; j < to; j++) {
      const record = records[j];
      if (index) {
        const id = index.nameOf[this.count];
        node = this.list[id] ?? this.nodeFromIndex(id, record.name);
      } else if (record.name !== lastName) {
        // Records of one owner usually follow each other and share its string: one lookup.
        const key = canonicalName(record.name);
        if (!isCanonicalSubdomain(key, this.key)) throw new ZoneStoreError('OUT_OF_ZONE', this.origin, `${record.name} is outside the zone`);
        // One probe of the table: a new name gets the next id, its place at the end of the list.
        const size = this.ids.size;
        const id = this.ids.add(key);
        if (id < size) node = this.list[id];
        else {
          node = new ZoneNode(record.name, key);
          this.list.push(node);
          this.addPath(node);
        }
        lastName = record.name;
      }
      this.count++;
      let code = codes.get(record.type);
      if (code === undefined) codes.set(record.type, (code = typeFromString(record.type) ?? 0));
      const types = wide.size > 0 ? wide.get(node) : undefined;
      if (!node.add(code, record, types)) continue;
      if (!types && node.size > LINEAR_TYPES) wide.set(node, node.restByCode());
      if (code === RRType.NS && node !== this.apex) node.delegation = true;
      if (code === RRType.RRSIG || code === RRType.NSEC || code === RRType.NSEC3) this.dnssec = true;
      // RFC 6672 §2.4 allows one DNAME per owner (the checks refuse more): the first one redirects.
      if (code === RRType.DNAME) {
        // Octets until the type table gives DNAME a typed form; then its Name.
        const name = record.data instanceof Uint8Array ? nameFromOctets(record.data) : typeof record.data === 'string' ? record.data : undefined;
        if (name !== undefined) (this.dnames ??= new Map()).set(node, { name, wireLength: wireLength(name) });
      }
    }
    this.node = node;
    this.lastName = lastName;
    return this;
  }

  /** The zone's serial when it is not its SOA's (ZoneContents.serial). */
  serial: number | undefined;

  /** Seals the nodes and returns the zone; the builder must not be used afterwards. */
  finish(serial?: number): Zone {
    this.serial = serial;
    return new Zone(this);
  }

  /** Building done: every node's RRsets in type order (Zone's constructor calls it). */
  seal(): void {
    this.sealSome(Infinity);
  }

  /**
   * Building done, a slice at a time (a reload on the answering thread): adds the empty
   * non-terminals above the index's names and seals nodes until `deadline` (performance.now()
   * ms); true once every node is sealed. Nothing may be added afterwards.
   */
  sealSome(deadline: number): boolean {
    const list = this.list;
    // ENTs found by addPath are pushed onto the list, so the loop reaches them too.
    while (this.sealed < list.length) {
      const end = Math.min(list.length, this.sealed + SEAL_SLICE);
      for (let i = this.sealed; i < end; i++) {
        const node = list[i];
        // Every name of an index owns a record, so each of its ids now has a node.
        if (node === undefined) throw new Error(`${this.origin}: name ${i} of the index has no records`);
        if (i < this.named) this.addPath(node);
        node.seal();
      }
      this.sealed = end;
      if (this.sealed < list.length && performance.now() >= deadline) return false;
    }
    return true;
  }

  nodeOf(key: Name): ZoneNode | undefined {
    const id = this.ids.get(key);
    return id === undefined ? undefined : this.list[id];
  }

  /**
   * The node of the index's name `id`, made at its first record (the apex exists already). Its
   * empty non-terminals wait for sealing, when every name of the index is known: an index from
   * another thread learns its names here, one by one (NameTable.fill).
   */
  private nodeFromIndex(id: number, name: Name): ZoneNode {
    const node = new ZoneNode(name, canonicalName(name));
    this.list[id] = node;
    this.ids.fill(id, node.key);
    return node;
  }

  /**
   * Adds every missing empty non-terminal between a node and the apex: up from the name until
   * an ancestor is known (the apex always is; so is every name of an index).
   */
  private addPath(node: ZoneNode): ZoneNode {
    const { name, key } = node;
    for (let i = 0; i < key.length; i++) {
      const c = key.charCodeAt(i);
      if (c === BACKSLASH) {
        i += 1; // an escaped character (or the first digit of \DDD) is never a separator
        continue;
      }
      if (c !== DOT) continue;
      // Most names sit right below the apex: that ends the walk, compared in place (no slice).
      if (key.length - i - 1 === this.key.length && key.endsWith(this.key)) break;
      const parent = key.slice(i + 1);
      if (this.ids.has(parent)) break;
      // Lower-casing changes only ASCII letters, so an ancestor's text sits at the same offset.
      this.addNode(new ZoneNode(name.slice(i + 1), parent));
    }
    return node;
  }

  /** Appends a node to the list under its key. */
  private addNode(node: ZoneNode): ZoneNode {
    // Ids are given in order, so a new name's id is its place at the end of the list.
    this.ids.add(node.key);
    this.list.push(node);
    return node;
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
  /** Canonical name → the node's index in `list` (a NameIndex's ids first, when built from one). */
  private readonly ids: NameTable;
  private readonly list: ZoneNode[];
  /** Labels in the apex: a name's suffixes below the apex are the first (labels(name) − this) entries. */
  private readonly apexLabels: number;
  /** DNAME owners and their decoded targets; undefined in the (usual) zone without any, so walks skip the check. */
  private readonly dnames: Map<ZoneNode, DnameTarget> | undefined;
  /** RRSIGs by covered type and the NSEC/NSEC3 chains; undefined for an unsigned zone. */
  readonly signed: SignedData | undefined;
  /** Hashed NSEC3 owners, which walks pass over; undefined when there are none. */
  private readonly hidden: Set<ZoneNode> | undefined;

  /**
   * Builds the tree of `contents`; with `index` (records already checked to be in the zone), from
   * its names. From a ZoneBuilder (its finish() calls this), takes the tree it built.
   */
  constructor(contents: ZoneContents | ZoneBuilder, index?: NameIndex) {
    let b: ZoneBuilder;
    if (contents instanceof ZoneBuilder) {
      b = contents;
    } else {
      b = new ZoneBuilder(contents.origin, index).add(contents.records);
      b.serial = contents.serial;
    }
    b.seal();
    this.origin = b.origin;
    this.key = b.key;
    this.apexLabels = b.apexLabels;
    this.ids = b.ids;
    this.list = b.list;
    this.apex = b.apex;
    this.dnames = b.dnames;
    this.signed = b.dnssec ? indexSigned(this.apex, this.list) : undefined;
    this.hidden = this.signed && this.signed.hidden.size > 0 ? this.signed.hidden : undefined;
    const soa = this.apex.rrsets.get(RRType.SOA)?.records[0];
    if (!soa || soa.type !== 'SOA') throw new ZoneStoreError('NO_SOA', this.origin, 'no SOA record at the apex');
    this.soa = soa;
    this.serial = b.serial ?? soa.data.serial;
    this.recordCount = b.count;
  }

  /** The node of a canonical name, including empty non-terminals and names below cuts (glue). */
  node(key: Name): ZoneNode | undefined {
    const id = this.ids.get(key);
    return id === undefined ? undefined : this.list[id];
  }

  /**
   * Walks from the apex down to `suffixes[0]` (the canonical name's suffixes, see suffixKeys),
   * stopping at the first delegation (RFC 1034 §4.3.2 step 3b), at the first DNAME owner above
   * the name (RFC 6672 §3.2; a cut above it wins, as does one at the same node) or at the first
   * missing name. The name must be at or below the apex.
   */
  walk(suffixes: readonly Name[]): ZoneWalk {
    let node = this.apex;
    const dnames = this.dnames;
    let i = suffixes.length - 2 - this.apexLabels;
    // A DNAME at the apex redirects every name below it.
    if (dnames !== undefined && i >= 0) {
      const dname = dnames.get(node);
      if (dname) return { node, exact: false, dname };
    }
    for (; i >= 0; i--) {
      const id = this.ids.get(suffixes[i]);
      if (id === undefined || (this.hidden !== undefined && this.hidden.has(this.list[id]))) return { node, exact: false };
      node = this.list[id];
      if (node.delegation) return { node, exact: i === 0, cut: node };
      if (dnames !== undefined && i > 0) {
        const dname = dnames.get(node);
        if (dname) return { node, exact: false, dname };
      }
    }
    return { node, exact: true };
  }
}

const BACKSLASH = 0x5c;
const DOT = 0x2e;
/** RRsets of one node searched one by one up to this many while building; past it, through a map. */
const LINEAR_TYPES = 16;
/** Nodes sealed between looks at the clock. */
const SEAL_SLICE = 1024;
