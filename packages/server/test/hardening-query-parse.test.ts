import { decode } from '@port53/wire';
import { describe, expect, test } from 'vitest';
import { respond } from '../src/answer/respond.js';
import { buildCatalog } from '../src/store/catalog.js';
import { loadZone } from '../src/zonefile/index.js';
import { heavyQuery } from './fixtures/heavy-query.js';
import { query } from './fixtures/query.js';

const catalog = buildCatalog([await loadZone({ file: new URL('../../../zones/example.test.zone', import.meta.url).pathname })]);

/** A query with `opts` raw OPT records placed in the given sections (the codec's encode refuses such messages). */
function withOpts(sections: ('answer' | 'authority' | 'additional')[]): Uint8Array {
  const base = Buffer.from(query('host1.example.test', 'A'));
  const rr = Buffer.from([0, 0, 41, 0x04, 0xd0, 0, 0, 0, 0, 0, 0]); // root, OPT, 1232, TTL 0, no rdata
  const count = (s: string) => sections.filter((x) => x === s).length;
  const order = [...sections].sort((a, b) => ['answer', 'authority', 'additional'].indexOf(a) - ['answer', 'authority', 'additional'].indexOf(b));
  const out = Buffer.concat([base, ...order.map(() => rr)]);
  out.writeUInt16BE(count('answer'), 6);
  out.writeUInt16BE(count('authority'), 8);
  out.writeUInt16BE(count('additional'), 10);
  return out;
}

describe('queries are parsed as far as answering needs: header, question, OPT', () => {
  test.each([
    ['one OPT in the additional section', ['additional'], 'answered', 0],
    ['two OPT records', ['additional', 'additional'], 'formerr', 1],
    ['an OPT in the answer section', ['answer'], 'formerr', 1],
    ['an OPT in the authority section', ['authority'], 'formerr', 1],
  ] as const)('%s: %s', (_, sections, kind, rcode) => {
    const outcome = respond(withOpts([...sections]), catalog, 'udp');
    expect([outcome.kind, decode(outcome.reply!).rcode]).toEqual([kind, rcode]);
  });

  test('other additional records are stepped over, not decoded: 3-octet A rdata in them is never seen', () => {
    const heavy = heavyQuery('host1.example.test', 'A', { badRdata: true });
    expect(heavy.length).toBeGreaterThan(64_000);
    expect(() => decode(heavy)).toThrow(/A rdata of 3 octets/);
    const outcome = respond(heavy, catalog, 'udp');
    expect(outcome.kind).toBe('answered');
    expect(decode(outcome.reply!).answers.map((r) => r.data).sort()).toEqual(['192.0.2.10', '192.0.2.11', '192.0.2.12']);
  });

  test('a record that runs past the end is still FORMERR', () => {
    const heavy = heavyQuery('host1.example.test', 'A');
    const cut = heavy.subarray(0, heavy.length - 2);
    expect(respond(cut, catalog, 'udp').kind).toBe('formerr');
  });

});
