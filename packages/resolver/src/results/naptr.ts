import { formatLabels, type ResourceRecord } from '@port53/wire';

/** node:dns's NAPTR shape. */
export interface NaptrRecord {
  flags: string;
  service: string;
  regexp: string;
  replacement: string;
  order: number;
  preference: number;
}

const latin1 = new TextDecoder('latin1');

/**
 * NAPTR rdata (RFC 3403 §4.1), which the codec keeps as octets: ORDER, PREFERENCE, three
 * character-strings, REPLACEMENT (never compressed, RFC 3597 §4). Undefined when malformed.
 */
export function parseNaptr(rr: ResourceRecord): NaptrRecord | undefined {
  if (rr.type !== 'NAPTR' || !(rr.data instanceof Uint8Array)) return undefined;
  const b = rr.data;
  if (b.length < 4) return undefined;
  let pos = 4;
  const strings: string[] = [];
  for (let i = 0; i < 3; i++) {
    if (pos >= b.length || pos + 1 + b[pos] > b.length) return undefined;
    strings.push(latin1.decode(b.subarray(pos + 1, pos + 1 + b[pos])));
    pos += 1 + b[pos];
  }
  const labels: Uint8Array[] = [];
  for (;;) {
    if (pos >= b.length) return undefined;
    const len = b[pos];
    if (len === 0) break;
    if (len > 63 || pos + 1 + len > b.length) return undefined;
    labels.push(b.subarray(pos + 1, pos + 1 + len));
    pos += 1 + len;
  }
  if (pos + 1 !== b.length) return undefined;
  const replacement = formatLabels(labels);
  return {
    flags: strings[0],
    service: strings[1],
    regexp: strings[2],
    replacement: replacement === '.' ? '' : replacement,
    order: (b[0] << 8) | b[1],
    preference: (b[2] << 8) | b[3],
  };
}
