/**
 * A Resolver method given as the `lookup` option of net.connect, tls.connect or http.request is
 * called as lookup(host, { family, hints, all }, callback) and must answer as dns.lookup does.
 * node:dns's own methods then throw or hang; ours answer.
 */
export function isLookupCall(options: unknown): options is { family?: unknown; hints?: unknown; all?: unknown } {
  if (typeof options !== 'object' || options === null || Array.isArray(options)) return false;
  return !('ttl' in options) && ('all' in options || 'family' in options || 'hints' in options);
}

type LookupCallback = (err: NodeJS.ErrnoException | null, address?: unknown, family?: number) => void;

/** Addresses from resolve4/resolve6 handed over in dns.lookup's form. */
export function answerAsLookup(promise: Promise<unknown>, family: 4 | 6, options: { all?: unknown }, callback: LookupCallback): void {
  promise.then(
    (addresses) => {
      const list = (addresses as string[]).map((address) => ({ address, family }));
      if (options.all === true) process.nextTick(callback, null, list);
      else if (list.length === 0) process.nextTick(callback, Object.assign(new Error('no address'), { code: 'ENODATA' }));
      else process.nextTick(callback, null, list[0].address, family);
    },
    (err: NodeJS.ErrnoException) => process.nextTick(callback, err),
  );
}

