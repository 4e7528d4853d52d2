/**
 * What respond() adds beyond zone data: CHAOS identity (RFC 4892), NSID (RFC 5001), cookies
 * (RFC 7873, RFC 9018) and Extended DNS Errors (RFC 8914). Pure: secrets and clock come in.
 */
import { cookieAddress, decode, decodeCookie, decodeEde, EdnsOptionCode, findOption, Rcode, serverCookie, serverCookieMatches } from '@port53/wire';
import type { Message } from '@port53/wire';
import { describe, expect, it } from 'vitest';
import { respond, type RespondExtras } from '../src/answer/respond.js';
import { buildCatalog } from '../src/store/catalog.js';
import { EXAMPLE } from './fixtures/answer-zones.js';
import { flagList, query } from './fixtures/query.js';

const catalog = buildCatalog([EXAMPLE]);
const identity = { identity: 'ns1.example', version: 'port53d 9.9', nsid: new TextEncoder().encode('ns1') };
const secret = Uint8Array.from(Buffer.from('e5e973e5a6b2a43f48e7dc849e37bfcf', 'hex'));
const previous = Uint8Array.from(Buffer.from('dd3bdf9344b678b185a6f5cb60fca715', 'hex'));
const NOW = 1_700_000_000;
const CLIENT = Uint8Array.from(Buffer.from('0102030405060708', 'hex'));
const extras = (now = NOW, address = '127.0.0.1'): RespondExtras => ({ identity, cookies: { secrets: [secret, previous], now, address } });
const cookieQuery = (name: string, cookie: Uint8Array, type = 'SOA') => query(name, type, 'IN', { edns: { options: [{ code: EdnsOptionCode.COOKIE, data: cookie }] } });
const concat = (...parts: Uint8Array[]) => Uint8Array.from(parts.flatMap((p) => [...p]));
const txt = (m: Message) => m.answers.map((r) => (r.data as Uint8Array[]).map((s) => Buffer.from(s).toString()).join(''));
const ede = (m: Message) => {
  const o = findOption(m.edns, EdnsOptionCode.EDE);
  return o && decodeEde(o.data)?.infoCode;
};

describe('CHAOS identity names (as NSD and Knot answer them: NOERROR, TTL 0, no AA)', () => {
  it.each([
    ['id.server', 'ns1.example'],
    ['hostname.bind', 'ns1.example'],
    ['ID.Server', 'ns1.example'],
    ['version.bind', 'port53d 9.9'],
    ['version.server', 'port53d 9.9'],
  ])('CH TXT %s → %s', (name, text) => {
    const outcome = respond(query(name, 'TXT', 'CH'), catalog, 'udp', extras());
    const m = decode(outcome.reply!);
    expect([outcome.kind, m.rcode, flagList(m), m.answers[0].class, m.answers[0].ttl, txt(m)]).toEqual(['answered', Rcode.NOERROR, 'qr', 'CH', 0, [text]]);
    expect(m.answers[0].name).toBe(name);
  });

  it.each([
    ['another CH name', 'authors.bind', 'TXT', identity, 21],
    ['another type at an identity name', 'version.bind', 'A', identity, 21],
    ['no identity configured', 'id.server', 'TXT', undefined, 21],
    ['a hidden identity', 'id.server', 'TXT', { ...identity, identity: '' }, 18],
    ['a hidden version', 'version.server', 'TXT', { ...identity, version: '' }, 18],
  ])('%s → REFUSED with EDE %i (21 Not Supported, 18 Prohibited, as NSD sends)', (_what, name, type, id, code) => {
    const outcome = respond(query(name, type, 'CH', { edns: {} }), catalog, 'udp', { identity: id });
    const m = decode(outcome.reply!);
    expect([outcome.kind, m.rcode, m.answers.length, ede(m)]).toEqual(['refused', Rcode.REFUSED, 0, code]);
  });
});

describe('NSID (RFC 5001)', () => {
  const nsidQuery = (name: string, type = 'SOA') => query(name, type, 'IN', { edns: { options: [{ code: EdnsOptionCode.NSID, data: new Uint8Array(0) }] } });
  it('is sent to a query that asks, in answers and in refusals', () => {
    for (const q of [nsidQuery('example.test'), nsidQuery('example.org')]) {
      const m = decode(respond(q, catalog, 'udp', extras()).reply!);
      expect(Buffer.from(findOption(m.edns, EdnsOptionCode.NSID)!.data).toString()).toBe('ns1');
    }
  });
  it('is not sent unasked, nor when none is configured', () => {
    expect(findOption(decode(respond(query('example.test', 'SOA', 'IN', { edns: {} }), catalog, 'udp', extras()).reply!).edns, EdnsOptionCode.NSID)).toBeUndefined();
    expect(findOption(decode(respond(nsidQuery('example.test'), catalog, 'udp', { identity: { ...identity, nsid: undefined } }).reply!).edns, EdnsOptionCode.NSID)).toBeUndefined();
  });
});

describe('server cookies (RFC 7873 §5.2, RFC 9018)', () => {
  const replyCookie = (m: Message) => decodeCookie(findOption(m.edns, EdnsOptionCode.COOKIE)!.data)!;

  it('a client cookie alone gets the answer and a fresh RFC 9018 server cookie for this address (§5.2.3)', () => {
    const outcome = respond(cookieQuery('example.test', CLIENT), catalog, 'udp', extras());
    const m = decode(outcome.reply!);
    expect([outcome.cookie, m.rcode, m.answers.length]).toEqual(['client-only', Rcode.NOERROR, 1]);
    const c = replyCookie(m);
    expect(Buffer.from(c.client)).toEqual(Buffer.from(CLIENT));
    expect(Buffer.from(c.server!)).toEqual(Buffer.from(serverCookie(CLIENT, cookieAddress('127.0.0.1'), secret, NOW)));
  });

  it.each([
    ['made now', secret, NOW, '127.0.0.1', 'valid'],
    ['made 59 minutes ago', secret, NOW - 59 * 60, '127.0.0.1', 'valid'],
    ['made with the previous secret', previous, NOW - 60, '127.0.0.1', 'valid'],
    ['made 61 minutes ago', secret, NOW - 61 * 60, '127.0.0.1', 'invalid'],
    ['dated 6 minutes ahead', secret, NOW + 6 * 60, '127.0.0.1', 'invalid'],
    ['made for another address', secret, NOW, '127.0.0.2', 'invalid'],
    ['made with an unknown secret', new Uint8Array(16), NOW, '127.0.0.1', 'invalid'],
  ])('a server cookie %s is %s, and the query is answered either way (§5.2.4)', (_what, key, time, madeFor, state) => {
    const server = serverCookie(CLIENT, cookieAddress(madeFor), key, time);
    const outcome = respond(cookieQuery('example.test', concat(CLIENT, server)), catalog, 'udp', extras());
    const m = decode(outcome.reply!);
    expect([outcome.cookie, m.rcode, m.answers.length]).toEqual([state, Rcode.NOERROR, 1]);
    // The reply's cookie always verifies now, with the current secret.
    expect(serverCookieMatches(CLIENT, replyCookie(m).server!, cookieAddress('127.0.0.1'), secret)).toBe(true);
  });

  it('a client on a scoped IPv6 address (fe80::1%lo) gets a cookie made for fe80::1', () => {
    const m = decode(respond(cookieQuery('example.test', CLIENT), catalog, 'udp', extras(NOW, 'fe80::1%lo')).reply!);
    expect(Buffer.from(replyCookie(m).server!)).toEqual(Buffer.from(serverCookie(CLIENT, cookieAddress('fe80::1'), secret, NOW)));
  });

  it.each([7, 9, 15, 41])('a COOKIE option of %i octets → FORMERR (§5.2.2)', (n) => {
    const outcome = respond(cookieQuery('example.test', new Uint8Array(n)), catalog, 'udp', extras());
    const m = decode(outcome.reply!);
    expect([outcome.kind, m.rcode, findOption(m.edns, EdnsOptionCode.COOKIE)]).toEqual(['formerr', Rcode.FORMERR, undefined]);
  });

  it('refusals carry the cookie too; without cookies configured the option is ignored', () => {
    const refused = decode(respond(cookieQuery('example.org', CLIENT), catalog, 'udp', extras()).reply!);
    expect([refused.rcode, replyCookie(refused).server!.length]).toEqual([Rcode.REFUSED, 16]);
    const plain = respond(cookieQuery('example.test', new Uint8Array(3)), catalog, 'udp', { identity });
    expect([plain.kind, plain.cookie, findOption(decode(plain.reply!).edns, EdnsOptionCode.COOKIE)]).toEqual(['answered', undefined, undefined]);
  });
});

describe('Extended DNS Errors (RFC 8914), only to queries with EDNS', () => {
  it.each([
    ['a name outside every zone', query('example.org', 'A', 'IN', { edns: {} }), Rcode.REFUSED, 20],
    ['class HS', query('example.test', 'A', 'HS', { edns: {} }), Rcode.REFUSED, 20],
    ['AXFR over UDP', query('example.test', 'AXFR', 'IN', { edns: {} }), Rcode.NOTIMP, 21],
    ['opcode 15', query('example.test', 'SOA', 'IN', { edns: {}, opcode: 15 }), Rcode.NOTIMP, 21],
    ['a malformed cookie', cookieQuery('example.test', new Uint8Array(3)), Rcode.FORMERR, 0],
  ])('%s', (_what, q, rcode, code) => {
    const m = decode(respond(q, catalog, 'udp', extras()).reply!);
    expect([m.rcode, ede(m)]).toEqual([rcode, code]);
  });

  it('is not added to answers, nor to a reply without OPT', () => {
    expect(ede(decode(respond(query('example.test', 'SOA', 'IN', { edns: {} }), catalog, 'udp', extras()).reply!))).toBeUndefined();
    expect(decode(respond(query('example.org', 'A'), catalog, 'udp', extras()).reply!).edns).toBeUndefined();
  });
});
