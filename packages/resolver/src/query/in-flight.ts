import type { Cancellation } from './cancellation.js';

/**
 * A counting semaphore with a FIFO queue: at most `max` queries hold a socket at once, so ten
 * thousand concurrent lookups wait their turn instead of running into EMFILE.
 */
export class InFlightLimit {
  private active = 0;
  private readonly waiting: Array<() => void> = [];

  constructor(private readonly max: number) {}

  /** A release function when a slot is free now (no Promise on the fast path), else undefined. */
  tryAcquire(): (() => void) | undefined {
    if (this.active >= this.max || this.waiting.length > 0) return undefined;
    this.active += 1;
    return this.releaser();
  }

  /** Resolves with a release function, or with undefined if `call` is cancelled first. */
  acquire(call?: Cancellation): Promise<(() => void) | undefined> {
    if (call?.aborted) return Promise.resolve(undefined);
    if (this.active < this.max) {
      this.active += 1;
      return Promise.resolve(this.releaser());
    }
    return new Promise((resolve) => {
      const grant = () => {
        call?.release(queued);
        resolve(this.releaser());
      };
      const queued = {
        cancel: () => {
          const i = this.waiting.indexOf(grant);
          if (i >= 0) this.waiting.splice(i, 1);
          resolve(undefined);
        },
      };
      call?.hold(queued);
      this.waiting.push(grant);
    });
  }

  get inFlight(): number {
    return this.active;
  }

  get queued(): number {
    return this.waiting.length;
  }

  private releaser(): () => void {
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const next = this.waiting.shift();
      // The slot passes straight to the next in line, so `active` stays the same.
      if (next) next();
      else this.active -= 1;
    };
  }
}
