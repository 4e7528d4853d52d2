import { RRType } from '@port53/wire';
import { describe, expect, it } from 'vitest';
import { suffixKeys } from '../src/store/suffixes.js';
import { Zone, ZoneStoreError } from '../src/store/zone.js';
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
