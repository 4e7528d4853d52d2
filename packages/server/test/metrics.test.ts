import { request } from 'node:http';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createServer, type Server } from '../src/index.js';
import { QueryCounts } from '../src/metrics/query-counts.js';
import { parseMetricsAddress } from '../src/metrics/endpoint.js';
import { udpBatchAddon } from '../src/transport/udp-batch.js';
import { RunningPort53d, runPort53d } from '../../../test/support/port53d.js';
import { tcpExchange, udpExchange } from '../../../test/support/loopback.mjs';
import { query } from './fixtures/query.js';

const zonesDir = fileURLToPath(new URL('../../../zones/', import.meta.url));

function get(port: number, urlPath: string): Promise<{ status: number; type: string; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path: urlPath }, (res) => {
      let body = '';
      res.on('data', (d: Buffer) => (body += d.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, type: String(res.headers['content-type']), body }));
    });
    req.on('error', reject);
    req.end();
  });
}

/** The value of one sample line, `name{labels} value`; undefined when absent. */
function sample(text: string, name: string, labels: Record<string, string> = {}): number | undefined {
  const want = Object.entries(labels).map(([k, v]) => `${k}="${v}"`);
  for (const line of text.split('\n')) {
    const m = /^([a-z0-9_]+)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!m || m[1] !== name) continue;
    const have = m[2] ? m[2].split(',') : [];
    if (want.every((w) => have.includes(w)) && have.length === want.length) return Number(m[3]);
  }
  return undefined;
}

describe('QueryCounts', () => {
  test('counts by transport, qtype and rcode; unknown qtypes are "other", no reply is rcode "none"', () => {
    const c = new QueryCounts();
    c.add('udp', 'A', 0);
    c.add('udp', 'A', 0);
    c.add('tcp', 'TYPE666', 0);
    c.add('udp', undefined, 1);
    c.add('udp', 'MX', undefined);
    expect(c.rows()).toEqual([
      { transport: 'udp', qtype: 'A', rcode: 0, count: 2 },
      { transport: 'udp', qtype: 'MX', rcode: 'none', count: 1 },
      { transport: 'udp', qtype: 'none', rcode: 1, count: 1 },
      { transport: 'tcp', qtype: 'other', rcode: 0, count: 1 },
    ]);
  });

  test.each([['127.0.0.1:9153', '127.0.0.1', 9153], ['[::1]:0', '::1', 0]])('--metrics %s', (text, address, port) => {
    expect(parseMetricsAddress(text)).toEqual({ address, port });
  });
  test.each([['9153'], ['localhost:9153'], ['127.0.0.1:70000'], ['::1:9153']])('--metrics %s is refused', (text) => {
    expect(() => parseMetricsAddress(text)).toThrow(TypeError);
  });
});

describe('GET /metrics', () => {
  let server: Server;
  beforeAll(async () => {
    server = await createServer({ zonesDir, addresses: ['127.0.0.1'], port: 0, metrics: '127.0.0.1:0' });
  });
  afterAll(() => server?.close());

  test('serves what the queries did, the zones and the addon, read from the server counters at scrape time', async () => {
    for (let i = 0; i < 3; i++) await udpExchange(server.port, query('www.example.test', 'A'));
    await udpExchange(server.port, query('nothere.example.test', 'AAAA'));
    await udpExchange(server.port, query('example.org', 'A'));
    await tcpExchange(server.port, query('example.test', 'SOA'));
    const { status, type, body } = await get(server.metrics!.port, '/metrics');
    expect([status, type]).toEqual([200, 'text/plain; version=0.0.4; charset=utf-8']);
    expect(sample(body, 'port53_queries_total', { transport: 'udp', qtype: 'A', rcode: 'NOERROR' })).toBe(3);
    expect(sample(body, 'port53_queries_total', { transport: 'udp', qtype: 'AAAA', rcode: 'NXDOMAIN' })).toBe(1);
    expect(sample(body, 'port53_queries_total', { transport: 'udp', qtype: 'A', rcode: 'REFUSED' })).toBe(1);
    expect(sample(body, 'port53_queries_total', { transport: 'tcp', qtype: 'SOA', rcode: 'NOERROR' })).toBe(1);
    expect(sample(body, 'port53_query_outcomes_total', { outcome: 'refused' })).toBe(1);
    expect(sample(body, 'port53_tcp_connections_total', { result: 'accepted' })).toBe(1);
    expect(sample(body, 'port53_rrl_responses_total', { action: 'dropped' })).toBe(0);
    const zone = server.zones().find((z) => z.origin === 'example.test')!;
    expect(sample(body, 'port53_zone_serial', { zone: 'example.test' })).toBe(zone.serial);
    expect(sample(body, 'port53_zone_records', { zone: 'example.test' })).toBe(zone.records);
    expect(sample(body, 'port53_zone_load_seconds', { zone: 'example.test' })).toBeGreaterThan(0);
    expect(sample(body, 'port53_zone_loads_total', { result: 'ok' })).toBe(server.zones().length);
    // www A asked three times: answered afresh once, then from the cache twice.
    expect(sample(body, 'port53_answer_cache_hits_total')).toBe(server.stats.answerCache.hits);
    expect(server.stats.answerCache.hits).toBeGreaterThanOrEqual(2);
    expect(sample(body, 'port53_answer_cache_entries')).toBe(server.stats.answerCache.entries);
    expect(sample(body, 'port53_process_resident_memory_bytes')).toBeGreaterThan(0);
    if (udpBatchAddon()) {
      // At least our 5 (a stray datagram from another test file may reach a reused port too).
      const u = server.stats.udpBatch!;
      expect(u).toMatchObject({ droppedSends: 0, receiveErrors: 0, handlerErrors: 0 });
      expect(u.received).toBeGreaterThanOrEqual(5);
      expect(u.received).toBe(server.stats.queries.udp);
      expect(sample(body, 'port53_udp_batch_total', { event: 'received' })).toBeGreaterThanOrEqual(5);
      expect(sample(body, 'port53_udp_batch_total', { event: 'sent' })).toBeGreaterThanOrEqual(5);
    } else {
      expect(server.stats.udpBatch).toBeUndefined();
    }
  });

  test('a reload shows in serials, loads and a fresh cache; other paths are 404', async () => {
    await server.reload();
    const { body } = await get(server.metrics!.port, '/metrics');
    // The zone files did not change since they were read: a reload does not load them again.
    expect(sample(body, 'port53_zone_loads_total', { result: 'ok' })).toBe(server.zones().length);
    expect(sample(body, 'port53_answer_cache_entries')).toBe(0);
    expect((await get(server.metrics!.port, '/')).status).toBe(404);
  });
});

describe('port53d --metrics', () => {
  test('logs where it serves, and the endpoint answers', async () => {
    const running = RunningPort53d.start(['--zones', zonesDir, '--address', '127.0.0.1', '--port', '0', '--metrics', '127.0.0.1:0']);
    try {
      const line = await running.waitLog((l) => l.event === 'metrics');
      expect((await get(line.port as number, '/metrics')).status).toBe(200);
    } finally {
      running.kill();
    }
  });

  test('a bad address: one line, exit 1', async () => {
    const r = await runPort53d(['--zones', path.resolve(zonesDir), '--metrics', 'localhost']);
    expect(r.code).toBe(1);
    expect(r.stderr.trim().split('\n')).toEqual([expect.stringContaining('--metrics "localhost": expected ADDRESS:PORT')]);
  });
});
