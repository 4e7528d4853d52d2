import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const root = fileURLToPath(new URL('..', import.meta.url));
const src = (pkg: string) => fileURLToPath(new URL(`../packages/${pkg}/src/index.ts`, import.meta.url));

export default defineConfig({
  root,
  resolve: {
    // Tests run against the TypeScript sources; the CLIs (spawned by end-to-end tests) run from dist/.
    alias: {
      // Before '@port53/resolver', which would otherwise take '@port53/resolver/dns' as a path below it.
      '@port53/resolver/dns': fileURLToPath(new URL('../packages/resolver/src/node-dns/index.ts', import.meta.url)),
      '@port53/wire': src('wire'),
      '@port53/resolver': src('resolver'),
      '@port53/server': src('server'),
    },
  },
  test: {
    include: ['packages/*/test/**/*.test.ts', 'test/**/*.test.ts'],
    testTimeout: 20_000,
    hookTimeout: 20_000,
    pool: 'forks',
    reporters: ['default', './test/support/summary-reporter.ts'],
  },
});
