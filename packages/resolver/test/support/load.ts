/** Bounded load for the hardening tests: counts from env PORT53_FULL=1 (the figures) or small ones. */
export { seeded } from '../../../../test/support/seeded-random.mjs';

export const FULL = process.env.PORT53_FULL === '1';

/** Lookups per test: the 10,000 with PORT53_FULL=1, a smaller bounded count otherwise. */
export const LOOKUPS = FULL ? 10_000 : 2_000;

export interface Run<T> {
  results: PromiseSettledResult<T>[];
  /** ms each call took, by index. */
  elapsed: number[];
}

/**
 * Calls `task(i)` for i in [0, count) with at most `concurrency` running, as a client with a fixed
 * number of workers does (so a lookup's deadline starts when it is sent, not while it waits here).
 * `onDone` sees the number of calls finished so far.
 */
export async function drive<T>(count: number, concurrency: number, task: (i: number) => Promise<T>, onDone?: (finished: number) => void | Promise<void>): Promise<Run<T>> {
  const results: PromiseSettledResult<T>[] = new Array(count);
  const elapsed: number[] = new Array(count);
  let next = 0;
  let finished = 0;
  const worker = async () => {
    while (next < count) {
      const i = next++;
      const started = performance.now();
      try {
        results[i] = { status: 'fulfilled', value: await task(i) };
      } catch (reason) {
        results[i] = { status: 'rejected', reason };
      }
      elapsed[i] = performance.now() - started;
      finished += 1;
      await onDone?.(finished);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return { results, elapsed };
}

/** Ref'd handles and timers by kind, as process.getActiveResourcesInfo() lists them. */
export function activeResources(): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const name of process.getActiveResourcesInfo()) counts[name] = (counts[name] ?? 0) + 1;
  return counts;
}

export async function waitFor(condition: () => boolean, ms = 2000): Promise<void> {
  const until = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > until) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}
