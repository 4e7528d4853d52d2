import { once } from 'node:events';
import { createServer as createHttpServer, Agent, request, type Server as HttpServer } from 'node:http';
import { connect as netConnect, createServer as createNetServer, type Server as NetServer } from 'node:net';
import { connect as tlsConnect } from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Agent as UndiciAgent, interceptors, request as undiciRequest } from 'undici';
import { createLookup, type Lookups } from '@port53/resolver/dns';
import { respond, startFakeServer, type FakeServer } from './support/fake-server.js';

// app.test is 127.0.0.1 only in the fake server: a connection that arrives proves our lookup was used.
let dnsServer: FakeServer;
let http: HttpServer;
let tcp: NetServer;
let ours: Lookups;
let tcpConnections = 0;

beforeAll(async () => {
  dnsServer = await startFakeServer((q) => {
    const { name, type } = q.questions[0];
    if (name.toLowerCase() !== 'app.test') return [respond(q, { rcode: 3 })];
    const answers = type === 'A' ? [{ name, type: 'A' as const, class: 'IN' as const, ttl: 30, data: '127.0.0.1' }] : [];
    return [respond(q, { answers })];
  });
  ours = createLookup({ resolver: { servers: [dnsServer.server], timeout: 500, tries: 2, resolvConf: false }, hostsFile: false });
  http = createHttpServer((req, res) => res.end(`hello ${req.headers.host}`));
  http.listen(0, '127.0.0.1');
  tcp = createNetServer((socket) => {
    tcpConnections += 1;
    socket.destroy();
  });
  tcp.listen(0, '127.0.0.1');
  await Promise.all([once(http, 'listening'), once(tcp, 'listening')]);
});
afterAll(async () => {
  http.close();
  tcp.close();
  await dnsServer.close();
});

const portOf = (s: HttpServer | NetServer) => (s.address() as { port: number }).port;

describe('lookup() as the lookup option of node and undici clients', () => {
  it('net.connect', async () => {
    const before = tcpConnections;
    const socket = netConnect({ host: 'app.test', port: portOf(tcp), lookup: ours.lookup });
    await once(socket, 'connect');
    expect(socket.remoteAddress).toBe('127.0.0.1');
    socket.destroy();
    await expect.poll(() => tcpConnections).toBe(before + 1);
  });

  it('net.connect with autoSelectFamily off (the one-address form)', async () => {
    const socket = netConnect({ host: 'app.test', port: portOf(tcp), lookup: ours.lookup, autoSelectFamily: false });
    await once(socket, 'connect');
    expect(socket.remoteAddress).toBe('127.0.0.1');
    socket.destroy();
  });

  it('net.connect to a name that does not exist: the lookup error, not a hang', async () => {
    const socket = netConnect({ host: 'nope.test', port: portOf(tcp), lookup: ours.lookup });
    const [err] = await once(socket, 'error');
    expect(err).toMatchObject({ code: 'ENOTFOUND', syscall: 'getaddrinfo', hostname: 'nope.test' });
  });

  it('tls.connect: the TCP connection reaches the address our lookup gave', async () => {
    const before = tcpConnections;
    const socket = tlsConnect({ host: 'app.test', port: portOf(tcp), lookup: ours.lookup, servername: 'app.test' });
    socket.on('error', () => {}); // the plain TCP server hangs up during the handshake
    await expect.poll(() => tcpConnections).toBe(before + 1);
    socket.destroy();
  });

  it('http.request', async () => {
    const body = await get((cb) => request({ host: 'app.test', port: portOf(http), path: '/', lookup: ours.lookup }, cb));
    expect(body).toBe(`hello app.test:${portOf(http)}`);
  });

  it('http.Agent', async () => {
    const agent = new Agent({ lookup: ours.lookup } as ConstructorParameters<typeof Agent>[0]);
    try {
      const body = await get((cb) => request(`http://app.test:${portOf(http)}/`, { agent }, cb));
      expect(body).toBe(`hello app.test:${portOf(http)}`);
    } finally {
      agent.destroy();
    }
  });

  it('originLookup gives every address with its DNS TTL in ms, as undici keeps records', async () => {
    const records = await new Promise((resolve, reject) => ours.originLookup(new URL('http://app.test:8080/'), {}, (err, list) => (err ? reject(err) : resolve(list))));
    expect(records).toEqual([{ address: '127.0.0.1', family: 4, ttl: 30_000 }]);
  });

  it("undici's interceptors.dns with originLookup", async () => {
    const dispatcher = new UndiciAgent().compose(interceptors.dns({ lookup: ours.originLookup as never }));
    try {
      const res = await undiciRequest(`http://app.test:${portOf(http)}/`, { dispatcher });
      expect(res.statusCode).toBe(200);
      expect(await res.body.text()).toBe(`hello app.test:${portOf(http)}`);
    } finally {
      await dispatcher.close();
    }
  });
});

function get(start: (cb: (res: import('node:http').IncomingMessage) => void) => import('node:http').ClientRequest): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = start((res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve(body));
    });
    req.on('error', reject);
    req.end();
  });
}
