import { isIP } from 'node:net';
import { NodeArgumentError } from './errors.js';
import { validateArray, validateString } from './validate.js';

const IPV6_BRACKETS = /^\[([^[\]]*)\]/;
const ADDRESS_PORT = /(^.+?)(?::(\d+))?$/;

/**
 * setServers()'s argument read as node:dns reads it (lib/internal/dns/utils.js): an Array (holes
 * skipped, as Array#forEach does), each entry a string 'ip', 'ip:port', '[ipv6]' or '[ipv6]:port';
 * returns them in the form port53's Resolver takes. Throws node's TypeErrors.
 */
export function nodeServerList(servers: unknown): string[] {
  validateArray(servers, 'servers');
  const out: string[] = [];
  servers.forEach((server: unknown, index: number) => {
    validateString(server, `servers[${index}]`);
    out.push(serverText(server));
  });
  return out;
}

function serverText(server: string): string {
  const family = isIP(server);
  if (family !== 0) return family === 6 ? `[${server}]:53` : server;
  const bracketed = IPV6_BRACKETS.exec(server);
  if (bracketed && isIP(bracketed[1]) !== 0) {
    const port = Number.parseInt(server.replace(ADDRESS_PORT, '$2'), 10) || 53;
    return isIP(bracketed[1]) === 6 ? `[${bracketed[1]}]:${port}` : `${bracketed[1]}:${port}`;
  }
  const split = ADDRESS_PORT.exec(server);
  if (split) {
    const host = split[1];
    const ipFamily = isIP(host);
    if (ipFamily !== 0) {
      const port = Number.parseInt(split[2] ?? '53', 10);
      return ipFamily === 6 ? `[${host}]:${port}` : `${host}:${port}`;
    }
  }
  throw invalidIp(server);
}

export function invalidIp(server: string): NodeArgumentError {
  return new NodeArgumentError('ERR_INVALID_IP_ADDRESS', `Invalid IP address: ${server}`);
}
