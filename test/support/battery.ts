import {
  canonicalName, fqdn, isSubdomain, parentName, splitName, type MessageInit, type ResourceRecord,
  type TypeName,
} from '@port53/wire';

/** One query of the differential battery. */
export interface Probe {
  label: string;
  message: MessageInit;
  tcp: boolean;
  /** The answer to ANY is policy (RFC 8482): compare rcode and flags, not the records. */
  any?: boolean;
}

export interface BatteryZone {
  origin: string;
  records: ResourceRecord[];
}

const COMMON: TypeName[] = ['A', 'AAAA', 'NS', 'SOA', 'MX', 'TXT', 'CNAME', 'DNAME', 'SRV', 'CAA', 'HINFO', 'PTR'];
const EDNS = { version: 0, udpPayloadSize: 1232, do: false, flags: 0, options: [] };

let nextId = 1;
function q(label: string, name: string, type: TypeName, over: Partial<MessageInit> = {}, tcp = false): Probe {
  return {
    label,
    tcp,
    message: {
      id: nextId++ & 0xffff,
      flags: { rd: false },
      questions: [{ name, type, class: 'IN' }],
      edns: EDNS,
      ...over,
    },
  };
}

/** Flips the case of every other letter: "www.example.test" → "wWw.ExAmPlE.TeSt". */
function mixedCase(name: string): string {
  let i = 0;
  return name.replace(/[a-z]/gi, (c) => (i++ % 2 ? c.toUpperCase() : c.toLowerCase()));
}

/**
 * The battery for the zones: every owner name × the common types, then the corner cases of RFC
 * 1034 §4.3.2, RFC 4592, RFC 2308, RFC 6891 and RFC 8906 derived from the zones' own shape.
 */
export function buildBattery(zones: BatteryZone[]): Probe[] {
  const probes: Probe[] = [];
  for (const zone of zones) {
    const origin = zone.origin;
    const owners = [...new Set(zone.records.map((r) => canonicalName(r.name)))];
    const cuts = owners.filter(
      (o) => o !== canonicalName(origin) && zone.records.some((r) => r.type === 'NS' && canonicalName(r.name) === o),
    );
    const below = (name: string) => cuts.some((c) => name !== c && isSubdomain(name, c));
    const wildcards = owners.filter((o) => o.startsWith('*.'));

    for (const owner of owners) {
      for (const type of COMMON) probes.push(q(`${owner} ${type}`, owner, type));
    }
    // Empty non-terminals: ancestors of owners that own nothing themselves.
    const ents = new Set<string>();
    for (const owner of owners) {
      for (let n = parentName(owner); n !== '.' && isSubdomain(n, origin) && n !== canonicalName(origin); n = parentName(n)) {
        if (!owners.includes(n)) ents.add(n);
      }
    }
    for (const ent of ents) {
      probes.push(q(`ENT ${ent} A`, ent, 'A'), q(`ENT ${ent} TXT`, ent, 'TXT'), q(`below ENT ${ent}`, `nx.${ent}`, 'A'));
    }
    for (const w of wildcards) {
      const parent = w.slice(2);
      probes.push(
        q(`wildcard match ${w}`, `match.${parent}`, 'A'),
        q(`wildcard match ${w} TXT`, `match.${parent}`, 'TXT'),
        q(`wildcard match ${w} MX`, `x.${parent}`, 'MX'),
        q(`two labels under ${w}`, `a.b.${parent}`, 'A'),
        q(`below ${w} itself`, `x.${w}`, 'A'),
      );
    }
    for (const cut of cuts) {
      probes.push(
        q(`delegation ${cut} A`, cut, 'A'),
        q(`delegation ${cut} NS`, cut, 'NS'),
        q(`delegation ${cut} DS`, cut, 'DS'),
        q(`below delegation ${cut}`, `www.${cut}`, 'A'),
        q(`deep below delegation ${cut}`, `a.b.c.${cut}`, 'MX'),
      );
    }
    // Nonexistent names beside and below existing ones.
    probes.push(q(`nxdomain beside apex ${origin}`, `does-not-exist.${origin}`, 'A'));
    for (const owner of owners.filter((o) => !below(o) && !o.startsWith('*')).slice(0, 12)) {
      probes.push(q(`below ${owner}`, `nx.${owner}`, 'A'));
    }
    // Whole-zone variants at the apex and at a few owners.
    const sample = owners.filter((o) => !below(o) && !o.startsWith('*')).slice(0, 6);
    for (const owner of [canonicalName(origin), ...sample]) {
      probes.push(
        { ...q(`ANY ${owner} udp`, owner, 'ANY'), any: true },
        { ...q(`ANY ${owner} tcp`, owner, 'ANY', {}, true), any: true },
        q(`unknown type ${owner}`, owner, 'TYPE65280'),
        q(`tcp ${owner} A`, owner, 'A', {}, true),
        q(`tcp ${owner} TXT`, owner, 'TXT', {}, true),
        q(`mixed case ${owner}`, mixedCase(owner), 'A'),
        q(`upper case ${owner} MX`, owner.toUpperCase(), 'MX'),
        q(`no EDNS ${owner}`, owner, 'A', { edns: undefined }),
        q(`no EDNS ${owner} SOA`, owner, 'SOA', { edns: undefined }),
        q(`RD set ${owner}`, owner, 'A', { flags: { rd: true } }),
        q(`DO bit ${owner}`, owner, 'A', { edns: { ...EDNS, do: true } }),
        q(`EDNS version 1 ${owner}`, owner, 'A', { edns: { ...EDNS, version: 1 } }),
        q(`unknown EDNS option ${owner}`, owner, 'A', { edns: { ...EDNS, options: [{ code: 65001, data: Uint8Array.of(1, 2, 3) }] } }),
        q(`unknown EDNS flags ${owner}`, owner, 'A', { edns: { ...EDNS, flags: 0x4000 } }),
        q(`bufsize 512 ${owner} TXT`, owner, 'TXT', { edns: { ...EDNS, udpPayloadSize: 512 } }),
        q(`bufsize 100 ${owner} ANY`, owner, 'TXT', { edns: { ...EDNS, udpPayloadSize: 100 } }),
      );
    }
    const apex = canonicalName(origin);
    for (const opcode of [1, 2, 3, 5, 15]) probes.push(q(`opcode ${opcode}`, apex, 'SOA', { opcode }));
    probes.push(
      q('class CH', apex, 'SOA', { questions: [{ name: apex, type: 'SOA', class: 'CH' }] }),
      q('class ANY', apex, 'SOA', { questions: [{ name: apex, type: 'SOA', class: 'ANY' }] }),
      q('class 42', apex, 'SOA', { questions: [{ name: apex, type: 'SOA', class: 'CLASS42' }] }),
      q('outside every zone', 'example.invalid', 'A'),
      q('root', '.', 'NS'),
      q('parent of the zone', splitName(apex).length > 1 ? parentName(apex) : '.', 'SOA'),
    );
  }
  return probes;
}

/** A record as a comparable string: lower-case owner and rdata names, TTL kept. */
export function recordKey(rr: ResourceRecord, format: (rr: ResourceRecord) => string): string {
  return format({ ...rr, name: canonicalName(rr.name) } as ResourceRecord).toLowerCase();
}

export { fqdn };
