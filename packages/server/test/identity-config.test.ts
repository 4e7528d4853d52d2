import { hostname } from 'node:os';
import { describe, expect, test } from 'vitest';
import { IdentityConfigError, parseNsid, serverIdentity } from '../src/identity-config.js';
import { runPort53d } from '../../../test/support/port53d.js';

const text = (b: Uint8Array) => Buffer.from(b).toString('latin1');

describe('--nsid in NSD\'s and Knot\'s forms', () => {
  test.each([
    ['ascii_ns1.example', 'ns1.example'],
    ['6e7331', 'ns1'], // NSD: hex digits
    ['0x6e7331', 'ns1'], // Knot: 0x
    ['ns1', 'ns1'], // not hex: text
    ['abc', 'abc'], // odd length: not octets, so text
  ])('%s → %s', (spec, expected) => {
    expect(text(parseNsid(spec))).toBe(expected);
  });

  test('0x with no even hex after it, or over 128 octets, is refused', () => {
    expect(() => parseNsid('0x123')).toThrow(IdentityConfigError);
    expect(() => serverIdentity({ nsid: `ascii_${'x'.repeat(129)}` })).toThrow(IdentityConfigError);
  });

  test('defaults: the host name, "port53d VERSION", no NSID', () => {
    const id = serverIdentity({});
    expect(id.identity).toBe(hostname());
    expect(id.version).toMatch(/^port53d \d+\.\d+\.\d+/);
    expect(id.nsid).toBeUndefined();
    expect(serverIdentity({ nsid: '' }).nsid).toBeUndefined();
  });

  test('port53d --nsid 0xZZ: one line, exit 1', async () => {
    const r = await runPort53d(['--nsid', '0xZZ']);
    expect(r.code).toBe(1);
    expect(r.stderr.trim().split('\n')).toEqual([expect.stringContaining('--nsid: nsid "0xZZ"')]);
  });
});
