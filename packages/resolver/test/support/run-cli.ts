import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const bin = fileURLToPath(new URL('../../bin/resolve.js', import.meta.url));
const dist = fileURLToPath(new URL('../../dist/cli/main.js', import.meta.url));

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
 * from the user's ~/.resolverc or $PORT53_RESOLVE unless `env` gives some.
 */
export function runCli(args: string[], timeoutMs = 15_000, env: Record<string, string> = {}): Promise<CliRun> {
  const { PORT53_RESOLVE: _, ...inherited } = process.env;
  const childEnv = { ...inherited, NO_COLOR: '1', PORT53_RESOLVERC: '/nonexistent/.resolverc', ...env };
  return new Promise((resolve) => {
    execFile(process.execPath, [bin, ...args], { timeout: timeoutMs, env: childEnv }, (err, stdout, stderr) => {
      const code = err ? (typeof err.code === 'number' ? err.code : -1) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}
