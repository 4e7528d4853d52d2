/** Record identity for zone differences: two records are the same when this key is (owner case aside). */
import { canonicalName, formatRdata } from '@port53/wire';
import type { ResourceRecord } from '@port53/wire';

export function recordKey(r: ResourceRecord): string {
  return `${canonicalName(r.name)}\u0000${r.type}\u0000${r.class}\u0000${r.ttl}\u0000${formatRdata(r)}`;
}
