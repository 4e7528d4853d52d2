#!/usr/bin/env node
// Thin launcher so the bin exists before the first build; the CLI lives in dist/.
import('../dist/cli.js').then((m) => m.main(process.argv.slice(2))).catch((err) => {
  if (err && err.code === 'ERR_MODULE_NOT_FOUND') {
    process.stderr.write('port53d: not built yet; run `pnpm build` first\n');
  } else {
    process.stderr.write(`port53d: ${err && err.stack ? err.stack : err}\n`);
  }
  process.exit(1);
});
