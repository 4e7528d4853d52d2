/**
 * The field kinds that rdata layouts are made of. Each kind knows its three forms: text tokens →
 * octets (parse), octets → text (print, as BIND's dig prints it), and its extent in wire octets
 * (skip, for the decoder's checks). Layouts (descriptors.ts) are lists of these.
 */
import { TextError } from '../errors.js';
import { formatIPv4, formatIPv6, parseIPv4, parseIPv6 } from '../address.js';
import { fqdn, formatLabels, MAX_LABEL_LENGTH, MAX_NAME_LENGTH, parseLabels } from '../name.js';
import { typeFromString, typeToString } from '../constants.js';
import { formatCharacterString } from '../text/charstring.js';
import { parseTtl } from '../text/ttl.js';
import type { Reader } from '../text/reader.js';
import type { Name } from '../types.js';
import {
  base32hexToBytes, base64ToBytes, bytesToBase32hex, bytesToBase64, bytesToHex, formatSigTime, hexToBytes, parseSigTime,
} from './encodings.js';
import { algorithmMnemonic, certTypeMnemonic, parseAlgorithm, parseCertType, parseDigestType } from './mnemonics.js';

/** Octets being read: the rdata is b[pos..end). */
export interface Cursor {
  readonly b: Uint8Array;
  pos: number;
  readonly end: number;
}

/** What the table says about a domain name inside rdata. */
export interface NameRules {
  /** Written with compression pointers: RFC 1035's own types only (RFC 3597 §4). */
  readonly compress: boolean;
  /** Lower-cased in the canonical form (RFC 4034 §6.2 as corrected by RFC 6840 §5.1). */
  readonly lower: boolean;
  /** The name's addresses go in the additional section (RFC 1035 §3.3, RFC 2782, RFC 2230 ...). */
  readonly additional: boolean;
}

export interface FieldKind {
  /** Text → wire octets appended to `out`; errors are TextErrors the Reader tags with their token. */
  parse(r: Reader, out: number[], what: string): void;
  /** Wire → text (c.pos moves past the field); undefined when the octets do not fit; '' for an absent optional field. */
  print(c: Cursor): string | undefined;
  /** The octet after the field at `pos`, or -1 when it does not fit before `end`. */
  skip(b: Uint8Array, pos: number, end: number): number;
  /** Set on a field that is one domain name. */
  readonly name?: NameRules;
  /** The field may be absent when the rdata ends before it. */
  readonly optionalAtEnd?: boolean;
  /** Set on a field that is zero or more domain names up to the end (HIP's rendezvous servers). */
  readonly names?: NameRules;
  /** Names inside a composite field (IPSECKEY's and AMTRELAY's gateway): their texts. */
  embeddedNames?(c: Cursor): Name[];
}

export const MAX_RDATA = 0xffff;

export function pushBytes(out: number[], bytes: Uint8Array): void {
  for (const b of bytes) out.push(b);
}

function pushUint(out: number[], v: number, size: number): void {
  for (let i = size - 1; i >= 0; i--) out.push(Math.floor(v / 2 ** (8 * i)) & 0xff);
}

export function readUint(b: Uint8Array, pos: number, size: number): number {
  let v = 0;
  for (let i = 0; i < size; i++) v = v * 256 + b[pos + i];
  return v;
}

const fixedSkip = (size: number) => (_b: Uint8Array, pos: number, end: number) => (pos + size <= end ? pos + size : -1);

/** An unsigned integer of `size` octets, written in decimal. */
function uint(size: number): FieldKind {
  const max = 2 ** (8 * size) - 1;
  return {
    parse(r, out, what) {
      pushUint(out, r.int(what, max), size);
    },
    print(c) {
      if (c.pos + size > c.end) return undefined;
      const v = readUint(c.b, c.pos, size);
      c.pos += size;
      return String(v);
    },
    skip: fixedSkip(size),
  };
}

export const u8 = uint(1);
export const u16 = uint(2);
export const u32 = uint(4);
export const u48 = uint(6);

/** An integer that the text may also give as a mnemonic. */
function mnemonic(size: number, parse: (text: string) => number, print: (n: number) => string = String): FieldKind {
  return {
    parse(r, out, what) {
      pushUint(out, r.field(what, parse), size);
    },
    print(c) {
      if (c.pos + size > c.end) return undefined;
      const v = readUint(c.b, c.pos, size);
      c.pos += size;
      return print(v);
    },
    skip: fixedSkip(size),
  };
}

/** DNSSEC algorithm: number or mnemonic in, number out (as dig prints DS, DNSKEY, RRSIG). */
export const algorithm = mnemonic(1, parseAlgorithm);
/** CERT's algorithm prints as its mnemonic (RFC 4398 §2.2, as dig prints it). */
export const certAlgorithm = mnemonic(1, parseAlgorithm, algorithmMnemonic);
export const digestType = mnemonic(1, parseDigestType);
export const certType = mnemonic(2, parseCertType, certTypeMnemonic);
/** A type number written as its mnemonic (RRSIG's type covered, RFC 4034 §3.2). */
export const rrtype = mnemonic(2, (t) => {
  const n = typeFromString(t);
  if (n === undefined) throw new TextError('BAD_TYPE', `"${t}" is not a record type`);
  return n;
}, typeToString);

/** RRSIG's original TTL (RFC 4034 §3.2): seconds, also with TTL units as BIND reads it. */
export const ttl: FieldKind = {
  ...u32,
  parse(r, out, what) {
    pushUint(out, r.field(what, (s) => {
      const v = /^\d+$/.test(s) ? Number(s) : parseTtl(s);
      if (v === undefined || v > 0xffffffff) throw new TextError('BAD_TTL', `"${s}" is not a TTL`);
      return v;
    }), 4);
  },
};

/** RRSIG's expiration and inception (RFC 4034 §3.2): YYYYMMDDHHmmSS or seconds in, the date out. */
export const sigTime: FieldKind = {
  parse(r, out, what) {
    pushUint(out, r.field(what, parseSigTime), 4);
  },
  print(c) {
    if (c.pos + 4 > c.end) return undefined;
    const v = readUint(c.b, c.pos, 4);
    c.pos += 4;
    return formatSigTime(v);
  },
  skip: fixedSkip(4),
};

export const ipv4: FieldKind = {
  parse(r, out, what) {
    pushBytes(out, r.field(what, (s) => parseIPv4(s) ?? badAddress(s, 'IPv4')));
  },
  print(c) {
    if (c.pos + 4 > c.end) return undefined;
    c.pos += 4;
    return formatIPv4(c.b, c.pos - 4);
  },
  skip: fixedSkip(4),
};

export const ipv6: FieldKind = {
  parse(r, out, what) {
    pushBytes(out, r.field(what, (s) => parseIPv6(s) ?? badAddress(s, 'IPv6')));
  },
  print(c) {
    if (c.pos + 16 > c.end) return undefined;
    c.pos += 16;
    return formatIPv6(c.b, c.pos - 16);
  },
  skip: fixedSkip(16),
};

export function badAddress(text: string, family: string): never {
  throw new TextError('BAD_ADDRESS', `"${text}" is not an ${family} address`);
}

/** An uncompressed name at `pos` in wire form: its labels and the octet after it; undefined when malformed. */
export function readWireName(b: Uint8Array, pos: number, end: number): { labels: Uint8Array[]; end: number } | undefined {
  const labels: Uint8Array[] = [];
  let total = 1;
  for (;;) {
    if (pos >= end) return undefined;
    const len = b[pos];
    if (len === 0) return { labels, end: pos + 1 };
    if (len > MAX_LABEL_LENGTH || pos + 1 + len > end) return undefined;
    total += len + 1;
    if (total > MAX_NAME_LENGTH) return undefined;
    labels.push(b.subarray(pos + 1, pos + 1 + len));
    pos += 1 + len;
  }
}

export function skipWireName(b: Uint8Array, pos: number, end: number): number {
  let total = 1;
  for (;;) {
    if (pos >= end) return -1;
    const len = b[pos];
    if (len === 0) return pos + 1;
    total += len + 1;
    if (len > MAX_LABEL_LENGTH || pos + 1 + len > end || total > MAX_NAME_LENGTH) return -1;
    pos += 1 + len;
  }
}

export function pushName(out: number[], name: Name): void {
  for (const label of parseLabels(name)) {
    out.push(label.length);
    pushBytes(out, label);
  }
  out.push(0);
}

export function printName(c: Cursor): string | undefined {
  const name = readWireName(c.b, c.pos, c.end);
  if (!name) return undefined;
  c.pos = name.end;
  return fqdn(formatLabels(name.labels));
}

/** A domain name (RFC 1035 §3.3), relative ones completed with the origin; `optional`: may be left out at the end. */
export function name(rules: Partial<NameRules> = {}, optional = false): FieldKind {
  return {
    parse(r, out, what) {
      if (!optional || !r.done) pushName(out, r.name(what));
    },
    print: optional ? (c) => (c.pos === c.end ? '' : printName(c)) : printName,
    skip: optional ? (b, pos, end) => (pos === end ? pos : skipWireName(b, pos, end)) : skipWireName,
    name: { compress: false, lower: false, additional: false, ...rules },
    optionalAtEnd: optional,
  };
}

/** Zero or more names up to the end of the rdata (HIP's rendezvous servers, RFC 8005 §5). */
export const namesToEnd: FieldKind = {
  parse(r, out, what) {
    while (!r.done) pushName(out, r.name(what));
  },
  print(c) {
    const parts: string[] = [];
    while (c.pos < c.end) {
      const n = printName(c);
      if (n === undefined) return undefined;
      parts.push(n);
    }
    return parts.join(' ');
  },
  skip(b, pos, end) {
    while (pos >= 0 && pos < end) pos = skipWireName(b, pos, end);
    return pos;
  },
  names: { compress: false, lower: false, additional: false },
};

function skipString(b: Uint8Array, pos: number, end: number): number {
  return pos < end && pos + 1 + b[pos] <= end ? pos + 1 + b[pos] : -1;
}

function printString(c: Cursor): string | undefined {
  const next = skipString(c.b, c.pos, c.end);
  if (next < 0) return undefined;
  const text = formatCharacterString(c.b.subarray(c.pos + 1, next));
  c.pos = next;
  return text;
}

/** One <character-string> (RFC 1035 §3.3). */
export const string: FieldKind = {
  parse(r, out, what) {
    const s = r.string(what);
    out.push(s.length);
    pushBytes(out, s);
  },
  print: printString,
  skip: skipString,
};

/** One <character-string> that may be left out at the end (ISDN's subaddress, RFC 1183 §3.2). */
export const optionalString: FieldKind = {
  ...string,
  parse(r, out, what) {
    if (!r.done) string.parse(r, out, what);
  },
  print: (c) => (c.pos === c.end ? '' : printString(c)),
  skip: (b, pos, end) => (pos === end ? pos : skipString(b, pos, end)),
};

/** One or more <character-string>s filling the rdata (TXT's form, RFC 1035 §3.3.14). */
export const strings: FieldKind = {
  parse(r, out, what) {
    do string.parse(r, out, what);
    while (!r.done);
  },
  print(c) {
    const parts: string[] = [];
    do {
      const s = printString(c);
      if (s === undefined) return undefined;
      parts.push(s);
    } while (c.pos < c.end);
    return parts.join(' ');
  },
  skip(b, pos, end) {
    do pos = skipString(b, pos, end);
    while (pos >= 0 && pos < end);
    return pos;
  },
};

const restSkip = (_b: Uint8Array, _pos: number, end: number) => end;

/** The rest of the rdata as one quoted string without a length octet (URI's target, RFC 7553 §4.5). */
export const stringToEnd: FieldKind = {
  parse(r, out, what) {
    pushBytes(out, r.string(what, MAX_RDATA));
  },
  print(c) {
    const text = formatCharacterString(c.b.subarray(c.pos, c.end));
    c.pos = c.end;
    return text;
  },
  skip: restSkip,
};

/**
 * Tokens up to the end of the rdata joined (RFC 4034 §2.2, §5.3: "may include whitespace"); a
 * token with a character outside `alphabet` is named, an error of the whole at the last token.
 */
function joinedRest(r: Reader, what: string, alphabet: RegExp, decode: (s: string) => Uint8Array): Uint8Array {
  let text = '';
  do {
    text += r.field(what, (s) => {
      if (!alphabet.test(s)) throw new TextError('BAD_RDATA', `"${s}" has characters that do not belong`);
      return s;
    });
  } while (!r.done);
  try {
    return decode(text);
  } catch (err) {
    if (err instanceof TextError) throw new TextError(err.code, `${r.type} ${what}: ${err.message}`, r.i - 1);
    throw err;
  }
}

const HEX_TOKEN = /^[0-9a-fA-F]+$/;
const BASE64_TOKEN = /^[A-Za-z0-9+/=]+$/;

function restKind(alphabet: RegExp, decode: (s: string) => Uint8Array, encode: (b: Uint8Array) => string, optional: boolean, dash = false): FieldKind {
  return {
    parse(r, out, what) {
      if (r.done && optional) return;
      if (dash && r.tokens[r.i]?.text === '-' && r.i === r.tokens.length - 1) {
        r.i++;
        return;
      }
      const bytes = joinedRest(r, what, alphabet, decode);
      if (bytes.length === 0) throw new TextError('BAD_RDATA', `${r.type} ${what} is empty`, r.i - 1);
      pushBytes(out, bytes);
    },
    print(c) {
      const bytes = c.b.subarray(c.pos, c.end);
      c.pos = c.end;
      if (bytes.length === 0) return dash ? '-' : optional ? '' : undefined;
      return encode(bytes);
    },
    skip: restSkip,
  };
}

/** Hex up to the end, in one or more tokens, at least one octet (DS digest, RFC 4034 §5.3). */
export const hexToEnd = restKind(HEX_TOKEN, hexToBytes, bytesToHex, false);
/** Base64 up to the end, at least one octet (DNSKEY public key, RFC 4034 §2.2). */
export const base64ToEnd = restKind(BASE64_TOKEN, base64ToBytes, bytesToBase64, false);
/** Base64 up to the end that may be absent (IPSECKEY's public key, RFC 4025 §2.6). */
export const optionalBase64ToEnd = restKind(BASE64_TOKEN, base64ToBytes, bytesToBase64, true);
/** Base64 up to the end, "-" when empty (DOA data, draft-durand-doa-over-dns §4). */
export const base64OrDashToEnd = restKind(BASE64_TOKEN, base64ToBytes, bytesToBase64, true, true);

/** Hex with a length octet, "-" for none (NSEC3 salt, RFC 5155 §3.3). */
export const salt: FieldKind = {
  parse(r, out, what) {
    const bytes = r.field(what, (s) => (s === '-' ? new Uint8Array(0) : hexToBytes(s)));
    if (bytes.length > 255) throw new TextError('BAD_RDATA', `${r.type} ${what} of ${bytes.length} octets (max 255)`, r.i - 1);
    out.push(bytes.length);
    pushBytes(out, bytes);
  },
  print(c) {
    const next = skipString(c.b, c.pos, c.end);
    if (next < 0) return undefined;
    const text = next === c.pos + 1 ? '-' : bytesToHex(c.b.subarray(c.pos + 1, next));
    c.pos = next;
    return text;
  },
  skip: skipString,
};

/** Base32hex with a length octet (NSEC3 next hashed owner, RFC 5155 §3.3). */
export const hashedOwner: FieldKind = {
  parse(r, out, what) {
    const bytes = r.field(what, base32hexToBytes);
    if (bytes.length === 0 || bytes.length > 255) throw new TextError('BAD_RDATA', `${r.type} ${what} must be 1 to 255 octets`, r.i - 1);
    out.push(bytes.length);
    pushBytes(out, bytes);
  },
  print(c) {
    const next = skipString(c.b, c.pos, c.end);
    if (next < 0 || next === c.pos + 1) return undefined;
    const text = bytesToBase32hex(c.b.subarray(c.pos + 1, next));
    c.pos = next;
    return text;
  },
  skip: (b, pos, end) => (pos < end && b[pos] > 0 ? skipString(b, pos, end) : -1),
};

/** Octets with no text form but `\\#` (NULL, RFC 1035 §3.3.10: "anything at all"). */
export const anything: FieldKind = {
  parse(r) {
    throw new TextError('BAD_RDATA', `${r.type} is only written in the RFC 3597 form "\\# length hex"`, r.i);
  },
  print: () => undefined,
  skip: restSkip,
};
