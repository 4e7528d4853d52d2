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

describe('NameTable handed to another thread (a loading worker to the answering thread)', () => {
  test('the parts, cloned with their buffers transferred, find every name once filled', () => {
    const t = new NameTable();
    const names = Array.from({ length: 3000 }, (_, i) => `h${i}.example.test`);
    names.forEach((n) => t.add(n));
    const parts = t.parts(['h7.example.test', 'absent.example.test']);
    expect(parts.known).toEqual([[7, 'h7.example.test']]);
    const moved = structuredClone(parts, { transfer: [parts.slots.buffer, parts.hashes.buffer] as ArrayBuffer[] });
    expect(parts.slots.length).toBe(0); // transferred, not copied
    const u = NameTable.fromParts(moved);
    expect(u.size).toBe(3000);
    expect(u.get('h7.example.test')).toBe(7);
    names.forEach((n, i) => u.fill(i, n));
    expect(names.every((n, i) => u.get(n) === i)).toBe(true);
    // New names after the fills take the next ids, hashed as the other thread hashed them.
    expect(u.add('new.example.test')).toBe(3000);
    expect(u.add('h2999.example.test')).toBe(2999);
    expect(u.get('new.example.test')).toBe(3000);
  });
});
