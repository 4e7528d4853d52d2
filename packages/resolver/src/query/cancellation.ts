/** Something a call is waiting for now (a queue slot, a reply) that must end when the call is cancelled. */
export interface Cancellable {
  cancel(): void;
}

/**
 * The end of one call, by cancel(), the caller's AbortSignal or the deadline: a lighter stand-in
 * for an AbortController per call (the profile showed AbortSignal's listeners on every attempt).
 * A call waits for one thing at a time, so one slot is enough. It is also an EventListener, so
 * `signal.addEventListener('abort', cancellation)` needs no closure.
 */
export class Cancellation {
  reason: 'cancelled' | 'deadline' | undefined;
  private waiting: Cancellable | undefined;

  get aborted(): boolean {
    return this.reason !== undefined;
  }

  cancel(reason: 'cancelled' | 'deadline' = 'cancelled'): void {
    if (this.reason !== undefined) return;
    this.reason = reason;
    const waiting = this.waiting;
    this.waiting = undefined;
    waiting?.cancel();
  }

  /** What to end on cancel(), until release(). */
  hold(what: Cancellable): void {
    this.waiting = what;
  }

  release(what: Cancellable): void {
    if (this.waiting === what) this.waiting = undefined;
  }

  handleEvent(): void {
    this.cancel('cancelled');
  }
}
