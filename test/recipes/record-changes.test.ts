// Recipe: a record that changes mid-test (docs/testing.md).
import { expect, test } from 'vitest';
import { createTestServer } from '@port53/server/testing';

test('the client sees the new address once the old TTL is over', async () => {
  await using dns = await createTestServer({ zones: { 'myapp.test': { db: { A: '192.0.2.10' } } } });
  const resolver = dns.resolver();
  expect(await resolver.resolve4('db.myapp.test', { ttl: true })).toEqual([{ address: '192.0.2.10', ttl: 60 }]);

  // A failover: one atomic swap, the zone's SOA serial one higher (secondaries would see it).
  await dns.set('db.myapp.test', 'A', ['192.0.2.11'], { ttl: 5 });
  expect(await resolver.resolve4('db.myapp.test', { ttl: true })).toEqual([{ address: '192.0.2.11', ttl: 5 }]);
  expect((await resolver.resolveSoa('myapp.test')).serial).toBe(2);

  await dns.delete('db.myapp.test');
  await expect(resolver.resolve4('db.myapp.test')).rejects.toMatchObject({ code: 'ENOTFOUND' });
});
