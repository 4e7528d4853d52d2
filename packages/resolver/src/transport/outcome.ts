/** How one send-and-wait on a transport ended. `T` is whatever the caller's `accept` returned. */
export type Ending<T> = { kind: 'reply'; reply: T; size: number } | { kind: 'cancelled' } | { kind: 'error'; code: string; closed?: boolean };

/**
 * One query handed to a transport. There is no timer here: the lookup that owns the query decides
 * how long a try waits, and keeps earlier tries listening until the lookup ends (failover.ts).
 */
export interface SendOptions<T> {
  query: Uint8Array;
  /** The reply check: a value ends the wait, undefined means "not ours, keep waiting". */
  accept(packet: Uint8Array): T | undefined;
  /** Called at most once: a reply, a socket error, or the pool closing. Never after close(). */
  done(ending: Ending<T>): void;
}

/** A query on its way: close() stops the wait without calling done. */
export interface Waiting {
  close(): void;
}
