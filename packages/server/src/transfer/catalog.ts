/**
 * A catalog zone (RFC 9432) listing the zones port53d serves, so a secondary that interprets it
 * (Knot's `catalog-role: interpret`, BIND's catalog-zones) picks up added and removed zones
 * without being reconfigured. Schema version 2: `version` TXT "2", one PTR per member under
 * `zones`, each owned by a label unique to the member (a hash of its name, so a member keeps its
 * label across reloads and restarts, §4.1). The serial moves forward whenever the list changes.
 */
import { createHash } from 'node:crypto';
import { canonicalName, fqdn } from '@port53/wire';
import type { Name, ResourceRecord } from '@port53/wire';
import { Zone } from '../store/zone.js';
import type { LoadedZone } from '../zonefile/index.js';
import { serialCompare } from './serial.js';

/** The member's unique label (RFC 9432 §4.1): stable for a given zone name. */
function memberLabel(member: Name): string {
  return createHash('sha256').update(canonicalName(member)).digest('hex').slice(0, 16);
}

/** The catalog zone for `members` (its own name excluded), with `serial`. */
export function catalogZone(name: Name, members: readonly Name[], serial: number): LoadedZone {
  const ttl = 0; // RFC 9432 §4: the records are not meant for resolvers
  const own = canonicalName(name);
  const list = [...new Set(members.map(canonicalName))].filter((m) => m !== own).sort();
  const records: ResourceRecord[] = [
    { name, type: 'SOA', class: 'IN', ttl, data: { mname: 'invalid', rname: 'invalid', serial, refresh: 3600, retry: 600, expire: 2147483646, minimum: 0 } },
    { name, type: 'NS', class: 'IN', ttl, data: 'invalid' },
    { name: `version.${fqdn(name)}`.slice(0, -1), type: 'TXT', class: 'IN', ttl, data: [new TextEncoder().encode('2')] },
    ...list.map((m): ResourceRecord => ({ name: `${memberLabel(m)}.zones.${fqdn(name)}`.slice(0, -1), type: 'PTR', class: 'IN', ttl, data: m })),
  ];
  return { origin: name, file: `(catalog ${name})`, records, serial, warnings: [], tree: new Zone({ origin: name, records }) };
}

/** The members a catalog version lists, by canonical name. */
export function catalogMembers(zone: LoadedZone): string[] {
  return zone.records.flatMap((r) => (r.type === 'PTR' ? [canonicalName(r.data)] : [])).sort();
}

/**
 * The catalog after the served zones changed: the same version when the list is the same, else a
 * new one whose serial is the clock's seconds or one more than before, whichever is later.
 */
export function nextCatalog(name: Name, previous: LoadedZone | undefined, members: readonly Name[], now: number): LoadedZone {
  const wanted = [...new Set(members.map(canonicalName))].filter((m) => m !== canonicalName(name)).sort();
  if (previous && JSON.stringify(catalogMembers(previous)) === JSON.stringify(wanted)) return previous;
  const clock = now >>> 0;
  const serial = previous && serialCompare(clock, previous.serial) <= 0 ? (previous.serial + 1) >>> 0 : clock;
  return catalogZone(name, wanted, serial);
}
