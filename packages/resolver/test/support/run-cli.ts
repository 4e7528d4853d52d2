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

/** Runs `resolve ARGS` asynchronously (the fake servers live in this process). */
export function runCli(args: string[], timeoutMs = 15_000): Promise<CliRun> {
  return new Promise((resolve) => {
    execFile(process.execPath, [bin, ...args], { timeout: timeoutMs, env: { ...process.env, NO_COLOR: '1' } }, (err, stdout, stderr) => {
      const code = err ? (typeof err.code === 'number' ? err.code : -1) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}
