/** CHAOS-class identity records (RFC 4892): id.server, version.bind and their kin, as TXT. */
import type { Name, ResourceRecord } from './types.js';

const MAX_STRING = 255;

/**
 * The TXT record NSD and Knot answer for a CHAOS identity name: class CH, TTL 0, the text as
 * UTF-8 split into character-strings of at most 255 octets (RFC 1035 §3.3).
 */
export function chaosTxt(name: Name, text: string): ResourceRecord {
  const bytes = new TextEncoder().encode(text);
  const strings: Uint8Array[] = [];
  for (let i = 0; i < bytes.length; i += MAX_STRING) strings.push(bytes.subarray(i, i + MAX_STRING));
  if (strings.length === 0) strings.push(new Uint8Array(0));
  return { name, class: 'CH', ttl: 0, type: 'TXT', data: strings };
}
