import { RRType } from '@port53/wire';
import { describe, expect, it } from 'vitest';
import { Zone } from '../src/store/zone.js';
import { fixtureZone } from './fixtures/answer-zones.js';

// A node keeps two RRsets in fields and the rest in an array (a map while building past 16):
// these zones cross each of those limits, with the records of a type out of order.
const APEX = '@ 3600 SOA ns1 hostmaster 1 7200 3600 1209600 300\n@ 3600 NS ns1\n';

function zoneWith(lines: string[]): Zone {
  return new Zone(fixtureZone('example.test', APEX + lines.join('\n')));
}

describe('a node’s RRsets', () => {
  it.each([1, 2, 3, 17, 40])('%i types at one name, interleaved: ordered by type number, each with its records', (types) => {
    const codes = Array.from({ length: types }, (_, i) => 1000 + ((i * 7) % types)); // shuffled
    const lines = [...codes, ...codes, ...codes].map((code, i) => `www 60 TYPE${code} \\# 1 ${(i % 256).toString(16).padStart(2, '0')}`);
    const node = zoneWith(lines).node('www.example.test')!;
    expect(node.rrsets.size).toBe(types);
    expect([...node.rrsets.keys()]).toEqual([...new Set(codes)].sort((a, b) => a - b));
    for (const code of codes) {
      const set = node.rrsets.get(code)!;
      expect(set.code).toBe(code);
      expect(set.type).toBe(`TYPE${code}`);
      expect(set.name).toBe('www.example.test');
      expect(set.records.map((r) => r.type)).toEqual([`TYPE${code}`, `TYPE${code}`, `TYPE${code}`]);
    }
    expect(node.rrsets.get(999)).toBeUndefined();
    expect(node.rrsets.has(999)).toBe(false);
    expect([...node.rrsets.values()].map((s) => s.records.length)).toEqual(new Array(types).fill(3));
  });

  it('records of one RRset keep file order, also when the owner alternates', () => {
    const node = zoneWith(['a 60 A 192.0.2.1', 'b 60 A 192.0.2.9', 'a 60 AAAA 2001:db8::1', 'A 60 A 192.0.2.2', 'a 60 A 192.0.2.3']).node('a.example.test')!;
    expect(node.rrsets.get(RRType.A)!.records.map((r) => r.data)).toEqual(['192.0.2.1', '192.0.2.2', '192.0.2.3']);
    expect([...node.rrsets].map(([code]) => code)).toEqual([RRType.A, RRType.AAAA]);
  });

  it('an NS below the apex makes a cut whichever RRset it is', () => {
    const zone = zoneWith(['sub 60 TXT "x"', 'sub 60 A 192.0.2.1', 'sub 60 NS ns.sub']);
    expect(zone.node('sub.example.test')!.delegation).toBe(true);
    expect(zone.apex.delegation).toBe(false);
  });
});
