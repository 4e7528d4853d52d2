/**
 * DNS cookies, the server's side (RFC 7873 §5.2, RFC 9018): what the query's COOKIE option says
 * and the option the reply carries back. Pure: the clock and the secrets come in.
 */
import { cookieAddress, cookieOption, decodeCookie, serverCookie, serverCookieMatches, serverCookieTimestamp } from '@port53/wire';
import type { EdnsOptionData } from '@port53/wire';

export interface CookieContext {
  /** Secrets that verify, the one that signs first (RFC 9018 §4.4: the previous one verifies during a rollover). */
  secrets: readonly Uint8Array[];
  /** Seconds since 1970. */
  now: number;
  /** The client's address as the transport saw it. */
  address: string;
}

/** What the query's cookie turned out to be: only a client cookie, a server cookie we made, or one we did not. */
export type CookieState = 'client-only' | 'valid' | 'invalid';

/** RFC 9018 §4.3: a server cookie older than an hour or more than 5 minutes in the future is invalid. */
const MAX_AGE = 3600;
const MAX_AHEAD = 300;

/**
 * undefined when the option's length is not one RFC 7873 §5.2.2 allows (the query gets FORMERR).
 * Otherwise the state and the reply's option: the client cookie and a fresh server cookie, made
 * for every reply as RFC 9018 §4.3 allows, so a client's cookie never ages past the limit.
 */
export function checkCookie(data: Uint8Array, ctx: CookieContext): { state: CookieState; reply: EdnsOptionData } | undefined {
  const cookie = decodeCookie(data);
  if (!cookie) return undefined;
  const address = clientAddress(ctx.address);
  let state: CookieState = 'client-only';
  if (cookie.server) state = verifies(cookie.client, cookie.server, address, ctx) ? 'valid' : 'invalid';
  const fresh = serverCookie(cookie.client, address, ctx.secrets[0], ctx.now);
  return { state, reply: cookieOption({ client: cookie.client, server: fresh }) };
}

function verifies(client: Uint8Array, server: Uint8Array, address: Uint8Array, ctx: CookieContext): boolean {
  if (server.length !== 16) return false;
  // Serial arithmetic on the 32-bit timestamp (RFC 1982), as RFC 9018 §4.3 says.
  const age = ((ctx.now >>> 0) - serverCookieTimestamp(server)) | 0;
  if (age > MAX_AGE || age < -MAX_AHEAD) return false;
  return ctx.secrets.some((secret) => serverCookieMatches(client, server, address, secret));
}

/** The address octets; a scoped IPv6 address (fe80::1%eth0) without its zone. */
function clientAddress(text: string): Uint8Array {
  const zone = text.indexOf('%');
  return cookieAddress(zone < 0 ? text : text.slice(0, zone));
}
