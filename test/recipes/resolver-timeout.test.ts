// Recipe: a resolver's timeout (docs/testing.md).
import { expect, test } from 'vitest';
import { DnsError } from '@port53/resolver';
import { createTestServer } from '@port53/server/testing';

test('no reply: ETIMEOUT after the tries, each attempt listed', async () => {
  await using dns = await createTestServer({ zones: { 'myapp.test': { slow: { A: '192.0.2.1' } } } });
  dns.fault({ name: 'slow.myapp.test' }, { drop: true });
  const err = await dns.resolver({ timeout: 100, tries: 2 }).resolve4('slow.myapp.test').catch((e: unknown) => e);
  expect(err).toBeInstanceOf(DnsError);
  expect(err).toMatchObject({ code: 'ETIMEOUT', attempts: [{ outcome: 'timeout' }, { outcome: 'timeout' }] });
  expect(dns.queries).toHaveLength(2);
});

test('a reply slower than the timeout counts as none; a deadline bounds the whole call', async () => {
  await using dns = await createTestServer({ zones: { 'myapp.test': { slow: { A: '192.0.2.1' } } } });
  dns.fault({ name: 'slow.myapp.test' }, { delay: 300 });
  const started = Date.now();
  await expect(dns.resolver({ timeout: 100, tries: 5, deadline: 250 }).resolve4('slow.myapp.test')).rejects.toMatchObject({ code: 'ETIMEOUT' });
  expect(Date.now() - started).toBeLessThan(300); // the deadline, not 5 tries, ended it
});
