import { readFileSync } from 'node:fs';
import { isIP } from 'node:net';
import { parseName, parseTsigKey, TextError, TsigKeyError, type TsigKey } from '@port53/wire';
import yargs from 'yargs';
import { DEFAULTS, LOG_LEVELS, type LogLevel } from './defaults.js';
import { createLogger, type Logger } from './log.js';
import { serverIdentity } from './identity-config.js';
import { parseMetricsAddress } from './metrics/endpoint.js';
import { dropPrivileges, PrivilegeError, resolveCredentials, ROOT_WARNING, unreadable, type Credentials } from './privileges.js';
import { createServer, type Server, type ServerOptions } from './server.js';
import { BindError } from './transport/bind-error.js';
import { parseTransferRule, TransferRuleError } from './transfer/acl.js';
import { NotifyTargetError, parseNotifyTarget } from './transfer/notify.js';
import { parseSecondarySpec, SecondarySpecError } from './transfer/secondary.js';
import { ZoneLoadError } from './zonefile/index.js';
import { listZones, loadZones, ZoneDirectoryError, type ZoneSpec } from './zone-set.js';

/** A bad command line: printed as one line, exit status 1. */
class UsageError extends Error {}

interface Io {
  out: (line: string) => void;
  err: (line: string) => void;
}

const io: Io = {
  out: (line) => process.stdout.write(`${line}\n`),
  err: (line) => process.stderr.write(`${line}\n`),
};

interface Args {
  spec: ZoneSpec;
  addresses?: string[];
  port: number;
  tcp: boolean;
  udpBatch: boolean;
  logLevel: LogLevel;
  queryLog: boolean;
  rrlRate: number;
  rrlSlip: number;
  identity?: string;
  versionString?: string;
  nsid?: string;
  cookies: boolean;
  user?: Credentials;
  metrics?: string;
  serialCheck: boolean;
  reloadTimeoutMs: number;
  tcpLimits: TcpArgs;
  check: boolean;
  tsigKeys: TsigKey[];
  allowTransfer: string[];
  notify: string[];
  journal?: string;
  secondaries: string[];
  secondaryDir?: string;
  catalog?: string;
  workers: number | 'auto';
}

/** The TCP limits the command line sets (see ServerOptions). */
interface TcpArgs {
  tcpIdleTimeoutMs: number;
  tcpMessageTimeoutMs: number;
  maxTcpConnections: number;
  maxTcpConnectionsPerClient: number;
  tcpClientPrefixV4: number;
  tcpClientPrefixV6: number;
  maxPipelined: number;
}

/**
 * `port53d [options]`. Serves until SIGTERM/SIGINT (SIGHUP reloads the zones); sets
 * process.exitCode rather than exiting, so pending log lines and replies are flushed.
 */
export async function main(argv: string[]): Promise<void> {
  let args: Args | 'done';
  try {
    args = await parseArgs(argv);
  } catch (err) {
    io.err(`port53d: ${err instanceof UsageError ? err.message : String(err)} (see port53d --help)`);
    process.exitCode = 1;
    return;
  }
  if (args === 'done') return;
  if (args.check) {
    process.exitCode = await check(args.spec);
    return;
  }
  await serve(args);
}

async function parseArgs(argv: string[]): Promise<Args | 'done'> {
  const parser = yargs(argv)
    .scriptName('port53d')
    .usage('$0 [options]\n\nAn authoritative DNS server answering from RFC 1035 zone files.')
    // --help and --version are handled here, so that yargs never exits the process.
    .help(false)
    .version(false)
    .option('zones', { type: 'string', requiresArg: true, describe: `Serve every *.zone file in DIR (default ./${DEFAULTS.zonesDir} unless --zone is given)` })
    .option('zone', { type: 'string', array: true, requiresArg: true, describe: 'Serve FILE as zone ORIGIN, written ORIGIN=FILE (repeatable)' })
    .option('address', { type: 'string', array: true, requiresArg: true, describe: `Listen on this address (repeatable; default ${DEFAULTS.addresses.join(' and ')})` })
    .option('port', { type: 'string', requiresArg: true, describe: `UDP and TCP port (default ${DEFAULTS.port}; 0 picks a free one)` })
    .option('tcp', { type: 'boolean', default: DEFAULTS.tcp, describe: 'Also listen on TCP (--no-tcp: UDP only)' })
    .option('udp-batch', { type: 'boolean', default: DEFAULTS.udpBatch, describe: 'Batch UDP with recvmmsg/sendmmsg when the native addon is built (--no-udp-batch: node:dgram)' })
    .option('log-level', { type: 'string', choices: LOG_LEVELS, default: DEFAULTS.logLevel, describe: 'Log threshold; logs are JSON on stderr, readable text on a terminal' })
    .option('query-log', { type: 'boolean', default: DEFAULTS.queryLog, describe: 'Log every query (client, name, type, rcode, size)' })
    .option('rrl-rate', { type: 'string', requiresArg: true, describe: `Response rate limit: UDP replies per second per client /24 (IPv6 /56) and answer (default ${DEFAULTS.rrlRate}: off)` })
    .option('rrl-slip', { type: 'string', requiresArg: true, describe: `Of the replies over the rate, send every Nth truncated (TC=1, so clients retry over TCP) and drop the rest; 0 drops all (default ${DEFAULTS.rrlSlip})` })
    .option('tsig-key', { type: 'string', array: true, requiresArg: true, describe: 'TSIG key ALG:NAME:SECRET, as dig -y (repeatable; ALG hmac-sha256, hmac-sha512, hmac-sha1, ...; SECRET base64)' })
    .option('allow-transfer', { type: 'string', array: true, requiresArg: true, describe: 'Allow AXFR/IXFR from ADDR[/PREFIX][@KEYNAME] (repeatable; default: nobody)' })
    .option('identity', { type: 'string', requiresArg: false, describe: 'CH TXT id.server and hostname.bind answer (default the host name; "" hides them: REFUSED)' })
    .option('version-string', { type: 'string', requiresArg: false, describe: 'CH TXT version.bind and version.server answer (default "port53d VERSION"; "" hides them)' })
    .option('nsid', { type: 'string', requiresArg: true, describe: 'NSID (RFC 5001) for queries that ask: ascii_TEXT, hex digits or 0xHEX as in NSD and Knot (default none)' })
    .option('metrics', { type: 'string', requiresArg: true, describe: 'Serve Prometheus metrics at http://ADDR:PORT/metrics (e.g. 127.0.0.1:9153; default off)' })
    .option('user', { type: 'string', requiresArg: true, describe: 'After binding, drop root to USER[:GROUP] (supplementary groups cleared), as NSD and Knot do' })
    .option('cookies', { type: 'boolean', default: DEFAULTS.cookies, describe: 'Answer DNS cookies (RFC 7873/9018; --no-cookies: ignore them)' })
    .option('notify', { type: 'string', array: true, requiresArg: true, describe: 'Send NOTIFY to ADDR[:PORT][@KEYNAME] when a zone\'s serial changes (repeatable; port 53 by default)' })
    .option('secondary', { type: 'string', array: true, requiresArg: true, describe: 'Serve zone ORIGIN as a secondary of the primary ADDR[:PORT][@KEYNAME], written ORIGIN=ADDR[:PORT][@KEYNAME] (repeatable)' })
    .option('secondary-dir', { type: 'string', requiresArg: true, describe: 'Keep the secondary zones\' copies in DIR (default ./secondary)' })
    .option('catalog', { type: 'string', requiresArg: true, describe: 'Serve a catalog zone (RFC 9432) named NAME listing every other zone, for secondaries that interpret catalogs' })
    .option('journal', { type: 'string', requiresArg: true, describe: 'Keep the IXFR history in files in DIR, so a restart keeps it (default: in memory only)' })
    .option('serial-check', { type: 'boolean', default: DEFAULTS.serialCheck, describe: 'On reload, keep the served version of a changed zone whose SOA serial did not increase (RFC 1982); --no-serial-check loads it anyway' })
    .option('reload-timeout', { type: 'string', requiresArg: true, describe: `Abandon a reload running longer than this many seconds, keeping the served zones (default ${DEFAULTS.reloadTimeoutMs / 1000})` })
    .option('tcp-idle-timeout', { type: 'string', requiresArg: true, describe: `Close a TCP connection idle this many ms; shorter as the connection table fills (default ${DEFAULTS.tcpIdleTimeoutMs})` })
    .option('tcp-message-timeout', { type: 'string', requiresArg: true, describe: `Close a TCP connection when one message takes longer than this many ms to arrive (default ${DEFAULTS.tcpMessageTimeoutMs})` })
    .option('tcp-max-connections', { type: 'string', requiresArg: true, describe: `Open TCP connections in total (default ${DEFAULTS.maxTcpConnections})` })
    .option('tcp-max-per-client', { type: 'string', requiresArg: true, describe: `Open TCP connections per client prefix (default ${DEFAULTS.maxTcpConnectionsPerClient})` })
    .option('tcp-client-prefix-v4', { type: 'string', requiresArg: true, describe: `IPv4 prefix length that counts as one TCP client (default ${DEFAULTS.tcpClientPrefixV4})` })
    .option('tcp-client-prefix-v6', { type: 'string', requiresArg: true, describe: `IPv6 prefix length that counts as one TCP client (default ${DEFAULTS.tcpClientPrefixV6})` })
    .option('tcp-max-pipelined', { type: 'string', requiresArg: true, describe: `Unsent replies per TCP connection before it stops being read (default ${DEFAULTS.maxPipelined})` })
    .option('workers', { type: 'string', requiresArg: true, describe: 'Answering threads reading the same UDP sockets (default 1; auto: one per core); the zones, TCP and every answer not kept by a worker stay on the main thread' })
    .option('check', { type: 'boolean', default: false, describe: 'Check the zone files, print errors as file:line:column, exit 0 or 1' })
    .option('help', { type: 'boolean', alias: 'h', describe: 'Show this help' })
    .option('version', { type: 'boolean', alias: 'v', describe: 'Show the version' })
    .strict()
    .exitProcess(false)
    // Repeated flags accumulate (--zone, --address, --tsig-key, ... are repeatable); for the
    // others the middleware below keeps the last value, as before.
    .parserConfiguration({ 'duplicate-arguments-array': true })
    .middleware((argv) => {
      const repeatable = new Set((parser as unknown as { getOptions(): { array: string[] } }).getOptions().array);
      for (const [k, v] of Object.entries(argv)) if (Array.isArray(v) && !repeatable.has(k) && k !== '_') argv[k] = v.at(-1);
    }, true)
    .wrap(100)
    .fail((msg, err) => {
      // yargs spreads some messages over lines ("Invalid values:\n  Argument: ..."): keep one.
      throw new UsageError((msg || err?.message || 'bad arguments').replace(/\s*\n\s*/g, ' '));
    });
  const parsed = await parser.parseAsync();
  if (parsed.help) {
    io.out(await parser.getHelp());
    return 'done';
  }
  if (parsed.version) {
    io.out(version());
    return 'done';
  }
  const zones = (parsed.zone ?? []).map(parseZoneArg);
  const addresses = parsed.address?.map((a) => {
    if (isIP(a) === 0) throw new UsageError(`--address ${JSON.stringify(a)} is not an IPv4 or IPv6 address`);
    return a;
  });
  // A pure secondary (--secondary, no --zones or --zone) needs no zones directory.
  const pureSecondary = parsed.zones === undefined && zones.length === 0 && (parsed.secondary ?? []).length > 0;
  const spec: ZoneSpec = (parsed.zones === undefined && zones.length > 0) || pureSecondary ? { zones } : { zonesDir: parsed.zones ?? DEFAULTS.zonesDir, zones };
  return {
    spec,
    addresses,
    port: parsePort(parsed.port),
    tcp: parsed.tcp,
    udpBatch: parsed['udp-batch'],
    logLevel: parsed['log-level'] as LogLevel,
    queryLog: parsed['query-log'],
    rrlRate: parseCount('--rrl-rate', parsed['rrl-rate'], DEFAULTS.rrlRate, 1_000_000),
    rrlSlip: parseCount('--rrl-slip', parsed['rrl-slip'], DEFAULTS.rrlSlip, 10),
    identity: parsed.identity,
    versionString: parsed['version-string'],
    nsid: checkNsid(parsed.nsid),
    cookies: parsed.cookies,
    user: parsed.user === undefined ? undefined : usage(() => resolveCredentials(parsed.user!), PrivilegeError, '--user'),
    metrics: parsed.metrics === undefined ? undefined : usage(() => (parseMetricsAddress(parsed.metrics!), parsed.metrics), TypeError, '--metrics'),
    serialCheck: parsed['serial-check'],
    reloadTimeoutMs: parsePositive('--reload-timeout', parsed['reload-timeout'], DEFAULTS.reloadTimeoutMs / 1000, 86_400) * 1000,
    tcpLimits: {
      tcpIdleTimeoutMs: parsePositive('--tcp-idle-timeout', parsed['tcp-idle-timeout'], DEFAULTS.tcpIdleTimeoutMs, 3_600_000),
      tcpMessageTimeoutMs: parsePositive('--tcp-message-timeout', parsed['tcp-message-timeout'], DEFAULTS.tcpMessageTimeoutMs, 3_600_000),
      maxTcpConnections: parsePositive('--tcp-max-connections', parsed['tcp-max-connections'], DEFAULTS.maxTcpConnections, 1_000_000),
      maxTcpConnectionsPerClient: parsePositive('--tcp-max-per-client', parsed['tcp-max-per-client'], DEFAULTS.maxTcpConnectionsPerClient, 1_000_000),
      tcpClientPrefixV4: parsePositive('--tcp-client-prefix-v4', parsed['tcp-client-prefix-v4'], DEFAULTS.tcpClientPrefixV4, 32),
      tcpClientPrefixV6: parsePositive('--tcp-client-prefix-v6', parsed['tcp-client-prefix-v6'], DEFAULTS.tcpClientPrefixV6, 128),
      maxPipelined: parsePositive('--tcp-max-pipelined', parsed['tcp-max-pipelined'], DEFAULTS.maxPipelined, 65_535),
    },
    check: parsed.check,
    tsigKeys: (parsed['tsig-key'] ?? []).map((text) => usage(() => parseTsigKey(text), TsigKeyError, '--tsig-key')),
    allowTransfer: (parsed['allow-transfer'] ?? []).map((text) => usage(() => (parseTransferRule(text), text), TransferRuleError, '--allow-transfer')),
    notify: (parsed.notify ?? []).map((text) => usage(() => (parseNotifyTarget(text), text), NotifyTargetError, '--notify')),
    journal: parsed.journal,
    secondaries: (parsed.secondary ?? []).map((text) => usage(() => (parseSecondarySpec(text), text), SecondarySpecError, '--secondary')),
    secondaryDir: parsed['secondary-dir'],
    workers: parseWorkers(parsed.workers),
    catalog: parsed.catalog === undefined ? undefined : usage(() => (parseName(parsed.catalog!.endsWith('.') ? parsed.catalog! : `${parsed.catalog!}.`), parsed.catalog!), TextError, '--catalog'),
  };
}

/** Runs `parse`, turning its error class into a one-line UsageError. */
function usage<T>(parse: () => T, errorClass: new (...args: never[]) => Error, flag: string): T {
  try {
    return parse();
  } catch (err) {
    if (err instanceof errorClass) throw new UsageError(err.message.startsWith('--') ? err.message : `${flag}: ${err.message}`);
    throw err;
  }
}

function checkNsid(text: string | undefined): string | undefined {
  if (text === undefined) return undefined;
  try {
    serverIdentity({ nsid: text });
  } catch (err) {
    throw new UsageError(`--nsid: ${(err as Error).message}`);
  }
  return text;
}

function parsePort(text: string | undefined): number {
  if (text === undefined) return DEFAULTS.port;
  const port = /^\d{1,5}$/.test(text) ? Number(text) : NaN;
  if (!(port >= 0 && port <= 65535)) throw new UsageError(`--port must be a number from 0 to 65535, not ${JSON.stringify(text)}`);
  return port;
}

function parseWorkers(text: string | undefined): number | 'auto' {
  if (text === undefined) return DEFAULTS.workers;
  if (text === 'auto') return 'auto';
  const n = /^\d{1,3}$/.test(text) ? Number(text) : NaN;
  if (!(n >= 1 && n <= 256)) throw new UsageError(`--workers must be a whole number from 1 to 256 or auto, not ${JSON.stringify(text)}`);
  return n;
}

function parseCount(flag: string, text: string | undefined, fallback: number, max: number): number {
  if (text === undefined) return fallback;
  const n = /^\d{1,7}$/.test(text) ? Number(text) : NaN;
  if (!(n >= 0 && n <= max)) throw new UsageError(`${flag} must be a whole number from 0 to ${max}, not ${JSON.stringify(text)}`);
  return n;
}

function parsePositive(flag: string, text: string | undefined, fallback: number, max: number): number {
  if (text === undefined) return fallback;
  const n = /^\d{1,9}$/.test(text) ? Number(text) : NaN;
  if (!(n >= 1 && n <= max)) throw new UsageError(`${flag} must be a whole number from 1 to ${max}, not ${JSON.stringify(text)}`);
  return n;
}

function parseZoneArg(text: string): { origin: string; file: string } {
  const eq = text.indexOf('=');
  if (eq <= 0 || eq === text.length - 1) throw new UsageError(`--zone needs ORIGIN=FILE, not ${JSON.stringify(text)}`);
  const origin = text.slice(0, eq);
  try {
    parseName(origin);
  } catch (err) {
    throw new UsageError(`--zone ${JSON.stringify(text)}: bad origin: ${(err as Error).message}`);
  }
  return { origin, file: text.slice(eq + 1) };
}

function version(): string {
  const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };
  return pkg.version;
}

/** `--check`: like named-checkzone, one line per zone, errors as file:line:column; exit status 0 or 1. */
async function check(spec: ZoneSpec): Promise<number> {
  let entries;
  try {
    entries = await listZones(spec);
  } catch (err) {
    io.err(`port53d: ${(err as Error).message}`);
    return 1;
  }
  if (entries.length === 0) {
    io.err(`port53d: no *.zone files in ${spec.zonesDir}`);
    return 1;
  }
  let failed = 0;
  for (const r of await loadZones(entries)) {
    if (r.ok) {
      for (const w of r.zone.warnings) io.out(w.message);
      io.out(`zone ${r.zone.origin}/IN: loaded serial ${r.zone.serial}`);
    } else {
      failed++;
      for (const e of [...r.error.errors, ...r.error.warnings]) io.out(e.message);
      io.out(`zone ${r.entry.origin ?? r.entry.file}/IN: not loaded due to errors`);
    }
  }
  io.out(failed === 0 ? 'OK' : `${failed} of ${entries.length} zone files have errors`);
  return failed === 0 ? 0 : 1;
}

async function serve(args: Args): Promise<void> {
  const pretty = process.stderr.isTTY === true;
  const logger = await createLogger({ level: args.logLevel, pretty });
  const options: ServerOptions = {
    ...args.spec,
    addresses: args.addresses,
    port: args.port,
    tcp: args.tcp,
    udpBatch: args.udpBatch,
    logger,
    queryLog: args.queryLog,
    rrlRate: args.rrlRate,
    rrlSlip: args.rrlSlip,
    tsigKeys: args.tsigKeys,
    allowTransfer: args.allowTransfer,
    identity: args.identity,
    version: args.versionString,
    nsid: args.nsid,
    cookies: args.cookies,
    metrics: args.metrics,
    notify: args.notify,
    journalDir: args.journal,
    secondaries: args.secondaries,
    secondaryDir: args.secondaryDir,
    catalog: args.catalog,
    serialCheck: args.serialCheck,
    reloadTimeoutMs: args.reloadTimeoutMs,
    ...args.tcpLimits,
    workers: args.workers,
  };
  // Signals are handled from the start: the 'listening' lines are logged before createServer returns.
  const signals = handleSignals(logger);
  let server: Server;
  try {
    server = await createServer(options);
  } catch (err) {
    signals.detach();
    reportStartError(err, logger, !pretty);
    process.exitCode = 1;
    return;
  }
  try {
    afterBinding(server, args.user, logger);
  } catch (err) {
    signals.detach();
    reportStartError(err, logger, !pretty);
    await server.close();
    process.exitCode = 1;
    return;
  }
  signals.attach(server);
}

/** Sockets are bound: drop root when --user says so (checking the zones stay readable), else warn about root. */
function afterBinding(server: Server, user: Credentials | undefined, logger: Logger): void {
  if (!user) {
    if (process.getuid?.() === 0) logger.warn({ event: 'running-as-root' }, ROOT_WARNING);
    return;
  }
  const result = dropPrivileges(user);
  logger.info({ event: 'privileges', user: user.user, uid: user.uid, gid: user.gid, result }, result === 'dropped' ? `now running as ${user.user} (uid ${user.uid}, gid ${user.gid}), supplementary groups cleared` : `already running as ${user.user}`);
  const files = server.zones().map((z) => z.file);
  for (const file of unreadable(files)) logger.warn({ event: 'zone-unreadable', file, user: user.user }, `${user.user} cannot read ${file}: a reload will fail for it; make it readable (chmod o+r or chgrp)`);
}

/**
 * A fatal start-up error: plain lines on a terminal; JSON log lines (level fatal, event
 * start-failed, the same text in msg) when the logs are JSON, so a log shipper sees why it stopped.
 */
function reportStartError(err: unknown, logger: Logger, json: boolean): void {
  const lines: { text: string; fields: Record<string, unknown> }[] = [];
  if (err instanceof ZoneLoadError) {
    for (const e of err.errors) lines.push({ text: e.message, fields: { code: e.code, file: e.file, line: e.line, column: e.column } });
    const files = new Set(err.errors.map((e) => e.file)).size;
    lines.push({ text: `port53d: not starting: ${files} zone file${files === 1 ? ' has' : 's have'} errors`, fields: { code: 'ZONE_ERRORS' } });
  } else if (err instanceof BindError || err instanceof ZoneDirectoryError || err instanceof PrivilegeError) {
    lines.push({ text: `port53d: ${err.message}`, fields: { code: (err as { code?: string }).code } });
  } else {
    logger.debug({ err }, 'start-up failed');
    lines.push({ text: `port53d: ${err instanceof Error ? err.message : String(err)}`, fields: { code: (err as { code?: string })?.code } });
  }
  for (const l of lines) {
    if (json) logger.fatal({ event: 'start-failed', ...l.fields }, l.text);
    else io.err(l.text);
  }
}

/** SIGHUP reloads; SIGTERM and SIGINT close and exit 0 (also when they arrive while starting). */
function handleSignals(logger: Logger): { attach(server: Server): void; detach(): void } {
  let server: Server | undefined;
  let stopping = false;
  const reload = () => {
    logger.info({ event: 'signal', signal: 'SIGHUP' }, 'SIGHUP: reloading zones');
    if (!server) return; // still loading: the zones being loaded are as fresh as a reload's
    // The server logs each zone and the summary; a failure keeps the old zones.
    server.reload().catch(() => undefined);
  };
  const stop = (signal: NodeJS.Signals) => {
    logger.info({ event: 'signal', signal }, `${signal}: shutting down`);
    stopping = true;
    detach(); // a second signal now gets the default action: immediate exit
    if (server) close(server);
    // Still loading the zones: nothing is served or half-written yet, so stop now.
    else process.exit(0);
  };
  const close = (s: Server) => {
    s.close().then(
      () => {
        process.exitCode = 0;
      },
      (err: unknown) => {
        logger.error({ err }, 'closing failed');
        process.exitCode = 1;
      },
    );
  };
  const detach = () => {
    process.off('SIGHUP', reload);
    process.off('SIGTERM', stop);
    process.off('SIGINT', stop);
  };
  process.on('SIGHUP', reload);
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
  return {
    attach(s) {
      server = s;
      if (stopping) close(s);
    },
    detach,
  };
}
