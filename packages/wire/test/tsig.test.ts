import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  decode, encode, findTsig, parseTsigKey, signMessage, TsigError, TsigKeyError, TsigKeyring, TsigStreamSigner,
  TsigStreamVerifier, TsigVerifyError, tsigErrorReply, verifyRequest, WireError,
} from '@port53/wire';

const SECRET = Buffer.from('an example secret of 32 octets!!').toString('base64');
const key = parseTsigKey(`hmac-sha256:xfr.example:${SECRET}`);
const ring = new TsigKeyring([key]);
const NOW = 1_700_000_000;
const query = encode({ id: 0x1234, questions: [{ name: 'example.test', type: 'SOA', class: 'IN' }] });

describe('TSIG keys (the dig -y form)', () => {
  it.each([
    ['hmac-sha256:k:c2VjcmV0', 'hmac-sha256', 'k'],
    ['HMAC-SHA512:Key.Name.:c2VjcmV0', 'hmac-sha512', 'Key.Name'],
    ['hmac-sha1:k:c2VjcmV0', 'hmac-sha1', 'k'],
    ['hmac-md5.sig-alg.reg.int:k:c2VjcmV0', 'hmac-md5', 'k'],
  ])('%s', (text, algorithm, name) => {
    const k = parseTsigKey(text);
    expect(k.algorithm).toBe(algorithm);
    expect(k.name).toBe(name);
    expect(Buffer.from(k.secret).toString()).toBe('secret');
  });
  it.each(['k:c2VjcmV0', 'hmac-sha999:k:c2VjcmV0', 'hmac-sha256:k:not base64!', 'hmac-sha256::c2VjcmV0'])('rejects %s', (text) => {
    expect(() => parseTsigKey(text)).toThrow(TsigKeyError);
  });
  it('never shows the secret in its errors', () => {
    expect(() => parseTsigKey('k:c2VjcmV0')).toThrow(/^(?!.*c2VjcmV0)/);
  });
  it('refuses two keys of one name', () => {
    expect(() => new TsigKeyring([key, parseTsigKey(`hmac-sha1:XFR.example:${SECRET}`)])).toThrow(TsigKeyError);
  });
});

describe('signing a request (RFC 8945 §4.3)', () => {
  it('appends a TSIG whose MAC covers the message and the variables, as the RFC lays them out', () => {
    const { bytes, mac } = signMessage(query, key, { now: NOW });
    expect(decode(bytes).additionals.map((r) => r.type)).toEqual(['TSIG']);
    // The digest built by hand: message, then key name, class ANY, TTL 0, algorithm, time, fudge, error, other len.
    const variables = Buffer.concat([
      Buffer.from('03786672076578616d706c6500', 'hex'), // xfr.example
      Buffer.from('00ff00000000', 'hex'),
      Buffer.from('0b686d61632d73686132353600', 'hex'), // hmac-sha256
      Buffer.from('00006553f100', 'hex'), // 1700000000
      Buffer.from('012c', 'hex'), // fudge 300
      Buffer.from('00000000', 'hex'),
    ]);
    const expected = createHmac('sha256', Buffer.from(SECRET, 'base64')).update(query).update(variables).digest();
    expect(Buffer.from(mac)).toEqual(expected);
    const signed = findTsig(bytes)!;
    expect(Buffer.from(signed.unsigned)).toEqual(query);
    expect(signed.tsig).toMatchObject({ keyName: 'xfr.example', algorithm: 'hmac-sha256', timeSigned: NOW, fudge: 300, originalId: 0x1234, error: 0 });
  });

  it('verifies what it signed; any change to the message or the key fails', () => {
    const { bytes } = signMessage(query, key, { now: NOW });
    expect(verifyRequest(findTsig(bytes)!, ring, NOW + 10)).toMatchObject({ ok: true });
    const tampered = new Uint8Array(bytes);
    tampered[3] ^= 0x01; // an RCODE bit
    expect(verifyRequest(findTsig(tampered)!, ring, NOW)).toMatchObject({ ok: false, error: 'BADSIG' });
    const other = parseTsigKey(`hmac-sha256:other:${SECRET}`);
    expect(verifyRequest(findTsig(signMessage(query, other, { now: NOW }).bytes)!, ring, NOW)).toMatchObject({ ok: false, error: 'BADKEY' });
    const wrongAlg = parseTsigKey(`hmac-sha512:xfr.example:${SECRET}`);
    expect(verifyRequest(findTsig(signMessage(query, wrongAlg, { now: NOW }).bytes)!, ring, NOW)).toMatchObject({ ok: false, error: 'BADKEY' });
  });

  it('checks the time against the fudge after the MAC (BADTIME)', () => {
    const { bytes } = signMessage(query, key, { now: NOW });
    expect(verifyRequest(findTsig(bytes)!, ring, NOW + 300)).toMatchObject({ ok: true });
    expect(verifyRequest(findTsig(bytes)!, ring, NOW + 301)).toMatchObject({ ok: false, error: 'BADTIME' });
    expect(verifyRequest(findTsig(bytes)!, ring, NOW - 301)).toMatchObject({ ok: false, error: 'BADTIME' });
  });

  it.each(['sha1', 'sha384', 'sha512'])('hmac-%s signs and verifies', (hash) => {
    const k = parseTsigKey(`hmac-${hash}:k:${SECRET}`);
    const { bytes } = signMessage(query, k, { now: NOW });
    expect(verifyRequest(findTsig(bytes)!, new TsigKeyring([k]), NOW)).toMatchObject({ ok: true });
  });

  it('a TSIG that is not the last record is malformed (FORMERR, §5.1)', () => {
    const { bytes } = signMessage(query, key, { now: NOW });
    const m = decode(bytes);
    const twice = encode({ ...m, additionals: [m.additionals[0], m.additionals[0]] });
    expect(() => findTsig(twice)).toThrow(WireError);
    expect(findTsig(query)).toBeUndefined();
  });
});

describe('error answers (RFC 8945 §5.3.2)', () => {
  it('BADKEY is unsigned and echoes the key name', () => {
    const other = parseTsigKey(`hmac-sha256:unknown.key:${SECRET}`);
    const signed = findTsig(signMessage(query, other, { now: NOW }).bytes)!;
    const check = verifyRequest(signed, ring, NOW);
    if (check.ok) throw new Error('expected a failure');
    const reply = tsigErrorReply(encode({ id: 0x1234, flags: { qr: true }, rcode: 9, questions: decode(query).questions }), check, NOW);
    const t = findTsig(reply)!.tsig;
    expect(t).toMatchObject({ keyName: 'unknown.key', error: TsigError.BADKEY, originalId: 0x1234 });
    expect(t.mac.length).toBe(0);
  });

  it('BADTIME is signed with the request MAC and carries our time', () => {
    const { bytes } = signMessage(query, key, { now: NOW });
    const check = verifyRequest(findTsig(bytes)!, ring, NOW + 1000);
    if (check.ok) throw new Error('expected a failure');
    const reply = tsigErrorReply(encode({ id: 0x1234, flags: { qr: true }, rcode: 9, questions: decode(query).questions }), check, NOW + 1000);
    const t = findTsig(reply)!.tsig;
    expect(t.error).toBe(TsigError.BADTIME);
    expect(Buffer.from(t.otherData).readUIntBE(0, 6)).toBe(NOW + 1000);
    expect(t.mac.length).toBe(32);
  });
});

describe('signed streams (RFC 8945 §5.3.1)', () => {
  const messages = [1, 2, 3, 4].map((n) => encode({ id: 0x1234, flags: { qr: true, aa: true }, answers: [{ name: `n${n}.example.test`, type: 'A', class: 'IN', ttl: 60, data: `192.0.2.${n}` }] }));
  const requestMac = signMessage(query, key, { now: NOW }).mac;

  it('every message signed, each MAC chained to the one before', () => {
    const signer = new TsigStreamSigner(key, requestMac, () => NOW);
    const verifier = new TsigStreamVerifier(key, requestMac, () => NOW);
    for (const m of messages) expect(Buffer.from(verifier.verify(signer.sign(m)))).toEqual(Buffer.from(m));
    expect(() => verifier.finish()).not.toThrow();
  });

  it('a verifier folds unsigned messages into the next signed one', () => {
    const signer = new TsigStreamSigner(key, requestMac, () => NOW);
    const verifier = new TsigStreamVerifier(key, requestMac, () => NOW);
    verifier.verify(signer.sign(messages[0]));
    // A server that signs only every other message: the MAC over [m1, m2] with the timers.
    const signedOnes = new TsigStreamSigner(key, requestMac, () => NOW);
    signedOnes.sign(messages[0]);
    verifier.verify(messages[1]);
    expect(() => verifier.finish()).toThrow(TsigVerifyError);
  });

  it('a message swapped or reordered fails', () => {
    const signer = new TsigStreamSigner(key, requestMac, () => NOW);
    const signed = messages.map((m) => signer.sign(m));
    const verifier = new TsigStreamVerifier(key, requestMac, () => NOW);
    verifier.verify(signed[0]);
    expect(() => verifier.verify(signed[2])).toThrow(TsigVerifyError);
  });

  it('an unsigned first message fails', () => {
    const verifier = new TsigStreamVerifier(key, requestMac, () => NOW);
    expect(() => verifier.verify(messages[0])).toThrow(TsigVerifyError);
  });
});
