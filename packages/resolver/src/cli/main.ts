import { readFileSync, writeSync } from 'node:fs';
import { classFromString, classToString, fqdn, typeFromString, typeToString } from '@port53/wire';
import { parseArgs } from 'node:util';
import { DEFAULTS } from '../config/defaults.js';
import { DnsError, InvalidServerError } from '../errors.js';
import { describeAttempt, formatDig, formatShort } from './dig-text.js';
import { loadResolvConf } from '../config/resolv-conf.js';
import { Resolver } from '../resolver.js';
import { reverseName } from '../query/reverse-name.js';
import { formatServer, parsePort, parseServer } from '../config/server-address.js';
import { ARGS_VARIABLE, defaultArgs, type DefaultArgs } from './rc-file.js';

/** A bad command line: one line on stderr, exit status 1. */
class UsageError extends Error {}

/** dig's exit statuses (dig(1)): a response of any RCODE is success. */
export const EXIT = { ok: 0, usage: 1, noResponse: 9, internal: 10 } as const;

interface Io {
  out: (text: string) => void;
  err: (line: string) => void;
}
const io: Io = {
  out: (text) => write(1, text),
  err: (line) => write(2, `${line}\n`),
};

/**
 * Straight to the file descriptor: touching process.stdout builds a stream and loads node:stream,
 * a few ms of start-up for one short write. A non-blocking descriptor that is full (EAGAIN) falls
 * back to the stream.
 */
function write(fd: 1 | 2, text: string): void {
  const bytes = Buffer.from(text);
  let done = 0;
  try {
    while (done < bytes.length) done += writeSync(fd, bytes, done);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EAGAIN') throw err;
    (fd === 1 ? process.stdout : process.stderr).write(bytes.subarray(done));
  }
}

interface Args {
  /** The command line as given, for dig's banner. */
  argv: string[];
  /** Servers in getServers() form; undefined: resolv.conf's. */
  servers?: string[];
  name: string;
  type: string;
  class: string;
  output: 'dig' | 'short' | 'json';
  tcp: boolean;
  edns: boolean;
  search: boolean;
  recurse: boolean;
  dnssec: boolean;
  /** CD, checking disabled (RFC 4035 §3.2.2), as dig's +cd. */
  cd: boolean;
  /** Each try's wait: fixed, as dig's +timeout (no doubling). */
  timeoutMs: number;
  tries: number;
}

/** dig 9.18's defaults (dig(1): +timeout=5, +tries=3), which the CLI keeps whatever resolv.conf says. */
const DIG = { timeoutSeconds: 5, tries: 3 } as const;

const EPILOG = `Arguments may come in any order, as with dig: @SERVER, a record type, a class, the name.
The dig spellings +short, +json, +tcp, +noedns, +search, +norec, +dnssec, +cd, +timeout=T, +tries=N
and +retry=N are accepted too.

Defaults, as dig reads ~/.digrc: options and @SERVER from ~/.resolverc (or the file that
$PORT53_RESOLVERC names), then from $${ARGS_VARIABLE}; the command line overrides both. Without a
server anywhere, the nameservers of /etc/resolv.conf are asked.

Exit status:
  0   a response arrived (whatever its RCODE: NXDOMAIN and SERVFAIL are responses)
  1   usage error (bad option, type, class, port or address)
  9   no server answered (timeout, connection refused, only malformed replies)
  10  internal error`;

/**
 * `resolve [@server] [-p port] name [type] [class]`. Sets process.exitCode instead of exiting, so
 * output is flushed; resolves to whether a lookup ran (bin/resolve.js keeps its code cache from one). What a lookup needs is imported statically, so the module loader reads the whole
 * graph at once instead of one dynamic import after another (measured: sequential imports cost start-up).
 */
export async function main(argv: string[]): Promise<boolean> {
  let args: Args | 'done';
  try {
    args = await parseCommandLine(argv);
  } catch (err) {
    io.err(`resolve: ${err instanceof UsageError ? err.message : String(err)} (see resolve --help)`);
    process.exitCode = EXIT.usage;
    return false;
  }
  if (args === 'done') return false;
  try {
    process.exitCode = await run(args);
  } catch (err) {
    io.err(`resolve: ${err instanceof Error ? err.message : String(err)}`);
    process.exitCode = EXIT.internal;
  }
  return true;
}

async function run(args: Args): Promise<number> {
  const servers = args.servers?.length ?? 3; // resolv.conf names at most 3
  const resolver = new Resolver({
    ...(args.servers ? { servers: args.servers } : {}),
    // A fixed wait per try, as dig's: the cap is the first wait, so later rounds do not double.
    timeout: args.timeoutMs,
    maxTimeout: args.timeoutMs,
    tries: args.tries,
    deadline: args.timeoutMs * args.tries * servers + 1000,
    tcp: args.tcp,
    edns: args.edns,
    search: args.search,
    recursion: args.recurse,
    // One server and no search list: resolv.conf has nothing left to say (no rotation among one),
    // so it is not read again before the query leaves.
    ...(args.servers?.length === 1 && !args.search ? { resolvConf: false as const } : {}),
  });
  const abort = new AbortController();
  const onSignal = () => abort.abort();
  process.once('SIGINT', onSignal);
  try {
    const result = await resolver.query(args.name, args.type, { class: args.class, dnssecOk: args.dnssec, checkingDisabled: args.cd, signal: abort.signal });
    if (args.output === 'json') {
      const { formatJson } = await import('./rfc8427-json.js');
      io.out(`${JSON.stringify(formatJson(result), null, 2)}\n`);
    } else {
      io.out(args.output === 'short' ? formatShort(result) : `\n; <<>> ${version()} <<>> ${args.argv.join(' ')}\n${formatDig(result)}\n`);
    }
    return EXIT.ok;
  } catch (err) {
    if (!(err instanceof DnsError)) throw err;
    if (err.code === 'EBADNAME' || err.code === 'EINVAL') {
      io.err(`resolve: ${err.message}`);
      return EXIT.usage;
    }
    for (const attempt of err.attempts) io.err(describeAttempt(attempt));
    io.err(err.code === 'ECANCELLED' ? ';; cancelled' : `;; no servers could be reached (${err.code})`);
    if (args.output === 'json') io.out(`${JSON.stringify(jsonError(err, args), null, 2)}\n`);
    return EXIT.noResponse;
  } finally {
    process.removeListener('SIGINT', onSignal);
  }
}

/** --json when no response came: an object saying why, with every try (RFC 8427 has no error form). */
function jsonError(err: DnsError, args: Args): Record<string, unknown> {
  return {
    error: {
      code: err.code,
      message: err.code === 'ECANCELLED' ? 'cancelled' : 'no servers could be reached',
      QNAME: fqdn(args.name),
      QTYPEname: args.type,
      QCLASSname: args.class,
      attempts: err.attempts.map((a) => ({
        server: a.server,
        transport: a.transport,
        outcome: a.outcome,
        elapsedMs: a.elapsedMs,
        ...(a.errorCode ? { errorCode: a.errorCode } : {}),
      })),
    },
  };
}

const USAGE = `resolve [@server] [-p port] [options] name [type] [class]

Ask a DNS server one question and print the response, like dig.`;

/** The options, with their help lines; node:util's parseArgs takes the same table. */
const OPTIONS = {
  server: { type: 'string', help: 'Server to ask, host[:port] or [ipv6]:port (same as @server)' },
  port: { type: 'string', short: 'p', help: `Server port (default ${DEFAULTS.port})` },
  type: { type: 'string', short: 't', help: 'Record type: A, MX, TYPE65, ... (default A; PTR with -x)' },
  class: { type: 'string', short: 'c', help: 'Class: IN, CH, HS, CLASSn (default IN)' },
  reverse: { type: 'string', short: 'x', help: 'Reverse lookup: the PTR of this IPv4 or IPv6 address' },
  short: { type: 'boolean', help: 'Print only the answer rdata, one record per line' },
  json: { type: 'boolean', help: 'Print the response as RFC 8427 JSON' },
  tcp: { type: 'boolean', help: 'Query over TCP (ANY goes over TCP unless --no-tcp, as in dig 9.18)' },
  timeout: { type: 'string', help: `Seconds each try waits, the same for every try, as dig's +timeout (default ${DIG.timeoutSeconds})` },
  tries: { type: 'string', help: `Tries per server, as dig's +tries (default ${DIG.tries})` },
  edns: { type: 'boolean', help: `Send EDNS(0) with a ${DEFAULTS.ednsPayload}-octet payload (--no-edns: plain DNS)`, default: true },
  search: { type: 'boolean', help: "Apply resolv.conf's search list (with ndots)" },
  recurse: { type: 'boolean', help: 'Set RD, recursion desired (--no-recurse: clear it)', default: true },
  dnssec: { type: 'boolean', help: 'Set the DO bit (RFC 3225)' },
  cd: { type: 'boolean', help: 'Set the CD bit, checking disabled (RFC 4035 §3.2.2)' },
  help: { type: 'boolean', short: 'h', help: 'Show this help' },
  version: { type: 'boolean', short: 'v', help: 'Show the version' },
} as const;

function helpText(): string {
  const rows = Object.entries(OPTIONS).map(([name, o]) => {
    const flag = `${'short' in o ? `-${o.short}, ` : '    '}--${name}${o.type === 'string' ? ' <value>' : ''}`;
    return `  ${flag.padEnd(26)}${o.help}${'default' in o ? ` [default: ${o.default}]` : ''}`;
  });
  return `${USAGE}\n\nOptions:\n${rows.join('\n')}\n\n${EPILOG}\n`;
}

/**
 * node:util's parseArgs rather than yargs, the project's CLI library: yargs alone costs more start-up
 * time than the whole lookup (issue 6 wants one lookup within 1.6× of `node -e 0`).
 */
function parseOptions(rest: string[]) {
  const options = Object.fromEntries(
    Object.entries(OPTIONS).map(([name, o]) => [name, { type: o.type, ...('short' in o ? { short: o.short } : {}) }]),
  ) as { [K in keyof typeof OPTIONS]: { type: (typeof OPTIONS)[K]['type']; short?: string } };
  try {
    return parseArgs({ args: rest, options, allowPositionals: true, allowNegative: true, strict: true });
  } catch (err) {
    throw new UsageError(parseArgsMessage(err as NodeJS.ErrnoException));
  }
}

/** parseArgs' messages are long and span lines; the CLI prints one line. */
function parseArgsMessage(err: NodeJS.ErrnoException): string {
  const option = /'([^']+)'/.exec(err.message)?.[1]?.replace(/^-\w, /, '').replace(/ <value>$/, '');
  if (err.code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') return `unknown option "${option}"`;
  if (err.code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE') {
    if (/does not take an argument/.test(err.message)) return `option "${option}" takes no value`;
    if (/ambiguous/.test(err.message)) return `option "${option}" needs a value (write ${option}=VALUE for one starting with "-")`;
    return `option "${option}" needs a value`;
  }
  return err.message.replace(/\s*\n\s*/g, ' ');
}

/** One source of arguments (a defaults file, the variable, the command line), parsed. */
interface Layer {
  values: ReturnType<typeof parseOptions>['values'];
  plus: PlusOptions;
  positionals: string[];
}

function readLayer(tokens: string[]): Layer {
  const { plus, rest } = splitPlusOptions(tokens);
  const { values, positionals } = parseOptions(rest);
  return { values, plus, positionals };
}

/** The on/off options, from --x/--no-x and dig's +x/+nox, later sources over earlier ones. */
const FLAGS = ['short', 'json', 'tcp', 'edns', 'search', 'recurse', 'dnssec', 'cd'] as const;
type Flags = Record<(typeof FLAGS)[number], boolean | undefined>;

function applyFlags(flags: Flags, layer: Layer): void {
  const set: Partial<Flags> = {};
  for (const f of FLAGS) {
    const v = layer.plus[f] ?? layer.values[f];
    if (typeof v === 'boolean') set[f] = v;
  }
  if (set.short && set.json) throw new UsageError('--short and --json do not go together');
  // An output style given later replaces one given earlier (a defaults file's +short, then --json).
  if (set.short) flags.json = false;
  if (set.json) flags.short = false;
  Object.assign(flags, set);
}

/** Options and @server from ~/.resolverc and $PORT53_RESOLVE, as dig reads ~/.digrc. */
function readDefaults(defaults: readonly DefaultArgs[], flags: Flags): { server?: string; port?: string; timeout?: string; tries?: string } {
  const out: { server?: string; port?: string; timeout?: string; tries?: string } = {};
  for (const d of defaults) {
    let layer: Layer;
    try {
      layer = readLayer(d.args);
      applyFlags(flags, layer);
    } catch (err) {
      throw err instanceof UsageError ? new UsageError(`${d.source}: ${err.message}`) : err;
    }
    const v = layer.values;
    for (const key of ['type', 'class', 'reverse', 'help', 'version'] as const) {
      if (v[key] !== undefined) throw new UsageError(`${d.source}: only options and @server belong there, not --${key}`);
    }
    for (const token of layer.positionals) {
      if (!token.startsWith('@') || token === '@') throw new UsageError(`${d.source}: only options and @server belong there, not "${token}"`);
      out.server = token.slice(1);
      out.port = undefined;
    }
    if (v.server !== undefined) {
      out.server = v.server;
      out.port = undefined;
    }
    if (v.port !== undefined) out.port = v.port;
    const timeout = layer.plus.timeout ?? v.timeout;
    const tries = layer.plus.tries ?? v.tries;
    if (timeout !== undefined) out.timeout = timeout;
    if (tries !== undefined) out.tries = tries;
    // Checked here, where the message can say which source is wrong, even if the command line overrides it.
    try {
      if (v.port !== undefined) portArg(v.port);
      if (timeout !== undefined) secondsArg(timeout);
      if (tries !== undefined) triesArg(tries);
    } catch (err) {
      throw err instanceof UsageError ? new UsageError(`${d.source}: ${err.message}`) : err;
    }
  }
  return out;
}

async function parseCommandLine(argv: string[], defaults: readonly DefaultArgs[] = defaultArgs()): Promise<Args | 'done'> {
  const cmd = readLayer(argv);
  const parsed = cmd.values;
  if (parsed.help) {
    io.out(helpText());
    return 'done';
  }
  if (parsed.version) {
    io.out(`${version()}\n`);
    return 'done';
  }

  const flags: Flags = { short: false, json: false, tcp: undefined, edns: true, search: false, recurse: true, dnssec: false, cd: false };
  const base = readDefaults(defaults, flags);
  applyFlags(flags, cmd);

  let server = parsed.server;
  let name: string | undefined;
  let type = parsed.type === undefined ? undefined : typeArg(parsed.type);
  let cls = parsed.class === undefined ? undefined : classArg(parsed.class);
  for (const token of cmd.positionals) {
    if (token.startsWith('@')) {
      if (server !== undefined) throw new UsageError(`more than one server: "${token}"`);
      server = token.slice(1);
      if (server === '') throw new UsageError('"@" needs a server');
    } else if (type === undefined && typeFromString(token) !== undefined) {
      type = typeToString(typeFromString(token)!);
    } else if (cls === undefined && classFromString(token) !== undefined) {
      cls = classToString(classFromString(token)!);
    } else if (name === undefined && parsed.reverse === undefined) {
      name = token;
    } else {
      throw new UsageError(`unexpected argument "${token}"`);
    }
  }

  if (parsed.reverse !== undefined) {
    const rev = reverseName(parsed.reverse);
    if (!rev) throw new UsageError(`-x "${parsed.reverse}" is not an IPv4 or IPv6 address`);
    name = rev;
    type ??= 'PTR';
  }
  if (name === undefined) {
    // dig with no name asks for the root's NS.
    name = '.';
    type ??= 'NS';
  }
  type ??= 'A';

  // A server on the command line comes with its own port; a defaults file's -p goes with its server.
  const portText = parsed.port ?? (server === undefined ? base.port : undefined);
  const port = portText === undefined ? undefined : portArg(portText);
  server ??= base.server;
  const timeoutText = cmd.plus.timeout ?? parsed.timeout ?? base.timeout;
  const triesText = cmd.plus.tries ?? parsed.tries ?? base.tries;
  return {
    argv,
    servers: server !== undefined ? [await serverArg(server, port)] : port !== undefined ? await resolvConfServers(port) : undefined,
    name,
    type,
    class: cls ?? 'IN',
    output: flags.json ? 'json' : flags.short ? 'short' : 'dig',
    // dig 9.18 asks ANY over TCP (+notcp still says UDP).
    tcp: flags.tcp ?? type === 'ANY',
    edns: flags.edns ?? true,
    search: flags.search ?? false,
    recurse: flags.recurse ?? true,
    dnssec: flags.dnssec ?? false,
    cd: flags.cd ?? false,
    timeoutMs: secondsArg(timeoutText ?? String(DIG.timeoutSeconds)),
    tries: triesArg(triesText ?? String(DIG.tries)),
  };
}

const PLUS: Record<string, [string, boolean]> = {
  short: ['short', true],
  noshort: ['short', false],
  json: ['json', true],
  nojson: ['json', false],
  tcp: ['tcp', true],
  vc: ['tcp', true],
  notcp: ['tcp', false],
  novc: ['tcp', false],
  edns: ['edns', true],
  noedns: ['edns', false],
  search: ['search', true],
  nosearch: ['search', false],
  rec: ['recurse', true],
  recurse: ['recurse', true],
  norec: ['recurse', false],
  norecurse: ['recurse', false],
  dnssec: ['dnssec', true],
  nodnssec: ['dnssec', false],
  cd: ['cd', true],
  nocd: ['cd', false],
};

type PlusOptions = Partial<Record<(typeof FLAGS)[number], boolean>> & { timeout?: string; tries?: string };

/** dig's +option spellings, for fingers used to dig; +timeout=T, +tries=N and +retry=N take values. */
function splitPlusOptions(argv: string[]): { plus: PlusOptions; rest: string[] } {
  const plus: PlusOptions = {};
  const rest: string[] = [];
  for (const arg of argv) {
    if (!arg.startsWith('+')) {
      rest.push(arg);
      continue;
    }
    const [word, value] = arg.slice(1).toLowerCase().split('=', 2);
    if (value !== undefined && (word === 'timeout' || word === 'tries' || word === 'retry')) {
      if (word === 'retry') plus.tries = /^\d+$/.test(value) ? String(Number(value) + 1) : value;
      else plus[word] = value;
      continue;
    }
    const known = value === undefined ? PLUS[word] : undefined;
    if (!known) throw new UsageError(`unknown option "${arg}"`);
    plus[known[0] as (typeof FLAGS)[number]] = known[1];
  }
  return { plus, rest };
}

function typeArg(text: string): string {
  const n = typeFromString(text);
  if (n === undefined) throw new UsageError(`unknown record type "${text}"`);
  return typeToString(n);
}

function classArg(text: string): string {
  const n = classFromString(text);
  if (n === undefined) throw new UsageError(`unknown class "${text}"`);
  return classToString(n);
}

function portArg(text: string): number {
  const port = parsePort(text);
  if (port === undefined) throw new UsageError(`port must be a number from 1 to 65535, not "${text}"`);
  return port;
}

function secondsArg(text: string): number {
  const s = /^\d+(\.\d+)?$/.test(text) ? Number(text) : NaN;
  if (!(s > 0 && s <= 300)) throw new UsageError(`--timeout must be seconds between 0 and 300, not "${text}"`);
  return Math.max(1, Math.round(s * 1000));
}

function triesArg(text: string): number {
  const n = /^\d+$/.test(text) ? Number(text) : NaN;
  if (!(n >= 1 && n <= 20)) throw new UsageError(`--tries must be a whole number from 1 to 20, not "${text}"`);
  return n;
}

/** The server argument: an address (optionally with port), or a host name looked up as dig does. */
async function serverArg(text: string, port: number | undefined): Promise<string> {
  try {
    const parsed = parseServer(text);
    return formatServer(port === undefined ? parsed : { ...parsed, port });
  } catch (err) {
    // A host name has a letter in it; digits and dots alone are a mistyped address.
    if (!(err instanceof InvalidServerError) || !/^[A-Za-z0-9.-]+(:\d+)?$/.test(text) || !/[A-Za-z]/.test(text)) {
      throw new UsageError(`bad server "${text}": not an address or host name`);
    }
  }
  const [host, portText] = text.split(':');
  const { lookup } = await import('node:dns/promises');
  let address: string;
  try {
    address = (await lookup(host)).address;
  } catch {
    throw new UsageError(`cannot find server "${host}"`);
  }
  const p = port ?? (portText === undefined ? DEFAULTS.port : portArg(portText));
  return formatServer({ ...parseServer(address), port: p });
}

/** dig -p without @server: the resolv.conf servers on that port. */
async function resolvConfServers(port: number): Promise<string[]> {
  const conf = loadResolvConf(DEFAULTS.resolvConf);
  const servers = conf.nameservers.length > 0 ? conf.nameservers : [parseServer(DEFAULTS.fallbackServer)];
  return servers.map((s) => formatServer({ ...s, port }));
}

/** Written into the CLI bundle by scripts/bundle-cli.mjs; unbundled, package.json says. */
declare const PORT53_RESOLVE_VERSION: string | undefined;

function version(): string {
  if (typeof PORT53_RESOLVE_VERSION === 'string') return `resolve ${PORT53_RESOLVE_VERSION}`;
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
  return `resolve ${pkg.version}`;
}
