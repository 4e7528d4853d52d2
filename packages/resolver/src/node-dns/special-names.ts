import { canonical } from './hosts-file.js';

/** RFC 6761 §6.3: `localhost` and every name below it mean this host's loopback, never asked of DNS. */
export function isLocalhost(name: string): boolean {
  const n = canonical(name);
  return n === 'localhost' || n.endsWith('.localhost');
}

/**
 * Names that must not leave the host: `.invalid` (RFC 6761 §6.4: always NXDOMAIN) and `.onion`
 * (RFC 7686 §2: resolvers must not send them to DNS), as NXDOMAIN.
 */
export function isNeverResolved(name: string): boolean {
  const n = canonical(name);
  return n === 'invalid' || n.endsWith('.invalid') || n === 'onion' || n.endsWith('.onion');
}

export const LOOPBACK = [
  { address: '127.0.0.1', family: 4 as const },
  { address: '::1', family: 6 as const },
];

