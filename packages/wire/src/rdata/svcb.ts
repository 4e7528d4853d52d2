/** SVCB and HTTPS SvcParams (RFC 9460 §2.1, §7, Appendix A): presentation ↔ wire, with the self-consistency rules of §2.4.3. */
import { TextError } from '../errors.js';
import { formatIPv4, formatIPv6, parseIPv4, parseIPv6 } from '../address.js';
import { parseCharacterString } from '../text/charstring.js';
import { base64ToBytes, bytesToBase64 } from './encodings.js';
import { pushBytes, readUint, type FieldKind } from './fields.js';

/** IANA "Service Parameter Keys (SvcParamKeys)": RFC 9460 §14.3.2, RFC 9461 (dohpath), RFC 9540 (ohttp). */
const KEY_NAMES = ['mandatory', 'alpn', 'no-default-alpn', 'port', 'ipv4hint', 'ech', 'ipv6hint', 'dohpath', 'ohttp'];
const MANDATORY = 0;
const ALPN = 1;
const NO_DEFAULT_ALPN = 2;
const INVALID_KEY = 65535; // RFC 9460 §14.3.2: "Invalid key"

const keyName = (k: number) => KEY_NAMES[k] ?? `key${k}`;

function keyNumber(text: string): number {
  const known = KEY_NAMES.indexOf(text.toLowerCase());
  if (known >= 0) return known;
  const m = /^key(\d{1,5})$/i.exec(text);
  // RFC 9460 §2.1: keyNNNNN without leading zeros... accepted with them, as BIND does, but not 65535.
  if (!m || Number(m[1]) >= INVALID_KEY) throw new TextError('BAD_RDATA', `unknown SvcParamKey "${text}"`);
  return Number(m[1]);
}

/** Appendix A.1: a comma-separated list whose items escape "," and "\" with "\". */
function splitValueList(octets: Uint8Array): Uint8Array[] {
  const items: Uint8Array[] = [];
  let cur: number[] = [];
  for (let i = 0; i < octets.length; i++) {
    const b = octets[i];
    if (b === 0x5c && i + 1 < octets.length) cur.push(octets[++i]);
    else if (b === 0x2c) {
      items.push(Uint8Array.from(cur));
      cur = [];
    } else cur.push(b);
  }
  items.push(Uint8Array.from(cur));
  return items;
}

const latin1 = (b: Uint8Array) => Buffer.from(b).toString('latin1');

/** A value's presentation: char-string escapes of `"`, `\` and non-printable octets (RFC 9460 Appendix A). */
function escapeValue(octets: Uint8Array | number[], listItem = false): string {
  let out = '';
  for (const b of octets) {
    if (listItem && (b === 0x2c || b === 0x5c)) out += b === 0x2c ? '\\\\,' : '\\\\\\\\';
    else if (b === 0x22 || b === 0x5c) out += `\\${String.fromCharCode(b)}`;
    else if (b >= 0x20 && b < 0x7f) out += String.fromCharCode(b);
    else out += `\\${String(b).padStart(3, '0')}`;
  }
  return out;
}

function listOf<T>(octets: Uint8Array, parse: (s: string) => T | undefined, what: string): T[] {
  const items = splitValueList(octets).map((item) => {
    const v = item.length ? parse(latin1(item)) : undefined;
    if (v === undefined) throw new TextError('BAD_RDATA', `"${latin1(item)}" is not ${what}`);
    return v;
  });
  return items;
}

/** Value octets (escapes resolved) of key `key` → wire value. */
function valueToWire(key: number, octets: Uint8Array | undefined): Uint8Array {
  const needsValue = (what: string) => {
    if (octets === undefined || octets.length === 0) throw new TextError('BAD_RDATA', `${keyName(key)} needs a value (${what})`);
    return octets;
  };
  switch (key) {
    case MANDATORY: {
      const keys = listOf(needsValue('keys'), (s) => keyNumber(s), 'a SvcParamKey');
      if (keys.includes(MANDATORY)) throw new TextError('BAD_RDATA', 'mandatory must not list itself (RFC 9460 §8)');
      if (new Set(keys).size !== keys.length) throw new TextError('BAD_RDATA', 'mandatory lists a key twice (RFC 9460 §8)');
      return Uint8Array.from(keys.sort((a, b) => a - b).flatMap((k) => [k >> 8, k & 0xff]));
    }
    case ALPN: {
      const ids = splitValueList(needsValue('ALPN ids'));
      if (ids.some((id) => id.length === 0 || id.length > 255)) throw new TextError('BAD_RDATA', 'alpn ids are 1 to 255 octets (RFC 9460 §7.1.1)');
      return Uint8Array.from(ids.flatMap((id) => [id.length, ...id]));
    }
    case NO_DEFAULT_ALPN:
    case 8: // ohttp, RFC 9540 §4: no value
      if (octets !== undefined) throw new TextError('BAD_RDATA', `${keyName(key)} takes no value`);
      return new Uint8Array(0);
    case 3: {
      const text = latin1(needsValue('a port number'));
      if (!/^\d{1,5}$/.test(text) || Number(text) > 0xffff) throw new TextError('BAD_NUMBER', `port "${text}" is not 0 to 65535`);
      return Uint8Array.of(Number(text) >> 8, Number(text) & 0xff);
    }
    case 4:
      return Uint8Array.from(listOf(needsValue('IPv4 addresses'), parseIPv4, 'an IPv4 address').flatMap((a) => [...a]));
    case 5:
      return base64ToBytes(latin1(needsValue('base64 ECHConfigList')));
    case 6:
      return Uint8Array.from(listOf(needsValue('IPv6 addresses'), parseIPv6, 'an IPv6 address').flatMap((a) => [...a]));
    case 7: // dohpath, RFC 9461 §5: a URI template (UTF-8)
      return needsValue('a URI template');
    default:
      return octets ?? new Uint8Array(0);
  }
}

/** Wire value → its presentation (with "key=" or bare), undefined when the octets are not that key's form. */
function valueToText(key: number, v: Uint8Array): string | undefined {
  const name = keyName(key);
  switch (key) {
    case MANDATORY: {
      if (v.length === 0 || v.length % 2) return undefined;
      const keys: string[] = [];
      // RFC 9460 §8: strictly increasing, never "mandatory" itself (else the text form would be refused).
      for (let i = 0, last = MANDATORY; i < v.length; i += 2) {
        const k = readUint(v, i, 2);
        if (k <= last) return undefined;
        last = k;
        keys.push(keyName(k));
      }
      return `${name}=${keys.join(',')}`;
    }
    case ALPN: {
      const ids: string[] = [];
      for (let i = 0; i < v.length; ) {
        const len = v[i];
        if (len === 0 || i + 1 + len > v.length) return undefined;
        ids.push(escapeValue(v.subarray(i + 1, i + 1 + len), true));
        i += 1 + len;
      }
      return ids.length ? `${name}="${ids.join(',')}"` : undefined;
    }
    case NO_DEFAULT_ALPN:
    case 8:
      return v.length === 0 ? name : undefined;
    case 3:
      return v.length === 2 ? `${name}=${readUint(v, 0, 2)}` : undefined;
    case 4:
    case 6: {
      const size = key === 4 ? 4 : 16;
      if (v.length === 0 || v.length % size) return undefined;
      const addresses: string[] = [];
      for (let i = 0; i < v.length; i += size) addresses.push(size === 4 ? formatIPv4(v, i) : formatIPv6(v, i));
      return `${name}=${addresses.join(',')}`;
    }
    case 5:
      return v.length ? `${name}=${bytesToBase64(v)}` : undefined;
    default:
      return v.length ? `${name}="${escapeValue(v)}"` : name; // an empty value prints as the bare key, as dig does
  }
}

/** The SvcParams: every remaining token, in any order in text, ascending by key on the wire. */
export const svcParams: FieldKind = {
  parse(r, out, what) {
    const params = new Map<number, { value: Uint8Array; at: number; mandatory?: number[] }>();
    while (!r.done) {
      const at = r.i;
      const token = r.next(what);
      if (token.quoted) throw new TextError('BAD_RDATA', `SvcParam "${token.text}" must be key=value, not a quoted string`, at);
      const eq = token.text.indexOf('=');
      const keyText = eq < 0 ? token.text : token.text.slice(0, eq);
      let valueText = eq < 0 ? undefined : token.text.slice(eq + 1);
      // key="value": the lexer hands the quoted value over as a token of its own.
      if (valueText === '' && !r.done && r.tokens[r.i].quoted) valueText = r.next(what).text;
      try {
        const key = keyNumber(keyText);
        if (params.has(key)) throw new TextError('BAD_RDATA', `SvcParamKey ${keyName(key)} appears twice (RFC 9460 §2.2)`);
        const octets = valueText === undefined ? undefined : parseCharacterString(valueText, 0xffff);
        params.set(key, { value: valueToWire(key, octets), at });
      } catch (e) {
        if (e instanceof TextError) throw new TextError(e.code, `${r.type} ${e.message}`, at);
        throw e;
      }
    }
    // RFC 9460 §8: every key listed in mandatory is present.
    const mandatory = params.get(MANDATORY);
    if (mandatory) {
      for (let i = 0; i < mandatory.value.length; i += 2) {
        const k = readUint(mandatory.value, i, 2);
        if (!params.has(k)) throw new TextError('BAD_RDATA', `${r.type} mandatory lists ${keyName(k)}, which is missing`, mandatory.at);
      }
    }
    // RFC 9460 §7.1.1: no-default-alpn without alpn is not self-consistent.
    const noDefault = params.get(NO_DEFAULT_ALPN);
    if (noDefault && !params.has(ALPN)) throw new TextError('BAD_RDATA', `${r.type} no-default-alpn needs alpn (RFC 9460 §7.1.1)`, noDefault.at);
    for (const key of [...params.keys()].sort((a, b) => a - b)) {
      const { value } = params.get(key) as { value: Uint8Array };
      out.push(key >> 8, key & 0xff, value.length >> 8, value.length & 0xff);
      pushBytes(out, value);
    }
  },
  print(c) {
    if (svcParams.skip(c.b, c.pos, c.end) !== c.end) return undefined;
    const parts: string[] = [];
    const values = new Map<number, Uint8Array>();
    for (let p = c.pos; p < c.end; ) {
      const key = readUint(c.b, p, 2);
      const length = readUint(c.b, p + 2, 2);
      values.set(key, c.b.subarray(p + 4, p + 4 + length));
      const text = valueToText(key, c.b.subarray(p + 4, p + 4 + length));
      if (text === undefined) return undefined;
      parts.push(text);
      p += 4 + length;
    }
    // Octets that break the rules the text form enforces (§8, §7.1.1) print as \#, which reads back.
    const mandatory = values.get(MANDATORY) ?? new Uint8Array(0);
    for (let i = 0; i < mandatory.length; i += 2) if (!values.has(readUint(mandatory, i, 2))) return undefined;
    if (values.has(NO_DEFAULT_ALPN) && !values.has(ALPN)) return undefined;
    c.pos = c.end;
    return parts.join(' ');
  },
  // RFC 9460 §2.2: keys in strictly ascending order, each value within the rdata.
  skip(b, pos, end) {
    let last = -1;
    while (pos < end) {
      if (pos + 4 > end) return -1;
      const key = readUint(b, pos, 2);
      if (key <= last) return -1;
      last = key;
      pos += 4 + readUint(b, pos + 2, 2);
    }
    return pos === end ? pos : -1;
  },
};
