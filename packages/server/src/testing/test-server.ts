import { canonicalName, labelCount, parseName, typeToString } from '@port53/wire';
import { Resolver, type ResolverOptions } from '@port53/resolver';
import { createLookup, type LookupFunction } from '@port53/resolver/dns';
import type { Logger } from '../log.js';
import { createServer, type Server, type ServerOptions } from '../server.js';
import { hostPort } from '../transport/bind-error.js';
import { TestServerError } from './errors.js';
import { ActiveFault, type Fault, type FaultMatch, type FaultOptions } from './faults.js';
import { Interceptor, type QueryRecord } from './intercept.js';
import { TestZone, typeCode, type RecordValues, type TestZoneInput } from './test-zone.js';

export interface TestServerOptions {
  /** Zone origin → records (object form) or master-file text. SOA and apex NS are made up when missing. */
  zones?: Readonly<Record<string, TestZoneInput>>;
  /** TTL of records given without one, and of the made-up SOA and NS (default 60). */
  ttl?: number;
  /** Default 127.0.0.1 (any loopback or other local address works, ::1 too). */
  address?: string;
  /** Default 0: a free port, the same for UDP and TCP. */
  port?: number;
  /** Listen on TCP too (default true). */
  tcp?: boolean;
  /** Logs are off unless a pino logger is given. */
  logger?: Logger | false;
  /**
   * Defaults for `resolver()` and `lookup`; servers are always this server. Test-sized unless
   * given: timeout 1000 ms, tries 2, no resolv.conf, no search list.
   */
  resolver?: ResolverOptions;
  /** Zone transfers from the test server, as `createServer` takes them (docs/deployment.md): TSIG keys, who may AXFR/IXFR, and NOTIFY targets told of each `set()`/`delete()`. */
  transfers?: Pick<ServerOptions, 'tsigKeys' | 'allowTransfer' | 'notify'>;
}

export interface SetOptions {
  /** Default: the RRset's current TTL, else the server's `ttl`. */
  ttl?: number;
}

/** A DNS server for a test: see docs/testing.md. */
export interface TestServer extends AsyncDisposable {
  /** The port it listens on, UDP and TCP. */
  readonly port: number;
  readonly address: string;
  /** `['127.0.0.1:PORT']`: for `new Resolver({ servers })` or node:dns's `setServers()`. */
  readonly servers: string[];
  /** Every query received, in order (clear it with `queries.length = 0`). */
  readonly queries: QueryRecord[];
  /** A `dns.lookup`-compatible function that asks this server: pass it to http.get, net.connect, undici. */
  readonly lookup: LookupFunction;
  /** The underlying server (stats, zones()). */
  readonly server: Server;
  /** A Resolver pointed at this server; closed with the server. */
  resolver(options?: ResolverOptions): Resolver;
  /** Replaces the RRset at `name`/`type` (values in presentation format; [] removes it), then serves it: one atomic swap, SOA serial + 1. */
  set(name: string, type: string, values: RecordValues, options?: SetOptions): Promise<void>;
  /** Removes the RRset `name`/`type`, or every record at `name` without `type`. */
  delete(name: string, type?: string): Promise<void>;
  /** Adds a fault; the latest added that matches a query applies to it. */
  fault(match: FaultMatch, options: FaultOptions): Fault;
  /** Removes every fault. */
  clearFaults(): void;
  /** The master-file text served for a zone now. */
  zoneText(origin: string): string;
  /** Stops listening, cancels delayed replies, closes the resolvers it made; idempotent. */
  close(): Promise<void>;
}

const DEFAULT_TTL = 60;
/** A test should fail in about two seconds, not the fifteen of a stub resolver's defaults. */
const RESOLVER_DEFAULTS: ResolverOptions = { timeout: 1000, tries: 2, resolvConf: false, search: false };

/** Starts an authoritative server on a free loopback port, serving zones given in memory. */
export async function createTestServer(options: TestServerOptions = {}): Promise<TestServer> {
  const ttl = options.ttl ?? DEFAULT_TTL;
  if (!Number.isInteger(ttl) || ttl < 0 || ttl > 0x7fffffff) throw new TestServerError('EBADRECORD', `ttl must be an integer from 0 to 2147483647 seconds, not ${options.ttl}`);
  const zones = Object.entries(options.zones ?? {}).map(([origin, input]) => TestZone.create(origin, input, ttl));
  const interceptor = new Interceptor((name) => zoneOf(zones, name)?.soa());
  const server = await createServer({
    zones: zones.map((zone) => ({ origin: zone.origin, text: () => zone.text() })),
    addresses: [options.address ?? '127.0.0.1'],
    port: options.port ?? 0,
    tcp: options.tcp ?? true,
    logger: options.logger ?? false,
    hook: interceptor.hook,
    ...options.transfers,
  });
  const address = server.addresses[0].address;
  const servers = [hostPort(address, server.port)];
  const resolvers = new Set<Resolver>();
  const makeResolver = (extra: ResolverOptions = {}) => {
    const resolver = new Resolver({ ...RESOLVER_DEFAULTS, ...options.resolver, ...extra, servers });
    resolvers.add(resolver);
    return resolver;
  };
  // node:dns's lookup as @port53/resolver/dns implements it, asking this server only (no hosts file).
  const { lookup } = createLookup({ resolver: makeResolver(), hostsFile: false });
  let closing: Promise<void> | undefined;
  const open = () => {
    if (closing) throw new TestServerError('ECLOSED', 'the test server is closed');
  };

  const change = async (name: string, type: string | undefined, values: readonly string[], ttlWanted: number | undefined) => {
    open();
    let owner;
    try {
      owner = parseName(name);
    } catch (err) {
      throw new TestServerError('EBADRECORD', `"${name}" is not a domain name: ${(err as Error).message}`);
    }
    const zone = zoneOf(zones, owner);
    if (!zone) throw new TestServerError('ENOZONE', `${name} is in none of the test zones (${zones.map((z) => z.origin).join(', ') || 'none'})`);
    if (ttlWanted !== undefined && (!Number.isInteger(ttlWanted) || ttlWanted < 0 || ttlWanted > 0x7fffffff)) throw new TestServerError('EBADRECORD', `ttl must be an integer from 0 to 2147483647, not ${ttlWanted}`);
    zone.change(owner, type, values, ttlWanted ?? zone.ttlOf(owner, type) ?? ttl);
    const result = await server.reload();
    if (!result.ok) throw result.failed[0].errors[0];
  };

  const testServer: TestServer = {
    port: server.port,
    address,
    servers,
    queries: interceptor.queries,
    server,
    lookup,
    resolver: (extra) => {
      open();
      return makeResolver(extra);
    },
    async set(name, type, values, setOptions = {}) {
      const list = typeof values === 'string' ? [values] : values;
      if (!Array.isArray(list)) throw new TestServerError('EBADRECORD', 'values must be a string or an array of strings');
      await change(name, typeToString(typeCode(type)), list, setOptions.ttl);
    },
    async delete(name, type) {
      await change(name, type === undefined ? undefined : typeToString(typeCode(type)), [], undefined);
    },
    fault(match, faultOptions) {
      open();
      const fault = new ActiveFault(match, faultOptions, (f) => interceptor.remove(f));
      interceptor.add(fault);
      return fault;
    },
    clearFaults: () => interceptor.clearFaults(),
    zoneText(origin) {
      const key = canonicalName(parseName(origin));
      const zone = zones.find((z) => canonicalName(z.origin) === key);
      if (!zone) throw new TestServerError('ENOZONE', `no test zone ${origin}`);
      return zone.text();
    },
    close() {
      closing ??= (async () => {
        interceptor.close();
        for (const resolver of resolvers) resolver.close();
        await server.close();
      })();
      return closing;
    },
    [Symbol.asyncDispose]() {
      return testServer.close();
    },
  };
  return testServer;
}

/** The deepest test zone holding `name`. */
function zoneOf(zones: readonly TestZone[], name: string): TestZone | undefined {
  let best: TestZone | undefined;
  for (const zone of zones) if (zone.contains(name) && (!best || labelCount(zone.origin) > labelCount(best.origin))) best = zone;
  return best;
}
