import { encode, Rcode, type Message, type MessageInit, type ResourceRecord } from '@port53/wire';
import { respond, type Reply } from './fake-server.js';

const enc = (s: string) => new TextEncoder().encode(s);
const rr = (name: string, type: string, data: unknown, ttl = 300) => ({ name, type, class: 'IN', ttl, data }) as ResourceRecord;

/** NAPTR rdata octets (RFC 3403 §4.1). */
function naptr(order: number, preference: number, flags: string, service: string, regexp: string, replacement: string): Uint8Array {
  const str = (s: string) => [s.length, ...enc(s)];
  const labels = replacement === '' ? [] : replacement.split('.');
  return Uint8Array.from([order >> 8, order & 0xff, preference >> 8, preference & 0xff, ...str(flags), ...str(service), ...str(regexp), ...labels.flatMap((l) => [l.length, ...enc(l)]), 0]);
}

/**
 * The zone both node:dns and our surface are asked about: every record type node:dns reads, CNAME
 * owners (in and out of zone, chains), NODATA, odd TTLs and TXT octets, and names whose server
 * misbehaves (SERVFAIL, REFUSED, NOTIMP, FORMERR, a record count beyond the data).
 */
export const AGREE_ZONE: ResourceRecord[] = [
  rr('agree.test', 'SOA', { mname: 'ns1.agree.test', rname: 'hostmaster.agree.test', serial: 2024010101, refresh: 7200, retry: 3600, expire: 1209600, minimum: 300 }, 3600),
  rr('agree.test', 'NS', 'ns1.agree.test', 3600),
  rr('agree.test', 'NS', 'ns2.agree.test', 3600),
  rr('agree.test', 'A', '192.0.2.1'),
  rr('agree.test', 'A', '192.0.2.2'),
  rr('agree.test', 'AAAA', '2001:db8::1'),
  rr('agree.test', 'MX', { preference: 10, exchange: 'mail.agree.test' }),
  rr('agree.test', 'MX', { preference: 20, exchange: 'mail2.agree.test' }),
  rr('agree.test', 'TXT', [enc('v=spf1 -all'), enc('second string')]),
  rr('agree.test', 'TXT', [enc('')]),
  rr('agree.test', 'CAA', { flags: 0, tag: 'issue', value: enc('ca.example') }),
  rr('agree.test', 'CAA', { flags: 128, tag: 'iodef', value: enc('mailto:sec@agree.test') }),
  rr('agree.test', 'NAPTR', naptr(100, 10, 'u', 'E2U+sip', '!^.*$!sip:info@agree.test!', '')),
  rr('agree.test', 'NAPTR', naptr(102, 10, 's', 'SIP+D2U', '', '_sip._udp.agree.test')),
  rr('alias.agree.test', 'CNAME', 'agree.test', 60),
  rr('chain.agree.test', 'CNAME', 'alias.agree.test', 120),
  rr('outside.agree.test', 'CNAME', 'target.elsewhere.test', 60),
  rr('loop1.agree.test', 'CNAME', 'loop2.agree.test'),
  rr('loop2.agree.test', 'CNAME', 'loop1.agree.test'),
  rr('txtonly.agree.test', 'TXT', [enc('only text here')]),
  rr('_sip._tcp.agree.test', 'SRV', { priority: 10, weight: 60, port: 5060, target: 'sip.agree.test' }),
  rr('_sip._tcp.agree.test', 'SRV', { priority: 20, weight: 0, port: 0, target: '.' }),
  rr('nullmx.agree.test', 'MX', { preference: 0, exchange: '.' }),
  rr('bigttl.agree.test', 'A', '192.0.2.9', 3333333333),
  rr('octets.agree.test', 'TXT', [Uint8Array.from([0x63, 0x61, 0x66, 0xc3, 0xa9]), Uint8Array.from([0xff, 0x00, 0x41])]),
  rr('1.2.0.192.in-addr.arpa', 'PTR', 'agree.test'),
  rr('1.2.0.192.in-addr.arpa', 'PTR', 'www.agree.test'),
  rr('3.2.0.192.in-addr.arpa', 'CNAME', '3.0-255.2.0.192.in-addr.arpa'),
  rr('3.0-255.2.0.192.in-addr.arpa', 'PTR', 'classless.agree.test'),
  rr('1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2.ip6.arpa', 'PTR', 'v6.agree.test'),
  rr('upper.agree.test', 'A', '192.0.2.10'),
];

/** Owners whose answers carry records of another owner, as a broken or hostile server sends. */
const STRAYS: Record<string, ResourceRecord[]> = {
  'stray.agree.test': [rr('other.agree.test', 'A', '192.0.2.66'), rr('other.agree.test', 'MX', { preference: 5, exchange: 'x.agree.test' })],
};

const RCODES: Record<string, number> = {
  'servfail.agree.test': Rcode.SERVFAIL,
  'refused.agree.test': Rcode.REFUSED,
  'notimp.agree.test': Rcode.NOTIMP,
  'formerr.agree.test': Rcode.FORMERR,
  '9.2.0.192.in-addr.arpa': Rcode.REFUSED,
};

/** An authoritative answer for the zone (CNAME chains followed inside it, RFC 1034 §4.3.2). */
export function agreeAnswer(query: Message): Reply[] {
  const q = query.questions[0];
  const qname = q.name.toLowerCase();
  if (qname in RCODES) return [respond(query, { rcode: RCODES[qname] })];
  if (qname === 'badcount.agree.test') return [badCount(query)];
  if (qname in STRAYS) return [respond(query, { answers: STRAYS[qname] })];
  const answers: ResourceRecord[] = [];
  let owner = qname;
  for (let hop = 0; hop < 8; hop++) {
    const here = AGREE_ZONE.filter((r) => r.name.toLowerCase() === owner);
    if (here.length === 0) return [respond(query, hop === 0 ? { rcode: Rcode.NXDOMAIN } : { answers })];
    const cname = here.find((r) => r.type === 'CNAME');
    if (cname && q.type !== 'CNAME') {
      answers.push({ ...cname, name: hop === 0 ? q.name : cname.name });
      owner = (cname.data as string).toLowerCase();
      continue;
    }
    answers.push(...here.filter((r) => r.type === q.type || q.type === 'ANY').map((r) => (hop === 0 ? { ...r, name: q.name } : r)));
    const authorities = answers.length === 0 ? AGREE_ZONE.filter((r) => r.type === 'SOA') : [];
    return [respond(query, { answers, authorities })];
  }
  return [respond(query, { answers })];
}

/** A reply to the right question whose ANCOUNT promises a record the message does not hold. */
function badCount(query: Message): Uint8Array {
  const init: MessageInit = respond(query, { answers: [] });
  delete init.edns;
  const bytes = Uint8Array.from(encode(init));
  bytes[7] = 1; // ANCOUNT = 1, no answer octets follow
  return bytes;
}
