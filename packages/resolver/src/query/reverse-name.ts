import { parseIPv4, parseIPv6, type Name } from '@port53/wire';

/** 192.0.2.1 → 1.2.0.192.in-addr.arpa (RFC 1035 §3.5); 2001:db8::1 → nibbles.ip6.arpa (RFC 3596 §2.5). */
export function reverseName(ip: string): Name | undefined {
  const v4 = parseIPv4(ip);
  if (v4) return `${[...v4].reverse().join('.')}.in-addr.arpa`;
  const v6 = parseIPv6(ip.replace(/%.*$/, ''));
  if (!v6) return undefined;
  const nibbles: string[] = [];
  for (let i = 15; i >= 0; i--) nibbles.push((v6[i] & 0x0f).toString(16), (v6[i] >> 4).toString(16));
  return `${nibbles.join('.')}.ip6.arpa`;
}
