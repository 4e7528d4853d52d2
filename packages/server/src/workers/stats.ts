/**
 * Counters summed over port53d's answering threads: the main thread's own, plus the last
 * snapshot each worker posted (and the final counts of workers that were replaced), so that
 * server.stats and /metrics count every query whichever socket the kernel gave it to.
 */
import type { QueryCountRow } from '../metrics/query-counts.js';
import type { ServerStats } from '../server.js';
import type { UdpBatchCounters } from '../transport/udp-batch.js';

/** What a worker posts (structured-clone safe): the queries it answered itself (the main thread counts those it passed on). */
export interface WorkerCounts {
  /** Queries it answered itself, from its kept replies. */
  queries: ServerStats['queries'];
  outcomes: ServerStats['outcomes'];
  errors: number;
  answerCache: ServerStats['answerCache'];
  udpBatch: UdpBatchCounters | undefined;
  queryCounts: QueryCountRow[];
}

export function workerCounts(): WorkerCounts {
  return {
    queries: { udp: 0, tcp: 0 },
    outcomes: { answered: 0, formerr: 0, notimp: 0, refused: 0, badvers: 0, dropped: 0 },
    errors: 0,
    answerCache: { hits: 0, misses: 0, entries: 0, bytes: 0 },
    udpBatch: undefined,
    queryCounts: [],
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
 * latest snapshots (posted every 100 ms while they change). A query a worker passed on is counted
 * once, by the main thread that answered it. TCP, RRL, cookies and zone loads are the main
 * thread's alone: only it answers TCP, and every query that RRL limits or that carries a cookie.
 * `threads`: what each worker's sockets took; `relayed`: the queries the main thread answered for them.
 */
export function mergedStats(own: ServerStats, workers: () => WorkerCounts[], threads: () => number[], relayed: () => number): ServerStats {
  const sum = <K extends 'queries' | 'outcomes' | 'answerCache'>(key: K): ServerStats[K] => {
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
    rrl: own.rrl,
    cookies: own.cookies,
    zoneLoads: own.zoneLoads,
    get answerCache() {
      return sum('answerCache');
    },
    get threads() {
      // What each thread's sockets took: the main thread's total less what it answered for the workers.
      return [own.queries.udp + own.queries.tcp - relayed(), ...threads()];
    },
    get udpBatch() {
      let total = own.udpBatch && { ...own.udpBatch };
      for (const w of workers()) if (w.udpBatch) total = total ? add(total, w.udpBatch) : { ...w.udpBatch };
      return total;
    },
  };
}
