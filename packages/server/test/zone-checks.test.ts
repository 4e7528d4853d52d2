import { formatRecord } from '@port53/wire';
import { describe, expect, test } from 'vitest';
import { parseZoneText } from '../src/zonefile/index.js';

/** A valid apex at lines 1-3; the rows add lines from 4 on. */
const APEX = '$TTL 300\n@ SOA ns1 hostmaster 1 3600 600 86400 300\n  NS ns1\n';

function check(text: string): { errors: string[]; records: string[] } {
  const result = parseZoneText(text, { file: 'c.zone', origin: 'example.test', readInclude: () => '' });
  return {
    errors: result.errors.map((e) => `${e.severity === 'warning' ? 'warning ' : ''}${e.code}@${e.line}:${e.column}`),
    records: result.records.map((r) => formatRecord(r).replaceAll('\t', ' ')),
  };
}

describe('zone checks', () => {
  test('a minimal zone passes', () => {
    expect(check(APEX).errors).toEqual([]);
  });

  test.each([
    ['no SOA (a whole-file error: line 0)', '$TTL 300\n@ NS ns1\n', ['NO_SOA@0:0']],
    ['two SOAs at the apex', `${APEX}@ SOA ns2 hostmaster 2 3600 600 86400 300\n`, ['MULTIPLE_SOA@4:1']],
    ['a SOA below the apex', `${APEX}sub SOA ns1 hostmaster 1 3600 600 86400 300\n`, ['SOA_NOT_AT_APEX@4:1']],
    ['a name below a DNAME (NSD: "DNAME at … has data below it")', `${APEX}old DNAME new\nwww.old A 192.0.2.1\n`, ['DATA_BELOW_DNAME@5:1']],
    ['a name below a DNAME, written before it', `${APEX}www.old A 192.0.2.1\nold DNAME new\n`, ['DATA_BELOW_DNAME@4:1']],
    ['a deeper name and a wildcard below a DNAME, once per name', `${APEX}old DNAME new\na.b.old A 192.0.2.1\na.b.old TXT "x"\n*.old A 192.0.2.2\n`,
      ['DATA_BELOW_DNAME@5:1', 'DATA_BELOW_DNAME@7:1']],
    ['names below an apex DNAME (NSD)', `${APEX}@ DNAME example.net.\nns1 A 192.0.2.53\n`, ['DATA_BELOW_DNAME@5:1']],
    ['DNAME owners compare case-insensitively', `${APEX}OLD DNAME new\nwww.old A 192.0.2.1\n`, ['DATA_BELOW_DNAME@5:1']],
    ['two DNAMEs at one name (NSD)', `${APEX}old DNAME new\nold DNAME newer\n`, ['MULTIPLE_DNAME@5:1']],
    ['a DNAME beside a CNAME (NSD)', `${APEX}old CNAME new\nold DNAME new\n`, ['CNAME_AND_OTHER_DATA@4:1']],
    ['CNAME beside other data', `${APEX}www A 192.0.2.1\nwww CNAME web\n`, ['CNAME_AND_OTHER_DATA@5:1']],
    ['CNAME beside other data, CNAME first', `${APEX}www CNAME web\nwww TXT "x"\n`, ['CNAME_AND_OTHER_DATA@4:1']],
    ['CNAME names compare case-insensitively', `${APEX}www CNAME web\nWWW A 192.0.2.1\n`, ['CNAME_AND_OTHER_DATA@4:1']],
    ['two CNAMEs at one name', `${APEX}www CNAME web\nwww CNAME host\n`, ['CNAME_AND_OTHER_DATA@5:1']],
    ['a CNAME at the apex', `${APEX}@ CNAME elsewhere.test.\n`, ['CNAME_AND_OTHER_DATA@4:1']],
    ['a record outside the zone', `${APEX}www.example.net. A 192.0.2.1\n`, ['OUTSIDE_ZONE@4:1']],
    ['a name that only ends like the zone', `${APEX}badexample.test. A 192.0.2.1\n`, ['OUTSIDE_ZONE@4:1']],
    ['errors of parsing and of checks together', `${APEX}a 1x A 192.0.2.1\nwww CNAME web\nwww A 192.0.2.1\n`, ['BAD_TTL@4:3', 'CNAME_AND_OTHER_DATA@5:1']],
  ])('%s', (_name, text, expected) => {
    expect(check(text).errors).toEqual(expected);
  });

  test('DNAMEs with data beside them, at the apex and at a cut, and in loops, are allowed (NSD)', () => {
    expect(check(`${APEX}@ DNAME example.net.\n`).errors).toEqual([]);
    expect(check(`${APEX}old DNAME new\nold TXT "moved"\nnew A 192.0.2.1\nold.new A 192.0.2.2\n`).errors).toEqual([]);
    expect(check(`${APEX}cut NS ns.example.net.\ncut DNAME new\na DNAME b\nb DNAME a\n`).errors).toEqual([]);
  });

  test('a CNAME loop is not a load error (answers bound it)', () => {
    expect(check(`${APEX}a CNAME b\nb CNAME a\n`).errors).toEqual([]);
  });

  test('exact duplicates are dropped with a warning (as NSD and Knot drop them)', () => {
    const result = check(`${APEX}www A 192.0.2.1\nWWW.example.test. 300 IN A 192.0.2.1\nwww A 192.0.2.2\nm MX 10 Mail\nm MX 10 mail.example.test.\nt TXT "A"\nt TXT "a"\n`);
    expect(result.errors).toEqual(['warning DUPLICATE@5:1', 'warning DUPLICATE@8:1']);
    expect(result.records.slice(2)).toEqual([
      'www.example.test. 300 IN A 192.0.2.1',
      'www.example.test. 300 IN A 192.0.2.2',
      'm.example.test. 300 IN MX 10 mail.example.test.', // names in MX rdata are served in lower case (RFC 4034 §6.2, as NSD and Knot)
      't.example.test. 300 IN TXT "A"', // TXT data is case-sensitive: not duplicates
      't.example.test. 300 IN TXT "a"',
    ]);
  });

  test('TTLs differing inside an RRset: a warning and the lowest for all (RFC 2181 §5.2)', () => {
    const result = check(`${APEX}www 600 A 192.0.2.1\nwww 60 A 192.0.2.2\nwww 900 A 192.0.2.3\nwww 600 AAAA 2001:db8::1\n`);
    expect(result.errors).toEqual(['warning TTL_MISMATCH@5:1']);
    expect(result.records.slice(2)).toEqual([
      'www.example.test. 60 IN A 192.0.2.1',
      'www.example.test. 60 IN A 192.0.2.2',
      'www.example.test. 60 IN A 192.0.2.3',
      'www.example.test. 600 IN AAAA 2001:db8::1', // another RRset keeps its TTL
    ]);
  });

  test.each([
    ['no NS at all', '$TTL 300\n@ SOA ns1 hostmaster 1 3600 600 86400 300\nwww A 192.0.2.1\n', ['warning NO_NS@2:1']],
    ['NS only below the apex (a delegation)', '$TTL 300\n@ SOA ns1 hostmaster 1 3600 600 86400 300\nsub NS ns1\n', ['warning NO_NS@2:1']],
    ['no SOA and no NS: the SOA is the error', '$TTL 300\nwww A 192.0.2.1\n', ['NO_SOA@0:0', 'warning NO_NS@0:0']],
  ])('a zone without apex NS loads with a warning, as Knot (NSD says nothing): %s', (_name, text, expected) => {
    const result = check(text);
    expect(result.errors).toEqual(expected);
    if (!expected.some((e) => !e.startsWith('warning'))) expect(result.records.length).toBe(text.split('\n').length - 2);
  });

  // RRSIGs in presentation form (RFC 4034 §3.2); each covers an RRset with the TTL it carries.
  const sig = (ttl: number, covered: string, n: number) => `www ${ttl} RRSIG ${covered} 13 3 ${ttl} 20300101000000 20250101000000 ${n} example.test. AA==`;
  test.each([
    ['RRSIGs over A, AAAA and MX, each with its RRset\'s TTL', [sig(600, 'A', 1), sig(60, 'AAAA', 2), sig(3600, 'MX', 3)], [600, 60, 3600]],
    ['two RRSIGs over one type (two keys), TTLs as written', [sig(600, 'A', 1), sig(300, 'A', 2)], [600, 300]],
    ['RRSIGs written out of order among other records', [sig(60, 'AAAA', 1), 'www 600 A 192.0.2.1', sig(600, 'A', 2)], [60, 600, 600]],
  ])('RRSIGs keep each its own TTL, with no TTL warning (RFC 4034 §3): %s', (_name, lines, ttls) => {
    const result = check(`${APEX}${lines.join('\n')}\n`);
    expect(result.errors).toEqual([]);
    expect(result.records.slice(2).map((r) => Number(r.split(' ')[1]))).toEqual(ttls);
  });

  test('a duplicate with a lower TTL still lowers the RRset', () => {
    const result = check(`${APEX}www 600 A 192.0.2.1\nwww 60 A 192.0.2.1\n`);
    expect(result.errors).toEqual(['warning TTL_MISMATCH@5:1', 'warning DUPLICATE@5:1']);
    expect(result.records.slice(2)).toEqual(['www.example.test. 60 IN A 192.0.2.1']);
  });

  test('messages read like a compiler\'s', () => {
    const result = parseZoneText(`${APEX}www A 192.0.2.1\nwww CNAME web\n`, { file: 'zones/c.zone', origin: 'example.test' });
    expect(result.errors.map((e) => e.message)).toEqual(['zones/c.zone:5:1: CNAME at www.example.test. beside other data (A)']);
    const warned = parseZoneText(`${APEX}www A 192.0.2.1\nwww A 192.0.2.1\n`, { file: 'zones/c.zone', origin: 'example.test' });
    expect(warned.errors.map((e) => e.message)).toEqual(['zones/c.zone:5:1: warning: duplicate of the record at zones/c.zone:4, ignored']);
  });
});
