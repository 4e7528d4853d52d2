/**
 * The main thread's side of port53d --workers: starts the extra answering threads, answers the
 * queries they pass on (see worker.ts) and sends them the replies they may keep, tells them of
 * reloads through a shared generation number, gathers their counters and log lines, and replaces
 * a thread that dies (or gives up, when they keep dying, so that no half-dead server goes on silently).
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { Logger } from '../log.js';
import { sumCounts, type WorkerCounts } from './stats.js';

/** What a worker thread is started with (structured-clone safe: no logger, hook or functions). */
export interface WorkerInit {
  index: number;
  /** How many threads this slot had before (0: the first). */
  restart: number;
  /** The main thread's UDP sockets, in its order: the worker reads each one too (same descriptor, shared). */
  sockets: { address: string; port: number; fd: number }[];
  /** Bounds of the thread's kept replies. */
  cache: { entries: number; bytes: number };
  /** Pass every query on, keep nothing (RRL and the query log need to see every query in one place). */
  forwardAll: boolean;
  /** Int32 [0]: the main thread's catalog generation, bumped at each reload. */
  generation: SharedArrayBuffer;
  /** Int32 [0]: the queries this worker passed on that the main thread has answered (the worker counts those it passed on). */
  relayed: SharedArrayBuffer;
  logLevel: string;
}

export type ToWorker = { type: 'fill'; generation: number; frame: Uint8Array } | { type: 'close' };
export type FromWorker =
  | { type: 'ready' }
  | { type: 'start-failed'; message: string }
  | { type: 'stats'; counts: WorkerCounts }
  | { type: 'log'; line: string }
  | { type: 'forward'; frame: Uint8Array };

/** The main thread answers a worker's batch of queries: how many, and the replies the worker may keep. */
export type Relay = (frame: Uint8Array) => { count: number; fill: Uint8Array | undefined };

/** Restarts allowed in RESTART_WINDOW_MS before the pool gives up (and the server stops, exit status 1). */
const MAX_RESTARTS = 3;
const RESTART_WINDOW_MS = 60_000;
const RESTART_DELAY_MS = 200;
const CLOSE_TIMEOUT_MS = 3_000;
/** The server logs these itself once; the workers' copies would only repeat them. */
const MAIN_ONLY_EVENTS = new Set(['zone-loaded', 'zone-warning', 'zone-load-failed', 'zone-removed', 'reload', 'reload-failed', 'listening', 'udp-path', 'stopped', 'no-zones', 'catalog-updated']);

// dist/workers/pool.js, the port53d bundle in dist/, the CommonJS build in dist/cjs/ (and its
// chunks/), and src/workers/ under vitest: the thread's entry is always tsc's dist/workers/worker.js.
const CANDIDATES = ['./worker.js', './workers/worker.js', '../workers/worker.js', '../../workers/worker.js', '../../dist/workers/worker.js'];

function workerEntry(): URL {
  for (const candidate of CANDIDATES) {
    const url = new URL(candidate, import.meta.url);
    if (existsSync(fileURLToPath(url))) return url;
  }
  throw new Error('port53d worker entry (dist/workers/worker.js) not found: run pnpm build');
}

class WorkerError extends Error {
  override readonly name = 'WorkerError';
  readonly code = 'EWORKER';
}

interface Slot {
  index: number;
  worker: Worker;
  counts?: WorkerCounts;
  /** Shared with the worker: [passed-on queries answered]. */
  answered: Int32Array;
  /** Queries it passed on that this thread answered (counted here, live). */
  relayed: number;
}

export class WorkerPool {
  private readonly slots: Slot[] = [];
  /** Every thread not yet exited, including one still starting (close() must stop it too). */
  private readonly running = new Set<Worker>();
  /** The final counts of threads that were replaced, so that totals never go back. */
  private retired: WorkerCounts | undefined;
  private retiredRelayed = 0;
  private restarts: number[] = [];
  private closing = false;
  /** Shared with every thread: the catalog generation their kept replies must match. */
  private readonly generation = new Int32Array(new SharedArrayBuffer(4));

  private constructor(
    private readonly init: (index: number, restart: number, generation: SharedArrayBuffer, relayed: SharedArrayBuffer) => WorkerInit,
    private readonly relay: Relay,
    private readonly logger: Logger,
    private readonly onFatal: (err: Error) => void,
  ) {}

  /** Starts `count` threads, each listening before this resolves; rejects (stopping any started) if one fails. */
  static async start(count: number, init: (index: number, restart: number, generation: SharedArrayBuffer, relayed: SharedArrayBuffer) => WorkerInit, relay: Relay, logger: Logger, onFatal: (err: Error) => void): Promise<WorkerPool> {
    const pool = new WorkerPool(init, relay, logger, onFatal);
    const started = await Promise.allSettled(Array.from({ length: count }, (_, i) => pool.spawn(i + 1)));
    const failed = started.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed) {
      await pool.close();
      throw failed.reason;
    }
    return pool;
  }

  /** Each worker's latest counts (and the replaced ones' final counts). */
  counts(): WorkerCounts[] {
    const all = this.slots.flatMap((s) => (s.counts ? [s.counts] : []));
    return this.retired ? [...all, this.retired] : all;
  }

  /** Queries each worker's sockets took, in worker order: those it answered and those it passed on. */
  threads(): number[] {
    return this.slots.map((s) => (s.counts?.queries.udp ?? 0) + s.relayed);
  }

  /** Queries the workers passed on that the main thread answered (and counted). */
  relayed(): number {
    return this.slots.reduce((n, s) => n + s.relayed, this.retiredRelayed);
  }

  /**
   * The catalog changed (a reload swapped it in): every worker drops its kept replies before it
   * answers its next query, and keeps none computed before this call.
   */
  invalidate(): void {
    Atomics.add(this.generation, 0, 1);
  }

  async close(): Promise<void> {
    this.closing = true;
    await Promise.all(
      [...this.running].map(async (worker) => {
        const exited = new Promise<void>((done) => worker.once('exit', () => done()));
        // A thread still starting reads this once it serves (messages wait for its listener).
        worker.postMessage({ type: 'close' } satisfies ToWorker);
        const timer = setTimeout(() => void worker.terminate(), CLOSE_TIMEOUT_MS);
        await exited;
        clearTimeout(timer);
      }),
    );
  }

  private readonly restartsOf = new Map<number, number>();

  private spawn(index: number): Promise<void> {
    const restart = this.restartsOf.get(index) ?? 0;
    this.restartsOf.set(index, restart + 1);
    const answered = new Int32Array(new SharedArrayBuffer(4));
    const worker = new Worker(workerEntry(), { workerData: this.init(index, restart, this.generation.buffer as SharedArrayBuffer, answered.buffer as SharedArrayBuffer) });
    const slot: Slot = { index, worker, answered, relayed: 0 };
    this.running.add(worker);
    return new Promise<void>((resolve, reject) => {
      let ready = false;
      worker.on('message', (message: FromWorker) => {
        switch (message.type) {
          case 'ready':
            ready = true;
            this.slots[index - 1] = slot;
            resolve();
            break;
          case 'start-failed':
            reject(new WorkerError(`worker ${index} could not start: ${message.message}`));
            break;
          case 'stats':
            slot.counts = message.counts;
            break;
          case 'log':
            this.forwardLog(index, message.line);
            break;
          case 'forward': {
            // Answered here, at the generation read now: a reload runs on this thread, never in between.
            const generation = Atomics.load(this.generation, 0);
            const { count, fill } = this.relay(message.frame);
            slot.relayed += count;
            Atomics.add(slot.answered, 0, count);
            if (fill) worker.postMessage({ type: 'fill', generation, frame: fill } satisfies ToWorker, [fill.buffer as ArrayBuffer]);
            break;
          }
        }
      });
      worker.on('error', (err) => {
        this.logger.error({ event: 'worker-error', worker: index, err }, `worker ${index} failed: ${err.message}`);
        if (!ready) reject(new WorkerError(`worker ${index} could not start: ${err.message}`));
      });
      worker.on('exit', (code) => {
        this.running.delete(worker);
        if (!ready) return reject(new WorkerError(`worker ${index} exited (code ${code}) while starting`));
        if (this.closing) return;
        this.replace(slot, code);
      });
    });
  }

  /** A worker died while serving: keep its counts, log it, start another in its place (a few times). */
  private replace(slot: Slot, code: number): void {
    if (slot.counts) this.retired = this.retired ? sumCounts(this.retired, slot.counts) : slot.counts;
    slot.counts = undefined;
    this.retiredRelayed += slot.relayed;
    slot.relayed = 0;
    const now = Date.now();
    this.restarts = [...this.restarts.filter((t) => now - t < RESTART_WINDOW_MS), now];
    if (this.restarts.length > MAX_RESTARTS) {
      this.onFatal(new WorkerError(`worker ${slot.index} exited (code ${code}); ${MAX_RESTARTS} restarts in ${RESTART_WINDOW_MS / 1000} s already: giving up`));
      return;
    }
    this.logger.error({ event: 'worker-exited', worker: slot.index, code }, `worker ${slot.index} exited (code ${code}): starting another`);
    setTimeout(() => {
      if (this.closing) return;
      this.spawn(slot.index).then(
        () => this.logger.info({ event: 'worker-restarted', worker: slot.index }, `worker ${slot.index} restarted`),
        (err: Error) => this.onFatal(err),
      );
    }, RESTART_DELAY_MS);
  }

  /** A worker's JSON log line, logged again here with its worker number (the server-wide events it repeats are dropped). */
  private forwardLog(index: number, line: string): void {
    let entry: Record<string, unknown>;
    try {
      entry = JSON.parse(line) as Record<string, unknown>;
    } catch {
      return;
    }
    const { level, msg, time: _time, pid: _pid, hostname: _hostname, name: _name, ...fields } = entry;
    if (MAIN_ONLY_EVENTS.has(fields.event as string)) return;
    const label = this.logger.levels.labels[level as number] as 'info' | 'warn' | 'error' | 'fatal' | 'debug' | 'trace' | undefined;
    if (label) this.logger[label]({ ...fields, worker: index }, String(msg ?? ''));
  }
}
