/**
 * Every default of `createServer()` and `port53d`, in one place.
 * The CLI shows these in --help; the README quotes them.
 */
export const DEFAULTS = {
  /** Served when neither `zonesDir` nor `zones` is given (relative to the working directory). */
  zonesDir: 'zones',
  /** Loopback only: a development server should not be reachable from the network by accident. */
  addresses: ['127.0.0.1', '::1'] as readonly string[],
  /** 5353 needs no privileges; 53 works as root or with CAP_NET_BIND_SERVICE. */
  port: 5353,
  tcp: true,
  /** Batch UDP with recvmmsg/sendmmsg when the native addon built (env PORT53_UDP_BATCH=0 turns it off); else node:dgram. */
  udpBatch: true,
  /** Answering threads (--workers): 1, the main thread alone. */
  workers: 1 as number | 'auto',
  logLevel: 'info',
  queryLog: false,
  /** RFC 7766 §6.2.3: servers should close idle connections after a timeout of the order of seconds. */
  tcpIdleTimeoutMs: 10_000,
  /** Once a message's first octet arrives, the rest must follow within this (Knot's tcp-io-timeout is 500 ms). */
  tcpMessageTimeoutMs: 5_000,
  /** Open TCP connections in total; new ones over the cap are closed at once (NSD tcp-count is 100). */
  maxTcpConnections: 100,
  /** Open TCP connections from one client prefix (see tcpClientPrefixV4/V6). */
  maxTcpConnectionsPerClient: 10,
  /** Addresses in one IPv4 /24 count as one TCP client, as RRL groups them (a client often has a whole /24). */
  tcpClientPrefixV4: 24,
  /** Addresses in one IPv6 /56 count as one TCP client: a single site is routinely given a /56 or a /48, a /64 defeats nothing. */
  tcpClientPrefixV6: 56,
  /** Replies written but not yet flushed to the kernel on one connection before reading pauses (RFC 7766 §6.2.1.1). */
  maxPipelined: 100,
  /** Bytes of unprocessed input kept for one connection: one maximal frame plus one read. */
  maxTcpBufferedBytes: 2 + 65_535 + 65_536,
  /** Write buffer above which a connection stops being read until it drains. */
  tcpWriteHighWaterBytes: 64 * 1024,
  /**
   * Response rate limiting (UDP replies per second per client /24 or /56 and response category).
   * Off, as in Knot and BIND: a development server on loopback should not throttle its own tests
   * and benchmarks. NSD turns it on at 200; see docs/security.md for choosing a rate.
   */
  rrlRate: 0,
  /** Every 2nd limited reply goes out truncated (TC=1) so genuine clients retry over TCP (BIND, Knot and NSD default). */
  rrlSlip: 2,
  /** Seconds of replies a quiet client may save up as a burst (the bucket holds rate × window). */
  rrlWindow: 1,
  /** RRL buckets kept at most (each a few dozen octets): bounds memory under spoofed-source floods. */
  rrlMaxEntries: 100_000,
  /** Server cookies (RFC 7873) on, as BIND and NSD 4.8 answer them. */
  cookies: true,
  /** The cookie secret is replaced this often; the previous one keeps verifying one more period (RFC 9018 §4.4). */
  cookieSecretSeconds: 3600,
  /** RFC 1982: a changed zone file whose SOA serial did not increase is refused and the old version kept (Knot does so too). */
  serialCheck: true,
  /** A reload taking longer is abandoned (its worker stopped); the served zones stay. */
  reloadTimeoutMs: 300_000,
  /** With port 0, how many times to pick a new ephemeral port when TCP finds the UDP port taken. */
  bindAttempts: 8,
} as const;

export type LogLevel = 'trace' | 'debug' | 'info' | 'warn' | 'error' | 'fatal' | 'silent';
export const LOG_LEVELS: readonly LogLevel[] = ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'];
