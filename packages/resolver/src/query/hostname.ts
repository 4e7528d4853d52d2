import { domainToASCII } from 'node:url';
import { DnsError } from '../errors.js';

/**
 * What node:dns does with a name before its node:dns-shaped methods ask a server: non-ASCII
 * names become IDNA A-labels (Node's toASCII); a name ending in `.onion` is ENOTFOUND without a
 * query (RFC 7686 §2: resolvers MUST NOT send .onion names to the DNS); a name with any octet
 * outside c-ares' host-name set `[A-Za-z0-9-*._/]`, escaped or not, is EBADNAME (spaces, quotes,
 * `@`, controls ...). Returns the name to ask for; throws DnsError. query() skips this: it asks
 * what it is told, as dig does.
 */
export function hostnameToAsk(name: string, type: string): string {
  let ascii = name;
  if (!HOSTNAME.test(name)) {
    ascii = NON_ASCII.test(name) ? domainToASCII(name) : name;
    if (ascii === '' || !validEscapes(ascii)) throw new DnsError('EBADNAME', { hostname: name, type });
  }
  if (isOnion(ascii)) throw new DnsError('ENOTFOUND', { hostname: name, type, detail: 'a .onion name is never looked up in the DNS (RFC 7686)' });
  return ascii;
}

/** c-ares' host-name characters (ares_is_hostnamech); the common case, no escapes. */
const HOSTNAME = /^[A-Za-z0-9*._/-]*$/;
const NON_ASCII = /[^\x00-\x7f]/;

/** Every character, and every octet a backslash escape stands for, is a host-name character. */
function validEscapes(name: string): boolean {
  for (let i = 0; i < name.length; i++) {
    let c = name.charCodeAt(i);
    if (c === 0x5c) {
      const digits = /^\d{3}/.exec(name.slice(i + 1, i + 4));
      if (digits) {
        c = Number(digits[0]);
        i += 3;
      } else {
        if (i + 1 >= name.length) return false;
        c = name.charCodeAt(++i);
      }
    }
    if (!isHostnameOctet(c)) return false;
  }
  return true;
}

function isHostnameOctet(c: number): boolean {
  return (
    (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a) || c === 0x2d || c === 0x2a || c === 0x2e || c === 0x5f || c === 0x2f
  );
}

/** `onion` as the last label, any case, with or without the final dot (RFC 7686 §1). */
function isOnion(name: string): boolean {
  const end = name.endsWith('.') ? name.length - 1 : name.length;
  if (end < 6) return false;
  return name.charCodeAt(end - 6) === 0x2e && name.slice(end - 5, end).toLowerCase() === 'onion';
}
