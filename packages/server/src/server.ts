import { isIP } from 'node:net';
import { availableParallelism } from 'node:os';
import { performance } from 'node:perf_hooks';
import { canonicalName, decode, encodeMessage, isSubdomain, parseName, Rcode, nowSeconds, parseTsigKey, rcodeToString, servfailReply, truncatedReply, TsigKeyring } from '@port53/wire';
import type { TsigKey } from '@port53/wire';
import { AnswerCache, MISS } from './answer/cache.js';
import { ANSWER_CACHE_BYTES, ANSWER_CACHE_ENTRIES } from './answer/defaults.js';
import { badCookieReply, replySizeLimit, type Outcome, type RespondExtras } from './answer/respond.js';
import { checkSignedQuery, signReply } from './answer/tsig.js';
import { CookieSecrets } from './cookie-secrets.js';
import { parseMetricsAddress, startMetrics, type MetricsEndpoint } from './metrics/endpoint.js';
import { answerFromCache, QueryCounts, type QueryCountRow } from './metrics/query-counts.js';
import { WorkerPool } from './workers/pool.js';
import { relay } from './workers/relay.js';
import { mergedStats, sumRows } from './workers/stats.js';
import type { UdpBatchCounters } from './transport/udp-batch.js';
import { serverIdentity } from './identity-config.js';
import { DEFAULTS } from './defaults.js';
import { silentLogger, type Logger } from './log.js';
import { RateLimiter, responseCategory, rrlCounters, type RrlCounters } from './rrl.js';
import { buildCatalog, type Catalog } from './store/catalog.js';
import { bindAll } from './transport/bind.js';
import { hostPort, type Transport } from './transport/bind-error.js';
import { ConnectionTable, listenTcp, tcpCounters, type ReplyStream, type TcpCounters, type TcpQueryHandler, type TcpLimits } from './transport/tcp.js';
import { parseTransferRule, type TransferRule } from './transfer/acl.js';
import { ZoneJournal } from './transfer/journal.js';
import { Notifier, parseNotifyTarget } from './transfer/notify.js';
import { answerNotify } from './transfer/notify-in.js';
import { answerTransfer } from './transfer/requests.js';
import { parseSecondarySpec, SecondaryZone } from './transfer/secondary.js';
import { nextCatalog } from './transfer/catalog.js';
import { apexSoa, type ZoneVersion, type ZoneVersions } from './transfer/versions.js';
import { listenUdp, type Client, type Listener, type QueryHandler } from './transport/udp.js';
import { listenUdpBatch, slotHandlerOf, udpBatchAddon, udpBatchMissing, type BatchListener, type SlotHandler } from './transport/udp-batch.js';
import type { LoadedZone } from './zonefile/index.js';
import type { QueryHook } from './query-hook.js';
import { summarize, ZoneSet, type ReloadResult, type ZoneSourceSpec, type ZoneSpec, type ZoneSummary } from './zone-set.js';

export type { ReloadResult, ZoneFailure } from './zone-set.js';

export interface ServerOptions {
  /** Serve every *.zone file in this directory. Default `zones` when `zones` is not given either. */
  zonesDir?: string;
  /**
   * Zones named one by one: `{ origin?, file }` (`--zone ORIGIN=FILE`; origin defaults to $ORIGIN
   * or the file name), or `{ origin, text }` with the master-file text itself (a function is
   * called again on every reload).
   */
  zones?: readonly ZoneSourceSpec[];
  /** Addresses to listen on. Default 127.0.0.1 and ::1 (::1 is skipped with a warning when the machine lacks it). */
  addresses?: readonly string[];
  /** Default 5353. 0 picks one ephemeral port shared by every address and both transports. */
  port?: number;
  /** Listen on TCP too (default true). */
  tcp?: boolean;
  /** Receive and send UDP in batches (recvmmsg/sendmmsg) when the native addon is built (default true; env PORT53_UDP_BATCH=0 forces node:dgram). */
  udpBatch?: boolean;
  /** A pino logger; default (or false): log nothing. */
  logger?: Logger | false;
  /** Log every query at info level (default false). */
  queryLog?: boolean;
  /** Close a TCP connection idle this long (default 10 000 ms); past half the connection cap, shorter in proportion to the room left, down to 200 ms (as NSD). */
  tcpIdleTimeoutMs?: number;
  /** Close a TCP connection when one message takes longer than this to arrive (default 5 000 ms). */
  tcpMessageTimeoutMs?: number;
  /** Open TCP connections in total (default 100). */
  maxTcpConnections?: number;
  /** Open TCP connections per client network (default 10): see tcpClientPrefixV4/V6. */
  maxTcpConnectionsPerClient?: number;
  /** IPv4 addresses in one /N count as one TCP client (default 24). */
  tcpClientPrefixV4?: number;
  /** IPv6 addresses in one /N count as one TCP client (default 56). */
  tcpClientPrefixV6?: number;
  /** Unflushed replies per TCP connection before it stops being read (default 100). */
  maxPipelined?: number;
  /** Response rate limit over UDP: replies per second per client /24 (/56) and response category; 0 (default) is off. */
  rrlRate?: number;
  /** Of the replies over the rate, send every Nth truncated (TC=1) and drop the rest; 0 drops all (default 2). */
  rrlSlip?: number;
  /** Seconds of replies a quiet client may save up as a burst (default 1). */
  rrlWindow?: number;
  /**
   * TSIG keys (RFC 8945), as objects or `ALG:NAME:SECRET` text (the form of `dig -y`). Signed
   * queries are checked against them and answered signed; an unknown key gets NOTAUTH/BADKEY.
   */
  tsigKeys?: readonly (TsigKey | string)[];
  /** Who may transfer zones (AXFR, IXFR): `ADDR[/PREFIX][@KEYNAME]` each; default none. */
  allowTransfer?: readonly string[];
  /** CH TXT id.server and hostname.bind (default the host name); '' hides them (REFUSED). */
  identity?: string;
  /** CH TXT version.bind and version.server (default "port53d VERSION"); '' hides them. */
  version?: string;
  /** NSID (RFC 5001) for queries that ask: octets, or text as --nsid takes it (ascii_TEXT, hex, 0xHEX); default none. */
  nsid?: string | Uint8Array;
  /** Server cookies (RFC 7873, RFC 9018) with a secret replaced hourly (default true). */
  cookies?: boolean;
  /** Serve Prometheus metrics at http://ADDR:PORT/metrics (`127.0.0.1:9153`, `[::1]:9153`); default off. */
  metrics?: string;
  /** Secondaries told by NOTIFY when a zone's serial changes: `ADDR[:PORT][@KEYNAME]` each (port 53 by default). */
  notify?: readonly string[];
  /** Keep the IXFR history (differences between loaded versions) in files in this directory, so a restart keeps it; default in memory only. */
  journalDir?: string;
  /** Zones copied from a primary: `ORIGIN=ADDR[:PORT][@KEYNAME]` each (RFC 5936, RFC 1995, RFC 1996). */
  secondaries?: readonly string[];
  /** Refuse a changed zone file whose SOA serial did not increase (RFC 1982), keeping the old version (default true). */
  serialCheck?: boolean;
  /** Abandon a reload running longer than this, keeping the served zones (default 300 000 ms). */
  reloadTimeoutMs?: number;
  /** Where secondary zones' copies are kept, so a restart serves them at once (default `secondary`). */
  secondaryDir?: string;
  /** Serve a catalog zone (RFC 9432) of this name listing every other zone served. */
  catalog?: string;
  /**
   * Sees every query with a way to get the server's answer, and says what to send instead
   * (`@port53/server/testing` injects faults with it). UDP then goes through node:dgram.
   */
  hook?: QueryHook;
  /**
   * Answering threads (default 1; 'auto': one per core). Every thread reads the same UDP sockets;
   * an extra one holds no zones: it answers from replies the main thread computed and passes
   * every other query to the main thread, which holds the zones, answers UDP too, and alone
   * serves TCP, transfers, NOTIFY and /metrics. Needs the native UDP addon; not with `hook`.
   */
  workers?: number | 'auto';
}

export type OutcomeKind = Outcome['kind'];

export interface BoundAddress {
  address: string;
  port: number;
  family: 'IPv4' | 'IPv6';
  transport: Transport;
}

/** Live counters; read them at any time. */
export interface ServerStats {
  queries: { udp: number; tcp: number };
  /** What became of each query: answered (any RCODE from the zones), formerr, notimp, refused, badvers, dropped. */
  outcomes: Record<OutcomeKind, number>;
  /** Queries whose handling threw (a bug): answered SERVFAIL when the header was readable. */
  errors: number;
  tcp: TcpCounters;
  /** UDP replies over the rate limit: sent truncated (slipped) or not sent (dropped). */
  rrl: RrlCounters;
  /** Queries with a COOKIE option: only a client cookie, a server cookie that verified, one that did not. */
  cookies: { clientOnly: number; valid: number; invalid: number };
  /** Zone file loads, at start and on reloads. */
  zoneLoads: { loaded: number; failed: number };
  /** The answer cache of the catalog served now (it starts empty at each reload). */
  readonly answerCache: { hits: number; misses: number; entries: number; bytes: number };
  /** With `workers` > 1: queries (UDP and TCP) answered by each thread, the main thread first; a worker's counts arrive within 0.1 s. */
  readonly threads?: number[];
  /** The batched UDP addon's counters summed over its sockets; undefined when UDP is node:dgram. */
  readonly udpBatch: UdpBatchCounters | undefined;
}

export interface Server {
  readonly addresses: readonly BoundAddress[];
  readonly port: number;
  /** Where /metrics is served, when `metrics` was given (the port as bound: 0 picks one). */
  readonly metrics?: { address: string; port: number };
  readonly stats: ServerStats;
  /** The zones served now. */
  zones(): ZoneSummary[];
  /** Loads, reloads and serves the zones (for zone transfers: snapshots, serial changes). */
  readonly zoneSet: ZoneSet;
  /** Re-reads every zone; see ReloadResult. Rejects only when the zones directory cannot be listed (nothing changes then). */
  reload(): Promise<ReloadResult>;
  /** Stops listening, closes open TCP connections; idempotent. */
  close(): Promise<void>;
}

/**
 * Loads the zones (every one must load: a broken zone rejects with its ZoneLoadError, like
 * named-checkzone at boot), binds UDP and TCP on every address, and serves until close().
 */
export function createServer(options: ServerOptions = {}): Promise<Server> {
  return startServer(options);
}

/** createServer, with the query counts the CLI's tests read. */
export async function startServer(options: ServerOptions): Promise<Server & { queryCounts: { rows(): QueryCountRow[] } }> {
  const logger = options.logger || silentLogger();
  const port = options.port ?? DEFAULTS.port;
  const explicitAddresses = options.addresses !== undefined;
  const addresses = [...(options.addresses ?? DEFAULTS.addresses)];
  checkOptions(addresses, port);
  const workers = workerCount(options);
  const spec: ZoneSpec =
    options.zonesDir === undefined && options.zones === undefined
      ? (options.secondaries?.length ? { zones: [] } : { zonesDir: DEFAULTS.zonesDir }) // a pure secondary needs no zones directory
      : { zonesDir: options.zonesDir, zones: options.zones };
  const limits: TcpLimits = {
    idleTimeoutMs: options.tcpIdleTimeoutMs ?? DEFAULTS.tcpIdleTimeoutMs,
    messageTimeoutMs: options.tcpMessageTimeoutMs ?? DEFAULTS.tcpMessageTimeoutMs,
    maxConnections: options.maxTcpConnections ?? DEFAULTS.maxTcpConnections,
    maxConnectionsPerClient: options.maxTcpConnectionsPerClient ?? DEFAULTS.maxTcpConnectionsPerClient,
    clientPrefixV4: options.tcpClientPrefixV4 ?? DEFAULTS.tcpClientPrefixV4,
    clientPrefixV6: options.tcpClientPrefixV6 ?? DEFAULTS.tcpClientPrefixV6,
    maxPipelined: options.maxPipelined ?? DEFAULTS.maxPipelined,
    maxBufferedBytes: DEFAULTS.maxTcpBufferedBytes,
    writeHighWaterBytes: DEFAULTS.tcpWriteHighWaterBytes,
  };
  for (const [name, value] of Object.entries(limits)) {
    if (!Number.isInteger(value) || value <= 0) throw new RangeError(`${name} must be a positive integer, not ${value}`);
  }
  if (limits.clientPrefixV4 > 32) throw new RangeError(`tcpClientPrefixV4 must be 1..32, not ${limits.clientPrefixV4}`);
  if (limits.clientPrefixV6 > 128) throw new RangeError(`tcpClientPrefixV6 must be 1..128, not ${limits.clientPrefixV6}`);
  const queryLog = options.queryLog ?? DEFAULTS.queryLog;
  const rrl = rateLimiter(options);
  const keyring = new TsigKeyring((options.tsigKeys ?? []).map((k) => (typeof k === 'string' ? parseTsigKey(k) : k)));
  const transferRules: TransferRule[] = (options.allowTransfer ?? []).map(parseTransferRule);
  for (const rule of transferRules) {
    if (rule.key !== undefined && !keyring.get(rule.key)) throw new RangeError(`--allow-transfer ${rule.text}: no TSIG key named ${rule.key}`);
  }
  const identity = serverIdentity(options);
  const cookieSecrets = options.cookies ?? DEFAULTS.cookies ? new CookieSecrets(DEFAULTS.cookieSecretSeconds, nowSeconds()) : undefined;
  // One context reused for every query: respond() is synchronous and keeps nothing of it.
  const cookieContext = cookieSecrets && { secrets: cookieSecrets.at(nowSeconds()), now: 0, address: '' };
  const extras: RespondExtras = { identity, cookies: cookieContext };
  const notifyTargets = (options.notify ?? []).map(parseNotifyTarget);
  for (const target of notifyTargets) {
    if (target.key !== undefined && !keyring.get(target.key)) throw new RangeError(`--notify ${target.text}: no TSIG key named ${target.key}`);
  }
  const notifier = new Notifier(notifyTargets, keyring, logger);
  // Spoofed signed queries must not flood the log: at most 10 tsig-rejected lines a second, the next one counting those left out.
  const tsigLogBudget = logBudget(10);

  const metricsAt = options.metrics === undefined ? undefined : parseMetricsAddress(options.metrics);
  const zoneLoads = { loaded: 0, failed: 0 };
  const loadMs = new Map<string, number>();
  let pool: WorkerPool | undefined; // --workers: the other answering threads (started once we listen)

  // Initial load: all or nothing. Reloads run in a worker and swap in a new catalog, and with it
  // an empty answer cache; the zone set also serves what compose adds (secondaries, catalog zone).
  const zoneSet = await ZoneSet.open(spec, {
    logger,
    serialCheck: options.serialCheck ?? DEFAULTS.serialCheck,
    reloadTimeoutMs: options.reloadTimeoutMs ?? DEFAULTS.reloadTimeoutMs,
    compose: (files) => {
      const candidate = catalogFor([...files, ...secondaryCopies()]);
      return [...files, ...secondaryCopies(), ...(candidate ? [candidate] : [])];
    },
    onSwap: (next, zones) => {
      catalog = next;
      answers = new AnswerCache(next, { sources: rrl !== undefined }); // none of the old zones' encoded replies; RRL counts by each answer's source
      pool?.invalidate(); // nor the workers' kept replies
      versions = versionsOf(zones); // transfers under way keep the version they started with
      installCatalog(zones.find((z) => catalogName !== undefined && canonicalName(z.origin) === canonicalName(catalogName)));
      unanswerable = [...secondaries.values()].filter((z) => z.expired || !z.current);
    },
    onLoaded: (zone, ms) => {
      zoneLoads.loaded++;
      loadMs.set(zone.origin, ms);
    },
    onFailed: () => zoneLoads.failed++,
  });
  const served = { values: () => zoneSet.loaded().values() };
  const journal = new ZoneJournal({ dir: options.journalDir, logger });
  // Secondary zones: their copies on disk are served from the start; the primaries are asked once we listen.
  const secondaries = new Map<string, SecondaryZone>();
  const secondaryCopies = () => [...secondaries.values()].flatMap((z) => (z.current ? [z.current] : []));
  let unanswerable: SecondaryZone[] = []; // expired, or never transferred: SERVFAIL (RFC 1035 §4.3.5)
  // The catalog zone (RFC 9432) listing every other zone served, when --catalog names one.
  const catalogName = options.catalog === undefined ? undefined : parseName(options.catalog.endsWith('.') ? options.catalog : `${options.catalog}.`);
  let catalogVersion: LoadedZone | undefined;
  const catalogFor = (zones: Iterable<LoadedZone>) => (catalogName === undefined ? undefined : nextCatalog(catalogName, catalogVersion, [...zones].map((z) => z.origin), nowSeconds()));
  /** Makes `candidate` the catalog zone served; a new version is journaled and announced. */
  const installCatalog = (candidate: LoadedZone | undefined) => {
    if (!candidate || candidate === catalogVersion) return;
    const previous = catalogVersion;
    catalogVersion = candidate;
    logger.info({ event: 'catalog-updated', zone: candidate.origin, serial: candidate.serial, members: candidate.records.length - 3 }, `catalog zone ${candidate.origin}: serial ${candidate.serial}, ${candidate.records.length - 3} member(s)`);
    if (previous) announce(candidate, previous);
  };
  /**
   * A zone has a new serial: the difference from the previous version goes into the journal (in
   * slices, RFC 1995 §4), and once IXFR can send it the secondaries are told (RFC 1996 §3.5).
   */
  function announce(zone: LoadedZone, previous: LoadedZone | undefined): void {
    const recorded = previous ? journal.record(previous, zone) : Promise.resolve();
    void recorded.then(() => notifier.notify(zone.origin, apexSoa(zone)));
  }
  const extraZones = () => [...secondaryCopies(), ...(catalogVersion ? [catalogVersion] : [])];
  const onSecondaryUpdate = (zone: LoadedZone, previous: LoadedZone | undefined) => {
    if (closing) return;
    zoneSet.refresh();
    announce(zone, previous);
  };
  for (const text of options.secondaries ?? []) {
    const zone = new SecondaryZone(parseSecondarySpec(text), {
      dir: options.secondaryDir ?? DEFAULT_SECONDARY_DIR,
      keys: keyring,
      logger,
      onUpdate: onSecondaryUpdate,
      onExpiry: () => {
        unanswerable = [...secondaries.values()].filter((z) => z.expired || !z.current);
        pool?.invalidate(); // the workers' kept replies for it end here too (SERVFAIL, RFC 1035 §4.3.5)
      },
    });
    const key = canonicalName(zone.origin);
    if (secondaries.has(key) || [...served.values()].some((z) => canonicalName(z.origin) === key)) throw new RangeError(`--secondary ${text}: zone ${zone.origin} is served twice`);
    secondaries.set(key, zone);
  }
  for (const zone of secondaries.values()) await zone.load();
  if (catalogName && [...served.values()].some((z) => canonicalName(z.origin) === canonicalName(catalogName))) throw new RangeError(`--catalog ${catalogName}: a zone of that name is served already`);
  let catalog!: Catalog;
  let answers!: AnswerCache;
  let versions!: ReturnType<typeof versionsOf>;
  zoneSet.refresh(); // the first catalog: the files' zones, the secondaries' copies, the catalog zone
  await Promise.all(versions.all().map((zone) => journal.open(zone)));
  zoneSet.onChange((change) => {
    if (change.kind === 'removed') {
      if (!versions.current(change.origin)) journal.forget(change.origin);
      return;
    }
    announce(change.zone, change.previous); // the difference IXFR will send (RFC 1995 §4), then NOTIFY (RFC 1996 §3.5)
  });

  const stats: ServerStats = {
    queries: { udp: 0, tcp: 0 },
    outcomes: { answered: 0, formerr: 0, notimp: 0, refused: 0, badvers: 0, dropped: 0 },
    errors: 0,
    tcp: tcpCounters(),
    rrl: rrl?.counters ?? rrlCounters(),
    cookies: { clientOnly: 0, valid: 0, invalid: 0 },
    zoneLoads,
    get answerCache() {
      return { hits: answers.counters.hits, misses: answers.counters.misses, entries: answers.size, bytes: answers.bytes };
    },
    get udpBatch() {
      return sumUdpBatch(listeners);
    },
  };
  const queryCounts = new QueryCounts();
  const cookieCounts = { 'client-only': 'clientOnly', valid: 'valid', invalid: 'invalid' } as const;

  // Set by handle(): the RCODE when its reply came from the zones unchanged for an unsigned query (a worker may keep it), else -1.
  let fromZones = -1;
  const handle = (received: Uint8Array, client: Client): Uint8Array | ReplyStream | undefined => {
    stats.queries[client.transport]++;
    fromZones = -1;
    try {
      const now = nowSeconds();
      const gate = checkSignedQuery(received, keyring, now);
      if (gate.kind === 'rejected') {
        stats.outcomes[gate.outcome.kind]++;
        queryCounts.add(client.transport, gate.outcome.qtype, gate.outcome.rcode);
        if (tsigLogBudget.take(performance.now())) {
          logger.info({ event: 'tsig-rejected', client: hostPort(client.address, client.port), transport: client.transport, reason: gate.outcome.reason, unlogged: tsigLogBudget.skipped }, `query from ${hostPort(client.address, client.port)} rejected: ${gate.outcome.reason}`);
          tsigLogBudget.skipped = 0;
        }
        return gate.outcome.reply;
      }
      const query = gate.kind === 'signed' ? gate.query : received;
      const signing = gate.kind === 'signed' ? { key: gate.key, mac: gate.mac, clock: nowSeconds } : undefined;
      if (secondaries.size > 0) {
        const notify = answerNotify(query, client.address, gate.kind === 'signed' ? gate.keyName : undefined, secondaries);
        if (notify) {
          stats.outcomes[notify.outcome.kind]++;
          if (notify.zone) notify.zone.notified(notify.serial);
          else logger.info({ event: 'notify-refused', client: hostPort(client.address, client.port), reason: notify.outcome.reason }, `NOTIFY from ${hostPort(client.address, client.port)} refused: ${notify.outcome.reason}`);
          const r = notify.outcome.reply;
          return r && gate.kind === 'signed' ? signReply(r, gate, now, 65535) : r;
        }
        if (unanswerable.length > 0) {
          const failed = servfailIfUnanswerable(query, unanswerable, catalog);
          if (failed) {
            stats.outcomes.answered++;
            return gate.kind === 'signed' ? signReply(failed, gate, now, 512) : failed;
          }
        }
      }
      const transfer = answerTransfer(query, client.transport, client.address, signing, { versions, rules: transferRules, journal });
      if (transfer) {
        stats.outcomes[transfer.outcome.kind]++;
        queryCounts.add(client.transport, transfer.outcome.qtype, transfer.outcome.rcode);
        const level = transfer.log.kind === 'refused' || transfer.log.kind === 'notauth' ? 'warn' : 'info';
        logger[level]({ event: 'transfer', client: hostPort(client.address, client.port), transport: client.transport, key: gate.kind === 'signed' ? gate.keyName : undefined, ...transfer.log }, `${transfer.log.kind} ${transfer.log.zone} to ${hostPort(client.address, client.port)}${transfer.log.reason ? `: ${transfer.log.reason}` : ''}`);
        if (transfer.stream) return transfer.stream;
        const reply = transfer.outcome.reply;
        return reply && gate.kind === 'signed' && transfer.log.kind !== 'IXFR' && transfer.log.kind !== 'IXFR-SOA' ? signReply(reply, gate, now, 65535) : reply;
      }
      if (cookieContext) {
        cookieContext.secrets = cookieSecrets!.at(now);
        cookieContext.now = now;
        cookieContext.address = client.address;
      }
      const outcome = answers.respond(query, client.transport, extras);
      stats.outcomes[outcome.kind]++;
      queryCounts.add(client.transport, outcome.qtype, outcome.reply ? outcome.rcode : undefined);
      if (outcome.cookie) stats.cookies[cookieCounts[outcome.cookie]]++;
      if (queryLog) logQuery(logger, outcome, client);
      else if (outcome.kind === 'dropped') logger.debug({ event: 'dropped', client: hostPort(client.address, client.port), transport: client.transport, reason: outcome.reason }, 'query dropped');
      const reply = rrl && client.transport === 'udp' && outcome.reply ? rateLimited(rrl, outcome, client, () => badCookieReply(query, extras)) : outcome.reply;
      if (outcome.kind === 'answered' && gate.kind === 'unsigned' && reply === outcome.reply) fromZones = outcome.rcode!;
      if (!reply || gate.kind !== 'signed') return reply;
      return signReply(reply, gate, now, replySizeLimit(decode(query).edns, client.transport));
    } catch (err) {
      stats.errors++;
      logger.error({ event: 'query-error', err, client: hostPort(client.address, client.port), transport: client.transport }, 'answering a query failed');
      return servfailReply(received); // RFC 8906 §3.1: a bug in the answer code still gets SERVFAIL, not silence
    }
  };
  // UDP never gets a stream: transfers over UDP are single replies.
  const handleUdp = (query: Uint8Array, client: Client): Uint8Array | undefined => {
    const reply = handle(query, client);
    return reply instanceof Uint8Array ? reply : undefined;
  };
  const hook = options.hook;
  // Chosen once: a server without a hook runs its handlers itself, with no per-query test for one.
  const udpHandler: QueryHandler = hook ? (query, client) => hook(query, client, () => handleUdp(query, client)) : handleUdp;
  // The UDP fast path (issue 17): a query of the plain shape (QUERY, one question, no TSIG, no
  // EDNS options: answerInto() checks) whose reply the cache holds is answered straight into the
  // send slot, with the counters handle() would keep; no NOTIFY, transfer or TSIG reply is ever
  // cached. Everything else, and every miss, takes handle(). Off with a query log or response
  // rate limiting (they need handle()'s Outcome), and while a secondary zone cannot be answered.
  const slowSlot = slotHandlerOf(handleUdp);
  const fastPath = !queryLog && !rrl;
  const answerSlot: SlotHandler = (query, length, peer, out) => {
    if (fastPath && unanswerable.length === 0) {
      const n = answerFromCache(answers, query, length, out, stats, queryCounts);
      if (n !== MISS) return n;
    }
    return slowSlot(query, length, peer, out);
  };
  const tcpHandler: TcpQueryHandler = hook ? hookedTcp(hook, handle) : handle;
  const onSocketError = (err: Error) => logger.error({ event: 'socket-error', err }, 'socket error');
  const udpPath = chooseUdpPath((options.udpBatch ?? DEFAULTS.udpBatch) && !hook);
  if (workers > 1 && udpPath.path !== 'recvmmsg') throw new RangeError(`workers: ${workers} needs the native UDP addon (its threads share the UDP sockets), and UDP is via node:dgram here (${udpPath.reason})`);
  logger.info({ event: 'udp-path', path: udpPath.path, reason: udpPath.reason }, `UDP via ${udpPath.path} (${udpPath.reason})`);
  // node:dgram for a scoped (link-local %zone) address: the addon takes plain literals only.
  const listenUdpOn = (address: string, p: number) =>
    udpPath.path === 'recvmmsg' && !address.includes('%')
      ? listenUdpBatch({ address, port: p, slotHandler: answerSlot, onError: onSocketError })
      : listenUdp({ address, port: p, handler: udpHandler, onError: onSocketError });
  const table = new ConnectionTable(limits, stats.tcp);

  const { listeners, skipped } = await bindAll({
    addresses,
    port,
    tcp: options.tcp ?? DEFAULTS.tcp,
    explicitAddresses,
    bind: (transport, address, p) =>
      transport === 'udp'
        ? listenUdpOn(address, p)
        : listenTcp({ address, port: p, handler: tcpHandler, limits, table, onError: onSocketError }),
  });
  for (const s of skipped) {
    logger.warn({ event: 'address-skipped', address: s.address, code: s.code }, `not listening on ${s.address} (${s.code}): this machine lacks it; pass --address to choose`);
  }
  for (const l of listeners) logger.info({ event: 'listening', address: l.address, port: l.port, transport: l.transport }, `listening on ${hostPort(l.address, l.port)} ${l.transport}`);

  let closing: Promise<void> | undefined;
  if (workers > 1) {
    // The addon's sockets (a scoped %zone address is node:dgram's, served by this thread alone).
    const udp = listeners.filter((l): l is BatchListener => l.transport === 'udp' && typeof (l as Partial<BatchListener>).fd === 'number');
    const forwarded = relay({
      answer: (query, client) => {
        const reply = handleUdp(query, client);
        return { reply, keep: fromZones };
      },
      sendMany: (socket, frame) => void udp[socket]?.sendMany(frame, frame.length),
    });
    // The workers keep nothing when every query must reach one place: RRL's counts, the query log.
    const forwardAll = rrl !== undefined || queryLog;
    const cache = { entries: ANSWER_CACHE_ENTRIES, bytes: ANSWER_CACHE_BYTES };
    try {
      pool = await WorkerPool.start(
        workers - 1,
        (index, restart, generation, relayed) => ({ index, restart, sockets: udp.map((l) => ({ address: l.address, port: l.port, fd: l.fd })), cache, forwardAll, generation, relayed, logLevel: logger.level }),
        forwarded,
        logger,
        (err) => {
          // Never a half-dead server: a worker that cannot be kept running stops them all, exit status 1.
          logger.fatal({ event: 'workers-failed', err }, `${err.message}; stopping`);
          process.exitCode = 1;
          void close();
        },
      );
    } catch (err) {
      await Promise.all([...listeners.map((l) => l.close()), zoneSet.close()]);
      throw err;
    }
    logger.info({ event: 'workers', workers }, `${workers} answering threads (main + ${workers - 1} workers) reading the same UDP sockets`);
  }
  const publicStats = pool ? mergedStats(stats, () => pool!.counts(), () => pool!.threads(), () => pool!.relayed()) : stats;
  const allQueryCounts = pool ? { rows: () => sumRows([queryCounts.rows(), ...pool!.counts().map((c) => c.queryCounts)]) } : queryCounts;

  let metrics: MetricsEndpoint | undefined;
  if (metricsAt) {
    try {
      metrics = await startMetrics(metricsAt, {
        queryCounts: allQueryCounts,
        outcomes: () => publicStats.outcomes,
        errors: () => publicStats.errors,
        rrl: () => publicStats.rrl,
        tcp: () => publicStats.tcp,
        cookies: () => publicStats.cookies,
        zones: () => [...served.values()].map((z) => ({ ...summarize(z), loadMs: loadMs.get(z.origin) })),
        zoneLoads: () => zoneLoads,
        answerCache: () => publicStats.answerCache,
        udpBatch: () => publicStats.udpBatch,
        threads: () => publicStats.threads,
      });
    } catch (err) {
      await Promise.all([...listeners.map((l) => l.close()), pool?.close()]);
      throw err;
    }
    logger.info({ event: 'metrics', address: metrics.address, port: metrics.port }, `metrics on http://${hostPort(metrics.address, metrics.port)}/metrics`);
  }

  for (const zone of secondaries.values()) zone.begin();
  function close(): Promise<void> {
    closing ??= (async () => {
      notifier.close();
      for (const z of secondaries.values()) z.close();
      table.destroyAll();
      await Promise.all([...listeners.map((l) => l.close()), metrics?.close(), zoneSet.close(), pool?.close()]);
      logger.info({ event: 'stopped' }, 'stopped');
    })();
    return closing;
  }

  return {
    addresses: listeners.map((l) => ({ address: l.address, port: l.port, family: l.family, transport: l.transport })),
    port: listeners[0].port,
    metrics: metrics && { address: metrics.address, port: metrics.port },
    stats: publicStats,
    queryCounts,
    zoneSet,
    zones: () => zoneSet.zones(),
    reload() {
      if (closing) return Promise.reject(new Error('server is closed'));
      if (!pool) return zoneSet.reload();
      return zoneSet.reload().then((result) => {
        // The swap has invalidated every worker's kept replies already: their next query sees the new zones.
        logger.info({ event: 'workers-reloaded', workers }, `reload done in all ${workers} answering threads`);
        return result;
      });
    },
    close,
  };
}

/** How many answering threads: 1 unless `workers` says more; checked against what threads cannot share. */
function workerCount(options: ServerOptions): number {
  const asked = options.workers ?? DEFAULTS.workers;
  const n = asked === 'auto' ? availableParallelism() : asked;
  if (!Number.isInteger(n) || n < 1 || n > 256) throw new RangeError(`workers must be an integer from 1 to 256 or 'auto', not ${String(asked)}`);
  if (n === 1) return 1;
  if (options.hook) throw new RangeError(`workers: ${n} cannot run a query hook (a function stays in one thread)`);
  return n;
}

/** The addon's counters summed over the UDP sockets that have them. */
function sumUdpBatch(listeners: readonly Listener[]): UdpBatchCounters | undefined {
  let sum: UdpBatchCounters | undefined;
  for (const l of listeners) {
    const c = l.counters?.();
    if (!c) continue;
    sum ??= { received: 0, sent: 0, droppedSends: 0, receiveErrors: 0, handlerErrors: 0 };
    for (const k of Object.keys(sum) as (keyof UdpBatchCounters)[]) sum[k] += c[k];
  }
  return sum;
}

/** The served zones as transfers see them: each a snapshot that is never changed. */
function versionsOf(zones: Iterable<LoadedZone>): ZoneVersions & { all(): LoadedZone[] } {
  const byOrigin = new Map<string, LoadedZone>();
  for (const z of zones) byOrigin.set(canonicalName(z.origin), z);
  return { current: (origin): ZoneVersion | undefined => byOrigin.get(canonicalName(origin)), all: () => [...byOrigin.values()] };
}

/** At most `perSecond` log lines a second; `skipped` counts the lines left out since the last one logged. */
function logBudget(perSecond: number): { take(now: number): boolean; skipped: number } {
  let windowStart = 0;
  let used = 0;
  const budget = {
    skipped: 0,
    take(now: number): boolean {
      if (now - windowStart >= 1000) {
        windowStart = now;
        used = 0;
      }
      if (used < perSecond) {
        used++;
        return true;
      }
      budget.skipped++;
      return false;
    },
  };
  return budget;
}

/** Where secondary zones' copies go when `secondaryDir` is not given (relative to the working directory). */
const DEFAULT_SECONDARY_DIR = 'secondary';

/** SERVFAIL for a name whose deepest zone is a secondary that expired or was never transferred. */
function servfailIfUnanswerable(query: Uint8Array, zones: readonly SecondaryZone[], catalog: Catalog): Uint8Array | undefined {
  let m;
  try {
    m = decode(query);
  } catch {
    return undefined;
  }
  const q = m.questions[0];
  if (m.opcode !== 0 || !q) return undefined;
  const served = catalog.findZone(q.name);
  for (const z of zones) {
    if (!isSubdomain(q.name, z.origin)) continue;
    // A served zone below the secondary still answers for its names.
    if (served && served.key !== canonicalName(z.origin) && isSubdomain(served.origin, z.origin)) continue;
    return encodeMessage({ id: m.id, flags: { qr: true, rd: m.flags.rd }, rcode: Rcode.SERVFAIL, questions: [q], edns: m.edns && { version: 0, udpPayloadSize: 1232, do: m.edns.do, flags: 0, options: [] } }).bytes;
  }
  return undefined;
}

/** The hook over TCP: a transfer's stream of replies passes by it unchanged. */
function hookedTcp(hook: QueryHook, handle: (query: Uint8Array, client: Client) => Uint8Array | ReplyStream | undefined): TcpQueryHandler {
  return (query, client) => {
    let stream: ReplyStream | undefined;
    const reply = hook(query, client, () => {
      const answer = handle(query, client);
      if (answer === undefined || answer instanceof Uint8Array) return answer;
      stream = answer;
      return undefined;
    });
    return stream ?? reply;
  };
}

/** Which UDP transport serves, and why: the batching addon unless it is missing or turned off. */
function chooseUdpPath(wanted: boolean): { path: 'recvmmsg' | 'dgram'; reason: string } {
  if (!wanted) return { path: 'dgram', reason: 'udpBatch: false, or a query hook' };
  if (process.env.PORT53_UDP_BATCH === '0') return { path: 'dgram', reason: 'PORT53_UDP_BATCH=0' };
  if (!udpBatchAddon()) return { path: 'dgram', reason: udpBatchMissing() };
  return { path: 'recvmmsg', reason: 'native addon' };
}

function rateLimiter(options: ServerOptions): RateLimiter | undefined {
  const rate = options.rrlRate ?? DEFAULTS.rrlRate;
  const slip = options.rrlSlip ?? DEFAULTS.rrlSlip;
  const window = options.rrlWindow ?? DEFAULTS.rrlWindow;
  if (!Number.isInteger(rate) || rate < 0) throw new RangeError(`rrlRate must be a non-negative integer, not ${rate}`);
  if (!Number.isInteger(slip) || slip < 0 || slip > 10) throw new RangeError(`rrlSlip must be an integer from 0 to 10, not ${slip}`);
  if (!Number.isInteger(window) || window < 1 || window > 3600) throw new RangeError(`rrlWindow must be an integer from 1 to 3600 seconds, not ${window}`);
  return rate === 0 ? undefined : new RateLimiter({ rate, slip, window, maxEntries: DEFAULTS.rrlMaxEntries });
}

/**
 * The reply, its truncated form, or nothing, as the rate limiter decides. A query that carried a
 * client cookie slips as BADCOOKIE with a fresh server cookie instead of TC=1 (as BIND does): the
 * client retries over UDP with the cookie, and a valid cookie is never limited.
 */
function rateLimited(rrl: RateLimiter, outcome: Outcome, client: Client, badCookie: () => Uint8Array | undefined): Uint8Array | undefined {
  // A server cookie we made proves the source address is the client's (RFC 7873 §5.2.5): not spoofed, so not limited, as BIND does.
  if (outcome.cookie === 'valid') return outcome.reply;
  const verdict = rrl.check(client.address, responseCategory(outcome), performance.now());
  if (verdict === 'send') return outcome.reply;
  if (verdict !== 'slip') return undefined;
  return (outcome.cookie && badCookie()) || truncatedReply(outcome.reply!);
}

function checkOptions(addresses: readonly string[], port: number): void {
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new RangeError(`port ${port} is not 0..65535`);
  if (addresses.length === 0) throw new RangeError('no address to listen on');
  for (const a of addresses) if (isIP(a) === 0) throw new TypeError(`${a} is not an IPv4 or IPv6 address`);
}


function logQuery(logger: Logger, outcome: Outcome, client: Client): void {
  const from = hostPort(client.address, client.port);
  const rcode = outcome.rcode === undefined ? undefined : rcodeToString(outcome.rcode);
  const size = outcome.reply?.length ?? 0;
  logger.info(
    { event: 'query', client: from, transport: client.transport, qname: outcome.qname, qtype: outcome.qtype, rcode, kind: outcome.kind, size },
    `query ${from} ${client.transport} ${outcome.qname ?? '-'} ${outcome.qtype ?? '-'} ${rcode ?? outcome.kind} ${size}`,
  );
}
