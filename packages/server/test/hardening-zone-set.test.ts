import { execFileSync } from 'node:child_process';
import { mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { createServer, type Server } from '../src/index.js';
import { serialGreater } from '../src/loading/serial.js';
import { loadZone, ZoneLoadError } from '../src/zonefile/index.js';
import { udpExchange } from '../../../test/support/loopback.mjs';
import { RunningPort53d, runPort53d } from '../../../test/support/port53d.js';
import { query, summarize } from './fixtures/query.js';

const zoneText = (serial: number, hosts: number, last = '10.0.40.48') =>
  [`$ORIGIN set.test.`, '$TTL 300', `@ SOA ns1 hostmaster ${serial} 7200 900 1209600 300`, '@ NS ns1', 'ns1 A 192.0.2.53', ...Array.from({ length: hosts }, (_, i) => `h${i} A 10.0.${i >> 8}.${i & 255}`), `last A ${last}`, ''].join('\n');

let dir: string;
let server: Server | undefined;
let running: RunningPort53d | undefined;
beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'port53-zone-set-'));
});
afterEach(async () => {
  await server?.close();
  server = undefined;
  running?.kill();
  running = undefined;
  await rm(dir, { recursive: true, force: true });
});

async function codes(file: string, options: { maxIncludes?: number; maxFileBytes?: number } = {}): Promise<string[]> {
  try {
    await loadZone({ file }, { root: dir, ...options });
    return [];
  } catch (err) {
    if (!(err instanceof ZoneLoadError)) throw err;
    return err.errors.map((e) => `${e.code} ${e.message.replaceAll(dir, 'DIR')}`);
  }
}

describe('only regular files, read within their budget', () => {
  test('a FIFO as the zone file: NOT_REGULAR_FILE at once, without waiting for a writer', async () => {
    const fifo = path.join(dir, 'fifo.test.zone');
    execFileSync('mkfifo', [fifo]);
    expect(await codes(fifo)).toEqual([expect.stringMatching(/^NOT_REGULAR_FILE DIR\/fifo\.test\.zone: not a regular file \(a FIFO\)/)]);
  });

  test('a zone file linked to /dev/zero: NOT_REGULAR_FILE (a character device), nothing read', async () => {
    const file = path.join(dir, 'zero.test.zone');
    await symlink('/dev/zero', file);
    expect(await codes(file)).toEqual([expect.stringMatching(/^NOT_REGULAR_FILE .*a character device/)]);
  });

  test('a FIFO behind $INCLUDE: an error at the directive, at once', async () => {
    execFileSync('mkfifo', [path.join(dir, 'part.inc')]);
    const file = path.join(dir, 'inc.test.zone');
    await writeFile(file, `${zoneText(1, 1)}$INCLUDE part.inc\n`);
    expect(await codes(file)).toEqual([expect.stringMatching(/^NOT_REGULAR_FILE DIR\/inc\.test\.zone:8:10: "DIR\/part\.inc": not a regular file \(a FIFO\)/)]);
  });

  test('a device behind $INCLUDE (a link to /dev/zero) is refused as outside the zones directory', async () => {
    await symlink('/dev/zero', path.join(dir, 'zero.inc'));
    const file = path.join(dir, 'inc.test.zone');
    await writeFile(file, `${zoneText(1, 1)}$INCLUDE zero.inc\n`);
    expect(await codes(file)).toEqual([expect.stringMatching(/^INCLUDE_OUTSIDE_ROOT .*"\/dev\/zero"/)]);
  });

  test('at most maxIncludes $INCLUDE files per zone (ten per file five deep would be 100,000 reads)', async () => {
    await writeFile(path.join(dir, 'leaf.inc'), '; nothing\n');
    const file = path.join(dir, 'many.test.zone');
    await writeFile(file, `${zoneText(1, 1)}${'$INCLUDE leaf.inc\n'.repeat(6)}`);
    expect(await codes(file, { maxIncludes: 6 })).toEqual([]);
    const errors = await codes(file, { maxIncludes: 5 });
    expect(errors).toEqual([expect.stringMatching(/^INCLUDE_LIMIT DIR\/many\.test\.zone:13:10: more than 5 \$INCLUDE files in one zone/)]);
  });

  test('the octet budget covers the zone file and its $INCLUDE files together, counted while reading', async () => {
    await writeFile(path.join(dir, 'pad.inc'), `; ${'x'.repeat(1200)}\n`);
    const file = path.join(dir, 'pad.test.zone');
    await writeFile(file, `${zoneText(1, 1)}$INCLUDE pad.inc\n`);
    expect(await codes(file, { maxFileBytes: 1000 })).toEqual([expect.stringMatching(/^FILE_TOO_LARGE .*pad\.inc.*over the limit of 1000 octets/)]);
    expect(await codes(file, { maxFileBytes: 3000 })).toEqual([]);
  });
});

describe('port53d and FIFOs', () => {
  test('a FIFO as a zone file at start: one clear error and exit 1, not a hang', async () => {
    await writeFile(path.join(dir, 'good.test.zone'), zoneText(1, 1));
    execFileSync('mkfifo', [path.join(dir, 'fifo.test.zone')]);
    const r = await runPort53d(['--zones', dir, '--port', '0', '--address', '127.0.0.1'], { timeoutMs: 10_000 });
    expect(r.signal).toBeNull();
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/fifo\.test\.zone: not a regular file \(a FIFO\)/);
  });

  test('a FIFO behind $INCLUDE at reload: the reload fails with the error, the old zone is served, SIGTERM ends it', async () => {
    const file = path.join(dir, 'set.test.zone');
    await writeFile(file, zoneText(1, 1));
    running = RunningPort53d.start(['--zones', dir, '--address', '127.0.0.1', '--port', '0', '--no-tcp']);
    const port = (await running.waitLog((l) => l.event === 'listening')).port as number;
    execFileSync('mkfifo', [path.join(dir, 'part.inc')]);
    await writeFile(file, `${zoneText(2, 1)}$INCLUDE part.inc\n`);
    running.child.kill('SIGHUP');
    const failed = await running.waitLog((l) => l.event === 'zone-load-failed', 10_000);
    expect((failed.errors as string[])[0]).toMatch(/not a regular file \(a FIFO\)/);
    expect(summarize((await udpExchange(port, query('last.set.test', 'A')))!).answer).toEqual(['last.set.test 300 A 10.0.40.48']);
    running.child.kill('SIGTERM');
    expect(await Promise.race([running.exited, new Promise((r) => setTimeout(() => r('still running'), 5000))])).toEqual({ code: 0, signal: null });
  });
});

describe('a changed zone file whose serial did not increase (RFC 1982)', () => {
  test.each([
    [1, 2, true],
    [2, 1, false],
    [7, 7, false],
    [0xffffffff, 0, true], // wraps
    [0, 0x80000000, false], // undefined in RFC 1982 §3.2: not greater
    [0x7fffffff, 0x80000000, true],
  ])('serial %d -> %d: greater %s', (from, to, greater) => {
    expect(serialGreater(to, from)).toBe(greater);
  });

  test('a rewrite truncated mid-line with the old serial keeps the old data, and says why', async () => {
    const file = path.join(dir, 'set.test.zone');
    const full = zoneText(5, 200);
    await writeFile(file, full);
    server = await createServer({ zonesDir: dir, addresses: ['127.0.0.1'], port: 0, tcp: false });
    // An editor's save cut short: 10.0.40.48 became 10.0.40.4 and the hosts after h100 are gone.
    const cut = full.slice(0, full.indexOf('h100 ')) + 'last A 10.0.40.4';
    await writeFile(file, cut);
    const result = await server.reload();
    expect(result.ok).toBe(false);
    expect(result.failed[0].errors.map((e) => e.code)).toEqual(['SERIAL_NOT_INCREASED']);
    expect(result.failed[0].errors[0].message).toMatch(/SOA serial 5 is not greater than 5 .*still serving 5/);
    expect(summarize((await udpExchange(server.port, query('last.set.test', 'A')))!).answer).toEqual(['last.set.test 300 A 10.0.40.48']);
    expect(summarize((await udpExchange(server.port, query('h150.set.test', 'A')))!).rcode).toBe('NOERROR');
    // Written again with a higher serial, it loads.
    await writeFile(file, zoneText(6, 100, '10.0.40.4'));
    expect((await server.reload()).ok).toBe(true);
    expect(summarize((await udpExchange(server.port, query('last.set.test', 'A')))!).answer).toEqual(['last.set.test 300 A 10.0.40.4']);
  });

  test('serialCheck: false loads it anyway (the operator opted out)', async () => {
    const file = path.join(dir, 'set.test.zone');
    await writeFile(file, zoneText(5, 2));
    server = await createServer({ zonesDir: dir, addresses: ['127.0.0.1'], port: 0, tcp: false, serialCheck: false });
    await writeFile(file, zoneText(4, 2, '192.0.2.99'));
    expect((await server.reload()).ok).toBe(true);
    expect(summarize((await udpExchange(server.port, query('last.set.test', 'A')))!).answer).toEqual(['last.set.test 300 A 192.0.2.99']);
  });

  test('an unchanged file is not parsed again, and a file rewritten with the same octets is unchanged too', async () => {
    const file = path.join(dir, 'set.test.zone');
    await writeFile(file, zoneText(5, 2));
    server = await createServer({ zonesDir: dir, addresses: ['127.0.0.1'], port: 0, tcp: false });
    expect(await server.reload()).toMatchObject({ ok: true, loaded: [], unchanged: 1 });
    await writeFile(file, zoneText(5, 2));
    expect(await server.reload()).toMatchObject({ ok: true, loaded: [], unchanged: 1 });
  });
});

describe('reloads', () => {
  test('reloads asked for while one runs coalesce into one more', async () => {
    const file = path.join(dir, 'set.test.zone');
    await writeFile(file, zoneText(1, 2));
    server = await createServer({ zonesDir: dir, addresses: ['127.0.0.1'], port: 0, tcp: false });
    await writeFile(file, zoneText(2, 2));
    const first = server.reload();
    const more = [server.reload(), server.reload(), server.reload()];
    expect(more[1]).toBe(more[0]);
    expect(more[2]).toBe(more[0]);
    const results = await Promise.all([first, ...more]);
    expect(results.map((r) => r.ok)).toEqual([true, true, true, true]);
    expect(results[0].loaded.map((z) => z.serial)).toEqual([2]);
    expect(server.zones()[0].serial).toBe(2);
  });

  test('a reload running past reloadTimeoutMs is abandoned: rejected, logged, old zones kept', async () => {
    const file = path.join(dir, 'set.test.zone');
    await writeFile(file, zoneText(1, 2));
    const lines: Record<string, unknown>[] = [];
    const logger = (await import('pino')).default({ level: 'info' }, { write: (l: string) => void lines.push(JSON.parse(l) as Record<string, unknown>) });
    server = await createServer({ zonesDir: dir, addresses: ['127.0.0.1'], port: 0, tcp: false, logger, reloadTimeoutMs: 1 });
    await writeFile(file, zoneText(2, 20_000));
    await expect(server.reload()).rejects.toMatchObject({ name: 'LoadAbortedError', code: 'RELOAD_TIMEOUT' });
    expect(lines.filter((l) => l.event === 'reload-abandoned')).toHaveLength(1);
    expect(server.zones()[0].serial).toBe(1);
    expect(summarize((await udpExchange(server.port, query('last.set.test', 'A')))!).answer).toEqual(['last.set.test 300 A 10.0.40.48']);
  });
});
