/**
 * mulberry32: a tiny seeded PRNG, so generated inputs, drops and forgeries are the same on every
 * run (the bench's zones and query mix, the resolver's loss and spoofing tests).
 * @param {number} seed
 * @returns {() => number} uniform in [0, 1)
 */
export function seeded(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
