import { additionalNames, canonicalName, isSubdomain, RRType } from '@port53/wire';
import type { Name, ResourceRecord } from '@port53/wire';
import type { Catalog } from '../store/catalog.js';
import { suffixKeys } from '../store/suffixes.js';
import type { RRset, Zone, ZoneNode } from '../store/zone.js';

const ADDRESS_TYPES = [RRType.A, RRType.AAAA];

/**
 * The names whose addresses a record makes useful (RFC 1034 §3.7: NS, MX, SRV, and the others
 * the type table marks), without the root: a null MX (RFC 7505) or an SRV "." has no host.
 */
function targetsOf(record: ResourceRecord): Name[] {
  return additionalNames(record).filter((name) => name !== '.');
}

/** Keys "name/type" of the RRsets a message already holds, so additional data never repeats them. */
export function rrsetKeys(records: readonly ResourceRecord[]): Set<string> {
  return new Set(records.map((r) => `${canonicalName(r.name)}/${r.type}`));
}

/**
 * The A and AAAA RRsets of `node` not yet in the message (`key`: the canonical name they are
 * for). When `node` is the wildcard standing in for the target, the copies are owned by the
 * target (RFC 4592 §3.3); the target's own records keep their owner as written.
 */
function pushAddresses(node: ZoneNode, owner: Name, key: Name, have: Set<string>, out: ResourceRecord[]): void {
  for (const code of ADDRESS_TYPES) {
    const set = node.rrsets.get(code);
    if (!set) continue;
    const rrsetKey = `${key}/${set.type}`;
    if (have.has(rrsetKey)) continue;
    have.add(rrsetKey);
    if (node.key === key) out.push(...set.records);
    else for (const r of set.records) out.push({ ...r, name: owner });
  }
}

/**
 * The "*" child of the closest encloser of `key` when `key` itself does not exist (RFC 4592
 * §3.3.1): the deepest existing ancestor, found upwards since every ancestor of a node is one
 * (empty non-terminals included). Cuts are not stops here: glue below a cut may be a wildcard.
 */
function wildcardFor(zone: Zone, suffixes: readonly Name[]): ZoneNode | undefined {
  for (let i = 1; i < suffixes.length; i++) {
    const encloser = zone.node(suffixes[i]);
    if (encloser) return zone.node(encloser.key === '.' ? '*' : `*.${encloser.key}`);
    if (suffixes[i] === zone.key) return undefined;
  }
  return undefined;
}

/**
 * Glue for a referral (RFC 1034 §4.3.2 step 3b): addresses of the NS targets taken from the
 * delegating zone itself, whether below the cut (true glue) or elsewhere in the zone, and, as NSD
 * and Knot add them, from a wildcard when the target exists only through one (Knot's
 * glue_wildcard case: `NS a.ns.abc` with only `*.ns.abc AAAA` gives `a.ns.abc AAAA`).
 */
export function glue(zone: Zone, ns: RRset, have: Set<string>): ResourceRecord[] {
  const out: ResourceRecord[] = [];
  for (const record of ns.records) {
    for (const target of targetsOf(record)) {
      if (!isSubdomain(target, zone.origin)) continue;
      const key = canonicalName(target);
      const node = zone.node(key) ?? wildcardFor(zone, suffixKeys(key));
      if (node) pushAddresses(node, target, key, have, out);
    }
  }
  return out;
}

/**
 * Additional section processing (RFC 1034 §3.7, RFC 1035 §3.3): A and AAAA of NS, MX, SRV (and
 * the other types the type table marks: KX, AFSDB, RT, SVCB, HTTPS, ...)
 * targets that are authoritative data in any zone we serve (NSD and Knot look only in the zone
 * of the answer; the issue asks for every served zone), including a target that exists only
 * through a wildcard, synthesized with the target as owner (NSD and Knot). Names below a cut
 * (glue) are left out, as NSD leaves them (Knot adds them).
 */
export function additionalAddresses(catalog: Catalog, records: readonly ResourceRecord[], have: Set<string>): ResourceRecord[] {
  const out: ResourceRecord[] = [];
  for (const record of records) {
    for (const target of targetsOf(record)) {
      const suffixes = suffixKeys(canonicalName(target));
      const zone = catalog.zoneFor(suffixes);
      if (!zone) continue;
      const found = zone.walk(suffixes);
      if (found.cut || found.dname) continue;
      if (found.exact) {
        pushAddresses(found.node, target, suffixes[0], have, out);
        continue;
      }
      // found.node is the closest encloser: the walk stops at the first missing name.
      const wildcard = zone.node(found.node.key === '.' ? '*' : `*.${found.node.key}`);
      if (wildcard && !wildcard.delegation) pushAddresses(wildcard, target, suffixes[0], have, out);
    }
  }
  return out;
}
