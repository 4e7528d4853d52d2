/**
 * The bench's children: started and stopped through test/support/child-processes.mjs (killed
 * when the bench exits); here also on SIGINT, SIGTERM and SIGHUP, and their CPU and memory.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { killAll, processTree, readStat, start, stop } from '../test/support/child-processes.mjs';

export { killAll, start, stop };

/** Runs to completion (killed after timeoutMs); resolves { code, signal, output }. */
export async function run(command, args, { timeoutMs = 120_000, ...options } = {}) {
  const child = start(command, args, options);
  const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
  const { code, signal } = await child.exited;
  clearTimeout(timer);
  return { code, signal, output: child.output, stdout: child.stdout };
}

for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
  process.on(sig, () => {
    killAll();
    process.stderr.write(`bench: ${sig}, children killed\n`);
    process.exit(130);
  });
}

/** Peak and current resident set of one process in KiB (VmHWM, VmRSS), or undefined. */
export function readMemory(pid) {
  try {
    const text = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kib = (key) => Number(new RegExp(`^${key}:\\s+(\\d+)`, 'm').exec(text)?.[1] ?? NaN);
    return { hwmKiB: kib('VmHWM'), rssKiB: kib('VmRSS') };
  } catch {
    return undefined;
  }
}

let ticksPerSecond;

/** CPU seconds (user + system, every thread) used so far by `pid` and its live descendants. */
export function treeCpuSeconds(pid) {
  ticksPerSecond ??= clockTicks();
  let ticks = 0;
  for (const p of processTree(pid)) {
    const stat = readStat(p);
    if (stat) ticks += stat.utime + stat.stime;
  }
  return ticks / ticksPerSecond;
}

function clockTicks() {
  try {
    const n = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim());
    if (Number.isInteger(n) && n > 0) return n;
  } catch {
    // fall through
  }
  return 100;
}

/** Busy and total clock ticks of one CPU so far, from /proc/stat (busy = all but idle and iowait). */
export function cpuTicks(cpu) {
  const line = readFileSync('/proc/stat', 'utf8')
    .split('\n')
    .find((l) => l.startsWith(`cpu${cpu} `));
  if (!line) return undefined;
  const f = line.trim().split(/\s+/).slice(1).map(Number);
  const total = f.slice(0, 8).reduce((a, b) => a + b, 0);
  return { busy: total - f[3] - f[4], total };
}

/** Clock ticks per second (USER_HZ). */
export function ticksPerSecondValue() {
  ticksPerSecond ??= clockTicks();
  return ticksPerSecond;
}
