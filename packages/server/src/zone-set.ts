/**
 * The zone set: which zones are served, and every load and reload of them, in one place.
 *
 * The first load runs on the calling thread (nothing is being answered yet) and is all or
 * nothing. A reload runs in a worker thread (loading/), which skips files whose stamps did not
 * change and refuses changed zones whose serial did not increase; the answering thread only
 * builds each zone's tree from the streamed records, a chunk per task, then swaps in the whole
 * new catalog at once. Reloads asked for while one runs coalesce into one more.
 *
 * For zone transfers: `zone(origin)` is the served version (never changed in place: a reload
 * replaces it), `onChange` tells when a zone file's served serial changes, `compose` adds zones
 * not read from files (secondary copies, a catalog zone) and `refresh()` serves their changes.
 */
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { canonicalName, type Name } from '@port53/wire';
import type { Logger } from './log.js';
import { LoadAbortedError, loadInWorker, type EntryResult, type RunningLoad } from './loading/loader.js';
import type { LoadEntry, Previous } from './loading/protocol.js';
import { textStamp } from './loading/stamps.js';
import { buildCatalog, type Catalog } from './store/catalog.js';
import { IncludeError } from './zonefile/include.js';
import { DEFAULT_MAX_RECORDS, findZoneFiles, loadZoneSync, otherFiles, ZoneError, ZoneLoadError, type LoadedZone } from './zonefile/index.js';
import { MAX_FILE_BYTES, MAX_INCLUDE_FILES } from './zonefile/limits.js';

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

/**
 * One zone to load; `key` (the absolute path, or text:ORIGIN) identifies it from one reload to
 * the next. A text source's function is called on the answering thread at each load; a loading
 * worker is given the text it returned.
 */
export interface ZoneEntry extends Omit<LoadEntry, 'text'> {
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

/** Loads every entry on this thread (one at a time: parsing is CPU-bound). Never throws for a broken zone. */
export async function loadZones(entries: readonly ZoneEntry[], limits: LoadLimits = {}): Promise<ZoneResult[]> {
  const results: ZoneResult[] = [];
  for (const entry of entries) {
    const started = performance.now();
    try {
      const text = textOf(entry);
      const zone = loadZoneSync({ file: entry.file, origin: entry.origin, text }, { root: entry.root, includeBase: entry.includeBase, ...limits, readInclude: text === undefined ? undefined : refuseInclude });
      results.push({ entry, ok: true, zone, ms: elapsed(started) });
    } catch (err) {
      results.push({ entry, ok: false, error: asZoneLoadError(err, entry.file), ms: elapsed(started) });
    }
    // Let signals and timers in between zones (the first load of many large zones).
    await new Promise((resolve) => setImmediate(resolve));
  }
  return markDuplicateOrigins(results);
}

/** Text sources loaded on this thread as the worker loads them: the same text is unchanged, the rest parsed. */
function loadTextsHere(entries: readonly LoadEntry[], previous: Record<string, Previous>, limits: LoadLimits): EntryResult[] {
  return entries.map((entry): EntryResult => {
    const stamp = textStamp(entry.file, entry.text!);
    const before = previous[entry.key];
    if (before && before.files.length === 1 && before.files[0].digest === stamp.digest) return { key: entry.key, kind: 'unchanged', files: before.files };
    const started = performance.now();
    try {
      const zone = loadZoneSync({ file: entry.file, origin: entry.origin, text: entry.text }, { ...limits, readInclude: refuseInclude });
      return { key: entry.key, kind: 'loaded', zone: { ...zone, files: [stamp] }, ms: elapsed(started) };
    } catch (err) {
      return { key: entry.key, kind: 'failed', error: asZoneLoadError(err, entry.file), ms: elapsed(started) };
    }
  });
}

/** A text source's text, its function called now; undefined for a file. */
function textOf(entry: ZoneEntry): string | undefined {
  if (entry.text === undefined) return undefined;
  const text = typeof entry.text === 'function' ? entry.text() : entry.text;
  if (typeof text !== 'string') throw new TypeError(`zone ${entry.origin}: text must be a string, not ${typeof text}`);
  return text;
}

/** The $INCLUDE reader of a zone given as text: it has no directory to read from. */
function refuseInclude(): never {
  throw new IncludeError('INCLUDE_UNREADABLE', 'a zone given as text cannot $INCLUDE files');
}

/** The reading limits of a load (defaults from zonefile/limits.ts). */
export interface LoadLimits {
  maxFileBytes?: number;
  maxIncludes?: number;
  maxRecords?: number;
}

export interface ZoneSetOptions extends LoadLimits {
  logger: Logger;
  /** Refuse a changed zone whose SOA serial did not increase (RFC 1982); default true. */
  serialCheck?: boolean;
  /** A reload running longer is abandoned (its worker stopped) and the served zones kept. */
  reloadTimeoutMs?: number;
  /**
   * The zones to serve, given the zone files' (default: those alone). A server adds what is not
   * read from files: secondary zones' copies, a catalog zone (RFC 9432).
   */
  compose?: (files: LoadedZone[]) => LoadedZone[];
  /** Called right after every swap with the new catalog and the zones in it (compose's result). */
  onSwap?: (catalog: Catalog, zones: LoadedZone[]) => void;
  /** A zone file (re)loaded, with the ms it took (after it is served). */
  onLoaded?: (zone: LoadedZone, ms: number) => void;
  /** A zone file that did not (re)load. */
  onFailed?: (failure: ZoneFailure) => void;
}

/** A zone that could not be (re)loaded. With `previous`, that older version is still served. */
export interface ZoneFailure {
  file: string;
  errors: ZoneError[];
  previous?: ZoneSummary;
}

export interface ReloadResult {
  /** True when every zone file loaded (or was unchanged). */
  ok: boolean;
  /** Zones parsed afresh and now served. */
  loaded: ZoneSummary[];
  failed: ZoneFailure[];
  /** Zones whose file left the directory: no longer served. */
  removed: ZoneSummary[];
  /** Zones whose files had not changed since they were read: not parsed again. */
  unchanged: number;
  /** Zones served after the reload. */
  zones: number;
  ms: number;
}

/**
 * What a swap changed: a zone served with a new serial (`previous` is the version it replaced,
 * undefined for a new zone), or a zone no longer served.
 */
export type ZoneChange = { kind: 'serial'; origin: Name; zone: LoadedZone; previous?: LoadedZone } | { kind: 'removed'; origin: Name; previous: LoadedZone };

export const RELOAD_TIMEOUT_MS = 300_000;
/**
 * Zones given only as texts this small reload on the answering thread: parsing them takes well
 * under a millisecond, a worker's start 50–250 ms (every set() of a test server is a reload).
 */
const IN_THREAD_TEXT = 64 * 1024;
/** Records per chunk a loading worker sends: about 1 ms to unpack and add on the answering thread. */
const CHUNK_RECORDS = 2000;

export class ZoneSet {
  private served = new Map<string, LoadedZone>();
  private current: Catalog;
  private byOrigin = new Map<Name, LoadedZone>();
  /** Every zone in the catalog: the files' and compose's additions. */
  private zonesServed: LoadedZone[];
  private running: Promise<ReloadResult> | undefined;
  private queued: Promise<ReloadResult> | undefined;
  private load: RunningLoad | undefined;
  private closed = false;
  private readonly listeners = new Set<(change: ZoneChange) => void>();

  private constructor(
    private readonly spec: ZoneSpec,
    private readonly options: ZoneSetOptions,
    served: Map<string, LoadedZone>,
  ) {
    this.served = served;
    // compose() may need what its caller sets up after open(): it runs from the first refresh().
    this.zonesServed = [...served.values()];
    this.current = buildCatalog(this.zonesServed);
    this.byOrigin = new Map(this.zonesServed.map((z) => [canonicalName(z.origin), z]));
  }

  private compose(files: LoadedZone[]): LoadedZone[] {
    return this.options.compose ? this.options.compose(files) : files;
  }

  /** The first load, on this thread: every zone must load, else it rejects (ZoneLoadError, ZoneDirectoryError). */
  static async open(spec: ZoneSpec, options: ZoneSetOptions): Promise<ZoneSet> {
    const results = await loadZones(await listZones(spec), options);
    const failures = results.filter((r): r is Extract<ZoneResult, { ok: false }> => !r.ok);
    if (failures.length === 1) throw failures[0].error;
    if (failures.length > 1) throw new ZoneLoadError(spec.zonesDir ?? failures[0].entry.file, failures.flatMap((f) => f.error.errors));
    const served = new Map<string, LoadedZone>();
    for (const r of results) {
      if (!r.ok) continue;
      served.set(r.entry.key, r.zone);
      logZoneLoaded(options.logger, r.zone, r.ms);
      options.onLoaded?.(r.zone, r.ms);
    }
    if (served.size === 0) options.logger.warn({ event: 'no-zones', ...spec }, 'no zones to serve: every query will be REFUSED');
    // A zone file named example.test.txt is easy to write and would be passed over without a word.
    if (spec.zonesDir !== undefined) {
      for (const file of await otherFiles(spec.zonesDir).catch(() => [])) options.logger.warn({ event: 'file-not-served', file }, `${file} is not served: only *.zone files in the zones directory are`);
    }
    return new ZoneSet(spec, options, served);
  }

  /** The catalog answering now. */
  get catalog(): Catalog {
    return this.current;
  }

  /** The zone files' zones served now. */
  zones(): ZoneSummary[] {
    return [...this.served.values()].map(summarize);
  }

  /** Rebuilds the catalog from the served zone files and compose's zones (a secondary's copy changed). */
  refresh(): void {
    if (!this.closed) this.swap(new Map(this.served));
  }

  /** The served version of a zone (a file's or compose's): never changed in place, a reload replaces it. */
  zone(origin: Name): LoadedZone | undefined {
    return this.byOrigin.get(canonicalName(origin));
  }

  /** The served versions of the zone files' zones. */
  loaded(): LoadedZone[] {
    return [...this.served.values()];
  }

  /** Calls `listener` after every swap, for each zone whose serial changed (or that came or went); returns the unsubscribe. */
  onChange(listener: (change: ZoneChange) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /**
   * Re-reads every zone; see ReloadResult. Asked for while one runs, it runs once more after
   * that one (however many times it was asked). Rejects only when the zones directory cannot be
   * listed, the reload timed out, or the set closed (then nothing changes).
   */
  reload(): Promise<ReloadResult> {
    if (this.closed) return Promise.reject(new Error('server is closed'));
    if (!this.running) return this.start();
    this.queued ??= this.running.then(
      () => this.startQueued(),
      () => this.startQueued(),
    );
    return this.queued;
  }

  /** Stops a reload in progress (its worker ends at once) and refuses further ones. */
  async close(): Promise<void> {
    this.closed = true;
    this.load?.abort('CLOSED', 'the server is closing');
    await Promise.allSettled([this.running, this.queued]);
  }

  private startQueued(): Promise<ReloadResult> {
    this.queued = undefined;
    if (this.closed) return Promise.reject(new Error('server is closed'));
    return this.start();
  }

  private start(): Promise<ReloadResult> {
    const run = this.reloadOnce().finally(() => {
      if (this.running === run) this.running = undefined;
    });
    this.running = run;
    return run;
  }

  private async reloadOnce(): Promise<ReloadResult> {
    const { logger } = this.options;
    const started = performance.now();
    let results: EntryResult[];
    let entries: ZoneEntry[];
    try {
      entries = await listZones(this.spec);
      const previous: Record<string, Previous> = {};
      for (const [key, zone] of this.served) previous[key] = { serial: zone.serial, files: zone.files ?? [] };
      // Text sources' functions run here; one that throws fails its zone only.
      const toLoad: LoadEntry[] = [];
      const early: EntryResult[] = [];
      for (const entry of entries) {
        try {
          toLoad.push({ ...entry, text: textOf(entry) });
        } catch (err) {
          early.push({ key: entry.key, kind: 'failed', error: asZoneLoadError(err, entry.file), ms: 0 });
        }
      }
      if (toLoad.length > 0 && toLoad.every((e) => e.text !== undefined) && toLoad.reduce((n, e) => n + e.text!.length, 0) <= IN_THREAD_TEXT) {
        const { maxFileBytes, maxIncludes, maxRecords } = this.options;
        results = [...early, ...loadTextsHere(toLoad, previous, { maxFileBytes, maxIncludes, maxRecords })];
      } else {
        this.load = loadInWorker(
          {
            entries: toLoad,
            previous,
            serialCheck: this.options.serialCheck ?? true,
            maxFileBytes: this.options.maxFileBytes ?? MAX_FILE_BYTES,
            maxIncludes: this.options.maxIncludes ?? MAX_INCLUDE_FILES,
            maxRecords: this.options.maxRecords ?? DEFAULT_MAX_RECORDS,
            chunkRecords: CHUNK_RECORDS,
          },
          this.options.reloadTimeoutMs ?? RELOAD_TIMEOUT_MS,
        );
        results = [...early, ...(await this.load.results)];
      }
    } catch (err) {
      const ms = Math.round(performance.now() - started);
      if (err instanceof LoadAbortedError && err.code === 'RELOAD_TIMEOUT') {
        logger.error({ event: 'reload-abandoned', ms, reason: err.message }, `reload abandoned after ${ms} ms, still serving the previous zones: ${err.message}`);
      } else {
        logger.error({ event: 'reload-failed', err, ms }, `reload failed, still serving the previous zones: ${(err as Error).message}`);
      }
      throw err;
    } finally {
      this.load = undefined;
    }
    if (this.closed) throw new Error('server is closed');
    return this.apply(entries, results, started);
  }

  /** Puts the loaded zones together with the kept ones and swaps them in, all at once. */
  private apply(entries: ZoneEntry[], results: EntryResult[], started: number): ReloadResult {
    const { logger } = this.options;
    const byKey = new Map(results.map((r) => [r.key, r]));
    const fresh: ZoneResult[] = [];
    for (const entry of entries) {
      const r = byKey.get(entry.key);
      if (r?.kind === 'loaded') fresh.push({ entry, ok: true, zone: r.zone, ms: r.ms });
      else if (r?.kind === 'failed') fresh.push({ entry, ok: false, error: r.error, ms: r.ms });
    }
    const checked = new Map(markDuplicateOrigins(fresh).map((r) => [r.entry.key, r]));
    const next = new Map<string, LoadedZone>();
    const loaded: LoadedZone[] = [];
    const failed: ZoneFailure[] = [];
    let unchanged = 0;
    for (const entry of entries) {
      const old = this.served.get(entry.key);
      const r = checked.get(entry.key);
      if (!r) {
        // Unchanged since it was read: the served version stays, with the stamps just taken.
        const same = byKey.get(entry.key);
        if (old) next.set(entry.key, same?.kind === 'unchanged' ? { ...old, files: same.files } : old);
        unchanged++;
      } else if (r.ok) {
        next.set(entry.key, r.zone);
        loaded.push(r.zone);
      } else {
        // NSD drops a zone that fails to reload; we keep answering from the version that loaded.
        if (old) next.set(entry.key, old);
        failed.push({ file: entry.file, errors: r.error.errors, previous: old && summarize(old) });
      }
    }
    const removed = [...this.served].filter(([key]) => !next.has(key)).map(([, zone]) => summarize(zone));
    // Throws if a kept old version and a new zone share an origin; then nothing changes.
    this.swap(next);
    const ms = Math.round(performance.now() - started);
    const result: ReloadResult = { ok: failed.length === 0, loaded: loaded.map(summarize), failed, removed, unchanged, zones: next.size, ms };
    for (const zone of loaded) {
      const ms = checkedMs(checked, zone);
      logZoneLoaded(logger, zone, ms);
      this.options.onLoaded?.(zone, ms);
    }
    for (const f of failed) {
      logZoneFailed(logger, f);
      this.options.onFailed?.(f);
    }
    for (const z of removed) logger.info({ event: 'zone-removed', zone: z.origin, file: z.file }, `zone ${z.origin} removed`);
    logger.info(
      { event: 'reload', ok: result.ok, zones: result.zones, loaded: loaded.length, unchanged, failed: failed.length, removed: removed.length, ms },
      result.ok ? `reloaded ${loaded.length} zone(s), ${unchanged} unchanged` : `reloaded with ${failed.length} failure(s)`,
    );
    return result;
  }

  /** The swap: queries see all the old zones or all the new ones. */
  private swap(next: Map<string, LoadedZone>): void {
    const zones = this.compose([...next.values()]);
    // Throws if two zones share an origin; then nothing changes.
    const catalog = buildCatalog(zones);
    const before = new Map([...this.served.values()].map((z) => [canonicalName(z.origin), z]));
    this.served = next;
    this.zonesServed = zones;
    this.current = catalog;
    this.byOrigin = new Map(zones.map((z) => [canonicalName(z.origin), z]));
    this.options.onSwap?.(catalog, zones);
    // The zone files' changes; compose's zones have their own announcements.
    const after = new Map([...next.values()].map((z) => [canonicalName(z.origin), z]));
    const changes: ZoneChange[] = [];
    for (const [key, zone] of after) {
      const previous = before.get(key);
      if (previous?.serial !== zone.serial) changes.push({ kind: 'serial', origin: zone.origin, zone, previous });
    }
    for (const [key, previous] of before) if (!after.has(key)) changes.push({ kind: 'removed', origin: previous.origin, previous });
    for (const change of changes) {
      for (const listener of this.listeners) {
        try {
          listener(change);
        } catch (err) {
          // A listener's bug must not undo a swap that happened.
          this.options.logger.error({ event: 'zone-change-listener-failed', err, zone: change.origin }, `a zone-change listener failed: ${(err as Error).message}`);
        }
      }
    }
  }
}

function checkedMs(checked: Map<string, ZoneResult>, zone: LoadedZone): number {
  for (const r of checked.values()) if (r.ok && r.zone === zone) return r.ms;
  return 0;
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

function logZoneLoaded(logger: Logger, zone: LoadedZone, ms: number): void {
  logger.info({ event: 'zone-loaded', zone: zone.origin, file: zone.file, serial: zone.serial, records: zone.records.length, ms }, `zone ${zone.origin} loaded, serial ${zone.serial}`);
  for (const w of zone.warnings) logger.warn({ event: 'zone-warning', zone: zone.origin, file: w.file, line: w.line, column: w.column, code: w.code }, w.message);
}

function logZoneFailed(logger: Logger, failure: ZoneFailure): void {
  const kept = failure.previous ? `; still serving serial ${failure.previous.serial}` : '; not served';
  logger.error(
    { event: 'zone-load-failed', file: failure.file, zone: failure.previous?.origin, errors: failure.errors.map((e) => e.message), kept: failure.previous?.serial ?? null },
    `zone file ${failure.file} not loaded: ${failure.errors.length} error(s)${kept}`,
  );
}
