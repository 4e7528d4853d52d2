import { isIPv4, isIPv6 } from 'node:net';
import { DEFAULTS } from './defaults.js';
import { InvalidServerError } from '../errors.js';

/** A name server as the sockets need it. */
export interface ServerAddress {
  /** IP address; an IPv6 link-local address keeps its `%scope`. */
  address: string;
  port: number;
  family: 4 | 6;
  /** Source address to bind for this server's queries (Resolver#setLocalAddress); the kernel picks when absent. */
  localAddress?: string;
}

/**
 * 'ip', 'ip:port', '[ipv6]', '[ipv6]:port', a bare IPv6 address, each IPv6 form with '%scope'
 * (as node:dns setServers accepts, plus the scope it drops). Throws InvalidServerError.
 */
export function parseServer(text: string, defaultPort: number = DEFAULTS.port): ServerAddress {
  const s = text.trim();
  let host = s;
  let portText: string | undefined;
  if (s.startsWith('[')) {
    const close = s.indexOf(']');
    if (close < 0) throw new InvalidServerError(text, 'missing "]"');
    host = s.slice(1, close);
    const rest = s.slice(close + 1);
    if (rest !== '') {
      if (!rest.startsWith(':')) throw new InvalidServerError(text, `unexpected "${rest}" after "]"`);
      portText = rest.slice(1);
    }
  } else if (s.split(':').length === 2) {
    [host, portText] = s.split(':');
  }
  const port = portText === undefined ? defaultPort : parsePort(portText);
  if (port === undefined) throw new InvalidServerError(text, `bad port "${portText}"`);
  if (isIPv4(host)) return { address: host, port, family: 4 };
  const [bare, scope] = splitScope(host);
  if (isIPv6(bare) && (scope === undefined || /^[\w.-]+$/.test(scope))) return { address: host, port, family: 6 };
  throw new InvalidServerError(text, 'not an IP address');
}

/** "53" → 53; undefined unless a decimal 1..65535. */
export function parsePort(text: string): number | undefined {
  if (!/^\d{1,5}$/.test(text)) return undefined;
  const n = Number(text);
  return n >= 1 && n <= 65535 ? n : undefined;
}

/** node:dns getServers() form: the port only when not 53, IPv6 in brackets only with a port. */
export function formatServer(server: ServerAddress): string {
  if (server.port === DEFAULTS.port) return server.address;
  return server.family === 6 ? `[${server.address}]:${server.port}` : `${server.address}:${server.port}`;
}

function splitScope(host: string): [string, string | undefined] {
  const i = host.indexOf('%');
  return i < 0 ? [host, undefined] : [host.slice(0, i), host.slice(i + 1)];
}
