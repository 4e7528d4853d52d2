/**
 * The wait for one attempt: `timeout` in round 0, doubled each later round (as resolv.conf(5)
 * and c-ares do), spread by ±jitter, capped by `maxTimeout`. `random` returns [0, 1).
 */
export function attemptTimeout(
  round: number,
  opts: { timeout: number; maxTimeout: number; jitter: number },
  random: () => number = Math.random,
): number {
  if (round === 0) return Math.min(opts.timeout, opts.maxTimeout);
  const base = opts.timeout * 2 ** round;
  const spread = 1 + opts.jitter * (2 * random() - 1);
  return Math.max(1, Math.round(Math.min(base * spread, opts.maxTimeout)));
}

/** One slot of the retry plan: which server, in which round. */
export interface PlannedAttempt {
  server: number;
  round: number;
}

/**
 * Attempt `index` of the plan: every server once per round, starting at `first` (rotation), for
 * as many rounds as there are tries. Servers that must not be asked again are skipped by the caller.
 */
export function plannedAttempt(index: number, servers: number, first = 0): PlannedAttempt {
  return { server: (first + (index % servers)) % servers, round: Math.floor(index / servers) };
}
