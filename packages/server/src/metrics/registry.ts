/**
 * The Prometheus metrics (prom-client): every value is read from the server's own counters when
 * scraped (collect()), so answering a query never calls into prom-client.
 */
import type * as Prom from 'prom-client';
import { rcodeToString } from '@port53/wire';
import type { QueryCounts } from './query-counts.js';

/** What the registry reads at scrape time. */
export interface MetricsSource {
  queryCounts: Pick<QueryCounts, 'rows'>;
  outcomes(): Record<string, number>;
  errors(): number;
  rrl(): { limited: number; slipped: number; dropped: number };
  tcp(): { accepted: number; refused: number; active: number; idleClosed: number };
  cookies(): { clientOnly: number; valid: number; invalid: number };
  zones(): readonly { origin: string; serial: number; records: number; loadMs?: number }[];
  zoneLoads(): { loaded: number; failed: number };
  answerCache(): { hits: number; misses: number; entries: number };
  udpBatch(): { received: number; sent: number; droppedSends: number; receiveErrors: number; handlerErrors: number } | undefined;
  /** With --workers: the queries each thread's sockets took, the main thread first. */
  threads?(): readonly number[] | undefined;
}

type Counter = Prom.Counter<string>;
type Gauge = Prom.Gauge<string>;

/** The parts of prom-client used here. */
export type PromApi = Pick<typeof Prom, 'Registry' | 'Counter' | 'Gauge' | 'collectDefaultMetrics'>;

export function buildRegistry(prom: PromApi, source: MetricsSource): Prom.Registry {
  const registry = new prom.Registry();
  prom.collectDefaultMetrics({ register: registry, prefix: 'port53_' });
  const counter = (name: string, help: string, labelNames: string[], read: (c: Counter) => void) =>
    new prom.Counter({ name, help, labelNames, registers: [registry], collect(this: Counter) { this.reset(); read(this); } });
  const gauge = (name: string, help: string, labelNames: string[], read: (g: Gauge) => void) =>
    new prom.Gauge({ name, help, labelNames, registers: [registry], collect(this: Gauge) { this.reset(); read(this); } });

  counter('port53_queries_total', 'Queries by transport, query type and response code (rcode "none": no reply sent).', ['transport', 'qtype', 'rcode'], (c) => {
    for (const row of source.queryCounts.rows()) {
      c.inc({ transport: row.transport, qtype: row.qtype, rcode: row.rcode === 'none' ? 'none' : rcodeToString(row.rcode) }, row.count);
    }
  });
  counter('port53_query_outcomes_total', 'What became of each query: answered, formerr, notimp, refused, badvers, dropped.', ['outcome'], (c) => {
    for (const [outcome, n] of Object.entries(source.outcomes())) c.inc({ outcome }, n);
  });
  counter('port53_query_errors_total', 'Queries whose handling failed (a bug): answered SERVFAIL when possible.', [], (c) => c.inc(source.errors()));
  counter('port53_rrl_responses_total', 'UDP replies over the response rate limit, by what was done: slipped (sent truncated) or dropped.', ['action'], (c) => {
    const r = source.rrl();
    c.inc({ action: 'slipped' }, r.slipped);
    c.inc({ action: 'dropped' }, r.dropped);
  });
  counter('port53_tcp_connections_total', 'TCP connections accepted, and refused at a connection cap.', ['result'], (c) => {
    const t = source.tcp();
    c.inc({ result: 'accepted' }, t.accepted);
    c.inc({ result: 'refused' }, t.refused);
  });
  counter('port53_tcp_idle_closed_total', 'TCP connections closed after the idle timeout.', [], (c) => c.inc(source.tcp().idleClosed));
  gauge('port53_tcp_connections_active', 'TCP connections open now.', [], (g) => g.set(source.tcp().active));
  counter('port53_cookies_total', 'Queries with a DNS COOKIE option by what it held (RFC 7873).', ['state'], (c) => {
    const k = source.cookies();
    c.inc({ state: 'client_only' }, k.clientOnly);
    c.inc({ state: 'valid' }, k.valid);
    c.inc({ state: 'invalid' }, k.invalid);
  });
  gauge('port53_zone_serial', 'SOA serial of each zone served.', ['zone'], (g) => {
    for (const z of source.zones()) g.set({ zone: z.origin }, z.serial);
  });
  gauge('port53_zone_records', 'Records in each zone served.', ['zone'], (g) => {
    for (const z of source.zones()) g.set({ zone: z.origin }, z.records);
  });
  gauge('port53_zone_load_seconds', 'How long the last successful load of each zone took.', ['zone'], (g) => {
    for (const z of source.zones()) if (z.loadMs !== undefined) g.set({ zone: z.origin }, z.loadMs / 1000);
  });
  counter('port53_zone_loads_total', 'Zone file loads (start and reloads) by result.', ['result'], (c) => {
    const l = source.zoneLoads();
    c.inc({ result: 'ok' }, l.loaded);
    c.inc({ result: 'failed' }, l.failed);
  });
  counter('port53_answer_cache_hits_total', 'Replies sent from the pre-encoded answer cache (since the last reload).', [], (c) => c.inc(source.answerCache().hits));
  counter('port53_answer_cache_misses_total', 'Cacheable queries answered afresh (since the last reload).', [], (c) => c.inc(source.answerCache().misses));
  gauge('port53_answer_cache_entries', 'Replies held in the answer cache.', [], (g) => g.set(source.answerCache().entries));
  counter('port53_udp_batch_total', 'The recvmmsg/sendmmsg addon: datagrams received and sent, sends dropped (EAGAIN), receive errors, handler errors.', ['event'], (c) => {
    const u = source.udpBatch();
    if (!u) return;
    c.inc({ event: 'received' }, u.received);
    c.inc({ event: 'sent' }, u.sent);
    c.inc({ event: 'send_dropped' }, u.droppedSends);
    c.inc({ event: 'receive_error' }, u.receiveErrors);
    c.inc({ event: 'handler_error' }, u.handlerErrors);
  });
  counter('port53_thread_queries_total', 'With --workers: queries each answering thread\'s sockets took (thread 0 is the main thread, which also serves TCP).', ['thread'], (c) => {
    for (const [i, n] of (source.threads?.() ?? []).entries()) c.inc({ thread: String(i) }, n);
  });
  return registry;
}
