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
