import type { WireReader, WireWriter } from '../compress.js';

/**
 * The binary form of one rdata type. decode reads from r.pos up to `end` (the rdata's end) and
 * must consume exactly that much or throw a WireError; encode writes at w.pos and throws a
 * WireError (at w.pos) for values that cannot be written correctly.
 */
export interface RdataCodec<T> {
  decode(r: WireReader, end: number): T;
  encode(w: WireWriter, data: T): void;
}
