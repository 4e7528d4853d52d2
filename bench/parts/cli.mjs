/**
 * `resolve` start-up: wall time of one lookup with the CLI vs `node -e 0` (node's own start-up)
 * vs dig, against NSD; runs interleaved, medians. Not pinned: a user's shell is not.
 */
import { join } from 'node:path';
import { BENCH_ORIGIN } from '../generate.mjs';
import { run } from '../processes.mjs';
import { REPO, startNsd } from '../servers.mjs';
import { fmt, fmtRatio, median, ratio } from '../stats.mjs';
import { Table } from '../table.mjs';

export const needs = ['nsd', 'dig'];

const RESOLVE = join(REPO, 'packages/resolver/bin/resolve.js');
const NAME = `host1.${BENCH_ORIGIN}`;

export async function cliPart(ctx) {
  const { tools, inputs, opts, out, print } = ctx;
  const runs = opts.quick ? 5 : 15;
  const nsd = await startNsd({ nsd: tools.nsd, dir: join(out, 'nsd-cli'), origin: BENCH_ORIGIN, zoneFile: inputs.zoneFile });
  const commands = [
    ['resolve', process.execPath, [RESOLVE, '@127.0.0.1', '-p', String(nsd.port), NAME]],
    ['node -e 0', process.execPath, ['-e', '0']],
    ['dig', tools.dig, ['@127.0.0.1', '-p', String(nsd.port), NAME]],
  ];
  const times = new Map(commands.map(([label]) => [label, []]));
  try {
    for (let i = 0; i < runs + 1; i++) {
      for (const [label, cmd, args] of commands) {
        const t0 = process.hrtime.bigint();
        const { code, output } = await run(cmd, args, { timeoutMs: 20_000 });
        const ms = Number(process.hrtime.bigint() - t0) / 1e6;
        if (code !== 0) throw new Error(`${label} exited ${code}: ${output.slice(-800)}`);
        if (label !== 'node -e 0' && !output.includes('10.0.0.1')) throw new Error(`${label} did not print the answer: ${output.slice(-800)}`);
        if (i > 0) times.get(label).push(ms); // the first pass warms the file cache
      }
    }
  } finally {
    await nsd.stop();
  }
  const base = times.get('node -e 0');
  const t = new Table(`resolve CLI: one lookup of ${NAME} against NSD, ${runs} interleaved runs each, medians`, ['command', 'wall ms', '×node -e 0', 'min ms', 'max ms']);
  const summary = {};
  for (const [label, ms] of times) {
    summary[label] = median(ms.map((m, i) => ratio(m, base[i])));
    t.add([label, fmt(median(ms), 1), fmtRatio(summary[label]), fmt(Math.min(...ms), 1), fmt(Math.max(...ms), 1)]);
  }
  t.note(`target resolve ≤ 1.6× node -e 0: ${summary.resolve <= 1.6 ? 'met' : 'NOT met'} (${fmtRatio(summary.resolve)}); ratios are medians of per-run ratios`);
  t.note(`issue 17 target: resolve ≤ 1.3× node -e 0 ${summary.resolve <= 1.3 ? 'met' : 'NOT met'} (${fmtRatio(summary.resolve)}); resolve runs with its code cache (~/.cache/port53), written by the discarded first pass`);
  print(`  cli: resolve ${fmt(median(times.get('resolve')), 1)} ms, node -e 0 ${fmt(median(base), 1)} ms, dig ${fmt(median(times.get('dig')), 1)} ms`);
  return [t];
}
