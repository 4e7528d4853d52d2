import { isCanonicalIPv4, normalizeIPv6 } from '../address.js';
import { TextError } from '../errors.js';
import { fqdn } from '../name.js';
import type { Name, RData, ResourceRecord, TypeName, TypedRData, TypedTypeName } from '../types.js';
import { formatCharacterString } from './charstring.js';
import { detach } from './detach.js';
import { typeDescriptor } from '../rdata/descriptors.js';
import { parseFields, printFields } from '../rdata/octets.js';
import { rdataFromWire } from '../rdata/table.js';
import { Reader } from './reader.js';
import type { Token } from './tokenizer.js';

type Parser<T extends TypedTypeName> = (r: Reader) => TypedRData[T];

const parsers: { [T in TypedTypeName]: Parser<T> } = {
  A: (r) =>
    r.field('address', (s) => {
      // Accepted text is already in the form formatIPv4 writes.
      if (!isCanonicalIPv4(s)) throw new TextError('BAD_ADDRESS', `"${s}" is not an IPv4 address`);
      return detach(s);
    }),
  AAAA: (r) =>
    r.field('address', (s) => {
      const text = normalizeIPv6(s);
      if (text === undefined) throw new TextError('BAD_ADDRESS', `"${s}" is not an IPv6 address`);
      return text;
    }),
  NS: (r) => r.name('name server'),
  CNAME: (r) => r.name('target'),
  PTR: (r) => r.name('target'),
  SOA: (r) => ({
    mname: r.name('primary name server'),
    rname: r.name('mailbox'),
    serial: r.int('serial', 0xffffffff),
    refresh: r.seconds('refresh'),
    retry: r.seconds('retry'),
    expire: r.seconds('expire'),
    minimum: r.seconds('minimum'),
  }),
  MX: (r) => ({ preference: r.int('preference', 0xffff), exchange: r.name('exchange') }),
  TXT: (r) => {
    const strings = [r.string('text')];
    while (!r.done) strings.push(r.string('text'));
    return strings;
  },
  SRV: (r) => ({
    priority: r.int('priority', 0xffff),
    weight: r.int('weight', 0xffff),
    port: r.int('port', 0xffff),
    target: r.name('target'),
  }),
  CAA: (r) => ({
    flags: r.int('flags', 255),
    tag: r.field('tag', (s) => {
      // RFC 8659 §4.1.1: tags are 1-15 ASCII letters and digits (wire allows up to 255).
      if (!/^[A-Za-z0-9]{1,255}$/.test(s)) throw new TextError('BAD_RDATA', `"${s}" is not a CAA tag`);
      return s;
    }),
    value: r.string('value', 0xffff),
  }),
  HINFO: (r) => ({ cpu: r.string('cpu'), os: r.string('os') }),
};

function isTyped(type: string): type is TypedTypeName {
  return Object.hasOwn(parsers, type);
}

/**
 * RFC 3597 §5 generic form `\# length hex...`; returns undefined when the tokens are not in it.
 * Octets of a typed type are then decoded into its typed form by `fromWire`.
 */
function parseGeneric(tokens: readonly Token[]): Uint8Array | undefined {
  if (tokens.length === 0 || tokens[0].quoted || tokens[0].text !== '\\#') return undefined;
  const lenTok = tokens[1];
  if (lenTok === undefined || !/^\d+$/.test(lenTok.text) || Number(lenTok.text) > 0xffff) {
    throw new TextError('BAD_RDATA', '\\# must be followed by the rdata length', 1);
  }
  const length = Number(lenTok.text);
  let hex = '';
  for (let i = 2; i < tokens.length; i++) {
    if (!/^[0-9a-fA-F]*$/.test(tokens[i].text) || tokens[i].quoted) throw new TextError('BAD_RDATA', `"${tokens[i].text}" is not hex`, i);
    hex += tokens[i].text;
  }
  if (hex.length % 2 !== 0) throw new TextError('BAD_RDATA', 'odd number of hex digits', tokens.length - 1);
  if (hex.length / 2 !== length) {
    throw new TextError('BAD_RDATA', `\\# length ${length} but ${hex.length / 2} octets given`, 1);
  }
  return Uint8Array.from(Buffer.from(hex, 'hex'));
}

/**
 * Presentation-format rdata tokens → typed rdata (or octets for types without a typed form).
 * Relative names are completed with `origin` (without one, names are taken as absolute).
 * Throws TextError whose `token` is the index of the offending token.
 */
export function parseRdata(type: TypeName, tokens: readonly Token[], origin?: Name): RData {
  // Fast path for the bulk of large zones: one valid address token, the same result as below.
  if (tokens.length === 1 && !tokens[0].quoted) {
    const text = tokens[0].text;
    if (type === 'A' && isCanonicalIPv4(text)) return detach(text);
    if (type === 'AAAA') {
      const normal = normalizeIPv6(text);
      if (normal !== undefined) return normal;
    }
  }
  const generic = parseGeneric(tokens);
  if (generic !== undefined) {
    // RFC 1035 §3.3.14: at least one character-string (received packets still decode leniently).
    if ((type === 'TXT' || type === 'SPF') && generic.length === 0) {
      throw new TextError('BAD_RDATA', `${type} rdata needs at least one character-string`, 1);
    }
    // Octets of a known type must fit its layout, as NSD checks them; typed types come back typed.
    try {
      return rdataFromWire(type, generic);
    } catch (err) {
      throw new TextError('BAD_RDATA', `\\# data is not valid ${type} rdata: ${(err as Error).message}`, 2);
    }
  }
  const r = new Reader(tokens, origin, type);
  let data: RData;
  const d = typeDescriptor(type);
  if (isTyped(type)) data = (parsers[type] as Parser<TypedTypeName>)(r);
  else if (d && !d.genericOnly) data = parseFields(d, r);
  else throw new TextError('BAD_RDATA', `type ${type} is only accepted in the RFC 3597 form "\\# length hex"`, 0);
  r.end();
  return data;
}

/** Rdata in presentation format, as dig and NSD print it. */
export function formatRdata(rr: Pick<ResourceRecord, 'type' | 'data'>): string {
  const r = rr as ResourceRecord;
  switch (r.type) {
    case 'A':
    case 'AAAA':
      return r.data;
    case 'NS':
    case 'CNAME':
    case 'PTR':
      return fqdn(r.data);
    case 'SOA': {
      const d = r.data;
      return `${fqdn(d.mname)} ${fqdn(d.rname)} ${d.serial} ${d.refresh} ${d.retry} ${d.expire} ${d.minimum}`;
    }
    case 'MX':
      return `${r.data.preference} ${fqdn(r.data.exchange)}`;
    case 'TXT':
      // A TXT with no string (accepted from the wire) has no text form but the generic one.
      return r.data.length === 0 ? '\\# 0' : r.data.map(formatCharacterString).join(' ');
    case 'SRV':
      return `${r.data.priority} ${r.data.weight} ${r.data.port} ${fqdn(r.data.target)}`;
    case 'CAA':
      return `${r.data.flags} ${r.data.tag} ${formatCharacterString(r.data.value)}`;
    case 'HINFO':
      return `${formatCharacterString(r.data.cpu)} ${formatCharacterString(r.data.os)}`;
    default: {
      const bytes = r.data;
      // Octets that do not fit the type's layout (accepted as \# or from the wire) print generically.
      const d = typeDescriptor(r.type);
      const text = d && !d.genericOnly ? printFields(d, bytes) : undefined;
      if (text !== undefined) return text;
      return bytes.length === 0 ? '\\# 0' : `\\# ${bytes.length} ${Buffer.from(bytes).toString('hex').toUpperCase()}`;
    }
  }
}

/** A whole record as dig prints it: `name.  ttl  class  type  rdata`, tab-separated. */
export function formatRecord(rr: ResourceRecord): string {
  return `${fqdn(rr.name)}\t${rr.ttl}\t${rr.class}\t${rr.type}\t${formatRdata(rr)}`;
}
