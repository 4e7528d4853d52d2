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

/**
 * One name of the zone tree. A node without RRsets is an empty non-terminal (RFC 4592 §2.2.2):
 * it exists because a name below it exists.
 *
 * The node holds its RRsets itself (`rrsets` is the node): the first two in fields, any others
 * in an array. Most names have one or two, and a million names would otherwise spend a Map each.
 */
export class ZoneNode implements RRsets {
  /** NS at a name other than the apex: a zone cut (RFC 1034 §4.2.1). */
  delegation = false;
  private first: RRset | undefined = undefined;
  private second: RRset | undefined = undefined;
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
    if (this.first === undefined) return 0;
    if (this.second === undefined) return 1;
    return 2 + (this.rest === undefined ? 0 : this.rest.length);
  }

  get(code: number): RRset | undefined {
    if (this.first !== undefined && this.first.code === code) return this.first;
    if (this.second !== undefined && this.second.code === code) return this.second;
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
    return this.get(code) !== undefined;
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

  /** Building: adds an RRset whose type the node does not have yet (order is fixed by `seal`). */
  add(set: RRset): void {
    if (this.first === undefined) this.first = set;
    else if (this.second === undefined) this.second = set;
    else (this.rest ??= []).push(set);
  }

  /** Building: the RRset of a type, before `seal` (unsorted, so every one is looked at). */
  find(code: number): RRset | undefined {
    if (this.first !== undefined && this.first.code === code) return this.first;
    if (this.second !== undefined && this.second.code === code) return this.second;
    return this.rest?.find((s) => s.code === code);
  }

  /** Building done: RRsets in type-number order. */
  seal(): void {
    if (this.second === undefined) return;
    const sorted = this.list().sort((a, b) => a.code - b.code);
    this.first = sorted[0];
    this.second = sorted[1];
    this.rest = sorted.length > 2 ? sorted.slice(2) : undefined;
  }

  private list(): RRset[] {
    if (this.first === undefined) return [];
    if (this.second === undefined) return [this.first];
    return this.rest === undefined ? [this.first, this.second] : [this.first, this.second, ...this.rest];
  }
}
