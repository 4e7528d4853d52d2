// DNS cookies and the response rate limit (RFC 7873 §5.2.3, §5.2.5): a valid server cookie proves
// the source address, so it is never limited; a limited query with only a client cookie slips as
// BADCOOKIE with a fresh cookie instead of TC=1, as BIND does.
import { decode, decodeCookie, EdnsOptionCode, findOption, Rcode } from '@port53/wire';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { createServer, type Server } from '../src/index.js';
import { udpExchange } from '../../../test/support/loopback.mjs';
import { query } from './fixtures/query.js';

const zonesDir = fileURLToPath(new URL('../../../zones/', import.meta.url));
const CLIENT = Uint8Array.from([1, 2, 3, 4, 5, 6, 7, 8]);
let server: Server;
beforeAll(async () => {
  server = await createServer({ zonesDir, addresses: ['127.0.0.1'], port: 0, rrlRate: 5, rrlSlip: 1 });
});
afterAll(() => server?.close());

const ask = async (id: number, cookie?: Uint8Array) => {
  const edns = cookie ? { options: [{ code: EdnsOptionCode.COOKIE, data: cookie }] } : {};
  const reply = await udpExchange(server.port, query('www.example.test', 'A', 'IN', { id, edns }), { sameId: true });
  return decode(reply!);
};

test('over the rate, a client cookie gets BADCOOKIE and a server cookie; with it, the client is no longer limited', async () => {
  const first = [];
  for (let i = 0; i < 30; i++) first.push(await ask(100 + i, CLIENT));
  const full = first.filter((m) => m.rcode === Rcode.NOERROR && !m.flags.tc);
  const badCookie = first.filter((m) => m.rcode === Rcode.BADCOOKIE);
  expect(full.length).toBeGreaterThanOrEqual(5);
  expect(full.length).toBeLessThan(25); // the burst of 5 plus 5 a second while the loop runs
  expect(badCookie.length).toBe(30 - full.length); // slip 1: every limited reply is sent, none truncated
  const slipped = badCookie[0];
  expect([slipped.flags.tc, slipped.answers.length, slipped.questions[0].name]).toEqual([false, 0, 'www.example.test']);
  const cookie = decodeCookie(findOption(slipped.edns, EdnsOptionCode.COOKIE)!.data)!;
  expect(Buffer.from(cookie.client)).toEqual(Buffer.from(CLIENT));

  const withCookie = Uint8Array.from([...CLIENT, ...cookie.server!]);
  const second = [];
  for (let i = 0; i < 30; i++) second.push(await ask(200 + i, withCookie));
  expect(second.every((m) => m.rcode === Rcode.NOERROR && !m.flags.tc && m.answers.length > 0)).toBe(true);
  expect(server.stats.cookies.valid).toBeGreaterThanOrEqual(30);

  // Without a cookie the same client is still limited: slipped as TC=1.
  const plain = [];
  for (let i = 0; i < 10; i++) plain.push(await ask(300 + i));
  expect(plain.some((m) => m.flags.tc)).toBe(true);
});
