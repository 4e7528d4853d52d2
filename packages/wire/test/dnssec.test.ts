import { describe, expect, it } from 'vitest';
import {
  compareCanonicalNames, decode, encodeMessage, fromBase32Hex, nsec3Hash, readNsec, readNsec3, readNsec3Params,
  readRrsigTimes, rrsigTypeCovered, toBase32Hex,
} from '@port53/wire';
import { hex } from './wire-fixtures.js';

describe('NSEC3 hashes: RFC 5155 Appendix A (salt aabbccdd, 12 iterations)', () => {
  const salt = Uint8Array.from([0xaa, 0xbb, 0xcc, 0xdd]);
  it.each([
    ['example', '0p9mhaveqvm6t7vbl5lop2u3t2rp3tom'],
    ['a.example', '35mthgpgcu1qg68fab165klnsnk3dpvl'],
    ['ai.example', 'gjeqe526plbf1g8mklp59enfd789njgi'],
    ['ns1.example', '2t7b4g4vsa5smi47k61mv5bv1a22bojr'],
    ['w.example', 'k8udemvp1j2f7eg6jebps17vp3n8i58h'],
    ['*.w.example', 'r53bq7cc2uvmubfu5ocmm6pers9tk9en'],
    ['x.y.w.example', '2vptu5timamqttgl4luu9kg21e0aor3s'],
    ['xx.example', 't644ebqk9bibcna874givr6joj62mlhv'],
    ['2t7b4g4vsa5smi47k61mv5bv1a22bojr.example', 'kohar7mbb8dc2ce8a9qvl8hon4k53uhi'],
    ['X.Y.W.EXAMPLE', '2vptu5timamqttgl4luu9kg21e0aor3s'], // the canonical (lower-case) name is hashed
  ])('%s → %s', (name, hash) => {
    expect(toBase32Hex(nsec3Hash(name, salt, 12))).toBe(hash);
  });
});

describe('base32hex (RFC 4648 §7, no padding)', () => {
  it.each([
    ['', ''],
    ['f', 'co'],
    ['fo', 'cpng'],
    ['foo', 'cpnmu'],
    ['foob', 'cpnmuog'],
    ['fooba', 'cpnmuoj1'],
    ['foobar', 'cpnmuoj1e8'],
  ])('%j ↔ %j (the RFC 4648 §10 vectors)', (text, encoded) => {
    const bytes = new TextEncoder().encode(text);
    expect(toBase32Hex(bytes)).toBe(encoded);
    expect(fromBase32Hex(encoded.toUpperCase())).toEqual(bytes);
  });

  it.each(['w', 'cpnmuoj1e9', 'cp=g'])('refuses %j (a letter past v, stray bits, padding)', (text) => {
    expect(fromBase32Hex(text)).toBeUndefined();
  });
});

describe('canonical order (RFC 4034 §6.1)', () => {
  it('sorts the RFC’s example names into its order', () => {
    const ordered = ['example', 'a.example', 'yljkjljk.a.example', 'Z.a.example', 'zABC.a.EXAMPLE', 'z.example', '\\001.z.example', '*.z.example', '\\200.z.example'];
    const shuffled = [...ordered].reverse();
    expect(shuffled.sort(compareCanonicalNames)).toEqual(ordered);
  });
});

describe('reading RRSIG, NSEC, NSEC3 and NSEC3PARAM rdata', () => {
  // RRSIG covering A (1), algorithm 13, 3 labels, TTL 3600, expiration, inception, key tag 60485, signer, signature.
  const rrsig = hex('0001 0d 03 00000e10 6b39acee 6b14c2ee ec45 076578616d706c6500 0102030405');
  it('the type an RRSIG covers and its times', () => {
    expect(rrsigTypeCovered(rrsig)).toBe(1);
    expect(rrsigTypeCovered(Uint8Array.of(0))).toBe(-1);
    expect(readRrsigTimes(rrsig)).toEqual({ typeCovered: 1, algorithm: 13, labels: 3, originalTtl: 3600, expiration: 0x6b39acee, inception: 0x6b14c2ee, keyTag: 0xec45 });
  });

  it('an NSEC’s next name (RFC 4034 §4.3: A MX RRSIG NSEC TYPE1234)', () => {
    const nsec = hex(`04686f7374076578616d706c6500 0006 400100000003 041b ${'00'.repeat(26)}20`);
    const fields = readNsec(nsec)!;
    expect(fields.next).toBe('host.example');
    expect(fields.bitmap.length).toBe(2 + 6 + 2 + 27);
    expect(readNsec(hex('04686f7374'))).toBeUndefined(); // the name runs off the end
  });

  it('NSEC3 and NSEC3PARAM fields (RFC 5155 §3.2, §4.2)', () => {
    const next = Buffer.from(fromBase32Hex('2t7b4g4vsa5smi47k61mv5bv1a22bojr')!).toString('hex');
    const nsec3 = hex(`01 01 000c 04aabbccdd 14 ${next} 0006 400000000002`);
    const f = readNsec3(nsec3)!;
    expect([f.hashAlgorithm, f.flags, f.iterations, Buffer.from(f.salt).toString('hex')]).toEqual([1, 1, 12, 'aabbccdd']);
    expect(toBase32Hex(f.nextHashed)).toBe('2t7b4g4vsa5smi47k61mv5bv1a22bojr');
    expect(f.bitmap).toEqual(hex('0006 400000000002'));
    expect(readNsec3Params(hex('01 00 000c 04aabbccdd'))).toEqual({ hashAlgorithm: 1, flags: 0, iterations: 12, salt: hex('aabbccdd') });
    expect(readNsec3Params(hex('01 00 000c 08aabbccdd'))).toBeUndefined(); // the salt runs past the rdata
    expect(readNsec3(hex('01 00 000c 00 00'))).toBeUndefined(); // an empty next hashed owner
  });
});

describe('case-folding compression (encode option foldCase, as NSD and Knot reply)', () => {
  const message = {
    id: 1,
    flags: { qr: true },
    questions: [{ name: 'WwW.ExAmPlE.tEsT', type: 'A' as const, class: 'IN' as const }],
    answers: [{ name: 'web.example.test', type: 'A' as const, class: 'IN' as const, ttl: 60, data: '192.0.2.1' }],
  };

  it('without it, names that differ in case are written out and come back as written', () => {
    const plain = encodeMessage(message).bytes;
    expect(decode(plain).answers[0].name).toBe('web.example.test');
  });

  it('with it, they point into the question and take its case, and the reply is smaller', () => {
    const plain = encodeMessage(message).bytes;
    const folded = encodeMessage(message, { foldCase: true }).bytes;
    expect(folded.length).toBeLessThan(plain.length);
    expect(decode(folded).answers[0].name).toBe('web.ExAmPlE.tEsT');
    expect(decode(folded).questions[0].name).toBe('WwW.ExAmPlE.tEsT');
  });
});
