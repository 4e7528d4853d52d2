import { isIP } from 'node:net';
import type { LookupAddress, LookupAllOptions, LookupOneOptions, LookupOptions } from 'node:dns';
import type { Resolver } from '@port53/resolver';

type OneCallback = (err: NodeJS.ErrnoException | null, address: string, family: number) => void;
type AllCallback = (err: NodeJS.ErrnoException | null, addresses: LookupAddress[]) => void;

/** `dns.lookup`'s shape: what `http.get(url, { lookup })` and `net.connect({ lookup })` call. */
export interface LookupFunction {
  (hostname: string, callback: OneCallback): void;
  (hostname: string, options: number | LookupOneOptions, callback: OneCallback): void;
  (hostname: string, options: LookupAllOptions, callback: AllCallback): void;
  (hostname: string, options: LookupOptions, callback: OneCallback | AllCallback): void;
}

/**
 * A dns.lookup that asks the test server (A, then AAAA unless family says otherwise) instead of
 * getaddrinfo. A stop-gap over Resolver until `@port53/resolver/dns` offers one.
 */
export function lookupVia(resolver: () => Resolver): LookupFunction {
  return ((hostname: string, options: number | LookupOptions | OneCallback, callback?: OneCallback | AllCallback) => {
    const cb = (typeof options === 'function' ? options : callback) as OneCallback & AllCallback;
    const opts: LookupOptions = typeof options === 'number' ? { family: options } : typeof options === 'object' && options !== null ? options : {};
    const family = opts.family === 'IPv4' ? 4 : opts.family === 'IPv6' ? 6 : (opts.family ?? 0);
    const all = opts.all === true;
    const done = (err: NodeJS.ErrnoException | null, list: LookupAddress[]) =>
      process.nextTick(() => (all ? cb(err, list) : cb(err, list[0]?.address ?? (undefined as unknown as string), list[0]?.family ?? 0)));
    const literal = isIP(hostname);
    if (literal !== 0) return done(null, [{ address: hostname, family: literal }]);
    void addresses(resolver(), hostname, family).then(
      (list) => done(null, list),
      (err: NodeJS.ErrnoException) => done(err, []),
    );
  }) as LookupFunction;
}

async function addresses(resolver: Resolver, hostname: string, family: number): Promise<LookupAddress[]> {
  const ask = async (type: 4 | 6) => {
    try {
      const list = type === 4 ? await resolver.resolve4(hostname) : await resolver.resolve6(hostname);
      return { list: list.map((address) => ({ address, family: type })) };
    } catch (err) {
      return { err: err as NodeJS.ErrnoException };
    }
  };
  const [v4, v6] = await Promise.all([family === 6 ? undefined : ask(4), family === 4 ? undefined : ask(6)]);
  const list = [...(v4?.list ?? []), ...(v6?.list ?? [])];
  if (list.length > 0) return list;
  const err = v4?.err ?? v6?.err;
  // getaddrinfo says ENOTFOUND both for a name that does not exist and for one without addresses.
  if (!err || err.code === 'ENODATA') throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND', syscall: 'getaddrinfo', hostname });
  throw err;
}
