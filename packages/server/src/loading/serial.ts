/** RFC 1982 §3.2: serial s2 is greater than s1 in 32-bit serial number arithmetic. */
export function serialGreater(s2: number, s1: number): boolean {
  const a = s1 >>> 0;
  const b = s2 >>> 0;
  return (a < b && b - a < 0x80000000) || (a > b && a - b > 0x80000000);
}
