import { TextError } from './errors.js';
import { detach } from './text/detach.js';
import type { Name } from './types.js';

export const MAX_LABEL_LENGTH = 63;
/** Octets in wire form, including the length octets and the root label (RFC 1035 §3.1). */
export const MAX_NAME_LENGTH = 255;
export const ROOT: Name = '.';

const BACKSLASH = 0x5c;
const DOT = 0x2e;
const encoder = new TextEncoder();

/** Octets written with a backslash before them in presentation format, as dig and NSD do. */
const SPECIAL = new Set([0x2e, 0x3b, 0x5c, 0x28, 0x29, 0x40, 0x24, 0x22]); // . ; \ ( ) @ $ "
/** 1 for the octets a label holds unescaped in presentation format (printable ASCII but SPECIAL). */
const PLAIN = Uint8Array.from({ length: 128 }, (_, b) => (b > 0x20 && b < 0x7f && !SPECIAL.has(b) ? 1 : 0));

/**
 * Splits presentation text into binary labels (RFC 1035 §5.1: `\X` is X, `\DDD` is the octet
 * DDD). A final dot is allowed and ignored; "." and "" are the root. Throws TextError.
 */
export function parseLabels(text: string): Uint8Array[] {
  if (text === '.' || text === '') return [];
  const bytes = encoder.encode(text);
  const labels: Uint8Array[] = [];
  let cur: number[] = [];
  let i = 0;
  let total = 1;
  const endLabel = () => {
    if (cur.length === 0) throw new TextError('BAD_NAME', `empty label in "${text}"`);
    if (cur.length > MAX_LABEL_LENGTH) {
      throw new TextError('LABEL_TOO_LONG', `label of ${cur.length} octets (max ${MAX_LABEL_LENGTH}) in "${text}"`);
    }
    total += cur.length + 1;
    labels.push(Uint8Array.from(cur));
    cur = [];
  };
  while (i < bytes.length) {
    const b = bytes[i];
    if (b === BACKSLASH) {
      if (i + 1 >= bytes.length) throw new TextError('BAD_ESCAPE', `dangling backslash in "${text}"`);
      const d1 = bytes[i + 1];
      if (d1 >= 0x30 && d1 <= 0x39) {
        const d2 = bytes[i + 2];
        const d3 = bytes[i + 3];
        if (d2 === undefined || d3 === undefined || d2 < 0x30 || d2 > 0x39 || d3 < 0x30 || d3 > 0x39) {
          throw new TextError('BAD_ESCAPE', `\\DDD needs three digits in "${text}"`);
        }
        const v = (d1 - 0x30) * 100 + (d2 - 0x30) * 10 + (d3 - 0x30);
        if (v > 255) throw new TextError('BAD_ESCAPE', `\\${v} is over 255 in "${text}"`);
        cur.push(v);
        i += 4;
      } else {
        cur.push(d1);
        i += 2;
      }
    } else if (b === DOT) {
      endLabel();
      i += 1;
      if (i === bytes.length) break; // the final dot of an absolute name
    } else {
      cur.push(b);
      i += 1;
    }
  }
  if (cur.length > 0 || bytes[bytes.length - 1] !== DOT) endLabel();
  if (total > MAX_NAME_LENGTH) {
    throw new TextError('NAME_TOO_LONG', `name of ${total} octets (max ${MAX_NAME_LENGTH}): "${text}"`);
  }
  return labels;
}

/** One label in presentation format, escaping what must be escaped. */
export function formatLabel(label: Uint8Array): string {
  let out = '';
  let plainStart = -1;
  for (let i = 0; i < label.length; i++) {
    const b = label[i];
    if (b > 0x20 && b < 0x7f && !SPECIAL.has(b)) {
      if (plainStart < 0) plainStart = i;
      continue;
    }
    if (plainStart >= 0) {
      out += String.fromCharCode(...label.subarray(plainStart, i));
      plainStart = -1;
    }
    out += SPECIAL.has(b) ? `\\${String.fromCharCode(b)}` : `\\${b.toString().padStart(3, '0')}`;
  }
  if (plainStart >= 0) out += String.fromCharCode(...label.subarray(plainStart));
  return out;
}

/** Labels to a Name (no final dot; the root is "."). */
export function formatLabels(labels: readonly Uint8Array[]): Name {
  if (labels.length === 0) return ROOT;
  return labels.map(formatLabel).join('.');
}

/** True when the text ends in an unescaped dot (or is "."). */
export function isAbsoluteText(text: string): boolean {
  if (text === '.') return true;
  if (!text.endsWith('.')) return false;
  let backslashes = 0;
  for (let i = text.length - 2; i >= 0 && text.charCodeAt(i) === BACKSLASH; i--) backslashes++;
  return backslashes % 2 === 0;
}

/**
 * Presentation text to a normalized absolute Name. Relative text (no final dot) is completed with
 * `origin`; "@" is the origin itself. Without an origin, relative text is taken as absolute
 * (as dig and node:dns do with user input).
 */
export function parseName(text: string, origin?: Name): Name {
  if (text === '@') {
    if (origin === undefined) throw new TextError('BAD_NAME', '"@" needs an origin');
    return origin;
  }
  const plain = plainWireLength(text);
  if (plain > 0) {
    // Fast path (zone loading): text that needs no escape is its own normal form.
    if (text.charCodeAt(text.length - 1) === DOT) return detach(text.slice(0, -1));
    if (origin === undefined || origin === ROOT) return detach(text);
    // join makes one flat string; a template would keep a rope of three parts per name.
    if (plain - 1 + plainOriginLength(origin) <= MAX_NAME_LENGTH) return [text, origin].join('.');
  }
  if (origin === undefined || isAbsoluteText(text)) return formatLabels(parseLabels(text));
  const labels = parseLabels(text);
  if (origin === ROOT) return formatLabels(labels);
  const joined = [...labels, ...parseLabels(origin)];
  // The limit applies to the completed name, not to the relative text (RFC 1035 §3.1).
  const total = joined.reduce((n, l) => n + l.length + 1, 1);
  if (total > MAX_NAME_LENGTH) {
    throw new TextError('NAME_TOO_LONG', `name of ${total} octets (max ${MAX_NAME_LENGTH}): "${text}" in ${origin}`);
  }
  return formatLabels(joined);
}

/**
 * Wire length (with the root octet) of text made only of printable ASCII that formatLabel writes
 * unescaped, in valid labels, with or without a final dot; 0 for anything else (escapes, other
 * octets, empty or long labels, the root), which the general path then handles or rejects.
 */
function plainWireLength(text: string): number {
  const n = text.length;
  let label = 0;
  let total = 1;
  for (let i = 0; i < n; i++) {
    const c = text.charCodeAt(i);
    if (c === DOT) {
      if (label === 0) return 0;
      total += label + 1;
      label = 0;
    } else if (c < 0x80 && PLAIN[c] === 1) {
      if (++label > MAX_LABEL_LENGTH) return 0;
    } else {
      return 0;
    }
  }
  total += label === 0 ? 0 : label + 1;
  return total > 1 && total <= MAX_NAME_LENGTH ? total : 0;
}

let lastOrigin: Name | undefined;
let lastOriginLength = Infinity;

/** Wire length of a plain normalized origin (no final dot), else Infinity; the last one is cached. */
function plainOriginLength(origin: Name): number {
  if (origin !== lastOrigin) {
    const length = origin.charCodeAt(origin.length - 1) === DOT ? 0 : plainWireLength(origin);
    lastOrigin = origin;
    lastOriginLength = length === 0 ? Infinity : length;
  }
  return lastOriginLength;
}

/**
 * The canonical (lower-case) form used for comparison and lookup keys (RFC 4034 §6.2).
 * Names in normal form write octets above 0x7e as \DDD, so only ASCII letters change.
 */
export function canonicalName(name: Name): Name {
  return name.toLowerCase();
}

export function namesEqual(a: Name, b: Name): boolean {
  return a === b || a.toLowerCase() === b.toLowerCase();
}

/** Escape-aware split of a normalized Name into its label texts; the root has none. */
export function splitName(name: Name): string[] {
  if (name === ROOT || name === '') return [];
  const out: string[] = [];
  let start = 0;
  for (let i = 0; i < name.length; i++) {
    const c = name.charCodeAt(i);
    if (c === BACKSLASH) {
      i += 1; // skip the escaped character (for \DDD the digits are harmless)
    } else if (c === DOT) {
      out.push(name.slice(start, i));
      start = i + 1;
    }
  }
  out.push(name.slice(start));
  return out;
}

export function labelCount(name: Name): number {
  return splitName(name).length;
}

/** The name with its first label removed; the parent of a top-level name is the root. */
export function parentName(name: Name): Name {
  const labels = splitName(name);
  return labels.length <= 1 ? ROOT : labels.slice(1).join('.');
}

/** True when `child` is `parent` or below it (label-wise, case-insensitive). */
export function isSubdomain(child: Name, parent: Name): boolean {
  if (parent === ROOT || parent === '') return true;
  return isCanonicalSubdomain(child.toLowerCase(), parent.toLowerCase());
}

/** isSubdomain for names already in canonical (lower-case) form: no case folding on hot paths. */
export function isCanonicalSubdomain(c: Name, p: Name): boolean {
  if (p === ROOT || p === '' || c === p) return true;
  if (c.length <= p.length + 1 || !c.endsWith(p) || c.charCodeAt(c.length - p.length - 1) !== DOT) return false;
  // The dot before the parent must not be escaped: count the backslashes in front of it.
  let backslashes = 0;
  for (let i = c.length - p.length - 2; i >= 0 && c.charCodeAt(i) === BACKSLASH; i--) backslashes++;
  return backslashes % 2 === 0;
}

/** `name` relative to `origin` for display ("www" for www.example.test in example.test; "@"). */
export function relativeName(name: Name, origin: Name): string {
  if (namesEqual(name, origin)) return '@';
  if (origin !== ROOT && isSubdomain(name, origin)) return name.slice(0, name.length - origin.length - 1);
  return fqdn(name);
}

/** The name with its final dot, as dig prints it. */
export function fqdn(name: Name): string {
  return name === ROOT || name === '' ? '.' : `${name}.`;
}

/** Length in wire form (uncompressed), counting the root octet. */
export function wireLength(name: Name): number {
  return parseLabels(name).reduce((n, l) => n + l.length + 1, 1);
}

/**
 * Octets that are exactly one uncompressed name in wire form (as in DNAME rdata, RFC 6672 §2.1
 * and RFC 3597 §4) → the Name; undefined for pointers, overruns, junk after the root or a name
 * over 255 octets.
 */
export function nameFromOctets(octets: Uint8Array): Name | undefined {
  const labels: Uint8Array[] = [];
  let pos = 0;
  for (;;) {
    if (pos >= octets.length) return undefined;
    const length = octets[pos];
    if (length === 0) break;
    if (length > MAX_LABEL_LENGTH || pos + 1 + length > octets.length) return undefined;
    labels.push(octets.subarray(pos + 1, pos + 1 + length));
    pos += 1 + length;
  }
  if (pos + 1 !== octets.length || octets.length > MAX_NAME_LENGTH) return undefined;
  return formatLabels(labels);
}
