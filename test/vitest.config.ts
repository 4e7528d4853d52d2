import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const root = fileURLToPath(new URL('..', import.meta.url));
const src = (pkg: string, file = 'index.ts') => fileURLToPath(new URL(`../packages/${pkg}/src/${file}`, import.meta.url));

export default defineConfig({
  root,
  resolve: {
    // Tests run against the TypeScript sources; the CLIs (spawned by end-to-end tests) run from dist/.
    alias: [
      { find: /^@port53\/wire$/, replacement: src('wire') },
      { find: /^@port53\/resolver$/, replacement: src('resolver') },
      { find: /^@port53\/resolver\/dns$/, replacement: src('resolver', 'node-dns/index.ts') },
      { find: /^@port53\/server$/, replacement: src('server') },
      { find: /^@port53\/server\/testing$/, replacement: src('server', 'testing/index.ts') },
    ],
  },
  test: {
    include: ['packages/*/test/**/*.test.ts', 'test/**/*.test.ts'],
    testTimeout: 20_000,
    hookTimeout: 20_000,
    pool: 'forks',
    reporters: ['default', './test/support/summary-reporter.ts'],
  },
});
