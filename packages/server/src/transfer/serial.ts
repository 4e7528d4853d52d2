/** Serial number arithmetic (RFC 1982 §3.2, SERIAL_BITS 32). */

/** -1, 0 or 1 as `a` is before, equal to or after `b`; 0 also for the undefined case (exactly 2^31 apart). */
export function serialCompare(a: number, b: number): -1 | 0 | 1 {
  if (a === b) return 0;
  const d = (b - a) >>> 0;
  if (d === 0x80000000) return 0;
  return d < 0x80000000 ? -1 : 1;
}
