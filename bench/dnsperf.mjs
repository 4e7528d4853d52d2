/** One dnsperf run, and the numbers read from its report. */
import { run } from './processes.mjs';

/**
 * `dnsperf -c 8 -T 1 -l S -s 127.0.0.1 -p PORT -d FILE`, pinned to `cpu`. No -e: dnsperf sends
 * queries without EDNS by default. Bounded: -l seconds, and killed 30 s after that.
 */
export async function dnsperf({ dnsperf, port, queryFile, seconds, cpu = 1, verbose = false }) {
  const args = ['-c', '8', '-T', '1', '-l', String(seconds), '-s', '127.0.0.1', '-p', String(port), '-d', queryFile, ...(verbose ? ['-v'] : [])];
  const [cmd, argv] = cpu === undefined ? [dnsperf, args] : ['taskset', ['-c', String(cpu), dnsperf, ...args]];
  const { code, output } = await run(cmd, argv, { timeoutMs: (seconds + 30) * 1000 });
  const result = parseDnsperf(output);
  if (code !== 0 || !result) throw new Error(`dnsperf failed (exit ${code}): ${output.trim().slice(-1500)}`);
  // -v: one line per reply, "> RCODE qname qtype latency-seconds"; the latencies in ms.
  if (verbose) result.latenciesMs = [...output.matchAll(/^> \S+ \S+ \S+ ([\d.]+)$/gm)].map((m) => Number(m[1]) * 1000);
  return result;
}

/** The statistics block of dnsperf 2.x output, or undefined when it is absent. */
export function parseDnsperf(text) {
  const num = (re) => {
    const m = re.exec(text);
    return m ? Number(m[1]) : NaN;
  };
  const result = {
    sent: num(/Queries sent:\s+(\d+)/),
    completed: num(/Queries completed:\s+(\d+)/),
    lost: num(/Queries lost:\s+(\d+)/),
    qps: num(/Queries per second:\s+([\d.]+)/),
    avgLatencyMs: num(/Average Latency \(s\):\s+([\d.]+)/) * 1000,
    runSeconds: num(/Run time \(s\):\s+([\d.]+)/),
    rcodes: /Response codes:\s+(.*)/.exec(text)?.[1]?.trim() ?? '',
  };
  return Number.isFinite(result.qps) && Number.isFinite(result.completed) ? result : undefined;
}
