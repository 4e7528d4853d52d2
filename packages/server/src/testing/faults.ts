import { canonicalName, isSubdomain, parseName, Rcode, rcodeToString, typeFromString } from '@port53/wire';
import type { Name, Question } from '@port53/wire';
import type { Transport } from '../transport/bind-error.js';
import { TestServerError } from './errors.js';
import { typeCode } from './test-zone.js';

/** Which queries a fault applies to; every field given must match (none: every query). */
export interface FaultMatch {
  /** This name exactly (any case). */
  name?: string;
  /** This name or any name below it. */
  suffix?: string;
  /** A type mnemonic, or several. */
  type?: string | readonly string[];
  transport?: Transport;
}

/**
 * What a fault does to a query it applies to: one of drop, rcode, truncate, wrongId,
 * wrongQuestion or closeTcp, and/or a delay. `times` and `probability` choose which matching
 * queries it applies to.
 */
export interface FaultOptions {
  /** No reply at all (the client times out). */
  drop?: boolean;
  /** Milliseconds before the reply (alone: the true answer, late). */
  delay?: number;
  /** Answer with this RCODE ('SERVFAIL', 'NXDOMAIN', 'REFUSED', ... or a number) and no records. */
  rcode?: string | number;
  /** Over UDP: an empty reply with TC=1, so the client retries over TCP (which answers). Not applied over TCP. */
  truncate?: boolean;
  /** The true answer under another message ID (a client must ignore it). */
  wrongId?: boolean;
  /** The true answer with another question name (default `wrong.invalid`; a client must ignore it). */
  wrongQuestion?: boolean | string;
  /** Over TCP: close the connection without a reply. Not applied over UDP. */
  closeTcp?: boolean;
  /** Apply to the first N matching queries only, then stop. */
  times?: number;
  /** Apply to each matching query with this probability (0..1), drawn from a PRNG seeded with `seed`. */
  probability?: number;
  /** Seed for `probability` (default 1): the same seed, the same queries hit. */
  seed?: number;
}

export type FaultKind = 'drop' | 'delay' | 'rcode' | 'truncate' | 'wrongId' | 'wrongQuestion' | 'closeTcp';

/** A fault in force; `clear()` (or `using`) removes it. */
export interface Fault {
  readonly kind: FaultKind;
  /** Queries it has applied to. */
  readonly hits: number;
  clear(): void;
  [Symbol.dispose](): void;
}

const ACTIONS = ['drop', 'rcode', 'truncate', 'wrongId', 'wrongQuestion', 'closeTcp'] as const;

/** A checked fault: its matcher, its action and its counters. */
export class ActiveFault implements Fault {
  readonly kind: FaultKind;
  readonly delay: number;
  readonly rcode: number | undefined;
  readonly wrongName: Name | undefined;
  hits = 0;
  private readonly name: Name | undefined;
  private readonly suffix: Name | undefined;
  private readonly types: Set<number> | undefined;
  private readonly transport: Transport | undefined;
  private readonly times: number;
  private readonly probability: number;
  private readonly random: () => number;

  constructor(
    match: FaultMatch,
    options: FaultOptions,
    private readonly remove: (fault: ActiveFault) => void,
  ) {
    if (match === null || typeof match !== 'object') throw new TestServerError('EBADFAULT', 'fault(match, options): match must be an object ({} for every query)');
    if (options === null || typeof options !== 'object') throw new TestServerError('EBADFAULT', 'fault(match, options): options must be an object, e.g. { rcode: "SERVFAIL" }');
    this.name = match.name === undefined ? undefined : canonicalName(faultName(match.name, 'name'));
    this.suffix = match.suffix === undefined ? undefined : canonicalName(faultName(match.suffix, 'suffix'));
    this.types = match.type === undefined ? undefined : new Set((typeof match.type === 'string' ? [match.type] : [...match.type]).map(typeCode));
    if (match.transport !== undefined && match.transport !== 'udp' && match.transport !== 'tcp') {
      throw new TestServerError('EBADFAULT', `transport must be 'udp' or 'tcp', not ${JSON.stringify(match.transport)}`);
    }
    this.transport = match.transport;

    const actions = ACTIONS.filter((a) => options[a] !== undefined && options[a] !== false);
    if (actions.length > 1) throw new TestServerError('EBADFAULT', `a fault does one thing: ${actions.join(' and ')} given (add two faults, or use delay with one)`);
    this.delay = options.delay ?? 0;
    if (!Number.isFinite(this.delay) || this.delay < 0) throw new TestServerError('EBADFAULT', `delay must be milliseconds >= 0, not ${options.delay}`);
    if (actions.length === 0 && options.delay === undefined) throw new TestServerError('EBADFAULT', `a fault needs one of ${ACTIONS.join(', ')} or delay`);
    if (actions[0] === 'drop' && this.delay > 0) throw new TestServerError('EBADFAULT', 'drop and delay together: a dropped reply has nothing to delay');
    this.kind = actions[0] ?? 'delay';
    this.rcode = options.rcode === undefined ? undefined : rcodeCode(options.rcode);
    this.wrongName = typeof options.wrongQuestion === 'string' ? faultName(options.wrongQuestion, 'wrongQuestion') : options.wrongQuestion ? 'wrong.invalid' : undefined;

    this.times = options.times ?? Infinity;
    if (this.times !== Infinity && (!Number.isInteger(this.times) || this.times < 0)) throw new TestServerError('EBADFAULT', `times must be an integer >= 0, not ${options.times}`);
    this.probability = options.probability ?? 1;
    if (!(this.probability >= 0 && this.probability <= 1)) throw new TestServerError('EBADFAULT', `probability must be from 0 to 1, not ${options.probability}`);
    const seed = options.seed ?? 1;
    if (!Number.isInteger(seed)) throw new TestServerError('EBADFAULT', `seed must be an integer, not ${options.seed}`);
    this.random = mulberry32(seed);
  }

  /** True when this fault applies to the query, counting it as a hit. */
  take(question: Question | undefined, transport: Transport): boolean {
    if (this.hits >= this.times) return false;
    if (this.transport !== undefined && this.transport !== transport) return false;
    // truncate means something over UDP only, closeTcp over TCP only: elsewhere the query is answered.
    if (this.kind === 'truncate' && transport !== 'udp') return false;
    if (this.kind === 'closeTcp' && transport !== 'tcp') return false;
    if (this.name !== undefined || this.suffix !== undefined || this.types !== undefined) {
      if (!question) return false;
      const name = canonicalName(question.name);
      if (this.name !== undefined && name !== this.name) return false;
      if (this.suffix !== undefined && !isSubdomain(name, this.suffix)) return false;
      if (this.types !== undefined && !this.types.has(typeFromString(question.type) ?? -1)) return false;
    }
    if (this.probability < 1 && this.random() >= this.probability) return false;
    this.hits++;
    return true;
  }

  clear(): void {
    this.remove(this);
  }

  [Symbol.dispose](): void {
    this.clear();
  }
}

function faultName(text: unknown, field: string): Name {
  if (typeof text !== 'string') throw new TestServerError('EBADFAULT', `${field} must be a domain name, not ${typeof text}`);
  try {
    return parseName(text);
  } catch (err) {
    throw new TestServerError('EBADFAULT', `${field} "${text}" is not a domain name: ${(err as Error).message}`);
  }
}

function rcodeCode(rcode: string | number): number {
  if (typeof rcode === 'number') {
    if (Number.isInteger(rcode) && rcode >= 0 && rcode <= 15) return rcode;
    throw new TestServerError('EBADFAULT', `rcode ${rcode} is not 0..15 (extended RCODEs need EDNS)`);
  }
  const code = (Rcode as Record<string, number>)[String(rcode).toUpperCase()];
  if (code === undefined || code > 15) throw new TestServerError('EBADFAULT', `rcode "${rcode}" is not one of ${Object.keys(Rcode).filter((k) => (Rcode as Record<string, number>)[k] <= 15).join(', ')}`);
  return code;
}

/** The RCODE's mnemonic, for the query log. */
export function rcodeName(rcode: number): string {
  return rcodeToString(rcode);
}

/** A small seeded PRNG (mulberry32): reproducible fault patterns from a seed. */
function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
