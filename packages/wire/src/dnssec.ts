/**
 * The octets a server needs to serve pre-signed zones (RFC 4034, RFC 5155): which type an RRSIG
 * covers, the fields of NSEC, NSEC3 and NSEC3PARAM, the canonical order of names and the NSEC3
 * hash of a name. Nothing here validates a signature.
 */
import { createHash } from 'node:crypto';
import { canonicalName, formatLabels, MAX_LABEL_LENGTH, parseLabels } from './name.js';
import { base32hexToBytes, bytesToBase32hex } from './rdata/encodings.js';
import type { Name } from './types.js';

/** RFC 4034 §3.1.1: the first two octets of an RRSIG's rdata; -1 when there are not two. */
export function rrsigTypeCovered(rdata: Uint8Array): number {
  return rdata.length < 2 ? -1 : (rdata[0] << 8) | rdata[1];
}

/** RRSIG fields a server checks (RFC 4034 §3.1): the validity window in seconds since 1970 (mod 2^32). */
export interface RrsigTimes {
  typeCovered: number;
  algorithm: number;
  labels: number;
  originalTtl: number;
  expiration: number;
  inception: number;
  keyTag: number;
}

export function readRrsigTimes(rdata: Uint8Array): RrsigTimes | undefined {
  if (rdata.length < 18) return undefined;
  const u32 = (p: number) => ((rdata[p] << 24) | (rdata[p + 1] << 16) | (rdata[p + 2] << 8) | rdata[p + 3]) >>> 0;
  return {
    typeCovered: (rdata[0] << 8) | rdata[1],
    algorithm: rdata[2],
    labels: rdata[3],
    originalTtl: u32(4),
    expiration: u32(8),
    inception: u32(12),
    keyTag: (rdata[16] << 8) | rdata[17],
  };
}

/** The next owner name of an NSEC (RFC 4034 §4.1.1, never compressed) and its type bitmap. */
export interface NsecFields {
  next: Name;
  bitmap: Uint8Array;
}

export function readNsec(rdata: Uint8Array): NsecFields | undefined {
  const labels: Uint8Array[] = [];
  let pos = 0;
  for (;;) {
    const len = rdata[pos];
    if (len === undefined || len > MAX_LABEL_LENGTH || pos + 1 + len > rdata.length) return undefined;
    pos += 1;
    if (len === 0) break;
    labels.push(rdata.subarray(pos, pos + len));
    pos += len;
  }
  return { next: formatLabels(labels), bitmap: rdata.subarray(pos) };
}

/** NSEC3PARAM's fields (RFC 5155 §4.2); NSEC3 starts with the same four. */
export interface Nsec3Params {
  hashAlgorithm: number;
  flags: number;
  iterations: number;
  salt: Uint8Array;
}

/** NSEC3's fields (RFC 5155 §3.2). Opt-out is bit 0 of flags. */
export interface Nsec3Fields extends Nsec3Params {
  nextHashed: Uint8Array;
  bitmap: Uint8Array;
}

export const NSEC3_OPT_OUT = 0x01;

export function readNsec3Params(rdata: Uint8Array): Nsec3Params | undefined {
  if (rdata.length < 5 || 5 + rdata[4] > rdata.length) return undefined;
  return { hashAlgorithm: rdata[0], flags: rdata[1], iterations: (rdata[2] << 8) | rdata[3], salt: rdata.subarray(5, 5 + rdata[4]) };
}

export function readNsec3(rdata: Uint8Array): Nsec3Fields | undefined {
  const params = readNsec3Params(rdata);
  if (!params) return undefined;
  const at = 5 + params.salt.length;
  const hashLength = rdata[at];
  if (hashLength === undefined || hashLength === 0 || at + 1 + hashLength > rdata.length) return undefined;
  return { ...params, nextHashed: rdata.subarray(at + 1, at + 1 + hashLength), bitmap: rdata.subarray(at + 1 + hashLength) };
}

/** Same hash algorithm, iterations and salt: the NSEC3 belongs to the chain NSEC3PARAM names (RFC 5155 §4). */
export function sameNsec3Chain(a: Nsec3Params, b: Nsec3Params): boolean {
  if (a.hashAlgorithm !== b.hashAlgorithm || a.iterations !== b.iterations || a.salt.length !== b.salt.length) return false;
  for (let i = 0; i < a.salt.length; i++) if (a.salt[i] !== b.salt[i]) return false;
  return true;
}

/** The name's canonical wire form (RFC 4034 §6.2: uncompressed, ASCII letters lower-cased). */
export function canonicalWireName(name: Name): Uint8Array {
  const labels = parseLabels(canonicalName(name));
  const out = new Uint8Array(labels.reduce((n, l) => n + l.length + 1, 1));
  let p = 0;
  for (const l of labels) {
    out[p++] = l.length;
    out.set(l, p);
    p += l.length;
  }
  out[p] = 0;
  return out;
}

/** RFC 5155 §5: IH(salt, x, k), SHA-1 (hash algorithm 1, the only one defined). */
export function nsec3Hash(name: Name, salt: Uint8Array, iterations: number): Uint8Array {
  let digest = createHash('sha1').update(canonicalWireName(name)).update(salt).digest();
  for (let i = 0; i < iterations; i++) digest = createHash('sha1').update(digest).update(salt).digest();
  return new Uint8Array(digest);
}

/** Base32hex in lower case, as NSEC3 owner labels are written (RFC 5155 §3.3). */
export function toBase32Hex(bytes: Uint8Array): string {
  return bytesToBase32hex(bytes).toLowerCase();
}

/** Base32hex text (either case, no padding) to octets; undefined when it is not that. */
export function fromBase32Hex(text: string): Uint8Array | undefined {
  try {
    return base32hexToBytes(text);
  } catch {
    return undefined;
  }
}

/** Octet-wise comparison, shorter first on a common prefix (RFC 4034 §6.1 for labels, RFC 5155 for hashes). */
export function compareOctets(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return a[i] - b[i];
  return a.length - b.length;
}

/** A name's labels lower-cased, from the root down: the sort key of RFC 4034 §6.1. */
export function canonicalOrderKey(name: Name): Uint8Array[] {
  return parseLabels(canonicalName(name)).reverse();
}

/** RFC 4034 §6.1 canonical order of two names' keys (canonicalOrderKey). */
export function compareCanonicalKeys(a: readonly Uint8Array[], b: readonly Uint8Array[]): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const c = compareOctets(a[i], b[i]);
    if (c !== 0) return c;
  }
  return a.length - b.length;
}

/** RFC 4034 §6.1 canonical order of two names. */
export function compareCanonicalNames(a: Name, b: Name): number {
  return compareCanonicalKeys(canonicalOrderKey(a), canonicalOrderKey(b));
}
