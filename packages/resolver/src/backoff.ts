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
 * The order in which servers are asked: every server once per round, `tries` rounds, starting at
 * `first` (rotation). Servers that must not be asked again are skipped by the caller.
 */
export function attemptPlan(servers: number, tries: number, first = 0): PlannedAttempt[] {
  const plan: PlannedAttempt[] = [];
  for (let round = 0; round < tries; round++) {
    for (let i = 0; i < servers; i++) plan.push({ server: (first + i) % servers, round });
  }
  return plan;
}
