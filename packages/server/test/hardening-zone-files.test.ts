import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createServer } from '../src/index.js';
import { loadZone, ZoneLoadError } from '../src/zonefile/index.js';
import { udpExchange } from '../../../test/support/loopback.mjs';
import { query, summarize } from './fixtures/query.js';

// What zone-include, zone-generate and zone-lexer tests do not already cover: hostile files
// give a clear error with file:line:column, in bounded time, and never a hang or a crash.

const HEAD = '$ORIGIN hostile.test.\n$TTL 60\n@ SOA ns1 h 1 2 3 4 5\n  NS ns1\nns1 A 192.0.2.53\n';
/** Generous bounds: each case takes milliseconds; a hang or quadratic blow-up would take far longer. */
const QUICK_MS = 3000;

let tmp: string;
let zones: string;
beforeAll(async () => {
  tmp = await mkdtemp(path.join(tmpdir(), 'port53-hostile-'));
  zones = path.join(tmp, 'zones');
  await mkdir(path.join(zones, 'parts'), { recursive: true });
  await mkdir(path.join(tmp, 'outside'));
  await writeFile(path.join(tmp, 'outside', 'secret.inc'), 'secret TXT "outside the zones directory"\n');
  await writeFile(path.join(tmp, 'outside.inc'), 'secret TXT "outside"\n');
  // A directory symlink inside the root that leads out of it.
  await symlink(path.join(tmp, 'outside'), path.join(zones, 'linked-dir'));
  // An included file that itself climbs out with ../
  await writeFile(path.join(zones, 'parts', 'climb.inc'), 'www A 192.0.2.1\n$INCLUDE ../../outside.inc\n');
});
afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

/** Writes `text` as a zone file, loads it; the errors as "code file:line:column", and how long it took. */
async function load(name: string, text: string, options: { maxRecords?: number } = {}) {
  const file = path.join(zones, name);
  await writeFile(file, text);
  const started = performance.now();
  try {
    const zone = await loadZone({ file }, { root: zones, ...options });
    return { ms: performance.now() - started, errors: [] as string[], messages: [] as string[], records: zone.records.length };
  } catch (err) {
    if (!(err instanceof ZoneLoadError)) throw err;
    return {
      ms: performance.now() - started,
      errors: err.errors.map((e) => `${e.code} ${path.relative(zones, e.file)}:${e.line}:${e.column}`),
      messages: err.errors.map((e) => e.message),
      records: 0,
    };
  }
}

describe('$INCLUDE cannot leave the zones directory', () => {
  test.each([
    ['an absolute path outside', 'abs.zone', () => `$INCLUDE ${path.join(tmp, 'outside.inc')}\n`, ['INCLUDE_OUTSIDE_ROOT abs.zone:6:10']],
    ['a symlinked directory leading outside', 'dirlink.zone', () => '$INCLUDE linked-dir/secret.inc\n', ['INCLUDE_OUTSIDE_ROOT dirlink.zone:6:10']],
    ['../ inside an included file', 'climb.zone', () => '$INCLUDE parts/climb.inc\n', ['INCLUDE_OUTSIDE_ROOT parts/climb.inc:2:10']],
    ['/etc/passwd', 'passwd.zone', () => '$INCLUDE /etc/passwd\n', ['INCLUDE_OUTSIDE_ROOT passwd.zone:6:10']],
    ['a path that leaves and comes back through ..', 'back.zone', () => '$INCLUDE ../zones/parts/../../outside.inc\n', ['INCLUDE_OUTSIDE_ROOT back.zone:6:10']],
  ])('%s is refused at the $INCLUDE', async (_, name, include, expected) => {
    const result = await load(name, HEAD + include());
    expect(result.errors).toEqual(expected);
    expect(result.messages[0]).toMatch(/outside the zones directory/);
  });
});

describe('$GENERATE and zone size limits', () => {
  test.each([
    ['the largest range BIND accepts', '$GENERATE 0-2147483647 h$ A 192.0.2.1\n', ['GENERATE_TOO_MANY big.zone:6:11']],
    ['a range one over the per-directive cap', '$GENERATE 1-65537 h$ A 192.0.2.1\n', ['GENERATE_TOO_MANY big.zone:6:11']],
    ['a range with a huge step is fine', '$GENERATE 0-2147483647/1000000000 h$ A 192.0.2.1\n', []],
  ])('%s', async (_, text, expected) => {
    const result = await load('big.zone', HEAD + text);
    expect(result.errors).toEqual(expected);
    expect(result.ms).toBeLessThan(QUICK_MS);
  });

  test('directives that together pass the zone record limit stop at the limit', async () => {
    const text = `${HEAD}$GENERATE 0-3999 a$ A 192.0.2.1\n$GENERATE 0-3999 b$ A 192.0.2.2\n$GENERATE 0-60000 c$ A 192.0.2.3\n`;
    const result = await load('many.zone', text, { maxRecords: 5000 });
    expect(result.errors).toEqual(['TOO_MANY_RECORDS many.zone:7:18']);
    expect(result.ms).toBeLessThan(QUICK_MS);
  });
});

describe('very long lines and parentheses', () => {
  test.each([
    ['a 10 MB line', () => `${HEAD}x TXT "${'a'.repeat(10_000_000)}"\ny A 192.0.2.2\n`, ['LINE_TOO_LONG long.zone:6:1']],
    ['a 10 MB line without a final newline', () => `${HEAD}x TXT ${'a'.repeat(10_000_000)}`, ['LINE_TOO_LONG long.zone:6:1']],
    ['a long line inside parentheses', () => `${HEAD}x TXT (\n"${'b'.repeat(100_000)}"\n)\n`, ['LINE_TOO_LONG long.zone:7:1']],
    ['10,000 nested ( on one line', () => `${HEAD}x TXT ${'('.repeat(10_000)} "t" ${')'.repeat(10_000)}\n`, ['NESTED_PARENS long.zone:6:8']],
    ['a ( on each of 100,000 lines', () => `${HEAD}x TXT (\n${'(\n'.repeat(100_000)})\n`, ['NESTED_PARENS long.zone:7:1']],
    ['10,000 unbalanced )', () => `${HEAD}x TXT "t" ${')'.repeat(10_000)}\n`, ['UNBALANCED_PARENS long.zone:6:11']],
    ['a ( never closed, then 200,000 lines', () => `${HEAD}x TXT ( "t"\n${'y A 192.0.2.1\n'.repeat(200_000)}`, ['UNBALANCED_PARENS long.zone:6:7']],
    ['a quote never closed on a 60,000-character line', () => `${HEAD}x TXT "${'c'.repeat(60_000)}\n`, ['UNTERMINATED_STRING long.zone:6:7']],
  ])('%s: a clear error with its place, quickly', async (_, text, expected) => {
    const result = await load('long.zone', text());
    // The first error is the one named; later ones (the per-file cap) may follow.
    expect(result.errors.slice(0, expected.length)).toEqual(expected);
    expect(result.errors.length).toBeLessThanOrEqual(101);
    expect(result.messages[0]).toMatch(/^\/.*long\.zone:\d+:\d+: \S/);
    expect(result.ms).toBeLessThan(QUICK_MS);
  });
});

describe('a hostile file on reload', () => {
  test('is refused with file:line:column and the served data stays', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'port53-hostile-reload-'));
    const file = path.join(dir, 'hostile.test.zone');
    await writeFile(file, `${HEAD}www A 192.0.2.80\n`);
    const server = await createServer({ zonesDir: dir, addresses: ['127.0.0.1'], port: 0, tcp: false });
    try {
      const hostile = [
        `${HEAD}www A 192.0.2.81\nx TXT "${'a'.repeat(200_000)}"\n`,
        `${HEAD}www A 192.0.2.82\nx TXT ${'('.repeat(10_000)}\n`,
        `${HEAD}www A 192.0.2.83\n$GENERATE 0-2147483647 h$ A 192.0.2.1\n`,
        `${HEAD}www A 192.0.2.84\n$INCLUDE /etc/passwd\n`,
      ];
      for (const text of hostile) {
        await writeFile(file, text);
        const result = await server.reload();
        expect(result.ok).toBe(false);
        expect(result.failed[0].errors[0].message).toMatch(/hostile\.test\.zone:7:\d+: /);
        expect(summarize((await udpExchange(server.port, query('www.hostile.test', 'A')))!).answer).toEqual(['www.hostile.test 60 A 192.0.2.80']);
      }
    } finally {
      await server.close();
      await rm(dir, { recursive: true, force: true });
    }
  });
});
