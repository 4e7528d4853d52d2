import { formatIPv4, formatIPv6, parseIPv4, parseIPv6 } from '@port53/wire';

/**
 * The network a client address belongs to, as text ("192.0.2.0/24", "2001:db8:0:100::/56"): the
 * unit that TCP connection caps and RRL count, since one client (a site, a resolver farm) holds
 * many addresses of one prefix and a single host may be given a whole IPv6 /64. IPv4-mapped IPv6
 * addresses count as IPv4; an address that parses as neither is its own network.
 */
export function clientNetwork(address: string, v4Bits: number, v6Bits: number): string {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  const v4 = parseIPv4(mapped ? mapped[1] : address);
  if (v4) return `${formatIPv4(masked(v4, v4Bits))}/${v4Bits}`;
  const v6 = parseIPv6(address.split('%')[0]); // the zone index names a link, not a network
  if (v6) return `${formatIPv6(masked(v6, v6Bits))}/${v6Bits}`;
  return address;
}

function masked(octets: Uint8Array, bits: number): Uint8Array {
  const out = Uint8Array.from(octets);
  for (let i = 0; i < out.length; i++) {
    const keep = Math.max(0, Math.min(8, bits - i * 8));
    out[i] &= (0xff << (8 - keep)) & 0xff;
  }
  return out;
}
