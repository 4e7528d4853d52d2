/** Fixed-form identifiers: EUI-48/64 (RFC 7043), ILNP's 64-bit values (RFC 6742), NSAP (RFC 1706), ATMA, A6's suffix (RFC 2874). */
import { TextError } from '../errors.js';
import { formatIPv6, parseIPv6 } from '../address.js';
import { hexToBytes } from './encodings.js';
import { pushBytes, type FieldKind } from './fields.js';

const hex2 = (b: number) => b.toString(16).padStart(2, '0');

/** RFC 7043 §3.2, §4.2: six or eight hex pairs joined by hyphens. */
function eui(size: number): FieldKind {
  const form = new RegExp(`^[0-9a-fA-F]{2}(-[0-9a-fA-F]{2}){${size - 1}}$`);
  return {
    parse(r, out, what) {
      pushBytes(out, r.field(what, (s) => {
        if (!form.test(s)) throw new TextError('BAD_RDATA', `"${s}" is not ${size} hex pairs joined by "-"`);
        return hexToBytes(s.replaceAll('-', ''));
      }));
    },
    print(c) {
      if (c.end - c.pos !== size) return undefined;
      const text = Array.from(c.b.subarray(c.pos, c.end), hex2).join('-');
      c.pos = c.end;
      return text;
    },
    skip: (_b, pos, end) => (end - pos === size ? end : -1),
  };
}
export const eui48 = eui(6);
export const eui64 = eui(8);

/** RFC 6742 §2.1, §2.3: four groups of up to four hex digits, like half an IPv6 address. */
export const ilnp64: FieldKind = {
  parse(r, out, what) {
    r.field(what, (s) => {
      if (!/^[0-9a-fA-F]{1,4}(:[0-9a-fA-F]{1,4}){3}$/.test(s)) throw new TextError('BAD_RDATA', `"${s}" is not four groups of hex digits joined by ":"`);
      for (const g of s.split(':')) out.push(parseInt(g, 16) >> 8, parseInt(g, 16) & 0xff);
    });
  },
  print(c) {
    if (c.pos + 8 > c.end) return undefined;
    const groups: string[] = [];
    for (let k = 0; k < 4; k++) groups.push(((c.b[c.pos + 2 * k] << 8) | c.b[c.pos + 2 * k + 1]).toString(16)); // as dig prints them
    c.pos += 8;
    return groups.join(':');
  },
  skip: (_b, pos, end) => (pos + 8 <= end ? pos + 8 : -1),
};

/** NSAP (RFC 1706 §5): "0x" and hex digits, dots allowed anywhere between them. */
export const nsap: FieldKind = {
  parse(r, out, what) {
    pushBytes(out, r.field(what, (s) => {
      if (!/^0x[0-9a-fA-F.]+$/i.test(s)) throw new TextError('BAD_RDATA', `"${s}" is not an NSAP address (0x and hex digits)`);
      const bytes = hexToBytes(s.slice(2).replaceAll('.', ''));
      if (bytes.length === 0) throw new TextError('BAD_RDATA', 'empty NSAP address');
      return bytes;
    }));
  },
  print(c) {
    if (c.pos >= c.end) return undefined;
    const text = `0x${Array.from(c.b.subarray(c.pos, c.end), hex2).join('')}`;
    c.pos = c.end;
    return text;
  },
  skip: (_b, pos, end) => (pos < end ? end : -1),
};

/** ATMA (ATM Forum AF-DANS-0152.000): format 0 AESA in hex, format 1 E.164 as "+digits". */
export const atmAddress: FieldKind = {
  parse(r, out, what) {
    r.field(what, (s) => {
      if (/^\+\d+$/.test(s)) {
        out.push(1);
        for (const ch of s.slice(1)) out.push(ch.charCodeAt(0));
      } else if (/^[0-9a-fA-F.]+$/.test(s)) {
        out.push(0);
        pushBytes(out, hexToBytes(s.replaceAll('.', '')));
      } else {
        throw new TextError('BAD_RDATA', `"${s}" is not an ATM address (hex, or + and E.164 digits)`);
      }
    });
  },
  print(c) {
    if (c.end - c.pos < 2 || c.b[c.pos] > 1) return undefined;
    const body = c.b.subarray(c.pos + 1, c.end);
    if (c.b[c.pos] === 1 && !body.every((d) => d >= 0x30 && d <= 0x39)) return undefined;
    c.pos = c.end;
    return c.b[c.pos - body.length - 1] === 1 ? `+${String.fromCharCode(...body)}` : Array.from(body, hex2).join('');
  },
  skip: (b, pos, end) => (end - pos >= 2 && b[pos] <= 1 ? end : -1),
};

/** A6's address suffix (RFC 2874 §3.1): the octets the prefix length (the octet before) leaves, written as an IPv6 address. */
export const a6Suffix: FieldKind = {
  parse(r, out, what) {
    const prefix = out[out.length - 1];
    if (prefix > 128) throw new TextError('BAD_NUMBER', `A6 prefix length ${prefix} is over 128`, r.i - 1);
    if (prefix === 128) return; // no suffix: the prefix name is the whole address
    const address = r.field(what, (s) => parseIPv6(s) ?? (() => { throw new TextError('BAD_ADDRESS', `"${s}" is not an IPv6 address`); })());
    pushBytes(out, address.subarray(prefix >> 3));
  },
  print(c) {
    const prefix = c.b[c.pos - 1];
    const next = a6Suffix.skip(c.b, c.pos, c.end);
    if (next < 0) return undefined;
    if (prefix === 128) return '';
    const address = new Uint8Array(16);
    address.set(c.b.subarray(c.pos, next), prefix >> 3);
    c.pos = next;
    return formatIPv6(address, 0);
  },
  skip(b, pos, end) {
    const prefix = b[pos - 1];
    if (prefix > 128) return -1;
    const next = pos + 16 - (prefix >> 3);
    return next <= end ? next : -1;
  },
};
