/** HIP (RFC 8005 §5): HIT and public key with their lengths up front; the rendezvous servers follow as names. */
import { TextError } from '../errors.js';
import { base64ToBytes, bytesToBase64, bytesToHex, hexToBytes } from './encodings.js';
import { pushBytes, readUint, type FieldKind } from './fields.js';

export const hipKeys: FieldKind = {
  parse(r, out) {
    const algorithm = r.int('public key algorithm', 255);
    const hit = r.field('HIT', hexToBytes);
    const key = r.field('public key', base64ToBytes);
    if (hit.length === 0 || hit.length > 255) throw new TextError('BAD_RDATA', `HIP HIT of ${hit.length} octets (1 to 255)`, r.i - 2);
    if (key.length === 0) throw new TextError('BAD_RDATA', 'HIP public key is empty', r.i - 1);
    out.push(hit.length, algorithm, key.length >> 8, key.length & 0xff);
    pushBytes(out, hit);
    pushBytes(out, key);
  },
  print(c) {
    const next = hipKeys.skip(c.b, c.pos, c.end);
    if (next < 0 || next === c.pos + 4 + c.b[c.pos]) return undefined; // no public key: no text form

    const hitLength = c.b[c.pos];
    const start = c.pos + 4;
    const text = `${c.b[c.pos + 1]} ${bytesToHex(c.b.subarray(start, start + hitLength))} ${bytesToBase64(c.b.subarray(start + hitLength, next))}`;
    c.pos = next;
    return text;
  },
  skip(b, pos, end) {
    if (pos + 4 > end) return -1;
    const next = pos + 4 + b[pos] + readUint(b, pos + 2, 2);
    return b[pos] > 0 && next <= end ? next : -1;
  },
};
