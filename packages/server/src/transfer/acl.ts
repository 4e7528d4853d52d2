/**
 * Who may transfer zones: `--allow-transfer ADDR[/PREFIX][@KEYNAME]` entries (NSD's provide-xfr,
 * Knot's acl). Nothing is allowed unless an entry matches the client's address and, when the entry
 * names a key, the request was signed with that key.
 */
import { canonicalName, parseIPv4, parseIPv6, parseName } from '@port53/wire';
import type { Name } from '@port53/wire';

export interface TransferRule {
  /** The network's octets (4 or 16). */
  network: Uint8Array;
  prefix: number;
  /** Canonical key name the request must be signed with; undefined: any client of the network. */
  key?: Name;
  /** The rule as written, for logs. */
  text: string;
}

/** A bad `--allow-transfer` text. */
export class TransferRuleError extends Error {
  override readonly name = 'TransferRuleError';
  readonly code = 'BAD_ALLOW_TRANSFER';
}

/** Parses `ADDR[/PREFIX][@KEYNAME]`. Throws TransferRuleError. */
export function parseTransferRule(text: string): TransferRule {
  const at = text.indexOf('@');
  const net = at < 0 ? text : text.slice(0, at);
  const keyText = at < 0 ? undefined : text.slice(at + 1);
  const slash = net.indexOf('/');
  const addr = slash < 0 ? net : net.slice(0, slash);
  const network = parseIPv4(addr) ?? parseIPv6(addr);
  if (!network) throw new TransferRuleError(`--allow-transfer ${JSON.stringify(text)}: ${JSON.stringify(addr)} is not an IPv4 or IPv6 address`);
  const max = network.length * 8;
  const prefixText = slash < 0 ? String(max) : net.slice(slash + 1);
  const prefix = /^\d{1,3}$/.test(prefixText) ? Number(prefixText) : NaN;
  if (!(prefix >= 0 && prefix <= max)) throw new TransferRuleError(`--allow-transfer ${JSON.stringify(text)}: prefix must be 0 to ${max}`);
  let key: Name | undefined;
  if (keyText !== undefined) {
    try {
      key = canonicalName(parseName(keyText.endsWith('.') ? keyText : `${keyText}.`));
    } catch (e) {
      throw new TransferRuleError(`--allow-transfer ${JSON.stringify(text)}: bad key name: ${(e as Error).message}`);
    }
  }
  return { network, prefix, key, text };
}

/** The client's address octets; an IPv4-mapped IPv6 address counts as IPv4. */
function clientOctets(address: string): Uint8Array | undefined {
  const v4 = parseIPv4(address.startsWith('::ffff:') && address.includes('.') ? address.slice(7) : address);
  return v4 ?? parseIPv6(address.split('%')[0]);
}

function inNetwork(client: Uint8Array, rule: TransferRule): boolean {
  if (client.length !== rule.network.length) return false;
  let bits = rule.prefix;
  for (let i = 0; bits > 0; i++, bits -= 8) {
    const mask = bits >= 8 ? 0xff : (0xff << (8 - bits)) & 0xff;
    if ((client[i] & mask) !== (rule.network[i] & mask)) return false;
  }
  return true;
}

/** Why a transfer is refused, or undefined when a rule allows it. `key` is the verified TSIG key's name. */
export function transferDenied(rules: readonly TransferRule[], address: string, key: Name | undefined): string | undefined {
  if (rules.length === 0) return 'no --allow-transfer rule: transfers are off';
  const client = clientOctets(address);
  if (!client) return `client address ${address} is not an IP address`;
  const signedWith = key === undefined ? undefined : canonicalName(key);
  let addressMatched = false;
  for (const rule of rules) {
    if (!inNetwork(client, rule)) continue;
    addressMatched = true;
    if (rule.key === undefined || rule.key === signedWith) return undefined;
  }
  if (!addressMatched) return `${address} matches no --allow-transfer rule`;
  return signedWith ? `${address} may not transfer with key ${signedWith}` : `${address} must sign the request with a TSIG key`;
}
