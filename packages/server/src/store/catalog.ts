import { canonicalName } from '@port53/wire';
import type { Name } from '@port53/wire';
import { suffixKeys } from './suffixes.js';
import { Zone } from './zone.js';
import type { ZoneContents } from './zone.js';

export class CatalogError extends Error {
  override readonly name = 'CatalogError';
  readonly code = 'DUPLICATE_ZONE';
  constructor(readonly zone: Name) {
    super(`zone ${zone} is loaded twice`);
  }
}

/** The zones served, keyed by canonical origin. Nested zones are both served; the deepest answers. */
export class Catalog {
  private readonly zones: Map<Name, Zone>;

  constructor(zones: Iterable<Zone>) {
    this.zones = new Map();
    for (const zone of zones) {
      if (this.zones.has(zone.key)) throw new CatalogError(zone.origin);
      this.zones.set(zone.key, zone);
    }
  }

  get size(): number {
    return this.zones.size;
  }

  /** Every zone, in no particular order. */
  all(): Zone[] {
    return [...this.zones.values()];
  }

  zone(origin: Name): Zone | undefined {
    return this.zones.get(canonicalName(origin));
  }

  /** The most specific zone containing `name`, or undefined when no served zone does. */
  findZone(name: Name): Zone | undefined {
    return this.zoneFor(suffixKeys(canonicalName(name)));
  }

  /**
   * The most specific zone for a name given by its canonical suffixes. With `aboveApex`, a zone
   * whose apex is the name itself is passed over for a served parent that delegates it (a DS
   * RRset lives on the parent side of the cut, RFC 4035 §3.1.4.1; NSD does the same).
   */
  zoneFor(suffixes: readonly Name[], aboveApex = false): Zone | undefined {
    let child: Zone | undefined;
    for (let i = 0; i < suffixes.length; i++) {
      const zone = this.zones.get(suffixes[i]);
      if (!zone) continue;
      if (i === 0 && aboveApex) {
        child = zone;
        continue;
      }
      if (child && !zone.node(suffixes[0])?.delegation) return child;
      return zone;
    }
    return child;
  }
}

/** Builds the catalog from loaded zones (the zone parser's `LoadedZone[]`). Throws ZoneStoreError or CatalogError. */
export function buildCatalog(zones: readonly ZoneContents[]): Catalog {
  return new Catalog(zones.map((z) => z.tree ?? new Zone(z)));
}
