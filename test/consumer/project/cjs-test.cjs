// The same packages through require(): a CommonJS user's test. Prints "cjs ok".
const assert = require('node:assert/strict');
const { createTestServer, TestServerError } = require('@port53/server/testing');
const { createServer, ZoneLoadError } = require('@port53/server');
const { Resolver, DnsError } = require('@port53/resolver');
const { parseName } = require('@port53/wire');

(async () => {
  const dns = await createTestServer({ zones: { 'cjs.test': { www: { A: '192.0.2.7' } } } });
  const resolver = new Resolver({ servers: dns.servers, resolvConf: false });
  assert.deepEqual(await resolver.resolve4('www.cjs.test'), ['192.0.2.7']);
  dns.fault({ name: 'www.cjs.test' }, { rcode: 'REFUSED' });
  await assert.rejects(dns.resolver({ tries: 1 }).resolve4('www.cjs.test'), (err) => err instanceof DnsError && err.code === 'EREFUSED');
  await assert.rejects(dns.set('elsewhere.test', 'A', '192.0.2.1'), (err) => err instanceof TestServerError && err.code === 'ENOZONE');
  resolver.close();
  await dns.close();
  await assert.rejects(createServer({ zones: [{ origin: 'bad.test', text: 'x A 1\n' }], addresses: ['127.0.0.1'], port: 0 }), ZoneLoadError);
  assert.equal(parseName('WWW.Example.TEST.'), 'WWW.Example.TEST');
  console.log('cjs ok');
})().catch((err) => {
  console.error(err);
  process.exit(1);
});
