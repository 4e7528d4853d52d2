/**
 * The narrow view of the zone set that transfers need: the version of a zone served now, as an
 * immutable snapshot. A transfer holds its snapshot from first message to last, so a reload that
 * lands meanwhile changes what the next transfer sees, never this one (RFC 5936 §6).
 */
import { canonicalName, RRType, typeFromString } from '@port53/wire';
import type { Name, RecordOf, ResourceRecord } from '@port53/wire';

export interface ZoneVersion {
  origin: Name;
  serial: number;
  /** Every record of the version, the apex SOA among them; never mutated. */
  records: readonly ResourceRecord[];
}

export interface ZoneVersions {
  /** The version of the zone whose origin is `origin` (any case), or undefined when it is not served. */
  current(origin: Name): ZoneVersion | undefined;
}

/** The apex SOA of a version. */
export function apexSoa(version: ZoneVersion): RecordOf<'SOA'> {
  const key = canonicalName(version.origin);
  for (const r of version.records) {
    if (r.type === 'SOA' && canonicalName(r.name) === key) return r;
  }
  throw new Error(`zone ${version.origin} has no SOA`);
}

/** Every record but the apex SOA, in the version's order. */
export function withoutApexSoa(version: ZoneVersion): ResourceRecord[] {
  const key = canonicalName(version.origin);
  return version.records.filter((r) => !(typeFromString(r.type) === RRType.SOA && canonicalName(r.name) === key));
}
