#!/usr/bin/env node
// The CommonJS build of each package, for `require('@port53/…')` and TypeScript projects compiled
// to CommonJS: every `exports` entry's ESM file (dist/X.js, from tsc) bundled by rolldown into
// dist/cjs/X.cjs, the package's dependencies left as require() calls; and each dist/**/*.d.ts
// copied to dist/cjs/**/*.d.cts with its relative imports pointing at .cjs, so that TypeScript
// (node16/nodenext) reads CommonJS types for the require condition instead of ESM ones (TS1479).
// First it deletes tsc's outputs whose source is gone (tsc -b never does), so that a file moved
// in src/ leaves no stale copy in dist/ for `pnpm pack` to ship.
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { build } from 'rolldown';

for (const dir of process.argv.slice(2)) await buildCjs(resolve(dir));

async function buildCjs(dir) {
  const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
  const dist = join(dir, 'dist');
  pruneStale(dist, join(dir, 'src'));
  rmSync(join(dist, 'cjs'), { recursive: true, force: true });
  const input = {};
  for (const entry of Object.values(pkg.exports)) {
    if (typeof entry !== 'object' || !entry.require) continue;
    const name = entry.require.default.replace(/^\.\/dist\/cjs\//, '').replace(/\.cjs$/, '');
    input[name] = join(dir, entry.import.default);
  }
  const deps = Object.keys({ ...pkg.dependencies, ...pkg.peerDependencies, ...pkg.optionalDependencies });
  await build({
    input,
    platform: 'node',
    logLevel: 'warn',
    external: (id) => deps.some((d) => id === d || id.startsWith(`${d}/`)),
    output: { dir: join(dist, 'cjs'), format: 'cjs', exports: 'named', entryFileNames: '[name].cjs', chunkFileNames: 'chunks/[name]-[hash].cjs' },
  });
  for (const file of declarations(dist)) {
    const text = readFileSync(file, 'utf8')
      .replace(/(from\s+|import\(\s*)(['"])(\.{1,2}\/[^'"]*?)\.js\2/g, '$1$2$3.cjs$2')
      .replace(/\n\/\/# sourceMappingURL=.*\n?$/, '\n');
    const target = join(dist, 'cjs', relative(dist, file).replace(/\.d\.ts$/, '.d.cts'));
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, text);
  }
}

function pruneStale(dist, src) {
  for (const e of readdirSync(dist, { withFileTypes: true })) {
    const path = join(dist, e.name);
    if (e.isDirectory()) {
      if (e.name === 'cjs' || e.name === 'native') continue;
      pruneStale(path, join(src, e.name));
      if (readdirSync(path).length === 0) rmSync(path, { recursive: true });
      continue;
    }
    const stem = e.name.match(/^(.*?)(\.d)?\.js(\.map)?$|^(.*?)\.d\.ts(\.map)?$/);
    if (!stem) continue;
    const base = stem[1] ?? stem[4];
    if (!existsSync(join(src, `${base}.ts`))) unlinkSync(path);
  }
}

function* declarations(dir) {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, e.name);
    if (e.isDirectory() && e.name !== 'cjs' && e.name !== 'native') yield* declarations(path);
    else if (e.isFile() && e.name.endsWith('.d.ts')) yield path;
  }
}
