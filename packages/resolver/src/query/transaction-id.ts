import { randomFillSync } from 'node:crypto';

/**
 * How many queries in flight in this process hold each ID, so no two share one (RFC 5452 §4.3):
 * a table of all 65,536 (128 KiB), no hashing or allocation per query as a Set had.
 */
const inFlight = new Uint16Array(0x10000);

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
    if (inFlight[id] === 0) {
      inFlight[id] = 1;
      return id;
    }
  }
  // 64 collisions in a row means tens of thousands in flight; a shared ID still needs source and question to match.
  const id = randomId();
  if (inFlight[id] < 0xffff) inFlight[id] += 1;
  return id;
}

export function releaseId(id: number): void {
  if (inFlight[id] > 0) inFlight[id] -= 1;
}
