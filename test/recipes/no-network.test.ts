// Recipe: running in CI with no network (docs/testing.md).
import { promises as nodeDns } from 'node:dns';
import { expect, test } from 'vitest';
import { createTestServer } from '@port53/server/testing';

test('code using node:dns asks the test server, and nothing else is asked', async () => {
  await using dns = await createTestServer({ zones: { 'myapp.test': { api: { A: '192.0.2.7' }, '@': { TXT: '"v=spf1 -all"' } } } });
  // node:dns's own Resolver, pointed at the test server (what code under test may construct).
  const resolver = new nodeDns.Resolver({ timeout: 1000, tries: 1 });
  resolver.setServers(dns.servers);
  expect(await resolver.resolve4('api.myapp.test')).toEqual(['192.0.2.7']);
  expect(await resolver.resolveTxt('myapp.test')).toEqual([['v=spf1 -all']]);
  // A name outside the test zones is REFUSED at once rather than looked up on the internet.
  await expect(resolver.resolve4('example.com')).rejects.toMatchObject({ code: 'EREFUSED' });
  expect(dns.queries.map((q) => q.name)).toEqual(['api.myapp.test', 'myapp.test', 'example.com']);
});
