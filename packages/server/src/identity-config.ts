/** Turning `--identity`, `--version-string` and `--nsid` into what the answer path sends. */
import { hostname } from 'node:os';
import { readFileSync } from 'node:fs';
import type { ServerIdentity } from './answer/identity.js';

/** RFC 5001 §2.3 puts no limit on NSID; NSD and Knot cap what they take, and so do we. */
const MAX_NSID = 128;

export class IdentityConfigError extends TypeError {
  readonly code = 'ERR_INVALID_ARG_VALUE';
}

export interface IdentityOptions {
  identity?: string;
  version?: string;
  nsid?: string | Uint8Array;
}

/**
 * Defaults as NSD's: the host name for id.server and hostname.bind, "port53d VERSION" for
 * version.bind; NSID off unless given.
 */
export function serverIdentity(options: IdentityOptions): ServerIdentity {
  const nsid = options.nsid === undefined ? undefined : typeof options.nsid === 'string' ? parseNsid(options.nsid) : options.nsid;
  if (nsid && nsid.length > MAX_NSID) throw new IdentityConfigError(`nsid is ${nsid.length} octets; at most ${MAX_NSID}`);
  return {
    identity: options.identity ?? hostname(),
    version: options.version ?? `port53d ${packageVersion()}`,
    nsid: nsid && nsid.length > 0 ? nsid : undefined,
  };
}

/**
 * NSD's forms: `ascii_TEXT` for text, hex digits for octets; Knot's `0x` prefix for hex too.
 * Anything else is taken as text. '' turns NSID off.
 */
export function parseNsid(text: string): Uint8Array {
  if (text.startsWith('ascii_')) return new TextEncoder().encode(text.slice(6));
  const hex = text.startsWith('0x') || text.startsWith('0X') ? text.slice(2) : text;
  if (hex.length > 0 && hex.length % 2 === 0 && /^[0-9a-fA-F]+$/.test(hex)) return Uint8Array.from(Buffer.from(hex, 'hex'));
  if (hex !== text) throw new IdentityConfigError(`nsid ${JSON.stringify(text)}: 0x must be followed by an even number of hex digits`);
  return new TextEncoder().encode(text);
}

let version: string | undefined;
function packageVersion(): string {
  if (version) return version;
  // dist/identity-config.js and src/identity-config.ts both sit one level below package.json; the bundle two.
  for (const rel of ['../package.json', '../../package.json']) {
    try {
      const pkg = JSON.parse(readFileSync(new URL(rel, import.meta.url), 'utf8')) as { name?: string; version: string };
      if (pkg.name === '@port53/server') return (version = pkg.version);
    } catch {
      // try the next
    }
  }
  return (version = 'unknown');
}
