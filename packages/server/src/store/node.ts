import type { Name, ResourceRecord, TypeName } from '@port53/wire';

/** All records of one owner, class and type (RFC 2181 §5). */
export interface RRset {
  /** The owner as written in the zone (case preserved). */
  name: Name;
  type: TypeName;
  /** The type's number; the node's RRsets are ordered by it. */
  code: number;
  records: readonly ResourceRecord[];
}

/** The reading half of a Map from type number to RRset, iterated in type-number order. */
export interface RRsets extends Iterable<[number, RRset]> {
  readonly size: number;
  get(code: number): RRset | undefined;
  has(code: number): boolean;
  values(): IterableIterator<RRset>;
  keys(): IterableIterator<number>;
  entries(): IterableIterator<[number, RRset]>;
}

/** The records of one RRset as the node keeps them: the record itself when it is alone. */
type Stored = ResourceRecord | ResourceRecord[];

/**
 * One name of the zone tree. A node without RRsets is an empty non-terminal (RFC 4592 §2.2.2):
 * it exists because a name below it exists.
 *
 * The node holds its RRsets itself (`rrsets` is the node): the type and records of the first two
 * in fields, others as RRsets in an array. Most names have one or two RRsets of one record, and a
 * million names would otherwise spend a Map, two RRsets and two arrays each; `get` makes the
 * RRset object when asked.
 */
export class ZoneNode implements RRsets {
  /** NS at a name other than the apex: a zone cut (RFC 1034 §4.2.1). */
  delegation = false;
  private code1 = -1;
  private set1: Stored | undefined = undefined;
  private code2 = -1;
  private set2: Stored | undefined = undefined;
  private rest: RRset[] | undefined = undefined;

  constructor(
    readonly name: Name,
    /** The canonical (lower-case) name. */
    readonly key: Name,
  ) {}

  /** The RRsets by type number. */
  get rrsets(): RRsets {
    return this;
  }

  get size(): number {
    if (this.set1 === undefined) return 0;
    if (this.set2 === undefined) return 1;
    return 2 + (this.rest === undefined ? 0 : this.rest.length);
  }

  get(code: number): RRset | undefined {
    if (this.code1 === code && this.set1 !== undefined) return rrset(code, this.set1);
    if (this.code2 === code && this.set2 !== undefined) return rrset(code, this.set2);
    const rest = this.rest;
    if (rest === undefined) return undefined;
    // Sorted once the zone is built; small lists are scanned, long ones (hostile zones) halved.
    if (rest.length <= 8) return rest.find((s) => s.code === code);
    let lo = 0;
    let hi = rest.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const c = rest[mid].code;
      if (c === code) return rest[mid];
      if (c < code) lo = mid + 1;
      else hi = mid - 1;
    }
    return undefined;
  }

  has(code: number): boolean {
    if (this.set1 !== undefined && this.code1 === code) return true;
    if (this.set2 !== undefined && this.code2 === code) return true;
    return this.rest !== undefined && this.get(code) !== undefined;
  }

  values(): IterableIterator<RRset> {
    return this.list().values();
  }

  keys(): IterableIterator<number> {
    return this.list()
      .map((s) => s.code)
      .values();
  }

  entries(): IterableIterator<[number, RRset]> {
    return this.list()
      .map((s): [number, RRset] => [s.code, s])
      .values();
  }

  [Symbol.iterator](): IterableIterator<[number, RRset]> {
    return this.entries();
  }

  /**
   * Building: adds a record to the RRset of its type; true when that RRset is new. `wide` finds
   * the RRsets past the first two when there are many (hostile zones), else they are scanned.
   */
  add(code: number, record: ResourceRecord, wide?: Map<number, RRset>): boolean {
    if (this.set1 === undefined) {
      this.code1 = code;
      this.set1 = record;
      return true;
    }
    if (this.code1 === code) {
      this.set1 = grow(this.set1, record);
      return false;
    }
    if (this.set2 === undefined) {
      this.code2 = code;
      this.set2 = record;
      return true;
    }
    if (this.code2 === code) {
      this.set2 = grow(this.set2, record);
      return false;
    }
    const rest = (this.rest ??= []);
    const found = wide ? wide.get(code) : rest.find((s) => s.code === code);
    if (found) {
      (found.records as ResourceRecord[]).push(record);
      return false;
    }
    const added: RRset = { name: record.name, type: record.type, code, records: [record] };
    rest.push(added);
    wide?.set(code, added);
    return true;
  }

  /** Building: the RRsets past the first two, by type number. */
  restByCode(): Map<number, RRset> {
    return new Map((this.rest ?? []).map((s) => [s.code, s]));
  }

  /** Building done: RRsets in type-number order, arrays grown by push copied to their length. */
  seal(): void {
    // Most nodes: already in order, no array grown past two.
    if (this.rest === undefined && !isLong(this.set1) && !isLong(this.set2) && (this.set2 === undefined || this.code1 < this.code2)) return;
    const sets = this.list().sort((a, b) => a.code - b.code);
    for (const set of sets) if (set.records.length > 2) set.records = set.records.slice();
    [this.code1, this.set1] = sets.length > 0 ? [sets[0].code, stored(sets[0])] : [-1, undefined];
    [this.code2, this.set2] = sets.length > 1 ? [sets[1].code, stored(sets[1])] : [-1, undefined];
    this.rest = sets.length > 2 ? sets.slice(2) : undefined;
  }

  private list(): RRset[] {
    const out: RRset[] = [];
    if (this.set1 !== undefined) out.push(rrset(this.code1, this.set1));
    if (this.set2 !== undefined) out.push(rrset(this.code2, this.set2));
    if (this.rest !== undefined) out.push(...this.rest);
    return out;
  }
}

function rrset(code: number, set: Stored): RRset {
  const records = Array.isArray(set) ? set : [set];
  return { name: records[0].name, type: records[0].type, code, records };
}

function stored(set: RRset): Stored {
  return set.records.length === 1 ? set.records[0] : (set.records as ResourceRecord[]);
}

function isLong(set: Stored | undefined): boolean {
  return Array.isArray(set) && set.length > 2;
}

function grow(set: Stored, record: ResourceRecord): Stored {
  if (!Array.isArray(set)) return [set, record];
  set.push(record);
  return set;
}
