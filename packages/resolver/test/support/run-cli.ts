import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const bin = fileURLToPath(new URL('../../bin/resolve.js', import.meta.url));
const dist = fileURLToPath(new URL('../../dist/cli/main.js', import.meta.url));
/** The bin's V8 code cache for the tests' runs, instead of the user's ~/.cache/port53 (one per user: a cache is code). */
const cacheDir = join(tmpdir(), `port53-test-resolve-cache-${process.getuid?.() ?? 'user'}`);

/** Fails loudly when the CLI has not been built: these tests run the real bin, from dist/. */
export function assertBuilt(): void {
  if (!existsSync(dist)) throw new Error(`${dist} is missing: run \`pnpm build\` before the CLI tests`);
}

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * Runs `resolve ARGS` asynchronously (the fake servers live in this process), with no defaults
 * from the user's ~/.resolverc or $PORT53_RESOLVE unless `env` gives some (undefined: unset), and the code cache in
 * `cacheDir` (the first run writes it, the others read it).
 */
export function runCli(args: string[], timeoutMs = 15_000, env: Record<string, string | undefined> = {}): Promise<CliRun> {
  const { PORT53_RESOLVE: _, ...inherited } = process.env;
  const childEnv = { ...inherited, NO_COLOR: '1', PORT53_RESOLVERC: '/nonexistent/.resolverc', PORT53_CACHE_DIR: cacheDir, ...env };
  return new Promise((resolve) => {
    execFile(process.execPath, [bin, ...args], { timeout: timeoutMs, env: childEnv }, (err, stdout, stderr) => {
      const code = err ? (typeof err.code === 'number' ? err.code : -1) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}
