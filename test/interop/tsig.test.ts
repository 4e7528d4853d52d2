// TSIG (RFC 8945) between port53d and the clients operators sign with: dig -y and kdig -y.
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { createServer, type Server } from '@port53/server';
import { describeWithTools } from '../support/tools.js';

const SECRET = Buffer.from('port53 tsig interop secret, 32 o').toString('base64');
const KEY = `hmac-sha256:xfr.key:${SECRET}`;
const KEY512 = `hmac-sha512:wide.key:${SECRET}`;

function run(tool: string, args: string[]): Promise<string> {
  return new Promise((resolve) => {
    execFile(tool, args, { timeout: 15_000, maxBuffer: 64 * 1024 * 1024 }, (_err, stdout, stderr) => resolve(`${stdout}\n${stderr}`));
  });
}

/** A zone big enough that its AXFR takes several messages. */
function bigZone(): string {
  const lines = ['$ORIGIN big.test.', '$TTL 300', '@ SOA ns1 hostmaster 7 3600 600 86400 300', '@ NS ns1', 'ns1 A 192.0.2.53'];
  for (let i = 0; i < 3000; i++) lines.push(`host${i} A 10.${(i >> 8) & 255}.${i & 255}.1`, `host${i} TXT "record ${i} of the big zone, padded to take room"`);
  return `${lines.join('\n')}\n`;
}

describeWithTools('TSIG with dig -y and kdig -y', ['dig', 'kdig'], (tools) => {
  let server: Server;
  let dir: string;
  let port: number;
  const dig = (...args: string[]) => run(tools.dig, ['@127.0.0.1', '-p', String(port), '+time=2', '+tries=1', ...args]);
  const kdig = (...args: string[]) => run(tools.kdig, ['@127.0.0.1', '-p', String(port), '+time=2', '+retry=0', ...args]);

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'port53-tsig-'));
    writeFileSync(join(dir, 'big.test.zone'), bigZone());
    server = await createServer({
      zones: [{ file: 'zones/example.test.zone' }, { file: join(dir, 'big.test.zone') }],
      addresses: ['127.0.0.1'],
      port: 0,
      tsigKeys: [KEY, KEY512],
      // 127.0.0.1 only with the key; 127.0.0.2 (dig -b) with the other key.
      allowTransfer: ['127.0.0.1/32@xfr.key', '127.0.0.2@wide.key'],
    });
    port = server.port;
  });
  afterAll(async () => {
    await server?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  test('a query signed with an unknown key: NOTAUTH, TSIG error BADKEY, unsigned (as NSD and Knot)', async () => {
    const out = await dig('-y', `hmac-sha256:nobody.key:${SECRET}`, 'example.test', 'SOA');
    expect(out).toMatch(/status: NOTAUTH/);
    expect(out).toMatch(/nobody\.key\.\s+0\s+ANY\s+TSIG\s+hmac-sha256\. \d+ 300 0 \d+ BADKEY 0/);
    expect(out).not.toMatch(/ANSWER SECTION/);
  });

  test('a wrong secret: NOTAUTH, BADSIG', async () => {
    const wrong = Buffer.from('a different secret, 32 octets!!!').toString('base64');
    const out = await kdig('-y', `hmac-sha256:xfr.key:${wrong}`, 'example.test', 'SOA');
    expect(out).toMatch(/status: BADSIG/); // kdig shows the TSIG error as the status; the header says NOTAUTH
  });

  test('a good key: the answer comes signed and both tools verify it', async () => {
    const d = await dig('-y', KEY, 'example.test', 'SOA');
    expect(d).toMatch(/status: NOERROR/);
    expect(d).toMatch(/xfr\.key\.\s+0\s+ANY\s+TSIG\s+hmac-sha256\. \d+ 300 32 \S+ \d+ NOERROR 0/);
    expect(d).not.toMatch(/Couldn't verify|tsig verify failure|could not be validated/i);
    const k = await kdig('-y', KEY512, 'example.test', 'SOA');
    expect(k).toMatch(/status: NOERROR/);
    expect(k).toMatch(/wide\.key\.\s+0\s+ANY\s+TSIG\s+hmac-sha512\./);
    expect(k).not.toMatch(/WARNING|failed to verify/i);
  });

  test('AXFR of 6,000 records in several messages, every one signed and verified by dig and kdig', async () => {
    const d = await dig('-y', KEY, 'big.test', 'AXFR');
    const size = /XFR size: (\d+) records \(messages (\d+)/.exec(d);
    expect(size, d.slice(-500)).not.toBeNull();
    expect(Number(size![1])).toBe(6004); // SOA, NS, A, 6000 host records, SOA again
    expect(Number(size![2])).toBeGreaterThan(3);
    expect(d).not.toMatch(/Couldn't verify|tsig verify failure|could not be validated|Transfer failed/i);
    const k = await kdig('-y', KEY, 'big.test', 'AXFR');
    expect(k).toMatch(/Received \d+ B \((\d+) messages, 6004 records\)/);
    expect(k).not.toMatch(/;; WARNING|;; ERROR/);
  });

  test('AXFR refused without the key, with a key not allowed from that address, and from an address not allowed', async () => {
    expect(await kdig('example.test', 'AXFR')).toMatch(/error 'REFUSED'/);
    expect(await kdig('-y', KEY512, 'example.test', 'AXFR')).toMatch(/error 'REFUSED'/);
    expect(await kdig('-b', '127.0.0.2', '-y', KEY, 'example.test', 'AXFR')).toMatch(/error 'REFUSED'/);
    expect(await kdig('-b', '127.0.0.2', '-y', KEY512, 'example.test', 'AXFR')).toMatch(/Received \d+ B \(1 messages, \d+ records\)/);
    expect(await kdig('-y', KEY, 'not-served.test', 'AXFR')).toMatch(/error 'NOTAUTH'/);
  });

  test('IXFR from an older serial with no history kept: the whole zone, AXFR-style, over TCP; the current serial: the SOA alone', async () => {
    const full = await dig('-y', KEY, 'big.test', 'IXFR=3');
    expect(full).toMatch(/XFR size: 6004 records/);
    const upToDate = await dig('-y', KEY, 'big.test', 'IXFR=7');
    expect(upToDate).toMatch(/XFR size: 1 records/);
  });
});
