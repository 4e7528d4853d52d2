/**
 * The answering thread's side of a load: starts a worker (worker.ts), builds each zone's tree
 * from the packed chunks it streams, one chunk per task so queries are answered in between, and
 * returns what became of every entry. Nothing is swapped in here: the zone set does that once
 * every zone is in.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { ResourceRecord } from '@port53/wire';
import { NameTable } from '../store/names.js';
import { ZoneBuilder } from '../store/zone.js';
import { ZoneError, ZoneLoadError } from '../zonefile/errors.js';
import type { FileStamp, LoadedZone } from '../zonefile/index.js';
import { unpackRecords } from './packed.js';
import type { LoadEntry, LoadRequest, PlainZoneError, WorkerMessage } from './protocol.js';

export type EntryResult =
  | { key: string; kind: 'loaded'; zone: LoadedZone; ms: number }
  | { key: string; kind: 'unchanged'; files: FileStamp[] }
  | { key: string; kind: 'failed'; error: ZoneLoadError; ms: number };

/** The load was stopped before it finished: too slow, or the zone set closed. */
export class LoadAbortedError extends Error {
  override readonly name = 'LoadAbortedError';
  constructor(
    readonly code: 'RELOAD_TIMEOUT' | 'CLOSED' | 'WORKER_FAILED',
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

export interface RunningLoad {
  readonly results: Promise<EntryResult[]>;
  /** Stops the worker at once (even mid-parse); `results` rejects with a LoadAbortedError of this code. */
  abort(code: 'RELOAD_TIMEOUT' | 'CLOSED', message: string): void;
}

/** Loads `request.entries` in a worker thread; see RunningLoad. */
export function loadInWorker(request: LoadRequest, timeoutMs: number): RunningLoad {
  const worker = new Worker(workerFile(), { workerData: request });
  // A load in progress must not keep a stopping process alive.
  worker.unref();
  const results: EntryResult[] = [];
  let current: { key: string; entry: LoadEntry; message: Extract<WorkerMessage, { kind: 'zone' }>; builder: ZoneBuilder; records: ResourceRecord[]; arrived: number } | undefined;
  let settle: { resolve: (r: EntryResult[]) => void; reject: (e: Error) => void };
  let done = false;
  const promise = new Promise<EntryResult[]>((resolve, reject) => (settle = { resolve, reject }));
  const entries = new Map(request.entries.map((e) => [e.key, e]));

  const finish = (error?: Error) => {
    if (done) return;
    done = true;
    clearTimeout(timer);
    if (error) {
      void worker.terminate();
      settle.reject(error);
    } else {
      settle.resolve(results);
    }
  };
  const abort = (code: 'RELOAD_TIMEOUT' | 'CLOSED' | 'WORKER_FAILED', message: string, cause?: unknown) => finish(new LoadAbortedError(code, message, { cause }));
  const timer = setTimeout(() => abort('RELOAD_TIMEOUT', `the load ran longer than ${timeoutMs} ms and was abandoned`), timeoutMs);
  timer.unref();

  const completeZone = () => {
    if (!current) return;
    const { key, message, builder, records, arrived } = current;
    current = undefined;
    try {
      if (arrived !== message.count) throw new Error(`${arrived} of ${message.count} records arrived`);
      const tree = builder.finish(message.serial);
      const zone: LoadedZone = { origin: message.origin, file: message.file, records, serial: tree.serial, warnings: message.warnings.map(zoneError), files: message.files, tree };
      results.push({ key, kind: 'loaded', zone, ms: message.ms });
    } catch (e) {
      // The worker's checks passed, so this is a bug; still one zone's failure only.
      results.push({ key, kind: 'failed', error: new ZoneLoadError(message.file, [new ZoneError('FILE_UNREADABLE', `cannot build: ${(e as Error).message}`, message.file, 0, 0)]), ms: message.ms });
    }
  };

  worker.on('message', (m: WorkerMessage) => {
    if (done) return;
    if (m.kind !== 'records') completeZone();
    switch (m.kind) {
      case 'unchanged':
        results.push({ key: m.key, kind: 'unchanged', files: m.files });
        break;
      case 'failed':
        results.push({ key: m.key, kind: 'failed', error: new ZoneLoadError(m.file, m.errors.map(zoneError), m.warnings.map(zoneError)), ms: m.ms });
        break;
      case 'zone':
        current = { key: m.key, entry: entries.get(m.key)!, message: m, builder: new ZoneBuilder(m.origin, { names: NameTable.fromParts(m.names), nameOf: m.nameOf }), records: new Array<ResourceRecord>(m.count), arrived: 0 };
        break;
      case 'records': {
        const c = current!;
        const from = c.arrived;
        // Sized by the zone message: a million pushes would leave ever larger copies behind.
        c.arrived = unpackRecords(m.packed, c.records, from);
        if (c.arrived > c.message.count) return abort('WORKER_FAILED', `the loading worker sent more than the ${c.message.count} records of ${c.message.origin}`);
        c.builder.add(c.records, from, c.arrived);
        // The next chunk only after pending I/O (queries) has had its turn; after the last one,
        // the tree is sealed in slices first.
        const ack = () => {
          if (!done) worker.postMessage({ kind: 'ack' });
        };
        setImmediate(c.arrived < c.message.count ? ack : () => sealInSlices(c.builder, () => done, ack));
        break;
      }
      case 'done':
        finish();
        break;
    }
  });
  worker.on('error', (err) => abort('WORKER_FAILED', `the loading worker failed: ${err.message}`, err));
  worker.on('exit', (code) => {
    if (!done) abort('WORKER_FAILED', `the loading worker exited (code ${code}) before it finished`);
  });

  return { results: promise, abort: (code, message) => abort(code, message) };
}

/** Seals a built tree a slice of about SLICE_MS at a time, pending I/O in between, then calls `then`. */
function sealInSlices(builder: ZoneBuilder, stopped: () => boolean, then: () => void): void {
  if (stopped()) return;
  let sealed: boolean;
  try {
    sealed = builder.sealSome(performance.now() + SLICE_MS);
  } catch {
    // A bug, not bad input: finish() meets the same error and fails this zone alone.
    sealed = true;
  }
  if (sealed) then();
  else setImmediate(() => sealInSlices(builder, stopped, then));
}

/** Longest the answering thread seals a tree before it looks at pending I/O again. */
const SLICE_MS = 1;

function zoneError(e: PlainZoneError): ZoneError {
  return new ZoneError(e.code, e.reason, e.file, e.line, e.column, e.severity);
}

/**
 * worker.js beside this module (dist/loading/), or, from the CLI's one-file bundle in dist/,
 * dist/loading/worker.js; when the tests run the TypeScript sources, the built one in dist/.
 */
function workerFile(): string {
  const candidates = ['./worker.js', './loading/worker.js', '../../dist/loading/worker.js'].map((p) => fileURLToPath(new URL(p, import.meta.url)));
  const found = candidates.find((f) => existsSync(f));
  if (!found) throw new Error(`the zone-loading worker is missing (looked for ${candidates.join(', ')}): run \`pnpm build\``);
  return found;
}
