import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** The built CLI (tests run after `pnpm build`, as `pnpm test` does). */
export const PORT53D = fileURLToPath(new URL('../../packages/server/bin/port53d.js', import.meta.url));

export interface Finished {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** Runs port53d to completion (bounded by timeoutMs, then killed). */
export function runPort53d(args: string[], options: { cwd?: string; timeoutMs?: number } = {}): Promise<Finished> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [PORT53D, ...args], { cwd: options.cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 10_000);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr });
    });
  });
}

/** A running port53d whose stderr is read as JSON log lines. */
export class RunningPort53d {
  readonly logs: Record<string, unknown>[] = [];
  stderr = '';
  stdout = '';
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  private waiters: (() => void)[] = [];

  constructor(readonly child: ChildProcess) {
    child.stdout?.on('data', (d: Buffer) => (this.stdout += d.toString()));
    child.stderr?.on('data', (d: Buffer) => {
      this.stderr += d.toString();
      const lines = this.stderr.split('\n');
      this.logs.length = 0;
      for (const line of lines) {
        if (!line.startsWith('{')) continue;
        try {
          this.logs.push(JSON.parse(line) as Record<string, unknown>);
        } catch {
          // a line still being written
        }
      }
      this.wake();
    });
    this.exited = new Promise((resolve) => child.on('exit', (code, signal) => {
      resolve({ code, signal });
      this.wake();
    }));
  }

  static start(args: string[], cwd?: string): RunningPort53d {
    return new RunningPort53d(spawn(process.execPath, [PORT53D, ...args], { cwd, stdio: ['ignore', 'pipe', 'pipe'] }));
  }

  /** Resolves the first log line (after `skip` matches) that matches; rejects on exit or timeout. */
  waitLog(match: (line: Record<string, unknown>) => boolean, timeoutMs = 5000, skip = 0): Promise<Record<string, unknown>> {
    return new Promise((resolve, reject) => {
      let exited = false;
      void this.exited.then(() => (exited = true));
      const timer = setTimeout(() => reject(new Error(`no matching log line within ${timeoutMs} ms; stderr:\n${this.stderr}`)), timeoutMs);
      const check = () => {
        const found = this.logs.filter(match)[skip];
        if (found) {
          clearTimeout(timer);
          resolve(found);
        } else if (exited || this.child.exitCode !== null || this.child.signalCode !== null) {
          clearTimeout(timer);
          reject(new Error(`port53d exited; stderr:\n${this.stderr}`));
        } else {
          this.waiters.push(check);
        }
      };
      check();
    });
  }

  kill(): void {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill('SIGKILL');
  }

  private wake(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const w of waiters) w();
  }
}
