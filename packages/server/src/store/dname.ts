import { formatLabels, MAX_NAME_LENGTH } from '@port53/wire';
import type { Name } from '@port53/wire';

/** A DNAME's target, decoded once at load time so that answering never re-reads rdata. */
export interface DnameTarget {
  name: Name;
  /** Octets of the target in wire form, root included: the rdata's length (RFC 6672 §2.1). */
  wireLength: number;
}

/**
 * The target of DNAME rdata: one uncompressed name (RFC 6672 §2.1, RFC 3597 §4), or undefined
 * when the octets are not exactly one well-formed name.
 */
export function dnameTarget(rdata: Uint8Array): DnameTarget | undefined {
  const labels: Uint8Array[] = [];
  let pos = 0;
  for (;;) {
    if (pos >= rdata.length) return undefined;
    const length = rdata[pos];
    if (length === 0) break;
    if (length > 63 || pos + 1 + length > rdata.length) return undefined; // compression pointers or overruns
    labels.push(rdata.subarray(pos + 1, pos + 1 + length));
    pos += 1 + length;
  }
  if (pos + 1 !== rdata.length || rdata.length > MAX_NAME_LENGTH) return undefined;
  return { name: formatLabels(labels), wireLength: rdata.length };
}
