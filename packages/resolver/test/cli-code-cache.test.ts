import { chmodSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeServer, zoneAnswer, type FakeServer } from './support/fake-server.js';
import { EXAMPLE } from './support/records.js';
import { assertBuilt, runCli } from './support/run-cli.js';

// bin/resolve.js runs the CLI bundle through a V8 code cache kept per user (docs/performance.md,
// "resolve start-up"); whatever state that cache is in, a lookup prints the same thing.
let fake: FakeServer;
let at: string[];
const dirs: string[] = [];
const freshDir = () => {
  const dir = mkdtempSync(join(tmpdir(), 'resolve-cache-test-'));
  dirs.push(dir);
  return dir;
};
const ok = { code: 0, stdout: '192.0.2.1\n192.0.2.2\n', stderr: '' };

beforeAll(async () => {
  assertBuilt();
  const answer = zoneAnswer(EXAMPLE);
  fake = await startFakeServer((q) => [answer(q)]);
  at = ['@127.0.0.1', '-p', String(fake.port), 'example.test', '--short'];
});
afterAll(async () => {
  await fake.close();
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

describe('resolve code cache', () => {
  it('the first lookup writes one cache file, private to the user; the next ones use it and leave it be', async () => {
    const dir = freshDir();
    expect(await runCli(at, 15_000, { PORT53_CACHE_DIR: join(dir, 'port53') })).toEqual(ok);
    const files = readdirSync(join(dir, 'port53'));
    expect(files).toHaveLength(1);
    expect(files[0]).toMatch(new RegExp(`^resolve-[\\w-]+-v8-${process.versions.v8.replace(/\./g, '\\.')}-${process.arch}\\.cache$`));
    const file = join(dir, 'port53', files[0]);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(statSync(join(dir, 'port53')).mode & 0o777).toBe(0o700);
    const written = statSync(file).mtimeMs;
    expect(await runCli(at, 15_000, { PORT53_CACHE_DIR: join(dir, 'port53') })).toEqual(ok);
    expect(statSync(file).mtimeMs).toBe(written);
  });

  it("writing a cache removes the other builds' caches under this V8, not those of other V8s", async () => {
    const dir = freshDir();
    const suffix = `-v8-${process.versions.v8}-${process.arch}.cache`;
    const older = `resolve-an-older-build${suffix}`;
    const otherV8 = 'resolve-an-older-build-v8-1.2.3.4-x64.cache';
    for (const name of [older, otherV8, 'notes.txt']) writeFileSync(join(dir, name), 'x');
    expect(await runCli(at, 15_000, { PORT53_CACHE_DIR: dir })).toEqual(ok);
    const files = readdirSync(dir).sort();
    expect(files).toHaveLength(3);
    expect(files).not.toContain(older);
    expect(files).toEqual(expect.arrayContaining([otherV8, 'notes.txt']));
  });

  it('a damaged cache is rejected and written again, the lookup unharmed', async () => {
    const dir = freshDir();
    expect(await runCli(at, 15_000, { PORT53_CACHE_DIR: dir })).toEqual(ok);
    const file = join(dir, readdirSync(dir)[0]);
    const good = readFileSync(file);
    for (const bad of [Buffer.alloc(0), Buffer.from('not a V8 code cache'), good.subarray(0, good.length >> 1)]) {
      writeFileSync(file, bad);
      expect(await runCli(at, 15_000, { PORT53_CACHE_DIR: dir })).toEqual(ok);
      expect(readFileSync(file).length).toBeGreaterThan(good.length * 0.9);
    }
  });

  it('no cache where none can be written (PORT53_CACHE_DIR empty, a file in the way, a read-only directory)', async () => {
    const dir = freshDir();
    const file = join(dir, 'a-file');
    writeFileSync(file, '');
    expect(await runCli(at, 15_000, { PORT53_CACHE_DIR: '' })).toEqual(ok);
    expect(await runCli(at, 15_000, { PORT53_CACHE_DIR: join(file, 'port53') })).toEqual(ok);
    const readOnly = join(dir, 'read-only');
    expect(await runCli(at, 15_000, { PORT53_CACHE_DIR: readOnly })).toEqual(ok);
    for (const f of readdirSync(readOnly)) rmSync(join(readOnly, f));
    chmodSync(readOnly, 0o500);
    expect(await runCli(at, 15_000, { PORT53_CACHE_DIR: readOnly })).toEqual(ok);
    // root writes anyway; anyone else finds it as empty as it was left
    if (process.getuid?.() !== 0) expect(readdirSync(readOnly)).toEqual([]);
    chmodSync(readOnly, 0o700);
  });

  it('without PORT53_CACHE_DIR the cache is under $XDG_CACHE_HOME, else ~/.cache', async () => {
    const xdg = freshDir();
    expect(await runCli(at, 15_000, { PORT53_CACHE_DIR: undefined, XDG_CACHE_HOME: xdg })).toEqual(ok);
    expect(readdirSync(join(xdg, 'port53'))).toHaveLength(1);
    const home = freshDir();
    expect(await runCli(at, 15_000, { PORT53_CACHE_DIR: undefined, XDG_CACHE_HOME: '', HOME: home })).toEqual(ok);
    expect(readdirSync(join(home, '.cache', 'port53'))).toHaveLength(1);
  });
});
