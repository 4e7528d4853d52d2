import { lookup } from 'node:dns/promises';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Rcode } from '@port53/wire';
import { closedPort, respond, startBlackhole, startFakeServer, zoneAnswer, type FakeServer } from './support/fake-server.js';
import { EXAMPLE } from './support/records.js';
import { assertBuilt, runCli } from './support/run-cli.js';

let fake: FakeServer;
let truncating: FakeServer;
let hole: Awaited<ReturnType<typeof startBlackhole>>;
let at: string[];
beforeAll(async () => {
  assertBuilt();
  const answer = zoneAnswer(EXAMPLE);
  fake = await startFakeServer((q) => [answer(q)]);
  truncating = await startFakeServer((q, ctx) => (ctx.transport === 'udp' ? [respond(q, { flags: { tc: true } })] : [answer(q)]));
  hole = await startBlackhole();
  at = ['@127.0.0.1', '-p', String(fake.port)];
});
afterAll(async () => {
  await Promise.all([fake.close(), truncating.close(), hole.close()]);
});

describe('resolve output', () => {
  it('prints a dig-like response and exits 0', async () => {
    const r = await runCli([...at, 'example.test']);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    expect(r.stdout).toMatch(/;; ->>HEADER<<- opcode: QUERY, status: NOERROR, id: \d+\n/);
    expect(r.stdout).toContain(';; flags: qr aa rd; QUERY: 1, ANSWER: 2, AUTHORITY: 0, ADDITIONAL: 1\n');
    expect(r.stdout).toContain(';; OPT PSEUDOSECTION:\n; EDNS: version: 0, flags:; udp: 1232\n');
    expect(r.stdout).toContain(';; QUESTION SECTION:\n;example.test.\t\t\tIN\tA\n');
    expect(r.stdout).toContain(';; ANSWER SECTION:\nexample.test.\t300\tIN\tA\t192.0.2.1\nexample.test.\t300\tIN\tA\t192.0.2.2\n');
    expect(r.stdout).toMatch(/;; Query time: \d+ msec\n/);
    expect(r.stdout).toContain(`;; SERVER: 127.0.0.1#${fake.port}(127.0.0.1) (UDP)\n`);
  });

  it.each([
    [['example.test', 'MX', '--short'], '10 mail.example.test.\n'],
    [['MX', 'example.test', '+short'], '10 mail.example.test.\n'],
    [['-t', 'txt', 'example.test', '--short'], '"v=spf1 -all" "second"\n'],
    [['-x', '192.0.2.1', '--short'], 'example.test.\n'],
    [['www.example.test', '--short'], 'example.test.\n192.0.2.1\n192.0.2.2\n'],
    [['nope.example.test', '--short'], ''],
  ])('%j → %j', async (args, expected) => {
    const r = await runCli([...at, ...args]);
    expect(r).toEqual({ code: 0, stdout: expected, stderr: '' });
  });

  it('@NAME: a server given by host name is looked up first, as dig does', async () => {
    // localhost is loopback (RFC 6761 §6.3); the system says which one, so the server listens there.
    const { address } = await lookup('localhost');
    const answer = zoneAnswer(EXAMPLE);
    const named = await startFakeServer((q) => [answer(q)], { address: address === '::1' ? '::1' : '127.0.0.1' });
    try {
      expect(await runCli(['@localhost', '-p', String(named.port), 'example.test', 'MX', '--short'])).toEqual({ code: 0, stdout: '10 mail.example.test.\n', stderr: '' });
    } finally {
      await named.close();
    }
  });

  it('--server host:port is the same as @host -p port', async () => {
    const r = await runCli(['--server', fake.server, 'example.test', 'AAAA', '--short']);
    expect(r).toEqual({ code: 0, stdout: '2001:db8::1\n', stderr: '' });
  });

  it('--json is RFC 8427 JSON', async () => {
    const r = await runCli([...at, 'example.test', 'MX', '--json']);
    expect(r.code).toBe(0);
    const msg = JSON.parse(r.stdout);
    expect(msg).toMatchObject({
      QR: 1,
      AA: 1,
      RD: 1,
      Opcode: 0,
      RCODE: 0,
      QDCOUNT: 1,
      ANCOUNT: 1,
      ARCOUNT: 1,
      QNAME: 'example.test.',
      QTYPE: 15,
      QTYPEname: 'MX',
      answerRRs: [{ NAME: 'example.test.', TYPE: 15, TYPEname: 'MX', CLASS: 1, CLASSname: 'IN', TTL: 300, rdataMX: '10 mail.example.test.' }],
      additionalRRs: [{ NAME: '.', TYPE: 41, TYPEname: 'OPT', CLASS: 1232 }],
    });
    expect(msg.ID).toBe(fake.queries.at(-1)!.message.id);
  });

  it('NXDOMAIN is a response: exit 0', async () => {
    const r = await runCli([...at, 'nope.example.test']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('status: NXDOMAIN');
  });

  it('SERVFAIL is a response: exit 0', async () => {
    const bad = await startFakeServer((q) => [respond(q, { rcode: Rcode.SERVFAIL })]);
    try {
      const r = await runCli(['@127.0.0.1', '-p', String(bad.port), 'example.test', '--tries', '1']);
      expect(r.code).toBe(0);
      expect(r.stdout).toContain('status: SERVFAIL');
    } finally {
      await bad.close();
    }
  });

  it('--tcp and TC fallback say TCP', async () => {
    const forced = await runCli([...at, 'example.test', '--tcp']);
    expect(forced.stdout).toContain('(TCP)');
    const fallback = await runCli(['@127.0.0.1', '-p', String(truncating.port), 'example.test']);
    expect(fallback.code).toBe(0);
    expect(fallback.stdout).toContain(';; Truncated, retrying in TCP mode.\n');
    expect(fallback.stdout).toContain('(TCP)');
  });

  it('--no-edns sends no OPT', async () => {
    const r = await runCli([...at, 'example.test', '--no-edns']);
    expect(r.code).toBe(0);
    expect(fake.queries.at(-1)!.message.edns).toBeUndefined();
    expect(r.stdout).not.toContain('OPT PSEUDOSECTION');
  });
});

describe('resolve exit statuses', () => {
  it('9 when no server answers (blackhole)', async () => {
    const r = await runCli([`@${hole.server}`, 'example.test', '--timeout', '0.2', '--tries', '2']);
    expect(r.code).toBe(9);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain('timed out');
    expect(r.stderr).toContain(';; no servers could be reached');
  });

  it('9 when the port is closed', async () => {
    const r = await runCli([`@${await closedPort()}`, 'example.test', '--timeout', '3']);
    expect(r.code).toBe(9);
    expect(r.stderr).toContain('connection refused');
  });

  it.each([
    [['example.test', '-t', 'BOGUS']],
    [['example.test', '-c', 'XX']],
    [['-p', '0', 'example.test']],
    [['-p', 'abc', 'example.test']],
    [['@999.1.1.1', 'example.test']],
    [['@', 'example.test']],
    [['-x', 'not-an-address']],
    [['--bogus', 'example.test']],
    [['+bogus', 'example.test']],
    [['--timeout', '-1', 'example.test']],
    [['--tries', '0', 'example.test']],
    [['example.test', 'other.test']],
    [['--short', '--json', 'example.test']],
    [['a..b']],
  ])('1 with a one-line message for %j', async (args) => {
    const r = await runCli([...(args[0]?.startsWith('@') ? [] : at), ...args]);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/^resolve: /);
  });

  it('--json prints an error object on stdout when no server answers', async () => {
    const r = await runCli([`@${hole.server}`, 'example.test', 'MX', '--json', '--timeout', '0.2', '--tries', '2']);
    expect(r.code).toBe(9);
    const { error } = JSON.parse(r.stdout);
    expect(error).toMatchObject({ code: 'ETIMEOUT', QNAME: 'example.test.', QTYPEname: 'MX' });
    expect(error.attempts.map((a: { outcome: string }) => a.outcome)).toEqual(['timeout', 'timeout']);
  });

  it('--help documents the exit statuses; --version prints one', async () => {
    const help = await runCli(['--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/Exit status:[\s\S]*0 [\s\S]*1 [\s\S]*9 /);
    const version = await runCli(['--version']);
    expect(version).toEqual({ code: 0, stdout: expect.stringMatching(/^resolve \d+\.\d+\.\d+\n$/), stderr: '' });
  });
});

describe('resolve like dig 9.18', () => {
  it('asks ANY over TCP, as dig does, and over UDP with +notcp', async () => {
    expect((await runCli([...at, 'example.test', 'ANY'])).stdout).toContain('(TCP)');
    expect(fake.queries.at(-1)!.transport).toBe('tcp');
    expect((await runCli([...at, 'example.test', 'ANY', '+notcp'])).stdout).toContain('(UDP)');
    expect(fake.queries.at(-1)!.transport).toBe('udp');
  });

  it('--timeout is the same wait for every try (dig: +timeout=T), not doubled', async () => {
    // Doubled, the tries would wait 300, 600 and 1200 ms.
    const r = await runCli([`@${hole.server}`, 'example.test', '--json', '--timeout', '0.3', '+tries=3']);
    const waits = JSON.parse(r.stdout).error.attempts.map((a: { elapsedMs: number }) => a.elapsedMs);
    expect(waits).toHaveLength(3);
    for (const ms of waits) {
      expect(ms).toBeGreaterThanOrEqual(290);
      expect(ms).toBeLessThan(550);
    }
  });
});

describe('resolve defaults from ~/.resolverc and $PORT53_RESOLVE (as dig reads ~/.digrc)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'resolverc-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const rc = (text: string) => {
    const path = join(dir, `rc-${Math.random().toString(36).slice(2)}`);
    writeFileSync(path, text);
    return path;
  };

  it('a server and options from the file: `resolve example.test MX` asks it', async () => {
    const path = rc(`# the demo server\n@127.0.0.1:${fake.port}\n+short   # one record a line\n`);
    expect(await runCli(['example.test', 'MX'], 15_000, { PORT53_RESOLVERC: path })).toEqual({ code: 0, stdout: '10 mail.example.test.\n', stderr: '' });
  });

  it('$PORT53_RESOLVE over the file, the command line over both', async () => {
    const path = rc(`@${hole.server} --timeout 0.2 --tries 1`);
    const env = { PORT53_RESOLVERC: path, PORT53_RESOLVE: `@127.0.0.1:${fake.port} --short` };
    expect((await runCli(['example.test', 'AAAA'], 15_000, env)).stdout).toBe('2001:db8::1\n');
    const json = await runCli(['example.test', '--json'], 15_000, env);
    expect(JSON.parse(json.stdout).answerRRs).toHaveLength(2);
    const elsewhere = await runCli([`@${hole.server}`, 'example.test'], 15_000, env);
    expect(elsewhere.code).toBe(9);
  });

  it.each([
    ['a name', 'example.test'],
    ['an unknown option', '--bogus'],
    ['a bad port', '-p 0'],
  ])('%s in the defaults: exit 1, one line naming where', async (_, text) => {
    const r = await runCli([...at, 'example.test'], 15_000, { PORT53_RESOLVE: text });
    expect(r.code).toBe(1);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/^resolve: PORT53_RESOLVE: /);
  });

  it("the repository's `pnpm resolve` asks the server `pnpm serve` starts", () => {
    const root = JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { scripts: Record<string, string> };
    const serve = /--port (\d+) --address (\S+)/.exec(root.scripts.serve);
    expect(serve).not.toBeNull();
    expect(root.scripts.resolve).toContain(`PORT53_RESOLVE=@${serve![2]}:${serve![1]} resolve`);
  });
});
