/**
 * The main thread's side of port53d --workers: starts the extra answering threads, passes reloads
 * and shutdown to them, gathers their counters and log lines, and replaces a thread that dies
 * (or gives up, when they keep dying, so that no half-dead server goes on silently).
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { Logger } from '../log.js';
import type { ServerOptions } from '../server.js';
import { sumCounts, type WorkerCounts } from './stats.js';

/** What a worker thread is started with (structured-clone safe: no logger, hook or functions). */
export interface WorkerInit {
  index: number;
  /** How many threads this slot had before (0: the first). */
  generation: number;
  options: ServerOptions;
  internal: { reusePort: true; cookieSeed?: Uint8Array; cookieStart?: number };
  logLevel: string;
}

export type ToWorker = { type: 'reload'; id: number } | { type: 'close' };
export type FromWorker =
  | { type: 'ready' }
  | { type: 'start-failed'; message: string }
  | { type: 'stats'; counts: WorkerCounts }
  | { type: 'log'; line: string }
  | { type: 'reloaded'; id: number; ok: boolean }
  | { type: 'closed' };

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
  /** Reloads sent and not answered yet, by id. */
  pending: Map<number, () => void>;
}

export class WorkerPool {
  private readonly slots: Slot[] = [];
  /** Every thread not yet exited, including one still starting (close() must stop it too). */
  private readonly running = new Set<Worker>();
  /** The final counts of threads that were replaced, so that totals never go back. */
  private retired: WorkerCounts | undefined;
  private restarts: number[] = [];
  private nextReload = 1;
  private closing = false;

  private constructor(
    private readonly init: (index: number, generation: number) => WorkerInit,
    private readonly logger: Logger,
    private readonly onFatal: (err: Error) => void,
  ) {}

  /** Starts `count` threads, each listening before this resolves; rejects (stopping any started) if one fails. */
  static async start(count: number, init: (index: number, generation: number) => WorkerInit, logger: Logger, onFatal: (err: Error) => void): Promise<WorkerPool> {
    const pool = new WorkerPool(init, logger, onFatal);
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

  /** Each worker's latest counts in worker order (undefined while one restarts or has posted none). */
  live(): (WorkerCounts | undefined)[] {
    return this.slots.map((s) => s.counts);
  }

  /** Every worker re-reads the zones; resolves when all have (a worker that dies meanwhile restarts with fresh data). */
  async reload(): Promise<void> {
    const id = this.nextReload++;
    await Promise.all(
      this.slots.map(
        (slot) =>
          new Promise<void>((done) => {
            slot.pending.set(id, done);
            slot.worker.postMessage({ type: 'reload', id } satisfies ToWorker);
          }),
      ),
    );
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

  private readonly generations = new Map<number, number>();

  private spawn(index: number): Promise<void> {
    const generation = this.generations.get(index) ?? 0;
    this.generations.set(index, generation + 1);
    const worker = new Worker(workerEntry(), { workerData: this.init(index, generation) });
    const slot: Slot = { index, worker, pending: new Map() };
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
          case 'reloaded':
            slot.pending.get(message.id)?.();
            slot.pending.delete(message.id);
            break;
        }
      });
      worker.on('error', (err) => {
        this.logger.error({ event: 'worker-error', worker: index, err }, `worker ${index} failed: ${err.message}`);
        if (!ready) reject(new WorkerError(`worker ${index} could not start: ${err.message}`));
      });
      worker.on('exit', (code) => {
        this.running.delete(worker);
        for (const done of slot.pending.values()) done();
        slot.pending.clear();
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
