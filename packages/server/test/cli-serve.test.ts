import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, expect, test } from 'vitest';
import { RunningPort53d } from '../../../test/support/port53d.js';
import { TcpStream } from '../../../test/support/tcp-stream.js';
import { udpExchange } from '../../../test/support/loopback.mjs';
import { query, summarize } from './fixtures/query.js';

function zoneText(serial: number, address: string): string {
  return `$ORIGIN cli.test.\n$TTL 300\n@ SOA ns1 hostmaster ${serial} 7200 900 1209600 300\n@ NS ns1\nns1 A 192.0.2.53\nwww A ${address}\n`;
}

let running: RunningPort53d | undefined;
let dir: string | undefined;
afterEach(async () => {
  running?.kill();
  running = undefined;
  if (dir) await rm(dir, { recursive: true, force: true });
});

test('port53d --port 0: logs the bound port, serves, reloads on SIGHUP keeping old data for a broken file, exits 0 on SIGTERM', async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'port53-cli-'));
  const file = path.join(dir, 'cli.test.zone');
  await writeFile(file, zoneText(1, '192.0.2.1'));
  running = RunningPort53d.start(['--zones', dir, '--address', '127.0.0.1', '--port', '0', '--query-log']);

  const loaded = await running.waitLog((l) => l.event === 'zone-loaded');
  expect(loaded).toMatchObject({ zone: 'cli.test', serial: 1, records: 4 });
  const udp = await running.waitLog((l) => l.event === 'listening' && l.transport === 'udp');
  const tcp = await running.waitLog((l) => l.event === 'listening' && l.transport === 'tcp');
  const port = udp.port as number;
  expect(port).toBeGreaterThan(0);
  expect(tcp.port).toBe(port);

  const ask = async () => summarize((await udpExchange(port, query('www.cli.test', 'A')))!).answer;
  expect(await ask()).toEqual(['www.cli.test 300 A 192.0.2.1']);
  expect(await running.waitLog((l) => l.event === 'query')).toMatchObject({ qname: 'www.cli.test', qtype: 'A', rcode: 'NOERROR', transport: 'udp' });

  // SIGHUP with a changed zone: the new data is served.
  await writeFile(file, zoneText(2, '192.0.2.2'));
  running.child.kill('SIGHUP');
  expect(await running.waitLog((l) => l.event === 'reload')).toMatchObject({ ok: true, zones: 1, loaded: 1, failed: 0 });
  expect(await ask()).toEqual(['www.cli.test 300 A 192.0.2.2']);

  // SIGHUP with a broken zone: logged with file:line:column, and serial 2 keeps being served.
  await writeFile(file, zoneText(3, '192.0.2.3') + 'bad A 192.0.2.256\n');
  running.child.kill('SIGHUP');
  const failed = await running.waitLog((l) => l.event === 'zone-load-failed');
  expect(failed).toMatchObject({ file, kept: 2, level: 50 });
  expect((failed.errors as string[])[0]).toMatch(new RegExp(`^${file.replace(/[.]/g, '\\.')}:7:\\d+: `));
  expect(await running.waitLog((l) => l.event === 'reload', 5000, 1)).toMatchObject({ ok: false, failed: 1, zones: 1 });
  expect(await ask()).toEqual(['www.cli.test 300 A 192.0.2.2']);

  // SIGTERM with a TCP connection open: closed cleanly, exit status 0.
  const conn = await TcpStream.open(port);
  running.child.kill('SIGTERM');
  expect(await running.exited).toEqual({ code: 0, signal: null });
  await conn.waitClose();
  expect(running.logs.at(-1)).toMatchObject({ event: 'stopped' });
});

test('SIGINT also exits 0', async () => {
  running = RunningPort53d.start(['--zones', new URL('./fixtures/server/', import.meta.url).pathname, '--address', '127.0.0.1', '--port', '0', '--no-tcp']);
  const listening = await running.waitLog((l) => l.event === 'listening');
  expect(listening.transport).toBe('udp');
  running.child.kill('SIGINT');
  expect(await running.exited).toEqual({ code: 0, signal: null });
  expect(running.logs.filter((l) => l.event === 'listening')).toHaveLength(1);
});
