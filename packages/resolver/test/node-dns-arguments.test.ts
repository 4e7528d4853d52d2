import * as nodeDns from 'node:dns';
import { describe, expect, it } from 'vitest';
import * as ours from '@port53/resolver/dns';

/**
 * Every call is made on node:dns and on @port53/resolver/dns: what each throws at once (name,
 * code, message), or what getServers() says afterwards, must be the same. No call reaches a server:
 * the servers set are unreachable documentation addresses, and calls that pass the checks are cancelled.
 */
type Dns = typeof nodeDns | typeof ours;
const noop = () => {};

function thrown(f: () => unknown): unknown {
  try {
    const r = f();
    if (r instanceof Promise) r.catch(noop);
    return 'no throw';
  } catch (err) {
    const e = err as { name: string; code: unknown; message: string; errno?: unknown; syscall?: unknown };
    return { name: e.name, code: e.code, message: e.message, errno: e.errno, syscall: e.syscall };
  }
}

/** A method called with arguments its types refuse, as JavaScript callers may. */
function untyped(target: object, method: string, ...args: unknown[]): unknown {
  return Reflect.apply((target as Record<string, (...a: unknown[]) => unknown>)[method], target, args);
}

const holes: string[] = [];
holes[0] = '127.0.0.1';
holes[2] = '0.0.0.0';

// [label, call on a module's Resolver classes]
const rows: [string, (dns: Dns) => unknown][] = [
  ['Resolver timeout -1 (node default)', (d) => new d.Resolver({ timeout: -1 })],
  ['Resolver timeout -2', (d) => new d.Resolver({ timeout: -2 })],
  ['Resolver timeout 4.5', (d) => new d.Resolver({ timeout: 4.5 })],
  ["Resolver timeout '100'", (d) => new d.Resolver({ timeout: '100' as never })],
  ['Resolver timeout 2**31', (d) => new d.Resolver({ timeout: 2 ** 31 })],
  ['Resolver tries 4.5', (d) => new d.Resolver({ tries: 4.5 })],
  ['Resolver tries 0', (d) => new d.Resolver({ tries: 0 })],
  ['Resolver tries NaN', (d) => new d.Resolver({ tries: NaN })],
  ['promises.Resolver tries 4.5', (d) => new d.promises.Resolver({ tries: 4.5 })],
  ["promises.Resolver timeout null", (d) => new d.promises.Resolver({ timeout: null as never })],
  ...([null, undefined, 8, '192.0.2.53', { address: '192.0.2.53' }] as unknown[]).map(
    (v) => [`setServers(${JSON.stringify(v) ?? 'undefined'})`, (d: Dns) => new d.Resolver().setServers(v as string[])] as [string, (dns: Dns) => unknown],
  ),
  ...([[null], [undefined], [8], [{ address: '192.0.2.53' }]] as unknown[]).map(
    (v) => [`promises setServers(${JSON.stringify(v)})`, (d: Dns) => new d.promises.Resolver().setServers(v as string[])] as [string, (dns: Dns) => unknown],
  ),
  ...[' ', '\n', '\0', '1'.repeat(12), ':'.repeat(10000), '['.repeat(10000), `${'['.repeat(1000)}${']'.repeat(1000)}a`, 'foobar', '127.0.0.1:va', '[::1', '192.0.2.1:53:53'].map(
    (s) => [`setServers([${JSON.stringify(s.slice(0, 12))}])`, (d: Dns) => new d.Resolver().setServers([s])] as [string, (dns: Dns) => unknown],
  ),
  ['setServers with holes, then getServers', (d) => { const r = new d.Resolver(); r.setServers(holes); return r.getServers(); }],
  ['setServers with ports, then getServers', (d) => {
    const r = new d.Resolver();
    r.setServers(['192.0.2.4:53', '[2001:db8::8888]:53', '192.0.2.181:666', '[fe80::483a:5aff:fee6:1f04]:666', '[fe80::483a:5aff:fee6:1f04]', '2001:db8::1', '[2001:db8::2]']);
    return r.getServers();
  }],
  ['setServers([]), then getServers', (d) => { const r = new d.Resolver(); r.setServers([]); return r.getServers(); }],
  ['resolve4(123, cb)', (d) => new d.Resolver().resolve4(123 as never, noop)],
  ['resolve4(name) without callback', (d) => untyped(new d.Resolver(), 'resolve4', 'example.test')],
  ['resolve4(name, 1)', (d) => untyped(new d.Resolver(), 'resolve4', 'example.test', 1)],
  ['resolve4(name, {}, null)', (d) => untyped(new d.Resolver(), 'resolve4', 'example.test', {}, null)],
  ['resolveNs(123, cb)', (d) => new d.Resolver().resolveNs(123 as never, noop)],
  ['resolveNs(name) without callback', (d) => untyped(new d.Resolver(), 'resolveNs', 'example.test')],
  ["resolve(name, [], cb)", (d) => new d.Resolver().resolve('example.test', [] as never, noop)],
  ["resolve(name, 'FOO', cb)", (d) => new d.Resolver().resolve('example.test', 'FOO' as never, noop)],
  ["resolve(name, 'mx', cb) (case-sensitive)", (d) => new d.Resolver().resolve('example.test', 'mx' as never, noop)],
  ["resolve(name, 'toString', cb)", (d) => new d.Resolver().resolve('example.test', 'toString' as never, noop)],
  ['promises resolve()', (d) => untyped(new d.promises.Resolver(), 'resolve')],
  ['promises resolve(name, [])', (d) => new d.promises.Resolver().resolve('example.test', [] as never)],
  ["promises resolve(name, 'FOO')", (d) => new d.promises.Resolver().resolve('example.test', 'FOO' as never)],
  ['promises resolve4(1)', (d) => new d.promises.Resolver().resolve4(1 as never)],
  ['reverse(1, cb)', (d) => new d.Resolver().reverse(1 as never, noop)],
  ["reverse('x', cb): EINVAL at once", (d) => new d.Resolver().reverse('not-an-ip', noop)],
  ['reverse(ip) without callback', (d) => untyped(new d.Resolver(), 'reverse', '192.0.2.1')],
  ['setLocalAddress ipv4, ipv6', (d) => new d.Resolver().setLocalAddress('127.0.0.1', '::1')],
  ['setLocalAddress ipv6, ipv4', (d) => new d.Resolver().setLocalAddress('::1', '127.0.0.1')],
  ["setLocalAddress('bad')", (d) => new d.Resolver().setLocalAddress('bad')],
  ['setLocalAddress(123)', (d) => new d.Resolver().setLocalAddress(123 as never)],
  ['setLocalAddress()', (d) => untyped(new d.Resolver(), 'setLocalAddress')],
  ['setLocalAddress two IPv4', (d) => new d.Resolver().setLocalAddress('127.0.0.1', '127.0.0.1')],
  ['setLocalAddress two IPv6', (d) => new d.promises.Resolver().setLocalAddress('::1', '::1')],
  ["setLocalAddress('127.0.0.1', 'bad')", (d) => new d.Resolver().setLocalAddress('127.0.0.1', 'bad')],
  ['lookupService(address) only', (d) => untyped(d, 'lookupService', '0.0.0.0')],
  ['promises lookupService(address) only', (d) => untyped(d.promises, 'lookupService', '0.0.0.0')],
  ["lookupService('fasdfdsaf', 0, cb)", (d) => d.lookupService('fasdfdsaf', 0, noop)],
  ["promises lookupService('fasdfdsaf', 0)", (d) => d.promises.lookupService('fasdfdsaf', 0)],
  ...([null, undefined, 65538, 'test', -1, 1.5, ' '] as unknown[]).map(
    (p) => [`lookupService port ${JSON.stringify(p) ?? 'undefined'}`, (d: Dns) => d.lookupService('0.0.0.0', p as number, noop)] as [string, (dns: Dns) => unknown],
  ),
  ['promises lookupService port 65538', (d) => d.promises.lookupService('0.0.0.0', 65538)],
  ['lookupService callback null', (d) => d.lookupService('0.0.0.0', 80, null as never)],
  ["setDefaultResultOrder('random')", (d) => d.setDefaultResultOrder('random' as never)],
  ["promises setDefaultResultOrder(4)", (d) => d.promises.setDefaultResultOrder(4 as never)],
];

describe('argument checks and server lists as node:dns', () => {
  it.each(rows)('%s', (_, call) => {
    const theirs = thrown(() => call(nodeDns));
    const mine = thrown(() => call(ours));
    expect(mine).toEqual(theirs);
    // A row that returns a server list compares the lists.
    let theirList: unknown;
    let myList: unknown;
    try {
      theirList = call(nodeDns);
      myList = call(ours);
    } catch {
      return;
    }
    if (Array.isArray(theirList)) expect(myList).toEqual(theirList);
  });
});
