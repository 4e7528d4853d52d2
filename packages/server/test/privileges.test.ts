import { chmod, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, test } from 'vitest';
import { RunningPort53d, runPort53d } from '../../../test/support/port53d.js';
import { udpExchange } from '../../../test/support/loopback.mjs';
import { PrivilegeError, resolveCredentials } from '../src/privileges.js';
import { query, summarize } from './fixtures/query.js';

describe('--user USER[:GROUP] is resolved from passwd and group files', () => {
  const files = { passwd: '', group: '' };
  test.each([
    ['dns', { user: 'dns', uid: 153, gid: 160 }],
    ['dns:staff', { user: 'dns', uid: 153, gid: 50 }],
    ['dns:7', { user: 'dns', uid: 153, gid: 7 }],
    ['153', { user: 'dns', uid: 153, gid: 160 }],
    ['4000:4001', { user: '4000', uid: 4000, gid: 4001 }],
  ])('%s', async (spec, expected) => {
    const dir = await mkdtemp(path.join(tmpdir(), 'port53-passwd-'));
    files.passwd = path.join(dir, 'passwd');
    files.group = path.join(dir, 'group');
    await writeFile(files.passwd, 'root:x:0:0:root:/root:/bin/sh\ndns:x:153:160:DNS:/var/empty:/usr/sbin/nologin\n');
    await writeFile(files.group, 'root:x:0:\nstaff:x:50:\n');
    try {
      expect(resolveCredentials(spec, files)).toEqual(expected);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  test.each([['nosuchuser'], ['dns:nosuchgroup'], ['4000'], ['a:b:c'], ['dns:']])('%s is refused with a PrivilegeError', (spec) => {
    expect(() => resolveCredentials(spec, { passwd: '/etc/passwd', group: '/etc/group' })).toThrow(PrivilegeError);
  });
});

test('port53d --user with an unknown user: one line before anything is bound, exit 1', async () => {
  const r = await runPort53d(['--user', 'no-such-user-port53', '--port', '0']);
  expect(r.code).toBe(1);
  expect(r.stderr.trim().split('\n')).toEqual([expect.stringContaining('--user: no user "no-such-user-port53" in /etc/passwd')]);
});

const isRoot = process.getuid?.() === 0;
if (!isRoot) process.stdout.write('skipped: port53d --user drops root: needs root (this run has uid ' + process.getuid?.() + ')\n');

describe.skipIf(!isRoot)('port53d started as root', () => {
  let running: RunningPort53d | undefined;
  let dir: string | undefined;
  afterEach(async () => {
    running?.kill();
    running = undefined;
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  const zoneText = (serial: number, address: string) => `$ORIGIN user.test.\n$TTL 300\n@ SOA ns1 hostmaster ${serial} 7200 900 1209600 300\n@ NS ns1\nns1 A 192.0.2.53\nwww A ${address}\n`;
  const status = async (pid: number) => {
    const text = await readFile(`/proc/${pid}/status`, 'utf8');
    const field = (name: string) => /^(\w+):\s*(.*)$/m.exec(text.split('\n').find((l) => l.startsWith(`${name}:`)) ?? '')?.[2].trim().split(/\s+/).filter(Boolean);
    return { uid: field('Uid'), gid: field('Gid'), groups: field('Groups'), capEff: field('CapEff')?.[0] };
  };

  test('--user nobody: after binding, every uid and gid is nobody\'s, no supplementary groups, no capabilities; it still answers and reloads', async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'port53-user-'));
    await chmod(dir, 0o755); // nobody reads the zones for reloads
    const file = path.join(dir, 'user.test.zone');
    await writeFile(file, zoneText(1, '192.0.2.1'));
    running = RunningPort53d.start(['--zones', dir, '--address', '127.0.0.1', '--port', '0', '--user', 'nobody']);
    const udp = await running.waitLog((l) => l.event === 'listening' && l.transport === 'udp');
    expect(await running.waitLog((l) => l.event === 'privileges')).toMatchObject({ user: 'nobody', uid: 65534, result: 'dropped' });

    const s = await status(running.child.pid!);
    expect(s.uid).toEqual(['65534', '65534', '65534', '65534']); // real, effective, saved, filesystem
    expect(s.gid).toEqual(['65534', '65534', '65534', '65534']);
    expect(s.groups).toEqual([]);
    expect(s.capEff).toBe('0000000000000000');
    expect(running.logs.some((l) => l.event === 'running-as-root')).toBe(false);

    const port = udp.port as number;
    const ask = async () => summarize((await udpExchange(port, query('www.user.test', 'A')))!).answer;
    expect(await ask()).toEqual(['www.user.test 300 A 192.0.2.1']);
    await writeFile(file, zoneText(2, '192.0.2.2'));
    running.child.kill('SIGHUP');
    expect(await running.waitLog((l) => l.event === 'reload')).toMatchObject({ ok: true, loaded: 1 });
    expect(await ask()).toEqual(['www.user.test 300 A 192.0.2.2']);
  });

  test('a zone file the user cannot read is named at start, and its reload keeps the old data', async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'port53-user-'));
    await chmod(dir, 0o755);
    const file = path.join(dir, 'user.test.zone');
    await writeFile(file, zoneText(1, '192.0.2.1'));
    await chmod(file, 0o600);
    running = RunningPort53d.start(['--zones', dir, '--address', '127.0.0.1', '--port', '0', '--user', 'nobody']);
    expect(await running.waitLog((l) => l.event === 'zone-unreadable')).toMatchObject({ file, user: 'nobody', level: 40 });
    running.child.kill('SIGHUP');
    expect(await running.waitLog((l) => l.event === 'reload')).toMatchObject({ ok: false, failed: 1, zones: 1 });
  });

  test('without --user, serving as root is warned about', async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'port53-user-'));
    await writeFile(path.join(dir, 'user.test.zone'), zoneText(1, '192.0.2.1'));
    running = RunningPort53d.start(['--zones', dir, '--address', '127.0.0.1', '--port', '0']);
    expect(await running.waitLog((l) => l.event === 'running-as-root')).toMatchObject({ level: 40 });
  });
});
