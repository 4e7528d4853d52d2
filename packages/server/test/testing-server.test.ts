import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { connect, createServer as createTcpServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import type { LookupAddress } from 'node:dns';
import { afterAll, beforeAll, describe, expect, test, vi } from 'vitest';
import { createServer, ZoneLoadError } from '../src/index.js';
import { createTestServer, TestServerError, type TestServer } from '../src/testing/index.js';
import { udpExchange } from '../../../test/support/loopback.mjs';
import { query, summarize } from './fixtures/query.js';

const ZONES = {
  'myapp.test': { www: { A: ['192.0.2.1'] }, '@': { MX: ['10 mail.myapp.test.'] }, mail: { A: '192.0.2.25' } },
  'text.test': 'www 60 A 192.0.2.9\nalias CNAME www\n',
};

const ask = async (dns: TestServer, name: string, type = 'A') => summarize((await udpExchange(dns.port, query(name, type)))!);

describe('createTestServer', () => {
  let dns: TestServer;
  beforeAll(async () => {
    dns = await createTestServer({ zones: ZONES });
  });
  afterAll(() => dns.close());

  test('listens on 127.0.0.1, one free port for UDP and TCP, and says so in node:dns form', () => {
    expect(dns.address).toBe('127.0.0.1');
    expect(dns.port).toBeGreaterThan(0);
    expect(dns.servers).toEqual([`127.0.0.1:${dns.port}`]);
    expect(dns.server.addresses.map((a) => `${a.transport} ${a.port}`)).toEqual([`udp ${dns.port}`, `tcp ${dns.port}`]);
  });

  test('object and text zones, names relative to the origin, "@" the apex', async () => {
    const r = dns.resolver();
    expect(await r.resolve4('www.myapp.test')).toEqual(['192.0.2.1']);
    expect(await r.resolveMx('myapp.test')).toEqual([{ exchange: 'mail.myapp.test', priority: 10 }]);
    expect(await r.resolve4('mail.myapp.test')).toEqual(['192.0.2.25']);
    expect(await r.resolve4('alias.text.test')).toEqual(['192.0.2.9']);
    expect(await r.resolveCname('alias.text.test')).toEqual(['www.text.test']);
  });

  test('a SOA and an apex NS are made up when the zone has none', async () => {
    expect((await ask(dns, 'text.test', 'SOA')).answer).toEqual([expect.stringMatching(/^text\.test 60 SOA localhost\. hostmaster\.text\.test\. \d+ 3600 600 86400 60$/)]);
    expect((await ask(dns, 'myapp.test', 'NS')).answer).toEqual(['myapp.test 60 NS localhost.']);
    expect((await ask(dns, 'nothing.myapp.test')).rcode).toBe('NXDOMAIN');
  });

  test('lookup is dns.lookup-shaped: one address, all of them, and ENOTFOUND', async () => {
    const one = await new Promise<[string, number]>((resolve, reject) => dns.lookup('www.myapp.test', (err, address, family) => (err ? reject(err) : resolve([address, family]))));
    expect(one).toEqual(['192.0.2.1', 4]);
    const all = await new Promise<LookupAddress[]>((resolve, reject) => dns.lookup('mail.myapp.test', { all: true }, (err, list) => (err ? reject(err) : resolve(list))));
    expect(all).toEqual([{ address: '192.0.2.25', family: 4 }]);
    const missing = await new Promise<NodeJS.ErrnoException | null>((resolve) => dns.lookup('nope.myapp.test', (err) => resolve(err)));
    expect(missing).toMatchObject({ code: 'ENOTFOUND' });
  });

  test('net.connect({ lookup }) reaches the address the test server gives', async () => {
    const target = createTcpServer((s) => s.end('hello'));
    await new Promise<void>((resolve) => target.listen(0, '127.0.0.1', resolve));
    await dns.set('app.myapp.test', 'A', '127.0.0.1');
    const text = await new Promise<string>((resolve, reject) => {
      const socket = connect({ host: 'app.myapp.test', port: (target.address() as AddressInfo).port, lookup: dns.lookup, family: 4 });
      let got = '';
      socket.on('data', (d) => (got += d));
      socket.on('end', () => resolve(got));
      socket.on('error', reject);
    });
    target.close();
    expect(text).toBe('hello');
  });

  test('queries lists what arrived: name, type, class, transport, id, rcode', async () => {
    dns.queries.length = 0;
    await udpExchange(dns.port, query('WWW.myapp.test', 'MX', 'IN', { id: 7 }));
    expect(dns.queries).toEqual([
      expect.objectContaining({ name: 'WWW.myapp.test', type: 'MX', class: 'IN', transport: 'udp', id: 7, rcode: 'NOERROR', client: expect.objectContaining({ address: '127.0.0.1' }) }),
    ]);
  });

  test('a response sent to the server (QR set) is not a query: not answered, not logged', async () => {
    dns.queries.length = 0;
    const response = query('www.myapp.test', 'A', 'IN', { id: 8, flags: { qr: true } });
    expect(await udpExchange(dns.port, response, { timeoutMs: 200 })).toBeNull();
    await udpExchange(dns.port, query('www.myapp.test', 'A', 'IN', { id: 9 }));
    expect(dns.queries.map((q) => q.id)).toEqual([9]);
  });
});

describe('set and delete', () => {
  let dns: TestServer;
  beforeAll(async () => {
    dns = await createTestServer({ zones: ZONES });
  });
  afterAll(() => dns.close());

  const serial = async (zone: string) => Number((await ask(dns, zone, 'SOA')).answer[0].split(' ')[5]);

  test('set replaces the RRset with its TTL and bumps the serial; the old data is gone at once', async () => {
    const before = await serial('myapp.test');
    await dns.set('www.myapp.test', 'A', ['192.0.2.2'], { ttl: 5 });
    expect((await ask(dns, 'www.myapp.test')).answer).toEqual(['www.myapp.test 5 A 192.0.2.2']);
    expect(await serial('myapp.test')).toBe(before + 1);
    await dns.set('www.myapp.test', 'a', ['192.0.2.3', '192.0.2.4']); // TTL kept, type in any case
    expect((await ask(dns, 'www.myapp.test')).answer).toEqual(['www.myapp.test 5 A 192.0.2.3', 'www.myapp.test 5 A 192.0.2.4']);
  });

  test('set adds names and types; relative rdata names complete with the zone', async () => {
    await dns.set('_sip._tcp.myapp.test', 'SRV', '10 5 5060 sip');
    expect((await ask(dns, '_sip._tcp.myapp.test', 'SRV')).answer).toEqual(['_sip._tcp.myapp.test 60 SRV 10 5 5060 sip.myapp.test.']);
  });

  test('delete one type, then the whole name (NXDOMAIN)', async () => {
    await dns.set('both.text.test', 'TXT', '"hello"');
    await dns.set('both.text.test', 'A', '192.0.2.77');
    await dns.delete('both.text.test', 'TXT');
    expect(await ask(dns, 'both.text.test', 'TXT')).toMatchObject({ rcode: 'NOERROR', answer: [] });
    await dns.delete('both.text.test');
    expect((await ask(dns, 'both.text.test')).rcode).toBe('NXDOMAIN');
  });

  test('a bad value is refused with the line it made, and the served data stays as it was', async () => {
    await expect(dns.set('www.text.test', 'A', '192.0.2.300')).rejects.toThrow(ZoneLoadError);
    await expect(dns.set('www.text.test', 'A', '192.0.2.300')).rejects.toThrow(/192\.0\.2\.300/);
    expect((await ask(dns, 'www.text.test')).answer).toEqual(['www.text.test 60 A 192.0.2.9']);
    await expect(dns.set('www.text.test', 'CNAME', 'elsewhere.test.')).rejects.toMatchObject({ errors: [expect.objectContaining({ code: 'CNAME_AND_OTHER_DATA' })] });
  });

  test('names outside every zone and unknown types are TestServerErrors with a code', async () => {
    await expect(dns.set('www.elsewhere.test', 'A', '192.0.2.1')).rejects.toMatchObject({ name: 'TestServerError', code: 'ENOZONE' });
    await expect(dns.set('www.myapp.test', 'NOPE', '1')).rejects.toMatchObject({ code: 'EBADTYPE' });
    await expect(dns.set('www.myapp.test', 'A', 7 as unknown as string)).rejects.toBeInstanceOf(TestServerError);
  });

  test('concurrent sets all land', async () => {
    await Promise.all(Array.from({ length: 5 }, (_, i) => dns.set(`n${i}.myapp.test`, 'A', `192.0.2.${100 + i}`)));
    for (let i = 0; i < 5; i++) expect((await ask(dns, `n${i}.myapp.test`)).answer).toEqual([`n${i}.myapp.test 60 A 192.0.2.${100 + i}`]);
  });
});

describe('zones as given', () => {
  test('a zone with its own SOA and NS keeps them; set bumps that serial', async () => {
    await using dns = await createTestServer({
      zones: { 'own.test': '@ 300 IN SOA ns1.own.test. admin.own.test. 41 7200 900 1209600 300\n@ 300 NS ns1\nns1 300 A 192.0.2.53\n' },
    });
    expect((await ask(dns, 'own.test', 'NS')).answer).toEqual(['own.test 300 NS ns1.own.test.']);
    await dns.set('x.own.test', 'A', '192.0.2.1');
    expect((await ask(dns, 'own.test', 'SOA')).answer).toEqual(['own.test 300 SOA ns1.own.test. admin.own.test. 42 7200 900 1209600 300']);
  });

  test('broken zone text rejects with file:line:column and the text of the line', async () => {
    const err = await createTestServer({ zones: { 'bad.test': 'ok 60 A 192.0.2.1\nbad 60 A nope\n' } }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ZoneLoadError);
    expect((err as ZoneLoadError).errors[0].message).toMatch(/^bad\.test \(test zone\):\d+:\d+: .*"bad 60 A nope"/);
  });

  test('$INCLUDE is refused in a test zone', async () => {
    await expect(createTestServer({ zones: { 'inc.test': '$INCLUDE /etc/passwd\n' } })).rejects.toThrow(ZoneLoadError);
  });

  test('await using closes the server at the end of the block', async () => {
    let port: number;
    {
      await using dns = await createTestServer({ zones: { 'a.test': { www: { A: '192.0.2.1' } } } });
      port = dns.port;
      expect(await udpExchange(port, query('www.a.test', 'A'))).not.toBeNull();
    }
    expect(await udpExchange(port, query('www.a.test', 'A'), { timeoutMs: 200 })).toBeNull();
  });

  test('logs nothing unless given a logger', async () => {
    const write = vi.spyOn(process.stderr, 'write');
    const dns = await createTestServer({ zones: { 'quiet.test': { www: { A: '192.0.2.1' } } } });
    await udpExchange(dns.port, query('www.quiet.test', 'A'));
    await dns.close();
    expect(write).not.toHaveBeenCalled();
    write.mockRestore();
  });

  test('after close, set and fault say ECLOSED; close again is fine', async () => {
    const dns = await createTestServer();
    await dns.close();
    await dns.close();
    await expect(dns.set('a.test', 'A', '192.0.2.1')).rejects.toMatchObject({ code: 'ECLOSED' });
    expect(() => dns.fault({}, { drop: true })).toThrow(expect.objectContaining({ code: 'ECLOSED' }));
  });
});

describe('createServer: zones from memory', () => {
  test('{ origin, text } is served; a function is read again on reload', async () => {
    let ip = '192.0.2.1';
    const server = await createServer({
      zones: [{ origin: 'mem.test', text: () => `@ 60 SOA ns hostmaster 1 3600 600 86400 60\n@ 60 NS ns\nwww 60 A ${ip}\n` }],
      addresses: ['127.0.0.1'],
      port: 0,
    });
    try {
      expect(server.zones()).toEqual([{ origin: 'mem.test', file: 'mem.test (from text)', serial: 1, records: 3 }]);
      const a = async () => summarize((await udpExchange(server.port, query('www.mem.test', 'A')))!).answer;
      expect(await a()).toEqual(['www.mem.test 60 A 192.0.2.1']);
      ip = '192.0.2.2';
      expect((await server.reload()).ok).toBe(true);
      expect(await a()).toEqual(['www.mem.test 60 A 192.0.2.2']);
      ip = 'broken';
      const result = await server.reload();
      expect(result.failed[0].errors[0].message).toMatch(/^mem\.test \(from text\):3:/);
      expect(await a()).toEqual(['www.mem.test 60 A 192.0.2.2']); // the previous version is still served
    } finally {
      await server.close();
    }
  });

  test('broken text at start rejects with its line and column', async () => {
    await expect(createServer({ zones: [{ origin: 'mem.test', text: '@ 60 SOA ns hostmaster 1 2 3 4 5\n@ NS\n' }], addresses: ['127.0.0.1'], port: 0 })).rejects.toThrow(/mem\.test \(from text\):2:\d+/);
  });

  test('a file in the zones directory not named *.zone is named in a warning, not passed over in silence', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'port53-zones-'));
    writeFileSync(join(dir, 'mem.test.txt'), '@ 60 SOA ns hostmaster 1 2 3 4 5\n@ NS ns\n');
    const lines: { event?: string; file?: string; msg?: string }[] = [];
    const sink = new Writable({ write: (chunk, _enc, done) => (lines.push(JSON.parse(String(chunk))), done()) });
    const server = await createServer({ zonesDir: dir, addresses: ['127.0.0.1'], port: 0, logger: pino({ level: 'warn' }, sink) });
    await server.close();
    rmSync(dir, { recursive: true });
    expect(lines.filter((l) => l.event === 'file-not-served')).toEqual([
      expect.objectContaining({ file: join(dir, 'mem.test.txt'), msg: `${join(dir, 'mem.test.txt')} is not served: only *.zone files in the zones directory are` }),
    ]);
  });
});
