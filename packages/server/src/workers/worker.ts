/**
 * One of port53d's --workers: a thread answering UDP on its own SO_REUSEPORT socket (TCP stays
 * on the main thread), with its own copy of the zones. It reloads when the main thread says so,
 * posts its counters every 100 ms while they change, and logs through the main thread.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { pino } from 'pino';
import { startServer, type Server } from '../server.js';
import type { FromWorker, ToWorker, WorkerInit } from './pool.js';
import { snapshot } from './stats.js';

const STATS_EVERY_MS = 100;

const port = parentPort!;
const init = workerData as WorkerInit;
const post = (message: FromWorker) => port.postMessage(message);
const logger = pino({ level: init.logLevel, base: undefined }, { write: (line: string) => post({ type: 'log', line }) });

async function run(): Promise<void> {
  let server: Server & { queryCounts: { rows(): import('../metrics/query-counts.js').QueryCountRow[] } };
  try {
    server = await startServer({ ...init.options, logger }, init.internal);
  } catch (err) {
    post({ type: 'start-failed', message: (err as Error).message });
    port.close(); // the thread ends: nothing else keeps it alive
    return;
  }
  let posted = -1;
  const postStats = () => {
    const s = server.stats;
    const total = s.queries.udp + s.queries.tcp + s.errors;
    if (total === posted) return;
    posted = total;
    post({ type: 'stats', counts: snapshot(s, server.queryCounts.rows()) });
  };
  const timer = setInterval(postStats, STATS_EVERY_MS);
  timer.unref();
  port.on('message', (message: ToWorker) => {
    if (message.type === 'reload') {
      server.reload().then(
        (r) => post({ type: 'reloaded', id: message.id, ok: r.ok }),
        () => post({ type: 'reloaded', id: message.id, ok: false }),
      );
      return;
    }
    clearInterval(timer);
    void server.close().then(() => {
      postStats();
      port.close(); // nothing else keeps the thread alive: it exits
    });
  });
  post({ type: 'ready' });
  // Tests only: PORT53_TEST_WORKER_EXIT=first makes the first thread started in each slot die
  // 0.2 s after it is ready (=always: every one), to prove the main thread replaces it or gives up.
  const exit = process.env.PORT53_TEST_WORKER_EXIT;
  if (exit === 'always' || (exit === 'first' && init.generation === 0)) setTimeout(() => process.exit(3), 200);
}

await run();
