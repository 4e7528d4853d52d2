// Recipe: SRV service discovery with failover (docs/testing.md).
import net from 'node:net';
import { expect, test } from 'vitest';
import type { Resolver } from '@port53/resolver';
import { createTestServer } from '@port53/server/testing';

/** The code under test: connect to the service's targets in priority order (RFC 2782), first that answers wins. */
async function connectToService(service: string, resolver: Resolver): Promise<net.Socket> {
  const targets = (await resolver.resolveSrv(service)).sort((a, b) => a.priority - b.priority || b.weight - a.weight);
  for (const { name, port } of targets) {
    const [address] = await resolver.resolve4(name);
    const socket = await new Promise<net.Socket | undefined>((resolve) => {
      const s = net.connect({ host: address, port }, () => resolve(s));
      s.on('error', () => resolve(undefined));
    });
    if (socket) return socket;
  }
  throw new Error(`no target of ${service} answered`);
}

test('the primary is down: the client fails over to the backup', async () => {
  const backup = net.createServer((s) => s.end('backup'));
  await new Promise<void>((resolve) => backup.listen(0, '127.0.0.1', resolve));
  const closed = net.createServer();
  await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
  const deadPort = (closed.address() as net.AddressInfo).port;
  await new Promise((resolve) => closed.close(resolve)); // nothing listens there now

  await using dns = await createTestServer({
    zones: {
      'myapp.test': {
        '_api._tcp': { SRV: [`10 50 ${deadPort} primary`, `20 50 ${(backup.address() as net.AddressInfo).port} backup`] },
        primary: { A: '127.0.0.1' },
        backup: { A: '127.0.0.1' },
      },
    },
  });
  const socket = await connectToService('_api._tcp.myapp.test', dns.resolver());
  const greeting = await new Promise<string>((resolve) => socket.once('data', (d) => resolve(String(d))));
  expect(greeting).toBe('backup');
  expect(dns.queries.map((q) => `${q.name} ${q.type}`)).toEqual(['_api._tcp.myapp.test SRV', 'primary.myapp.test A', 'backup.myapp.test A']);
  socket.destroy();
  backup.close();
});
