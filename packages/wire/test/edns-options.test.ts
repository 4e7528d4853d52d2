import { describe, expect, it } from 'vitest';
import {
  chaosTxt,
  cookieAddress,
  cookieOption,
  decodeCookie,
  decodeEde,
  edeOption,
  serverCookie,
  serverCookieMatches,
  serverCookieTimestamp,
  siphash24,
} from '../src/index.js';

const hex = (s: string) => Uint8Array.from(Buffer.from(s, 'hex'));
const toHex = (b: Uint8Array) => Buffer.from(b).toString('hex');
const counting = (n: number) => Uint8Array.from({ length: n }, (_, i) => i);

describe('siphash24', () => {
  // The reference implementation's vectors: key 00..0f, message 00..(n-1), tag as written (little-endian).
  it.each([
    [0, '310e0edd47db6f72'],
    [1, 'fd67dc93c539f874'],
    [15, 'e545be4961ca29a1'],
    [63, '724506eb4c328a95'],
  ])('reference vector for a %i-octet message', (n, tag) => {
    expect(toHex(siphash24(counting(16), counting(n)))).toBe(tag);
  });

  it('rejects a key that is not 16 octets', () => {
    expect(() => siphash24(new Uint8Array(8), new Uint8Array(0))).toThrow(RangeError);
  });
});

describe('RFC 9018 interoperable server cookies (Appendix A)', () => {
  const secret = hex('e5e973e5a6b2a43f48e7dc849e37bfcf');
  it.each([
    ['A.1 a new server cookie', '2464c4abcf10c957', '198.51.100.100', 1559731985, 'e5e973e5a6b2a43f48e7dc849e37bfcf', '010000005cf79f111f8130c3eee29480'],
    ['A.2 the same client, renewed', '2464c4abcf10c957', '198.51.100.100', 1559734385, 'e5e973e5a6b2a43f48e7dc849e37bfcf', '010000005cf7a871d4a564a1442aca77'],
    ['A.3 another client, renewed', 'fc93fc62807ddb86', '203.0.113.203', 1559734700, 'e5e973e5a6b2a43f48e7dc849e37bfcf', '010000005cf7a9acf73a7810aca2381e'],
    ['A.4 IPv6, new secret', '22681ab97d52c298', '2001:db8:220:1:59de:d0f4:8769:82b8', 1559741961, '445536bcd2513298075a5d379663c962', '010000005cf7c609a6bb79d16625507a'],
  ])('%s', (_name, client, address, time, key, expected) => {
    const cookie = serverCookie(hex(client), cookieAddress(address), hex(key), time);
    expect(toHex(cookie)).toBe(expected);
    expect(serverCookieTimestamp(cookie)).toBe(time);
    expect(serverCookieMatches(hex(client), cookie, cookieAddress(address), hex(key))).toBe(true);
  });

  it('verifies a received cookie whose reserved octets are set (A.3) and one made with the old secret (A.4)', () => {
    expect(serverCookieMatches(hex('fc93fc62807ddb86'), hex('01abcdef5cf78f71a314227b6679ebf5'), cookieAddress('203.0.113.203'), secret)).toBe(true);
    const old = hex('dd3bdf9344b678b185a6f5cb60fca715');
    const v6 = cookieAddress('2001:db8:220:1:59de:d0f4:8769:82b8');
    expect(serverCookieMatches(hex('22681ab97d52c298'), hex('010000005cf7c57926556bd0934c72f8'), v6, old)).toBe(true);
    expect(serverCookieMatches(hex('22681ab97d52c298'), hex('010000005cf7c57926556bd0934c72f8'), v6, secret)).toBe(false);
  });

  it('does not verify for another address, another client cookie, or a changed octet', () => {
    const good = hex('010000005cf79f111f8130c3eee29480');
    const client = hex('2464c4abcf10c957');
    expect(serverCookieMatches(client, good, cookieAddress('198.51.100.101'), secret)).toBe(false);
    expect(serverCookieMatches(hex('2464c4abcf10c958'), good, cookieAddress('198.51.100.100'), secret)).toBe(false);
    const changed = good.slice();
    changed[15] ^= 1;
    expect(serverCookieMatches(client, changed, cookieAddress('198.51.100.100'), secret)).toBe(false);
    expect(serverCookieMatches(client, good.subarray(0, 8), cookieAddress('198.51.100.100'), secret)).toBe(false);
  });
});

describe('COOKIE option framing (RFC 7873 §4, §5.2.2)', () => {
  it.each([
    [0, false],
    [7, false],
    [8, true],
    [9, false],
    [15, false],
    [16, true],
    [40, true],
    [41, false],
  ])('%i octets: well formed = %s', (n, ok) => {
    expect(decodeCookie(new Uint8Array(n)) !== undefined).toBe(ok);
  });

  it('round-trips client and server parts', () => {
    const option = cookieOption({ client: hex('0102030405060708'), server: hex('010000005cf79f111f8130c3eee29480') });
    expect(option.code).toBe(10);
    const back = decodeCookie(option.data)!;
    expect(toHex(back.client)).toBe('0102030405060708');
    expect(toHex(back.server!)).toBe('010000005cf79f111f8130c3eee29480');
  });
});

describe('EDE and CHAOS TXT octets', () => {
  it('writes INFO-CODE then UTF-8 EXTRA-TEXT (RFC 8914 §2)', () => {
    const o = edeOption(20, 'not authoritative');
    expect(o.code).toBe(15);
    expect(toHex(o.data.subarray(0, 2))).toBe('0014');
    expect(decodeEde(o.data)).toEqual({ infoCode: 20, extraText: 'not authoritative' });
    expect(decodeEde(new Uint8Array(1))).toBeUndefined();
  });

  it('splits long identity text into 255-octet character-strings', () => {
    const r = chaosTxt('id.server', 'x'.repeat(300));
    expect(r.class).toBe('CH');
    expect(r.ttl).toBe(0);
    expect((r.data as Uint8Array[]).map((s) => s.length)).toEqual([255, 45]);
  });
});
