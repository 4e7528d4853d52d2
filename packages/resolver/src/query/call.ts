import { Rcode, type ClassName, type TypeName } from '@port53/wire';
import type { AnswerCache, FlightWaiter } from '../cache/answer-cache.js';
import type { Cancellable, Cancellation } from './cancellation.js';
import { DnsError } from '../errors.js';
import type { InFlightLimit } from './in-flight.js';
import { startLookup, type LookupDone, type LookupPlan, type LookupTerms } from './failover.js';
import type { QueryOptions } from './options.js';
import type { QueryResult } from './result.js';

/** What a call needs from its Resolver. */
export interface CallContext {
  readonly limit: InFlightLimit;
  readonly stats: { queries: number };
  /** Calls in progress, for Resolver#cancel(). */
  readonly running: Set<Cancellation>;
  /** The answer cache, when the Resolver has one (the node:dns-shaped methods use it). */
  readonly cache: AnswerCache | undefined;
  /** Waits for an in-flight slot until the deadline; false when cancelled or out of time. */
  queue(call: Cancellation, deadlineAt: number): Promise<boolean>;
  plan(options: QueryOptions, answersOnly: boolean): LookupPlan;
  /** The server a lookup asks first (rotation). */
  firstServer(): number;
}

/** One call's question and how it settles: `finish` turns the chosen response into the method's value (or throws). */
export interface CallRequest<T> {
  candidates: readonly string[];
  type: TypeName;
  cls: ClassName;
  options: QueryOptions;
  answersOnly: boolean;
  /** With a cache: what besides name and type goes into the key (cacheShape in resolver.ts). */
  cacheAs: string | undefined;
  deadlineAt: number;
  call: Cancellation;
  finish(result: QueryResult): T;
  resolve(value: T): void;
  reject(error: unknown): void;
}

/**
 * One Resolver call: the search candidates in turn, each under an in-flight slot, ending in one
 * promise. A callback-driven state machine rather than an async function: the profile showed each
 * async layer at ~1.2-1.6 KB of garbage per lookup.
 */
export class Call<T> implements FlightWaiter, Cancellable, LookupDone, LookupTerms {
  private index = 0;
  private nodata: QueryResult | undefined;
  private last: QueryResult | undefined;
  /** Holds an in-flight slot (context.limit) now. */
  private holding = false;
  /** The cache key this call is asking a server for (others with the same question wait for it). */
  private flying: string | undefined;
  /** The cache key of another call's question this call waits for. */
  private joined: string | undefined;

  constructor(
    private readonly context: CallContext,
    private readonly req: CallRequest<T>,
  ) {
    req.options.signal?.addEventListener('abort', req.call, { once: true });
    context.running.add(req.call);
  }

  /** Looks up the next candidate, waiting for a slot if none is free now. */
  next(): void {
    const req = this.req;
    if (this.index >= req.candidates.length) return this.settle(undefined, this.nodata ?? this.last!);
    const cache = this.context.cache;
    if (cache !== undefined && req.cacheAs !== undefined) {
      const key = cache.key(req.cacheAs, req.candidates[this.index], req.type);
      const hit = cache.fresh(key);
      if (hit !== undefined) return this.looked(undefined, hit);
      if (cache.join(key, this)) {
        this.joined = key;
        if (req.call.aborted) return this.cancel(); // nothing would end its wait
        req.call.hold(this);
        return;
      }
      cache.takeOff(key);
      this.flying = key;
    }
    if (this.context.limit.tryAcquire()) return this.withSlot(true);
    void this.context.queue(this.req.call, this.req.deadlineAt).then((granted) => this.withSlot(granted));
  }

  private withSlot(granted: boolean): void {
    const req = this.req;
    const candidate = req.candidates[this.index];
    if (!granted) {
      const deadline = req.call.reason === 'deadline';
      const error = new DnsError(deadline ? 'ETIMEOUT' : 'ECANCELLED', {
        hostname: candidate,
        type: req.type,
        detail: deadline ? 'deadline reached while queued' : undefined,
      });
      return this.looked(error, undefined);
    }
    this.context.stats.queries += 1;
    this.holding = true;
    startLookup(candidate, req.type, req.cls, this.context.plan(req.options, req.answersOnly), this, this);
  }

  get call(): Cancellation {
    return this.req.call;
  }

  get deadlineAt(): number {
    return this.req.deadlineAt;
  }

  firstServer(): number {
    return this.context.firstServer();
  }

  /** The call whose question this one waited for has its answer (or error). */
  landed(error: unknown, result: QueryResult | undefined): void {
    this.req.call.release(this);
    this.joined = undefined;
    // That call was cancelled, not this one: ask again (or join whoever asks now).
    if (error instanceof DnsError && error.code === 'ECANCELLED' && !this.req.call.aborted) return this.next();
    this.looked(error, result);
  }

  /** Cancelled while waiting for another call's question. */
  cancel(): void {
    if (this.joined === undefined) return;
    this.context.cache!.leave(this.joined, this);
    this.joined = undefined;
    this.looked(new DnsError('ECANCELLED', { hostname: this.req.candidates[this.index], type: this.req.type }), undefined);
  }

  /** A candidate's lookup is over (LookupDone), or a cached or joined answer stands in for one. */
  looked(error: unknown, result: QueryResult | undefined): void {
    if (this.holding) {
      this.holding = false;
      this.context.limit.release();
    }
    if (this.flying !== undefined) {
      const key = this.flying;
      this.flying = undefined;
      ({ error, result } = this.context.cache!.land(key, this.req.type, error, result));
    }
    if (result === undefined) return this.settle(error);
    this.last = result;
    // res_search: go on to the next candidate on NXDOMAIN, NODATA and SERVFAIL; stop on an answer.
    if (result.rcode === Rcode.NOERROR && result.answers.length > 0) return this.settle(undefined, result);
    if (result.rcode === Rcode.NOERROR) this.nodata ??= result;
    else if (result.rcode !== Rcode.NXDOMAIN && result.rcode !== Rcode.SERVFAIL) return this.settle(undefined, result);
    this.index += 1;
    this.next();
  }

  private settle(error: unknown, result?: QueryResult): void {
    const req = this.req;
    req.options.signal?.removeEventListener('abort', req.call);
    this.context.running.delete(req.call);
    if (result === undefined) return req.reject(error);
    let value: T;
    try {
      value = req.finish(result);
    } catch (err) {
      return req.reject(err);
    }
    req.resolve(value);
  }
}
