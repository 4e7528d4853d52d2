import { randomFillSync } from 'node:crypto';

/** IDs of the queries in flight in this process, so no two share one (RFC 5452 §4.3). */
const inFlight = new Set<number>();

/** CSPRNG output drawn 512 IDs at a time: one call per batch instead of one per query. */
const batch = new Uint16Array(512);
let next = batch.length;

function randomId(): number {
  if (next === batch.length) {
    randomFillSync(batch);
    next = 0;
  }
  return batch[next++];
}

/** A random 16-bit ID from the CSPRNG, not used by another query in flight. */
export function takeId(): number {
  for (let i = 0; i < 64; i++) {
    const id = randomId();
    if (!inFlight.has(id)) {
      inFlight.add(id);
      return id;
    }
  }
  // 64 collisions in a row means tens of thousands in flight; a shared ID still needs source and question to match.
  return randomId();
}

export function releaseId(id: number): void {
  inFlight.delete(id);
}
