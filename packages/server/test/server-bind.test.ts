import { describe, expect, test } from 'vitest';
import { BindError, type Transport } from '../src/transport/bind-error.js';
import { bindAll } from '../src/transport/bind.js';
import type { Listener } from '../src/transport/udp.js';

/**
 * A fake socket layer: `refuse` says which (transport, address, port) binds fail with which code;
 * port 0 hands out 40000, 40001, ... Records every bind and close.
 */
function fakeBinder(refuse: (t: Transport, address: string, port: number) => string | undefined) {
  let nextEphemeral = 40000;
  const log: string[] = [];
  const bind = async (transport: Transport, address: string, port: number): Promise<Listener> => {
    const code = refuse(transport, address, port);
    if (code) {
      log.push(`fail ${transport} ${address} ${port} ${code}`);
      throw new BindError(code, address, port, transport);
    }
    const bound = port === 0 ? nextEphemeral++ : port;
    log.push(`bind ${transport} ${address} ${bound}`);
    return {
      address,
      port: bound,
      family: address.includes(':') ? 'IPv6' : 'IPv4',
      transport,
      close: async () => {
        log.push(`close ${transport} ${address} ${bound}`);
      },
    };
  };
  return { bind, log };
}

const DEFAULT = ['127.0.0.1', '::1'];

describe('bindAll', () => {
  test('UDP then TCP on each address, all on the port the first UDP socket picked', async () => {
    const f = fakeBinder(() => undefined);
    const { listeners, skipped } = await bindAll({ addresses: DEFAULT, port: 0, tcp: true, explicitAddresses: false, bind: f.bind });
    expect(listeners.map((l) => `${l.transport} ${l.address} ${l.port}`)).toEqual(['udp 127.0.0.1 40000', 'tcp 127.0.0.1 40000', 'udp ::1 40000', 'tcp ::1 40000']);
    expect(skipped).toEqual([]);
  });

  test('a default ::1 the machine lacks is skipped (and reported), not fatal', async () => {
    const f = fakeBinder((_t, a) => (a === '::1' ? 'EADDRNOTAVAIL' : undefined));
    const { listeners, skipped } = await bindAll({ addresses: DEFAULT, port: 5353, tcp: true, explicitAddresses: false, bind: f.bind });
    expect(listeners.map((l) => l.address)).toEqual(['127.0.0.1', '127.0.0.1']);
    expect(skipped.map((e) => [e.address, e.code])).toEqual([['::1', 'EADDRNOTAVAIL']]);
  });

  test('the same ::1 named by the user is fatal, and what was bound is closed', async () => {
    const f = fakeBinder((_t, a) => (a === '::1' ? 'EAFNOSUPPORT' : undefined));
    await expect(bindAll({ addresses: DEFAULT, port: 5353, tcp: true, explicitAddresses: true, bind: f.bind })).rejects.toMatchObject({ code: 'EAFNOSUPPORT', address: '::1' });
    expect(f.log.filter((l) => l.startsWith('close'))).toEqual(['close udp 127.0.0.1 5353', 'close tcp 127.0.0.1 5353']);
  });

  test('with port 0, a TCP port already taken means a new ephemeral port for everything', async () => {
    const f = fakeBinder((t, _a, p) => (t === 'tcp' && p === 40000 ? 'EADDRINUSE' : undefined));
    const { listeners } = await bindAll({ addresses: ['127.0.0.1'], port: 0, tcp: true, explicitAddresses: true, bind: f.bind });
    expect(listeners.map((l) => `${l.transport} ${l.port}`)).toEqual(['udp 40001', 'tcp 40001']);
    expect(f.log).toContain('close udp 127.0.0.1 40000');
  });

  test('with port 0, retries are bounded', async () => {
    const f = fakeBinder((t) => (t === 'tcp' ? 'EADDRINUSE' : undefined));
    await expect(bindAll({ addresses: ['127.0.0.1'], port: 0, tcp: true, explicitAddresses: true, bind: f.bind })).rejects.toMatchObject({ code: 'EADDRINUSE' });
    expect(f.log.filter((l) => l.startsWith('fail'))).toHaveLength(8);
  });

  test('a fixed port in use is not retried', async () => {
    const f = fakeBinder(() => 'EADDRINUSE');
    await expect(bindAll({ addresses: ['127.0.0.1'], port: 5353, tcp: true, explicitAddresses: true, bind: f.bind })).rejects.toMatchObject({ code: 'EADDRINUSE' });
    expect(f.log).toEqual(['fail udp 127.0.0.1 5353 EADDRINUSE']);
  });

  test('UDP only when tcp is false; no default address at all is fatal', async () => {
    const f = fakeBinder(() => undefined);
    const { listeners } = await bindAll({ addresses: ['127.0.0.1'], port: 53, tcp: false, explicitAddresses: true, bind: f.bind });
    expect(listeners.map((l) => l.transport)).toEqual(['udp']);
    const none = fakeBinder(() => 'EADDRNOTAVAIL');
    await expect(bindAll({ addresses: DEFAULT, port: 5353, tcp: true, explicitAddresses: false, bind: none.bind })).rejects.toMatchObject({ code: 'EADDRNOTAVAIL', address: '127.0.0.1' });
  });
});
