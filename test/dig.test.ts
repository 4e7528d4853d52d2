// dig against createServer on port 0 serving the repository's zones/ (plus one fixture zone with
// an RRset larger than 512 octets): what a person typing dig sees.
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { createServer, type Server } from '@port53/server';
import { dig } from './support/dig.js';
import { describeWithTools } from './support/tools.js';

const zonesDir = fileURLToPath(new URL('../zones/', import.meta.url));
const bigZone = fileURLToPath(new URL('../packages/server/test/fixtures/server/server.test.zone', import.meta.url));

describeWithTools('dig against port53d', ['dig'], (tools) => {
  let server: Server;
  beforeAll(async () => {
    server = await createServer({ zonesDir, zones: [{ file: bigZone }], addresses: ['127.0.0.1'], port: 0 });
  });
  afterAll(() => server.close());
  const run = (...args: string[]) => dig(tools.dig, server.port, args);

  test('SOA over UDP: authoritative, no recursion available, EDNS echoed', async () => {
    const r = await run('example.test', 'SOA', '+norec');
    expect(r.status).toBe('NOERROR');
    expect(r.flags).toEqual(['qr', 'aa']);
    expect(r.transport).toBe('UDP');
    expect(r.edns).toBe(true);
    expect(r.answer).toHaveLength(1);
    expect(r.answer[0]).toMatch(/^example\.test\. 3600 IN SOA ns1\.example\.test\. hostmaster\.example\.test\. \d+ 7200 900 1209600 300$/);
  });

  test('ANY over TCP: authoritative answer', async () => {
    const r = await run('+tcp', 'example.test', 'ANY', '+norec');
    expect(r.transport).toBe('TCP');
    expect(r.status).toBe('NOERROR');
    expect(r.flags).toContain('aa');
    expect(r.answer.length).toBeGreaterThan(0);
  });

  test('A with RD set (dig default): answered, RD echoed, RA never set', async () => {
    const r = await run('host1.example.test', 'A');
    expect(r.flags).toEqual(['qr', 'aa', 'rd']);
    expect(r.answer.sort()).toEqual(['host1.example.test. 300 IN A 192.0.2.10', 'host1.example.test. 300 IN A 192.0.2.11', 'host1.example.test. 300 IN A 192.0.2.12']);
  });

  test('+bufsize=512 on a large RRset: TC over UDP (+ignore), then dig retries over TCP and gets it all', async () => {
    const truncated = await run('big.server.test', 'TXT', '+norec', '+bufsize=512', '+ignore');
    expect(truncated.flags).toContain('tc');
    expect(truncated.transport).toBe('UDP');
    expect(truncated.question).toEqual(['big.server.test. IN TXT']);
    const full = await run('big.server.test', 'TXT', '+norec', '+bufsize=512');
    expect(full.retriedOverTcp).toBe(true);
    expect(full.transport).toBe('TCP');
    expect(full.flags).not.toContain('tc');
    expect(full.answer).toHaveLength(9);
  });

  test('+noedns: no OPT in the reply, still an answer', async () => {
    const r = await run('mail.example.test', 'A', '+norec', '+noedns');
    expect(r.edns).toBe(false);
    expect(r.answer).toEqual(['mail.example.test. 3600 IN A 192.0.2.25']);
  });

  test('mixed case: the question comes back as sent, the answer matches', async () => {
    const r = await run('HoSt1.ExAmPlE.tEsT', 'AAAA', '+norec');
    expect(r.question).toEqual(['HoSt1.ExAmPlE.tEsT. IN AAAA']);
    expect(r.answer).toEqual(['HoSt1.ExAmPlE.tEsT. 300 IN AAAA 2001:db8::10']);
  });

  test('NXDOMAIN carries the SOA in authority; out-of-zone is REFUSED', async () => {
    const nx = await run('missing.example.test', 'A', '+norec');
    expect(nx.status).toBe('NXDOMAIN');
    expect(nx.flags).toContain('aa');
    expect(nx.authority[0]).toMatch(/^example\.test\. 300 IN SOA /);
    const refused = await run('www.not-served.test', 'A', '+norec');
    expect(refused.status).toBe('REFUSED');
    expect(refused.flags).not.toContain('aa');
  });

  test('a CNAME chain over TCP is followed inside the zone', async () => {
    const r = await run('+tcp', 'www.example.test', 'A', '+norec');
    expect(r.answer.slice(0, 2)).toEqual(['www.example.test. 3600 IN CNAME web.example.test.', 'web.example.test. 3600 IN CNAME host1.example.test.']);
    expect(r.answer.slice(2)).toHaveLength(3);
  });
});
