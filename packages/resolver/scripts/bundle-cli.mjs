// Bundles the `resolve` CLI and the wire codec into one file (dist/cli/resolve.bundle.mjs), so that a
// lookup from the shell loads one module instead of ~45: issue 6's start-up target (within 1.6x
// of `node -e 0`) is lost in the module loader otherwise. The library entry (dist/index.js) is
// not bundled; only bin/resolve.js uses the bundle.
import { fileURLToPath } from 'node:url';
import { build } from 'rolldown';

const dist = fileURLToPath(new URL('../dist/', import.meta.url));
await build({
  input: `${dist}cli/main.js`,
  platform: 'node',
  logLevel: 'warn',
  output: { file: `${dist}cli/resolve.bundle.mjs`, format: 'esm', codeSplitting: false },
});
