import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { canonicalName, isSubdomain, type ResourceRecord } from '@port53/wire';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { findZoneFiles, loadZone, ZoneError, ZoneLoadError, type LoadedZone } from '../src/zonefile/index.js';

const repo = fileURLToPath(new URL('../../../', import.meta.url));
const zonesDir = path.join(repo, 'zones');
const fixtures = fileURLToPath(new URL('./fixtures/zones/', import.meta.url));

function at(zone: LoadedZone, name: string, type?: string): ResourceRecord[] {
  return zone.records.filter((r) => canonicalName(r.name) === name && (type === undefined || r.type === type));
}

describe('zones/example.test.zone', () => {
  let zone: LoadedZone;
  beforeAll(async () => {
    zone = await loadZone({ file: path.join(zonesDir, 'example.test.zone') });
  });

  test('loads without warnings, with its serial in YYYYMMDDnn form', () => {
    expect(zone.origin).toBe('example.test');
    expect(zone.records).toHaveLength(43);
    expect(zone.warnings).toEqual([]);
    expect(String(zone.serial)).toMatch(/^20\d{2}(0[1-9]|1[0-2])(0[1-9]|[12]\d|3[01])\d{2}$/);
  });

  test('uses every supported type', () => {
    const types = new Set(zone.records.map((r) => r.type));
    for (const t of ['SOA', 'NS', 'A', 'AAAA', 'CNAME', 'MX', 'TXT', 'SRV', 'CAA', 'HINFO', 'PTR']) expect(types).toContain(t);
    expect([...types].some((t) => /^TYPE\d+$/.test(t))).toBe(true);
  });

  test('has a CNAME chain www -> web -> host1, and host1 has several addresses', () => {
    expect(at(zone, 'www.example.test', 'CNAME').map((r) => r.data)).toEqual(['web.example.test']);
    expect(at(zone, 'web.example.test', 'CNAME').map((r) => r.data)).toEqual(['host1.example.test']);
    expect(at(zone, 'host1.example.test', 'A').length).toBeGreaterThan(1);
  });

  test('has a wildcard, an empty non-terminal and a delegation with glue', () => {
    expect(at(zone, '*.wild.example.test').length).toBeGreaterThan(0);
    expect(at(zone, 'b.example.test')).toEqual([]);
    expect(at(zone, 'a.b.example.test').length).toBeGreaterThan(0);
    const ns = at(zone, 'sub.example.test', 'NS').map((r) => r.data as string);
    expect(ns.length).toBeGreaterThan(0);
    for (const target of ns) expect(at(zone, target, 'A').length).toBeGreaterThan(0);
  });

  test('MX targets are inside the zone and have addresses', () => {
    for (const mx of at(zone, 'example.test', 'MX')) {
      const target = (mx.data as { exchange: string }).exchange;
      expect(isSubdomain(target, 'example.test')).toBe(true);
      expect(at(zone, target, 'A').length).toBeGreaterThan(0);
    }
  });

  test('has TXT data over 255 octets in several strings, and a string with escapes', () => {
    const long = at(zone, 'long.example.test', 'TXT')[0].data as Uint8Array[];
    expect(long.length).toBeGreaterThan(1);
    expect(long.reduce((n, s) => n + s.length, 0)).toBeGreaterThan(255);
    const escaped = at(zone, 'escaped.example.test', 'TXT')[0].data as Uint8Array[];
    expect(Buffer.from(escaped[0]).toString('utf8')).toBe('say "hello"; a backslash \\ and a tab\t and café');
  });

  test('uses documentation addresses only', () => {
    for (const r of zone.records) {
      if (r.type === 'A') expect(r.data).toMatch(/^(192\.0\.2|198\.51\.100)\./);
      if (r.type === 'AAAA') expect(r.data).toMatch(/^2001:db8:/);
    }
  });
});

describe('loading zones', () => {
  test('findZoneFiles lists the *.zone files of a directory, sorted', async () => {
    const found = await findZoneFiles(zonesDir);
    expect(found.map((s) => path.basename(s.file))).toEqual(['2.0.192.in-addr.arpa.zone', 'example.test.zone']);
    expect(found.every((s) => s.origin === undefined)).toBe(true);
  });

  test('the reverse zone takes its origin from the file name', async () => {
    const zone = await loadZone({ file: path.join(zonesDir, '2.0.192.in-addr.arpa.zone') });
    expect(zone.origin).toBe('2.0.192.in-addr.arpa');
    expect(at(zone, '10.2.0.192.in-addr.arpa', 'PTR').map((r) => r.data)).toEqual(['host1.example.test']);
  });

  test('a zone with CNAME loops loads (loops are bounded when answering)', async () => {
    const zone = await loadZone({ file: path.join(fixtures, 'loops.test.zone') });
    expect(zone.origin).toBe('loops.test');
    expect(at(zone, 'loop1.loops.test', 'CNAME')).toHaveLength(1);
  });

  test('the origin given with the source wins over the file name', async () => {
    const zone = await loadZone({ file: path.join(fixtures, 'loops.test.zone'), origin: 'other.test' });
    expect(zone.origin).toBe('other.test');
    expect(zone.records[0].name).toBe('other.test');
  });

  test('a broken zone throws every error with its place, and nothing of the zone', async () => {
    const file = path.join(fixtures, 'broken.zone');
    const error = await loadZone({ file }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ZoneLoadError);
    const errors = (error as ZoneLoadError).errors;
    expect(errors.every((e) => e instanceof ZoneError && e.file === file && e.severity === 'error')).toBe(true);
    expect(errors.map((e) => `${e.line}:${e.column} ${e.code}`)).toEqual([
      '7:10 BAD_TTL',
      '8:16 BAD_ADDRESS',
      '9:16 LABEL_TOO_LONG',
      '13:16 UNBALANCED_PARENS',
      '10:1 CNAME_AND_OTHER_DATA', // zone checks follow the syntax errors, in file order
      '12:1 OUTSIDE_ZONE',
    ]);
    expect((error as ZoneLoadError).message.split('\n')[0]).toBe(`${file}: zone not loaded, 6 errors`);
    expect((error as ZoneLoadError).message).toContain(`${file}:7:10: bad TTL "1x"`);
  });

  describe('files that cannot be read', () => {
    let tmp: string;
    beforeAll(async () => {
      tmp = await mkdtemp(path.join(os.tmpdir(), 'port53-load-'));
    });
    afterAll(async () => {
      await rm(tmp, { recursive: true, force: true });
    });

    test('a missing file', async () => {
      const file = path.join(tmp, 'missing.zone');
      await expect(loadZone({ file })).rejects.toMatchObject({ errors: [expect.objectContaining({ code: 'FILE_UNREADABLE', line: 0 })] });
    });

    test('bytes that are not UTF-8 are refused, not silently replaced', async () => {
      const file = path.join(tmp, 'latin1.test.zone');
      const text = '$TTL 60\n@ SOA ns1 h 1 2 3 4 5\n  NS ns1\nt TXT "caf\xe9"\n';
      await writeFile(file, Buffer.from(text, 'latin1'));
      await expect(loadZone({ file })).rejects.toMatchObject({ errors: [expect.objectContaining({ code: 'BAD_ENCODING', line: 4 })] });
    });

    test('a directory named like a zone is not a regular file', async () => {
      const file = path.join(tmp, 'secret.test.zone');
      await mkdir(file);
      await expect(loadZone({ file })).rejects.toMatchObject({ errors: [expect.objectContaining({ code: 'NOT_REGULAR_FILE', message: expect.stringContaining('a directory') })] });
    });

    test('a missing file is unreadable', async () => {
      await expect(loadZone({ file: path.join(tmp, 'missing.test.zone') })).rejects.toMatchObject({ errors: [expect.objectContaining({ code: 'FILE_UNREADABLE' })] });
    });

    test('a file over the size limit is refused before it is read', async () => {
      const file = path.join(tmp, 'huge.test.zone');
      await writeFile(file, `$TTL 60\n@ SOA ns1 h 1 2 3 4 5\n  NS ns1\n${'; padding\n'.repeat(200)}`);
      await expect(loadZone({ file }, { maxFileBytes: 1000 })).rejects.toMatchObject({
        errors: [expect.objectContaining({ code: 'FILE_TOO_LARGE', line: 0 })],
      });
      await expect(loadZone({ file }, { maxFileBytes: 10_000 })).resolves.toMatchObject({ origin: 'huge.test' });
    });

    test('the record limit', async () => {
      const file = path.join(tmp, 'big.test.zone');
      const hosts = Array.from({ length: 50 }, (_, i) => `h${i} A 192.0.2.1`).join('\n');
      await writeFile(file, `$TTL 60\n@ SOA ns1 h 1 2 3 4 5\n  NS ns1\n${hosts}\n`);
      await expect(loadZone({ file }, { maxRecords: 20 })).rejects.toMatchObject({
        errors: [expect.objectContaining({ code: 'TOO_MANY_RECORDS', line: 22 })],
      });
      expect((await loadZone({ file }, { maxRecords: 52 })).records).toHaveLength(52);
    });
  });
});
