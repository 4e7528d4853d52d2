/** The external programs the bench drives, where they are, and their versions. */
import { findTool } from '../test/support/find-tool.mjs';
import { run } from './processes.mjs';

/** name -> [Debian package, the parts that need it] */
export const NEEDED = {
  dnsperf: ['dnsperf', ['server', 'profile']],
  nsd: ['nsd', ['server', 'sizes', 'resolver', 'reload', 'cli', 'testserver']],
  'nsd-checkzone': ['nsd', ['zoneload']],
  knotd: ['knot', ['server', 'sizes', 'zoneload']],
  taskset: ['util-linux', ['server', 'resolver', 'profile']],
  dig: ['bind9-dnsutils', ['cli']],
  unshare: ['util-linux', ['lookup']],
  ip: ['iproute2', ['lookup']],
};

/** Paths of the tools found; prints what is missing, which parts it skips and how to install it. */
export function checkTools(parts, print) {
  const found = {};
  const missing = [];
  for (const [name, [pkg, usedBy]] of Object.entries(NEEDED)) {
    const path = findTool(name);
    if (path) found[name] = path;
    else if (usedBy.some((p) => parts.includes(p))) missing.push({ name, pkg, usedBy: usedBy.filter((p) => parts.includes(p)) });
  }
  found.time = findTool('time'); // GNU time for peak RSS; /proc polling otherwise
  if (missing.length > 0) {
    for (const m of missing) print(`missing: ${m.name} (needed by: ${m.usedBy.join(', ')})`);
    const pkgs = [...new Set(missing.map((m) => m.pkg))].join(' ');
    print(`install with: sudo apt-get install ${pkgs}   (everything: apt-get install dnsperf nsd knot); the parts that need them are skipped`);
  }
  return found;
}

/** Which of `needs` are absent from `found`. */
export const absent = (found, needs) => needs.filter((n) => !found[n]);

/** Versions of node and the tools found, for the report. */
export async function versions(found) {
  const first = async (cmd, args, re) => {
    if (!cmd) return 'absent';
    const { output } = await run(cmd, args, { timeoutMs: 5000 });
    return re.exec(output)?.[1] ?? output.trim().split('\n')[0];
  };
  return {
    node: process.version,
    nsd: await first(found.nsd, ['-v'], /NSD version (\S+)/),
    knot: await first(found.knotd, ['-V'], /version (\S+)/),
    dnsperf: await first(found.dnsperf, ['-h'], /Version (\S+)/),
    dig: await first(found.dig, ['-v'], /DiG (\S+)/),
  };
}
