// Bundles the `resolve` CLI and the wire codec into one CommonJS file (dist/cli/resolve.bundle.cjs)
// for bin/resolve.js, so that a lookup from the shell reads one file instead of ~45 modules and goes
// through the synchronous CommonJS loader instead of the ESM one: issue 17 wants one lookup within
// 1.3x of `node -e 0`, and module loading is most of what stands between the two (docs/performance.md,
// "resolve start-up"). The library entry (dist/index.js) is not bundled.
//
// The first line is `// port53-bundle <hash>`, a digest of the rest: bin/resolve.js names its V8
// code cache after it, so a rebuilt bundle never meets the cache of an older one.
import { createHash } from 'node:crypto';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { build } from 'rolldown';

const dist = fileURLToPath(new URL('../dist/', import.meta.url));
const file = `${dist}cli/resolve.bundle.cjs`;

await build({
  input: `${dist}cli/main.js`,
  platform: 'node',
  logLevel: 'warn',
  // vm.Script has no loader for import(): node:dns/promises (a server given by name) is require()d.
  output: { file, format: 'cjs', codeSplitting: false, dynamicImportInCjs: false },
});

const code = readFileSync(file, 'utf8');
const hash = createHash('sha256').update(code).digest('base64url').slice(0, 22);
writeFileSync(file, `// port53-bundle ${hash}\n${code}`);
// The ESM bundle that bin/resolve.js loaded before; a stale copy in an old dist/ is dead weight.
rmSync(`${dist}cli/resolve.bundle.mjs`, { force: true });
