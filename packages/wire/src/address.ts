import { isIPv4, isIPv6 } from 'node:net';

/** "192.0.2.1" → 4 octets, or undefined when the text is not a dotted quad. */
export function parseIPv4(text: string): Uint8Array | undefined {
  if (!isIPv4(text)) return undefined;
  return Uint8Array.from(text.split('.').map(Number));
}

export function formatIPv4(bytes: Uint8Array, offset = 0): string {
  return `${bytes[offset]}.${bytes[offset + 1]}.${bytes[offset + 2]}.${bytes[offset + 3]}`;
}

/** Any RFC 4291 text form (including an embedded IPv4 tail) → 16 octets; undefined if invalid. */
export function parseIPv6(text: string): Uint8Array | undefined {
  if (!isIPv6(text) || text.includes('%')) return undefined;
  let groups: number[] = [];
  let tail = text;
  const out = new Uint8Array(16);
  // An embedded IPv4 address takes the last two groups.
  const lastColon = tail.lastIndexOf(':');
  const v4 = tail.slice(lastColon + 1);
  let v4bytes: Uint8Array | undefined;
  if (v4.includes('.')) {
    v4bytes = parseIPv4(v4);
    if (!v4bytes) return undefined;
    tail = tail.slice(0, lastColon + 1) + '0:0';
  }
  const halves = tail.split('::');
  const parse = (s: string) => (s === '' ? [] : s.split(':').map((g) => parseInt(g, 16)));
  if (halves.length === 2) {
    const head = parse(halves[0]);
    const rest = parse(halves[1]);
    groups = [...head, ...new Array<number>(8 - head.length - rest.length).fill(0), ...rest];
  } else {
    groups = parse(halves[0]);
  }
  if (groups.length !== 8) return undefined;
  groups.forEach((g, i) => {
    out[i * 2] = g >> 8;
    out[i * 2 + 1] = g & 0xff;
  });
  if (v4bytes) out.set(v4bytes, 12);
  return out;
}

/** 16 octets → RFC 5952 text: lower case, no leading zeros, the longest run of ≥2 zero groups as "::". */
export function formatIPv6(bytes: Uint8Array, offset = 0): string {
  const groups: number[] = [];
  for (let i = 0; i < 8; i++) groups.push((bytes[offset + i * 2] << 8) | bytes[offset + i * 2 + 1]);
  let bestStart = -1;
  let bestLen = 1;
  for (let i = 0; i < 8; ) {
    if (groups[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLen) {
      bestStart = i;
      bestLen = j - i;
    }
    i = j;
  }
  const hex = (gs: number[]) => gs.map((g) => g.toString(16)).join(':');
  if (bestStart < 0) return hex(groups);
  return `${hex(groups.slice(0, bestStart))}::${hex(groups.slice(bestStart + bestLen))}`;
}
