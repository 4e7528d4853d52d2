// Issue 15 §4: set()/delete() of @port53/server/testing bump the serial and NOTIFY too, and the
// change is there by IXFR for a secondary that asks.
import dgram from 'node:dgram';
import { expect, test } from 'vitest';
import { decode, encode, Opcode } from '@port53/wire';
import { createTestServer } from '../src/testing/index.js';
import { TcpStream } from '../../../test/support/tcp-stream.js';

test('a set() is announced by NOTIFY with the new serial and served by IXFR', async () => {
  const secondary = dgram.createSocket('udp4');
  await new Promise<void>((ok) => secondary.bind(0, '127.0.0.1', ok));
  const notifies: number[] = [];
  secondary.on('message', (m, from) => {
    const n = decode(m);
    const soa = n.answers[0];
    if (n.opcode === Opcode.NOTIFY && soa?.type === 'SOA') notifies.push(soa.data.serial);
    secondary.send(encode({ id: n.id, opcode: Opcode.NOTIFY, flags: { qr: true, aa: true }, questions: n.questions }), from.port, from.address);
  });
  await using dns = await createTestServer({
    zones: { 'app.test': { db: { A: '192.0.2.10' } } },
    transfers: { notify: [`127.0.0.1:${secondary.address().port}`], allowTransfer: ['127.0.0.1'] },
  });
  try {
    await dns.set('db.app.test', 'A', ['192.0.2.11']);
    await expect.poll(() => notifies, { timeout: 3000 }).toEqual([2]);
    await dns.delete('db.app.test');
    await expect.poll(() => notifies, { timeout: 3000 }).toEqual([2, 3]);

    const s = await TcpStream.open(dns.port);
    const have = { name: 'app.test', type: 'SOA' as const, class: 'IN' as const, ttl: 60, data: { mname: 'x', rname: 'x', serial: 1, refresh: 1, retry: 1, expire: 1, minimum: 1 } };
    await s.write(TcpStream.frame(encode({ id: 7, questions: [{ name: 'app.test', type: 'IXFR', class: 'IN' }], authorities: [have] })));
    const [reply] = await s.waitFrames(1);
    const records = decode(reply).answers.map((r) => (r.type === 'SOA' ? `SOA ${r.data.serial}` : `${r.name} ${r.type} ${r.type === 'A' ? r.data : ''}`));
    // Condensed from 1 to 3: 192.0.2.10 went, and 192.0.2.11 came and went, so it is in neither list.
    expect(records).toEqual(['SOA 3', 'SOA 1', 'db.app.test A 192.0.2.10', 'SOA 3', 'SOA 3']);
    s.destroy();
  } finally {
    secondary.close();
  }
});
