/**
 * Every child the bench starts goes through here, so that all are killed when the bench ends,
 * fails, or is interrupted.
 */
import { execFileSync, spawn } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';

const live = new Set();

/** spawn() whose child is killed (SIGKILL) when the bench exits, whatever the reason. */
export function start(command, args, options = {}) {
  const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'], ...options });
  live.add(child);
  child.output = '';
  child.stdout?.on('data', (d) => (child.output += d));
  child.stderr?.on('data', (d) => (child.output += d));
  child.exited = new Promise((resolve) => {
    child.once('error', (err) => {
      live.delete(child);
      child.output += `\nspawn error: ${err.message}`;
      resolve({ code: -1, signal: null });
    });
    child.once('exit', (code, signal) => {
      live.delete(child);
      resolve({ code, signal });
    });
  });
  return child;
}

/** Runs to completion (killed after timeoutMs); resolves { code, signal, output }. */
export async function run(command, args, { timeoutMs = 120_000, ...options } = {}) {
  const child = start(command, args, options);
  const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
  const { code, signal } = await child.exited;
  clearTimeout(timer);
  return { code, signal, output: child.output, stdout: child.stdout };
}

/** SIGTERM, then SIGKILL after graceMs; resolves once the child is gone. */
export async function stop(child, graceMs = 3000) {
  if (!live.has(child)) return;
  const descendants = processTree(child.pid);
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
  await child.exited;
  clearTimeout(timer);
  // NSD's server child normally follows its parent; make sure no orphan keeps the port.
  for (const pid of descendants) if (pid !== child.pid) killQuietly(pid);
}

export function killAll() {
  for (const child of live) {
    for (const pid of processTree(child.pid).reverse()) killQuietly(pid);
  }
}

function killQuietly(pid) {
  try {
    process.kill(pid, 'SIGKILL');
  } catch {
    // already gone
  }
}

process.on('exit', killAll);
for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
  process.on(sig, () => {
    killAll();
    process.stderr.write(`bench: ${sig}, children killed\n`);
    process.exit(130);
  });
}

/** `pid` and all its descendants, read from /proc (parents before children). */
export function processTree(pid) {
  const children = new Map();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = readStat(Number(entry));
    if (!stat) continue;
    const list = children.get(stat.ppid) ?? [];
    list.push(Number(entry));
    children.set(stat.ppid, list);
  }
  const out = [];
  const queue = [pid];
  while (queue.length > 0 && out.length < 1000) {
    const p = queue.shift();
    out.push(p);
    queue.push(...(children.get(p) ?? []));
  }
  return out;
}

/** Fields of /proc/PID/stat we need (utime and stime in clock ticks, all threads), or undefined. */
export function readStat(pid) {
  let text;
  try {
    text = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return undefined;
  }
  // comm may hold spaces and parentheses: fields start after the last ')'.
  const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
  return { ppid: Number(fields[1]), utime: Number(fields[11]), stime: Number(fields[12]) };
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
