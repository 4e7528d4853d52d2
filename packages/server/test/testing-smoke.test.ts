import { expect, test } from 'vitest';
import { createTestServer } from '@port53/server/testing';

test('smoke', async () => {
  const dns = await createTestServer({ zones: {
    'myapp.test': { www: { A: ['192.0.2.1'] }, '@': { MX: ['10 mail.myapp.test.'] }, mail: { A: '192.0.2.25' } },
    'text.test': 'www 60 A 192.0.2.9\nalias CNAME www\n',
  } });
  const r = dns.resolver();
  expect(await r.resolve4('www.myapp.test')).toEqual(['192.0.2.1']);
  expect(await r.resolve4('alias.text.test')).toEqual(['192.0.2.9']);
  await dns.set('www.myapp.test', 'A', ['192.0.2.2'], { ttl: 5 });
  expect(await r.resolve4('www.myapp.test')).toEqual(['192.0.2.2']);
  console.log(dns.zoneText('myapp.test'));
  const f = dns.fault({ name: 'www.myapp.test' }, { rcode: 'SERVFAIL' });
  await expect(r.resolve4('www.myapp.test')).rejects.toMatchObject({ code: 'ESERVFAIL' });
  f.clear();
  console.log(dns.queries);
  await new Promise<void>((res, rej) => dns.lookup('mail.myapp.test', (err, a, fam) => { console.log(err, a, fam); err ? rej(err) : res(); }));
  await dns.close();
});
