import { randomBytes } from 'node:crypto';
import type { Name } from '@port53/wire';

/**
 * Flips the case of each ASCII letter at random (draft-vixie-dnsext-dns0x20): a forger must then
 * guess the case pattern as well as the ID and port. Letters never follow a backslash in a
 * normalized name, so escapes are left intact.
 */
export function randomizeCase(name: Name): Name {
  const bits = randomBytes(Math.ceil(name.length / 8));
  let out = '';
  for (let i = 0; i < name.length; i++) {
    const c = name[i];
    const lower = c.toLowerCase();
    const upper = c.toUpperCase();
    if (lower === upper || c.charCodeAt(0) > 0x7f) {
      out += c;
      continue;
    }
    out += (bits[i >> 3] >> (i & 7)) & 1 ? upper : lower;
  }
  return out;
}
