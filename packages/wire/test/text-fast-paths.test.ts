import { isIPv4, isIPv6 } from 'node:net';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatIPv6, formatLabels, parseIPv4, parseIPv6, parseLabels, parseName, TextError } from '@port53/wire';
import { isCanonicalIPv4, normalizeIPv6 } from '../src/address.js';

// The zone loader's fast paths (plain names, hand-scanned addresses) must agree with the general
// code on every input, valid or not: these properties pin them to reference implementations.

/** parseName as it was before its fast path: labels out, labels back in. */
function referenceName(text: string, origin?: string): string {
  if (text === '@') {
    if (origin === undefined) throw new TextError('BAD_NAME', '"@" needs an origin');
    return origin;
  }
  const absolute = text === '.' || (text.endsWith('.') && (text.length - 1 - text.slice(0, -1).replace(/\\+$/, '').length) % 2 === 0);
  if (origin === undefined || absolute || origin === '.') return formatLabels(parseLabels(text));
  const joined = [...parseLabels(text), ...parseLabels(origin)];
  const total = joined.reduce((n, l) => n + l.length + 1, 1);
  if (total > 255) throw new TextError('NAME_TOO_LONG', 'too long');
  return formatLabels(joined);
}

function outcome(fn: () => unknown): unknown {
  try {
    return { ok: fn() };
  } catch (e) {
    return { error: (e as TextError).code };
  }
}

const nameChar = fc.constantFrom(...'aZ09-_.\\@$;()"*/ é'.split(''), 'x'.repeat(30), '\\046', '\\256', '\\.', '..');
const nameText = fc.oneof(
  fc.array(nameChar, { maxLength: 12 }).map((cs) => cs.join('')),
  fc.array(fc.stringMatching(/^[a-zA-Z0-9-]{1,64}$/), { minLength: 1, maxLength: 6 }).map((ls) => ls.join('.')),
  fc.array(fc.stringMatching(/^[a-z]{1,63}$/), { minLength: 3, maxLength: 6 }).map((ls) => `${ls.join('.')}.`),
);
const origin = fc.constantFrom(undefined, '.', 'example.test', 'Example.TEST', 'a\\.b.test', 'example.test.', `${'o'.repeat(63)}.${'p'.repeat(63)}.${'q'.repeat(60)}`);

describe('text fast paths agree with the general code', () => {
  it('parseName: plain text, escapes, long and empty labels, every kind of origin', () => {
    fc.assert(
      fc.property(nameText, origin, (text, o) => {
        expect(outcome(() => parseName(text, o))).toEqual(outcome(() => referenceName(text, o)));
      }),
      { numRuns: 5000 },
    );
  });

  it('parseName: names right at the 255-octet limit, absolute and completed with an origin', () => {
    const l63 = 'a'.repeat(63);
    for (const [text, o] of [
      [`${l63}.${l63}.${l63}.${'b'.repeat(61)}`, undefined],
      [`${l63}.${l63}.${l63}.${'b'.repeat(62)}`, undefined],
      [`${l63}.${l63}.${'b'.repeat(57)}`, 'ex.test'],
      [`${l63}.${l63}.${'b'.repeat(58)}`, 'ex.test'],
    ] as const) {
      expect(outcome(() => parseName(text, o))).toEqual(outcome(() => referenceName(text, o)));
    }
  });

  const digits = fc.oneof(fc.integer({ min: 0, max: 300 }).map(String), fc.constantFrom('00', '01', '007', '1a', '', '-1', '2555'));
  const quad = fc.oneof(
    fc.array(digits, { minLength: 3, maxLength: 5 }).map((ps) => ps.join('.')),
    fc.constantFrom('1.2.3.4.', '.1.2.3', '1..2.3', '1.2.3.4 ', ' 1.2.3.4', '１.2.3.4'),
  );

  it('isCanonicalIPv4 accepts exactly what node:net isIPv4 does, and parseIPv4 gives its octets', () => {
    fc.assert(
      fc.property(quad, (text) => {
        expect(isCanonicalIPv4(text)).toBe(isIPv4(text));
        const bytes = parseIPv4(text);
        expect(bytes && [...bytes]).toEqual(isIPv4(text) ? text.split('.').map(Number) : undefined);
      }),
      { numRuns: 3000 },
    );
  });

  /** parseIPv6 before its fast path, for hex-only forms. */
  function referenceIPv6(text: string): number[] | undefined {
    if (!isIPv6(text) || text.includes('%') || text.includes('.')) return undefined;
    const parse = (s: string) => (s === '' ? [] : s.split(':').map((g) => parseInt(g, 16)));
    const halves = text.split('::');
    const groups = halves.length === 2 ? [...parse(halves[0]), ...new Array<number>(8 - parse(halves[0]).length - parse(halves[1]).length).fill(0), ...parse(halves[1])] : parse(halves[0]);
    return groups.flatMap((g) => [g >> 8, g & 0xff]);
  }

  const group = fc.oneof(fc.integer({ min: 0, max: 0xffff }).map((g) => g.toString(16)), fc.constantFrom('0000', 'FFFF', 'aB', '00000', 'g', '', ':'));
  const v6 = fc.array(group, { minLength: 1, maxLength: 10 }).chain((gs) =>
    fc.integer({ min: -1, max: gs.length }).map((gap) => (gap < 0 ? gs.join(':') : `${gs.slice(0, gap).join(':')}::${gs.slice(gap).join(':')}`)),
  );

  it('parseIPv6 on hex forms agrees with node:net isIPv6 and the general parser', () => {
    fc.assert(
      fc.property(v6, (text) => {
        const bytes = parseIPv6(text);
        expect(bytes && [...bytes]).toEqual(referenceIPv6(text));
        expect(normalizeIPv6(text)).toBe(bytes && formatIPv6(bytes));
      }),
      { numRuns: 5000 },
    );
  });

  it('normalizeIPv6 with an IPv4 tail or a zone goes the general way', () => {
    for (const text of ['::ffff:192.0.2.1', '64:ff9b::192.0.2.33', '::192.0.2.1', 'fe80::1%eth0', '::ffff:192.0.2.256', '1:2:3:4:5:6:1.2.3.4']) {
      const bytes = parseIPv6(text);
      expect(normalizeIPv6(text)).toBe(bytes && formatIPv6(bytes));
    }
    expect(normalizeIPv6('::ffff:192.0.2.1')).toBe('::ffff:192.0.2.1');
  });
});
