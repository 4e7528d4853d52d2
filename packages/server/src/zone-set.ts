import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { canonicalName, type Name } from '@port53/wire';
import { IncludeError } from './zonefile/include.js';
import { findZoneFiles, loadZone, loadZoneText, ZoneError, ZoneLoadError, type LoadedZone } from './zonefile/index.js';

/** A zone read from a file; its origin defaults to $ORIGIN or the file name. */
export interface ZoneFileSource {
  origin?: string;
  file: string;
}

/** A zone given as master-file text; a function is called again on every reload (no $INCLUDE). */
export interface ZoneTextSource {
  origin: string;
  text: string | (() => string);
}

export type ZoneSourceSpec = ZoneFileSource | ZoneTextSource;

/** Which zones to serve: every *.zone in a directory, and zones named one by one. */
export interface ZoneSpec {
  zonesDir?: string;
  zones?: readonly ZoneSourceSpec[];
}

/** One zone file to load; `key` (the absolute path) identifies it from one reload to the next. */
export interface ZoneEntry {
  key: string;
  file: string;
  origin?: Name;
  /** $INCLUDE stays inside this directory. */
  root: string;
  /** A relative $INCLUDE not beside the including file is looked for here (default: root). */
  includeBase?: string;
  /** Zones from memory: the text, read at each load instead of `file` (which only labels errors). */
  text?: string | (() => string);
}

export interface ZoneSummary {
  origin: Name;
  file: string;
  serial: number;
  records: number;
}

export type ZoneResult =
  | { entry: ZoneEntry; ok: true; zone: LoadedZone; ms: number }
  | { entry: ZoneEntry; ok: false; error: ZoneLoadError; ms: number };

/** The zones directory could not be listed. */
export class ZoneDirectoryError extends Error {
  override readonly name = 'ZoneDirectoryError';
  constructor(
    readonly code: string,
    readonly dir: string,
    options?: { cause?: unknown },
  ) {
    super(`cannot read the zones directory ${dir} (${code}): create it, or pass --zones DIR or --zone ORIGIN=FILE`, options);
  }
}

export function summarize(zone: LoadedZone): ZoneSummary {
  return { origin: zone.origin, file: zone.file, serial: zone.serial, records: zone.records.length };
}

/** The files to load, in a stable order: the directory's (sorted) then the named ones. */
export async function listZones(spec: ZoneSpec): Promise<ZoneEntry[]> {
  const entries: ZoneEntry[] = [];
  if (spec.zonesDir !== undefined) {
    const root = path.resolve(spec.zonesDir);
    let found;
    try {
      found = await findZoneFiles(spec.zonesDir);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      throw new ZoneDirectoryError(typeof code === 'string' ? code : 'EIO', spec.zonesDir, { cause: err });
    }
    for (const source of found) {
      entries.push({ key: path.resolve(source.file), file: source.file, origin: source.origin, root });
    }
  }
  for (const zone of spec.zones ?? []) {
    if ('text' in zone) {
      const file = `${zone.origin} (from text)`;
      entries.push({ key: `text:${canonicalName(zone.origin)}`, file, origin: zone.origin, root: process.cwd(), text: zone.text });
      continue;
    }
    // As NSD and BIND read a zone named on its own: relative $INCLUDEs from where we run, too.
    entries.push({ key: path.resolve(zone.file), file: zone.file, origin: zone.origin, root: path.dirname(path.resolve(zone.file)), includeBase: process.cwd() });
  }
  return entries;
}

/** Loads every entry (one at a time: parsing is CPU-bound). Never throws for a broken zone. */
export async function loadZones(entries: readonly ZoneEntry[]): Promise<ZoneResult[]> {
  const results: ZoneResult[] = [];
  for (const entry of entries) {
    const started = performance.now();
    try {
      const zone = entry.text === undefined ? await loadZone({ file: entry.file, origin: entry.origin }, { root: entry.root, includeBase: entry.includeBase }) : loadTextEntry(entry);
      results.push({ entry, ok: true, zone, ms: elapsed(started) });
    } catch (err) {
      results.push({ entry, ok: false, error: asZoneLoadError(err, entry.file), ms: elapsed(started) });
    }
  }
  return markDuplicateOrigins(results);
}

function loadTextEntry(entry: ZoneEntry): LoadedZone {
  const text = typeof entry.text === 'function' ? entry.text() : entry.text;
  if (typeof text !== 'string') throw new TypeError(`zone ${entry.origin}: text must be a string, not ${typeof text}`);
  const readInclude = () => {
    throw new IncludeError('INCLUDE_UNREADABLE', 'a zone given as text cannot $INCLUDE files');
  };
  return loadZoneText(text, { file: entry.file, origin: entry.origin, readInclude });
}

/** A second zone with an origin already loaded is an error in the later file; the first one wins. */
function markDuplicateOrigins(results: ZoneResult[]): ZoneResult[] {
  const seen = new Map<Name, string>();
  return results.map((r) => {
    if (!r.ok) return r;
    const key = canonicalName(r.zone.origin);
    const first = seen.get(key);
    if (first === undefined) {
      seen.set(key, r.zone.file);
      return r;
    }
    const error = new ZoneError('DUPLICATE_ZONE', `zone ${r.zone.origin} is already loaded from ${first}`, r.zone.file, 0, 0);
    return { entry: r.entry, ok: false, error: new ZoneLoadError(r.zone.file, [error]), ms: r.ms };
  });
}

function asZoneLoadError(err: unknown, file: string): ZoneLoadError {
  if (err instanceof ZoneLoadError) return err;
  // Not bad input but a bug in the loader: still one zone's failure, not the whole server's.
  const reason = err instanceof Error ? err.message : String(err);
  return new ZoneLoadError(file, [new ZoneError('FILE_UNREADABLE', `cannot load: ${reason}`, file, 0, 0)]);
}

function elapsed(started: number): number {
  return Math.round((performance.now() - started) * 10) / 10;
}
