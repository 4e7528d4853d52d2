// Runs in a scratch project where the release tarballs were installed with npm: every part of
// createTestServer's interface, as a user's ESM test would use it. Prints "esm ok" at the end.
import assert from 'node:assert/strict';
import http from 'node:http';
import { createTestServer } from '@port53/server/testing';
import { createServer, respond, buildCatalog, parseZoneText } from '@port53/server';
import { Resolver } from '@port53/resolver';
import { decode, encode } from '@port53/wire';

const dns = await createTestServer({
  zones: {
    'myapp.test': { www: { A: ['192.0.2.1'] }, '@': { MX: ['10 mail.myapp.test.'] }, mail: { A: '192.0.2.25' } },
    'text.test': 'www 60 A 192.0.2.9\nalias CNAME www\n',
  },
});
assert.equal(dns.address, '127.0.0.1');
assert.ok(dns.port > 0);
assert.deepEqual(dns.servers, [`127.0.0.1:${dns.port}`]);

const resolver = dns.resolver({ tries: 3 }); // a test-sized timeout (1000 ms), one more try on a busy machine
assert.ok(resolver instanceof Resolver);
assert.deepEqual(await resolver.resolve4('www.myapp.test'), ['192.0.2.1']);
assert.deepEqual(await resolver.resolveMx('myapp.test'), [{ exchange: 'mail.myapp.test', priority: 10 }]);
assert.deepEqual(await resolver.resolve4('alias.text.test'), ['192.0.2.9']);
assert.equal((await resolver.resolveSoa('text.test')).nsname, 'localhost'); // made up

// lookup: dns.lookup's shape, as http.get calls it.
await dns.set('app.myapp.test', 'A', '127.0.0.1');
const web = http.createServer((req, res) => res.end(`hello ${req.headers.host}`));
await new Promise((resolve) => web.listen(0, '127.0.0.1', resolve));
const webPort = web.address().port;
const body = await new Promise((resolve, reject) => {
  http.get(`http://app.myapp.test:${webPort}/`, { lookup: dns.lookup, agent: false }, (res) => {
    let text = '';
    res.on('data', (d) => (text += d));
    res.on('end', () => resolve(text));
  }).on('error', reject);
});
web.close();
assert.equal(body, `hello app.myapp.test:${webPort}`);

await dns.set('www.myapp.test', 'A', ['192.0.2.2'], { ttl: 5 });
assert.deepEqual(await resolver.resolve4('www.myapp.test', { ttl: true }), [{ address: '192.0.2.2', ttl: 5 }]);
await dns.set('www.myapp.test', 'TXT', '"v=1"');
await dns.delete('www.myapp.test', 'A');
await assert.rejects(resolver.resolve4('www.myapp.test'), { code: 'ENODATA' });
await dns.delete('mail.myapp.test');
await assert.rejects(resolver.resolve4('mail.myapp.test'), { code: 'ENOTFOUND' });

dns.queries.length = 0;
const f = dns.fault({ name: 'alias.text.test' }, { rcode: 'SERVFAIL' });
await assert.rejects(dns.resolver({ tries: 1 }).resolve4('alias.text.test'), { code: 'ESERVFAIL' });
assert.equal(f.hits, 1);
f.clear();
assert.deepEqual(await resolver.resolve4('alias.text.test'), ['192.0.2.9']);
dns.fault({ suffix: 'text.test', type: 'A', transport: 'udp' }, { truncate: true, times: 1 });
assert.deepEqual(await resolver.resolve4('www.text.test'), ['192.0.2.9']);
assert.deepEqual(
  dns.queries.map((q) => [q.name, q.type, q.class, q.transport, q.rcode, q.fault]),
  [
    ['alias.text.test', 'A', 'IN', 'udp', 'SERVFAIL', 'rcode'],
    ['alias.text.test', 'A', 'IN', 'udp', 'NOERROR', undefined],
    ['www.text.test', 'A', 'IN', 'udp', 'NOERROR', 'truncate'],
    ['www.text.test', 'A', 'IN', 'tcp', 'NOERROR', undefined],
  ],
);
dns.clearFaults();
await dns.close();
await dns.close(); // idempotent

// `await using` calls this (Node 20 cannot parse the statement itself: the TypeScript check covers it).
const disposable = await createTestServer();
await disposable[Symbol.asyncDispose]();

// The engine as a library: zone text -> catalog -> respond, no sockets.
const zone = parseZoneText('@ 60 SOA ns h 1 2 3 4 5\n@ 60 NS ns\nns 60 A 192.0.2.53\n', { file: 'lib.test', origin: 'lib.test' });
assert.deepEqual(zone.errors, []);
const catalog = buildCatalog([{ origin: zone.origin, records: zone.records }]);
const outcome = respond(encode({ id: 9, questions: [{ name: 'ns.lib.test', type: 'A', class: 'IN' }] }), catalog, 'udp');
assert.equal(decode(outcome.reply).answers[0].data, '192.0.2.53');
assert.equal(typeof createServer, 'function');
console.log('esm ok');
