import {
  decode,
  decodeHeader,
  encode,
  encodeStubQuery,
  namesEqual,
  Opcode,
  Rcode,
  type ClassName,
  type Message,
  type MessageInit,
  type TypeName,
} from '@port53/wire';
import type { Cancellation } from './cancellation.js';
import type { Attempt, AttemptOutcome, Transport } from '../errors.js';
import { formatServer, type ServerAddress } from '../config/server-address.js';
import { releaseId, takeId } from './transaction-id.js';
import { sendTcp } from '../transport/tcp.js';
import type { ExchangeOutcome, SendOptions } from '../transport/outcome.js';
import type { UdpPool } from '../transport/udp.js';

/** The question as it goes on the wire (with 0x20 case already applied). */
export interface WireQuestion {
  name: string;
  type: TypeName;
  class: ClassName;
}

export interface ExchangeRequest {
  server: ServerAddress;
  /** The Resolver's UDP sockets. */
  udp: UdpPool;
  transport: Transport;
  question: WireQuestion;
  /** Require the question name echoed with exactly our case (0x20 on). */
  exactCase: boolean;
  /** Decode only header, question, answers and OPT (the node:dns-shaped methods need no more). */
  answersOnly?: boolean;
  /** UDP payload size to advertise in OPT, or undefined for no OPT record. */
  ednsPayload: number | undefined;
  recursion: boolean;
  checkingDisabled: boolean;
  dnssecOk: boolean;
  timeoutMs: number;
  call?: Cancellation;
}

export interface ExchangeResult {
  attempt: Attempt;
  /** The accepted response, when one arrived (also for SERVFAIL, TC=1 ...). */
  message?: Message;
  size?: number;
}

/** The query message (RFC 1035 §4.1.1): one question, RD as asked, OPT when EDNS is on. */
export function buildQuery(id: number, req: Omit<ExchangeRequest, 'server' | 'udp' | 'transport' | 'timeoutMs' | 'call' | 'answersOnly'>): Uint8Array {
  const fast = encodeStubQuery({
    id,
    name: req.question.name,
    type: req.question.type,
    class: req.question.class,
    rd: req.recursion,
    cd: req.checkingDisabled,
    ednsPayload: req.ednsPayload,
    dnssecOk: req.dnssecOk,
  });
  if (fast !== undefined) return fast;
  const msg: MessageInit = {
    id,
    opcode: Opcode.QUERY,
    flags: { rd: req.recursion, cd: req.checkingDisabled },
    questions: [req.question],
  };
  if (req.ednsPayload !== undefined) {
    msg.edns = { version: 0, udpPayloadSize: req.ednsPayload, do: req.dnssecOk, flags: 0, options: [] };
  }
  return encode(msg);
}

/** Why a decoded message is not the reply to our query; undefined when it is. */
export type Mismatch = 'id' | 'qr' | 'opcode' | 'question';

/**
 * RFC 5452 §9.1 and RFC 1035 §7.3: a reply carries our ID, QR=1, our opcode and our question.
 * A server that could not parse the query may send FORMERR or NOTIMP without a question.
 */
export function matchReply(reply: Message, id: number, question: WireQuestion, exactCase: boolean): Mismatch | undefined {
  if (reply.id !== id) return 'id';
  if (!reply.flags.qr) return 'qr';
  if (reply.opcode !== Opcode.QUERY) return 'opcode';
  if (reply.questions.length === 0 && (reply.rcode === Rcode.FORMERR || reply.rcode === Rcode.NOTIMP)) return undefined;
  if (reply.questions.length !== 1) return 'question';
  const q = reply.questions[0];
  const sameName = exactCase ? q.name === question.name : namesEqual(q.name, question.name);
  if (!sameName || q.type !== question.type || q.class !== question.class) return 'question';
  return undefined;
}

/** What a matched response means for the retry logic. */
export function classifyResponse(message: Message, transport: Transport): AttemptOutcome {
  if (message.flags.tc && transport === 'udp') return 'truncated';
  switch (message.rcode) {
    case Rcode.SERVFAIL:
      return 'servfail';
    case Rcode.REFUSED:
      return 'refused';
    case Rcode.NOTIMP:
      return 'notimp';
    case Rcode.FORMERR:
      return 'formerr';
    default:
      return 'answer';
  }
}

const ANSWERS_ONLY = { answersOnly: true };

type Accepted = { kind: 'message'; message: Message } | { kind: 'truncated-undecodable' };

/**
 * One query to one server over one transport, with a fresh ID; `done` hears the result (network
 * trouble is a result, never a throw). No promise: the lookup that asked is a callback-driven
 * state machine (failover.ts). Throws only when the query cannot be built or sent at all.
 */
export function exchange(req: ExchangeRequest, done: (result: ExchangeResult) => void): void {
  new Exchange(req, done).send();
}

/** The state of one exchange; the transport calls its accept() and done(), so it needs no closures. */
class Exchange implements SendOptions<Accepted> {
  readonly query: Uint8Array;
  readonly timeoutMs: number;
  readonly call: Cancellation | undefined;
  private readonly id = takeId();
  private readonly started = performance.now();
  private malformed = 0;

  constructor(
    private readonly req: ExchangeRequest,
    private readonly resolve: (result: ExchangeResult) => void,
  ) {
    try {
      this.query = buildQuery(this.id, req);
    } catch (err) {
      releaseId(this.id);
      throw err;
    }
    this.timeoutMs = req.timeoutMs;
    this.call = req.call;
  }

  send(): void {
    try {
      if (this.req.transport === 'tcp') sendTcp(this.req.server, this);
      else this.req.udp.send(this.req.server, this);
    } catch (err) {
      releaseId(this.id);
      throw err;
    }
  }

  accept(packet: Uint8Array): Accepted | undefined {
    const req = this.req;
    let message: Message;
    try {
      message = decode(packet, req.answersOnly ? ANSWERS_ONLY : undefined);
    } catch {
      const undecodable = acceptUndecodable(packet, this.id, req.transport);
      if (undecodable === 'malformed') this.malformed += 1;
      return undecodable === 'malformed' ? undefined : undecodable;
    }
    return matchReply(message, this.id, req.question, req.exactCase) === undefined ? { kind: 'message', message } : undefined;
  }

  done(outcome: ExchangeOutcome<Accepted>): void {
    releaseId(this.id);
    this.resolve(this.result(outcome));
  }

  private result(outcome: ExchangeOutcome<Accepted>): ExchangeResult {
    const req = this.req;
    const attempt: Attempt = {
      server: formatServer(req.server),
      transport: req.transport,
      outcome: 'timeout',
      edns: req.ednsPayload !== undefined,
      elapsedMs: Math.round(performance.now() - this.started),
      ignored: outcome.ignored,
    };
    switch (outcome.kind) {
      case 'reply':
        if (outcome.reply.kind === 'truncated-undecodable') {
          attempt.outcome = 'truncated';
          return { attempt };
        }
        attempt.outcome = classifyResponse(outcome.reply.message, req.transport);
        return { attempt, message: outcome.reply.message, size: outcome.size };
      case 'timeout':
        attempt.outcome = this.malformed > 0 ? 'malformed' : 'timeout';
        return { attempt };
      case 'cancelled':
        attempt.outcome = 'cancelled';
        return { attempt };
      case 'error':
        attempt.outcome = outcome.code === 'ECONNREFUSED' ? 'connrefused' : 'network-error';
        attempt.errorCode = outcome.code;
        return { attempt };
    }
  }
}

/**
 * An undecodable packet is ignored, but one whose header is ours and says TC=1 still tells us to
 * use TCP (some servers cut a truncated reply mid-record); one that is ours otherwise is 'malformed'.
 */
function acceptUndecodable(packet: Uint8Array, id: number, transport: Transport): Accepted | 'malformed' | undefined {
  let header;
  try {
    header = decodeHeader(packet);
  } catch {
    return undefined;
  }
  if (header.id !== id || !header.flags.qr) return undefined;
  if (header.flags.tc && transport === 'udp') return { kind: 'truncated-undecodable' };
  return 'malformed';
}
