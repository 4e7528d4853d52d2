import { mkdtemp, mkdir, rm, symlink, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { formatRecord } from '@port53/wire';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { loadZone, parseZoneText, ZoneLoadError } from '../src/zonefile/index.js';

const dir = fileURLToPath(new URL('./fixtures/zones/include/', import.meta.url));

async function loadErrors(file: string, root?: string): Promise<string[]> {
  try {
    await loadZone({ file }, root === undefined ? {} : { root });
  } catch (e) {
    if (!(e instanceof ZoneLoadError)) throw e;
    return e.errors.map((z) => `${path.relative(dir, z.file)}:${z.line}:${z.column} ${z.code}`);
  }
  throw new Error('the zone loaded');
}

describe('$INCLUDE (RFC 1035 §5.1)', () => {
  test('relative to the including file, with an origin argument; origin and owner revert after it', async () => {
    const zone = await loadZone({ file: path.join(dir, 'main.zone') });
    expect(zone.records.map((r) => formatRecord(r).replaceAll('\t', ' ')).slice(3)).toEqual([
      'www.inc.test. 300 IN A 192.0.2.1',
      'nested.inc.test. 300 IN A 192.0.2.2',
      'after.inc.test. 300 IN A 192.0.2.9',
      'sub.inc.test. 300 IN A 192.0.2.3',
      'x.sub.inc.test. 300 IN A 192.0.2.4',
      'after.inc.test. 300 IN AAAA 2001:db8::9', // the blank owner continues "after", not "x.sub"
    ]);
  });

  test.each([
    ['escaping the root with ../', 'escape.zone', ['escape.zone:5:10 INCLUDE_OUTSIDE_ROOT']],
    ['a missing file', 'missing.zone', ['missing.zone:5:10 INCLUDE_UNREADABLE']],
    ['an include loop stops at the depth limit', 'loop.zone', ['loop.zone:5:10 INCLUDE_DEPTH']],
    ['errors inside an included file name that file', 'bad-child.zone', ['hosts/bad.inc:2:14 BAD_ADDRESS']],
  ])('%s', async (_name, file, expected) => {
    expect(await loadErrors(path.join(dir, file))).toEqual(expected);
  });

  test('the root can be wider than the file\'s directory', async () => {
    const zone = await loadZone({ file: path.join(dir, 'escape.zone') }, { root: path.join(dir, '..') });
    expect(zone.records.map((r) => r.name)).toContain('secret.inc.test');
  });

  test('a reader given to parseZoneText sees the resolved path', () => {
    const asked: string[] = [];
    const result = parseZoneText('$TTL 60\n$INCLUDE part/a.inc\n', {
      file: 'zones/x.test.zone',
      root: 'zones',
      readInclude: (file) => {
        asked.push(file);
        return 'www A 192.0.2.1';
      },
    });
    expect(asked).toEqual([path.join('zones', 'part', 'a.inc')]);
    expect(result.records.map((r) => r.name)).toEqual(['www.x.test']);
  });
});

describe('$INCLUDE through symlinks', () => {
  let tmp: string;
  beforeAll(async () => {
    tmp = await mkdtemp(path.join(os.tmpdir(), 'port53-include-'));
    await mkdir(path.join(tmp, 'zones', 'parts'), { recursive: true });
    await writeFile(path.join(tmp, 'secret.inc'), 'secret TXT "outside"\n');
    await writeFile(path.join(tmp, 'zones', 'parts', 'real.inc'), 'www A 192.0.2.1\n');
    await symlink(path.join(tmp, 'secret.inc'), path.join(tmp, 'zones', 'evil.inc'));
    await symlink(path.join(tmp, 'zones', 'parts', 'real.inc'), path.join(tmp, 'zones', 'good.inc'));
    const head = '$ORIGIN link.test.\n$TTL 60\n@ SOA ns1 h 1 2 3 4 5\n  NS ns1\n';
    await writeFile(path.join(tmp, 'zones', 'evil.zone'), `${head}$INCLUDE evil.inc\n`);
    await writeFile(path.join(tmp, 'zones', 'good.zone'), `${head}$INCLUDE good.inc\n$INCLUDE ${path.join(tmp, 'zones', 'parts', 'real.inc')} abs\n`);
  });
  afterAll(async () => {
    await rm(tmp, { recursive: true, force: true });
  });

  test('a symlink leading outside the root is refused', async () => {
    const file = path.join(tmp, 'zones', 'evil.zone');
    await expect(loadZone({ file })).rejects.toMatchObject({
      errors: [expect.objectContaining({ code: 'INCLUDE_OUTSIDE_ROOT', file, line: 5, column: 10 })],
    });
  });

  test('a symlink and an absolute path inside the root are fine', async () => {
    const zone = await loadZone({ file: path.join(tmp, 'zones', 'good.zone') });
    expect(zone.records.map((r) => r.name)).toEqual(['link.test', 'link.test', 'www.link.test', 'www.abs.link.test']);
  });
});

describe('$INCLUDE with a relative path: beside the including file (Knot), then the zones directory or working directory (NSD, BIND)', () => {
  let tmp: string;
  let zones: string;
  const head = '$ORIGIN where.test.\n$TTL 60\n@ SOA ns1 h 1 2 3 4 5\n  NS ns1\n';
  const files: Record<string, string> = {
    'zones/parts/knot.inc': 'knot A 192.0.2.1\n',
    'zones/parts/nsd.inc': 'nsd A 192.0.2.2\n',
    'zones/parts/both.inc': 'both A 192.0.2.3\n',
    'zones/both.inc': 'both A 192.0.2.4\n',
    'zones/parts/cwd.inc': 'cwd A 192.0.2.5\n',
    'secret.inc': 'secret TXT "outside the zones directory"\n',
  };
  beforeAll(async () => {
    tmp = await mkdtemp(path.join(os.tmpdir(), 'port53-include-base-'));
    zones = path.join(tmp, 'zones');
    await mkdir(path.join(zones, 'parts'), { recursive: true });
    for (const [name, text] of Object.entries(files)) await writeFile(path.join(tmp, name), text);
  });
  afterAll(() => rm(tmp, { recursive: true, force: true }));

  /** A zone whose file includes parts/chain.inc, which holds `line`; loaded with the given base (default: the zones directory). */
  async function load(line: string, includeBase?: string): Promise<string[]> {
    await writeFile(path.join(zones, 'parts', 'chain.inc'), `${line}\n`);
    await writeFile(path.join(zones, 'where.zone'), `${head}$INCLUDE parts/chain.inc\n`);
    try {
      const zone = await loadZone({ file: path.join(zones, 'where.zone') }, { root: zones, includeBase: includeBase ?? zones });
      return zone.records.slice(2).map((r) => formatRecord(r).replaceAll('\t', ' '));
    } catch (e) {
      if (!(e instanceof ZoneLoadError)) throw e;
      return e.errors.map((z) => `${path.relative(tmp, z.file)}:${z.line}:${z.column} ${z.code}: ${z.message.replaceAll(tmp, '~')}`);
    }
  }

  test.each([
    ['beside the including file (Knot)', '$INCLUDE knot.inc', undefined, ['knot.where.test. 60 IN A 192.0.2.1']],
    ['in the zones directory (NSD: relative to zonesdir)', '$INCLUDE parts/nsd.inc', undefined, ['nsd.where.test. 60 IN A 192.0.2.2']],
    ['in both: beside the including file wins', '$INCLUDE both.inc', undefined, ['both.where.test. 60 IN A 192.0.2.3']],
    ['a zone named with --zone: the working directory', '$INCLUDE zones/parts/cwd.inc', 'tmp', ['cwd.where.test. 60 IN A 192.0.2.5']],
    ['in neither: both places named', '$INCLUDE nowhere.inc', undefined,
      ['zones/parts/chain.inc:1:10 INCLUDE_UNREADABLE: ~/zones/parts/chain.inc:1:10: $INCLUDE "nowhere.inc" is in none of "~/zones/parts/nowhere.inc", "~/zones/nowhere.inc"']],
    ['the working directory still never reaches outside the zones directory', '$INCLUDE secret.inc', 'tmp',
      ['zones/parts/chain.inc:1:10 INCLUDE_UNREADABLE: ~/zones/parts/chain.inc:1:10: $INCLUDE "secret.inc" is in none of "~/zones/parts/secret.inc"; "~/secret.inc" is outside the zones directory "~/zones"']],
    ['../ out of the zones directory from either place', '$INCLUDE ../../secret.inc', undefined,
      ['zones/parts/chain.inc:1:10 INCLUDE_OUTSIDE_ROOT: ~/zones/parts/chain.inc:1:10: $INCLUDE "../../secret.inc" is outside the zones directory "~/zones"']],
  ])('%s', async (_name, line, base, expected) => {
    expect(await load(line, base === 'tmp' ? tmp : undefined)).toEqual(expected);
  });
});
