import {
  decode,
  decodeHeadAndQuestions,
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
import type { Attempt, AttemptOutcome, Transport } from '../errors.js';
import { formatServer, type ServerAddress } from '../config/server-address.js';
import { releaseId, takeId } from './transaction-id.js';
import { sendTcp } from '../transport/tcp.js';
import type { Ending, SendOptions, Waiting } from '../transport/outcome.js';
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
  /** Over UDP, from a socket that carries this query alone (TCP always does). */
  alone: boolean;
  question: WireQuestion;
  /** Require the question name echoed with exactly our case (0x20 on). */
  exactCase: boolean;
  /** Decode only header, question, answers and OPT (the node:dns-shaped methods need no more). */
  answersOnly?: boolean;
  /** ... except for a reply without answers, whose SOA says how long "no" lasts (RFC 2308 §5). */
  negativeAuthority?: boolean;
  /** UDP payload size to advertise in OPT, or undefined for no OPT record. */
  ednsPayload: number | undefined;
  recursion: boolean;
  checkingDisabled: boolean;
  dnssecOk: boolean;
}

/** Who hears what became of an exchange (the lookup, failover.ts). */
export interface ExchangeListener<S> {
  /** The exchange is over: `attempt.outcome` says how; `message` is the accepted response, if any. */
  exchanged(exchange: Exchange<S>, message: Message | undefined, size: number): void;
  /**
   * A FORMERR/NOTIMP/SERVFAIL/REFUSED without a question came on a socket shared with other
   * queries: it may be anyone's, so this exchange goes on waiting (RFC 5452 §9.1 wants the question).
   */
  questionless(exchange: Exchange<S>): void;
  /** A datagram or frame turned down (counted in Resolver#stats.ignored). */
  ignored(): void;
}

/** The query message (RFC 1035 §4.1.1): one question, RD as asked, OPT when EDNS is on. */
export function buildQuery(id: number, req: Pick<ExchangeRequest, 'question' | 'ednsPayload' | 'recursion' | 'checkingDisabled' | 'dnssecOk'>): Uint8Array {
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
export type Mismatch = 'id' | 'qr' | 'opcode' | 'question' | 'questionless';

/**
 * RFC 5452 §9.1 and RFC 1035 §7.3: a reply carries our ID, QR=1, our opcode and our question.
 * A server that could not parse the query may send an error without a question; with only the
 * ID to match it, such a reply is taken only on a socket that carries this query `alone`
 * (anyone's otherwise: 'questionless').
 */
export function matchReply(reply: Message, id: number, question: WireQuestion, exactCase: boolean, alone: boolean): Mismatch | undefined {
  if (reply.id !== id) return 'id';
  if (!reply.flags.qr) return 'qr';
  if (reply.opcode !== Opcode.QUERY) return 'opcode';
  if (reply.questions.length === 0 && QUESTIONLESS_RCODES.has(reply.rcode)) return alone ? undefined : 'questionless';
  return sameQuestion(reply.questions, question, exactCase) ? undefined : 'question';
}

/** Errors a server may send without the question it could not read. */
const QUESTIONLESS_RCODES = new Set<number>([Rcode.FORMERR, Rcode.SERVFAIL, Rcode.NOTIMP, Rcode.REFUSED]);

function sameQuestion(questions: readonly { name: string; type: string; class: string }[], question: WireQuestion, exactCase: boolean): boolean {
  if (questions.length !== 1) return false;
  const q = questions[0];
  const sameName = exactCase ? q.name === question.name : namesEqual(q.name, question.name);
  return sameName && q.type === question.type && q.class === question.class;
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

/** The whole reply, when the sections answersOnly skipped decode too (else without them: not cached). */
function withAuthority(packet: Uint8Array, message: Message): Message {
  try {
    return decode(packet);
  } catch {
    return message;
  }
}

/** What ends an exchange's wait: a response, TC=1 on a reply that does not decode, or a malformed reply. */
type Accepted = Message | 'truncated' | 'malformed';

/**
 * One query to one server over one transport, with a fresh ID. It waits until a reply is
 * accepted, the socket fails, or close(): the lookup keeps it listening after its try has timed
 * out, so a late reply still counts. No promise: the listener hears the result. The constructor
 * throws only when the query cannot be built or sent at all.
 */
export class Exchange<S> implements SendOptions<Accepted> {
  readonly query: Uint8Array;
  readonly attempt: Attempt;
  readonly started = performance.now();
  private readonly id = takeId();
  private waiting: Waiting | undefined;

  constructor(
    readonly req: ExchangeRequest,
    private readonly listener: ExchangeListener<S>,
    /** The lookup's note of which server and round this is. */
    readonly step: S,
  ) {
    try {
      this.query = buildQuery(this.id, req);
      this.attempt = {
        server: formatServer(req.server),
        transport: req.transport,
        outcome: 'timeout',
        edns: req.ednsPayload !== undefined,
        elapsedMs: 0,
        ignored: 0,
      };
      this.waiting = req.transport === 'tcp' ? sendTcp(req.server, this) : req.udp.send(req.server, this, req.alone);
    } catch (err) {
      releaseId(this.id);
      throw err;
    }
  }

  /** Stops listening (the lookup is over); the listener hears nothing more. */
  close(): void {
    if (this.waiting === undefined) return;
    this.waiting.close();
    this.waiting = undefined;
    releaseId(this.id);
  }

  accept(packet: Uint8Array): Accepted | undefined {
    const req = this.req;
    const alone = req.alone || req.transport === 'tcp';
    let message: Message;
    try {
      message = decode(packet, req.answersOnly ? ANSWERS_ONLY : undefined);
    } catch {
      const verdict = this.undecodable(packet, alone);
      if (verdict === undefined) this.ignore();
      return verdict;
    }
    const mismatch = matchReply(message, this.id, req.question, req.exactCase, alone);
    if (mismatch === undefined) return req.negativeAuthority && req.answersOnly && message.answers.length === 0 ? withAuthority(packet, message) : message;
    this.ignore();
    if (mismatch === 'questionless') this.listener.questionless(this);
    return undefined;
  }

  done(ending: Ending<Accepted>): void {
    if (this.waiting === undefined) return;
    this.waiting = undefined;
    releaseId(this.id);
    const attempt = this.attempt;
    attempt.elapsedMs = Math.round(performance.now() - this.started);
    let message: Message | undefined;
    let size = 0;
    switch (ending.kind) {
      case 'reply':
        if (typeof ending.reply === 'string') attempt.outcome = ending.reply;
        else {
          message = ending.reply;
          size = ending.size;
          attempt.outcome = classifyResponse(message, this.req.transport);
        }
        break;
      case 'cancelled':
        attempt.outcome = 'cancelled';
        break;
      case 'error':
        attempt.outcome = ending.code === 'ECONNREFUSED' ? 'connrefused' : 'network-error';
        attempt.errorCode = ending.closed ? 'closed' : ending.code;
        break;
    }
    this.listener.exchanged(this, message, size);
  }

  private ignore(): void {
    this.attempt.ignored += 1;
    this.listener.ignored();
  }

  /**
   * A reply that does not decode is ours when its header and question are (or, on a socket that
   * carries this query alone, its header): TC=1 over UDP still sends us to TCP (some servers cut
   * a truncated reply mid-record); otherwise it is malformed, and the try fails at once.
   */
  private undecodable(packet: Uint8Array, alone: boolean): Accepted | undefined {
    let head;
    try {
      head = decodeHeadAndQuestions(packet);
    } catch {
      return undefined;
    }
    const { header, questions } = head;
    if (header.id !== this.id || !header.flags.qr) return undefined;
    if (!sameQuestion(questions, this.req.question, this.req.exactCase) && !(alone && questions.length === 0)) return undefined;
    return header.flags.tc && this.req.transport === 'udp' ? 'truncated' : 'malformed';
  }
}
