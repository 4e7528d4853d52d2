/** LOC (RFC 1876): location as text, with the RFC's defaults for size and precision. */
import { TextError } from '../errors.js';
import type { Reader } from '../text/reader.js';
import { readUint, type FieldKind } from './fields.js';

const EQUATOR = 2 ** 31; // RFC 1876 §2: latitude and longitude are offsets from 2^31
const ALTITUDE_BASE = 10_000_000; // centimetres below the WGS 84 spheroid the altitude counts from
const MAX_PRECISION_CM = 9_000_000_000; // 9e9 cm: mantissa 9, exponent 9

/** A decimal with at most `places` fractional digits, in units of 10^-places; undefined when not one. */
function fixed(text: string, places: number, signed = false): number | undefined {
  const m = (signed ? /^(-?)(\d+)(?:\.(\d*))?$/ : /^()(\d+)(?:\.(\d*))?$/).exec(text);
  if (!m || (m[3] ?? '').length > places) return undefined;
  const value = Number(m[2]) * 10 ** places + Number((m[3] ?? '').padEnd(places, '0') || '0');
  return m[1] === '-' ? -value : value;
}

/** "d [m [s.sss]] H" → thousandths of an arc second, signed by the hemisphere letter. */
function angle(r: Reader, positive: string, negative: string, maxDegrees: number): number {
  const what = positive === 'N' ? 'latitude' : 'longitude';
  const parts: number[] = [];
  for (;;) {
    const t = r.next(what);
    const hemisphere = t.text.toUpperCase();
    if (hemisphere === positive || hemisphere === negative) {
      if (parts.length === 0) throw new TextError('MISSING_FIELD', `LOC ${what} has no degrees`, r.i - 1);
      const [d, m = 0, s = 0] = parts;
      const value = ((d * 60 + m) * 60) * 1000 + s;
      if (value > maxDegrees * 3_600_000) throw new TextError('BAD_NUMBER', `LOC ${what} beyond ${maxDegrees} degrees`, r.i - 1);
      return hemisphere === positive ? value : -value;
    }
    const limits = [maxDegrees, 59, 59_999];
    const v = parts.length < 2 ? (/^\d+$/.test(t.text) ? Number(t.text) : undefined) : fixed(t.text, 3);
    if (parts.length === 3 || v === undefined || v > limits[parts.length]) {
      throw new TextError('BAD_NUMBER', `LOC ${what}: "${t.text}" is not ${['degrees', 'minutes', 'seconds'][Math.min(parts.length, 2)]} or ${positive}/${negative}`, r.i - 1);
    }
    parts.push(v);
  }
}

/** Metres ("30m", "1.5") → centimetres. */
function metres(r: Reader, what: string, signed: boolean): number {
  return r.field(what, (s) => {
    const v = fixed(s.endsWith('m') || s.endsWith('M') ? s.slice(0, -1) : s, 2, signed);
    if (v === undefined) throw new TextError('BAD_NUMBER', `"${s}" is not a distance in metres`);
    return v;
  });
}

/** RFC 1876 §2: a size or precision as mantissa and power of ten (of centimetres), truncated as NSD does. */
function precision(cm: number): number {
  let exponent = 0;
  while (exponent < 9 && cm >= 10 ** (exponent + 1)) exponent++;
  return (Math.min(9, Math.floor(cm / 10 ** exponent)) << 4) | exponent;
}

function formatAngle(v: number, positive: string, negative: string): string {
  const hemisphere = v >= EQUATOR ? positive : negative;
  let rest = Math.abs(v - EQUATOR);
  const ms = rest % 60_000;
  rest = (rest - ms) / 60_000;
  const m = rest % 60;
  const d = (rest - m) / 60;
  return `${d} ${m} ${Math.floor(ms / 1000)}.${String(ms % 1000).padStart(3, '0')} ${hemisphere}`;
}

function formatPrecision(octet: number): string {
  const mantissa = octet >> 4;
  const exponent = octet & 0xf;
  if (exponent >= 2) return `${mantissa * 10 ** (exponent - 2)}m`;
  const cm = mantissa * 10 ** exponent;
  return `${Math.floor(cm / 100)}.${String(cm % 100).padStart(2, '0')}m`;
}

const validPrecision = (octet: number) => octet >> 4 <= 9 && (octet & 0xf) <= 9;

/** The whole LOC rdata, version 0 (16 octets). */
export const location: FieldKind = {
  parse(r, out) {
    const latitude = angle(r, 'N', 'S', 90);
    const longitude = angle(r, 'E', 'W', 180);
    const altitude = metres(r, 'altitude', true);
    if (altitude < -ALTITUDE_BASE || altitude > 0xffffffff - ALTITUDE_BASE) {
      throw new TextError('BAD_NUMBER', 'LOC altitude is not from -100000.00m to 42849672.95m', r.i - 1);
    }
    // RFC 1876 §3: size 1m, horizontal precision 10000m, vertical precision 10m when left out.
    const sizes = [100, 1_000_000, 1000];
    ['size', 'horizontal precision', 'vertical precision'].forEach((what, k) => {
      if (r.done) return;
      const cm = metres(r, what, false);
      if (cm > MAX_PRECISION_CM) throw new TextError('BAD_NUMBER', `LOC ${what} over 90000000.00m`, r.i - 1);
      sizes[k] = cm;
    });
    out.push(0, ...sizes.map(precision));
    for (const v of [EQUATOR + latitude, EQUATOR + longitude, altitude + ALTITUDE_BASE]) out.push(v >>> 24, (v >>> 16) & 0xff, (v >>> 8) & 0xff, v & 0xff);
  },
  print(c) {
    if (location.skip(c.b, c.pos, c.end) !== c.end || c.b[c.pos] !== 0) return undefined;
    const b = c.b;
    const p = c.pos;
    const lat = readUint(b, p + 4, 4);
    const lon = readUint(b, p + 8, 4);
    const alt = readUint(b, p + 12, 4);
    if (![b[p + 1], b[p + 2], b[p + 3]].every(validPrecision)) return undefined;
    if (Math.abs(lat - EQUATOR) > 90 * 3_600_000 || Math.abs(lon - EQUATOR) > 180 * 3_600_000) return undefined;
    c.pos = c.end;
    const below = alt < ALTITUDE_BASE;
    const cm = below ? ALTITUDE_BASE - alt : alt - ALTITUDE_BASE;
    const altitude = `${below ? '-' : ''}${Math.floor(cm / 100)}.${String(cm % 100).padStart(2, '0')}m`;
    return [formatAngle(lat, 'N', 'S'), formatAngle(lon, 'E', 'W'), altitude, ...[1, 2, 3].map((k) => formatPrecision(b[p + k]))].join(' ');
  },
  // RFC 1876 §2: version 0 has 16 octets; other versions are not defined and kept as they are.
  skip: (b, pos, end) => (pos < end && (b[pos] !== 0 || end - pos === 16) ? end : -1),
};
