import { TextError } from '../errors.js';
import { MAX_LABEL_LENGTH, MAX_NAME_LENGTH, formatLabels, fqdn, parseLabels } from '../name.js';
import type { OtherTypeName } from '../types.js';
import { formatCharacterString } from './charstring.js';
import type { Reader } from './reader.js';

/**
 * Presentation form of types kept as raw rdata (OpaqueRecord): each type is a list of fields in
 * wire order, and the same list drives text → octets and octets → text.
 * - u8, u16: an unsigned number
 * - name: a domain name, uncompressed and with its case kept (RFC 3597 §4)
 * - charstring: one <character-string>; charstrings: one or more, to the end (like TXT)
 * - hex-rest, base64-rest: the remaining octets, possibly split over several tokens
 * - string-rest: the remaining octets written as one quoted string, not length-prefixed
 */
type Kind = 'u8' | 'u16' | 'name' | 'charstring' | 'charstrings' | 'hex-rest' | 'base64-rest' | 'string-rest';
type Layout = readonly (readonly [Kind, string])[];

/** RFC 4034 §5.3; CDS is the same (RFC 7344 §3.1). */
const DS: Layout = [['u16', 'key tag'], ['u8', 'algorithm'], ['u8', 'digest type'], ['hex-rest', 'digest']];
/** RFC 4034 §2.2; CDNSKEY is the same (RFC 7344 §3.2). */
const DNSKEY: Layout = [['u16', 'flags'], ['u8', 'protocol'], ['u8', 'algorithm'], ['base64-rest', 'public key']];
/** RFC 6698 §2.2; SMIMEA is the same (RFC 8162 §2). */
const TLSA: Layout = [['u8', 'certificate usage'], ['u8', 'selector'], ['u8', 'matching type'], ['hex-rest', 'certificate association data']];

const layouts: { readonly [T in OtherTypeName]?: Layout } = {
  DS,
  CDS: DS,
  DNSKEY,
  CDNSKEY: DNSKEY,
  TLSA,
  SMIMEA: TLSA,
  DNAME: [['name', 'target']], // RFC 6672 §2.1
  SPF: [['charstrings', 'text']], // RFC 7208 §3.1: the format of TXT
  SSHFP: [['u8', 'algorithm'], ['u8', 'fingerprint type'], ['hex-rest', 'fingerprint']], // RFC 4255 §3.2
  NAPTR: [
    ['u16', 'order'], ['u16', 'preference'], ['charstring', 'flags'], ['charstring', 'services'],
    ['charstring', 'regexp'], ['name', 'replacement'],
  ], // RFC 3403 §4.1
  URI: [['u16', 'priority'], ['u16', 'weight'], ['string-rest', 'target']], // RFC 7553 §4.5
  RP: [['name', 'mailbox'], ['name', 'TXT owner']], // RFC 1183 §2.2
  AFSDB: [['u16', 'subtype'], ['name', 'hostname']], // RFC 1183 §1
  KX: [['u16', 'preference'], ['name', 'exchanger']], // RFC 2230 §3.1
  OPENPGPKEY: [['base64-rest', 'public key']], // RFC 7929 §2.3
  DHCID: [['base64-rest', 'digest']], // RFC 4701 §3.4
};

const MAX_RDATA = 0xffff;
const HEX = /^[0-9a-fA-F]+$/;
const BASE64 = /^[A-Za-z0-9+/=]+$/;

/** True when `type` has a presentation form here (its records still carry raw octets). */
export function hasOpaqueLayout(type: string): type is OtherTypeName {
  return Object.hasOwn(layouts, type);
}

/** Text → rdata octets along the type's layout; errors name their token (through Reader). */
export function parseOpaqueRdata(type: OtherTypeName, r: Reader): Uint8Array {
  const layout = layouts[type];
  if (!layout) throw new TextError('BAD_RDATA', `type ${type} has no presentation form`, 0);
  const out: number[] = [];
  for (const [kind, what] of layout) {
    switch (kind) {
      case 'u8':
        out.push(r.int(what, 0xff));
        break;
      case 'u16': {
        const v = r.int(what, 0xffff);
        out.push(v >> 8, v & 0xff);
        break;
      }
      case 'name':
        for (const label of parseLabels(r.name(what))) pushString(out, label);
        out.push(0);
        break;
      case 'charstring':
        pushString(out, r.string(what));
        break;
      case 'charstrings':
        do pushString(out, r.string(what));
        while (!r.done);
        break;
      case 'hex-rest':
        append(out, hexRest(r, what));
        break;
      case 'base64-rest':
        append(out, base64Rest(r, what));
        break;
      case 'string-rest':
        append(out, r.string(what, MAX_RDATA - out.length));
        break;
    }
    if (out.length > MAX_RDATA) throw new TextError('BAD_RDATA', `${type} rdata of ${out.length} octets (max ${MAX_RDATA})`, Math.max(0, r.i - 1));
  }
  return Uint8Array.from(out);
}

/**
 * Rdata octets → the type's presentation form as `dig +nosplit` prints it (hex in upper case, hex
 * and base64 as one token); undefined when the octets do not fit the layout, to be printed as `\#`.
 */
export function formatOpaqueRdata(type: OtherTypeName, data: Uint8Array): string | undefined {
  const layout = layouts[type];
  if (!layout) return undefined;
  const parts: string[] = [];
  let pos = 0;
  for (const [kind] of layout) {
    const left = data.length - pos;
    switch (kind) {
      case 'u8':
      case 'u16': {
        const size = kind === 'u8' ? 1 : 2;
        if (left < size) return undefined;
        let v = 0;
        for (let i = 0; i < size; i++) v = v * 256 + data[pos + i];
        parts.push(String(v));
        pos += size;
        break;
      }
      case 'name': {
        const name = readUncompressedName(data, pos);
        if (!name) return undefined;
        parts.push(name.text);
        pos = name.end;
        break;
      }
      case 'charstring':
      case 'charstrings':
        do {
          const len = data[pos];
          if (len === undefined || pos + 1 + len > data.length) return undefined;
          parts.push(formatCharacterString(data.subarray(pos + 1, pos + 1 + len)));
          pos += 1 + len;
        } while (kind === 'charstrings' && pos < data.length);
        break;
      // Hex and base64 need at least one octet: their text form cannot be empty.
      case 'hex-rest':
        if (left === 0) return undefined;
        parts.push(Buffer.from(data.subarray(pos)).toString('hex').toUpperCase());
        pos = data.length;
        break;
      case 'base64-rest':
        if (left === 0) return undefined;
        parts.push(Buffer.from(data.subarray(pos)).toString('base64'));
        pos = data.length;
        break;
      case 'string-rest':
        parts.push(formatCharacterString(data.subarray(pos)));
        pos = data.length;
        break;
    }
  }
  return pos === data.length ? parts.join(' ') : undefined;
}

/** A length octet and the octets (a label or a <character-string>). */
function pushString(out: number[], s: Uint8Array): void {
  out.push(s.length);
  append(out, s);
}

function append(out: number[], bytes: Uint8Array): void {
  for (const b of bytes) out.push(b);
}

/** Hex digits in one or more tokens (RFC 4034 §5.3: "may include whitespace"); at least one octet. */
function hexRest(r: Reader, what: string): Buffer {
  let hex = '';
  do {
    hex += r.field(what, (s) => {
      if (!HEX.test(s)) throw new TextError('BAD_RDATA', `"${s}" is not hex`);
      return s;
    });
  } while (!r.done);
  if (hex.length % 2 !== 0) throw new TextError('BAD_RDATA', `${r.type} ${what}: odd number of hex digits`, r.i - 1);
  return Buffer.from(hex, 'hex');
}

/** Base64 in one or more tokens (RFC 4034 §2.2), in its canonical padded form (RFC 4648 §4). */
function base64Rest(r: Reader, what: string): Buffer {
  let text = '';
  do {
    text += r.field(what, (s) => {
      if (!BASE64.test(s)) throw new TextError('BAD_RDATA', `"${s}" is not base64`);
      return s;
    });
  } while (!r.done);
  const bytes = Buffer.from(text, 'base64');
  // Node decodes leniently; what does not encode back (bad padding, '=' inside, extra bits) is a typo.
  if (bytes.length === 0 || bytes.toString('base64') !== text) {
    throw new TextError('BAD_RDATA', `${r.type} ${what}: "${text.length > 40 ? `${text.slice(0, 40)}...` : text}" is not valid base64`, r.i - 1);
  }
  return bytes;
}

/** A name in wire form at `pos`, uncompressed (a pointer means nothing outside its packet). */
function readUncompressedName(data: Uint8Array, pos: number): { text: string; end: number } | undefined {
  const labels: Uint8Array[] = [];
  let total = 1;
  for (;;) {
    const len = data[pos];
    if (len === undefined || len > MAX_LABEL_LENGTH || pos + 1 + len > data.length) return undefined;
    if (len === 0) return { text: fqdn(formatLabels(labels)), end: pos + 1 };
    total += len + 1;
    if (total > MAX_NAME_LENGTH) return undefined;
    labels.push(data.subarray(pos + 1, pos + 1 + len));
    pos += 1 + len;
  }
}
