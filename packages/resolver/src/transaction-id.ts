import { randomInt } from 'node:crypto';

/** IDs of the queries in flight in this process, so no two share one (RFC 5452 §4.3). */
const inFlight = new Set<number>();

/** A random 16-bit ID from the CSPRNG, not used by another query in flight. */
export function takeId(): number {
  for (let i = 0; i < 64; i++) {
    const id = randomInt(0, 0x10000);
    if (!inFlight.has(id)) {
      inFlight.add(id);
      return id;
    }
  }
  // 64 collisions in a row means tens of thousands in flight; a shared ID still needs source and question to match.
  return randomInt(0, 0x10000);
}

export function releaseId(id: number): void {
  inFlight.delete(id);
}
