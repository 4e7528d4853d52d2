// Type-checked as CommonJS (a .cts file): require() gets the CommonJS types, not ESM ones.
import testing = require('@port53/server/testing');
import server = require('@port53/server');
import resolver = require('@port53/resolver');
import wire = require('@port53/wire');

export async function check(): Promise<number> {
  const dns = await testing.createTestServer({ zones: { 'cjs.test': { www: { A: '192.0.2.7' } } } });
  const r: resolver.Resolver = dns.resolver();
  const addresses: string[] = await r.resolve4('www.cjs.test');
  const s: server.Server = dns.server;
  const name: string = wire.parseName('a.test');
  // @ts-expect-error set needs a type
  await dns.set('www.cjs.test');
  await dns.close();
  return addresses.length + s.port + name.length;
}
