import { canonicalName, isSubdomain, RRType } from '@port53/wire';
import type { Name, ResourceRecord } from '@port53/wire';
import type { Catalog } from '../store/catalog.js';
import { suffixKeys } from '../store/suffixes.js';
import type { RRset, Zone, ZoneNode } from '../store/zone.js';

const ADDRESS_TYPES = [RRType.A, RRType.AAAA];

/** The name whose addresses a record makes useful (RFC 1035 §3.3.9 MX, §3.3.11 NS; RFC 2782 SRV). */
function targetOf(record: ResourceRecord): Name | undefined {
  switch (record.type) {
    case 'NS':
      return record.data;
    case 'MX':
      return record.data.exchange === '.' ? undefined : record.data.exchange; // RFC 7505 null MX
    case 'SRV':
      return record.data.target === '.' ? undefined : record.data.target; // RFC 2782: "." means no service
    default:
      return undefined;
  }
}

/** Keys "name/type" of the RRsets a message already holds, so additional data never repeats them. */
export function rrsetKeys(records: readonly ResourceRecord[]): Set<string> {
  return new Set(records.map((r) => `${canonicalName(r.name)}/${r.type}`));
}

function pushAddresses(node: ZoneNode, have: Set<string>, out: ResourceRecord[]): void {
  for (const code of ADDRESS_TYPES) {
    const set = node.rrsets.get(code);
    if (!set) continue;
    const key = `${node.key}/${set.type}`;
    if (have.has(key)) continue;
    have.add(key);
    out.push(...set.records);
  }
}

/**
 * Glue for a referral (RFC 1034 §4.3.2 step 3b): addresses of the NS targets taken from the
 * delegating zone itself, whether below the cut (true glue) or elsewhere in the zone.
 */
export function glue(zone: Zone, ns: RRset, have: Set<string>): ResourceRecord[] {
  const out: ResourceRecord[] = [];
  for (const record of ns.records) {
    const target = targetOf(record);
    if (target === undefined || !isSubdomain(target, zone.origin)) continue;
    const node = zone.node(canonicalName(target));
    if (node) pushAddresses(node, have, out);
  }
  return out;
}

/**
 * Additional section processing (RFC 1034 §3.7, RFC 1035 §3.3): A and AAAA of NS, MX and SRV
 * targets that are authoritative data in any zone we serve (NSD and Knot look only in the zone
 * of the answer; the issue asks for every served zone). Names below a cut (glue) and names only
 * matched by a wildcard are left out.
 */
export function additionalAddresses(catalog: Catalog, records: readonly ResourceRecord[], have: Set<string>): ResourceRecord[] {
  const out: ResourceRecord[] = [];
  for (const record of records) {
    const target = targetOf(record);
    if (target === undefined) continue;
    const suffixes = suffixKeys(canonicalName(target));
    const zone = catalog.zoneFor(suffixes);
    if (!zone) continue;
    const found = zone.walk(suffixes);
    if (found.exact && !found.cut) pushAddresses(found.node, have, out);
  }
  return out;
}
