/** Bit maps of types (NSEC, NSEC3, CSYNC; old NXT) and of ports (WKS). */
import { TextError } from '../errors.js';
import { typeFromString, typeToString } from '../constants.js';
import type { Reader } from '../text/reader.js';
import type { Cursor, FieldKind } from './fields.js';

function typeNumber(text: string): number {
  const n = typeFromString(text);
  if (n === undefined) throw new TextError('BAD_TYPE', `"${text}" is not a record type`);
  return n;
}

/** Every remaining token through `fn`. */
function eachRest(r: Reader, what: string, fn: (text: string) => number): number[] {
  const values: number[] = [];
  while (!r.done) values.push(r.field(what, fn));
  return values;
}

/** RFC 4034 §4.1.2: windows of 256 types in order, each at most 32 octets, no trailing zero octets. */
export const typeBitmap: FieldKind = {
  parse(r, out, what) {
    const types = [...new Set(eachRest(r, what, typeNumber))].sort((a, b) => a - b);
    let i = 0;
    while (i < types.length) {
      const window = types[i] >> 8;
      const bits = new Uint8Array(32);
      let length = 0;
      for (; i < types.length && types[i] >> 8 === window; i++) {
        const low = types[i] & 0xff;
        bits[low >> 3] |= 0x80 >> (low & 7);
        length = (low >> 3) + 1;
      }
      out.push(window, length);
      for (let k = 0; k < length; k++) out.push(bits[k]);
    }
  },
  print(c) {
    if (typeBitmap.skip(c.b, c.pos, c.end) !== c.end) return undefined;
    const names: string[] = [];
    for (let p = c.pos; p < c.end; ) {
      const window = c.b[p];
      const length = c.b[p + 1];
      for (let k = 0; k < length; k++) {
        const octet = c.b[p + 2 + k];
        for (let bit = 0; bit < 8; bit++) if (octet & (0x80 >> bit)) names.push(typeToString(window * 256 + k * 8 + bit));
      }
      p += 2 + length;
    }
    c.pos = c.end;
    return names.join(' ');
  },
  skip(b, pos, end) {
    let last = -1;
    while (pos < end) {
      if (pos + 2 > end) return -1;
      const window = b[pos];
      const length = b[pos + 1];
      if (window <= last || length < 1 || length > 32 || pos + 2 + length > end || b[pos + 1 + length] === 0) return -1;
      last = window;
      pos += 2 + length;
    }
    return pos;
  },
};

/** A plain bit map from bit 0 (the MSB of the first octet) up, trailing zero octets left out. */
function bitsToEnd(c: Cursor, name: (n: number) => string): string {
  const parts: string[] = [];
  for (let k = 0; c.pos + k < c.end; k++) {
    const octet = c.b[c.pos + k];
    for (let bit = 0; bit < 8; bit++) if (octet & (0x80 >> bit)) parts.push(name(k * 8 + bit));
  }
  c.pos = c.end;
  return parts.join(' ');
}

function pushBits(out: number[], values: number[]): void {
  if (values.length === 0) return;
  const bits = new Uint8Array((Math.max(...values) >> 3) + 1);
  for (const v of values) bits[v >> 3] |= 0x80 >> (v & 7);
  for (const b of bits) out.push(b);
}

/** NXT's bit map (RFC 2535 §5.2): types 1 to 127, bit 0 clear. */
export const nxtBitmap: FieldKind = {
  parse(r, out, what) {
    const types = eachRest(r, what, (s) => {
      const n = typeNumber(s);
      if (n === 0 || n > 127) throw new TextError('BAD_TYPE', `NXT bit maps hold types 1 to 127, not ${s}`);
      return n;
    });
    pushBits(out, types);
  },
  print(c) {
    if (c.pos < c.end && c.b[c.pos] & 0x80) return undefined; // the extended form is not defined
    return bitsToEnd(c, typeToString);
  },
  skip: (b, pos, end) => (end - pos <= 16 ? end : -1),
};

/** IANA service names most zone files use in WKS; others are written as numbers. */
const SERVICES: Record<string, number> = {
  echo: 7, discard: 9, daytime: 13, 'ftp-data': 20, ftp: 21, ssh: 22, telnet: 23, smtp: 25, time: 37,
  whois: 43, domain: 53, tftp: 69, gopher: 70, finger: 79, http: 80, www: 80, kerberos: 88, pop3: 110,
  sunrpc: 111, auth: 113, nntp: 119, ntp: 123, imap: 143, snmp: 161, ldap: 389, https: 443,
  submission: 587, ldaps: 636, imaps: 993, pop3s: 995,
};
const PROTOCOLS: Record<string, number> = { tcp: 6, udp: 17 };

/** WKS's protocol (RFC 1035 §3.4.2): a number, or tcp/udp. */
export const protocol: FieldKind = {
  parse(r, out, what) {
    out.push(r.field(what, (s) => {
      const n = /^\d+$/.test(s) ? Number(s) : PROTOCOLS[s.toLowerCase()];
      if (n === undefined || n > 255) throw new TextError('BAD_NUMBER', `"${s}" is not a protocol number, tcp or udp`);
      return n;
    }));
  },
  print(c) {
    if (c.pos >= c.end) return undefined;
    return String(c.b[c.pos++]);
  },
  skip: (_b, pos, end) => (pos < end ? pos + 1 : -1),
};

/** WKS's port bit map (RFC 1035 §3.4.2): ports by number or service name; printed as numbers. */
export const portBitmap: FieldKind = {
  parse(r, out, what) {
    const ports = eachRest(r, what, (s) => {
      const n = /^\d+$/.test(s) ? Number(s) : SERVICES[s.toLowerCase()];
      if (n === undefined || n > 0xffff) throw new TextError('BAD_NUMBER', `"${s}" is not a port number or known service name`);
      return n;
    });
    pushBits(out, ports);
  },
  print: (c) => bitsToEnd(c, String),
  skip: (b, pos, end) => (end - pos <= 8192 ? end : -1),
};

