import { rcodeToString, type ClassName, type Message, type TypeName } from '@port53/wire';
import { attemptTimeout, plannedAttempt } from './backoff.js';
import { randomizeCase } from './case-0x20.js';
import type { Cancellable, Cancellation } from './cancellation.js';
import { DnsError, type Attempt, type DnsErrorCode, type Transport } from '../errors.js';
import { Exchange, type ExchangeListener } from './exchange.js';
import { formatServer, type ServerAddress } from '../config/server-address.js';
import type { QueryResult } from './result.js';
import { tryTimers, type TimedTry } from './try-timers.js';
import type { UdpPool } from '../transport/udp.js';

/**
 * How lookups go, from the Resolver's settings and the call's options: the same object for every
 * lookup of the node:dns-shaped methods until the settings change (resolver.ts keeps it).
 */
export interface LookupPlan {
  servers: readonly ServerAddress[];
  udp: UdpPool;
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
  /** Over UDP, each query on a socket of its own (maxQueriesPerSocket 1). */
  udpAlone: boolean;
  /** With answersOnly, still decode the authority section of a reply without answers (the cache needs its SOA, RFC 2308). */
  negativeAuthority: boolean;
  /** Counters the Resolver keeps. */
  onIgnored(n: number): void;
}

interface Step {
  server: number;
  round: number;
  transport: Transport;
  /** Over UDP from a socket that carries this query alone (after a question-less error reply). */
  alone: boolean;
  /** Over TCP because the UDP reply was truncated: if TCP fails, so does this server. */
  afterTruncation: boolean;
}

/** Who hears how a lookup ends: with a result, or with an error (DnsError, or what building the query threw). */
export interface LookupDone {
  looked(error: unknown, result?: QueryResult): void;
}

/**
 * One name, all servers: each server in turn for `tries` rounds with doubling waits; fail over on
 * timeout, SERVFAIL, REFUSED, NOTIMP, ECONNREFUSED and malformed replies; TC=1 → the same server
 * over TCP (RFC 7766 §5), and if TCP fails too, on to the next server; FORMERR to an EDNS query →
 * once more without OPT (RFC 6891 §7). Every try keeps listening until the lookup ends, so a
 * reply slower than its try's wait still counts. Returns the first answer, or else the last
 * SERVFAIL/REFUSED/... response; DnsError when no response is usable. `done` is called once,
 * possibly before this returns.
 */
export function startLookup(name: string, type: TypeName, cls: ClassName, plan: LookupPlan, terms: LookupTerms, done: LookupDone): void {
  new Lookup(name, type, cls, plan, terms.call, terms.deadlineAt, terms.firstServer(), done).start();
}

/** What is particular to one lookup's call. */
export interface LookupTerms {
  /** Ended by cancel (or by the deadline while queued); attempts' waits are cut to the deadline. */
  readonly call: Cancellation;
  /** performance.now() value by which the lookup must be over. */
  readonly deadlineAt: number;
  /** Index of the server to ask first (rotation). */
  firstServer(): number;
}

/**
 * The state of one lookup between exchanges. A callback-driven state machine rather than an async
 * function: the profile showed each async layer at ~1.2-1.6 KB of garbage per lookup.
 */
class Lookup implements ExchangeListener<Step>, Cancellable, TimedTry {
  private readonly started = performance.now();
  private readonly attempts: Attempt[] = [];
  private readonly planned: number;
  private readonly transport: Transport;
  private nextIndex = 0; // index into the attempt plan
  private again: Step | undefined; // a step to take at once (over TCP, without EDNS, alone)
  private skip: Set<number> | undefined; // servers that refused, lack the opcode, sent garbage, or whose port is closed
  private noEdns: Set<number> | undefined; // servers that sent FORMERR to our OPT record
  private fallback: QueryResult | undefined;
  private tcpFailure: Attempt | undefined; // a TCP try after a truncated reply that failed
  private current: Exchange<Step> | undefined; // the try whose wait runs now
  private earlier: Exchange<Step>[] | undefined; // tries whose wait is over, still listening
  // The current try's wait, in tryTimers' list.
  timerAt = 0;
  timerPrev: TimedTry | undefined = undefined;
  timerNext: TimedTry | undefined = undefined;
  timerLinked = false;
  private over = false;

  constructor(
    private readonly name: string,
    private readonly type: TypeName,
    private readonly cls: ClassName,
    private readonly plan: LookupPlan,
    private readonly call: Cancellation,
    private readonly deadlineAt: number,
    private readonly first: number,
    private readonly done: LookupDone,
  ) {
    this.planned = plan.servers.length * plan.tries;
    this.transport = plan.tcp ? 'tcp' : 'udp';
  }

  start(): void {
    this.call.hold(this);
    this.next();
  }

  private fail(code: DnsErrorCode, detail?: string): DnsError {
    return new DnsError(code, { hostname: this.name, type: this.type, attempts: this.attempts, detail });
  }

  /** Starts the next planned try, or ends the lookup when none is left. */
  private next(): void {
    const plan = this.plan;
    if (plan.servers.length === 0) return this.finish(this.fail('ECONNREFUSED', 'no servers configured'));
    for (;;) {
      let step: Step;
      if (this.again !== undefined) {
        step = this.again;
        this.again = undefined;
      } else if (this.nextIndex < this.planned) {
        const slot = plannedAttempt(this.nextIndex++, plan.servers.length, this.first);
        step = { server: slot.server, round: slot.round, transport: this.transport, alone: plan.udpAlone, afterTruncation: false };
      } else {
        break;
      }
      if (this.skip?.has(step.server)) continue;
      const remaining = this.deadlineAt - performance.now();
      if (remaining < 1 || this.call.aborted) break; // timers fire up to 1 ms early: no 1 ms attempt at the end
      try {
        this.current = new Exchange(
          {
            server: plan.servers[step.server],
            udp: plan.udp,
            transport: step.transport,
            alone: step.alone,
            question: { name: plan.use0x20 ? randomizeCase(this.name) : this.name, type: this.type, class: this.cls },
            exactCase: plan.use0x20,
            answersOnly: plan.answersOnly,
            negativeAuthority: plan.negativeAuthority,
            ednsPayload: this.noEdns?.has(step.server) ? undefined : plan.ednsPayload,
            recursion: plan.recursion,
            checkingDisabled: plan.checkingDisabled,
            dnssecOk: plan.dnssecOk,
          },
          this,
          step,
        );
      } catch (err) {
        return this.finish(err);
      }
      const wait = Math.max(1, Math.min(attemptTimeout(step.round, plan), remaining));
      tryTimers.start(this, wait);
      return;
    }
    this.end();
  }

  /** The current try's wait is over: it goes on listening, and the next try starts. */
  timedOut(): void {
    const ex = this.current!;
    this.current = undefined;
    ex.attempt.elapsedMs = Math.round(performance.now() - ex.started);
    this.attempts.push(ex.attempt);
    (this.earlier ??= []).push(ex);
    if (ex.step.afterTruncation) this.serverFailedTcp(ex);
    this.next();
  }

  questionless(ex: Exchange<Step>): void {
    if (this.over) return;
    // Anyone who guesses an ID can send this on a shared socket: ask again from a socket of our own.
    const step = { ...ex.step, alone: true };
    if (ex !== this.current) {
      this.again ??= step;
      return;
    }
    tryTimers.stop(this);
    this.again = step;
    this.timedOut();
    ex.attempt.outcome = 'questionless';
  }

  exchanged(ex: Exchange<Step>, message: Message | undefined, size: number): void {
    if (this.over) return;
    const plan = this.plan;
    const { attempt, step } = ex;
    const late = ex !== this.current;
    if (late) {
      // A try whose wait was over: its entry moves to the end, with what it finally got.
      this.earlier!.splice(this.earlier!.indexOf(ex), 1);
      this.attempts.splice(this.attempts.indexOf(attempt), 1);
      attempt.late = true;
    } else {
      tryTimers.stop(this);
      this.current = undefined;
    }
    if (attempt.outcome !== 'answer') this.attempts.push(attempt);
    const server = plan.servers[step.server];
    const result = message && toResult(message, server, step.transport, this.attempts, this.started, size);

    switch (attempt.outcome) {
      case 'answer':
        if (this.current !== undefined) {
          this.current.attempt.outcome = 'superseded';
          this.current.attempt.elapsedMs = Math.round(performance.now() - this.current.started);
          this.attempts.push(this.current.attempt);
        }
        this.attempts.push(attempt);
        return this.finish(undefined, result);
      case 'truncated':
        this.again = { ...step, transport: 'tcp', alone: false, afterTruncation: true };
        break;
      case 'formerr':
        this.fallback = result;
        if (ex.req.ednsPayload !== undefined) {
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
      case 'malformed':
        (this.skip ??= new Set()).add(step.server);
        if (step.afterTruncation) this.tcpFailure = attempt;
        break;
      case 'network-error':
        if (step.afterTruncation) this.serverFailedTcp(ex);
        break;
      case 'cancelled':
        return this.finish(this.fail('ECANCELLED'));
      default:
        break;
    }
    // A late reply changes what comes next, but the try in progress keeps its wait.
    if (this.current === undefined) this.next();
  }

  ignored(): void {
    this.plan.onIgnored(1);
  }

  /** cancel(), resolver.cancel() or the caller's AbortSignal. */
  cancel(): void {
    if (this.over) return;
    const ex = this.current;
    if (ex !== undefined) {
      ex.attempt.outcome = 'cancelled';
      ex.attempt.elapsedMs = Math.round(performance.now() - ex.started);
      this.attempts.push(ex.attempt);
    }
    this.finish(this.fail('ECANCELLED'));
  }

  /** The server's reply was truncated and TCP to it failed: the lookup goes on without it. */
  private serverFailedTcp(ex: Exchange<Step>): void {
    this.tcpFailure = ex.attempt;
    (this.skip ??= new Set()).add(ex.step.server);
  }

  private finish(error: unknown, result?: QueryResult): void {
    if (this.over) return;
    this.over = true;
    tryTimers.stop(this);
    this.current?.close();
    if (this.earlier) for (const ex of this.earlier) ex.close();
    this.call.release(this);
    this.done.looked(error, result);
  }

  /** No try left to make: the best response kept, or the error that says why there is none. */
  private end(): void {
    const plan = this.plan;
    const attempts = this.attempts;
    if (this.call.reason === 'cancelled') return this.finish(this.fail('ECANCELLED'));
    if (this.fallback) return this.finish(undefined, { ...this.fallback, attempts, elapsedMs: Math.round(performance.now() - this.started) });
    if (this.call.reason === 'deadline' || performance.now() >= this.deadlineAt - 1) return this.finish(this.fail('ETIMEOUT', 'deadline reached'));
    const tcp = this.tcpFailure;
    if (tcp !== undefined) {
      // node:dns says ECONNREFUSED here, whether TCP was refused or closed before the reply.
      const code: DnsErrorCode = tcp.outcome === 'timeout' ? 'ETIMEOUT' : tcp.outcome === 'malformed' ? 'EBADRESP' : 'ECONNREFUSED';
      return this.finish(this.fail(code, `reply truncated over UDP; then TCP to ${tcp.server} ${tcpFailureText(tcp)}`));
    }
    if (attempts.length > 0 && attempts.every((a) => a.outcome === 'connrefused')) return this.finish(this.fail('ECONNREFUSED'));
    if (attempts.some((a) => a.outcome === 'malformed')) return this.finish(this.fail('EBADRESP', 'malformed reply'));
    this.finish(this.fail('ETIMEOUT'));
  }
}

function tcpFailureText(a: Attempt): string {
  if (a.outcome === 'timeout') return 'timed out';
  if (a.outcome === 'connrefused') return 'was refused';
  if (a.outcome === 'malformed') return 'gave a malformed reply';
  return a.errorCode === 'closed' ? 'was closed before a reply' : `failed (${a.errorCode ?? 'network error'})`;
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
