import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadResolvConf, parseResolvConf, Resolver } from '@port53/resolver';

const v4 = (address: string, port = 53) => ({ address, port, family: 4 });
const v6 = (address: string, port = 53) => ({ address, port, family: 6 });

describe('parseResolvConf', () => {
  const rows: [string, string, Record<string, unknown>][] = [
    ['one server', 'nameserver 10.0.0.1\n', { nameservers: [v4('10.0.0.1')], search: [] }],
    ['IPv6 and scope', 'nameserver ::1\nnameserver fe80::1%eth0\n', { nameservers: [v6('::1'), v6('fe80::1%eth0')] }],
    ['only the first three servers', 'nameserver 10.0.0.1\nnameserver 10.0.0.2\nnameserver 10.0.0.3\nnameserver 10.0.0.4\n', { nameservers: [v4('10.0.0.1'), v4('10.0.0.2'), v4('10.0.0.3')] }],
    ['bad address skipped', 'nameserver dns.example\nnameserver 10.0.0.9\n', { nameservers: [v4('10.0.0.9')] }],
    ['comment lines and inline comments', '# generated\n; also\nnameserver 10.0.0.1 # primary\nsearch a.test ; b.test\n', { nameservers: [v4('10.0.0.1')], search: ['a.test'] }],
    ['search list, final dots dropped', 'search a.test b.test. c.test\n', { search: ['a.test', 'b.test', 'c.test'] }],
    ['search .', 'search .\n', { search: [] }],
    ['domain', 'domain corp.test\n', { search: ['corp.test'] }],
    ['the last of domain/search wins', 'search a.test\ndomain corp.test\n', { search: ['corp.test'] }],
    ['options', 'options ndots:2 timeout:3 attempts:4 rotate edns0 use-vc\n', { ndots: 2, timeout: 3000, attempts: 4, rotate: true, edns: true, tcp: true }],
    ['options clamp as glibc', 'options ndots:99 timeout:100 attempts:0\n', { ndots: 15, timeout: 30_000, attempts: 1 }],
    ['bad option values ignored', 'options ndots:x timeout: attempts:-1\n', { ignored: [expect.anything(), expect.anything(), expect.anything()] }],
    ['unknown options and keywords ignored', 'sortlist 10.0.0.0/8\noptions inet6 single-request trust-ad\nlookup file bind\n', { nameservers: [], search: [] }],
    ['tabs, CRLF, blank lines', 'nameserver\t10.0.0.1\r\n\r\n   \noptions\tndots:3\r\n', { nameservers: [v4('10.0.0.1')], ndots: 3 }],
    ['empty file', '', { nameservers: [], search: [] }],
  ];
  it.each(rows)('%s', (_, text, expected) => {
    expect(parseResolvConf(text)).toMatchObject(expected);
  });

  it('says which lines it ignored', () => {
    const conf = parseResolvConf('nameserver 10.0.0.1\nbogus line\nnameserver nope\n');
    expect(conf.ignored.map((i) => i.line)).toEqual([2, 3]);
  });
});

describe('Resolver reads resolv.conf', () => {
  const dir = mkdtempSync(join(tmpdir(), 'port53-resolv-'));
  const file = (text: string) => {
    const path = join(dir, `resolv-${Math.random().toString(36).slice(2)}.conf`);
    writeFileSync(path, text);
    return path;
  };

  it('takes servers from it', () => {
    const r = new Resolver({ resolvConf: file('nameserver 127.0.0.53\nnameserver ::1\n') });
    expect(r.getServers()).toEqual(['127.0.0.53', '::1']);
  });

  it('constructor options override it', () => {
    const r = new Resolver({ resolvConf: file('nameserver 127.0.0.53\n'), servers: ['127.0.0.1:5353'] });
    expect(r.getServers()).toEqual(['127.0.0.1:5353']);
  });

  it('a missing file or no nameserver line means 127.0.0.1', () => {
    expect(loadResolvConf(join(dir, 'absent.conf')).nameservers).toEqual([]);
    expect(new Resolver({ resolvConf: join(dir, 'absent.conf') }).getServers()).toEqual(['127.0.0.1']);
    expect(new Resolver({ resolvConf: false }).getServers()).toEqual(['127.0.0.1']);
  });
});
