import { TextError } from '../errors.js';

const encoder = new TextEncoder();

/**
 * Resolves the escapes of a character-string token (RFC 1035 §5.1: `\X` is X, `\DDD` the octet
 * DDD); non-ASCII text becomes its UTF-8 octets. `max` is 255 for a <character-string>.
 */
export function parseCharacterString(text: string, max = 255): Uint8Array {
  const bytes = encoder.encode(text);
  if (!text.includes('\\')) {
    if (bytes.length > max) throw new TextError('STRING_TOO_LONG', `string of ${bytes.length} octets (max ${max})`);
    return bytes;
  }
  const out: number[] = [];
  for (let i = 0; i < bytes.length; ) {
    const b = bytes[i];
    if (b !== 0x5c) {
      out.push(b);
      i++;
      continue;
    }
    const d1 = bytes[i + 1];
    if (d1 === undefined) throw new TextError('BAD_ESCAPE', 'dangling backslash');
    if (d1 >= 0x30 && d1 <= 0x39) {
      const d2 = bytes[i + 2];
      const d3 = bytes[i + 3];
      if (d2 === undefined || d3 === undefined || d2 < 0x30 || d2 > 0x39 || d3 < 0x30 || d3 > 0x39) {
        throw new TextError('BAD_ESCAPE', '\\DDD needs three digits');
      }
      const v = (d1 - 0x30) * 100 + (d2 - 0x30) * 10 + (d3 - 0x30);
      if (v > 255) throw new TextError('BAD_ESCAPE', `\\${v} is over 255`);
      out.push(v);
      i += 4;
    } else {
      out.push(d1);
      i += 2;
    }
  }
  if (out.length > max) throw new TextError('STRING_TOO_LONG', `string of ${out.length} octets (max ${max})`);
  return Uint8Array.from(out);
}

/** Octets → a quoted string as dig prints it: `"` and `\` escaped, non-printable octets as \DDD. */
export function formatCharacterString(bytes: Uint8Array): string {
  let out = '"';
  for (const b of bytes) {
    if (b === 0x22 || b === 0x5c) out += `\\${String.fromCharCode(b)}`;
    else if (b >= 0x20 && b < 0x7f) out += String.fromCharCode(b);
    else out += `\\${b.toString().padStart(3, '0')}`;
  }
  return `${out}"`;
}
