/**
 * Sending one battery of queries to port53d, NSD and Knot and comparing what they say: the rule
 * the differential tests share. A probe passes when port53d agrees with NSD or with Knot on every
 * compared field, or when the fields it differs in are ones where NSD and Knot differ from each
 * other too (policy: reported, not failed).
 */
import { decode, encode, formatRecord, rcodeToString, type Message, type ResourceRecord } from '@port53/wire';
import { recordKey, type Probe } from './battery.js';
import { tcpExchange, udpExchange } from './loopback.mjs';

/** What a reply says, in the fields compared. */
export interface View {
  rcode: string;
  flags: string;
  question: string;
  answer: string[];
  authority: string[];
}

export type Field = keyof View;
export const FIELDS: Field[] = ['rcode', 'flags', 'question', 'answer', 'authority'];

export function view(reply: Buffer | null): View | string {
  if (!reply) return 'no reply';
  let m: Message;
  try {
    m = decode(reply);
  } catch (err) {
    return `undecodable: ${(err as Error).message}`;
  }
  const set = (rrs: ResourceRecord[]) => rrs.map((rr) => recordKey(rr, formatRecord)).sort();
  return {
    rcode: rcodeToString(m.rcode),
    flags: (['aa', 'tc', 'rd', 'ra'] as const).filter((f) => m.flags[f]).join(' '),
    question: m.questions.map((q) => `${q.name} ${q.class} ${q.type}`).join(', '),
    answer: set(m.answers),
    authority: set(m.authorities),
  };
}

export function differing(a: View | string, b: View | string, fields: Field[]): Field[] {
  if (typeof a === 'string' || typeof b === 'string') return a === b ? [] : ['rcode'];
  return fields.filter((f) => JSON.stringify(a[f]) !== JSON.stringify(b[f]));
}

export interface BatteryResult {
  passed: number;
  failures: string[];
  policy: string[];
  /**
   * Per probe sent over UDP: the reply sizes of port53d and Knot (0 when there was none), and
   * whether both replies hold the same records (only then is the size a like-for-like comparison).
   */
  sizes: { label: string; ours: number; knot: number; sameRecords: boolean; rcode: string }[];
}

/** Sends every probe to the three ports and sorts the outcomes. */
export async function runBattery(probes: readonly Probe[], ports: { ours: number; nsd: number; knot: number }): Promise<BatteryResult> {
  const result: BatteryResult = { passed: 0, failures: [], policy: [], sizes: [] };
  for (const probe of probes) {
    const bytes = encode(probe.message);
    const [a, b, c] = await Promise.all([ports.ours, ports.nsd, ports.knot].map((port) => (probe.tcp ? tcpExchange : udpExchange)(port, bytes)));
    const [mine, n, k] = [view(a), view(b), view(c)];
    if (!probe.tcp) result.sizes.push({ label: probe.label, ours: a?.length ?? 0, knot: c?.length ?? 0, sameRecords: differing(mine, k, ['answer', 'authority']).length === 0, rcode: typeof mine === 'string' ? mine : mine.rcode });
    // ANY's selection is policy (RFC 8482): its records are not compared.
    const fields = probe.any ? FIELDS.filter((f) => f !== 'answer' && f !== 'authority') : FIELDS;
    const vsNsd = differing(mine, n, fields);
    const vsKnot = differing(mine, k, fields);
    if (vsNsd.length === 0 || vsKnot.length === 0) {
      result.passed++;
      continue;
    }
    // Fields where the references disagree with each other too are policy: reported, not failed.
    const refsDiffer = differing(n, k, fields);
    const ownFault = vsNsd.filter((f) => vsKnot.includes(f) && !refsDiffer.includes(f));
    const detail = `${probe.label}${probe.tcp ? ' (tcp)' : ''}: ours ${JSON.stringify(mine)}\n    nsd ${JSON.stringify(n)}\n    knot ${JSON.stringify(k)}`;
    if (ownFault.length === 0) {
      result.passed++;
      result.policy.push(detail);
    } else {
      result.failures.push(`[${ownFault.join(',')}] ${detail}`);
    }
  }
  return result;
}

/** Prints the policy differences (each cut to a line's worth), the failures and the one-line count. */
export function reportBattery(name: string, result: BatteryResult): void {
  const short = (detail: string) => detail.split('\n').map((l) => (l.length > 240 ? `${l.slice(0, 240)}…` : l)).join('\n');
  if (result.policy.length) process.stdout.write(`${name}: ${result.policy.length} policy differences (the references disagree too):\n  ${result.policy.map(short).join('\n  ')}\n`);
  if (result.failures.length) process.stdout.write(`${name}: failures:\n  ${result.failures.join('\n  ')}\n`);
  process.stdout.write(`${name}: ${result.passed} passed, ${result.failures.length} failed\n`);
}
