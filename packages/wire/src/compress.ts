import { TextError, WireError } from './errors.js';
import { HEADER_LENGTH } from './header.js';
import { formatLabel, MAX_LABEL_LENGTH, MAX_NAME_LENGTH, parseLabels } from './name.js';
import type { Name } from './types.js';

/** RFC 1035 §4.1.4: a pointer holds a 14-bit offset, so only names before 0x4000 can be targets. */
const MAX_POINTER_TARGET = 0x3fff;
/**
 * Pointers must go strictly backwards, which alone ends every chain; the bound is a second guard.
 * A legitimate name adds at least one label (two octets) per hop, so 127 hops is the most a
 * 255-octet name can need.
 */
const MAX_HOPS = 127;

/**
 * Each octet as formatLabel writes it ("a", "\\.", "\\000"), as ASCII codes: readName writes a
 * name's text into one scratch buffer and makes one flat string of it (a string per octet, joined
 * with +=, made a rope of ~20 pieces per name: a sixth of a resolver lookup's garbage).
 */
const OCTET_TEXT = Array.from({ length: 256 }, (_, c) => Buffer.from(formatLabel(Uint8Array.of(c)), 'latin1'));
const PLAIN_OCTET = Uint8Array.from(OCTET_TEXT, (t) => (t.length === 1 ? 1 : 0));
/** Room for the longest name's text: 254 label octets as "\\DDD" plus dots. */
const nameText = Buffer.allocUnsafe(4 * MAX_NAME_LENGTH);

/** A cursor over a received message. */
export class WireReader {
  pos = 0;
  constructor(readonly bytes: Uint8Array) {}
}

/**
 * Reads a possibly compressed name at r.pos and leaves r.pos after it. `end` bounds the octets of
 * the name in place: the rdata's end (running past it is BAD_RDATA) or, with inRdata false, the
 * message's (TRUNCATED). Case is kept as received (0x20 bit, RFC 4343).
 */
export function readName(r: WireReader, end: number, inRdata = true): Name {
  const b = r.bytes;
  let pos = r.pos;
  let limit = end;
  let overrun: 'BAD_RDATA' | 'TRUNCATED' = inRdata ? 'BAD_RDATA' : 'TRUNCATED';
  // Each pointer must point before the start of the label run that contains it (RFC 1035 §4.1.4
  // speaks of "a prior occurrence"); this forbids forward pointers, self pointers and loops.
  let runStart = pos;
  let jumped = false;
  let hops = 0;
  let wireLength = 1;
  const text = nameText;
  let n = 0; // characters of text written
  for (;;) {
    if (pos >= limit) throw past(overrun, pos, 'name');
    const len = b[pos];
    if (len === 0) {
      pos += 1;
      break;
    }
    const kind = len & 0xc0;
    if (kind === 0xc0) {
      if (pos + 2 > limit) throw past(overrun, pos, 'compression pointer');
      const target = ((len & 0x3f) << 8) | b[pos + 1];
      if (target >= runStart || target < HEADER_LENGTH) {
        throw new WireError('BAD_POINTER', pos, `compression pointer to ${target} is not before ${runStart}`);
      }
      if (++hops > MAX_HOPS) throw new WireError('POINTER_LOOP', pos, `more than ${MAX_HOPS} compression pointers`);
      if (!jumped) {
        r.pos = pos + 2;
        jumped = true;
      }
      pos = target;
      runStart = target;
      limit = b.length;
      overrun = 'TRUNCATED';
      continue;
    }
    // 0x40 and 0x80: extended label types, retired by RFC 6891 §5 (so a "64-octet label" lands here).
    if (kind !== 0) throw new WireError('BAD_LABEL_TYPE', pos, `label type 0x${kind.toString(16)}`);
    wireLength += len + 1;
    if (wireLength > MAX_NAME_LENGTH) {
      throw new WireError('NAME_TOO_LONG', pos, `name longer than ${MAX_NAME_LENGTH} octets`);
    }
    if (pos + 1 + len > limit) throw past(overrun, pos, 'label');
    if (n !== 0) text[n++] = 0x2e;
    for (let i = pos + 1, stop = pos + 1 + len; i < stop; i++) {
      const c = b[i];
      if (PLAIN_OCTET[c] === 1) {
        text[n++] = c;
      } else {
        const escaped = OCTET_TEXT[c];
        for (let j = 0; j < escaped.length; j++) text[n++] = escaped[j];
      }
    }
    pos += 1 + len;
  }
  if (!jumped) r.pos = pos;
  // Labels are never empty, so no text means the root.
  return n === 0 ? '.' : text.toString('latin1', 0, n);
}

/** The octet after the name at `pos` (a pointer ends it), or -1 when it runs off the end. */
export function skipName(b: Uint8Array, pos: number): number {
  for (;;) {
    if (pos >= b.length) return -1;
    const len = b[pos];
    if (len === 0) return pos + 1;
    if ((len & 0xc0) === 0xc0) return pos + 2 <= b.length ? pos + 2 : -1;
    if ((len & 0xc0) !== 0) return -1;
    pos += 1 + len;
  }
}

function past(code: 'BAD_RDATA' | 'TRUNCATED', pos: number, what: string): WireError {
  return code === 'BAD_RDATA'
    ? new WireError(code, pos, `${what} runs past the end of its rdata`)
    : new WireError(code, pos, `${what} runs past the end of the message`);
}

/**
 * Room for one record past the 65535-octet message limit: a record begins only below the limit and
 * is at most 255 (owner) + 10 + 65535 (rdata, checked as it grows) + one 256-octet string over.
 */
const CAPACITY = 3 * 65536;
let scratch: Buffer | undefined;
/** The uncompressed writers' own (rdataToWire, canonicalRdata): callable while a message is being written. */
let plainScratch: Buffer | undefined;

/**
 * Writes a message into a reused scratch buffer, remembering where each name suffix was written
 * so later names can point at it (RFC 1035 §4.1.4). Suffixes match only when their octets match
 * exactly, case included, so decode(encode(m)) gives every name back as written. With `foldCase`
 * they match whatever their ASCII case (RFC 4343 §3), as NSD and Knot compress their replies: a
 * zone's names then point into a 0x20-cased question and take its case, which makes replies smaller.
 */
export class WireWriter {
  readonly buf: Buffer;
  pos = 0;
  private readonly suffixes = new Map<string, number>();

  /**
   * `compression` false: every name in full, as the canonical form and RFC 3597 octets want them.
   * `foldCase`: suffixes match whatever their ASCII case (see the class comment).
   */
  constructor(
    private readonly compression = true,
    private readonly foldCase = false,
  ) {
    if (compression) this.buf = scratch ??= Buffer.allocUnsafe(CAPACITY);
    else this.buf = plainScratch ??= Buffer.allocUnsafe(CAPACITY);
  }

  u8(v: number): void {
    this.buf[this.pos++] = v;
  }

  u16(v: number): void {
    this.buf[this.pos++] = v >>> 8;
    this.buf[this.pos++] = v;
  }

  u32(v: number): void {
    this.buf.writeUInt32BE(v >>> 0, this.pos);
    this.pos += 4;
  }

  bytes(b: Uint8Array): void {
    this.buf.set(b, this.pos);
    this.pos += b.length;
  }

  /** Bytes written so far, copied out of the scratch buffer. */
  take(end = this.pos): Buffer {
    const out = Buffer.allocUnsafe(end);
    this.buf.copy(out, 0, 0, end);
    return out;
  }

  /**
   * Writes `name`; with `compress` it may end in a pointer to an earlier copy of a suffix and its
   * own suffixes become targets. Names in SRV and unknown types pass false (RFC 3597 §4).
   */
  name(name: Name, compress: boolean): void {
    compress &&= this.compression;
    if (name === '.' || name === '') {
      this.u8(0);
      return;
    }
    let text = name;
    if (text.charCodeAt(text.length - 1) === 0x2e && !endsInEscapedDot(text)) text = text.slice(0, -1);
    if (isPlain(text)) this.plainName(text, compress);
    else this.escapedName(text, compress);
  }

  /** Printable ASCII without backslashes: each character is its octet and dots separate labels. */
  private plainName(text: string, compress: boolean): void {
    const at = this.pos;
    // Wire length of a plain name is its text length plus the first length octet and the root.
    if (text.length + 2 > MAX_NAME_LENGTH) {
      throw new WireError('NAME_TOO_LONG', at, `name "${text}" is longer than ${MAX_NAME_LENGTH} octets`);
    }
    let start = 0;
    const lower = compress && this.foldCase ? text.toLowerCase() : text;
    while (start < text.length) {
      if (compress) {
        const key = start === 0 ? lower : lower.slice(start);
        const target = this.suffixes.get(key);
        if (target !== undefined) {
          this.u16(0xc000 | target);
          return;
        }
        if (this.pos <= MAX_POINTER_TARGET) this.suffixes.set(key, this.pos);
      }
      let dot = text.indexOf('.', start);
      if (dot < 0) dot = text.length;
      const len = dot - start;
      if (len === 0) throw new WireError('BAD_NAME', at, `empty label in name "${text}"`);
      if (len > MAX_LABEL_LENGTH) {
        throw new WireError('LABEL_TOO_LONG', at, `label of ${len} octets (max ${MAX_LABEL_LENGTH}) in "${text}"`);
      }
      const buf = this.buf;
      let p = this.pos;
      buf[p++] = len;
      for (let i = start; i < dot; i++) buf[p++] = text.charCodeAt(i);
      this.pos = p;
      start = dot + 1;
    }
    this.u8(0);
  }

  /** Names with escapes or other octets: parse them, key suffixes by their normalized text. */
  private escapedName(text: string, compress: boolean): void {
    const at = this.pos;
    let labels: Uint8Array[];
    try {
      labels = parseLabels(text);
    } catch (e) {
      if (!(e instanceof TextError)) throw e;
      const code = e.code === 'LABEL_TOO_LONG' || e.code === 'NAME_TOO_LONG' ? e.code : 'BAD_NAME';
      throw new WireError(code, at, e.message);
    }
    const texts = compress ? labels.map((l) => (this.foldCase ? formatLabel(l).toLowerCase() : formatLabel(l))) : [];
    for (let i = 0; i < labels.length; i++) {
      if (compress) {
        const key = texts.slice(i).join('.');
        const target = this.suffixes.get(key);
        if (target !== undefined) {
          this.u16(0xc000 | target);
          return;
        }
        if (this.pos <= MAX_POINTER_TARGET) this.suffixes.set(key, this.pos);
      }
      this.u8(labels[i].length);
      this.bytes(labels[i]);
    }
    this.u8(0);
  }
}

function isPlain(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c <= 0x20 || c >= 0x7f || c === 0x5c) return false;
  }
  return true;
}

function endsInEscapedDot(text: string): boolean {
  let backslashes = 0;
  for (let i = text.length - 2; i >= 0 && text.charCodeAt(i) === 0x5c; i--) backslashes++;
  return backslashes % 2 === 1;
}
