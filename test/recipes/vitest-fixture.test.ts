// Recipe: a vitest fixture that gives every test its own server (docs/testing.md).
import { test as base, expect } from 'vitest';
import { createTestServer, type TestServer } from '@port53/server/testing';

const test = base.extend<{ dns: TestServer }>({
  // eslint-disable-next-line no-empty-pattern
  dns: async ({}, use) => {
    await using dns = await createTestServer({ zones: { 'myapp.test': { www: { A: '192.0.2.1' } } } });
    await use(dns); // closed when the test ends, passed or failed
  },
});

test('one test changes its records', async ({ dns }) => {
  await dns.set('www.myapp.test', 'A', '192.0.2.99');
  expect(await dns.resolver().resolve4('www.myapp.test')).toEqual(['192.0.2.99']);
});

test('the next one starts from the zone as written', async ({ dns }) => {
  expect(await dns.resolver().resolve4('www.myapp.test')).toEqual(['192.0.2.1']);
  expect(dns.queries).toHaveLength(1);
});
