/**
 * Zone files: RFC 1035 §5 master files with BIND's $GENERATE, checked at load time.
 *
 * Choices, where the RFCs leave room (NSD, Knot and BIND differ):
 * - Zone name: `ZoneSource.origin`, else a $ORIGIN before the first record, else the file name
 *   minus ".zone". Every record must have class IN (CLASS1); any other class is an error, as NSD.
 * - Default TTL: $TTL (RFC 2308 §4), else the previous record's TTL (RFC 1035 §5.1). A SOA with
 *   neither takes its MINIMUM (a warning, as BIND); any other record with neither is an error.
 * - $INCLUDE: a relative path is looked for beside the including file (Knot), then in
 *   `includeBase` (NSD, BIND: the zones directory, or the working directory for zones named one by
 *   one); refused outside `root` (default: the zone file's directory) by path and, when reading
 *   from disk, by real path after symlinks; at most 16 deep.
 *   Origin and current owner revert after it; $TTL does not (as BIND).
 * - $GENERATE: rdata may be several tokens, or one quoted token as BIND writes it; at most
 *   65536 records per directive. It does not change the current owner.
 * - Exact duplicates are dropped with a warning (NSD and Knot drop them silently). TTLs differing
 *   inside an RRset: a warning, and the whole RRset takes the lowest (RFC 2181 §5.2); RRSIGs are
 *   not such a set and keep each its own TTL (RFC 4034 §3).
 * - Out-of-zone records are errors (BIND and Knot skip them with a warning): they are usually a
 *   mistyped name, and nothing a client could ask for would reach them.
 * - No NS at the apex: a warning (Knot warns, NSD accepts); test and generated zones lack them.
 * - Also errors: no SOA, two SOAs, a SOA below the apex, CNAME beside other
 *   data or a second CNAME (RRSIG and NSEC may sit beside it), query and meta types (RFC 6895).
 *   A CNAME loop loads: answering bounds it.
 * - Limits: 64 KiB per line, 1,000,000 records per zone (`maxRecords`), 100 errors per file,
 *   256 MiB read per zone with its $INCLUDE files, counted while reading, 256 $INCLUDE files per
 *   zone; only regular files are read (a FIFO or a device is an error, checked on the open file).
 *   Files are UTF-8; other bytes are an error rather than silently replaced (write them \DDD).
 * - Whole-zone problems (no SOA, unreadable file) have line and column 0.
 */
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import type { Name, ResourceRecord } from '@port53/wire';
import { Zone, type NameIndex } from '../store/zone.js';
import { checkZone, type CheckedRecords } from './checks.js';
import { ZoneError, ZoneLoadError } from './errors.js';
import { decodeZoneBytes } from './include.js';
import { MAX_FILE_BYTES, MAX_INCLUDE_FILES } from './limits.js';
import { parseZoneRecords, type ParsedRecords } from './parser.js';
import { FileReadError, ReadBudget, readRegularFile, type FileStamp } from './read.js';

export { ZoneError, ZoneLoadError } from './errors.js';
export type { ZoneErrorCode, ZoneErrorSeverity } from './errors.js';
export { DEFAULT_MAX_RECORDS } from './limits.js';
export type { FileStamp } from './read.js';

/** A zone file to load. */
export interface ZoneSource {
  file: string;
  /** From `--zone ORIGIN=FILE`; without it, a $ORIGIN before the first record, else the file name minus ".zone". */
  origin?: Name;
  /** The zone's text, given rather than read from `file` (which then only names it in errors). */
  text?: string;
}

/** A zone read, parsed and checked, before its tree is built. */
export interface CheckedZone {
  origin: Name;
  file: string;
  records: ResourceRecord[];
  serial: number;
  warnings: ZoneError[];
  /** The files read (zone file, then $INCLUDE files) as fstat saw them; none for a text source or a zone not read from files. */
  files?: FileStamp[];
}

export interface LoadedZone extends CheckedZone {
  /** Checked records in file order: duplicates dropped, each RRset at its lowest TTL. */
  records: ResourceRecord[];
  /** The zone tree of `records` (buildCatalog serves it rather than build another). */
  tree: Zone;
}

export interface LoadOptions {
  /** $INCLUDE files must resolve, after symlinks, inside this directory (default: the zone file's directory). */
  root?: string;
  /** Where a relative $INCLUDE not beside the including file is looked for (default: `root`). */
  includeBase?: string;
  /** Records allowed in one zone (default DEFAULT_MAX_RECORDS). */
  maxRecords?: number;
  /** Octets the zone file and its $INCLUDE files may have together, counted while reading (default MAX_FILE_BYTES, 256 MiB). */
  maxFileBytes?: number;
  /** $INCLUDE files one zone may read (default MAX_INCLUDE_FILES). */
  maxIncludes?: number;
  /** Reads an $INCLUDE file (default: from disk, confined to `root`). */
  readInclude?: (file: string) => string;
}

export interface ParseTextOptions extends LoadOptions {
  /** The name errors are reported under, and the base of relative $INCLUDE paths. */
  file: string;
  origin?: Name;
  /** Reads an $INCLUDE file (default: from disk, confined to `root`). */
  readInclude?: (file: string) => string;
}

/** Every `*.zone` file directly in `dir`, sorted by name. */
export async function findZoneFiles(dir: string): Promise<ZoneSource[]> {
  const entries = await readdir(dir, { withFileTypes: true });
  return entries
    // Not only regular files: a FIFO or device named *.zone is listed so that loading it says what it is.
    .filter((e) => e.name.endsWith('.zone') && !e.isDirectory())
    .map((e) => e.name)
    .sort()
    .map((name) => ({ file: path.join(dir, name) }));
}

/** Files directly in `dir` that findZoneFiles passes over (not named *.zone), sorted: worth a warning, not silence. */
export async function otherFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true });
  return entries
    .filter((e) => !e.name.endsWith('.zone') && !e.name.startsWith('.') && e.isFile())
    .map((e) => path.join(dir, e.name))
    .sort();
}

/**
 * Parses and checks master-file text. Never throws on bad input: `errors` holds every error and
 * warning found (severity tells them apart), in file order then check order.
 */
export function parseZoneText(text: string, options: ParseTextOptions): { origin: Name; records: ResourceRecord[]; errors: ZoneError[] } {
  const { origin, checked, errors } = check(parseZoneRecords(text, options), options.file);
  return { origin, records: checked.records, errors };
}

/** The zone checks of parsed records; their errors join the parser's. */
function check(parsed: ParsedRecords, file: string): { origin: Name; checked: CheckedRecords; errors: ZoneError[] } {
  const errors = parsed.errors;
  const checked = checkZone(parsed.origin, parsed.records, parsed.places, (code, reason, at, severity) => {
    errors.push(new ZoneError(code, reason, at?.file ?? file, at?.line ?? 0, at?.column ?? 0, severity));
  });
  return { origin: parsed.origin, checked, errors };
}

/** Reads, parses and checks a zone; throws ZoneLoadError with all its errors rather than return part of it. */
export async function loadZone(source: ZoneSource, options: LoadOptions = {}): Promise<LoadedZone> {
  return loadZoneSync(source, options);
}

/** loadZone without a promise (a loading worker runs it; nothing in it waits on I/O for long). */
export function loadZoneSync(source: ZoneSource, options: LoadOptions = {}): LoadedZone {
  const { names, zone } = readAndCheck(source, options);
  // Built here, from the checker's numbering of the names, so buildCatalog need not build it.
  const tree = new Zone({ origin: zone.origin, records: zone.records }, names);
  return { ...zone, serial: tree.serial, tree };
}

/**
 * loadZone for text already in memory (`createServer({ zones: [{ origin, text }] })`): parsed and
 * checked the same way; `file` is only the name errors are reported under.
 */
export function loadZoneText(text: string, options: ParseTextOptions): LoadedZone {
  return loadZoneSync({ file: options.file, origin: options.origin, text }, options);
}

/**
 * Reads, parses and checks a zone without building its tree (a loading worker sends the records
 * on), with the checker's numbering of its owners (the tree can take it over: NameIndex).
 */
export function checkZoneSource(source: ZoneSource, options: LoadOptions = {}): { zone: CheckedZone; names: NameIndex } {
  return readAndCheck(source, options);
}

function readAndCheck(source: ZoneSource, options: LoadOptions): { names: CheckedRecords['names']; zone: CheckedZone } {
  const { file } = source;
  const budget = new ReadBudget(options.maxFileBytes ?? MAX_FILE_BYTES, options.maxIncludes ?? MAX_INCLUDE_FILES);
  // The file's octets and text (as large as the zone file each) are dropped once parsed.
  const text = source.text ?? readZoneText(file, budget);
  const parsed = parseZoneRecords(text, { file, origin: source.origin, root: options.root ?? path.dirname(file), includeBase: options.includeBase, maxRecords: options.maxRecords, budget, readInclude: options.readInclude });
  const result = check(parsed, file);
  const errors = result.errors.filter((e) => e.severity === 'error');
  const warnings = result.errors.filter((e) => e.severity === 'warning');
  if (errors.length > 0) throw new ZoneLoadError(file, errors, warnings);
  const { records } = result.checked;
  const soa = records.find((r) => r.type === 'SOA');
  const serial = soa && soa.type === 'SOA' ? soa.data.serial : 0;
  return { names: result.checked.names, zone: { origin: result.origin, file, records, serial, warnings, files: budget.files } };
}

function readZoneText(file: string, budget: ReadBudget): string {
  let bytes: Uint8Array;
  try {
    bytes = readRegularFile(file, budget);
  } catch (e) {
    if (!(e instanceof FileReadError)) throw e;
    throw new ZoneLoadError(file, [new ZoneError(e.code === 'INCLUDE_LIMIT' ? 'FILE_UNREADABLE' : e.code, e.message, file, 0, 0)]);
  }
  const { text, badLine } = decodeZoneBytes(bytes);
  if (badLine !== undefined) {
    throw new ZoneLoadError(file, [new ZoneError('BAD_ENCODING', 'not UTF-8 (write such octets as \\DDD)', file, badLine, 1)]);
  }
  return text;
}
