/**
 * The record type table: one descriptor per type, its rdata fields in wire order. Everything
 * per-type reads it: the text parser and printer, the decoder's checks and name decompression,
 * the canonical form (RFC 4034 §6.2), which names an rdata holds, and which of them are
 * compressed or wanted in the additional section. Modelled on NSD's rrtype descriptor table.
 */
import { RRType, typeFromString } from '../constants.js';
import { amtrelay, ipseckey } from './gateway.js';
import { aplItems } from './apl.js';
import { nxtBitmap, portBitmap, protocol, typeBitmap } from './bitmaps.js';
import {
  algorithm, anything, base64OrDashToEnd, base64ToEnd, certAlgorithm, certType, digestType, hashedOwner, hexToEnd, ipv4, ipv6, name,
  namesToEnd, optionalString, rrtype, salt, sigTime, string, strings, stringToEnd, ttl, u16, u32, u48, u8,
  type FieldKind, type NameRules,
} from './fields.js';
import { hipKeys } from './hip.js';
import { a6Suffix, atmAddress, eui48, eui64, ilnp64, nsap } from './identifiers.js';
import { location } from './loc.js';
import { svcParams } from './svcb.js';

export interface RdataField {
  /** What the field is, for error messages ("key tag"). */
  readonly what: string;
  readonly kind: FieldKind;
}

export interface TypeDescriptor {
  readonly type: number;
  readonly mnemonic: string;
  readonly fields: readonly RdataField[];
  /** Records carry typed data (TypedRData) rather than octets; the text form is the typed parser's. */
  readonly typed: boolean;
  /** Zone text may give it only in the RFC 3597 form `\# length hex` (NULL, RFC 1035 §3.3.10). */
  readonly genericOnly: boolean;
  /** Some field is, or may hold, a domain name. */
  readonly hasNames: boolean;
  /** Some name is written compressed (RFC 1035's types only, RFC 3597 §4). */
  readonly compressesNames: boolean;
  /** Some name is lower-cased in the canonical form (RFC 4034 §6.2, RFC 6840 §5.1). */
  readonly lowersNames: boolean;
}

/** RFC 1035's own types: compressed on the wire, lower-cased canonically. */
const C: Partial<NameRules> = { compress: true, lower: true };
/** ... and their addresses go in the additional section (RFC 1035 §3.3.11, §3.3.9, §3.3.4, §3.3.5, §3.3.3). */
const CA: Partial<NameRules> = { compress: true, lower: true, additional: true };
/** Later types in RFC 4034 §6.2's list: never compressed (RFC 3597 §4), lower-cased canonically. */
const L: Partial<NameRules> = { lower: true };
const LA: Partial<NameRules> = { lower: true, additional: true };

const f = (what: string, kind: FieldKind): RdataField => ({ what, kind });

const DS = [f('key tag', u16), f('algorithm', algorithm), f('digest type', digestType), f('digest', hexToEnd)]; // RFC 4034 §5.3
const DNSKEY = [f('flags', u16), f('protocol', u8), f('algorithm', algorithm), f('public key', base64ToEnd)]; // RFC 4034 §2.2
const RRSIG = [
  f('type covered', rrtype), f('algorithm', algorithm), f('labels', u8), f('original TTL', ttl), f('signature expiration', sigTime),
  f('signature inception', sigTime), f('key tag', u16), f("signer's name", name(L)), f('signature', base64ToEnd),
]; // RFC 4034 §3.2; SIG is the same (RFC 2535 §4.1)
const TLSA = [f('certificate usage', u8), f('selector', u8), f('matching type', u8), f('certificate association data', hexToEnd)]; // RFC 6698 §2.2
const TEXT = [f('text', strings)]; // TXT's form: one or more character-strings

const layouts: Record<string, RdataField[]> = {
  A: [f('address', ipv4)],
  NS: [f('name server', name(CA))],
  MD: [f('mail destination', name(CA))],
  MF: [f('mail forwarder', name(CA))],
  CNAME: [f('target', name(C))],
  SOA: [
    f('primary name server', name(C)), f('mailbox', name(C)), f('serial', u32), f('refresh', u32), f('retry', u32),
    f('expire', u32), f('minimum', u32),
  ],
  MB: [f('mailbox host', name(CA))],
  MG: [f('mail group member', name(C))],
  MR: [f('new mailbox', name(C))],
  NULL: [f('anything', anything)],
  WKS: [f('address', ipv4), f('protocol', protocol), f('services', portBitmap)], // RFC 1035 §3.4.2
  PTR: [f('target', name(C))],
  HINFO: [f('cpu', string), f('os', string)],
  MINFO: [f('responsible mailbox', name(C)), f('error mailbox', name(C))],
  MX: [f('preference', u16), f('exchange', name(CA))],
  TXT: TEXT,
  RP: [f('mailbox', name(L)), f('TXT owner', name(L))], // RFC 1183 §2.2
  AFSDB: [f('subtype', u16), f('hostname', name(LA))], // RFC 1183 §1
  X25: [f('PSDN address', string)], // RFC 1183 §3.1
  ISDN: [f('ISDN address', string), f('subaddress', optionalString)], // RFC 1183 §3.2
  RT: [f('preference', u16), f('intermediate host', name(LA))], // RFC 1183 §3.3
  NSAP: [f('NSAP address', nsap)], // RFC 1706 §5
  'NSAP-PTR': [f('target', name())], // RFC 1348
  SIG: RRSIG,
  KEY: DNSKEY, // RFC 2535 §3.1
  PX: [f('preference', u16), f('MAP822', name(L)), f('MAPX400', name(L))], // RFC 2163 §4
  GPOS: [f('longitude', string), f('latitude', string), f('altitude', string)], // RFC 1712 §3
  AAAA: [f('address', ipv6)],
  LOC: [f('location', location)], // RFC 1876
  NXT: [f('next domain name', name(L)), f('types', nxtBitmap)], // RFC 2535 §5.2
  EID: [f('endpoint identifier', hexToEnd)], // draft-ietf-nimrod-dns
  NIMLOC: [f('nimrod locator', hexToEnd)],
  SRV: [f('priority', u16), f('weight', u16), f('port', u16), f('target', name(LA))], // RFC 2782
  ATMA: [f('ATM address', atmAddress)],
  NAPTR: [
    f('order', u16), f('preference', u16), f('flags', string), f('services', string), f('regexp', string), f('replacement', name(L)),
  ], // RFC 3403 §4.1
  KX: [f('preference', u16), f('exchanger', name(LA))], // RFC 2230 §3.1
  CERT: [f('certificate type', certType), f('key tag', u16), f('algorithm', certAlgorithm), f('certificate', base64ToEnd)], // RFC 4398 §2.2
  A6: [f('prefix length', u8), f('address suffix', a6Suffix), f('prefix name', name(L, true))], // RFC 2874 §3.1
  DNAME: [f('target', name(L))], // RFC 6672 §2.1
  SINK: [f('meaning', u8), f('coding', u8), f('subcoding', u8), f('data', base64ToEnd)], // draft-eastlake-kitchen-sink
  APL: [f('prefixes', aplItems)], // RFC 3123 §4
  DS,
  SSHFP: [f('algorithm', u8), f('fingerprint type', u8), f('fingerprint', hexToEnd)], // RFC 4255 §3.2
  IPSECKEY: [f('gateway', ipseckey)], // RFC 4025 §3.1
  RRSIG,
  NSEC: [f('next domain name', name()), f('types', typeBitmap)], // RFC 4034 §4.2; not lower-cased (RFC 6840 §5.1)
  DNSKEY,
  DHCID: [f('digest', base64ToEnd)], // RFC 4701 §3.4
  NSEC3: [
    f('hash algorithm', u8), f('flags', u8), f('iterations', u16), f('salt', salt), f('next hashed owner', hashedOwner), f('types', typeBitmap),
  ], // RFC 5155 §3.3
  NSEC3PARAM: [f('hash algorithm', u8), f('flags', u8), f('iterations', u16), f('salt', salt)], // RFC 5155 §4.3
  TLSA,
  SMIMEA: TLSA, // RFC 8162 §2
  HIP: [f('HIT and public key', hipKeys), f('rendezvous servers', namesToEnd)], // RFC 8005 §5
  NINFO: TEXT, // draft-reid-dnsext-zs
  RKEY: DNSKEY, // draft-reid-dnsext-rkey
  TALINK: [f('previous name', name()), f('next name', name())], // draft-ietf-dnsop-trust-history
  CDS: DS, // RFC 7344 §3.1
  CDNSKEY: DNSKEY, // RFC 7344 §3.2
  OPENPGPKEY: [f('public key', base64ToEnd)], // RFC 7929 §2.3
  CSYNC: [f('SOA serial', u32), f('flags', u16), f('types', typeBitmap)], // RFC 7477 §2.1
  ZONEMD: [f('serial', u32), f('scheme', u8), f('hash algorithm', u8), f('digest', hexToEnd)], // RFC 8976 §2.3
  SVCB: [f('priority', u16), f('target', name({ additional: true })), f('parameters', svcParams)], // RFC 9460 §2.1
  HTTPS: [f('priority', u16), f('target', name({ additional: true })), f('parameters', svcParams)], // RFC 9460 §9
  SPF: TEXT, // RFC 7208 §3.1
  NID: [f('preference', u16), f('node ID', ilnp64)], // RFC 6742 §2.1
  L32: [f('preference', u16), f('locator', ipv4)], // RFC 6742 §2.2
  L64: [f('preference', u16), f('locator', ilnp64)], // RFC 6742 §2.3
  LP: [f('preference', u16), f('FQDN', name())], // RFC 6742 §2.4
  EUI48: [f('address', eui48)], // RFC 7043 §3
  EUI64: [f('address', eui64)], // RFC 7043 §4
  URI: [f('priority', u16), f('weight', u16), f('target', stringToEnd)], // RFC 7553 §4.5
  CAA: [f('flags', u8), f('tag', string), f('value', stringToEnd)], // RFC 8659 §4.1
  AVC: TEXT, // IANA: Application Visibility and Control
  DOA: [f('enterprise', u32), f('type', u32), f('location', u8), f('media type', string), f('data', base64OrDashToEnd)], // draft-durand-doa-over-dns §3
  AMTRELAY: [f('relay', amtrelay)], // RFC 8777 §4
  RESINFO: TEXT, // RFC 9606 §4
  WALLET: TEXT, // IANA: WALLET, TXT's form
  TA: DS, // DNSSEC Trust Authorities
  DLV: DS, // RFC 4431 §2
};

/** The types with a typed rdata form (TypedRData); kept in step with rdata/index.ts. */
const TYPED = new Set(['A', 'AAAA', 'NS', 'CNAME', 'PTR', 'SOA', 'MX', 'TXT', 'SRV', 'CAA', 'HINFO']);

function describe(mnemonic: string, fields: RdataField[]): TypeDescriptor {
  const rules = fields.flatMap((x) => [x.kind.name, x.kind.names].filter((r): r is NameRules => r !== undefined));
  return {
    type: typeFromString(mnemonic) as number,
    mnemonic,
    fields,
    typed: TYPED.has(mnemonic),
    genericOnly: mnemonic === 'NULL',
    hasNames: rules.length > 0 || fields.some((x) => x.kind.embeddedNames !== undefined),
    compressesNames: rules.some((r) => r.compress),
    lowersNames: rules.some((r) => r.lower),
  };
}

const byNumber = new Map<number, TypeDescriptor>();
const byMnemonic = new Map<string, TypeDescriptor>();
for (const [mnemonic, fields] of Object.entries(layouts)) {
  if (!(mnemonic in RRType)) throw new Error(`type table: ${mnemonic} is not in RRType`);
  const d = describe(mnemonic, fields);
  byNumber.set(d.type, d);
  byMnemonic.set(mnemonic, d);
}

/** The descriptor of a type (its number, mnemonic or TYPEn); undefined for types without a known layout. */
export function typeDescriptor(type: number | string): TypeDescriptor | undefined {
  if (typeof type === 'number') return byNumber.get(type);
  return byMnemonic.get(type) ?? byNumber.get(typeFromString(type) ?? -1);
}

/** Every type with a text form, in type-number order (the README's list). */
export function describedTypes(): TypeDescriptor[] {
  return [...byNumber.values()].sort((a, b) => a.type - b.type);
}
