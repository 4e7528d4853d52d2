// Bundles port53d's CLI with the codec, the parser and yargs into dist/port53d.bundle.mjs: one
// module to load instead of a few hundred, which takes ~45 ms off every start (issue 6's zone-load
// figure is measured from start until the SOA is answered). pino stays external: its transports
// load files by path at run time; prom-client is imported only when --metrics is given. The library entry (dist/index.js) is not bundled.
import { fileURLToPath } from 'node:url';
import { build } from 'rolldown';

const dist = fileURLToPath(new URL('../dist/', import.meta.url));
await build({
  input: `${dist}cli.js`,
  platform: 'node',
  logLevel: 'warn',
  external: [/^pino/, /^prom-client/],
  output: { file: `${dist}port53d.bundle.mjs`, format: 'esm', codeSplitting: false },
});
