const MAX_TTL = 0x7fffffff; // RFC 2181 §8
const UNIT: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86400, w: 604800 };

/**
 * "3600", "1h", "1w2d3h4m5s" (units in any case, as BIND accepts) → seconds; undefined when the
 * text is not a TTL or exceeds 2^31-1.
 */
export function parseTtl(text: string): number | undefined {
  if (/^\d+$/.test(text)) {
    const n = Number(text);
    return n <= MAX_TTL ? n : undefined;
  }
  if (!/^(\d+[smhdw])+$/i.test(text)) return undefined;
  let total = 0;
  for (const m of text.toLowerCase().matchAll(/(\d+)([smhdw])/g)) total += Number(m[1]) * UNIT[m[2]];
  return total <= MAX_TTL ? total : undefined;
}
