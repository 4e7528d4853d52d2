import { mkdtemp, rm, unlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { createServer, ZoneLoadError, type Server } from '../src/index.js';
import { udpExchange } from '../../../test/support/loopback.mjs';
import { query, summarize } from './fixtures/query.js';

/** A minimal valid zone for `origin` whose www has `address`. */
function zoneText(origin: string, serial: number, address: string): string {
  return [
    `$ORIGIN ${origin}.`,
    '$TTL 300',
    `@ IN SOA ns1 hostmaster ${serial} 7200 900 1209600 300`,
    '  IN NS ns1',
    'ns1 IN A 192.0.2.53',
    `www IN A ${address}`,
    '',
  ].join('\n');
}

let dir: string;
let server: Server | undefined;
beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'port53-reload-'));
});
afterEach(async () => {
  await server?.close();
  server = undefined;
  await rm(dir, { recursive: true, force: true });
});

async function start(): Promise<Server> {
  server = await createServer({ zonesDir: dir, addresses: ['127.0.0.1'], port: 0, tcp: false });
  return server;
}
async function ask(name: string, type = 'A') {
  const reply = await udpExchange(server!.port, query(name, type));
  expect(reply).not.toBeNull();
  return summarize(reply!);
}

describe('reload()', () => {
  test('swaps in changed data and new zones', async () => {
    await writeFile(path.join(dir, 'one.test.zone'), zoneText('one.test', 1, '192.0.2.1'));
    await start();
    expect((await ask('www.one.test')).answer).toEqual(['www.one.test 300 A 192.0.2.1']);

    await writeFile(path.join(dir, 'one.test.zone'), zoneText('one.test', 2, '192.0.2.2'));
    await writeFile(path.join(dir, 'two.test.zone'), zoneText('two.test', 1, '192.0.2.20'));
    const result = await server!.reload();
    expect(result).toMatchObject({ ok: true, failed: [], removed: [], zones: 2 });
    expect(result.loaded.map((z) => [z.origin, z.serial])).toEqual([
      ['one.test', 2],
      ['two.test', 1],
    ]);
    expect((await ask('www.one.test')).answer).toEqual(['www.one.test 300 A 192.0.2.2']);
    expect((await ask('www.two.test')).answer).toEqual(['www.two.test 300 A 192.0.2.20']);
  });

  test('a broken file keeps the previous version of that zone; other zones still reload', async () => {
    await writeFile(path.join(dir, 'one.test.zone'), zoneText('one.test', 1, '192.0.2.1'));
    await writeFile(path.join(dir, 'two.test.zone'), zoneText('two.test', 1, '192.0.2.20'));
    await start();

    await writeFile(path.join(dir, 'one.test.zone'), zoneText('one.test', 2, '192.0.2.2').replace('192.0.2.2', '192.0.2.999'));
    await writeFile(path.join(dir, 'two.test.zone'), zoneText('two.test', 2, '192.0.2.21'));
    const result = await server!.reload();
    expect(result.ok).toBe(false);
    expect(result.failed).toHaveLength(1);
    const [failure] = result.failed;
    expect(failure.previous).toMatchObject({ origin: 'one.test', serial: 1 });
    // The error names the place: file:line:column (line 6 is "www IN A ...").
    expect(failure.errors[0].message).toMatch(/one\.test\.zone:6:\d+: /);
    expect((await ask('www.one.test')).answer).toEqual(['www.one.test 300 A 192.0.2.1']);
    expect((await ask('www.two.test')).answer).toEqual(['www.two.test 300 A 192.0.2.21']);
    expect(server!.zones().map((z) => [z.origin, z.serial])).toEqual([
      ['one.test', 1],
      ['two.test', 2],
    ]);

    // Fixed later: the next reload serves it.
    await writeFile(path.join(dir, 'one.test.zone'), zoneText('one.test', 3, '192.0.2.3'));
    expect((await server!.reload()).ok).toBe(true);
    expect((await ask('www.one.test')).answer).toEqual(['www.one.test 300 A 192.0.2.3']);
  });

  test('a new broken zone is not loaded; a removed file is dropped', async () => {
    await writeFile(path.join(dir, 'one.test.zone'), zoneText('one.test', 1, '192.0.2.1'));
    await writeFile(path.join(dir, 'two.test.zone'), zoneText('two.test', 1, '192.0.2.20'));
    await start();

    await writeFile(path.join(dir, 'three.test.zone'), 'this is not a zone\n');
    await unlink(path.join(dir, 'two.test.zone'));
    const result = await server!.reload();
    expect(result.failed.map((f) => [path.basename(f.file), f.previous])).toEqual([['three.test.zone', undefined]]);
    expect(result.removed.map((z) => z.origin)).toEqual(['two.test']);
    expect(result.zones).toBe(1);
    expect((await ask('www.two.test')).rcode).toBe('REFUSED');
    expect((await ask('www.three.test')).rcode).toBe('REFUSED');
    expect((await ask('www.one.test')).rcode).toBe('NOERROR');
  });

  test('a vanished zones directory rejects the reload and changes nothing', async () => {
    await writeFile(path.join(dir, 'one.test.zone'), zoneText('one.test', 1, '192.0.2.1'));
    await start();
    await rm(dir, { recursive: true });
    await expect(server!.reload()).rejects.toMatchObject({ name: 'ZoneDirectoryError', code: 'ENOENT' });
    expect((await ask('www.one.test')).rcode).toBe('NOERROR');
  });

  test('a reloaded tree has its empty non-terminals and delegations (built from the worker\'s name index)', async () => {
    await writeFile(path.join(dir, 'one.test.zone'), zoneText('one.test', 1, '192.0.2.1'));
    await start();
    const text = [
      zoneText('one.test', 2, '192.0.2.2'),
      'Host.Deep.Ents IN A 192.0.2.7',
      'sub IN NS ns.sub',
      'ns.sub IN A 192.0.2.53',
      '',
    ].join('\n');
    await writeFile(path.join(dir, 'one.test.zone'), text);
    expect((await server!.reload()).ok).toBe(true);
    expect((await ask('host.deep.ents.one.test')).answer).toEqual(['host.deep.ents.one.test 300 A 192.0.2.7']);
    // deep.ents and ents exist only as empty non-terminals: NODATA, not NXDOMAIN (RFC 8020).
    expect(await ask('deep.ents.one.test')).toMatchObject({ rcode: 'NOERROR', answer: [] });
    expect(await ask('ents.one.test')).toMatchObject({ rcode: 'NOERROR', answer: [] });
    expect((await ask('nope.deep.ents.one.test')).rcode).toBe('NXDOMAIN');
    expect(await ask('x.sub.one.test')).toMatchObject({ rcode: 'NOERROR', answer: [], authority: ['sub.one.test 300 NS ns.sub.one.test.'] });
  });

  test('concurrent reloads run one after the other', async () => {
    await writeFile(path.join(dir, 'one.test.zone'), zoneText('one.test', 1, '192.0.2.1'));
    await start();
    const results = await Promise.all([server!.reload(), server!.reload(), server!.reload()]);
    expect(results.map((r) => r.ok)).toEqual([true, true, true]);
  });
});

describe('start-up is all or nothing', () => {
  test('a broken zone rejects createServer with ZoneLoadError naming file:line:column', async () => {
    await writeFile(path.join(dir, 'one.test.zone'), zoneText('one.test', 1, '192.0.2.1'));
    await writeFile(path.join(dir, 'bad.test.zone'), zoneText('bad.test', 1, 'not-an-address'));
    const err = await createServer({ zonesDir: dir, addresses: ['127.0.0.1'], port: 0 }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(ZoneLoadError);
    expect((err as ZoneLoadError).errors[0].message).toMatch(/bad\.test\.zone:6:\d+: /);
  });

  test('two files with one origin: the second is an error', async () => {
    await writeFile(path.join(dir, 'a.zone'), zoneText('same.test', 1, '192.0.2.1'));
    await writeFile(path.join(dir, 'b.zone'), zoneText('same.test', 2, '192.0.2.2'));
    await expect(createServer({ zonesDir: dir, addresses: ['127.0.0.1'], port: 0 })).rejects.toThrow(/zone same\.test is already loaded from .*a\.zone/);
  });

  test('nested zones are both served; the deeper one answers', async () => {
    await writeFile(path.join(dir, 'parent.test.zone'), zoneText('parent.test', 1, '192.0.2.1') + 'child IN NS ns1.child\nns1.child IN A 192.0.2.9\n');
    await writeFile(path.join(dir, 'child.parent.test.zone'), zoneText('child.parent.test', 1, '192.0.2.7'));
    await start();
    expect(await ask('www.child.parent.test')).toMatchObject({ rcode: 'NOERROR', flags: 'qr aa', answer: ['www.child.parent.test 300 A 192.0.2.7'] });
  });

  test('a missing zones directory is a ZoneDirectoryError with the fix', async () => {
    await expect(createServer({ zonesDir: path.join(dir, 'nope'), addresses: ['127.0.0.1'], port: 0 })).rejects.toThrow(/cannot read the zones directory .*nope \(ENOENT\)/);
  });
});
