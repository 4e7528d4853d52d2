/** APL (RFC 3123): address prefix lists, `[!]afi:address/prefix` items. */
import { TextError } from '../errors.js';
import { formatIPv4, formatIPv6, parseIPv4, parseIPv6 } from '../address.js';
import { readUint, type FieldKind } from './fields.js';

const FAMILIES: Record<number, { size: number; parse: (s: string) => Uint8Array | undefined; format: (b: Uint8Array) => string }> = {
  1: { size: 4, parse: parseIPv4, format: (b) => formatIPv4(b, 0) },
  2: { size: 16, parse: parseIPv6, format: (b) => formatIPv6(b, 0) },
};

const ITEM = /^(!?)(\d+):([^/]+)\/(\d+)$/;

export const aplItems: FieldKind = {
  parse(r, out, what) {
    while (!r.done) {
      r.field(what, (s) => {
        const m = ITEM.exec(s);
        const family = m ? FAMILIES[Number(m[2])] : undefined;
        if (!m || !family) throw new TextError('BAD_RDATA', `"${s}" is not [!]1:IPv4/prefix or [!]2:IPv6/prefix`);
        const address = family.parse(m[3]);
        const prefix = Number(m[4]);
        if (!address) throw new TextError('BAD_ADDRESS', `"${m[3]}" is not an address of family ${m[2]}`);
        if (prefix > family.size * 8) throw new TextError('BAD_NUMBER', `prefix /${prefix} is longer than the address`);
        // RFC 3123 §4: trailing zero octets of the address are left out.
        let length = address.length;
        while (length > 0 && address[length - 1] === 0) length--;
        out.push(0, Number(m[2]), prefix, (m[1] ? 0x80 : 0) | length);
        for (let k = 0; k < length; k++) out.push(address[k]);
      });
    }
  },
  print(c) {
    const items: string[] = [];
    while (c.pos < c.end) {
      if (c.pos + 4 > c.end) return undefined;
      const afi = readUint(c.b, c.pos, 2);
      const prefix = c.b[c.pos + 2];
      const negate = c.b[c.pos + 3] & 0x80;
      const length = c.b[c.pos + 3] & 0x7f;
      const family = FAMILIES[afi];
      if (!family || prefix > family.size * 8 || length > family.size || c.pos + 4 + length > c.end) return undefined;
      const address = new Uint8Array(family.size);
      address.set(c.b.subarray(c.pos + 4, c.pos + 4 + length));
      items.push(`${negate ? '!' : ''}${afi}:${family.format(address)}/${prefix}`);
      c.pos += 4 + length;
    }
    return items.join(' ');
  },
  skip(b, pos, end) {
    while (pos < end) {
      if (pos + 4 > end) return -1;
      pos += 4 + (b[pos + 3] & 0x7f);
    }
    return pos === end ? pos : -1;
  },
};
