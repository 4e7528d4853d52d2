import type { Name } from '@port53/wire';

/** Per process: names that collide under one seed need not collide under another. */
const SEED = (Math.random() * 0x100000000) | 0;

/** A table's typed arrays without its names: what a loading worker hands over (transferred, not copied). */
export interface NameTableParts {
  seed: number;
  slots: Int32Array;
  mask: number;
  hashes: Int32Array;
  size: number;
  /** The few names sent along (the apex: the tree looks it up before any record arrives). */
  known: [id: number, key: Name][];
}

/**
 * Canonical names numbered 0, 1, 2… in the order they are added, found by an open-addressed
 * hash table over typed arrays. A zone of 500k names adds them ~2–3x faster than a Map (which
 * hashes each new string in the runtime and grows by rehashing its entries) and looks them up no
 * slower; the hashes are kept, so growing never reads a name again.
 */
export class NameTable {
  /** Name ids + 1 by hash slot (0: empty); at most half full. */
  private slots: Int32Array = new Int32Array(1024);
  private mask = 1023;
  private hashes: Int32Array = new Int32Array(512);
  private readonly names: Name[] = [];
  /** The hash basis: this process's, or the worker's that built the table. */
  private seed = SEED;

  /**
   * A table from another thread's parts: its names are unknown until `fill` gives each; until
   * then only `add` of new names (after every fill) and lookups of filled names are sound.
   */
  static fromParts(parts: NameTableParts): NameTable {
    const t = new NameTable();
    t.seed = parts.seed;
    t.slots = parts.slots;
    t.mask = parts.mask;
    t.hashes = parts.hashes;
    t.names.length = parts.size;
    for (const [id, key] of parts.known) t.names[id] = key;
    return t;
  }

  /** The typed arrays to hand to another thread, with the names of `known` (this table must not be used afterwards). */
  parts(known: readonly Name[]): NameTableParts {
    const ids: [number, Name][] = [];
    for (const key of known) {
      const id = this.get(key);
      if (id !== undefined) ids.push([id, key]);
    }
    return { seed: this.seed, slots: this.slots, mask: this.mask, hashes: this.hashes, size: this.names.length, known: ids };
  }

  /** Gives the name of an id of a table made by fromParts (its canonical text, as added there). */
  fill(id: number, key: Name): void {
    this.names[id] = key;
  }

  get size(): number {
    return this.names.length;
  }

  /** The id of `key`, or undefined when it was never added. */
  get(key: Name): number | undefined {
    const h = hash(key, this.seed);
    for (let i = h & this.mask; ; i = (i + 1) & this.mask) {
      const id = this.slots[i] - 1;
      if (id < 0) return undefined;
      if (this.hashes[id] === h && this.names[id] === key) return id;
    }
  }

  has(key: Name): boolean {
    return this.get(key) !== undefined;
  }

  /** The id of `key`, added with the next id when new. */
  add(key: Name): number {
    const h = hash(key, this.seed);
    let i = h & this.mask;
    for (; ; i = (i + 1) & this.mask) {
      const id = this.slots[i] - 1;
      if (id < 0) break;
      if (this.hashes[id] === h && this.names[id] === key) return id;
    }
    const id = this.names.length;
    this.names.push(key);
    if (id === this.hashes.length) this.hashes = grown(this.hashes);
    this.hashes[id] = h;
    this.slots[i] = id + 1;
    if (this.names.length * 2 > this.slots.length) this.rehash();
    return id;
  }

  private rehash(): void {
    const size = this.slots.length * 2;
    this.slots = new Int32Array(size);
    this.mask = size - 1;
    for (let id = 0; id < this.names.length; id++) {
      let i = this.hashes[id] & this.mask;
      while (this.slots[i] !== 0) i = (i + 1) & this.mask;
      this.slots[i] = id + 1;
    }
  }
}

/** FNV-1a over the UTF-16 code units from a random basis, then a final mix for the low bits. */
function hash(text: string, seed: number): number {
  let h = seed ^ 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  h = Math.imul(h ^ (h >>> 16), 0x45d9f3b);
  return h ^ (h >>> 16);
}

function grown(a: Int32Array): Int32Array {
  const b = new Int32Array(a.length * 2);
  b.set(a);
  return b;
}
