import { TextError } from '../errors.js';

const HEX = /^[0-9a-fA-F]*$/;
const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;
const BASE32HEX = '0123456789ABCDEFGHIJKLMNOPQRSTUV';

export function hexToBytes(text: string): Uint8Array {
  if (!HEX.test(text)) throw new TextError('BAD_RDATA', `"${text}" is not hex`);
  if (text.length % 2 !== 0) throw new TextError('BAD_RDATA', `"${text}": odd number of hex digits`);
  return Uint8Array.from(Buffer.from(text, 'hex'));
}

export const bytesToHex = (b: Uint8Array): string => Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('hex').toUpperCase();

/** Base64 in its canonical padded form (RFC 4648 §4); Node decodes leniently, so it must encode back. */
export function base64ToBytes(text: string): Uint8Array {
  const bytes = BASE64.test(text) && text.length % 4 === 0 ? Buffer.from(text, 'base64') : undefined;
  if (bytes === undefined || bytes.toString('base64') !== text) {
    throw new TextError('BAD_RDATA', `"${text.length > 40 ? `${text.slice(0, 40)}...` : text}" is not valid base64`);
  }
  return Uint8Array.from(bytes);
}

export const bytesToBase64 = (b: Uint8Array): string => Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('base64');

/** Base32 with the extended hex alphabet, unpadded (RFC 4648 §7, as NSEC3 writes it: RFC 5155 §3.3). */
export function base32hexToBytes(text: string): Uint8Array {
  const out: number[] = [];
  let bits = 0;
  let value = 0;
  for (const ch of text.toUpperCase()) {
    const v = BASE32HEX.indexOf(ch);
    if (v < 0) throw new TextError('BAD_RDATA', `"${text}" is not base32hex`);
    value = ((value << 5) | v) & 0xffff;
    bits += 5;
    if (bits >= 8) {
      bits -= 8;
      out.push((value >> bits) & 0xff);
    }
  }
  // Leftover bits must be zero padding of the last quantum (a valid length has at most 4 of them).
  if (bits >= 5 || (value & ((1 << bits) - 1)) !== 0) throw new TextError('BAD_RDATA', `"${text}" is not base32hex of whole octets`);
  return Uint8Array.from(out);
}

export function bytesToBase32hex(b: Uint8Array): string {
  let out = '';
  let bits = 0;
  let value = 0;
  for (const byte of b) {
    value = ((value << 8) | byte) & 0xfff;
    bits += 8;
    while (bits >= 5) {
      bits -= 5;
      out += BASE32HEX[(value >> bits) & 31];
    }
  }
  if (bits > 0) out += BASE32HEX[(value << (5 - bits)) & 31];
  return out;
}

/** RRSIG times (RFC 4034 §3.2): YYYYMMDDHHmmSS in UTC, or seconds since 1970 (mod 2^32, §3.1.5). */
export function parseSigTime(text: string): number {
  if (/^\d{14}$/.test(text)) {
    const [y, mo, d, h, mi, s] = [0, 4, 6, 8, 10, 12].map((at, i) => Number(text.slice(at, at + (i === 0 ? 4 : 2))));
    const ms = Date.UTC(y, mo - 1, d, h, mi, s);
    const back = new Date(ms);
    if (y < 1970 || back.getUTCMonth() !== mo - 1 || back.getUTCDate() !== d || h > 23 || mi > 59 || s > 59) {
      throw new TextError('BAD_NUMBER', `"${text}" is not a valid YYYYMMDDHHmmSS time`);
    }
    return (ms / 1000) % 2 ** 32;
  }
  if (/^\d{1,10}$/.test(text) && Number(text) <= 0xffffffff) return Number(text);
  throw new TextError('BAD_NUMBER', `"${text}" is not a time (YYYYMMDDHHmmSS or seconds)`);
}

export function formatSigTime(seconds: number): string {
  const d = new Date(seconds * 1000);
  const p = (n: number, w = 2) => String(n).padStart(w, '0');
  return `${p(d.getUTCFullYear(), 4)}${p(d.getUTCMonth() + 1)}${p(d.getUTCDate())}${p(d.getUTCHours())}${p(d.getUTCMinutes())}${p(d.getUTCSeconds())}`;
}
