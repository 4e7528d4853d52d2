import { fileURLToPath } from 'node:url';
import { canonicalName, decode, encode, type TypeName } from '@port53/wire';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { respond } from '../src/answer/respond.js';
import { createServer, type Server } from '../src/index.js';
import { buildCatalog, type Catalog } from '../src/store/catalog.js';
import { loadZone, type LoadedZone } from '../src/zonefile/index.js';
import { TcpStream } from '../../../test/support/tcp-stream.js';
import { udpExchange } from '../../../test/support/loopback.mjs';

const zonesDir = fileURLToPath(new URL('../../../zones/', import.meta.url));

/**
 * The worst response/query size ratio over UDP for zones/example.test.zone, as computed below
 * and quoted in docs/security.md. A change that makes replies larger fails here first.
 */
const WORST_RATIO = { withoutEdns: 10.21, withEdns: 8.01 };

let zone: LoadedZone;
let catalog: Catalog;
beforeAll(async () => {
  zone = await loadZone({ file: `${zonesDir}example.test.zone` });
  catalog = buildCatalog([zone]);
});

/** The smallest query a client can send for name/type: ID, flags 0, one question, and an OPT with no options when asked. */
function minimalQuery(name: string, type: TypeName, edns: boolean): Uint8Array {
  return encode({ id: 1, flags: { rd: false }, questions: [{ name, type, class: 'IN' }], edns: edns ? { version: 0, udpPayloadSize: 4096, do: false, flags: 0, options: [] } : undefined });
}

describe('ANY over UDP (RFC 8482)', () => {
  let server: Server;
  beforeAll(async () => {
    server = await createServer({ zonesDir, addresses: ['127.0.0.1'], port: 0 });
  });
  afterAll(() => server.close());

  test('gets one RRset over UDP, every RRset over TCP', async () => {
    const q = minimalQuery('example.test', 'ANY', true);
    const udp = decode((await udpExchange(server.port, q))!);
    expect(udp.rcode).toBe(0);
    expect(udp.flags.tc).toBe(false);
    expect(new Set(udp.answers.map((r) => r.type)).size).toBe(1);

    const s = await TcpStream.open(server.port);
    await s.write(TcpStream.frame(q));
    const tcp = decode((await s.waitFrames(1))[0]);
    s.destroy();
    const apexTypes = new Set(zone.records.filter((r) => canonicalName(r.name) === 'example.test').map((r) => r.type));
    expect(new Set(tcp.answers.map((r) => r.type))).toEqual(apexTypes);
    expect(apexTypes.size).toBeGreaterThanOrEqual(6);
  });
});

describe('worst-case amplification over UDP for zones/example.test.zone', () => {
  test('every owner × type (and names under the wildcard, the delegation and none), with and without EDNS', () => {
    const owners = [...new Set(zone.records.map((r) => canonicalName(r.name)))];
    const names = [...owners, 'x.wild.example.test', 'www.sub.example.test', 'nx.example.test'];
    const types = [...new Set<TypeName>([...zone.records.map((r) => r.type as TypeName), 'ANY', 'A', 'AAAA', 'MX', 'TXT', 'NS', 'SOA', 'SRV', 'CAA', 'PTR', 'DS', 'HINFO'])];
    const worst = { withoutEdns: { ratio: 0, what: '' }, withEdns: { ratio: 0, what: '' } };
    for (const name of names) {
      for (const type of types) {
        for (const edns of [false, true]) {
          const q = minimalQuery(name, type, edns);
          const reply = respond(q, catalog, 'udp').reply!;
          // The size limits: 512 octets without EDNS (RFC 1035 §4.2.1), our 1232 with it.
          expect(reply.length).toBeLessThanOrEqual(edns ? 1232 : 512);
          const ratio = reply.length / q.length;
          const slot = edns ? worst.withEdns : worst.withoutEdns;
          if (ratio > slot.ratio) Object.assign(slot, { ratio, what: `${name} ${type}: ${q.length} → ${reply.length} octets` });
        }
      }
    }
    process.stdout.write(`amplification: without EDNS ${worst.withoutEdns.ratio.toFixed(2)} (${worst.withoutEdns.what}); with EDNS ${worst.withEdns.ratio.toFixed(2)} (${worst.withEdns.what})\n`);
    expect(worst.withoutEdns.ratio).toBeLessThanOrEqual(WORST_RATIO.withoutEdns);
    expect(worst.withEdns.ratio).toBeLessThanOrEqual(WORST_RATIO.withEdns);
  });
});
