/** The messages between the zone set and a loading worker (see worker.ts, loader.ts). */
import type { Name } from '@port53/wire';
import type { NameTableParts } from '../store/names.js';
import type { ZoneErrorCode, ZoneErrorSeverity } from '../zonefile/errors.js';
import type { FileStamp } from '../zonefile/read.js';
import type { PackedRecords } from './packed.js';

/** One zone to load: a file, or text given in its place. */
export interface LoadEntry {
  key: string;
  file: string;
  origin?: Name;
  /** $INCLUDE stays inside this directory. */
  root: string;
  /** A relative $INCLUDE not beside the including file is looked for here (default: root). */
  includeBase?: string;
  text?: string;
}

/** What the zone set serves now for an entry's key: unchanged stamps skip it; its serial must grow. */
export interface Previous {
  serial: number;
  files: FileStamp[];
}

export interface LoadRequest {
  entries: LoadEntry[];
  previous: Record<string, Previous>;
  /** RFC 1982: refuse a changed zone whose serial did not increase. */
  serialCheck: boolean;
  maxFileBytes: number;
  maxIncludes: number;
  maxRecords: number;
  /** Records per message: small, so that unpacking one is a short task for the answering thread. */
  chunkRecords: number;
}

export interface PlainZoneError {
  code: ZoneErrorCode;
  reason: string;
  file: string;
  line: number;
  column: number;
  severity: ZoneErrorSeverity;
}

export type WorkerMessage =
  /** The same contents as served; `files` are the fresh stamps (a later reload may then skip reading). */
  | { kind: 'unchanged'; key: string; files: FileStamp[] }
  | { kind: 'failed'; key: string; file: string; errors: PlainZoneError[]; warnings: PlainZoneError[]; ms: number }
  /**
   * A zone's records follow, `count` in all; `names` and `nameOf` are the checker's numbering of
   * their owners (NameIndex), transferred, so that the answering thread never hashes a name.
   */
  | { kind: 'zone'; key: string; origin: Name; file: string; serial: number; count: number; warnings: PlainZoneError[]; files: FileStamp[]; ms: number; names: NameTableParts; nameOf: Int32Array }
  /** One chunk of the zone announced last; the worker waits for an 'ack' before the next. */
  | { kind: 'records'; key: string; packed: PackedRecords }
  | { kind: 'done' };

/** From the zone set: the last chunk is taken in, send the next. */
export type ParentMessage = { kind: 'ack' };
