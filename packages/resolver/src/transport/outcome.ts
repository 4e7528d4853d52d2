/** How one send-and-wait on a transport ended. `T` is whatever the caller's `accept` returned. */
export type Ending<T> =
  | { kind: 'reply'; reply: T; size: number }
  | { kind: 'timeout' }
  | { kind: 'cancelled' }
  | { kind: 'error'; code: string };

export type ExchangeOutcome<T> = Ending<T> & {
  /** Datagrams or frames that `accept` turned down. */
  ignored: number;
};

import type { Cancellation } from '../query/cancellation.js';

export interface SendOptions<T> {
  query: Uint8Array;
  timeoutMs: number;
  /** The call this query belongs to: its cancel() ends the wait at once. */
  call?: Cancellation;
  /** The reply check: a value ends the wait, undefined means "not ours, keep waiting". */
  accept(packet: Uint8Array): T | undefined;
  /** Called once, when the wait is over (a callback, not a promise: one promise per exchange is enough). */
  done(outcome: ExchangeOutcome<T>): void;
}
