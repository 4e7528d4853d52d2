// Recipe: an HTTP client retries when DNS says SERVFAIL (docs/testing.md).
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { expect, test } from 'vitest';
import { createTestServer, type TestServer } from '@port53/server/testing';

/** The code under test: GET with a few tries when the name does not resolve for now (EAI_AGAIN); no kept-alive sockets. */
async function getWithRetry(url: string, lookup: TestServer['lookup'], tries = 3): Promise<string> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await new Promise<string>((resolve, reject) => {
        http.get(url, { lookup, agent: false }, (res) => {
          let body = '';
          res.on('data', (chunk) => (body += chunk));
          res.on('end', () => resolve(body));
        }).on('error', reject);
      });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EAI_AGAIN' || attempt === tries) throw err;
    }
  }
}

test('retries through two SERVFAILs, then gets the page', async () => {
  await using dns = await createTestServer({ zones: { 'myapp.test': { api: { A: '127.0.0.1' } } } });
  const web = http.createServer((_req, res) => res.end('ok'));
  await new Promise<void>((resolve) => web.listen(0, '127.0.0.1', resolve));
  const url = `http://api.myapp.test:${(web.address() as AddressInfo).port}/`;

  const fault = dns.fault({ name: 'api.myapp.test', type: 'A' }, { rcode: 'SERVFAIL', times: 2 });
  // The test server's lookup has tries: 2, so each failed GET asked twice: 2 SERVFAILs fail one GET.
  expect(await getWithRetry(url, dns.lookup)).toBe('ok');
  expect(fault.hits).toBe(2);
  expect(dns.queries.filter((q) => q.type === 'A').map((q) => q.rcode)).toEqual(['SERVFAIL', 'SERVFAIL', 'NOERROR']);

  dns.fault({ name: 'api.myapp.test' }, { rcode: 'SERVFAIL' }); // for good: the client gives up
  await expect(getWithRetry(url, dns.lookup)).rejects.toMatchObject({ code: 'EAI_AGAIN' });
  web.close();
});
