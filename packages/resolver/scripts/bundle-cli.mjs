// Bundles the `resolve` CLI and the wire codec into one CommonJS file (dist/cli/resolve.bundle.cjs)
// for bin/resolve.js, so that a lookup from the shell reads one file instead of ~45 modules and goes
// through the synchronous CommonJS loader instead of the ESM one: issue 17 wants one lookup within
// 1.3x of `node -e 0`, and loading is most of what stands between the two (docs/performance.md,
// "resolve start-up", says what each step below bought). The library entry (dist/index.js) is not
// bundled.
//
// - node:crypto is dist/cli/urandom.js for the query IDs and 0x20 bits (the same two functions over
//   /dev/urandom): loading node:crypto costs more than the lookup's randomness itself.
// - The package version is written in, instead of reading package.json at run time.
// - No comments, and only ASCII (other characters as \u escapes), so the bin can read the file as
//   latin1, a copy, where UTF-8 has to be decoded.
// - The first line is `// port53-bundle <hash>`, a digest of the rest: bin/resolve.js names its V8
//   code cache after it, so a rebuilt bundle never meets the cache of an older one.
import { createHash } from 'node:crypto';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { build } from 'rolldown';

const dist = fileURLToPath(new URL('../dist/', import.meta.url));
const file = `${dist}cli/resolve.bundle.cjs`;
const { version } = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));

await build({
  input: `${dist}cli/main.js`,
  platform: 'node',
  logLevel: 'warn',
  transform: { define: { PORT53_RESOLVE_VERSION: JSON.stringify(version) } },
  plugins: [{ name: 'urandom', resolveId: (id, importer) => (id === 'node:crypto' && importer?.startsWith(`${dist}query/`) ? `${dist}cli/urandom.js` : null) }],
  // vm.Script has no loader for import(): node:dns/promises (a server given by name) is require()d.
  output: { file, format: 'cjs', codeSplitting: false, dynamicImportInCjs: false, comments: false },
});

const code = readFileSync(file, 'utf8').replace(/[^\x00-\x7f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
if (/\bString\.raw\b|\.raw\b/.test(code)) throw new Error('bundle-cli: a raw template would see the \\u escapes');
const hash = createHash('sha256').update(code).digest('base64url').slice(0, 22);
writeFileSync(file, `// port53-bundle ${hash}\n${code}`, 'latin1');
// The ESM bundle that bin/resolve.js loaded before; a stale copy in an old dist/ is dead weight.
rmSync(`${dist}cli/resolve.bundle.mjs`, { force: true });
