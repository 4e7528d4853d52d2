import { describe, expect, test } from 'vitest';
import { NameTable } from '../src/store/names.js';

describe('NameTable: canonical names numbered in the order added', () => {
  test('ids are 0, 1, 2… and adding a name again gives its id', () => {
    const t = new NameTable();
    expect(['example.test', 'www.example.test', 'example.test', 'a.example.test'].map((n) => t.add(n))).toEqual([0, 1, 0, 2]);
    expect(t.size).toBe(3);
    expect(t.get('www.example.test')).toBe(1);
    expect(t.get('WWW.example.test')).toBeUndefined(); // keys are canonical already: compared exactly
    expect(t.has('b.example.test')).toBe(false);
  });

  test('a name equal to one added, but another string, finds it', () => {
    const t = new NameTable();
    t.add(['h1', 'example.test'].join('.'));
    expect(t.get(`h1.example.test!`.slice(0, -1))).toBe(0);
  });

  test('every name stays found as the table grows past its first size', () => {
    const t = new NameTable();
    const names = Array.from({ length: 5000 }, (_, i) => `h${i}.example.test`);
    names.forEach((n, i) => expect(t.add(n)).toBe(i));
    expect(names.every((n, i) => t.get(n) === i)).toBe(true);
    expect(t.get('h5000.example.test')).toBeUndefined();
  });
});
