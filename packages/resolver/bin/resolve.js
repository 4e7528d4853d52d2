#!/usr/bin/env node
'use strict';
// The `resolve` CLI's launcher, CommonJS (bin/package.json) because the synchronous loader starts
// faster than the ESM one. It runs the one-file bundle of the CLI (dist/cli/resolve.bundle.cjs,
// made by `pnpm build`: scripts/bundle-cli.mjs) through a V8 code cache, so that a lookup does not
// pay for parsing and compiling 175 KB of JavaScript every time (docs/performance.md, "resolve
// start-up": what each step bought). dist/cli/main.js is the same code unbundled.
//
// The cache is one file per bundle and V8 version in $PORT53_CACHE_DIR (empty: no cache), else
// $XDG_CACHE_HOME/port53, else ~/.cache/port53: the user's own directory, since code read from it
// runs. It is written after a lookup that got a response, when there was none or V8 rejected it;
// a cache that cannot be read or written (read-only home, no home) only costs the time it saves.
const fs = require('node:fs');
const path = require('node:path');
const vm = require('node:vm');

const bundle = path.join(__dirname, '..', 'dist', 'cli', 'resolve.bundle.cjs');

let source;
try {
  source = fs.readFileSync(bundle, 'latin1'); // ASCII only (scripts/bundle-cli.mjs): nothing to decode
} catch (err) {
  process.stderr.write(err.code === 'ENOENT' ? 'resolve: not built yet; run `pnpm build` first\n' : `resolve: ${err.message}\n`);
  process.exit(1);
}

const cacheFile = cachePath(source);
const cached = cacheFile === undefined ? undefined : readOwnFile(cacheFile);
// The CommonJS wrapper, on the bundle's first line so that stack traces keep its line numbers.
const script = new vm.Script(`(function (exports, require, module, __filename, __dirname) {${source}\n})`, {
  filename: bundle,
  cachedData: cached,
});
const cli = { exports: {} };
script.runInThisContext()(cli.exports, require, cli, bundle, path.dirname(bundle));

cli.exports.main(process.argv.slice(2)).then(
  (lookedUp) => {
    if (lookedUp && !process.exitCode && cacheFile !== undefined && (cached === undefined || script.cachedDataRejected)) {
      // After the run, so the cache also holds the functions the lookup compiled lazily.
      writeCache(cacheFile, script.createCachedData());
    }
  },
  (err) => {
    process.stderr.write(`resolve: ${err && err.stack ? err.stack : err}\n`);
    process.exitCode = 10;
  },
);

/** The cache file for this bundle (its first line names its digest) under this V8, or undefined. */
function cachePath(text) {
  const digest = /^\/\/ port53-bundle ([\w-]+)\n/.exec(text.slice(0, 64));
  if (!digest) return undefined;
  const env = process.env;
  let dir = env.PORT53_CACHE_DIR;
  if (dir === undefined) {
    const base = env.XDG_CACHE_HOME || (env.HOME ? path.join(env.HOME, '.cache') : env.LOCALAPPDATA);
    if (!base) return undefined;
    dir = path.join(base, 'port53');
  }
  if (dir === '') return undefined;
  return path.join(dir, `resolve-${digest[1]}-v8-${process.versions.v8}-${process.arch}.cache`);
}

/** The file's bytes, if it exists and belongs to this user (a cache is code that will run). */
function readOwnFile(file) {
  let fd;
  try {
    fd = fs.openSync(file, 'r');
    const stat = fs.fstatSync(fd);
    if (process.getuid !== undefined && stat.uid !== process.getuid()) return undefined;
    if (stat.size > 16 * 1024 * 1024) return undefined; // ~180 KB written; not a cache of ours
    const bytes = Buffer.allocUnsafe(stat.size);
    let done = 0;
    while (done < bytes.length) {
      const n = fs.readSync(fd, bytes, done, bytes.length - done, done);
      if (n === 0) return undefined;
      done += n;
    }
    return bytes;
  } catch {
    return undefined;
  } finally {
    if (fd !== undefined) fs.closeSync(fd);
  }
}

/**
 * Writes whole or not at all (a temporary file renamed), so a parallel run never reads half a cache,
 * and removes the caches of other builds under this V8, which no run of this one will read.
 */
function writeCache(file, bytes) {
  const tmp = `${file}.${process.pid}.tmp`;
  try {
    const dir = path.dirname(file);
    fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
    fs.writeFileSync(tmp, bytes, { mode: 0o600 });
    fs.renameSync(tmp, file);
    const sameV8 = path.basename(file).replace(/^resolve-[\w-]+?-v8-/, '-v8-');
    for (const name of fs.readdirSync(dir)) {
      if (name.startsWith('resolve-') && name.endsWith(sameV8) && name !== path.basename(file)) fs.rmSync(path.join(dir, name), { force: true });
    }
  } catch {
    try {
      fs.rmSync(tmp, { force: true });
    } catch {
      // nothing to clean
    }
  }
}
