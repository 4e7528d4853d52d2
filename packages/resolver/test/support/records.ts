import type { ResourceRecord } from '@port53/wire';

const enc = (s: string) => new TextEncoder().encode(s);

/** NAPTR rdata octets (RFC 3403 §4.1): the codec has no typed form for it. */
function naptr(order: number, preference: number, flags: string, service: string, regexp: string, replacement: string[]): Uint8Array {
  const str = (s: string) => [s.length, ...enc(s)];
  const name = [...replacement.flatMap((l) => [l.length, ...enc(l)]), 0];
  return Uint8Array.from([order >> 8, order & 0xff, preference >> 8, preference & 0xff, ...str(flags), ...str(service), ...str(regexp), ...name]);
}

/** The fixture zone the fake servers answer from. */
export const EXAMPLE: ResourceRecord[] = [
  { name: 'example.test', type: 'SOA', class: 'IN', ttl: 3600, data: { mname: 'ns1.example.test', rname: 'hostmaster.example.test', serial: 2024010101, refresh: 7200, retry: 3600, expire: 1209600, minimum: 300 } },
  { name: 'example.test', type: 'NS', class: 'IN', ttl: 3600, data: 'ns1.example.test' },
  { name: 'example.test', type: 'A', class: 'IN', ttl: 300, data: '192.0.2.1' },
  { name: 'example.test', type: 'A', class: 'IN', ttl: 300, data: '192.0.2.2' },
  { name: 'example.test', type: 'AAAA', class: 'IN', ttl: 300, data: '2001:db8::1' },
  { name: 'example.test', type: 'MX', class: 'IN', ttl: 300, data: { preference: 10, exchange: 'mail.example.test' } },
  { name: 'example.test', type: 'TXT', class: 'IN', ttl: 300, data: [enc('v=spf1 -all'), enc('second')] },
  { name: 'example.test', type: 'CAA', class: 'IN', ttl: 300, data: { flags: 0, tag: 'issue', value: enc('ca.example') } },
  { name: '_sip._udp.example.test', type: 'SRV', class: 'IN', ttl: 300, data: { priority: 1, weight: 5, port: 5060, target: 'sip.example.test' } },
  { name: 'www.example.test', type: 'CNAME', class: 'IN', ttl: 60, data: 'example.test' },
  { name: 'mail.example.test', type: 'A', class: 'IN', ttl: 300, data: '192.0.2.25' },
  { name: '1.2.0.192.in-addr.arpa', type: 'PTR', class: 'IN', ttl: 300, data: 'example.test' },
  { name: 'enum.example.test', type: 'NAPTR', class: 'IN', ttl: 300, data: naptr(100, 10, 'u', 'E2U+sip', '!^.*$!sip:info@example.test!', []) },
  { name: 'enum.example.test', type: 'NAPTR', class: 'IN', ttl: 300, data: naptr(102, 10, 's', 'SIP+D2U', '', ['_sip', '_udp', 'example', 'test']) },
  { name: 'host.search.test', type: 'A', class: 'IN', ttl: 300, data: '192.0.2.99' },
];
