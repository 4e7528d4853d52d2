import { canonicalName, RRType, type ResourceRecord } from '@port53/wire';
import { describe, expect, it } from 'vitest';
import { NameTable } from '../src/store/names.js';
import { suffixKeys } from '../src/store/suffixes.js';
import { Zone, ZoneBuilder, ZoneStoreError } from '../src/store/zone.js';
import { checkZoneSource } from '../src/zonefile/index.js';
import { EXAMPLE, fixtureZone } from './fixtures/answer-zones.js';

const zone = new Zone(EXAMPLE);
const walk = (name: string) => {
  const w = zone.walk(suffixKeys(name));
  return { node: w.node.key, exact: w.exact, cut: w.cut?.key };
};

describe('suffixKeys', () => {
  it.each([
    ['.', ['.']],
    ['test', ['test', '.']],
    ['a.b.test', ['a.b.test', 'b.test', 'test', '.']],
    ['a\\.b.test', ['a\\.b.test', 'test', '.']],
    ['a\\\\.b', ['a\\\\.b', 'b', '.']],
    ['\\046x.test', ['\\046x.test', 'test', '.']],
  ])('%s', (name, expected) => {
    expect(suffixKeys(name)).toEqual(expected);
  });
});

describe('zone tree', () => {
  it('indexes RRsets by type number, in type order, with the owner case of the zone', () => {
    const apex = zone.node('example.test')!;
    expect([...apex.rrsets.keys()]).toEqual([RRType.A, RRType.NS, RRType.SOA, RRType.MX]);
    expect(apex.rrsets.get(RRType.NS)!.records).toHaveLength(2);
    expect(zone.soa.data.serial).toBe(2024010101);
    expect(zone.serial).toBe(2024010101);
  });

  it('creates every empty non-terminal between a name and the apex', () => {
    expect(zone.node('c.example.test')?.rrsets.size).toBe(0);
    expect(zone.node('b.c.example.test')?.rrsets.size).toBe(0);
    expect(zone.node('a.b.c.example.test')?.rrsets.size).toBe(1);
    expect(zone.node('_udp.example.test')?.rrsets.size).toBe(0);
    expect(zone.node('w.example.test')?.rrsets.size).toBe(0);
    expect(zone.node('nothere.example.test')).toBeUndefined();
  });

  it('marks delegations: NS below the apex, never the apex', () => {
    expect(zone.node('sub.example.test')?.delegation).toBe(true);
    expect(zone.node('child.example.test')?.delegation).toBe(true);
    expect(zone.apex.delegation).toBe(false);
    expect(zone.node('ns.sub.example.test')?.delegation).toBe(false);
  });

  it('looks names up case-insensitively through canonical keys', () => {
    const mixed = new Zone(fixtureZone('Mixed.Test', '@ 60 SOA ns h 1 1 1 1 1\n@ 60 NS ns\nWWW.Deep 60 A 192.0.2.1'));
    expect(mixed.key).toBe('mixed.test');
    expect(mixed.node('www.deep.mixed.test')?.name).toBe('WWW.Deep.Mixed.Test');
    expect(mixed.node('deep.mixed.test')?.name).toBe('Deep.Mixed.Test');
  });

  it.each([
    ['the apex', 'example.test', { node: 'example.test', exact: true, cut: undefined }],
    ['an existing name', 'web.example.test', { node: 'web.example.test', exact: true, cut: undefined }],
    ['an empty non-terminal', 'b.c.example.test', { node: 'b.c.example.test', exact: true, cut: undefined }],
    ['a missing name: closest encloser', 'x.y.b.c.example.test', { node: 'b.c.example.test', exact: false, cut: undefined }],
    ['the cut itself', 'sub.example.test', { node: 'sub.example.test', exact: true, cut: 'sub.example.test' }],
    ['glue below the cut stops at the cut', 'ns.sub.example.test', { node: 'sub.example.test', exact: false, cut: 'sub.example.test' }],
    ['a missing name below the cut', 'a.b.sub.example.test', { node: 'sub.example.test', exact: false, cut: 'sub.example.test' }],
  ])('walk to %s', (_title, name, expected) => {
    expect(walk(name)).toEqual(expected);
  });

  it('serves the root zone', () => {
    const root = new Zone(fixtureZone('.', '@ 60 SOA a.root h 1 1 1 1 1\n@ 60 NS a.root\na.root 60 A 192.0.2.1\ntest 60 NS ns.test\n* 60 TXT "x"'));
    expect(root.key).toBe('.');
    expect(root.node('root')?.rrsets.size).toBe(0);
    expect(root.walk(suffixKeys('a.root'))).toMatchObject({ exact: true });
    expect(root.walk(suffixKeys('www.test')).cut?.key).toBe('test');
    expect(root.node('*')?.rrsets.size).toBe(1);
  });

  it.each([
    ['NO_SOA', fixtureZone('x.test', '@ 60 NS ns')],
    ['OUT_OF_ZONE', { origin: 'x.test', records: [...fixtureZone('x.test', '@ 60 SOA ns h 1 1 1 1 1').records, ...fixtureZone('y.test', 'www 60 A 192.0.2.1').records] }],
  ])('rejects records that cannot form a zone: %s', (code, contents) => {
    expect(() => new Zone(contents)).toThrow(ZoneStoreError);
    try {
      new Zone(contents);
    } catch (e) {
      expect((e as ZoneStoreError).code).toBe(code);
      expect((e as ZoneStoreError).zone).toBe('x.test');
    }
  });
});

describe('a tree built from an index handed over by a loading worker', () => {
  // Owners out of order, below empty non-terminals, names written in mixed case, a delegation.
  const text = [
    '$ORIGIN Handed.Test.',
    '$TTL 300',
    '@ SOA ns1 hostmaster 7 3600 600 86400 300',
    '@ NS ns1',
    'ns1 A 192.0.2.1',
    ...Array.from({ length: 1500 }, (_, i) => `H${i}.Deep${i % 7}.Ents A 192.0.${(i >> 8) & 255}.${i & 255}`),
    ...Array.from({ length: 1500 }, (_, i) => `h${i}.deep${i % 7}.ents AAAA 2001:db8::${i.toString(16)}`),
    'sub NS ns.sub',
    'ns.sub A 192.0.2.53',
    'ns1 AAAA 2001:db8::53',
  ].join('\n');

  function handedOver(source = text): { built: Zone; direct: Zone; records: readonly ResourceRecord[] } {
    const { zone, names } = checkZoneSource({ file: 'handed.test.zone', text: source });
    const direct = new Zone({ origin: zone.origin, records: zone.records });
    const parts = names.names.parts([canonicalName(zone.origin)]);
    const moved = structuredClone({ parts, nameOf: names.nameOf }, { transfer: [parts.slots.buffer, parts.hashes.buffer, names.nameOf.buffer] as ArrayBuffer[] });
    const builder = new ZoneBuilder(zone.origin, { names: NameTable.fromParts(moved.parts), nameOf: moved.nameOf });
    for (let i = 0; i < zone.records.length; i += 700) builder.add(zone.records, i, Math.min(zone.records.length, i + 700));
    // Sealing in slices: a deadline already past stops after each slice of nodes.
    let slices = 1;
    while (!builder.sealSome(0)) slices++;
    if (source === text) expect(slices).toBeGreaterThan(1);
    return { built: builder.finish(), direct, records: zone.records };
  }

  it('has the same nodes, empty non-terminals, RRsets and cuts as one built on this thread', () => {
    const { built, direct, records } = handedOver();
    const keys = new Set(records.flatMap((r) => suffixKeys(canonicalName(r.name)).filter((k) => k.endsWith('handed.test'))));
    expect(keys.has('deep3.ents.handed.test')).toBe(true);
    for (const key of keys) {
      const a = built.node(key);
      const b = direct.node(key);
      expect(a, key).toBeDefined();
      expect([...a!.rrsets.entries()].map(([code, s]) => [code, s.name, s.records.map((r) => r.data)]), key).toEqual([...b!.rrsets.entries()].map(([code, s]) => [code, s.name, s.records.map((r) => r.data)]));
      expect(a!.delegation, key).toBe(b!.delegation);
    }
    expect(built.node('ents.handed.test')?.rrsets.size).toBe(0);
    expect(built.node('h1.deep1.ents.handed.test')?.name).toBe('H1.Deep1.Ents.Handed.Test');
    expect(built.walk(suffixKeys('x.ns.sub.handed.test')).cut?.key).toBe('sub.handed.test');
    expect(built.walk(suffixKeys('nothing.deep2.ents.handed.test'))).toMatchObject({ exact: false, node: built.node('deep2.ents.handed.test') });
    expect(built.recordCount).toBe(records.length);
  });

  it('indexes a signed zone as one built on this thread does (NSEC chain, signatures by covered type)', () => {
    const sig = (type: string) => `RRSIG ${type} 13 2 300 20300101000000 20250101000000 1 handed.test. ${Buffer.alloc(64, 7).toString('base64')}`;
    const signedText = [
      '$ORIGIN handed.test.',
      '$TTL 300',
      '@ SOA ns hostmaster 1 7200 3600 1209600 300',
      `@ ${sig('SOA')}`,
      '@ NS ns',
      '@ NSEC a.b.handed.test. NS SOA RRSIG NSEC',
      `@ ${sig('NSEC')}`,
      'a.b A 192.0.2.1',
      'a.b NSEC ns.handed.test. A RRSIG NSEC',
      `a.b ${sig('A')}`,
      'ns A 192.0.2.53',
      'ns NSEC handed.test. A RRSIG NSEC',
      `ns ${sig('A')}`,
    ].join('\n');
    const { built, direct } = handedOver(signedText);
    expect(built.signed?.nsec?.size).toBe(3);
    for (const name of ['a.b.handed.test', 'b.handed.test', 'c.handed.test', 'zz.handed.test']) {
      expect(built.signed!.nsec!.covering(name)?.key, name).toBe(direct.signed!.nsec!.covering(name)?.key);
    }
    expect(built.signed!.signatures.get(built.node('a.b.handed.test')!)?.get(RRType.A)).toHaveLength(1);
    expect(built.node('b.handed.test')?.rrsets.size).toBe(0);
  });
});
