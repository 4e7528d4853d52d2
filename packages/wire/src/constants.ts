/** Resource record types with a mnemonic (IANA registry). Others are written TYPEn (RFC 3597). */
export const RRType = {
  A: 1, NS: 2, MD: 3, MF: 4, CNAME: 5, SOA: 6, MB: 7, MG: 8, MR: 9, NULL: 10, WKS: 11, PTR: 12,
  HINFO: 13, MINFO: 14, MX: 15, TXT: 16, RP: 17, AFSDB: 18, X25: 19, ISDN: 20, RT: 21, NSAP: 22,
  'NSAP-PTR': 23, SIG: 24, KEY: 25, PX: 26, GPOS: 27, AAAA: 28, LOC: 29, NXT: 30, EID: 31,
  NIMLOC: 32, SRV: 33, ATMA: 34, NAPTR: 35, KX: 36, CERT: 37, A6: 38, DNAME: 39, SINK: 40, OPT: 41,
  APL: 42, DS: 43, SSHFP: 44, IPSECKEY: 45, RRSIG: 46, NSEC: 47, DNSKEY: 48, DHCID: 49, NSEC3: 50,
  NSEC3PARAM: 51, TLSA: 52, SMIMEA: 53, HIP: 55, NINFO: 56, RKEY: 57, TALINK: 58, CDS: 59,
  CDNSKEY: 60, OPENPGPKEY: 61, CSYNC: 62, ZONEMD: 63, SVCB: 64, HTTPS: 65, SPF: 99, NID: 104,
  L32: 105, L64: 106, LP: 107, EUI48: 108, EUI64: 109, TKEY: 249, TSIG: 250, IXFR: 251, AXFR: 252,
  MAILB: 253, MAILA: 254, ANY: 255, URI: 256, CAA: 257, AVC: 258, DOA: 259, AMTRELAY: 260,
  RESINFO: 261, WALLET: 262, TA: 32768, DLV: 32769,
} as const;
export type RRTypeName = keyof typeof RRType;

/** Classes (RFC 1035 §3.2.4, RFC 2136 for NONE). Others are written CLASSn (RFC 3597). */
export const RRClass = { IN: 1, CH: 3, HS: 4, NONE: 254, ANY: 255 } as const;
export type RRClassName = keyof typeof RRClass;

export const Opcode = { QUERY: 0, IQUERY: 1, STATUS: 2, NOTIFY: 4, UPDATE: 5, DSO: 6 } as const;

/** RCODEs, including the extended ones that need OPT (RFC 6891 §6.1.3). */
export const Rcode = {
  NOERROR: 0, FORMERR: 1, SERVFAIL: 2, NXDOMAIN: 3, NOTIMP: 4, REFUSED: 5, YXDOMAIN: 6,
  YXRRSET: 7, NXRRSET: 8, NOTAUTH: 9, NOTZONE: 10, DSOTYPENI: 11, BADVERS: 16, BADKEY: 17,
  BADTIME: 18, BADMODE: 19, BADNAME: 20, BADALG: 21, BADTRUNC: 22, BADCOOKIE: 23,
} as const;

/** EDNS option codes we name (RFC 6891 and later). */
export const EdnsOption = {
  NSID: 3, CLIENT_SUBNET: 8, EXPIRE: 9, COOKIE: 10, TCP_KEEPALIVE: 11, PADDING: 12, EDE: 15,
} as const;

/** The payload size we advertise and accept by default (DNS flag day 2020). */
export const DEFAULT_EDNS_PAYLOAD = 1232;
/** The classic UDP limit without EDNS (RFC 1035 §4.2.1). */
export const CLASSIC_UDP_SIZE = 512;

const typeNames = new Map<number, string>(Object.entries(RRType).map(([k, v]) => [v, k]));
/** Mnemonic → code: one Map read for the usual upper-case spelling, before upper-casing (the resolver's profile: a keyed load and a new string per query). */
const typeCodes = new Map<string, number>(Object.entries(RRType));
const classCodes = new Map<string, number>(Object.entries(RRClass));
const classNames = new Map<number, string>(Object.entries(RRClass).map(([k, v]) => [v, k]));
const opcodeNames = new Map<number, string>(Object.entries(Opcode).map(([k, v]) => [v, k]));
const rcodeNames = new Map<number, string>(Object.entries(Rcode).map(([k, v]) => [v, k]));

/** 1 → 'A', 65280 → 'TYPE65280' (RFC 3597 §5). */
export function typeToString(type: number): string {
  return typeNames.get(type) ?? `TYPE${type}`;
}

/** 'A', 'a', 'TYPE1' → 1; undefined when the text names no type. */
export function typeFromString(text: string): number | undefined {
  const exact = typeCodes.get(text);
  if (exact !== undefined) return exact;
  const upper = text.toUpperCase();
  const known = typeCodes.get(upper);
  if (known !== undefined) return known;
  const m = /^TYPE(\d{1,5})$/.exec(upper);
  if (!m) return undefined;
  const n = Number(m[1]);
  return n <= 0xffff ? n : undefined;
}

export function classToString(cls: number): string {
  return classNames.get(cls) ?? `CLASS${cls}`;
}

export function classFromString(text: string): number | undefined {
  const exact = classCodes.get(text);
  if (exact !== undefined) return exact;
  const upper = text.toUpperCase();
  const known = classCodes.get(upper);
  if (known !== undefined) return known;
  const m = /^CLASS(\d{1,5})$/.exec(upper);
  if (!m) return undefined;
  const n = Number(m[1]);
  return n <= 0xffff ? n : undefined;
}

export function opcodeToString(opcode: number): string {
  return opcodeNames.get(opcode) ?? `OPCODE${opcode}`;
}

export function rcodeToString(rcode: number): string {
  return rcodeNames.get(rcode) ?? `RCODE${rcode}`;
}
