import { describe, expect, it } from 'vitest';
import { buildCatalog, CatalogError } from '../src/store/catalog.js';
import { suffixKeys } from '../src/store/suffixes.js';
import { CHILD, EXAMPLE, fixtureZone, OTHER } from './fixtures/answer-zones.js';

const catalog = buildCatalog([EXAMPLE, CHILD, OTHER]);

describe('catalog', () => {
  it.each([
    ['example.test', 'example.test'],
    ['EXAMPLE.Test', 'example.test'],
    ['www.example.test', 'example.test'],
    ['sub.example.test', 'example.test'],
    ['child.example.test', 'child.example.test'],
    ['a.b.child.example.test', 'child.example.test'],
    ['xchild.example.test', 'example.test'],
    ['host.other.test', 'other.test'],
    ['test', undefined],
    ['example.org', undefined],
    ['.', undefined],
    ['notexample.test', undefined],
  ])('findZone(%s) → %s', (name, origin) => {
    expect(catalog.findZone(name)?.origin).toBe(origin);
  });

  it('passes over a child apex for its parent when asked (DS lives in the parent)', () => {
    expect(catalog.zoneFor(suffixKeys('child.example.test'), true)?.origin).toBe('example.test');
    expect(catalog.zoneFor(suffixKeys('www.child.example.test'), true)?.origin).toBe('child.example.test');
    // No parent served: the zone itself.
    expect(catalog.zoneFor(suffixKeys('other.test'), true)?.origin).toBe('other.test');
  });

  it('keeps the child for DS when the served parent has no delegation to it', () => {
    const parent = fixtureZone('p.test', '@ 60 SOA ns h 1 1 1 1 1\n@ 60 NS ns\n* 60 A 192.0.2.1');
    const undelegated = fixtureZone('c.p.test', '@ 60 SOA ns h 1 1 1 1 1\n@ 60 NS ns');
    const both = buildCatalog([parent, undelegated]);
    expect(both.zoneFor(suffixKeys('c.p.test'), true)?.origin).toBe('c.p.test');
  });

  it('a root zone catches every name that no deeper zone holds', () => {
    const withRoot = buildCatalog([EXAMPLE, fixtureZone('.', '@ 60 SOA a.root h 1 1 1 1 1\n@ 60 NS a.root')]);
    expect(withRoot.findZone('example.org')?.origin).toBe('.');
    expect(withRoot.findZone('www.example.test')?.origin).toBe('example.test');
  });

  it('rejects a zone loaded twice, whatever its case', () => {
    expect(() => buildCatalog([EXAMPLE, { ...EXAMPLE, origin: 'Example.TEST' }])).toThrow(CatalogError);
  });

  it('lists its zones', () => {
    expect(catalog.size).toBe(3);
    expect(catalog.all().map((z) => z.origin).sort()).toEqual(['child.example.test', 'example.test', 'other.test']);
    expect(catalog.zone('OTHER.test')?.recordCount).toBe(6);
  });
});
