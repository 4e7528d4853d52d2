/** A lookup whose current try waits until `timerAt` (performance.now() ms). */
export interface TimedTry {
  timerAt: number;
  timerPrev: TimedTry | undefined;
  timerNext: TimedTry | undefined;
  timerLinked: boolean;
  /** The wait is over (called once per start(), never after stop()). */
  timedOut(): void;
}

/**
 * The waits of every try in flight, in one list ordered by when they end, behind one Node timer:
 * no Timeout object, timer-list insert and clear per query. Tries mostly end in the order they
 * started, so an insert walks back from the tail a step or two. The timer is armed for the
 * earliest wait and is not moved when that try ends early (the usual case: a reply came); it then
 * fires, finds nothing due and is armed again, about once per timeout. It is ref'd only while a
 * try waits, as a setTimeout per try was.
 */
class TryTimers {
  private head: TimedTry | undefined;
  private tail: TimedTry | undefined;
  private timer: NodeJS.Timeout | undefined;
  /** When the timer fires (performance.now() ms); Infinity when none is armed. */
  private armedAt = Infinity;
  private refd = false;
  private readonly onTimer = () => this.fire();

  start(t: TimedTry, waitMs: number): void {
    if (t.timerLinked) this.unlink(t);
    const at = performance.now() + waitMs;
    t.timerAt = at;
    t.timerLinked = true;
    let after = this.tail;
    while (after !== undefined && after.timerAt > at) after = after.timerPrev;
    t.timerPrev = after;
    t.timerNext = after === undefined ? this.head : after.timerNext;
    if (t.timerNext === undefined) this.tail = t;
    else t.timerNext.timerPrev = t;
    if (after === undefined) this.head = t;
    else after.timerNext = t;
    if (at < this.armedAt) this.arm(at);
    if (!this.refd) {
      this.refd = true;
      this.timer!.ref();
    }
  }

  stop(t: TimedTry): void {
    if (!t.timerLinked) return;
    this.unlink(t);
    if (this.head === undefined && this.refd) {
      // Nothing waits: the armed timer must not keep the process alive.
      this.refd = false;
      this.timer!.unref();
    }
  }

  private unlink(t: TimedTry): void {
    const { timerPrev: prev, timerNext: next } = t;
    if (prev === undefined) this.head = next;
    else prev.timerNext = next;
    if (next === undefined) this.tail = prev;
    else next.timerPrev = prev;
    t.timerPrev = t.timerNext = undefined;
    t.timerLinked = false;
  }

  private arm(at: number): void {
    this.armedAt = at;
    const delay = Math.max(1, Math.ceil(at - performance.now()));
    if (this.timer === undefined) this.timer = setTimeout(this.onTimer, delay);
    else {
      // refresh() would keep the old delay: a new one needs a new start.
      clearTimeout(this.timer);
      this.timer = setTimeout(this.onTimer, delay);
    }
    if (!this.refd) this.timer.unref();
  }

  private fire(): void {
    this.armedAt = Infinity;
    // Node's timers have 1 ms granularity and may fire up to 1 ms before the exact time.
    const now = performance.now() + 1;
    let t = this.head;
    while (t !== undefined && t.timerAt <= now) {
      this.unlink(t);
      t.timedOut();
      t = this.head;
    }
    if (this.head !== undefined) this.arm(this.head.timerAt);
    else if (this.refd) {
      this.refd = false;
      this.timer!.unref();
    }
  }
}

/** One list for the process: every Resolver's tries (as transaction IDs are per process too). */
export const tryTimers = new TryTimers();
