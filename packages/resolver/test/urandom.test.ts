import { describe, expect, it } from 'vitest';
import { randomBytes, randomFillSync } from '../src/cli/urandom.js';

// The CLI bundle's node:crypto for query IDs and 0x20 bits (scripts/bundle-cli.mjs).
describe('urandom (the CLI bundle in place of node:crypto)', () => {
  it('fills exactly the view it is given, with bytes that differ from one call to the next', () => {
    const backing = new Uint8Array(2 + 128 + 2);
    const view = new Uint16Array(backing.buffer, 2, 64);
    expect(randomFillSync(view)).toBe(view);
    expect([...backing.subarray(0, 2), ...backing.subarray(130)]).toEqual([0, 0, 0, 0]);
    const first = Buffer.from(backing.subarray(2, 130));
    randomFillSync(view);
    const second = Buffer.from(backing.subarray(2, 130));
    // 128 random octets: all zero, or equal twice, with odds of 2^-1024
    expect(first.equals(Buffer.alloc(128))).toBe(false);
    expect(first.equals(second)).toBe(false);
  });

  it('randomBytes(n) is a Buffer of n octets', () => {
    expect(randomBytes(0)).toHaveLength(0);
    const b = randomBytes(33);
    expect(Buffer.isBuffer(b)).toBe(true);
    expect(b).toHaveLength(33);
  });
});
