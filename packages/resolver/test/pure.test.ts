import { describe, expect, it } from 'vitest';
import { decode, encode, parseName, type ResourceRecord } from '@port53/wire';
import { attemptTimeout, plannedAttempt } from '../src/query/backoff.js';
import { randomizeCase } from '../src/query/case-0x20.js';
import { recordsAtChainEnd } from '../src/results/node-shapes.js';
import { buildQuery, matchReply } from '../src/query/exchange.js';
import { reverseName } from '../src/query/reverse-name.js';
import { plainName, searchCandidates } from '../src/config/search.js';

describe('attemptTimeout', () => {
  const opts = { timeout: 1000, maxTimeout: 5000, jitter: 0.1 };
  it.each([
    [0, 0.5, 1000],
    [1, 0.5, 2000],
    [1, 0, 1800],
    [1, 0.999999, 2200],
    [2, 0.5, 4000],
    [3, 0.5, 5000],
    [10, 0.5, 5000],
  ])('round %i with random %d → %i ms', (round, rnd, ms) => {
    expect(attemptTimeout(round, opts, () => rnd)).toBe(ms);
  });
});

describe('plannedAttempt', () => {
  it('asks every server once per round, starting at the rotation point', () => {
    expect(Array.from({ length: 6 }, (_, i) => plannedAttempt(i, 3, 1))).toEqual([
      { server: 1, round: 0 }, { server: 2, round: 0 }, { server: 0, round: 0 },
      { server: 1, round: 1 }, { server: 2, round: 1 }, { server: 0, round: 1 },
    ]);
  });
});

describe('searchCandidates', () => {
  const domains = ['corp.test', 'lab.test'];
  it.each([
    ['host', false, 1, ['host.corp.test', 'host.lab.test', 'host']],
    ['host.sub', false, 1, ['host.sub', 'host.sub.corp.test', 'host.sub.lab.test']],
    ['host.sub', false, 2, ['host.sub.corp.test', 'host.sub.lab.test', 'host.sub']],
    ['host.', true, 1, ['host']],
    ['.', true, 1, ['.']],
  ] as const)('%s (absolute %s, ndots %i)', (name, absolute, ndots, expected) => {
    expect(searchCandidates(name, absolute, domains, ndots)).toEqual(expected);
  });
  it('without domains the name alone', () => {
    expect(searchCandidates('host', false, [], 1)).toEqual(['host']);
  });
});

describe('plainName agrees with parseName', () => {
  const label63 = 'a'.repeat(63);
  const long253 = [label63, label63, label63, 'b'.repeat(61)].join('.');
  it.each([
    'example.test',
    'Example.TEST.',
    'a-b_c.d1',
    'x',
    long253,
    `${long253}.`,
  ])('%s is plain', (input) => {
    expect(plainName(input)).toBe(parseName(input));
  });
  it.each(['a..b', '.a', 'a b', 'a\\.b', 'é.test', `${long253}c`, `${'a'.repeat(64)}.test`, '', '.'])('%j is left to parseName', (input) => {
    expect(plainName(input)).toBeUndefined();
  });
});

describe('reverseName', () => {
  it.each([
    ['192.0.2.1', '1.2.0.192.in-addr.arpa'],
    ['2001:db8::1', '1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2.ip6.arpa'],
    ['not-an-ip', undefined],
    ['1.2.3', undefined],
  ])('%s', (ip, name) => {
    expect(reverseName(ip)).toBe(name);
  });
});

describe('randomizeCase', () => {
  it('keeps the name case-insensitively and leaves escapes alone', () => {
    const name = 'www\\.x.example\\032z.test';
    for (let i = 0; i < 20; i++) expect(randomizeCase(name).toLowerCase()).toBe(name.toLowerCase());
    const seen = new Set(Array.from({ length: 20 }, () => randomizeCase('abcdefghijklmnop')));
    expect(seen.size).toBeGreaterThan(1);
  });
});

describe('matchReply', () => {
  const question = { name: 'Example.Test', type: 'A', class: 'IN' } as const;
  const reply = (over: object = {}) => ({
    ...decode(buildQuery(42, { question, ednsPayload: 1232, recursion: true, checkingDisabled: false, dnssecOk: false })),
    flags: { qr: true, aa: false, tc: false, rd: true, ra: true, z: false, ad: false, cd: false },
    ...over,
  });
  it.each([
    ['the reply', {}, false, undefined],
    ['another ID', { id: 43 }, false, 'id'],
    ['QR=0', { flags: { qr: false } }, false, 'qr'],
    ['another opcode', { opcode: 2 }, false, 'opcode'],
    ['another name', { questions: [{ ...question, name: 'other.test' }] }, false, 'question'],
    ['another type', { questions: [{ ...question, type: 'AAAA' }] }, false, 'question'],
    ['another class', { questions: [{ ...question, class: 'CH' }] }, false, 'question'],
    ['two questions', { questions: [question, question] }, false, 'question'],
    ['no question, NOERROR', { questions: [] }, false, 'question'],
    ['no question, FORMERR, shared socket', { questions: [], rcode: 1 }, false, 'questionless'],
    ['no question, NOTIMP, shared socket', { questions: [], rcode: 4 }, false, 'questionless'],
    ['no question, SERVFAIL, shared socket', { questions: [], rcode: 2 }, false, 'questionless'],
    ['other case, 0x20 off', { questions: [{ ...question, name: 'example.test' }] }, false, undefined],
    ['other case, 0x20 on', { questions: [{ ...question, name: 'example.test' }] }, true, 'question'],
    ['same case, 0x20 on', {}, true, undefined],
  ] as const)('%s', (_, over, exact, expected) => {
    expect(matchReply(reply(over), 42, question, exact, false)).toBe(expected);
  });
});

describe('matchReply on a socket that carries the query alone', () => {
  const question = { name: 'example.test', type: 'A', class: 'IN' } as const;
  const reply = (rcode: number) => ({
    ...decode(buildQuery(42, { question, ednsPayload: undefined, recursion: true, checkingDisabled: false, dnssecOk: false })),
    flags: { qr: true, aa: false, tc: false, rd: true, ra: false, z: false, ad: false, cd: false },
    questions: [],
    rcode,
  });
  it.each([
    ['FORMERR', 1, undefined],
    ['SERVFAIL', 2, undefined],
    ['NOTIMP', 4, undefined],
    ['REFUSED', 5, undefined],
    ['NOERROR', 0, 'question'],
    ['NXDOMAIN', 3, 'question'],
  ] as const)('no question, %s', (_, rcode, expected) => {
    expect(matchReply(reply(rcode), 42, question, false, true)).toBe(expected);
  });
});

describe('recordsAtChainEnd', () => {
  const rr = (name: string, type: string, data: string, ttl = 300) => ({ name, type, class: 'IN', ttl, data }) as ResourceRecord;
  it('follows a CNAME chain and takes the lowest TTL', () => {
    const answers = [rr('a.test', 'CNAME', 'b.test', 100), rr('b.test', 'CNAME', 'c.test', 50), rr('c.test', 'A', '192.0.2.7'), rr('x.test', 'A', '192.0.2.8')];
    const { records, chainTtl } = recordsAtChainEnd(answers, 'A.test', 'A');
    expect(records.map((r) => r.data)).toEqual(['192.0.2.7']);
    expect(chainTtl).toBe(50);
  });
  it('stops on a loop', () => {
    const answers = [rr('a.test', 'CNAME', 'b.test'), rr('b.test', 'CNAME', 'a.test')];
    expect(recordsAtChainEnd(answers, 'a.test', 'A').records).toEqual([]);
  });
  it('ignores records for other owners', () => {
    expect(recordsAtChainEnd([rr('evil.test', 'A', '6.6.6.6')], 'a.test', 'A').records).toEqual([]);
  });
  // node:dns (c-ares 1.34) follows a 200-link chain in either order; we stopped at 16 before.
  const chain = (links: number) => [
    ...Array.from({ length: links }, (_, i) => rr(`c${i}.test`, 'CNAME', `c${i + 1}.test`, 300 - i)),
    rr(`c${links}.test`, 'A', '192.0.2.9'),
  ];
  it.each([
    ['17 links', chain(17)],
    ['200 links', chain(200)],
    ['200 links, end first', chain(200).reverse()],
  ])('follows %s to the end', (_, answers) => {
    const { records, chainTtl } = recordsAtChainEnd(answers, 'C0.test', 'A');
    expect(records.map((r) => r.data)).toEqual(['192.0.2.9']);
    expect(chainTtl).toBe(301 - (answers.length - 1));
  });
  it('a loop at the end of a long chain ends it', () => {
    const answers = [...chain(30).slice(0, 30), rr('c30.test', 'CNAME', 'c10.test')];
    expect(recordsAtChainEnd(answers, 'c0.test', 'A').records).toEqual([]);
  });
});
