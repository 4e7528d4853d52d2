/** BIND's $GENERATE: the range and the `$` substitution (BIND 9 ARM, "The $GENERATE Directive"). */

export interface GenerateRange {
  start: number;
  stop: number;
  step: number;
}

const MAX_VALUE = 0x7fffffff;

/** "start-stop" or "start-stop/step"; undefined when malformed, reversed or with a zero step. */
export function parseRange(text: string): GenerateRange | undefined {
  const m = /^(\d{1,10})-(\d{1,10})(?:\/(\d{1,10}))?$/.exec(text);
  if (!m) return undefined;
  const start = Number(m[1]);
  const stop = Number(m[2]);
  const step = m[3] === undefined ? 1 : Number(m[3]);
  if (start > stop || stop > MAX_VALUE || step < 1 || step > MAX_VALUE) return undefined;
  return { start, stop, step };
}

export function rangeCount(range: GenerateRange): number {
  return Math.floor((range.stop - range.start) / range.step) + 1;
}

/**
 * Replaces each unescaped `$` with the iterator, formatted by an optional `${offset,width,base}`
 * (base d, o, x, X, or n/N for reversed nibble labels). Backslash escapes are copied as written,
 * so `\$` stays a literal dollar for the name or rdata parser. Throws Error on a bad modifier.
 */
export function substitute(template: string, value: number): string {
  let out = '';
  let i = 0;
  while (i < template.length) {
    const c = template[i];
    if (c === '\\') {
      out += template.slice(i, i + 2);
      i += 2;
    } else if (c !== '$') {
      out += c;
      i++;
    } else if (template[i + 1] === '{') {
      const close = template.indexOf('}', i + 2);
      if (close < 0) throw new Error(`'\${' without '}' in "${template}"`);
      out += formatModified(template.slice(i + 2, close), value);
      i = close + 1;
    } else {
      out += String(value);
      i++;
    }
  }
  return out;
}

function formatModified(modifier: string, value: number): string {
  const m = /^([+-]?\d{1,10})(?:,(\d{1,3})(?:,([doxXnN]))?)?$/.exec(modifier);
  if (!m) throw new Error(`bad modifier "\${${modifier}}" (expected \${offset[,width[,base]]}, base d, o, x, X, n or N)`);
  const n = value + Number(m[1]);
  if (n < 0 || n > MAX_VALUE) throw new Error(`\${${modifier}} gives ${n}, outside 0..${MAX_VALUE}`);
  const width = m[2] === undefined ? 0 : Number(m[2]);
  const base = m[3] ?? 'd';
  if (base === 'n' || base === 'N') return nibbles(n, width, base === 'N');
  const radix = base === 'd' ? 10 : base === 'o' ? 8 : 16;
  const digits = base === 'X' ? n.toString(radix).toUpperCase() : n.toString(radix);
  return digits.padStart(width, '0');
}

/** Reversed nibbles as labels ("4.3.2.1" for 0x1234); width counts characters, dots included, as BIND. */
function nibbles(value: number, width: number, upper: boolean): string {
  let out = '';
  let rest = value;
  let left = width;
  do {
    const digit = (rest & 0xf).toString(16);
    out += upper ? digit.toUpperCase() : digit;
    rest = Math.floor(rest / 16);
    if (left > 0) left--;
    if (left > 0 || rest !== 0) {
      out += '.';
      if (left > 0) left--;
    }
  } while (rest !== 0 || left > 0);
  return out;
}
