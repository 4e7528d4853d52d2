import { rcodeToString, type ClassName, type Edns, type Flags, type Message, type Question, type ResourceRecord, type TypeName } from '@port53/wire';
import { attemptTimeout, plannedAttempt } from './backoff.js';
import { randomizeCase } from './case-0x20.js';
import type { Cancellation } from './cancellation.js';
import { DnsError, type Attempt, type DnsErrorCode, type Transport } from './errors.js';
import { exchange } from './exchange.js';
import { formatServer, type ServerAddress } from './server-address.js';
import type { UdpPool } from './transport/udp.js';

/** The whole response to a query, with how it was obtained. */
export interface QueryResult {
  id: number;
  opcode: number;
  /** Full RCODE, extended bits included (RFC 6891 §6.1.3). */
  rcode: number;
  rcodeName: string;
  flags: Flags;
  questions: Question[];
  answers: ResourceRecord[];
  authorities: ResourceRecord[];
  additionals: ResourceRecord[];
  edns?: Edns;
  /** The server that answered, in getServers() form. */
  server: string;
  serverAddress: ServerAddress;
  transport: Transport;
  /** Every exchange made for this query, the answering one last. */
  attempts: Attempt[];
  elapsedMs: number;
  /** Octets of the response message. */
  size: number;
}

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

/**
 * One name, all servers: each server in turn for `tries` rounds with doubling waits; fail over on
 * timeout, SERVFAIL, REFUSED, NOTIMP and ECONNREFUSED; TC=1 → the same server over TCP (RFC 7766
 * §5); FORMERR to an EDNS query → once more without OPT (RFC 6891 §7). Returns the first answer,
 * or else the last SERVFAIL/REFUSED/... response; throws DnsError when no response is usable.
 */
export async function lookup(name: string, type: TypeName, cls: ClassName, plan: LookupPlan): Promise<QueryResult> {
  const started = performance.now();
  const attempts: Attempt[] = [];
  const fail = (code: DnsErrorCode, detail?: string) => new DnsError(code, { hostname: name, type, attempts, detail });
  if (plan.servers.length === 0) throw fail('ECONNREFUSED', 'no servers configured');

  const planned = plan.servers.length * plan.tries;
  const transport: Transport = plan.tcp ? 'tcp' : 'udp';
  let next = 0; // index into the attempt plan
  let again: Step | undefined; // a step to repeat at once (over TCP, or without EDNS)
  let skip: Set<number> | undefined; // servers that refused, lack the opcode, or whose port is closed
  let noEdns: Set<number> | undefined; // servers that sent FORMERR to our OPT record
  let fallback: QueryResult | undefined;

  for (;;) {
    let step: Step;
    if (again !== undefined) {
      step = again;
      again = undefined;
    } else if (next < planned) {
      const slot = plannedAttempt(next++, plan.servers.length, plan.first);
      step = { server: slot.server, round: slot.round, transport };
    } else {
      break;
    }
    if (skip?.has(step.server)) continue;
    const remaining = plan.deadlineAt - performance.now();
    if (remaining < 1 || plan.call.aborted) break; // timers fire up to 1 ms early: no 1 ms attempt at the end
    const server = plan.servers[step.server];
    const edns = noEdns?.has(step.server) ? undefined : plan.ednsPayload;
    const wireName = plan.use0x20 ? randomizeCase(name) : name;
    const { attempt, message, size } = await exchange({
      server,
      udp: plan.udp,
      transport: step.transport,
      question: { name: wireName, type, class: cls },
      exactCase: plan.use0x20,
      answersOnly: plan.answersOnly,
      ednsPayload: edns,
      recursion: plan.recursion,
      checkingDisabled: plan.checkingDisabled,
      dnssecOk: plan.dnssecOk,
      timeoutMs: Math.max(1, Math.min(attemptTimeout(step.round, plan), remaining)),
      call: plan.call,
    });
    if (attempt.ignored > 0) plan.onIgnored(attempt.ignored);
    if (attempt.outcome === 'cancelled' && plan.call.reason === 'deadline') attempt.outcome = 'timeout';
    attempts.push(attempt);
    const result = message && toResult(message, server, step.transport, attempts, started, size ?? 0);

    switch (attempt.outcome) {
      case 'answer':
        return result!;
      case 'truncated':
        if (result) fallback = result; // better than nothing if TCP fails too
        again = { ...step, transport: 'tcp' };
        break;
      case 'formerr':
        fallback = result;
        if (edns !== undefined) {
          (noEdns ??= new Set()).add(step.server);
          again = step;
        } else {
          (skip ??= new Set()).add(step.server);
        }
        break;
      case 'servfail':
        fallback = result;
        break;
      case 'refused':
      case 'notimp':
        fallback = result;
        (skip ??= new Set()).add(step.server);
        break;
      case 'connrefused':
        (skip ??= new Set()).add(step.server);
        break;
      case 'cancelled':
        throw fail('ECANCELLED');
      case 'timeout':
      case 'malformed':
      case 'network-error':
        break;
    }
  }

  if (plan.call.reason === 'cancelled') throw fail('ECANCELLED');
  if (fallback) return { ...fallback, attempts, elapsedMs: Math.round(performance.now() - started) };
  if (plan.call.reason === 'deadline' || performance.now() >= plan.deadlineAt - 1) throw fail('ETIMEOUT', 'deadline reached');
  if (attempts.length > 0 && attempts.every((a) => a.outcome === 'connrefused')) throw fail('ECONNREFUSED');
  if (attempts.some((a) => a.outcome === 'malformed')) throw fail('EBADRESP', 'only malformed responses');
  throw fail('ETIMEOUT');
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
