import { createSocket } from 'node:dgram';
import { readFileSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { runPort53d } from '../../../test/support/port53d.js';

const fixtures = fileURLToPath(new URL('./fixtures/server/', import.meta.url));
const version = (JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }).version;

describe('port53d arguments', () => {
  test.each([
    [['--port', 'abc'], /^port53d: --port must be a number from 0 to 65535, not "abc"/],
    [['--port', '65536'], /--port must be a number from 0 to 65535, not "65536"/],
    [['--port', '-1'], /--port/],
    [['--address', 'localhost'], /^port53d: --address "localhost" is not an IPv4 or IPv6 address/],
    [['--zone', 'example.test'], /^port53d: --zone needs ORIGIN=FILE, not "example.test"/],
    [['--zone', '=file.zone'], /--zone needs ORIGIN=FILE/],
    [['--log-level', 'loud'], /^port53d: Invalid values: Argument: log-level, Given: "loud"/],
    [['--bogus'], /^port53d: Unknown argument: bogus/],
    [['stray'], /^port53d: Unknown argument: stray/],
    [['--zones'], /^port53d: Not enough arguments following: zones/],
    [['--tsig-key', 'xfr:c2VjcmV0'], /^port53d: --tsig-key: TSIG key "xfr:…" is not ALG:NAME:SECRET/],
    [['--tsig-key', 'hmac-sha256:xfr:not base64!'], /^port53d: --tsig-key: TSIG key xfr: secret is not base64/],
    [['--allow-transfer', '10.0.0.0/33'], /^port53d: --allow-transfer "10.0.0.0\/33": prefix must be 0 to 32/],
    [['--notify', 'ns1.example.test:53'], /^port53d: --notify "ns1.example.test:53": "ns1.example.test" is not an IPv4 or IPv6 address/],
    [['--secondary', 'example.test'], /^port53d: --secondary "example.test": not ORIGIN=ADDR\[:PORT\]\[@KEYNAME\]/],
    [['--zones', fixtures, '--allow-transfer', '127.0.0.1@nokey'], /--allow-transfer 127\.0\.0\.1@nokey: no TSIG key named nokey/],
  ])('%j → exit 1 with one line', async (args, message) => {
    const r = await runPort53d(args);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    const lines = r.stderr.trimEnd().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(message);
  });

  test('--version prints the package version', async () => {
    const r = await runPort53d(['--version']);
    expect(r).toMatchObject({ code: 0, stdout: `${version}\n`, stderr: '' });
  });

  test('--help lists every option and exits 0', async () => {
    const r = await runPort53d(['--help']);
    expect(r.code).toBe(0);
    for (const option of ['--zones', '--zone', '--address', '--port', '--tcp', '--log-level', '--query-log', '--check', '--version']) {
      expect(r.stdout).toContain(option);
    }
  });
});

describe('port53d --check', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'port53-check-'));
    await writeFile(path.join(dir, 'good.test.zone'), '$TTL 300\n@ SOA ns1 host 7 1 1 1 1\n@ NS ns1\nns1 A 192.0.2.1\n');
    await writeFile(path.join(dir, 'bad.test.zone'), '$TTL 300\n@ SOA ns1 host 8 1 1 1 1\n@ NS ns1\nns1 A 192.0.2.300\nwww CNAME ns1\nwww A 192.0.2.2\n');
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  test('good zones: a named-checkzone line each, exit 0', async () => {
    const r = await runPort53d(['--check', '--zones', fixtures]);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('zone server.test/IN: loaded serial 2026112701\nOK\n');
  });

  test('the repository zones pass', async () => {
    const r = await runPort53d(['--check'], { cwd: fileURLToPath(new URL('../../../', import.meta.url)) });
    expect(r.stdout).toMatch(/zone example\.test\/IN: loaded serial \d+/);
    expect(r.code).toBe(0);
  });

  test('a broken zone: each error as file:line:column, exit 1, no sockets needed', async () => {
    const r = await runPort53d(['--check', '--zones', dir]);
    expect(r.code).toBe(1);
    const bad = path.join(dir, 'bad.test.zone');
    expect(r.stdout).toContain(`${bad}:4:`);
    expect(r.stdout).toMatch(new RegExp(`${bad.replace(/[.]/g, '\\.')}:[56]:\\d+: .*CNAME`));
    expect(r.stdout).toContain('zone good.test/IN: loaded serial 7');
    expect(r.stdout).toMatch(/bad\.test\.zone\/IN: not loaded due to errors/);
    expect(r.stdout.trimEnd().split('\n').at(-1)).toBe('1 of 2 zone files have errors');
  });

  test('--zone ORIGIN=FILE checks just that file under that origin', async () => {
    const r = await runPort53d(['--check', '--zone', `other.test=${path.join(dir, 'good.test.zone')}`]);
    expect(r).toMatchObject({ code: 0, stdout: 'zone other.test/IN: loaded serial 7\nOK\n' });
  });

  test('a zone without apex NS: the warning printed, loaded, exit 0 (Knot warns, NSD accepts)', async () => {
    const file = path.join(dir, 'bare.db');
    await writeFile(file, '$TTL 300\n@ SOA ns1 host 9 1 1 1 1\nns1 A 192.0.2.1\n');
    const r = await runPort53d(['--check', '--zone', `bare.test=${file}`]);
    expect(r).toMatchObject({
      code: 0,
      stdout: `${file}:2:1: warning: no NS records at the zone's apex bare.test.; a parent cannot delegate to it\nzone bare.test/IN: loaded serial 9\nOK\n`,
    });
  });

  test('--zone: a relative $INCLUDE is found from the working directory too (NSD, BIND)', async () => {
    await mkdir(path.join(dir, 'inc', 'parts'), { recursive: true });
    await writeFile(path.join(dir, 'inc', 'parts', 'hosts.inc'), 'www A 192.0.2.8\n');
    await writeFile(path.join(dir, 'inc', 'cwd.zone'), '$TTL 300\n@ SOA ns1 host 3 1 1 1 1\n@ NS ns1\n$INCLUDE inc/parts/hosts.inc\n');
    const r = await runPort53d(['--check', '--zone', 'cwd.test=inc/cwd.zone'], { cwd: dir });
    expect(r).toMatchObject({ code: 0, stdout: 'zone cwd.test/IN: loaded serial 3\nOK\n' });
  });

  test('a missing directory: one line naming the fix, exit 1', async () => {
    const r = await runPort53d(['--check', '--zones', path.join(dir, 'missing')]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^port53d: cannot read the zones directory .*missing \(ENOENT\): create it, or pass --zones DIR or --zone ORIGIN=FILE\n$/);
  });
});

describe('port53d start-up failures', () => {
  test('a port in use: one JSON log line with the fix, exit 1', async () => {
    const taken = createSocket('udp4');
    await new Promise<void>((r) => taken.bind(0, '127.0.0.1', () => r()));
    const port = taken.address().port;
    try {
      const r = await runPort53d(['--zones', fixtures, '--address', '127.0.0.1', '--port', String(port)]);
      expect(r.code).toBe(1);
      // Logs are JSON when stderr is not a terminal: the fatal error is one JSON line too, with the fix in msg.
      const lines = r.stderr.trimEnd().split('\n');
      expect(lines.every((l) => l.startsWith('{'))).toBe(true);
      const fatal = lines.map((l) => JSON.parse(l) as Record<string, unknown>).filter((l) => l.event === 'start-failed');
      expect(fatal).toMatchObject([{ level: 60, code: 'EADDRINUSE', msg: `port53d: 127.0.0.1:${port} is in use (EADDRINUSE, udp): stop the other server or pick another --port` }]);
    } finally {
      taken.close();
    }
  });

  test('a broken zone: its errors as file:line:column, then one summary line, each a JSON log line, exit 1', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'port53-start-'));
    try {
      await writeFile(path.join(dir, 'bad.test.zone'), '$TTL 300\n@ SOA ns1 host 8 1 1 1 1\n@ NS ns1\nns1 A 192.0.2.300\n');
      const r = await runPort53d(['--zones', dir, '--address', '127.0.0.1', '--port', '0']);
      expect(r.code).toBe(1);
      const lines = r.stderr.trimEnd().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
      const fatal = lines.filter((l) => l.event === 'start-failed');
      expect(fatal[0]).toMatchObject({ level: 60, file: path.join(dir, 'bad.test.zone'), line: 4 });
      expect(fatal[0].msg).toMatch(new RegExp(`^${path.join(dir, 'bad.test.zone').replace(/[.]/g, '\\.')}:4:\\d+: `));
      expect(fatal.at(-1)).toMatchObject({ code: 'ZONE_ERRORS', msg: 'port53d: not starting: 1 zone file has errors' });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
