export type Transport = 'udp' | 'tcp';

/** `127.0.0.1:53`, `[::1]:53`. */
export function hostPort(address: string, port: number): string {
  return address.includes(':') ? `[${address}]:${port}` : `${address}:${port}`;
}

/**
 * A socket that could not be bound. `message` is one line that names the fix, ready to print
 * after "port53d: ". `code` is the system error code (EACCES, EADDRINUSE, EADDRNOTAVAIL, ...).
 */
export class BindError extends Error {
  override readonly name = 'BindError';
  constructor(
    readonly code: string,
    readonly address: string,
    readonly port: number,
    readonly transport: Transport,
    options?: { cause?: unknown },
  ) {
    super(bindMessage(code, address, port, transport), options);
  }
}

function bindMessage(code: string, address: string, port: number, transport: Transport): string {
  const where = hostPort(address, port);
  switch (code) {
    case 'EACCES':
      return port < 1024
        ? `cannot bind ${where} (EACCES): ports below 1024 need root or CAP_NET_BIND_SERVICE; try --port 5353`
        : `cannot bind ${where} (EACCES): permission denied; pick another --port or --address`;
    case 'EADDRINUSE':
      return `${where} is in use (EADDRINUSE, ${transport}): stop the other server or pick another --port`;
    case 'EADDRNOTAVAIL':
      return `cannot bind ${where} (EADDRNOTAVAIL): no interface has this address; pick another --address`;
    case 'EAFNOSUPPORT':
      return `cannot bind ${where} (EAFNOSUPPORT): this machine has no ${address.includes(':') ? 'IPv6' : 'IPv4'}; pick another --address`;
    default:
      return `cannot bind ${where} (${code}, ${transport})`;
  }
}

/** Wraps a bind failure; anything without a system code is rethrown as is. */
export function toBindError(err: unknown, address: string, port: number, transport: Transport): unknown {
  const code = (err as NodeJS.ErrnoException | null)?.code;
  return typeof code === 'string' ? new BindError(code, address, port, transport, { cause: err }) : err;
}
