/**
 * The release tarballs as a user gets them: `pnpm pack` of the three packages (scripts/pack-all.mjs),
 * installed with plain npm into a scratch project outside the repository, then an ESM test, a
 * CommonJS test and a TypeScript check (node16, nodenext, bundler) run against them from there.
 * One npm install, shared. Without npm it skips with the reason (a failure under PORT53_REQUIRE_TOOLS=1).
 */
import { execFile } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { describeWithTools } from '../support/tools.js';
import { packAll } from '../../scripts/pack-all.mjs';

const run = promisify(execFile);
const repo = fileURLToPath(new URL('../..', import.meta.url));
const fixtures = fileURLToPath(new URL('./project/', import.meta.url));
const tsc = createRequire(join(repo, 'package.json')).resolve('typescript/bin/tsc');
const typeRoots = join(repo, 'node_modules', '@types');

describeWithTools('release tarballs installed with npm', ['npm'], ({ npm }) => {
  let scratch: string;
  let install: { stdout: string; stderr: string };
  const checks = new Map<string, Promise<string>>();
  const pkgDir = (name: string) => join(scratch, 'node_modules', '@port53', name);
  const node = (file: string) => run(process.execPath, [file], { cwd: scratch, timeout: 110_000 });

  beforeAll(async () => {
    scratch = mkdtempSync(join(tmpdir(), 'port53-consumer-'));
    const tarballs: string[] = packAll(join(scratch, 'tarballs'));
    cpSync(fixtures, scratch, { recursive: true });
    writeFileSync(join(scratch, 'package.json'), JSON.stringify({ name: 'port53-consumer', version: '1.0.0', private: true }));
    // --foreground-scripts: the install script's one line about the native addon shows in stdout.
    install = await run(npm, ['install', '--no-audit', '--no-fund', '--prefer-offline', '--foreground-scripts', ...tarballs], { cwd: scratch, timeout: 240_000 });
    // The three type-checks run beside the other tests (each is seconds of CPU, mostly loading lib files).
    for (const mode of ['node16', 'nodenext', 'bundler']) {
      const check = run(process.execPath, [tsc, '-p', `tsconfig.${mode}.json`, '--typeRoots', typeRoots], { cwd: scratch, timeout: 180_000 });
      checks.set(mode, check.then((r) => r.stdout, (err: { stdout?: string; message: string }) => err.stdout || err.message));
    }
  }, 300_000);
  afterAll(async () => {
    await Promise.allSettled(checks.values());
    if (scratch) rmSync(scratch, { recursive: true, force: true });
  });

  test('npm installs them outside the repository; only what runs is a dependency', () => {
    expect(scratch.startsWith(repo)).toBe(false);
    for (const name of ['wire', 'resolver', 'server']) {
      const pkg = JSON.parse(readFileSync(join(pkgDir(name), 'package.json'), 'utf8'));
      expect(Object.values(pkg.dependencies ?? {}).some((v) => String(v).startsWith('workspace:'))).toBe(false);
      for (const file of ['README.md', 'LICENSE']) expect(existsSync(join(pkgDir(name), file)), `${name}/${file}`).toBe(true);
    }
    // yargs is bundled into port53d's CLI: nothing installs it.
    expect(existsSync(join(scratch, 'node_modules', 'yargs'))).toBe(false);
  });

  test('every source map shipped has its sources shipped too', () => {
    const missing: string[] = [];
    let maps = 0;
    for (const name of ['wire', 'resolver', 'server']) {
      for (const map of files(pkgDir(name)).filter((f) => f.endsWith('.map'))) {
        maps++;
        const { sources } = JSON.parse(readFileSync(map, 'utf8')) as { sources: string[] };
        for (const source of sources) if (!existsSync(resolve(dirname(map), source))) missing.push(`${map}: ${source}`);
      }
    }
    expect(maps).toBeGreaterThan(0);
    expect(missing).toEqual([]);
  });

  test('the install script built the native addon here (one line said so)', () => {
    expect(install.stdout).toMatch(/@port53\/server: native UDP batching built/);
    expect(existsSync(join(pkgDir('server'), 'dist', 'native', 'udp_batch.node'))).toBe(true);
  });

  // Node start-up and imports beside the three type-checks on a shared machine: seconds, not the default 20.
  test('the ESM test: every part of createTestServer, the engine as a library', { timeout: 120_000 }, async () => {
    const { stdout } = await node('esm-test.mjs');
    expect(stdout.trim()).toBe('esm ok');
  });

  test('the CommonJS test: require() of each package', { timeout: 120_000 }, async () => {
    const { stdout } = await node('cjs-test.cjs');
    expect(stdout.trim()).toBe('cjs ok');
  });

  test.each(['node16', 'nodenext', 'bundler'])('TypeScript with %s resolution type-checks (and rejects misuse)', { timeout: 180_000 }, async (mode) => {
    expect(await checks.get(mode)).toBe('');
  });

  test('without a compiler, a failed build or an unloadable build: one line saying which, and no addon', { timeout: 120_000 }, async () => {
    const script = join(pkgDir('server'), 'scripts', 'build-native.mjs');
    const addon = join(pkgDir('server'), 'dist', 'native', 'udp_batch.node');
    const fakeCc = join(scratch, 'fake-cc.sh');
    // A "compiler" that writes garbage where the addon should be: built, then not loadable.
    writeFileSync(fakeCc, '#!/bin/sh\nwhile [ "$1" != "-o" ]; do shift; done\necho garbage > "$2"\n', { mode: 0o755 });
    const cases: [string, RegExp][] = [
      [join(scratch, 'no-such-cc'), /^@port53\/server: native UDP batching absent \(no C compiler: .*no-such-cc not found\); port53d uses node:dgram$/],
      ['false', /^@port53\/server: native UDP batching failed to build \(false: exit status 1\); port53d uses node:dgram$/],
      [fakeCc, /^@port53\/server: native UDP batching failed to load \(.*\); port53d uses node:dgram$/],
    ];
    for (const [cc, line] of cases) {
      const { stdout } = await run(process.execPath, [script], { env: { ...process.env, CC: cc }, timeout: 60_000 });
      expect(stdout.trim().split('\n')).toEqual([expect.stringMatching(line)]);
      expect(existsSync(addon)).toBe(false);
    }
  });
});

function files(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? (e.name === 'node_modules' ? [] : files(join(dir, e.name))) : [join(dir, e.name)]));
}
