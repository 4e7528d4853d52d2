#!/usr/bin/env node
// Thin launcher so the bin exists before the first build. It loads the single-file bundle of the
// CLI (made by `pnpm build`, see scripts/bundle-cli.mjs) because start-up time is dominated by
// module loading; dist/cli/main.js is the same code unbundled.
import('../dist/cli/resolve.bundle.mjs').then((m) => m.main(process.argv.slice(2))).catch((err) => {
  if (err && err.code === 'ERR_MODULE_NOT_FOUND') {
    process.stderr.write('resolve: not built yet; run `pnpm build` first\n');
  } else {
    process.stderr.write(`resolve: ${err && err.stack ? err.stack : err}\n`);
  }
  process.exit(1);
});
