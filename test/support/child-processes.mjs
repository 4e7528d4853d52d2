/**
 * Children (reference servers, port53d, dnsperf) started through here are killed when this
 * process exits, whatever the reason, and stopped with their descendants (NSD forks).
 */
import { spawn } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';

/**
 * A child with its stdout and stderr gathered in `output` and its end in `exited`.
 * @typedef {import('node:child_process').ChildProcess & {
 *   output: string,
 *   exited: Promise<{ code: number | null, signal: NodeJS.Signals | null }>,
 * }} StartedChild
 */

/** @type {Set<StartedChild>} */
const live = new Set();

/**
 * spawn() whose child is killed (SIGKILL) when this process exits.
 * @param {string} command
 * @param {readonly string[]} args
 * @param {import('node:child_process').SpawnOptions} [options]
 * @returns {StartedChild}
 */
export function start(command, args, options = {}) {
  const child = /** @type {StartedChild} */ (spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'], ...options }));
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

/**
 * SIGTERM, then SIGKILL after graceMs; resolves once the child is gone.
 * @param {StartedChild} child
 * @param {number} [graceMs]
 * @returns {Promise<void>}
 */
export async function stop(child, graceMs = 3000) {
  if (!live.has(child)) return;
  const descendants = processTree(child.pid ?? 0);
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
  await child.exited;
  clearTimeout(timer);
  // NSD's server child normally follows its parent; make sure no orphan keeps the port.
  for (const pid of descendants) if (pid !== child.pid) killQuietly(pid);
}

/** SIGKILL to every live child and its descendants. */
export function killAll() {
  for (const child of live) {
    for (const pid of processTree(child.pid ?? 0).reverse()) killQuietly(pid);
  }
}

/** @param {number} pid */
function killQuietly(pid) {
  try {
    process.kill(pid, 'SIGKILL');
  } catch {
    // already gone
  }
}

process.on('exit', killAll);

/**
 * `pid` and all its descendants, read from /proc (parents before children).
 * @param {number} pid
 * @returns {number[]}
 */
export function processTree(pid) {
  /** @type {Map<number, number[]>} */
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
    const p = /** @type {number} */ (queue.shift());
    out.push(p);
    queue.push(...(children.get(p) ?? []));
  }
  return out;
}

/**
 * Fields of /proc/PID/stat we need (utime and stime in clock ticks, all threads), or undefined.
 * @param {number} pid
 * @returns {{ ppid: number, utime: number, stime: number } | undefined}
 */
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
