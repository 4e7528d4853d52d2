/** Zone loading limits, in one place. */

/** Longest physical line accepted (characters); longer ones are refused, not truncated. */
export const MAX_LINE_LENGTH = 65_536;
/** $INCLUDE nesting, which also stops include loops. */
export const MAX_INCLUDE_DEPTH = 16;
/** Records one $GENERATE may produce. */
export const MAX_GENERATE_RECORDS = 65_536;
/** Records per zone unless `maxRecords` says otherwise. */
export const DEFAULT_MAX_RECORDS = 1_000_000;
/** Errors collected per zone before giving up on the file. */
export const MAX_ERRORS = 100;
/** Octets one zone file (or $INCLUDE file) may have; checked before it is read (a 1M-record zone is ~28 MiB). */
export const MAX_FILE_BYTES = 256 * 1024 * 1024;
