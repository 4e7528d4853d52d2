import { createHash } from 'node:crypto';
import { closeSync, constants, fstatSync, openSync, readSync, type BigIntStats } from 'node:fs';
import { MAX_FILE_BYTES, MAX_INCLUDE_FILES } from './limits.js';

/** Why a zone file or an $INCLUDE file was not read; the caller turns it into a ZoneError. */
export class FileReadError extends Error {
  constructor(
    readonly code: 'FILE_UNREADABLE' | 'NOT_REGULAR_FILE' | 'FILE_TOO_LARGE' | 'INCLUDE_LIMIT',
    message: string,
  ) {
    super(message);
  }
}

/**
 * What one zone may read in all: octets across the zone file and its $INCLUDE files, and the
 * number of $INCLUDE files (ten includes per file five deep would be 100,000 reads).
 */
export class ReadBudget {
  bytesLeft: number;
  includesLeft: number;
  /** Every file read, with what fstat said: a reload compares these to skip unchanged zones. */
  readonly files: FileStamp[] = [];

  constructor(
    readonly maxBytes = MAX_FILE_BYTES,
    readonly maxIncludes = MAX_INCLUDE_FILES,
  ) {
    this.bytesLeft = maxBytes;
    this.includesLeft = maxIncludes;
  }
}

/** A file as it was when read: the same stamp later means the same contents. */
export interface FileStamp {
  file: string;
  dev: number;
  ino: number;
  size: number;
  mtimeNs: string;
  ctimeNs: string;
  /** Wall-clock time of the read, in ns: a file modified just before it may change again unseen. */
  readAtNs: string;
  /** SHA-1 of the octets read (hex): tells a rewrite with the same contents from a change. */
  digest?: string;
}

export function stampOf(file: string, st: BigIntStats): FileStamp {
  const readAtNs = String(BigInt(Date.now()) * 1_000_000n);
  return { file, dev: Number(st.dev), ino: Number(st.ino), size: Number(st.size), mtimeNs: String(st.mtimeNs), ctimeNs: String(st.ctimeNs), readAtNs };
}

// O_NONBLOCK: opening a FIFO must not wait for a writer (it is refused right after, by fstat);
// regular files ignore the flag. O_NOCTTY: a terminal device never becomes ours.
const OPEN_FLAGS = constants.O_RDONLY | (constants.O_NONBLOCK ?? 0) | (constants.O_NOCTTY ?? 0);
const CHUNK = 1 << 20;

/**
 * Reads a regular file, counting its octets against `budget` as they arrive: what fstat says
 * about the size is never trusted (a device or /proc file says 0 and never ends). The type is
 * checked on the opened descriptor, so a rename between a check and the open changes nothing.
 */
export function readRegularFile(file: string, budget: ReadBudget): Uint8Array {
  let fd: number;
  try {
    fd = openSync(file, OPEN_FLAGS);
  } catch (e) {
    throw new FileReadError('FILE_UNREADABLE', `cannot read: ${(e as Error).message}`);
  }
  try {
    const st = fstatSync(fd, { bigint: true });
    if (!st.isFile()) throw new FileReadError('NOT_REGULAR_FILE', `not a regular file (${kindOf(st)}): zone files must be regular files`);
    const stamp = stampOf(file, st);
    budget.files.push(stamp);
    const chunks: Uint8Array[] = [];
    let total = 0;
    for (;;) {
      // One octet past the budget tells "exactly at the limit" from "over it".
      const want = Math.min(CHUNK, budget.bytesLeft + 1);
      const buf = new Uint8Array(want);
      let n: number;
      try {
        n = readSync(fd, buf, 0, want, null);
      } catch (e) {
        throw new FileReadError('FILE_UNREADABLE', `cannot read: ${(e as Error).message}`);
      }
      if (n === 0) break;
      if (n > budget.bytesLeft) {
        throw new FileReadError('FILE_TOO_LARGE', `over the limit of ${budget.maxBytes} octets for one zone and its $INCLUDE files`);
      }
      budget.bytesLeft -= n;
      chunks.push(n === want ? buf : buf.subarray(0, n));
      total += n;
    }
    const out = chunks.length === 1 ? chunks[0] : new Uint8Array(total);
    if (chunks.length !== 1) {
      let at = 0;
      for (const c of chunks) {
        out.set(c, at);
        at += c.length;
      }
    }
    stamp.digest = createHash('sha1').update(out).digest('hex');
    return out;
  } finally {
    closeSync(fd);
  }
}

function kindOf(st: BigIntStats): string {
  if (st.isFIFO()) return 'a FIFO';
  if (st.isCharacterDevice()) return 'a character device';
  if (st.isBlockDevice()) return 'a block device';
  if (st.isDirectory()) return 'a directory';
  if (st.isSocket()) return 'a socket';
  return 'not a file';
}
