/** Why a packet could not be decoded or encoded. */
export type WireErrorCode =
  | 'TRUNCATED' // the data ends inside a header, a record or a name
  | 'BAD_LABEL_TYPE' // label type 0b01 or 0b10 (RFC 6891 §5 retired them)
  | 'BAD_POINTER' // a compression pointer that points forward or at itself
  | 'POINTER_LOOP' // too many pointer hops
  | 'LABEL_TOO_LONG' // over 63 octets
  | 'NAME_TOO_LONG' // over 255 octets in wire form
  | 'BAD_RDATA' // rdata that does not match its type (length, contents)
  | 'BAD_COUNT' // section counts that the data cannot hold
  | 'BAD_OPT' // a malformed or misplaced OPT record
  | 'BAD_NAME' // encode: a name that cannot be written (empty label, bad escape)
  | 'BAD_FIELD' // encode: a header or record field out of range, an unknown type or class name
  | 'BAD_TSIG' // a TSIG record that is misplaced or malformed (RFC 8945 §5.1: FORMERR)
  | 'INTERNAL' // a decoder bug caught by the safety net (never expected; reported, not thrown raw)
  | 'TOO_LARGE'; // encode: the message cannot fit in 65535 octets or maxSize even truncated

/** The only error that decode() throws: a code and the byte offset where the problem was found. */
export class WireError extends Error {
  override readonly name = 'WireError';
  constructor(
    readonly code: WireErrorCode,
    readonly offset: number,
    message?: string,
  ) {
    super(`${message ?? code} at offset ${offset}`);
  }
}

/** Why presentation-format text (a name, a type, rdata) could not be parsed. */
export type TextErrorCode =
  | 'BAD_NAME'
  | 'LABEL_TOO_LONG'
  | 'NAME_TOO_LONG'
  | 'BAD_ESCAPE'
  | 'BAD_TYPE'
  | 'BAD_CLASS'
  | 'BAD_TTL'
  | 'BAD_RDATA'
  | 'BAD_NUMBER'
  | 'BAD_ADDRESS'
  | 'STRING_TOO_LONG'
  | 'MISSING_FIELD'
  | 'EXTRA_FIELD';

/**
 * A presentation-format error. `token` is the index of the offending token when the input was a
 * token list, so a zone parser can turn it into file:line:column.
 */
export class TextError extends Error {
  override readonly name = 'TextError';
  constructor(
    readonly code: TextErrorCode,
    message: string,
    readonly token?: number,
  ) {
    super(message);
  }
}
