import { describe, expect, test } from 'vitest';
import {
  TextError, canonicalName, formatLabels, fqdn, isAbsoluteText, isSubdomain, labelCount, parentName,
  parseLabels, parseName, relativeName, splitName, wireLength,
} from '@port53/wire';
import { expectTextError } from './wire-fixtures.js';

const bytes = (...xs: (string | number[])[]) =>
  xs.map((x) => (typeof x === 'string' ? new TextEncoder().encode(x) : Uint8Array.from(x)));

describe('parseLabels / formatLabels', () => {
  test.each([
    ['example.test', bytes('example', 'test'), 'example.test'],
    ['example.test.', bytes('example', 'test'), 'example.test'],
    ['.', [], '.'],
    ['a\\.b.test', bytes('a.b', 'test'), 'a\\.b.test'],
    ['\\065bc.test', bytes('Abc', 'test'), 'Abc.test'],
    ['\\000\\255.x', bytes([0, 255], 'x'), '\\000\\255.x'],
    ['sp\\ ace.x', bytes('sp ace', 'x'), 'sp\\032ace.x'],
    ['semi\\;colon.x', bytes('semi;colon', 'x'), 'semi\\;colon.x'],
    ['back\\\\slash.x', bytes('back\\slash', 'x'), 'back\\\\slash.x'],
    ['q\\".x', bytes('q"', 'x'), 'q\\".x'],
  ])('%s', (text, labels, normal) => {
    expect(parseLabels(text)).toEqual(labels);
    expect(formatLabels(parseLabels(text))).toBe(normal);
  });

  test.each([
    ['a..b', 'BAD_NAME'],
    ['.a', 'BAD_NAME'],
    ['a\\', 'BAD_ESCAPE'],
    ['a\\25', 'BAD_ESCAPE'],
    ['a\\256', 'BAD_ESCAPE'],
    [`${'x'.repeat(64)}.test`, 'LABEL_TOO_LONG'],
    [Array(128).fill('a').join('.'), 'NAME_TOO_LONG'],
  ])('rejects %s with %s', (text, code) => {
    expectTextError(() => parseLabels(text), code);
  });

  test('a 63-octet label and a 255-octet name are the limits', () => {
    expect(parseLabels(`${'x'.repeat(63)}.test`)[0]).toHaveLength(63);
    // 127 one-octet labels take 254 octets plus the root: exactly 255.
    const name = Array(127).fill('a').join('.');
    expect(wireLength(name)).toBe(255);
  });
});

describe('parseName', () => {
  test.each([
    ['www', 'example.test', 'www.example.test'],
    ['www.example.test.', 'example.test', 'www.example.test'],
    ['@', 'example.test', 'example.test'],
    ['WWW', 'Example.Test', 'WWW.Example.Test'],
    ['a\\.b', 'example.test', 'a\\.b.example.test'],
    ['host', '.', 'host'],
    ['host', undefined, 'host'],
    ['a\\.', 'test', 'a\\..test'],
  ])('%s in %s', (text, origin, name) => {
    expect(parseName(text, origin)).toBe(name);
  });

  test('the 255-octet limit applies after the origin is appended', () => {
    const relative = Array(62).fill('abc').join('.'); // 249 octets with the root; 261 in example.test
    expect(() => parseName(relative)).not.toThrow();
    expect(() => parseName(relative, 'example.test')).toThrow(/NAME_TOO_LONG|255/);
  });

  test('@ without origin fails', () => {
    expect(() => parseName('@')).toThrow(TextError);
  });
});

describe('comparisons', () => {
  test.each([
    ['www.example.test', 'example.test', true],
    ['example.test', 'example.test', true],
    ['WWW.Example.TEST', 'example.test', true],
    ['example.test', 'www.example.test', false],
    ['wwwexample.test', 'example.test', false],
    ['a\\.example.test', 'example.test', false], // one label "a.example" under test
    ['www.a\\.example.test', 'example.test', false],
    ['a\\\\.example.test', 'example.test', true],
    ['anything', '.', true],
  ])('isSubdomain(%s, %s) = %s', (child, parent, result) => {
    expect(isSubdomain(child, parent)).toBe(result);
  });

  test('canonical form lower-cases ASCII only', () => {
    expect(canonicalName('WwW.ExAmPlE.TeSt')).toBe('www.example.test');
    expect(canonicalName(formatLabels(bytes([0xc4], 'X')))).toBe('\\196.x');
  });

  test('splitName, labelCount, parentName respect escaped dots', () => {
    expect(splitName('a\\.b.c.test')).toEqual(['a\\.b', 'c', 'test']);
    expect(labelCount('.')).toBe(0);
    expect(parentName('a\\.b.c.test')).toBe('c.test');
    expect(parentName('test')).toBe('.');
  });

  test('presentation helpers', () => {
    expect(fqdn('example.test')).toBe('example.test.');
    expect(fqdn('.')).toBe('.');
    expect(isAbsoluteText('a.')).toBe(true);
    expect(isAbsoluteText('a\\.')).toBe(false);
    expect(isAbsoluteText('a\\\\.')).toBe(true);
    expect(relativeName('www.example.test', 'example.test')).toBe('www');
    expect(relativeName('example.test', 'example.test')).toBe('@');
    expect(relativeName('other.test', 'example.test')).toBe('other.test.');
  });
});
