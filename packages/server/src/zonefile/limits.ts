/** Zone loading limits, in one place. */

/** Longest physical line accepted (characters); longer ones are refused, not truncated. */
export const MAX_LINE_LENGTH = 65_536;
/** $INCLUDE nesting, which also stops include loops. */
export const MAX_INCLUDE_DEPTH = 16;
/** $INCLUDE files one zone may read in all (ten per file five deep would otherwise be 100,000 reads). */
export const MAX_INCLUDE_FILES = 256;
/** Records one $GENERATE may produce. */
export const MAX_GENERATE_RECORDS = 65_536;
/** Records per zone unless `maxRecords` says otherwise. */
export const DEFAULT_MAX_RECORDS = 1_000_000;
/** Errors collected per zone before giving up on the file. */
export const MAX_ERRORS = 100;
/**
 * Octets one zone may read, its $INCLUDE files included (a 1M-record zone is ~28 MiB). Counted
 * while reading, never taken from stat (which says 0 for a device or a FIFO).
 */
export const MAX_FILE_BYTES = 256 * 1024 * 1024;
