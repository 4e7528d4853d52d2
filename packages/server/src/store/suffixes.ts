import type { Name } from '@port53/wire';

const BACKSLASH = 0x5c;
const DOT = 0x2e;

/**
 * Every suffix of a canonical name, longest first, ending with the root:
 * "a.b.test" → ["a.b.test", "b.test", "test", "."]. One pass over the text, escape-aware, so a
 * lookup walks O(labels) map keys without re-parsing the name.
 */
export function suffixKeys(key: Name): string[] {
  if (key === '.' || key === '') return ['.'];
  const out = [key];
  for (let i = 0; i < key.length; i++) {
    const c = key.charCodeAt(i);
    if (c === BACKSLASH) i += 1; // the escaped character (or the first digit of \DDD) is never a separator
    else if (c === DOT) out.push(key.slice(i + 1));
  }
  out.push('.');
  return out;
}
