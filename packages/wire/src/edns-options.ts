/**
 * EDNS options a server writes and reads (RFC 6891 §6.1.2 framing, one codec per option):
 * NSID (RFC 5001), COOKIE (RFC 7873, with RFC 9018's interoperable server cookie) and
 * Extended DNS Errors (RFC 8914).
 */
import { parseIPv4, parseIPv6 } from './address.js';
import { siphash24 } from './siphash.js';
import type { Edns, EdnsOptionData } from './types.js';

/** EDNS option codes (IANA "DNS EDNS0 Option Codes"). */
export const EdnsOptionCode = {
  NSID: 3,
  CLIENT_SUBNET: 8,
  EXPIRE: 9,
  COOKIE: 10,
  TCP_KEEPALIVE: 11,
  PADDING: 12,
  EDE: 15,
} as const;

/** The first option with this code, or undefined. */
export function findOption(edns: Pick<Edns, 'options'> | undefined, code: number): EdnsOptionData | undefined {
  if (!edns) return undefined;
  for (const o of edns.options) if (o.code === code) return o;
  return undefined;
}

/** NSID (RFC 5001 §2.3): the server's identifier as opaque octets; a query carries it empty. */
export function nsidOption(id: Uint8Array): EdnsOptionData {
  return { code: EdnsOptionCode.NSID, data: id };
}

/** RFC 7873 §4: a client cookie is 8 octets; a server cookie 8 to 32. */
export const CLIENT_COOKIE_LENGTH = 8;
export const MIN_SERVER_COOKIE_LENGTH = 8;
export const MAX_SERVER_COOKIE_LENGTH = 32;
/** RFC 9018 §4: version 1, 3 reserved octets, a 4-octet timestamp, an 8-octet SipHash-2-4. */
export const SERVER_COOKIE_LENGTH = 16;
export const COOKIE_VERSION = 1;

export interface Cookie {
  client: Uint8Array;
  /** Absent when the client has not learnt one yet. */
  server?: Uint8Array;
}

/**
 * The COOKIE option's two parts, or undefined when its length is none RFC 7873 §5.2.2 allows
 * (then the server answers FORMERR).
 */
export function decodeCookie(data: Uint8Array): Cookie | undefined {
  const n = data.length;
  if (n === CLIENT_COOKIE_LENGTH) return { client: data };
  if (n < CLIENT_COOKIE_LENGTH + MIN_SERVER_COOKIE_LENGTH || n > CLIENT_COOKIE_LENGTH + MAX_SERVER_COOKIE_LENGTH) return undefined;
  return { client: data.subarray(0, CLIENT_COOKIE_LENGTH), server: data.subarray(CLIENT_COOKIE_LENGTH) };
}

export function cookieOption(cookie: Cookie): EdnsOptionData {
  const data = new Uint8Array(cookie.client.length + (cookie.server?.length ?? 0));
  data.set(cookie.client);
  if (cookie.server) data.set(cookie.server, cookie.client.length);
  return { code: EdnsOptionCode.COOKIE, data };
}

/** The client's address as the cookie hash takes it: 4 octets for IPv4, 16 for IPv6 (RFC 9018 §4.4). */
export function cookieAddress(address: string): Uint8Array {
  const bytes = parseIPv4(address) ?? parseIPv6(address);
  if (!bytes) throw new TypeError(`${address} is not an IP address`);
  return bytes;
}

/**
 * RFC 9018 §4.2–4.4: Version | Reserved | Timestamp | SipHash-2-4(Client Cookie | Version |
 * Reserved | Timestamp | Client-IP, Server Secret). `timestamp` is seconds since 1970 (mod 2^32).
 */
export function serverCookie(clientCookie: Uint8Array, clientAddress: Uint8Array, secret: Uint8Array, timestamp: number): Uint8Array {
  const input = new Uint8Array(CLIENT_COOKIE_LENGTH + 8 + clientAddress.length);
  input.set(clientCookie.subarray(0, CLIENT_COOKIE_LENGTH));
  input[8] = COOKIE_VERSION;
  writeU32(input, 12, timestamp >>> 0);
  input.set(clientAddress, 16);
  const cookie = new Uint8Array(SERVER_COOKIE_LENGTH);
  cookie.set(input.subarray(8, 16));
  cookie.set(siphash24(secret, input), 8);
  return cookie;
}

/**
 * True when `server` is the RFC 9018 cookie this secret gives this client cookie and address. The
 * hash covers the reserved octets as received (RFC 9018 §4.3), so a cookie with them set can verify.
 */
export function serverCookieMatches(clientCookie: Uint8Array, server: Uint8Array, clientAddress: Uint8Array, secret: Uint8Array): boolean {
  if (server.length !== SERVER_COOKIE_LENGTH || server[0] !== COOKIE_VERSION) return false;
  const input = new Uint8Array(CLIENT_COOKIE_LENGTH + 8 + clientAddress.length);
  input.set(clientCookie.subarray(0, CLIENT_COOKIE_LENGTH));
  input.set(server.subarray(0, 8), 8);
  input.set(clientAddress, 16);
  const hash = siphash24(secret, input);
  let diff = 0;
  for (let i = 0; i < 8; i++) diff |= hash[i] ^ server[8 + i];
  return diff === 0;
}

/** The Timestamp field of an RFC 9018 server cookie (seconds since 1970, serial arithmetic). */
export function serverCookieTimestamp(server: Uint8Array): number {
  return ((server[4] << 24) | (server[5] << 16) | (server[6] << 8) | server[7]) >>> 0;
}

/** Extended DNS Error codes (RFC 8914 §4) that an authoritative server has reason to send. */
export const ExtendedError = {
  OTHER: 0,
  PROHIBITED: 18,
  NOT_AUTHORITATIVE: 20,
  NOT_SUPPORTED: 21,
  INVALID_DATA: 24,
} as const;

/** RFC 8914 §2: INFO-CODE (2 octets) then EXTRA-TEXT, UTF-8 without a terminating NUL. */
export function edeOption(infoCode: number, extraText = ''): EdnsOptionData {
  const text = new TextEncoder().encode(extraText);
  const data = new Uint8Array(2 + text.length);
  data[0] = infoCode >> 8;
  data[1] = infoCode & 0xff;
  data.set(text, 2);
  return { code: EdnsOptionCode.EDE, data };
}

/** An EDE option's code and text, or undefined when it is shorter than its INFO-CODE. */
export function decodeEde(data: Uint8Array): { infoCode: number; extraText: string } | undefined {
  if (data.length < 2) return undefined;
  return { infoCode: (data[0] << 8) | data[1], extraText: new TextDecoder().decode(data.subarray(2)) };
}

function writeU32(b: Uint8Array, at: number, v: number): void {
  b[at] = v >>> 24;
  b[at + 1] = (v >>> 16) & 0xff;
  b[at + 2] = (v >>> 8) & 0xff;
  b[at + 3] = v & 0xff;
}
