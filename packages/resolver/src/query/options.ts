import type { ClassName } from '@port53/wire';

/** What every node:dns-shaped method takes. */
export interface CallOptions {
  signal?: AbortSignal;
}

/** What query() takes: the question's class and flags, and per-call overrides of the Resolver's settings. */
export interface QueryOptions extends CallOptions {
  /** Class of the question (default IN). */
  class?: ClassName | string;
  /** Use TCP from the start. */
  tcp?: boolean;
  /** Send an OPT record. */
  edns?: boolean;
  /** Apply the search list to this name. */
  search?: boolean;
  /** Set RD. */
  recursion?: boolean;
  /** Set CD (RFC 4035 §3.2.2). */
  checkingDisabled?: boolean;
  /** Set DO in the OPT record (RFC 3225). */
  dnssecOk?: boolean;
  timeout?: number;
  tries?: number;
  deadline?: number;
}
