/**
 * Counters summed over port53d's answering threads: the main thread's own, plus the last
 * snapshot each worker posted (and the final counts of workers that were replaced), so that
 * server.stats and /metrics count every query whichever socket the kernel gave it to.
 */
import type { QueryCountRow } from '../metrics/query-counts.js';
import type { ServerStats } from '../server.js';
import type { UdpBatchCounters } from '../transport/udp-batch.js';

/** What a worker posts (structured-clone safe): its counters and its query counts. */
export interface WorkerCounts {
  queries: ServerStats['queries'];
  outcomes: ServerStats['outcomes'];
  errors: number;
  rrl: ServerStats['rrl'];
  cookies: ServerStats['cookies'];
  answerCache: ServerStats['answerCache'];
  udpBatch: UdpBatchCounters | undefined;
  queryCounts: QueryCountRow[];
}

export function snapshot(stats: ServerStats, rows: QueryCountRow[]): WorkerCounts {
  return {
    queries: { ...stats.queries },
    outcomes: { ...stats.outcomes },
    errors: stats.errors,
    rrl: { ...stats.rrl },
    cookies: { ...stats.cookies },
    answerCache: { ...stats.answerCache },
    udpBatch: stats.udpBatch && { ...stats.udpBatch },
    queryCounts: rows,
  };
}

/** Adds every number of `more` into `into` (flat records of counters). */
function add<T extends object>(into: T, more: T): T {
  const target = into as Record<string, number>;
  for (const [k, v] of Object.entries(more as Record<string, number>)) target[k] = (target[k] ?? 0) + v;
  return into;
}

/** Two snapshots summed (the final counts of a replaced worker are kept this way). */
export function sumCounts(a: WorkerCounts, b: WorkerCounts): WorkerCounts {
  return {
    queries: add({ ...a.queries }, b.queries),
    outcomes: add({ ...a.outcomes }, b.outcomes),
    errors: a.errors + b.errors,
    rrl: add({ ...a.rrl }, b.rrl),
    cookies: add({ ...a.cookies }, b.cookies),
    answerCache: add({ ...a.answerCache }, b.answerCache),
    udpBatch: a.udpBatch && b.udpBatch ? add({ ...a.udpBatch }, b.udpBatch) : (a.udpBatch ?? b.udpBatch),
    queryCounts: sumRows([a.queryCounts, b.queryCounts]),
  };
}

export function sumRows(lists: readonly QueryCountRow[][]): QueryCountRow[] {
  const byKey = new Map<string, QueryCountRow>();
  for (const rows of lists) {
    for (const r of rows) {
      const key = `${r.transport} ${r.qtype} ${r.rcode}`;
      const seen = byKey.get(key);
      if (seen) seen.count += r.count;
      else byKey.set(key, { ...r });
    }
  }
  return [...byKey.values()];
}

/**
 * server.stats with workers: each read sums the main thread's live counters and the workers'
 * latest snapshots (posted every 100 ms while they change). TCP and zone loads are the main
 * thread's alone: it is the only one that serves TCP and its loads are the ones reported.
 */
export function mergedStats(own: ServerStats, workers: () => WorkerCounts[], live: () => (WorkerCounts | undefined)[]): ServerStats {
  const sum = <K extends 'queries' | 'outcomes' | 'rrl' | 'cookies' | 'answerCache'>(key: K): ServerStats[K] => {
    const total = { ...own[key] };
    for (const w of workers()) add(total as object, w[key] as object);
    return total;
  };
  return {
    get queries() {
      return sum('queries');
    },
    get outcomes() {
      return sum('outcomes');
    },
    get errors() {
      return workers().reduce((n, w) => n + w.errors, own.errors);
    },
    tcp: own.tcp,
    get rrl() {
      return sum('rrl');
    },
    get cookies() {
      return sum('cookies');
    },
    zoneLoads: own.zoneLoads,
    get answerCache() {
      return sum('answerCache');
    },
    get threads() {
      return [own.queries.udp + own.queries.tcp, ...live().map((w) => (w ? w.queries.udp + w.queries.tcp : 0))];
    },
    get udpBatch() {
      let total = own.udpBatch && { ...own.udpBatch };
      for (const w of workers()) if (w.udpBatch) total = total ? add(total, w.udpBatch) : { ...w.udpBatch };
      return total;
    },
  };
}
