/**
 * One of port53d's --workers: a thread reading the main thread's UDP sockets too (the kernel gives
 * each datagram to whichever thread asks first), holding no zones, only replies the main thread computed. A query it has a reply for is answered
 * here; every other one (a miss, TSIG, cookies, NSID, NOTIFY, anything not a plain QUERY) goes to
 * the main thread, which answers it from the same socket and sends
 * back the reply when it may be kept. A reload in the main thread bumps a shared generation
 * number: the next query here finds it changed and drops every kept reply.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { pino } from 'pino';
import { AnswerCache, MISS } from '../answer/cache.js';
import { answerFromCache, QueryCounts } from '../metrics/query-counts.js';
import { buildCatalog } from '../store/catalog.js';
import { listenUdpBatch, type BatchListener, type SlotHandler } from '../transport/udp-batch.js';
import { FrameWriter, readFills } from './frames.js';
import type { FromWorker, ToWorker, WorkerInit } from './pool.js';
import { workerCounts, type WorkerCounts } from './stats.js';

const STATS_EVERY_MS = 100;
/**
 * Passed-on queries the main thread has not answered yet, past which this thread stops reading
 * the shared sockets (the main thread, busy computing answers, then reads the queries itself
 * rather than get each one twice), and under which it reads again.
 */
const HOLD_AT = 32;
const RELEASE_AT = 8;

const port = parentPort!;
const init = workerData as WorkerInit;
const post = (message: FromWorker, transfer?: ArrayBuffer[]) => port.postMessage(message, transfer);
const logger = pino({ level: init.logLevel, base: undefined }, { write: (line: string) => post({ type: 'log', line }) });

const generation = new Int32Array(init.generation);
// The cache's own catalog is empty: respond() is never called here, every reply comes by insert().
const noZones = buildCatalog([]);
const newCache = () => new AnswerCache(noZones, init.cache);
let cache = newCache();let cacheGeneration = Atomics.load(generation, 0);
const counts: WorkerCounts = workerCounts();
/** Datagrams the sockets took: stats are posted when this moves. */
let received = 0;
const queryCounts = new QueryCounts();
const pending = new FrameWriter();
const relayed = new Int32Array(init.relayed);
/** Queries passed on, modulo 2^32 like the main thread's count of those answered: their difference is the backlog. */
let passed = 0;
const backlog = () => (passed - Atomics.load(relayed, 0)) | 0;
const listeners: BatchListener[] = [];
let held: ReturnType<typeof setInterval> | undefined;

/** The main thread is behind: stop reading until it has caught up (checked every millisecond meanwhile). */
function holdWhileBehind(): void {
  if (held || backlog() < HOLD_AT) return;
  for (const l of listeners) l.hold(true);
  held = setInterval(() => {
    if (backlog() > RELEASE_AT) return;
    clearInterval(held);
    held = undefined;
    for (const l of listeners) l.hold(false);
  }, 1);
}

/** The kept replies belong to the catalog of `cacheGeneration`; a reload since makes them all stale. */
function current(): number {
  const now = Atomics.load(generation, 0);
  if (now !== cacheGeneration) {
    cache = newCache();
    cacheGeneration = now;
  }
  return now;
}

/** Posts the queries of this batch to the main thread in one message (runs once the batch is handled). */
function flush(): void {
  if (pending.length === 0) return;
  const frame = pending.take();
  post({ type: 'forward', frame }, [frame.buffer as ArrayBuffer]);
  holdWhileBehind();
}

/** Answers a kept reply straight into the addon's send slot; passes any other query on (no reply from here). */
function slotHandler(socket: number): SlotHandler {
  return (query, length, peer, out) => {
    received++;
    current();
    if (!init.forwardAll) {
      const n = answerFromCache(cache, query, length, out, counts, queryCounts);
      if (n !== MISS) return n;
    }
    if (pending.length === 0) queueMicrotask(flush); // the addon runs microtasks after each chunk
    pending.query({ socket, address: peer.address, port: peer.port, cacheable: !init.forwardAll, query: query.subarray(0, length) });
    passed = (passed + 1) | 0;
    return 0;
  };
}

async function run(): Promise<void> {
  const onError = (err: Error) => logger.error({ event: 'socket-error', err }, 'socket error');
  try {
    for (const [i, { address, port: p, fd }] of init.sockets.entries()) {
      listeners.push(await listenUdpBatch({ address, port: p, shareFd: fd, slotHandler: slotHandler(i), onError }));
    }
  } catch (err) {
    await Promise.all(listeners.map((l) => l.close()));
    post({ type: 'start-failed', message: (err as Error).message });
    port.close(); // the thread ends: nothing else keeps it alive
    return;
  }
  let posted = -1;
  const postStats = () => {
    if (received === posted) return;
    posted = received;
    post({ type: 'stats', counts: snapshot(listeners) });
  };
  const timer = setInterval(postStats, STATS_EVERY_MS);
  timer.unref();
  port.on('message', (message: ToWorker) => {
    if (message.type === 'fill') {
      // Replies computed for the catalog of message.generation: kept only if no reload came since.
      if (message.generation !== current()) return;
      readFills(message.frame, (query, reply, rcode) => cache.insert(query, query.length, 'udp', reply, rcode));
      return;
    }
    clearInterval(timer);
    clearInterval(held);
    void Promise.all(listeners.map((l) => l.close())).then(() => {
      flush();
      posted = -1;
      postStats();
      port.close(); // nothing else keeps the thread alive: it exits
    });
  });
  post({ type: 'ready' });
  // Tests only: PORT53_TEST_WORKER_EXIT=first makes the first thread started in each slot die
  // 0.2 s after it is ready (=always: every one), to prove the main thread replaces it or gives up.
  const exit = process.env.PORT53_TEST_WORKER_EXIT;
  if (exit === 'always' || (exit === 'first' && init.restart === 0)) setTimeout(() => process.exit(3), 200);
}

/** This thread's counters as the main thread sums them (structured-clone safe). */
function snapshot(listeners: readonly BatchListener[]): WorkerCounts {
  const udpBatch = { received: 0, sent: 0, droppedSends: 0, receiveErrors: 0, handlerErrors: 0 };
  for (const l of listeners) {
    const c = l.counters?.();
    if (c) for (const k of Object.keys(udpBatch) as (keyof typeof udpBatch)[]) udpBatch[k] += c[k];
  }
  return {
    ...counts,
    queries: { ...counts.queries },
    outcomes: { ...counts.outcomes },
    // A miss here is a query passed on: the main thread counts it when it looks it up, hit or miss, so it is not counted twice.
    answerCache: { hits: cache.counters.hits, misses: 0, entries: cache.size, bytes: cache.bytes },
    udpBatch,
    queryCounts: queryCounts.rows(),
  };
}

await run();
