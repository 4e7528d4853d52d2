import type { Cancellation } from './cancellation.js';

/**
 * A counting semaphore with a FIFO queue: at most `max` queries hold a socket at once, so ten
 * thousand concurrent lookups wait their turn instead of running into EMFILE. A holder gives its
 * slot back with release(), once (Call keeps track: no closure per slot).
 */
export class InFlightLimit {
  private active = 0;
  private readonly waiting: Array<() => void> = [];

  constructor(private readonly max: number) {}

  /** Takes a slot when one is free now (no Promise on the fast path). */
  tryAcquire(): boolean {
    if (this.active >= this.max || this.waiting.length > 0) return false;
    this.active += 1;
    return true;
  }

  /** Resolves true with a slot taken, or false if `call` is cancelled first. */
  acquire(call?: Cancellation): Promise<boolean> {
    if (call?.aborted) return Promise.resolve(false);
    if (this.active < this.max) {
      this.active += 1;
      return Promise.resolve(true);
    }
    return new Promise((resolve) => {
      const grant = () => {
        call?.release(queued);
        resolve(true);
      };
      const queued = {
        cancel: () => {
          const i = this.waiting.indexOf(grant);
          if (i >= 0) this.waiting.splice(i, 1);
          resolve(false);
        },
      };
      call?.hold(queued);
      this.waiting.push(grant);
    });
  }

  /** Gives a slot back; it passes straight to the next in line, so `active` stays the same then. */
  release(): void {
    const next = this.waiting.shift();
    if (next) next();
    else this.active -= 1;
  }

  get inFlight(): number {
    return this.active;
  }

  get queued(): number {
    return this.waiting.length;
  }
}
