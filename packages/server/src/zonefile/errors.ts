import type { TextErrorCode } from '@port53/wire';

/** Why a zone file, or one of its records, was refused or warned about. */
export type ZoneErrorCode =
  | TextErrorCode // a name, TTL, type or rdata that does not parse (from @port53/wire)
  | 'BAD_ENCODING' // bytes that are not UTF-8 (write other octets as \DDD)
  | 'FILE_UNREADABLE'
  | 'FILE_TOO_LARGE' // over MAX_FILE_BYTES, counted while reading (zone file and $INCLUDE files together)
  | 'NOT_REGULAR_FILE' // a FIFO, device, directory or socket (as zone file or $INCLUDE)
  | 'LINE_TOO_LONG'
  | 'UNBALANCED_PARENS' // a ')' without '(' or a '(' never closed
  | 'NESTED_PARENS' // RFC 1035 §5.1: parentheses group lines, they do not nest
  | 'UNTERMINATED_STRING'
  | 'NO_OWNER' // a line starting with a blank before any record set an owner
  | 'NO_TTL' // no TTL, no $TTL and no previous record to take one from
  | 'NO_ORIGIN'
  | 'BAD_DIRECTIVE' // a $ORIGIN/$TTL/$INCLUDE/$GENERATE with wrong arguments
  | 'UNKNOWN_DIRECTIVE'
  | 'INCLUDE_OUTSIDE_ROOT' // $INCLUDE resolving (after symlinks) outside the zones directory
  | 'INCLUDE_UNREADABLE'
  | 'INCLUDE_DEPTH'
  | 'INCLUDE_LIMIT' // more than MAX_INCLUDE_FILES $INCLUDE files in one zone
  | 'GENERATE_TOO_MANY'
  | 'WRONG_CLASS' // a record whose class is not the zone's (IN)
  | 'OUTSIDE_ZONE' // owner not at or below the zone's origin
  | 'NO_SOA'
  | 'MULTIPLE_SOA'
  | 'SOA_NOT_AT_APEX'
  | 'NO_NS' // no NS RRset at the apex
  | 'CNAME_AND_OTHER_DATA' // RFC 1034 §3.6.2 (also a second CNAME at one name)
  | 'MULTIPLE_DNAME' // RFC 6672 §2.4: one DNAME per owner
  | 'DATA_BELOW_DNAME' // RFC 6672 §2.3: no names below a DNAME owner
  | 'DUPLICATE' // warning: an exact duplicate record, dropped
  | 'TTL_MISMATCH' // warning: RFC 2181 §5.2, the RRset takes the lowest TTL
  | 'RRSIG_EXPIRED' // warning: signatures past their expiration (RFC 4034 §3.1.5)
  | 'RRSIG_NOT_YET_VALID' // warning: signatures before their inception
  | 'NSEC_CHAIN' // warning: a name without NSEC, or an NSEC not naming the next owner (RFC 4034 §4.1.1)
  | 'NSEC3_CHAIN' // warning: no NSEC3PARAM, a broken NSEC3 chain or a name without NSEC3 (RFC 5155)
  | 'TOO_MANY_RECORDS'
  | 'TOO_MANY_ERRORS'
  | 'DUPLICATE_ZONE' // two zone files for one origin (for the zone set; the parser never reports it)
  | 'SERIAL_NOT_INCREASED' // a changed zone file whose SOA serial is not greater (RFC 1982): the old version stays
  | 'RELOAD_TIMEOUT'; // the reload ran longer than allowed and was abandoned

export type ZoneErrorSeverity = 'error' | 'warning';

/**
 * One problem in a zone file, with its place. `message` reads "file:line:column: reason" like a
 * compiler's; problems of the whole file (no SOA, unreadable) have line and column 0 and read "file: reason".
 */
export class ZoneError extends Error {
  override readonly name = 'ZoneError';
  constructor(
    readonly code: ZoneErrorCode,
    readonly reason: string,
    readonly file: string,
    readonly line: number,
    readonly column: number,
    readonly severity: ZoneErrorSeverity = 'error',
  ) {
    const where = line > 0 ? `${file}:${line}:${column}` : file;
    super(`${where}: ${severity === 'warning' ? 'warning: ' : ''}${reason}`);
  }
}

const LISTED = 10;

/** A zone that could not be loaded: every error found in it (bounded), none of its records. */
export class ZoneLoadError extends Error {
  override readonly name = 'ZoneLoadError';
  readonly code = 'ZONE_INVALID';
  constructor(
    readonly file: string,
    readonly errors: ZoneError[],
    readonly warnings: ZoneError[] = [],
  ) {
    const shown = errors.slice(0, LISTED).map((e) => e.message);
    const more = errors.length > LISTED ? [`... and ${errors.length - LISTED} more`] : [];
    super([`${file}: zone not loaded, ${errors.length} error${errors.length === 1 ? '' : 's'}`, ...shown, ...more].join('\n'));
  }
}
