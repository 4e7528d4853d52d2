#!/usr/bin/env node
// The release tarballs: `pnpm pack` of each package (it rewrites `workspace:*` to the version, which
// `npm pack` would leave for npm to reject with EUNSUPPORTEDPROTOCOL) into one directory
// (default .release/). Run after `pnpm build` (`pnpm release` does both). Prints one path a line.
import { execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = fileURLToPath(new URL('..', import.meta.url));
export const PACKAGES = ['wire', 'resolver', 'server'];

/** Packs the three packages into `out`; returns the tarballs' paths in dependency order. */
export function packAll(out) {
  mkdirSync(out, { recursive: true });
  const tarballs = [];
  for (const name of PACKAGES) {
    const dir = join(repo, 'packages', name);
    const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
    const file = join(out, `${pkg.name.replace('@', '').replace('/', '-')}-${pkg.version}.tgz`);
    rmSync(file, { force: true });
    execFileSync(...pnpm(['pack', '--pack-destination', out]), { cwd: dir, stdio: ['ignore', 'ignore', 'inherit'] });
    if (!readdirSync(out).includes(file.slice(out.length + 1))) throw new Error(`pnpm pack made no ${file}`);
    tarballs.push(file);
  }
  return tarballs;
}

/** pnpm as this process was started by it (npm_execpath), else from PATH. */
function pnpm(args) {
  const execPath = process.env.npm_execpath;
  if (execPath && /pnpm/.test(execPath)) return execPath.endsWith('.js') || execPath.endsWith('.cjs') ? [process.execPath, [execPath, ...args]] : [execPath, args];
  return ['pnpm', args];
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  for (const file of packAll(resolve(process.argv[2] ?? join(repo, '.release')))) console.log(file);
}
