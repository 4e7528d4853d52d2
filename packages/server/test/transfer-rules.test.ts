import { describe, expect, test } from 'vitest';
import type { RecordOf, ResourceRecord } from '@port53/wire';
import { parseTransferRule, transferDenied, TransferRuleError } from '../src/transfer/acl.js';
import { ZoneJournal } from '../src/transfer/journal.js';
import { parseNotifyTarget, NotifyTargetError } from '../src/transfer/notify.js';
import { serialCompare } from '../src/transfer/serial.js';
import { catalogMembers, catalogZone, nextCatalog } from '../src/transfer/catalog.js';

describe('--allow-transfer ADDR[/PREFIX][@KEYNAME]', () => {
  const rules = ['192.0.2.0/24', '198.51.100.7@xfr.key', '2001:db8::/32@Other.Key.'].map(parseTransferRule);
  test.each([
    ['192.0.2.200', undefined, true],
    ['192.0.3.1', undefined, false],
    ['::ffff:192.0.2.9', undefined, true], // IPv4-mapped counts as IPv4
    ['198.51.100.7', undefined, false], // the rule needs the key
    ['198.51.100.7', 'xfr.key', true],
    ['198.51.100.7', 'XFR.KEY', true],
    ['198.51.100.7', 'other.key', false],
    ['2001:db8:1::5', 'other.key', true],
    ['2001:db9::5', 'other.key', false],
  ])('%s signed with %s: allowed %s', (address, key, allowed) => {
    expect(transferDenied(rules, address, key) === undefined).toBe(allowed);
  });
  test('no rule: nobody', () => {
    expect(transferDenied([], '127.0.0.1', undefined)).toMatch(/no --allow-transfer rule/);
  });
  test.each(['192.0.2.0/33', 'host.example', '::1/129', '10.0.0.1@bad..name', '10.0.0.1/x'])('rejects %s', (text) => {
    expect(() => parseTransferRule(text)).toThrow(TransferRuleError);
  });
});

describe('--notify ADDR[:PORT][@KEYNAME]', () => {
  test.each([
    ['192.0.2.1', '192.0.2.1', 53, undefined],
    ['192.0.2.1:5300', '192.0.2.1', 5300, undefined],
    ['192.0.2.1:5300@xfr.key', '192.0.2.1', 5300, 'xfr.key'],
    ['2001:db8::1', '2001:db8::1', 53, undefined],
    ['[2001:db8::1]:5300@K', '2001:db8::1', 5300, 'k'],
  ])('%s', (text, address, port, key) => {
    expect(parseNotifyTarget(text)).toMatchObject({ address, port, key });
  });
  test.each(['ns1.example:53', '192.0.2.1:0', '192.0.2.1:70000', '[2001:db8::1]:x'])('rejects %s', (text) => {
    expect(() => parseNotifyTarget(text)).toThrow(NotifyTargetError);
  });
});

describe('serial arithmetic (RFC 1982)', () => {
  test.each([
    [1, 2, -1],
    [2, 1, 1],
    [0xffffffff, 0, -1], // wraps
    [0, 0xffffffff, 1],
    [5, 5, 0],
  ])('%i vs %i', (a, b, want) => {
    expect(serialCompare(a, b)).toBe(want);
  });
});

describe('the IXFR journal', () => {
  const soa = (serial: number): RecordOf<'SOA'> => ({ name: 'j.test', type: 'SOA', class: 'IN', ttl: 300, data: { mname: 'ns.j.test', rname: 'h.j.test', serial, refresh: 1, retry: 1, expire: 9, minimum: 1 } });
  const a = (name: string, ip: string): ResourceRecord => ({ name, type: 'A', class: 'IN', ttl: 300, data: ip });
  const version = (serial: number, ...records: ResourceRecord[]) => ({ origin: 'j.test', serial, records: [soa(serial), ...records] });
  const v1 = version(1, a('a.j.test', '192.0.2.1'), a('b.j.test', '192.0.2.2'));
  const v2 = version(2, a('a.j.test', '192.0.2.1'), a('b.j.test', '192.0.2.22'), a('c.j.test', '192.0.2.3'));
  const v3 = version(3, a('a.j.test', '192.0.2.1'), a('b.j.test', '192.0.2.2'), a('c.j.test', '192.0.2.3'));

  test('one difference: what left and what came, the SOAs apart', async () => {
    const j = new ZoneJournal();
    await j.record(v1, v2);
    const d = j.since('j.test', 1, 2)!;
    expect(d.removed).toEqual([a('b.j.test', '192.0.2.2')]);
    expect(d.added).toEqual([a('b.j.test', '192.0.2.22'), a('c.j.test', '192.0.2.3')]);
    expect([d.fromSoa.data.serial, d.toSoa.data.serial]).toEqual([1, 2]);
  });

  test('a chain is condensed: a record removed and added back is in neither list (RFC 1995 §4)', async () => {
    const j = new ZoneJournal();
    await j.record(v1, v2);
    await j.record(v2, v3);
    const d = j.since('J.TEST', 1, 3)!;
    expect(d.removed).toEqual([]);
    expect(d.added).toEqual([a('c.j.test', '192.0.2.3')]);
    expect(j.since('j.test', 2, 3)!.removed).toEqual([a('b.j.test', '192.0.2.22')]);
  });

  test('history that does not reach back, or does not end at the current serial: none', async () => {
    const j = new ZoneJournal({ maxDiffs: 1 });
    await j.record(v1, v2);
    await j.record(v2, v3);
    expect(j.since('j.test', 1, 3)).toBeUndefined(); // the 1 -> 2 difference was dropped
    expect(j.since('j.test', 2, 4)).toBeUndefined();
    expect(j.since('other.test', 2, 3)).toBeUndefined();
  });
});

describe('the catalog zone (RFC 9432)', () => {
  test('version 2, one PTR per member under zones, each label stable, its own name left out', () => {
    const z = catalogZone('cat.test', ['b.test', 'A.test', 'cat.test'], 7);
    const text = z.records.map((r) => `${r.name} ${r.type}`);
    expect(text.slice(0, 3)).toEqual(['cat.test SOA', 'cat.test NS', 'version.cat.test TXT']);
    expect(catalogMembers(z)).toEqual(['a.test', 'b.test']);
    const labels = z.records.filter((r) => r.type === 'PTR').map((r) => r.name);
    expect(labels.every((l) => /^[0-9a-f]{16}\.zones\.cat\.test$/.test(l))).toBe(true);
    expect(catalogZone('cat.test', ['a.test'], 1).records.find((r) => r.type === 'PTR')!.name).toBe(labels[0]);
  });
  test('the same list keeps its version; a changed list moves the serial forward, even past the clock', () => {
    const v1 = nextCatalog('cat.test', undefined, ['a.test'], 1000);
    expect(v1.serial).toBe(1000);
    expect(nextCatalog('cat.test', v1, ['A.test.'.slice(0, -1)], 2000)).toBe(v1);
    expect(nextCatalog('cat.test', v1, ['a.test', 'b.test'], 2000).serial).toBe(2000);
    expect(nextCatalog('cat.test', v1, ['b.test'], 500).serial).toBe(1001);
  });
});
