// Type-checked (not run) under node16, nodenext and bundler resolution: the public types are real.
import { createTestServer, type Fault, type QueryRecord, type TestServer } from '@port53/server/testing';
import { createServer, respond, buildCatalog, parseZoneText, type Server } from '@port53/server';
import { Resolver, type MxRecord } from '@port53/resolver';
import { decode, type Message } from '@port53/wire';

export async function check(): Promise<void> {
  await using dns: TestServer = await createTestServer({ zones: { 'myapp.test': { www: { A: ['192.0.2.1'] } }, 'text.test': 'www A 192.0.2.9\n' }, ttl: 30 });
  const port: number = dns.port;
  const address: string = dns.address;
  const servers: string[] = dns.servers;
  const resolver: Resolver = dns.resolver({ timeout: 100 });
  const mx: MxRecord[] = await resolver.resolveMx('myapp.test');
  dns.lookup('www.myapp.test', (err: NodeJS.ErrnoException | null, addr: string, family: number) => void [err, addr, family]);
  dns.lookup('www.myapp.test', { all: true }, (err, list) => void [err, list.map((a) => a.address)]);
  await dns.set('www.myapp.test', 'A', ['192.0.2.2'], { ttl: 5 });
  await dns.delete('www.myapp.test', 'A');
  await dns.delete('www.myapp.test');
  const f: Fault = dns.fault({ name: 'www.myapp.test', suffix: 'myapp.test', type: ['A'], transport: 'udp' }, { drop: true, times: 1, probability: 0.5, seed: 3 });
  f.clear();
  {
    using g = dns.fault({}, { delay: 10, rcode: 'SERVFAIL' });
    void g.hits;
  }
  const log: QueryRecord[] = dns.queries;
  const first: string | undefined = log[0]?.rcode;
  const server: Server = dns.server;
  // @ts-expect-error port is a number
  dns.port.toUpperCase();
  // @ts-expect-error a fault's options are checked
  dns.fault({}, { dorp: true });
  const zone = parseZoneText('', { file: 'x', origin: 'x.test' });
  const outcome = respond(new Uint8Array(12), buildCatalog([{ origin: zone.origin, records: zone.records }]), 'udp');
  const reply: Message | undefined = outcome.reply && decode(outcome.reply);
  void [port, address, servers, mx, first, server, reply, createServer];
  await dns.close();
}
