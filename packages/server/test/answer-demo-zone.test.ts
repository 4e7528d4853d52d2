// The "done when": authoritative answers from zones/ as the README demo shows them,
// loaded through the real zone parser (the other answer tests use zones built in code).
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { respond } from '../src/answer/respond.js';
import type { Catalog } from '../src/store/catalog.js';
import { buildCatalog } from '../src/store/catalog.js';
import { findZoneFiles, loadZone } from '../src/zonefile/index.js';
import { query, summarize } from './fixtures/query.js';

const zonesDir = fileURLToPath(new URL('../../../zones', import.meta.url));
let catalog: Catalog;

beforeAll(async () => {
  const files = await findZoneFiles(zonesDir);
  catalog = buildCatalog(await Promise.all(files.map((f) => loadZone(f))));
});

const ask = (name: string, type: string, transport: 'udp' | 'tcp' = 'udp') => summarize(respond(query(name, type), catalog, transport).reply!);
const types = (records: string[]) => [...new Set(records.map((r) => r.split(' ')[2]))];

describe('the demo zone example.test', () => {
  it('SOA: authoritative', () => {
    const r = ask('example.test', 'SOA');
    expect([r.rcode, r.flags, types(r.answer)]).toEqual(['NOERROR', 'qr aa', ['SOA']]);
  });

  it('ANY over TCP: every RRset at the apex, authoritative', () => {
    const r = ask('example.test', 'ANY', 'tcp');
    expect([r.rcode, r.flags]).toEqual(['NOERROR', 'qr aa']);
    expect(types(r.answer)).toEqual(['A', 'NS', 'SOA', 'MX', 'TXT', 'AAAA', 'CAA']);
    expect(r.additional.length).toBeGreaterThan(0);
  });

  it('ANY over UDP: one RRset (RFC 8482)', () => {
    const r = ask('example.test', 'ANY');
    expect([r.flags, types(r.answer)]).toEqual(['qr aa', ['A']]);
  });

  it('the CNAME chain www → web → host1 ends in its addresses', () => {
    const r = ask('www.example.test', 'A');
    expect(r.answer.map((x) => x.split(' ')[2])).toEqual(['CNAME', 'CNAME', 'A', 'A', 'A']);
  });

  it('a wildcard answers for a missing name, an existing sibling is itself', () => {
    expect(ask('anything.wild.example.test', 'TXT').answer).toEqual(['anything.wild.example.test 3600 TXT "wildcard"']);
    expect(ask('exists.wild.example.test', 'TXT')).toMatchObject({ rcode: 'NOERROR', answer: [], authority: [expect.stringContaining(' SOA ')] });
  });

  it('the empty non-terminal b is NODATA, a missing name NXDOMAIN, both with the SOA', () => {
    expect(ask('b.example.test', 'A')).toMatchObject({ rcode: 'NOERROR', flags: 'qr aa', answer: [], authority: [expect.stringContaining(' SOA ')] });
    expect(ask('nope.example.test', 'A')).toMatchObject({ rcode: 'NXDOMAIN', flags: 'qr aa', authority: [expect.stringContaining(' SOA ')] });
  });

  it('the delegation sub is a referral with glue', () => {
    const r = ask('www.sub.example.test', 'A');
    expect([r.rcode, r.flags, r.answer, types(r.authority)]).toEqual(['NOERROR', 'qr', [], ['NS']]);
    expect(r.additional).toEqual([
      'ns1.sub.example.test 3600 A 192.0.2.100',
      'ns1.sub.example.test 3600 AAAA 2001:db8:100::1',
      'ns2.sub.example.test 3600 A 198.51.100.100',
    ]);
  });
});
