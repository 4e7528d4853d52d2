/**
 * Every option default of the resolver, in one place. Values read from /etc/resolv.conf
 * (timeout, attempts, ndots, rotate) replace these; constructor options replace both.
 */
export const DEFAULTS = {
  /** Port used when a server string names none. */
  port: 53,
  /** First attempt's wait in ms: resolv.conf's `timeout:5` (resolv.conf(5)). */
  timeout: 5000,
  /** Attempts per server: resolv.conf's `attempts:2`. */
  tries: 2,
  /** Upper bound in ms for one attempt's wait after doubling. */
  maxTimeout: 10_000,
  /** Upper bound in ms for a whole call, queueing, retries and TCP included. */
  deadline: 30_000,
  /** Random spread applied to doubled waits: ±10 %. */
  jitter: 0.1,
  /** Try servers in order; `rotate` starts each query at the next server (resolv.conf `rotate`). */
  rotate: false,
  /** Send EDNS(0) (RFC 6891) ... */
  edns: true,
  /** ... advertising the DNS flag day 2020 payload size. */
  ednsPayload: 1232,
  /** Randomize the query name's case and require it echoed (draft-vixie-dnsext-dns0x20). */
  use0x20: false,
  /** Use TCP from the first attempt (resolv.conf `use-vc`). */
  tcp: false,
  /** Queries in flight at once per Resolver; further queries wait in a FIFO queue. */
  maxInFlight: 256,
  /** Queries one UDP socket carries before its source port is replaced (issue 6; 1: a fresh port per query). */
  maxQueriesPerSocket: 32,
  /** ms an unused UDP socket stays open for the next query (unref'd: it never keeps the process alive). */
  idleSocketMs: 500,
  /** Apply the search list only when asked (node:dns never does; getaddrinfo does). */
  search: false,
  /** Names with fewer dots than this are tried with the search list first (resolv.conf `ndots:1`). */
  ndots: 1,
  /** Recursion desired: a stub resolver asks a recursive server to do the work. */
  recursion: true,
  /** The file read for servers and options when the constructor is not given them. */
  resolvConf: '/etc/resolv.conf',
  /**
   * Answer cache: off for a plain Resolver, as node:dns's c-ares channel on Node 20 (c-ares 1.34
   * has a query cache, which Node turns off: two resolve4() calls ask the server twice); lookup()
   * turns it on. When on: entries, and the longest reuse in seconds (c-ares' qcache default).
   */
  cache: false,
  cacheMaxEntries: 10_000,
  cacheMaxTtl: 3600,
  /** The server assumed when resolv.conf names none (resolv.conf(5)). */
  fallbackServer: '127.0.0.1',
} as const;

/** Bounds resolv.conf(5) puts on its options. */
export const RESOLV_CONF_LIMITS = { maxNameservers: 3, maxNdots: 15, maxTimeoutSeconds: 30, maxAttempts: 5 } as const;
