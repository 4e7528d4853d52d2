// Signed queries at the server (RFC 8945 §5.2): every bad one answered NOTAUTH with its TSIG error,
// but a flood of them does not flood the log.
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { expect, test } from 'vitest';
import { decode, encode, findTsig, nowSeconds, parseTsigKey, signMessage } from '@port53/wire';
import { createServer } from '../src/index.js';
import { udpExchange } from '../../../test/support/loopback.mjs';

test('50 queries signed with an unknown key: 50 NOTAUTH/BADKEY answers, at most 10 log lines a second', async () => {
  const lines: Record<string, unknown>[] = [];
  const logger = pino({ level: 'info' }, new Writable({
    write(chunk: Buffer, _enc, done) {
      for (const line of chunk.toString().split('\n')) if (line) lines.push(JSON.parse(line) as Record<string, unknown>);
      done();
    },
  }));
  const server = await createServer({ zones: [{ file: 'zones/example.test.zone' }], addresses: ['127.0.0.1'], port: 0, logger, tcp: false, tsigKeys: ['hmac-sha256:known:c2VjcmV0c2VjcmV0'] });
  try {
    const stranger = parseTsigKey('hmac-sha256:stranger:c2VjcmV0c2VjcmV0');
    const started = Date.now();
    const replies = await Promise.all(Array.from({ length: 50 }, (_, i) => {
      const q = signMessage(encode({ id: i + 1, questions: [{ name: 'example.test', type: 'SOA', class: 'IN' }] }), stranger, { now: nowSeconds() }).bytes;
      return udpExchange(server.port, q, { sameId: true });
    }));
    const seconds = Math.ceil((Date.now() - started) / 1000) + 1;
    for (const r of replies) {
      expect(decode(r!).rcode).toBe(9);
      expect(findTsig(r!)!.tsig).toMatchObject({ keyName: 'stranger', error: 17 });
    }
    const logged = lines.filter((l) => l.event === 'tsig-rejected');
    expect(logged.length).toBeGreaterThanOrEqual(1);
    expect(logged.length).toBeLessThanOrEqual(10 * seconds);
    expect(server.stats.outcomes.refused).toBe(50);
  } finally {
    await server.close();
  }
});
