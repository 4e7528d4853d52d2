/** node:dns error codes (the subset a stub resolver produces, plus ENOTIMP and EBADNAME). */
export type DnsErrorCode =
  | 'ENOTFOUND' // NXDOMAIN
  | 'ENODATA' // NOERROR without records of the type asked for
  | 'ETIMEOUT' // no usable response before the tries or the deadline ran out
  | 'ESERVFAIL'
  | 'EREFUSED'
  | 'ENOTIMP'
  | 'EFORMERR'
  | 'ECONNREFUSED' // every server's port was closed (ICMP port unreachable, TCP RST)
  | 'EBADRESP' // only malformed responses came back
  | 'ECANCELLED' // the caller aborted, or resolver.cancel()
  | 'EBADNAME' // the name cannot be written as a DNS name
  | 'EINVAL'; // a bad argument, e.g. reverse() of something that is not an address

export type Transport = 'udp' | 'tcp';

/** What became of one exchange with one server. */
export type AttemptOutcome =
  | 'answer' // a response that ends the query (NOERROR, NXDOMAIN, ...)
  | 'truncated' // TC=1 over UDP: the query moves to TCP (RFC 7766 §5)
  | 'servfail'
  | 'refused'
  | 'notimp'
  | 'formerr'
  | 'timeout'
  | 'connrefused'
  | 'malformed' // a reply with our ID and question that does not decode: the try fails at once
  | 'network-error' // another socket error, or TCP closed before a reply
  | 'questionless' // an error reply without a question on a socket shared with other queries: asked again alone
  | 'superseded' // still waiting when a reply to an earlier try ended the lookup
  | 'cancelled';

export interface Attempt {
  /** The server in getServers() form. */
  server: string;
  transport: Transport;
  outcome: AttemptOutcome;
  /** Whether the query carried an OPT record. */
  edns: boolean;
  elapsedMs: number;
  /** Datagrams or frames ignored during this attempt (wrong ID, source, question; undecodable). */
  ignored: number;
  /** Socket error code when outcome is network-error or connrefused ('closed': TCP closed before a reply). */
  errorCode?: string;
  /** The reply came after this try's wait was over, while a later try waited (it still counts). */
  late?: boolean;
}

/**
 * The one error class of the resolver. `code` is node:dns's, so `err.code === 'ENOTFOUND'` works as
 * with node:dns; `attempts` says which servers were asked and what each did.
 */
export class DnsError extends Error {
  override readonly name = 'DnsError';
  /** node:dns names it `hostname`; `name` is taken by Error. */
  readonly hostname: string;
  /** The record type asked for ('A', 'MX', ...). */
  readonly type: string;
  /** node:dns's `syscall`, e.g. 'queryA'. */
  readonly syscall: string;
  readonly attempts: readonly Attempt[];

  constructor(
    readonly code: DnsErrorCode,
    where: { hostname: string; type: string; attempts?: readonly Attempt[]; syscall?: string; detail?: string },
  ) {
    const { hostname, type, attempts = [], detail } = where;
    const syscall = where.syscall ?? `query${type.charAt(0)}${type.slice(1).toLowerCase()}`;
    const tail = attempts.length > 0 ? ` (${describeAttempts(attempts)})` : '';
    super(`${syscall} ${code} ${hostname}${detail ? `: ${detail}` : ''}${tail}`);
    this.hostname = hostname;
    this.type = type;
    this.syscall = syscall;
    this.attempts = attempts;
  }
}

function describeAttempts(attempts: readonly Attempt[]): string {
  return attempts.map((a) => `${a.server}/${a.transport}: ${a.outcome}`).join(', ');
}

/** Thrown for server strings that are not an IP address with an optional port. */
export class InvalidServerError extends TypeError {
  override readonly name = 'InvalidServerError';
  readonly code = 'ERR_INVALID_IP_ADDRESS';
  constructor(readonly server: string, reason: string) {
    super(`invalid server "${server}": ${reason}`);
  }
}
