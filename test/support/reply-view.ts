import { decode, formatRecord, rcodeToString, type Message, type ResourceRecord } from '@port53/wire';
import type { DigResult } from './dig.js';

/**
 * A reply reduced to what dig shows and a person compares: status, header flags, the three
 * record sections as sorted sets of presentation lines, and whether it carried EDNS.
 */
export interface ReplyView {
  status: string;
  flags: string[];
  answer: string[];
  authority: string[];
  additional: string[];
  edns: boolean;
}

export type ViewField = keyof ReplyView;
export const VIEW_FIELDS: ViewField[] = ['status', 'flags', 'answer', 'authority', 'additional', 'edns'];

const FLAG_NAMES = ['qr', 'aa', 'tc', 'rd', 'ra', 'ad', 'cd'] as const;

/** One record as dig prints it ("owner ttl class type rdata"), runs of blanks collapsed. */
export function presentRecord(rr: ResourceRecord): string {
  return sameAddressForm(formatRecord(rr).trim().replace(/\s+/g, ' '));
}

/**
 * An AAAA line with its address in one spelling. Presentation of IPv4-mapped and -compatible
 * addresses is a choice (RFC 5952 §5): dig prints ::ffff:192.0.2.1 and ::255.255.0.1 (glibc's
 * inet_ntop), kdig ::ffff:192.0.2.1 and ::ffff:1, port53 ::ffff:192.0.2.1 (as kdig) and ::ffff:1. The
 * comparison is of addresses, so every side is rewritten in WHATWG URL's all-hex form.
 */
export function sameAddressForm(line: string): string {
  const m = /^(\S+ \d+ IN AAAA )(\S+)$/.exec(line);
  if (!m) return line;
  try {
    return m[1] + new URL(`http://[${m[2]}]/`).hostname.slice(1, -1);
  } catch {
    return line;
  }
}

export function viewOfMessage(m: Message): ReplyView {
  const set = (rrs: ResourceRecord[]) => rrs.map(presentRecord).sort();
  return {
    status: rcodeToString(m.rcode),
    flags: FLAG_NAMES.filter((f) => m.flags[f]).sort(),
    answer: set(m.answers),
    authority: set(m.authorities),
    additional: set(m.additionals),
    edns: m.edns !== undefined,
  };
}

/** The view of raw reply octets, or why there is none. */
export function viewOfReply(reply: Uint8Array | null): ReplyView | string {
  if (!reply) return 'no reply';
  try {
    return viewOfMessage(decode(reply));
  } catch (err) {
    return `undecodable: ${(err as Error).message}`;
  }
}

/** dig's and kdig's parsed output in the same shape (dig already collapses blanks). */
export function viewOfDig(r: DigResult): ReplyView {
  const set = (lines: string[]) => lines.map(sameAddressForm).sort();
  return {
    status: r.status,
    flags: [...r.flags].sort(),
    answer: set(r.answer),
    authority: set(r.authority),
    additional: set(r.additional),
    edns: r.edns,
  };
}

/** The same view with names and rdata in lower case: for comparing replies to differently-cased queries. */
export function lowerCased(v: ReplyView): ReplyView {
  const lower = (rrs: string[]) => rrs.map((r) => r.toLowerCase()).sort();
  return { ...v, answer: lower(v.answer), authority: lower(v.authority), additional: lower(v.additional) };
}

/** "field: a ≠ b" for every field that differs; empty when the views agree on `fields`. */
export function viewDifferences(a: ReplyView | string, b: ReplyView | string, fields: ViewField[] = VIEW_FIELDS): string[] {
  if (typeof a === 'string' || typeof b === 'string') return a === b ? [] : [`${JSON.stringify(a)} ≠ ${JSON.stringify(b)}`];
  return fields
    .filter((f) => JSON.stringify(a[f]) !== JSON.stringify(b[f]))
    .map((f) => `${f}: ${JSON.stringify(a[f])} ≠ ${JSON.stringify(b[f])}`);
}
