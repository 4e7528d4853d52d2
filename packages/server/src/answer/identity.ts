/**
 * The CHAOS-class identity names (RFC 4892 §2.2 and BIND's and NSD's convention): id.server and
 * hostname.bind give the server's identity, version.bind and version.server its version.
 */
import { chaosTxt } from '@port53/wire';
import type { ResourceRecord } from '@port53/wire';

export interface ServerIdentity {
  /** Text for id.server and hostname.bind; '' hides them (REFUSED, as NSD's hide-identity). */
  identity: string;
  /** Text for version.bind and version.server; '' hides them. */
  version: string;
  /** NSID octets (RFC 5001) sent to queries that ask; undefined sends none. */
  nsid?: Uint8Array;
}

const IDENTITY_NAMES = new Set(['id.server', 'hostname.bind']);
const VERSION_NAMES = new Set(['version.server', 'version.bind']);

/**
 * The TXT record answering a CH query (TTL 0 and no AA, as NSD and Knot send it); 'hidden' for an
 * identity name whose value is '' (NSD: REFUSED, EDE 18 Prohibited); undefined for every other
 * name or type (NSD: REFUSED, EDE 21 Not Supported).
 */
export function chaosAnswer(name: string, qtype: string, identity: ServerIdentity | undefined): ResourceRecord | 'hidden' | undefined {
  if (!identity || qtype !== 'TXT') return undefined;
  const key = name.toLowerCase();
  const text = IDENTITY_NAMES.has(key) ? identity.identity : VERSION_NAMES.has(key) ? identity.version : undefined;
  if (text === undefined) return undefined;
  return text === '' ? 'hidden' : chaosTxt(name, text);
}
