/**
 * SipHash-2-4 (Aumasson and Bernstein, 2012): a keyed 64-bit hash, the MAC of RFC 9018's
 * interoperable server cookies. 64-bit words are kept as pairs of 32-bit halves, so no BigInt
 * is made per query.
 */

/** The 8-octet tag of `data` under the 16-octet `key`, in the little-endian order SipHash writes it. */
export function siphash24(key: Uint8Array, data: Uint8Array): Uint8Array {
  if (key.length !== 16) throw new RangeError(`SipHash key must be 16 octets, not ${key.length}`);
  const k0l = le32(key, 0), k0h = le32(key, 4), k1l = le32(key, 8), k1h = le32(key, 12);
  // v[0..7]: v0 lo, v0 hi, v1 lo, v1 hi, v2 lo, v2 hi, v3 lo, v3 hi; the constants spell "somepseudorandomlygeneratedbytes".
  const v = new Uint32Array([
    k0l ^ 0x70736575, k0h ^ 0x736f6d65,
    k1l ^ 0x6e646f6d, k1h ^ 0x646f7261,
    k0l ^ 0x6e657261, k0h ^ 0x6c796765,
    k1l ^ 0x79746573, k1h ^ 0x74656462,
  ]);
  const len = data.length;
  const whole = len - (len % 8);
  for (let i = 0; i < whole; i += 8) absorb(v, le32(data, i), le32(data, i + 4));
  // The last block: the remaining octets, then the length's low octet in the top octet.
  const tail = new Uint8Array(8);
  tail.set(data.subarray(whole));
  tail[7] = len & 0xff;
  absorb(v, le32(tail, 0), le32(tail, 4));
  v[4] ^= 0xff;
  for (let i = 0; i < 4; i++) round(v);
  const out = new Uint8Array(8);
  const lo = (v[0] ^ v[2] ^ v[4] ^ v[6]) >>> 0;
  const hi = (v[1] ^ v[3] ^ v[5] ^ v[7]) >>> 0;
  for (let i = 0; i < 4; i++) {
    out[i] = (lo >>> (8 * i)) & 0xff;
    out[4 + i] = (hi >>> (8 * i)) & 0xff;
  }
  return out;
}

function absorb(v: Uint32Array, lo: number, hi: number): void {
  v[6] ^= lo;
  v[7] ^= hi;
  round(v);
  round(v);
  v[0] ^= lo;
  v[1] ^= hi;
}

/** One SipRound over the four words (each a lo/hi pair at 2i, 2i+1). */
function round(v: Uint32Array): void {
  add(v, 0, 2); rotl(v, 2, 13); xor(v, 2, 0); rotl32(v, 0);
  add(v, 4, 6); rotl(v, 6, 16); xor(v, 6, 4);
  add(v, 0, 6); rotl(v, 6, 21); xor(v, 6, 0);
  add(v, 4, 2); rotl(v, 2, 17); xor(v, 2, 4); rotl32(v, 4);
}

/** v[a] += v[b] modulo 2^64. */
function add(v: Uint32Array, a: number, b: number): void {
  const lo = v[a] + v[b];
  v[a + 1] = v[a + 1] + v[b + 1] + (lo > 0xffffffff ? 1 : 0);
  v[a] = lo;
}

function xor(v: Uint32Array, a: number, b: number): void {
  v[a] ^= v[b];
  v[a + 1] ^= v[b + 1];
}

/** Rotate v[a] left by n bits, 0 < n < 32. */
function rotl(v: Uint32Array, a: number, n: number): void {
  const lo = v[a], hi = v[a + 1];
  v[a] = (lo << n) | (hi >>> (32 - n));
  v[a + 1] = (hi << n) | (lo >>> (32 - n));
}

/** Rotate by 32: swap the halves. */
function rotl32(v: Uint32Array, a: number): void {
  const lo = v[a];
  v[a] = v[a + 1];
  v[a + 1] = lo;
}

function le32(b: Uint8Array, at: number): number {
  return (b[at] | (b[at + 1] << 8) | (b[at + 2] << 16) | (b[at + 3] << 24)) >>> 0;
}
