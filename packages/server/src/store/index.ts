export { Zone, ZoneStoreError, buildZone } from './zone.js';
export type { RRset, ZoneNode, ZoneWalk, ZoneContents, ZoneStoreErrorCode } from './zone.js';
export { Catalog, CatalogError, buildCatalog } from './catalog.js';
