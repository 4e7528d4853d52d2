/** The gateway of IPSECKEY (RFC 4025 §2) and the relay of AMTRELAY (RFC 8777 §4): by type, none, IPv4, IPv6 or a name. */
import { TextError } from '../errors.js';
import { formatIPv4, formatIPv6, parseIPv4, parseIPv6 } from '../address.js';
import type { Reader } from '../text/reader.js';
import type { Name } from '../types.js';
import { bytesToBase64 } from './encodings.js';
import { badAddress, optionalBase64ToEnd, printName, pushBytes, pushName, readWireName, skipWireName, type Cursor, type FieldKind } from './fields.js';
import { formatLabels } from '../name.js';

/** Writes the gateway of `type` (0 none as ".", 1 IPv4, 2 IPv6, 3 name). */
function parseGateway(r: Reader, out: number[], type: number, what: string): void {
  if (type === 3) return pushName(out, r.name(what));
  r.field(what, (s) => {
    if (type === 0) {
      if (s !== '.') throw new TextError('BAD_RDATA', `gateway type 0 is written ".", not "${s}"`);
    } else if (type === 1) pushBytes(out, parseIPv4(s) ?? badAddress(s, 'IPv4'));
    else if (type === 2) pushBytes(out, parseIPv6(s) ?? badAddress(s, 'IPv6'));
    return undefined;
  });
}

function gatewayEnd(b: Uint8Array, pos: number, end: number, type: number): number {
  if (type === 0) return pos;
  if (type === 1) return pos + 4 <= end ? pos + 4 : -1;
  if (type === 2) return pos + 16 <= end ? pos + 16 : -1;
  return type === 3 ? skipWireName(b, pos, end) : -1;
}

function printGateway(c: Cursor, type: number): string | undefined {
  if (type === 3) return printName(c);
  const next = gatewayEnd(c.b, c.pos, c.end, type);
  if (next < 0) return undefined;
  const at = c.pos;
  c.pos = next;
  return type === 0 ? '.' : type === 1 ? formatIPv4(c.b, at) : formatIPv6(c.b, at);
}

function gatewayName(c: Cursor, type: number): Name[] {
  if (type !== 3) return [];
  const n = readWireName(c.b, c.pos, c.end);
  return n ? [formatLabels(n.labels)] : [];
}

function octet(r: Reader, what: string, max = 255): number {
  return r.int(what, max);
}

/** IPSECKEY: precedence, gateway type, algorithm, gateway, optional public key (RFC 4025 §3.1). */
export const ipseckey: FieldKind = {
  parse(r, out) {
    const precedence = octet(r, 'precedence');
    const type = octet(r, 'gateway type', 3);
    out.push(precedence, type, octet(r, 'algorithm'));
    parseGateway(r, out, type, 'gateway');
    optionalBase64ToEnd.parse(r, out, 'public key');
  },
  print(c) {
    if (c.pos + 3 > c.end) return undefined;
    const [precedence, type, algorithm] = [c.b[c.pos], c.b[c.pos + 1], c.b[c.pos + 2]];
    c.pos += 3;
    const gateway = printGateway(c, type);
    if (gateway === undefined) return undefined;
    const key = c.b.subarray(c.pos, c.end);
    c.pos = c.end;
    return `${precedence} ${type} ${algorithm} ${gateway}${key.length ? ` ${bytesToBase64(key)}` : ''}`;
  },
  skip(b, pos, end) {
    if (pos + 3 > end) return -1;
    return gatewayEnd(b, pos + 3, end, b[pos + 1]) < 0 ? -1 : end;
  },
  embeddedNames: (c) => gatewayName({ b: c.b, pos: c.pos + 3, end: c.end }, c.b[c.pos + 1]),
};

/** AMTRELAY: precedence, discovery-optional bit, type, relay (RFC 8777 §4.3). */
export const amtrelay: FieldKind = {
  parse(r, out) {
    const precedence = octet(r, 'precedence');
    const d = octet(r, 'discovery optional bit', 1);
    const type = octet(r, 'relay type', 127);
    if (type > 3) throw new TextError('BAD_NUMBER', `AMTRELAY relay type ${type} is not 0 to 3`, r.i - 1);
    out.push(precedence, (d << 7) | type);
    parseGateway(r, out, type, 'relay');
  },
  print(c) {
    if (c.pos + 2 > c.end) return undefined;
    const precedence = c.b[c.pos];
    const type = c.b[c.pos + 1] & 0x7f;
    const d = c.b[c.pos + 1] >> 7;
    c.pos += 2;
    const relay = printGateway(c, type);
    return relay === undefined || c.pos !== c.end ? undefined : `${precedence} ${d} ${type} ${relay}`;
  },
  skip(b, pos, end) {
    if (pos + 2 > end) return -1;
    return gatewayEnd(b, pos + 2, end, b[pos + 1] & 0x7f);
  },
  embeddedNames: (c) => gatewayName({ b: c.b, pos: c.pos + 2, end: c.end }, c.b[c.pos + 1] & 0x7f),
};
