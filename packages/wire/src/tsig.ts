/**
 * TSIG, transaction signatures (RFC 8945): keys, finding and reading the TSIG record of a
 * message, signing requests, responses and every message of a TCP stream (§5.3.1), verifying
 * them, and the error answers BADKEY, BADSIG, BADTIME and BADTRUNC (§5.2).
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { WireReader, readName, skipName } from './compress.js';
import { RRClass, RRType, Rcode } from './constants.js';
import { TextError, WireError } from './errors.js';
import { HEADER_LENGTH } from './header.js';
import { canonicalName, parseLabels, parseName } from './name.js';
import type { Name } from './types.js';

/** The HMAC algorithms of RFC 8945 §6 (hmac-md5 only for old peers). */
export type TsigAlgorithm = 'hmac-md5' | 'hmac-sha1' | 'hmac-sha224' | 'hmac-sha256' | 'hmac-sha384' | 'hmac-sha512';

/** Algorithm → its name on the wire and node:crypto's hash. */
const ALGORITHMS: Record<TsigAlgorithm, { wire: Name; hash: string; size: number }> = {
  'hmac-md5': { wire: 'hmac-md5.sig-alg.reg.int', hash: 'md5', size: 16 },
  'hmac-sha1': { wire: 'hmac-sha1', hash: 'sha1', size: 20 },
  'hmac-sha224': { wire: 'hmac-sha224', hash: 'sha224', size: 28 },
  'hmac-sha256': { wire: 'hmac-sha256', hash: 'sha256', size: 32 },
  'hmac-sha384': { wire: 'hmac-sha384', hash: 'sha384', size: 48 },
  'hmac-sha512': { wire: 'hmac-sha512', hash: 'sha512', size: 64 },
};
const BY_WIRE_NAME = new Map(Object.entries(ALGORITHMS).map(([alg, a]) => [a.wire, alg as TsigAlgorithm]));

/** The fudge we sign with: 300 s, as RFC 8945 §10 recommends and BIND, NSD and Knot use. */
export const TSIG_FUDGE = 300;

export interface TsigKey {
  /** The key's name (any case; compared canonically). */
  name: Name;
  algorithm: TsigAlgorithm;
  secret: Uint8Array;
}

/** TSIG error codes (RFC 8945 §3, the extended RCODE registry). */
export const TsigError = { NOERROR: 0, BADSIG: 16, BADKEY: Rcode.BADKEY, BADTIME: Rcode.BADTIME, BADTRUNC: Rcode.BADTRUNC } as const;

/** The TSIG record's RDATA (RFC 8945 §4.2) and its owner, the key name. */
export interface TsigRecord {
  keyName: Name;
  /** The algorithm's name as sent (e.g. "hmac-sha256"). */
  algorithm: Name;
  /** Seconds since the epoch (48 bits). */
  timeSigned: number;
  fudge: number;
  mac: Uint8Array;
  originalId: number;
  error: number;
  otherData: Uint8Array;
}

/** A message that ends in a TSIG record. */
export interface SignedMessage {
  tsig: TsigRecord;
  /** Where the TSIG record starts: the octets before it are the message the MAC covers. */
  tsigOffset: number;
  /** The message without its TSIG: ARCOUNT one less, the ID as received. */
  unsigned: Uint8Array;
}

/** A bad `--tsig-key` / `dig -y` text. */
export class TsigKeyError extends Error {
  override readonly name = 'TsigKeyError';
  readonly code = 'BAD_TSIG_KEY';
}

/** The algorithm named by `text` ("hmac-sha256", "HMAC-SHA256", "hmac-md5.sig-alg.reg.int"), or undefined. */
export function tsigAlgorithm(text: string): TsigAlgorithm | undefined {
  const t = text.toLowerCase().replace(/\.$/, '');
  if (t in ALGORITHMS) return t as TsigAlgorithm;
  return BY_WIRE_NAME.get(t);
}

/** Parses `ALG:NAME:SECRET` (the form of `dig -y`, secret in base64). Throws TsigKeyError. */
export function parseTsigKey(text: string): TsigKey {
  const parts = text.split(':');
  if (parts.length !== 3) throw new TsigKeyError(`TSIG key "${redact(text)}" is not ALG:NAME:SECRET`);
  const [alg, rawName, secret] = parts;
  const algorithm = tsigAlgorithm(alg);
  if (!algorithm) throw new TsigKeyError(`TSIG algorithm "${alg}" is not one of ${Object.keys(ALGORITHMS).join(', ')}`);
  let name: Name;
  try {
    name = parseName(rawName.endsWith('.') ? rawName : `${rawName}.`);
  } catch (e) {
    if (!(e instanceof TextError)) throw e;
    throw new TsigKeyError(`TSIG key name "${rawName}": ${e.message}`);
  }
  if (name === '.' ) throw new TsigKeyError('TSIG key name is empty');
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(secret) || secret.length % 4 !== 0) throw new TsigKeyError(`TSIG key ${name}: secret is not base64`);
  return { name, algorithm, secret: new Uint8Array(Buffer.from(secret, 'base64')) };
}

/** The key text with its secret hidden, for error messages and logs. */
function redact(text: string): string {
  const i = text.lastIndexOf(':');
  return i < 0 ? '…' : `${text.slice(0, i)}:…`;
}

/** Keys by canonical name. Two keys of one name are a TsigKeyError. */
export class TsigKeyring {
  private readonly keys = new Map<Name, TsigKey>();
  constructor(keys: Iterable<TsigKey> = []) {
    for (const k of keys) {
      const key = canonicalName(k.name);
      if (this.keys.has(key)) throw new TsigKeyError(`TSIG key ${k.name} is given twice`);
      this.keys.set(key, k);
    }
  }
  get(name: Name): TsigKey | undefined {
    return this.keys.get(canonicalName(name));
  }
  get size(): number {
    return this.keys.size;
  }
}

const u16 = (b: Uint8Array, p: number) => (b[p] << 8) | b[p + 1];

/**
 * The message's TSIG record, when its last record is one. Throws WireError (BAD_TSIG) when a
 * TSIG is anywhere else or malformed: RFC 8945 §5.1 says FORMERR then. Undefined when there is
 * no TSIG or the layout cannot be walked (the decoder then reports what is wrong).
 */
export function findTsig(bytes: Uint8Array): SignedMessage | undefined {
  if (bytes.length < HEADER_LENGTH) return undefined;
  const qd = u16(bytes, 4);
  const records = u16(bytes, 6) + u16(bytes, 8) + u16(bytes, 10);
  if (records === 0) return undefined;
  let pos = HEADER_LENGTH;
  for (let i = 0; i < qd; i++) {
    pos = skipName(bytes, pos);
    if (pos < 0 || pos + 4 > bytes.length) return undefined;
    pos += 4;
  }
  let last = -1;
  let lastType = 0;
  for (let i = 0; i < records; i++) {
    const start = pos;
    pos = skipName(bytes, pos);
    if (pos < 0 || pos + 10 > bytes.length) return undefined;
    const type = u16(bytes, pos);
    const end = pos + 10 + u16(bytes, pos + 8);
    if (end > bytes.length) return undefined;
    if (lastType === RRType.TSIG) throw new WireError('BAD_TSIG', last, 'TSIG record is not the last record');
    last = start;
    lastType = type;
    pos = end;
  }
  if (lastType !== RRType.TSIG) return undefined;
  if (u16(bytes, 10) === 0) throw new WireError('BAD_TSIG', last, 'TSIG record outside the additional section');
  const tsig = readTsig(bytes, last);
  const unsigned = new Uint8Array(bytes.subarray(0, last));
  const arcount = u16(bytes, 10) - 1;
  unsigned[10] = arcount >> 8;
  unsigned[11] = arcount & 0xff;
  return { tsig, tsigOffset: last, unsigned };
}

/** Reads the TSIG record at `at` (its owner name first). */
function readTsig(bytes: Uint8Array, at: number): TsigRecord {
  const r = new WireReader(bytes);
  r.pos = at;
  const keyName = readName(r, bytes.length, false);
  const p = r.pos;
  if (u16(bytes, p + 2) !== RRClass.ANY || u16(bytes, p + 4) !== 0 || u16(bytes, p + 6) !== 0) {
    throw new WireError('BAD_TSIG', p, 'TSIG record with a class other than ANY or a TTL other than 0');
  }
  const end = p + 10 + u16(bytes, p + 8);
  r.pos = p + 10;
  const algorithm = readName(r, end, true);
  let q = r.pos;
  const need = (n: number) => {
    if (q + n > end) throw new WireError('BAD_TSIG', q, 'TSIG RDATA is shorter than its fields');
  };
  need(10);
  const timeSigned = u16(bytes, q) * 2 ** 32 + ((bytes[q + 2] << 24) >>> 0) + (bytes[q + 3] << 16) + (bytes[q + 4] << 8) + bytes[q + 5];
  const fudge = u16(bytes, q + 6);
  const macSize = u16(bytes, q + 8);
  q += 10;
  need(macSize);
  const mac = new Uint8Array(bytes.subarray(q, q + macSize));
  q += macSize;
  need(6);
  const originalId = u16(bytes, q);
  const error = u16(bytes, q + 2);
  const otherLen = u16(bytes, q + 4);
  q += 6;
  need(otherLen);
  const otherData = new Uint8Array(bytes.subarray(q, q + otherLen));
  q += otherLen;
  if (q !== end) throw new WireError('BAD_TSIG', q, 'octets after the TSIG RDATA fields');
  return { keyName, algorithm, timeSigned, fudge, mac, originalId, error, otherData };
}

/** A name in canonical wire form: lower case, uncompressed (RFC 8945 §4.3.3). */
function canonicalWire(name: Name): Buffer {
  const labels = parseLabels(name);
  const out = Buffer.alloc(labels.reduce((n, l) => n + l.length + 1, 1));
  let p = 0;
  for (const l of labels) {
    out[p++] = l.length;
    for (const c of l) out[p++] = c >= 0x41 && c <= 0x5a ? c + 0x20 : c;
  }
  return out;
}

function u48(seconds: number): Buffer {
  const b = Buffer.alloc(6);
  b.writeUIntBE(Math.max(0, Math.min(seconds, 2 ** 48 - 1)), 0, 6);
  return b;
}

function u16b(v: number): Buffer {
  const b = Buffer.alloc(2);
  b.writeUInt16BE(v, 0);
  return b;
}

/** What goes into the MAC besides the message (RFC 8945 §4.3.3): all variables, or the timers only. */
interface Variables {
  keyName: Name;
  algorithm: Name;
  timeSigned: number;
  fudge: number;
  error: number;
  otherData: Uint8Array;
}

function variablesOctets(v: Variables, timersOnly: boolean): Buffer {
  const timers = Buffer.concat([u48(v.timeSigned), u16b(v.fudge)]);
  if (timersOnly) return timers;
  return Buffer.concat([
    canonicalWire(v.keyName),
    u16b(RRClass.ANY),
    Buffer.alloc(4), // TTL 0
    canonicalWire(v.algorithm),
    timers,
    u16b(v.error),
    u16b(v.otherData.length),
    v.otherData,
  ]);
}

/** The message octets as the MAC sees them: the ID replaced by the original ID (RFC 8945 §4.3.1). */
function withId(message: Uint8Array, originalId: number): Uint8Array {
  if (u16(message, 0) === originalId) return message;
  const copy = new Uint8Array(message);
  copy[0] = originalId >> 8;
  copy[1] = originalId & 0xff;
  return copy;
}

/** HMAC over: [prior MAC with its length] message(s) variables. */
function computeMac(key: TsigKey, prior: Uint8Array | undefined, messages: readonly Uint8Array[], variables: Buffer): Uint8Array {
  const hmac = createHmac(ALGORITHMS[key.algorithm].hash, key.secret);
  if (prior) {
    hmac.update(u16b(prior.length));
    hmac.update(prior);
  }
  for (const m of messages) hmac.update(m);
  hmac.update(variables);
  return new Uint8Array(hmac.digest());
}

/** The TSIG record's octets (owner and RDATA, nothing compressed). */
function tsigRecordOctets(keyName: Name, algorithm: Name, v: Variables & { mac: Uint8Array; originalId: number }): Buffer {
  const rdata = Buffer.concat([
    canonicalWire(algorithm),
    u48(v.timeSigned),
    u16b(v.fudge),
    u16b(v.mac.length),
    v.mac,
    u16b(v.originalId),
    u16b(v.error),
    u16b(v.otherData.length),
    v.otherData,
  ]);
  const head = Buffer.alloc(10);
  head.writeUInt16BE(RRType.TSIG, 0);
  head.writeUInt16BE(RRClass.ANY, 2);
  head.writeUInt32BE(0, 4);
  head.writeUInt16BE(rdata.length, 8);
  return Buffer.concat([canonicalWire(keyName), head, rdata]);
}

/** `message` with `record` appended as its last additional record. */
function appendRecord(message: Uint8Array, record: Uint8Array): Uint8Array {
  const out = new Uint8Array(message.length + record.length);
  out.set(message);
  out.set(record, message.length);
  const arcount = u16(message, 10) + 1;
  out[10] = arcount >> 8;
  out[11] = arcount & 0xff;
  return out;
}

/** How many octets a TSIG record made with this key adds to a message (for size limits). */
export function tsigLength(key: TsigKey, otherLength = 0): number {
  return canonicalWire(key.name).length + 10 + canonicalWire(ALGORITHMS[key.algorithm].wire).length + 16 + ALGORITHMS[key.algorithm].size + otherLength;
}

export interface SignOptions {
  /** Seconds since the epoch. */
  now: number;
  fudge?: number;
  /** For a response: the request's MAC (RFC 8945 §4.3.2). */
  requestMac?: Uint8Array;
  error?: number;
  otherData?: Uint8Array;
  /** The time to sign with when it is not `now` (a BADTIME answer carries the request's). */
  timeSigned?: number;
}

/** Signs a whole message (request, or response when requestMac is given). Returns the signed octets and the MAC. */
export function signMessage(message: Uint8Array, key: TsigKey, options: SignOptions): { bytes: Uint8Array; mac: Uint8Array } {
  const algorithm = ALGORITHMS[key.algorithm].wire;
  const v: Variables = {
    keyName: key.name,
    algorithm,
    timeSigned: options.timeSigned ?? options.now,
    fudge: options.fudge ?? TSIG_FUDGE,
    error: options.error ?? 0,
    otherData: options.otherData ?? new Uint8Array(0),
  };
  const originalId = u16(message, 0);
  const mac = computeMac(key, options.requestMac, [message], variablesOctets(v, false));
  return { bytes: appendRecord(message, tsigRecordOctets(key.name, algorithm, { ...v, mac, originalId })), mac };
}

/**
 * Signs the messages of one TCP stream (an AXFR or IXFR answer): the first as a response to the
 * request, each later one over the prior MAC, itself and the timers (RFC 8945 §5.3.1). Every
 * message is signed.
 */
export class TsigStreamSigner {
  private prior: Uint8Array;
  private first = true;
  constructor(
    private readonly key: TsigKey,
    requestMac: Uint8Array,
    private readonly clock: () => number = nowSeconds,
  ) {
    this.prior = requestMac;
  }

  /** How many octets each signature adds. */
  get overhead(): number {
    return tsigLength(this.key);
  }

  sign(message: Uint8Array): Uint8Array {
    const algorithm = ALGORITHMS[this.key.algorithm].wire;
    const v: Variables = { keyName: this.key.name, algorithm, timeSigned: this.clock(), fudge: TSIG_FUDGE, error: 0, otherData: new Uint8Array(0) };
    const mac = computeMac(this.key, this.prior, [message], variablesOctets(v, !this.first));
    this.first = false;
    this.prior = mac;
    return appendRecord(message, tsigRecordOctets(this.key.name, algorithm, { ...v, mac, originalId: u16(message, 0) }));
  }
}

export function nowSeconds(): number {
  return Math.floor(Date.now() / 1000);
}

/** The outcome of checking a signed request (RFC 8945 §5.2), in the order the RFC checks. */
export type TsigCheck =
  | { ok: true; key: TsigKey; signed: SignedMessage }
  | { ok: false; error: 'BADKEY' | 'BADSIG' | 'BADTRUNC' | 'BADTIME'; signed: SignedMessage; key?: TsigKey; reason: string };

/**
 * Checks a request's TSIG against `keys` at `now` (seconds): key and algorithm known (BADKEY),
 * MAC length (FORMERR is thrown as WireError; BADTRUNC), MAC (BADSIG), time within fudge (BADTIME).
 */
export function verifyRequest(signed: SignedMessage, keys: TsigKeyring, now: number): TsigCheck {
  const t = signed.tsig;
  const key = keys.get(t.keyName);
  const algorithm = tsigAlgorithm(t.algorithm);
  if (!key) return { ok: false, error: 'BADKEY', signed, reason: `unknown TSIG key ${t.keyName}` };
  if (algorithm !== key.algorithm) return { ok: false, error: 'BADKEY', signed, reason: `TSIG key ${t.keyName} is not ${t.algorithm}` };
  const bad = checkMac(key, signed, undefined, [withId(signed.unsigned, t.originalId)], false);
  if (bad) return { ok: false, ...bad, signed };
  if (Math.abs(now - t.timeSigned) > t.fudge) {
    return { ok: false, error: 'BADTIME', signed, key, reason: `TSIG time ${t.timeSigned} is ${now - t.timeSigned} s from ours (fudge ${t.fudge})` };
  }
  return { ok: true, key, signed };
}

/** RFC 8945 §5.2.2: MAC length rules, then the MAC itself. */
function checkMac(
  key: TsigKey,
  signed: SignedMessage,
  prior: Uint8Array | undefined,
  messages: readonly Uint8Array[],
  timersOnly: boolean,
): { error: 'BADSIG' | 'BADTRUNC'; reason: string } | undefined {
  const t = signed.tsig;
  const size = ALGORITHMS[key.algorithm].size;
  if (t.mac.length > size) throw new WireError('BAD_TSIG', signed.tsigOffset, `MAC of ${t.mac.length} octets is longer than ${key.algorithm}'s ${size}`);
  // §5.2.2.1: shorter than half the hash or than 10 octets is FORMERR; truncation is not offered (BADTRUNC).
  if (t.mac.length < Math.max(10, size / 2)) {
    if (t.mac.length === 0) return { error: 'BADSIG', reason: 'empty MAC' };
    throw new WireError('BAD_TSIG', signed.tsigOffset, `MAC of ${t.mac.length} octets is too short`);
  }
  if (t.mac.length < size) return { error: 'BADTRUNC', reason: `truncated MAC (${t.mac.length} of ${size} octets)` };
  const variables = variablesOctets({ keyName: t.keyName, algorithm: t.algorithm, timeSigned: t.timeSigned, fudge: t.fudge, error: t.error, otherData: t.otherData }, timersOnly);
  const mac = computeMac(key, prior, messages, variables);
  if (!timingSafeEqual(mac, t.mac)) return { error: 'BADSIG', reason: 'MAC does not match' };
  return undefined;
}

/**
 * The answer to a request whose TSIG failed (RFC 8945 §5.3.2): `reply` (already NOTAUTH) with a
 * TSIG record carrying the error. BADKEY and BADSIG are unsigned (MAC empty); BADTIME and
 * BADTRUNC are signed, BADTIME with our time in Other Data.
 */
export function tsigErrorReply(reply: Uint8Array, check: Extract<TsigCheck, { ok: false }>, now: number): Uint8Array {
  const t = check.signed.tsig;
  const error = TsigError[check.error];
  if (check.key && (check.error === 'BADTIME' || check.error === 'BADTRUNC')) {
    const otherData = check.error === 'BADTIME' ? new Uint8Array(u48(now)) : undefined;
    return signMessage(reply, check.key, { now, requestMac: t.mac, error, otherData, timeSigned: t.timeSigned, fudge: t.fudge }).bytes;
  }
  const record = tsigRecordOctets(t.keyName, t.algorithm, {
    keyName: t.keyName,
    algorithm: t.algorithm,
    timeSigned: t.timeSigned,
    fudge: t.fudge,
    error,
    otherData: new Uint8Array(0),
    mac: new Uint8Array(0),
    originalId: t.originalId,
  });
  return appendRecord(reply, record);
}

/** A response's TSIG checked against the request's MAC; throws TsigVerifyError when it fails. */
export class TsigVerifyError extends Error {
  override readonly name = 'TsigVerifyError';
  constructor(
    readonly code: 'UNSIGNED' | 'BADKEY' | 'BADSIG' | 'BADTRUNC' | 'BADTIME' | 'TSIG_ERROR',
    message: string,
  ) {
    super(message);
  }
}

/**
 * Verifies the messages of a signed response stream, as a client (a secondary or a NOTIFY
 * sender): the first against the request's MAC, later ones chained (RFC 8945 §5.3.1). Up to 99
 * unsigned messages in a row are accepted and folded into the next signed one; the last message
 * must be signed (call `finish`).
 */
export class TsigStreamVerifier {
  private prior: Uint8Array;
  private first = true;
  private pending: Uint8Array[] = [];
  constructor(
    private readonly key: TsigKey,
    requestMac: Uint8Array,
    private readonly clock: () => number = nowSeconds,
  ) {
    this.prior = requestMac;
  }

  /** Checks one message; returns it without its TSIG. Throws TsigVerifyError or WireError. */
  verify(bytes: Uint8Array): Uint8Array {
    const signed = findTsig(bytes);
    if (!signed) {
      if (this.first) throw new TsigVerifyError('UNSIGNED', 'the response is not signed');
      if (this.pending.length >= 99) throw new TsigVerifyError('UNSIGNED', 'more than 99 unsigned messages in a row');
      this.pending.push(bytes);
      return bytes;
    }
    const t = signed.tsig;
    if (canonicalName(t.keyName) !== canonicalName(this.key.name) || tsigAlgorithm(t.algorithm) !== this.key.algorithm) {
      throw new TsigVerifyError('BADKEY', `response signed with key ${t.keyName} (${t.algorithm}), not ${this.key.name}`);
    }
    if (t.error !== 0 && t.mac.length === 0) {
      throw new TsigVerifyError('TSIG_ERROR', `the server says TSIG error ${t.error === TsigError.BADKEY ? 'BADKEY' : t.error === TsigError.BADSIG ? 'BADSIG' : t.error}`);
    }
    const messages = [...this.pending, withId(signed.unsigned, t.originalId)];
    const bad = checkMac(this.key, signed, this.prior, messages, !this.first);
    if (bad) throw new TsigVerifyError(bad.error, `response ${bad.reason}`);
    if (t.error === TsigError.BADTIME) throw new TsigVerifyError('BADTIME', 'the server says our clock is off (BADTIME)');
    if (t.error !== 0) throw new TsigVerifyError('TSIG_ERROR', `the server says TSIG error ${t.error}`);
    if (Math.abs(this.clock() - t.timeSigned) > t.fudge) throw new TsigVerifyError('BADTIME', `response signed at ${t.timeSigned}, ${this.clock() - t.timeSigned} s from our clock`);
    this.first = false;
    this.pending = [];
    this.prior = t.mac;
    return signed.unsigned;
  }

  /** Throws unless the last message seen was signed. */
  finish(): void {
    if (this.first || this.pending.length > 0) throw new TsigVerifyError('UNSIGNED', 'the last message of the stream is not signed');
  }
}
