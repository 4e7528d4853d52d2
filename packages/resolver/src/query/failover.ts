import { rcodeToString, type ClassName, type Message, type TypeName } from '@port53/wire';
import { attemptTimeout, plannedAttempt } from './backoff.js';
import { randomizeCase } from './case-0x20.js';
import type { Cancellation } from './cancellation.js';
import { DnsError, type Attempt, type DnsErrorCode, type Transport } from '../errors.js';
import { exchange, type ExchangeResult } from './exchange.js';
import { formatServer, type ServerAddress } from '../config/server-address.js';
import type { QueryResult } from './result.js';
import type { UdpPool } from '../transport/udp.js';

/** Everything one lookup needs; resolved from the Resolver's settings and the call's options. */
export interface LookupPlan {
  servers: readonly ServerAddress[];
  udp: UdpPool;
  /** Index of the server to ask first (rotation). */
  first: number;
  tries: number;
  timeout: number;
  maxTimeout: number;
  jitter: number;
  tcp: boolean;
  ednsPayload: number | undefined;
  use0x20: boolean;
  /** Decode only what the node:dns-shaped methods read (authority and additional come back empty). */
  answersOnly: boolean;
  recursion: boolean;
  checkingDisabled: boolean;
  dnssecOk: boolean;
  /** performance.now() value by which the lookup must be over. */
  deadlineAt: number;
  /** Ended by cancel (or by the deadline while queued); attempts' waits are cut to the deadline. */
  call: Cancellation;
  /** Counters the Resolver keeps. */
  onIgnored(n: number): void;
}

interface Step {
  server: number;
  round: number;
  transport: Transport;
}

/** How a lookup ends: with a result, or with an error (DnsError, or what building the query threw). */
export type LookupDone = (error: unknown, result?: QueryResult) => void;

/**
 * One name, all servers: each server in turn for `tries` rounds with doubling waits; fail over on
 * timeout, SERVFAIL, REFUSED, NOTIMP and ECONNREFUSED; TC=1 → the same server over TCP (RFC 7766
 * §5); FORMERR to an EDNS query → once more without OPT (RFC 6891 §7). Returns the first answer,
 * or else the last SERVFAIL/REFUSED/... response; DnsError when no response is usable. `done` is
 * called once, possibly before this returns.
 */
export function startLookup(name: string, type: TypeName, cls: ClassName, plan: LookupPlan, done: LookupDone): void {
  new Lookup(name, type, cls, plan, done).next();
}

/**
 * The state of one lookup between exchanges. A callback-driven state machine rather than an async
 * function: the profile showed each async layer at ~1.2-1.6 KB of garbage per lookup.
 */
class Lookup {
  private readonly started = performance.now();
  private readonly attempts: Attempt[] = [];
  private readonly planned: number;
  private readonly transport: Transport;
  private nextIndex = 0; // index into the attempt plan
  private again: Step | undefined; // a step to repeat at once (over TCP, or without EDNS)
  private skip: Set<number> | undefined; // servers that refused, lack the opcode, or whose port is closed
  private noEdns: Set<number> | undefined; // servers that sent FORMERR to our OPT record
  private fallback: QueryResult | undefined;
  private step: Step | undefined; // the step of the exchange in progress
  private edns: number | undefined; // its payload size, or undefined without OPT
  private readonly onExchange = (r: ExchangeResult): void => this.exchanged(r);

  constructor(
    private readonly name: string,
    private readonly type: TypeName,
    private readonly cls: ClassName,
    private readonly plan: LookupPlan,
    private readonly done: LookupDone,
  ) {
    this.planned = plan.servers.length * plan.tries;
    this.transport = plan.tcp ? 'tcp' : 'udp';
  }

  private fail(code: DnsErrorCode, detail?: string): DnsError {
    return new DnsError(code, { hostname: this.name, type: this.type, attempts: this.attempts, detail });
  }

  /** Starts the next planned exchange, or ends the lookup when none is left. */
  next(): void {
    const plan = this.plan;
    if (plan.servers.length === 0) return this.done(this.fail('ECONNREFUSED', 'no servers configured'));
    for (;;) {
      let step: Step;
      if (this.again !== undefined) {
        step = this.again;
        this.again = undefined;
      } else if (this.nextIndex < this.planned) {
        const slot = plannedAttempt(this.nextIndex++, plan.servers.length, plan.first);
        step = { server: slot.server, round: slot.round, transport: this.transport };
      } else {
        break;
      }
      if (this.skip?.has(step.server)) continue;
      const remaining = plan.deadlineAt - performance.now();
      if (remaining < 1 || plan.call.aborted) break; // timers fire up to 1 ms early: no 1 ms attempt at the end
      const edns = this.noEdns?.has(step.server) ? undefined : plan.ednsPayload;
      this.step = step;
      this.edns = edns;
      try {
        exchange(
          {
            server: plan.servers[step.server],
            udp: plan.udp,
            transport: step.transport,
            question: { name: plan.use0x20 ? randomizeCase(this.name) : this.name, type: this.type, class: this.cls },
            exactCase: plan.use0x20,
            answersOnly: plan.answersOnly,
            ednsPayload: edns,
            recursion: plan.recursion,
            checkingDisabled: plan.checkingDisabled,
            dnssecOk: plan.dnssecOk,
            timeoutMs: Math.max(1, Math.min(attemptTimeout(step.round, plan), remaining)),
            call: plan.call,
          },
          this.onExchange,
        );
      } catch (err) {
        this.done(err);
      }
      return;
    }
    this.end();
  }

  private exchanged({ attempt, message, size }: ExchangeResult): void {
    const plan = this.plan;
    const step = this.step!;
    const server = plan.servers[step.server];
    if (attempt.ignored > 0) plan.onIgnored(attempt.ignored);
    if (attempt.outcome === 'cancelled' && plan.call.reason === 'deadline') attempt.outcome = 'timeout';
    this.attempts.push(attempt);
    const result = message && toResult(message, server, step.transport, this.attempts, this.started, size ?? 0);

    switch (attempt.outcome) {
      case 'answer':
        return this.done(undefined, result!);
      case 'truncated':
        if (result) this.fallback = result; // better than nothing if TCP fails too
        this.again = { ...step, transport: 'tcp' };
        break;
      case 'formerr':
        this.fallback = result;
        if (this.edns !== undefined) {
          (this.noEdns ??= new Set()).add(step.server);
          this.again = step;
        } else {
          (this.skip ??= new Set()).add(step.server);
        }
        break;
      case 'servfail':
        this.fallback = result;
        break;
      case 'refused':
      case 'notimp':
        this.fallback = result;
        (this.skip ??= new Set()).add(step.server);
        break;
      case 'connrefused':
        (this.skip ??= new Set()).add(step.server);
        break;
      case 'cancelled':
        return this.done(this.fail('ECANCELLED'));
      case 'timeout':
      case 'malformed':
      case 'network-error':
        break;
    }
    this.next();
  }

  /** No exchange left to make: the best response kept, or the error that says why there is none. */
  private end(): void {
    const plan = this.plan;
    const attempts = this.attempts;
    if (plan.call.reason === 'cancelled') return this.done(this.fail('ECANCELLED'));
    if (this.fallback) return this.done(undefined, { ...this.fallback, attempts, elapsedMs: Math.round(performance.now() - this.started) });
    if (plan.call.reason === 'deadline' || performance.now() >= plan.deadlineAt - 1) return this.done(this.fail('ETIMEOUT', 'deadline reached'));
    if (attempts.length > 0 && attempts.every((a) => a.outcome === 'connrefused')) return this.done(this.fail('ECONNREFUSED'));
    if (attempts.some((a) => a.outcome === 'malformed')) return this.done(this.fail('EBADRESP', 'only malformed responses'));
    this.done(this.fail('ETIMEOUT'));
  }
}

function toResult(
  message: Message,
  server: ServerAddress,
  transport: Transport,
  attempts: Attempt[],
  started: number,
  size: number,
): QueryResult {
  const result: QueryResult = {
    id: message.id,
    opcode: message.opcode,
    rcode: message.rcode,
    rcodeName: rcodeToString(message.rcode),
    flags: message.flags,
    questions: message.questions,
    answers: message.answers,
    authorities: message.authorities,
    additionals: message.additionals,
    server: formatServer(server),
    serverAddress: server,
    transport,
    attempts,
    elapsedMs: Math.round(performance.now() - started),
    size,
  };
  if (message.edns) result.edns = message.edns;
  return result;
}
